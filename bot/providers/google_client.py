"""Build one google-genai client with bounded retries and timeouts, and translate its errors."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from bot.errors import ModelNotFound, ProviderError, ProviderUnavailable

if TYPE_CHECKING:
    from google import genai

    from bot.config import Settings

RETRYABLE_STATUS = [408, 429, 500, 502, 503, 504]
GEMINI_API_URL = "https://generativelanguage.googleapis.com/"
NETWORK_ADVICE = ("Check this machine's network, proxy (HTTPS_PROXY) and firewall, and GOOGLE_GEMINI_BASE_URL if "
                  "set; `curator doctor` tests the connection.")


def build_genai_client(settings: Settings) -> genai.Client:
    """A genai client for the Gemini API (API key) or Vertex AI, retrying 408/429/5xx with backoff."""
    from google import genai
    from google.genai import types

    retry = types.HttpRetryOptions(
        attempts=settings.google_retry_attempts,
        initial_delay=settings.google_retry_initial_delay_s,
        max_delay=max(settings.google_retry_initial_delay_s * 8, 0.01),
        exp_base=2,
        jitter=min(1.0, settings.google_retry_initial_delay_s),
        http_status_codes=RETRYABLE_STATUS,
    )
    http_options = types.HttpOptions(
        base_url=settings.google_gemini_base_url,
        api_version=settings.api_version,  # genai 3 defaults to v1, which lacks fields Curator sends
        timeout=int(settings.google_timeout_s * 1000),  # genai takes milliseconds
        retry_options=retry,
        # genai applies one timeout to connect and read; an unreachable host must fail in seconds, not minutes.
        client_args={"event_hooks": {"request": [connect_within(settings.google_connect_timeout_s)]}},
    )
    if settings.google_genai_use_vertexai:
        return genai.Client(
            vertexai=True,
            project=settings.google_cloud_project,
            location=settings.google_cloud_location,
            http_options=http_options,
        )
    assert settings.gemini_api_key is not None
    return genai.Client(api_key=settings.gemini_api_key.get_secret_value(), http_options=http_options)


def connect_within(seconds: float) -> Callable[[Any], None]:
    """An httpx request hook capping the connect timeout of every request at `seconds` (reads keep theirs)."""

    def cap(request: Any) -> None:
        timeout = dict(request.extensions.get("timeout") or {})
        current = timeout.get("connect")
        timeout["connect"] = seconds if current is None else min(current, seconds)
        request.extensions["timeout"] = timeout

    return cap


def lookup_options(settings_timeout_s: float) -> dict:
    """Per-call http_options for model lookups: one attempt, done within the connect timeout."""
    return {"timeout": max(1, int(settings_timeout_s * 1000)), "retry_options": {"attempts": 1}}


def google_endpoint(settings: Settings) -> str:
    """The base URL and API version Google calls go to, for messages (no credentials in it)."""
    if settings.google_genai_use_vertexai and not settings.google_gemini_base_url:
        location = settings.google_cloud_location
        host = "aiplatform.googleapis.com" if location == "global" else f"{location}-aiplatform.googleapis.com"
        return f"https://{host}/{settings.api_version}"
    return f"{(settings.google_gemini_base_url or GEMINI_API_URL).rstrip('/')}/{settings.api_version}"


def _transport_errors() -> tuple[type[BaseException], ...]:
    import httpx
    from google.auth.exceptions import TransportError

    errors: list[type[BaseException]] = [httpx.HTTPError, TransportError]
    with contextlib.suppress(ImportError):
        import httpx2

        errors.append(httpx2.HTTPError)
    return tuple(errors)


@contextlib.contextmanager
def google_errors(what: str, model: str) -> Iterator[None]:
    """Turn SDK and transport exceptions into ProviderErrors whose message a user can act on."""
    from google.genai import errors

    try:
        yield
    except errors.APIError as exc:
        raise _from_api_error(exc, what, model) from exc
    except _transport_errors() as exc:
        raise ProviderUnavailable(unreachable_message(what, exc)) from exc
    except ValueError as exc:  # a 200 whose body isn't JSON, or whose fields have the wrong type (pydantic)
        raise ProviderError(malformed_message(what, model, str(exc).splitlines()[0][:200])) from exc


def malformed_message(what: str, model: str, problem: str) -> str:
    """One line for a response Curator can't use: which model, what was wrong, what to do."""
    return (f"{what} failed: {model} sent a malformed response ({problem}). Try again; if it persists, check "
            "GOOGLE_GEMINI_BASE_URL and any proxy in between, then run `curator doctor`.")


