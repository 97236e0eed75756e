"""Find's Vertex image encoder: multimodalembedding@001 (google-cloud-aiplatform's PredictionServiceClient, REST)
for the visual space. The client carries its own endpoint, credentials and timeout: nothing process-wide
(no vertexai.init)."""

from __future__ import annotations

import base64
import contextlib
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from bot.errors import ModelNotFound, ProviderError, ProviderUnavailable
from bot.find.base import ImageDescription, ImageVectors, Task
from bot.find.encoders.gemini_encoder import png_or_jpeg
from bot.kb.images import DownloadedImage
from bot.providers.gemini_embedder import unit_length
from bot.providers.google_client import RETRYABLE_STATUS
from bot.types import Embedder, Vector

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

    from bot.config import Settings

log = logging.getLogger(__name__)
WHAT = "Embedding the image on Vertex AI"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


class Describer(Protocol):
    """Captions and transcribes an image (GeminiImageEncoder is one)."""

    def describe(self, image: DownloadedImage) -> ImageDescription:
        """Caption and OCR text for one image."""
        ...


class VertexMultimodalEncoder:
    """`visual` vectors from Vertex multimodalembedding@001 (image and text share that space); `semantic`
    vectors from `text_embedder` (the knowledge base's text space) over the description plus the user's text.

    Credentials default to Application Default Credentials; predict calls get a timeout of
    `settings.google_timeout_s` and up to `settings.google_retry_attempts` attempts with exponential backoff.
    """

    def __init__(self, settings: Settings, text_embedder: Embedder, describer: Describer,
                 credentials: Credentials | None = None) -> None:
        import google.auth
        from google.cloud.aiplatform_v1 import PredictionServiceClient

        self._text = text_embedder
        self._describer = describer
        self._attempts = settings.google_retry_attempts
        self._delay = settings.google_retry_initial_delay_s
        self.visual_model_id = settings.multimodal_embedding_model
        self.visual_dimension = settings.multimodal_embedding_dim
        project, location = settings.google_cloud_project, settings.google_cloud_location
        self._timeout = settings.google_timeout_s
        self._endpoint = f"projects/{project}/locations/{location}/publishers/google/models/{self.visual_model_id}"
        with vertex_errors(self.visual_model_id):
            if credentials is None:
                credentials, _ = google.auth.default(scopes=[CLOUD_PLATFORM])
            api_endpoint = settings.vertex_api_endpoint or f"{location}-aiplatform.googleapis.com"
            self._client = PredictionServiceClient(credentials=credentials, transport="rest",
                                                   client_options={"api_endpoint": api_endpoint})

    def describe(self, image: DownloadedImage) -> ImageDescription:
        """Caption and OCR text from the describer this encoder was given."""
        return self._describer.describe(image)

    def embed(self, image: DownloadedImage, description: ImageDescription, task: Task = "document",
              text: str = "") -> ImageVectors:
        """`visual` is the image's multimodal embedding; `semantic` the text embedder's vector of the
        description (caption + OCR) and `text`, as a document or a query."""
        data, _ = png_or_jpeg(image)
        visual = self._predict({"image": {"bytesBase64Encoded": base64.b64encode(data).decode()}}).get("imageEmbedding")
        words = "\n".join(p for p in (description.as_text(), text.strip()) if p) or image.name
        semantic = self._text.embed_documents([words])[0] if task == "document" else self._text.embed_query(words)
        return ImageVectors(semantic=semantic, visual=_unit(visual))

    def embed_text_visual(self, text: str) -> Vector | None:
        """`text` in the multimodal space, to search images by words."""
        return _unit(self._predict({"text": text}).get("textEmbedding"))

    def _predict(self, instance: dict[str, Any]) -> dict[str, Any]:
        """One :predict of `instance`, retried with backoff on 429/5xx and network errors; its prediction."""
        with vertex_errors(self.visual_model_id):
            for attempt in range(1, self._attempts):
                try:
                    return self._call(instance)
                except Exception as exc:
                    if not _retryable(exc):
                        raise
                    delay = min(self._delay * 2 ** (attempt - 1), max(self._delay * 8, 0.01))
                    log.info("%s: attempt %d of %d failed (%s), retrying in %.2fs",
                             WHAT, attempt, self._attempts, type(exc).__name__, delay)
                    time.sleep(delay)
            return self._call(instance)

    def _call(self, instance: dict[str, Any]) -> dict[str, Any]:
        from google.protobuf import json_format, struct_pb2

        response = self._client.predict(
            endpoint=self._endpoint, instances=[json_format.ParseDict(instance, struct_pb2.Value())],
            parameters=json_format.ParseDict({"dimension": self.visual_dimension}, struct_pb2.Value()),
            timeout=self._timeout)
        predictions = [json_format.MessageToDict(p) for p in response._pb.predictions]
        return predictions[0] if predictions else {}


def build_vertex_encoder(settings: Settings, text_embedder: Embedder,
                         describer: Describer) -> VertexMultimodalEncoder:
    """The Vertex encoder with Application Default Credentials, as production runs it."""
    return VertexMultimodalEncoder(settings, text_embedder, describer)


def _retryable(exc: Exception) -> bool:
    from google.api_core import exceptions
    from requests import exceptions as http

    if isinstance(exc, exceptions.GoogleAPICallError):
        return exc.code in RETRYABLE_STATUS
    return isinstance(exc, (http.Timeout, http.ConnectionError))


def _unit(values: Vector | None) -> Vector:
    if not values:
        raise ProviderError(f"{WHAT} failed: Vertex AI answered without an embedding.")
    return unit_length(list(values))


@contextlib.contextmanager
def vertex_errors(model: str) -> Iterator[None]:
    """Turn aiplatform, google-auth and requests exceptions into ProviderErrors a user can act on; messages
    carry the status and Google's explanation, never credentials."""
    from google.api_core import exceptions
    from google.auth import exceptions as auth
    from requests import exceptions as http

    try:
        yield
    except exceptions.GoogleAPICallError as exc:
        code = exc.code
        detail = str(exc.message).split(": ", 1)[-1][:300]  # drop aiplatform's "POST <url>: " prefix
        if code == 404:
            raise ModelNotFound(f"{WHAT} failed: model '{model}' was not found in this project and "
                                f"location, or is retired ({detail}).") from exc
        if code in (401, 403):
            raise ProviderError(f"{WHAT} failed: Google rejected the credentials ({code}). Check the "
                                "Vertex service account and that the Vertex AI API is enabled.") from exc
        if code in RETRYABLE_STATUS:
            raise ProviderUnavailable(f"{WHAT} failed: Google kept answering {code} after retries "
                                      f"({detail}). Try again in a minute.") from exc
        raise ProviderError(f"{WHAT} failed: Google answered {code} ({detail}).") from exc
    except auth.DefaultCredentialsError as exc:
        raise ProviderError(f"{WHAT} failed: no Google credentials found. Set GOOGLE_APPLICATION_CREDENTIALS "
                            "or run `gcloud auth application-default login`.") from exc
    except auth.GoogleAuthError as exc:  # e.g. RefreshError: a revoked or expired token
        raise ProviderError(f"{WHAT} failed: Google rejected the credentials ({type(exc).__name__}). "
                            "Check the Vertex service account.") from exc
    except (http.Timeout, http.ConnectionError) as exc:
        problem = "timed out" if isinstance(exc, http.Timeout) else "could not reach Google"
        raise ProviderUnavailable(f"{WHAT} failed: {problem}, even after retries. Try again in a minute.") from exc
