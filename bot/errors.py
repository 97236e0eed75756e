"""Errors a user may see: their messages are safe and useful to show."""


class ProviderError(Exception):
    """A model call failed; the message is safe and useful to show to a user."""


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or kept failing after bounded retries."""


class ModelNotFound(ProviderError):
    """The configured model does not exist or is retired."""


class AnswerBlocked(ProviderError):
    """The model refused to answer (safety or policy block)."""
