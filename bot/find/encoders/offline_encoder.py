"""The embedded default image encoder: EfficientNet-Lite0 (ImageNet) + Tesseract OCR + the KB's MiniLM space.

Image -> image compares pooled CNN features. Image -> documents maps the class probabilities through MiniLM
embeddings of the 1000 class names into the knowledge base's text space and blends in the words read in the
image (OCR) and the user's own words, so a screenshot of an error finds the runbook that quotes it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

import numpy as np

from bot.find.base import ImageDescription, ImageVectors, Task
from bot.find.encoders import ocr
from bot.find.encoders.vision_model import (
    FEATURE_DIMENSION,
    MODEL_ID,
    RESIZE_SIZE,
    VisionModel,
    VisionOutput,
    class_names,
    open_image,
)
from bot.kb.images import DownloadedImage
from bot.types import Embedder, Vector

log = logging.getLogger(__name__)

# Visual cosine at or above which two images are "the same picture". Measured on the 12 images of
# examples/kb/images and 4 drawings: a copy resized to 70%, re-saved as JPEG q70 or cropped 5% scored
# 0.887-0.999; all three at once 0.833-0.966; unrelated images <= 0.32. Caveat: images drawn from one template
# (two flow diagrams, two dialogs differing only in their text) score 0.73-0.97, as alike as copies: the CNN
# sees the layout, not the words, so compare the OCR text too before calling text-heavy images duplicates.
DUPLICATE_SIMILARITY = 0.85
LABEL_TEMPLATE = "a photo of a {}"
CAPTION_FLOOR = 0.15  # class probability a label needs to appear in the caption
CAPTION_LABELS = 3
LABEL_WEIGHT = 1.0
USER_TEXT_WEIGHT = 2.0
OCR_MAX_WEIGHT = 4.0  # a screenshot full of text is dominated by its text ...
OCR_FULL_WORDS = 12  # ... from this many words read on


class OfflineImageEncoder:
    """An `ImageEncoder` that needs no network: everything runs on the CPU from packaged weights."""

    visual_model_id = MODEL_ID
    visual_dimension = FEATURE_DIMENSION

    def __init__(self, text_embedder: Embedder, cache_dir: Path | None = None,
                 vision: VisionModel | None = None) -> None:
        self._embedder = text_embedder
        self._cache_dir = cache_dir
        self._vision = vision or VisionModel()
        self._labels: np.ndarray | None = None
        self._labels_lock = threading.Lock()
        self._last: tuple[bytes, VisionOutput] | None = None  # describe() then embed() of the same upload

    def warm_up(self) -> None:
        """Load the CNN and the label matrix now (a few seconds), so the first upload is answered as fast as later ones."""
        from PIL import Image

        self._vision.analyse(Image.new("RGB", (RESIZE_SIZE, RESIZE_SIZE), (128, 128, 128)))
        self.label_matrix()

    def describe(self, image: DownloadedImage) -> ImageDescription:
        """The most likely ImageNet labels as a caption ("" when none is confident) and the OCR text."""
        seen = self._see(image)
        names = class_names()
        labels: list[str] = []
        for index in np.argsort(-seen.probabilities)[:CAPTION_LABELS]:
            if seen.probabilities[index] >= CAPTION_FLOOR and names[index] not in labels:
                labels.append(names[index])
        caption = f"Looks like: {', '.join(labels)}" if labels else ""
        return ImageDescription(caption, ocr.read_text(open_image(image.data)))

    def embed(self, image: DownloadedImage, description: ImageDescription, task: Task = "document",
              text: str = "") -> ImageVectors:
        """Semantic: a normalised blend of the class-label vector, the OCR text and `text` in the KB's text
        space (the texts are embedded as queries when `task` is "query"). Visual: the normalised CNN features."""
        seen = self._see(image)
        parts = [LABEL_WEIGHT * _unit(seen.probabilities @ self.label_matrix())]
        texts, weights = [], []
        if description.text.strip():
            texts.append(description.text)
            weights.append(OCR_MAX_WEIGHT * min(1.0, len(description.text.split()) / OCR_FULL_WORDS))
        if text.strip():
            texts.append(text)
            weights.append(USER_TEXT_WEIGHT)
        if texts:
            if task == "query":
                vectors = np.asarray([self._embedder.embed_query(t) for t in texts], dtype=np.float32)
            else:
                vectors = np.asarray(self._embedder.embed_documents(texts), dtype=np.float32)
            parts.extend(weight * _unit(vector) for weight, vector in zip(weights, vectors, strict=True))
        return ImageVectors(semantic=_unit(np.sum(parts, axis=0)).tolist(), visual=seen.features.tolist())

    def embed_text_visual(self, text: str) -> Vector | None:
        """None: the CNN's feature space has no text side, so text queries use the semantic vectors."""
        return None

    def label_matrix(self) -> np.ndarray:
        """The (1000, d) unit MiniLM embeddings of the class names; computed once, cached in memory and on disk."""
        with self._labels_lock:
            if self._labels is None:
                self._labels = self._load_labels()
            return self._labels

    def _see(self, image: DownloadedImage) -> VisionOutput:
        last = self._last
        if last is not None and last[0] == image.data:
            return last[1]
        seen = self._vision.analyse(open_image(image.data, at_least=RESIZE_SIZE))
        self._last = (image.data, seen)
        return seen

    def _load_labels(self) -> np.ndarray:
        texts = [LABEL_TEMPLATE.format(name) for name in class_names()]
        path = self._cache_path(texts)
        if path is not None and path.exists():
            try:
                matrix = np.load(path)
                if matrix.shape == (len(texts), self._embedder.dimension):
                    return matrix
            except (OSError, ValueError) as exc:
                log.warning("Ignoring the unreadable label cache %s: %s", path, exc)
        matrix = np.asarray(self._embedder.embed_documents(texts), dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        if path is not None:
            _save_atomically(path, matrix)
        return matrix

    def _cache_path(self, texts: list[str]) -> Path | None:
        if self._cache_dir is None:
            return None
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:12]
        model = "".join(c if c.isalnum() or c in "-_." else "_" for c in self._embedder.model_id)
        return self._cache_dir / f"imagenet-labels-{model}-{self._embedder.dimension}-{digest}.npy"


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def _save_atomically(path: Path, matrix: np.ndarray) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.stem, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as out:
            np.save(out, matrix)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only data dir only costs a few seconds at the next start
        log.warning("Could not cache the label matrix at %s: %s", path, exc)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
