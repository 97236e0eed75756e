"""Errors a user may see. Every one subclasses UserError: its message is safe and useful to show as it is, and
the places that write replies (Slack, the CLI) catch UserError once; anything else is a bug, shown with an id."""


class UserError(Exception):
    """A request cannot be served, for a reason the message tells the user, with what to do."""


class ProviderError(UserError):
    """A model call failed; the message is safe and useful to show to a user."""


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or kept failing after bounded retries."""


class ModelNotFound(ProviderError):
    """The configured model does not exist or is retired."""


class AnswerBlocked(ProviderError):
    """The model refused to answer (safety or policy block)."""