def unreachable_message(what: str, exc: BaseException) -> str:
    """One line for a network failure: which endpoint, what happened, what to check."""
    kind, url = type(exc).__name__, _request_url(exc)
    where = f"Google at {url}" if url else "Google"
    if "Connect" in kind or "Transport" in kind:
        problem = f"could not connect to {where} ({kind})"
    elif "Timeout" in kind:
        problem = (f"{where} did not answer in time ({kind}; GOOGLE_TIMEOUT_S per request, "
                   "GOOGLE_CONNECT_TIMEOUT_S for model lookups)")
    else:
        problem = f"the connection to {where} failed ({kind})"
    return f"{what} failed: {problem}. {NETWORK_ADVICE}"


def _request_url(exc: BaseException) -> str:
    """The URL the failed request went to, without its query (never a key)."""
    try:
        url = exc.request.url  # type: ignore[attr-defined]  # httpx errors carry their request
    except (AttributeError, RuntimeError):
        return ""
    return f"{url.scheme}://{url.netloc.decode() if isinstance(url.netloc, bytes) else url.netloc}{url.path}"


def _from_api_error(exc: Exception, what: str, model: str) -> ProviderError:
    code = getattr(exc, "code", None)
    detail = (getattr(exc, "message", None) or str(exc))[:300]
    if code == 404:
        return ModelNotFound(f"{what} failed: model '{model}' was not found or is retired ({detail}).")
    if code == 400 and "Unknown name" in detail:
        return ProviderError(f"{what} failed: this Google API version doesn't know a field Curator sends ({detail}). "
                             "Leave GOOGLE_API_VERSION empty (Curator pins v1beta, or v1beta1 on Vertex) and run "
                             "`curator doctor`.")
    if code in (401, 403) or (code == 400 and "API key" in detail):
        return ProviderError(f"{what} failed: Google rejected the credentials ({code}). Check GEMINI_API_KEY or the Vertex service account.")
    if code in RETRYABLE_STATUS:
        return ProviderUnavailable(f"{what} failed: Google kept answering {code} after retries ({detail}). Try again in a minute.")
    return ProviderError(f"{what} failed: Google answered {code} ({detail}).")


def count_request_tokens(client: genai.Client, model: str, prompt: str, generation_config: dict) -> int:
    """countTokens for a whole generateContent request (free, nothing generated or billed).

    The protos allow it in both modes (generativelanguage CountTokensRequest.generate_content_request;
    aiplatform CountTokensRequest.generation_config), but genai's count_tokens drops generation_config with
    an API key and has no imageConfig, so the request goes through genai's own client (its auth, base URL,
    pinned API version, timeout and retries) as the published JSON. Google parses the whole body, so a field
    the API version lacks is rejected here exactly as generateContent would reject it.
    """
    contents = [{"role": "user", "parts": [{"text": prompt}]}]
    if client.vertexai:
        path = f"publishers/google/models/{model}:countTokens"
        body: dict = {"contents": contents, "generationConfig": generation_config}
    else:
        path = f"models/{model}:countTokens"
        body = {"generateContentRequest": {"model": f"models/{model}", "contents": contents,
                                           "generationConfig": generation_config}}
    response = client._api_client.request("post", path, body)  # private on purpose: see the docstring
    return int(json.loads(response.body or "{}").get("totalTokens", 0))
