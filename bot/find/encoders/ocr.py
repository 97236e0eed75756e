"""Read the words in an image (error dialogs, slides, screenshots) with Tesseract through pytesseract."""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections import ChainMap

import pytesseract
from PIL import Image

from bot.find.encoders.vision_model import to_rgb

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
# Screenshots at 100% have 10-14 px text; Tesseract misreads some of it (and codes like "NW-CA-2024") unless
# it is doubled. Images whose short side reaches this are large enough as they are.
UPSCALE_BELOW = 1100
UPSCALE_FACTOR = 2
# Tesseract's time grows with the pixels: a 10.8 MP phone photo took 1.8 s. Bigger images are scaled down to
# this (a 5K screenshot keeps text of about 13 px), which also bounds what a huge upload can cost.
MAX_OCR_PIXELS = 8_000_000
# Tesseract's OpenMP threads spin against each other on small machines: one thread read the test dialog
# 3-4x faster (0.28 s instead of 0.9 s on 2 cores). Only Tesseract's process gets this default.
pytesseract.pytesseract.environ = ChainMap(os.environ, {"OMP_THREAD_LIMIT": "1"})
_WORD = re.compile(r"[A-Za-z0-9]")
_warned = False


def tesseract_command() -> str:
    """The Tesseract executable pytesseract will run (`pytesseract.pytesseract.tesseract_cmd`)."""
    return pytesseract.pytesseract.tesseract_cmd


def ocr_available() -> bool:
    """True when the Tesseract executable can be found (the `curator doctor` check)."""
    return shutil.which(tesseract_command()) is not None


def read_text(image: Image.Image, timeout: float = TIMEOUT_SECONDS) -> str:
    """The cleaned text Tesseract reads in `image`; "" when there is none, OCR is missing, fails or times out."""
    if not ocr_available():
        _warn_missing()
        return ""
    try:
        raw = pytesseract.image_to_string(prepare(image), timeout=timeout)
    except pytesseract.TesseractNotFoundError:
        _warn_missing()
        return ""
    except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout, TesseractError on a bad image
        log.warning("OCR gave up on an image: %s", exc)
        return ""
    return clean(raw)


def prepare(image: Image.Image) -> Image.Image:
    """Grayscale, doubled when small, scaled down to MAX_OCR_PIXELS when huge: what Tesseract reads best."""
    gray = to_rgb(image).convert("L")  # Tesseract 5 reads light-on-dark (dark mode) as well; no inversion
    scale = UPSCALE_FACTOR if min(gray.size) < UPSCALE_BELOW else 1
    scale = min(scale, (MAX_OCR_PIXELS / (gray.width * gray.height)) ** 0.5)
    if scale != 1:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    return gray


def clean(raw: str) -> str:
    """One line per text line, whitespace collapsed, lines without at least two letters or digits dropped."""
    lines = (" ".join(line.split()) for line in raw.splitlines())
    return "\n".join(line for line in lines if len(_WORD.findall(line)) >= 2)


def _warn_missing() -> None:
    global _warned
    if not _warned:
        _warned = True
        log.warning("Tesseract (%s) was not found: images are searched without the text in them. "
                    "Install it with `apt-get install tesseract-ocr`.", tesseract_command())
