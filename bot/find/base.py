"""What Find needs from a vision provider: a description of an image and its vectors in two spaces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.kb.images import DownloadedImage
from bot.types import Vector

Task = Literal["document", "query"]


@dataclass(frozen=True)
class ImageDescription:
    """What an image shows (a caption, or the top ImageNet labels offline) and the words read in it (OCR)."""

    caption: str
    text: str = ""

    def as_text(self) -> str:
        """Caption and OCR text as one searchable string."""
        return "\n".join(part for part in (self.caption.strip(), self.text.strip()) if part)


@dataclass(frozen=True)
class ImageVectors:
    """An image's vectors: `semantic` lives in the knowledge base's text space (compared with document
    chunks and text questions); `visual` lives in the encoder's image space (compared with other images)."""

    semantic: Vector
    visual: Vector


class ImageEncoder(Protocol):
    """Describes and embeds images. `visual_model_id`/`visual_dimension` name the image-to-image space."""

    visual_model_id: str
    visual_dimension: int

    def describe(self, image: DownloadedImage) -> ImageDescription:
        """Caption and OCR text for one image."""
        ...

    def embed(self, image: DownloadedImage, description: ImageDescription, task: Task = "document",
              text: str = "") -> ImageVectors:
        """Vectors for one image; `text` (a user's words sent with the image) joins the semantic vector."""
        ...

    def embed_text_visual(self, text: str) -> Vector | None:
        """A text query in the visual space when that space is cross-modal (Vertex multimodal); else None."""
        ...
