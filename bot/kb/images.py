"""Decode downloaded bytes with Pillow, refusing anything that is not a sane PNG, JPEG, WebP or GIF."""

from __future__ import annotations

import codecs
import io
import warnings
from dataclasses import dataclass

from PIL import Image

SUPPORTED = "PNG, JPEG, WebP and GIF"
# Pillow format name -> the MIME type we report; only these plugins are ever asked to parse bytes.
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}


class UnsupportedFile(ValueError):
    """The file is not an image we can use; the message says why and what is supported."""


@dataclass(frozen=True)
class DownloadedImage:
    """A decoded, checked image: the original bytes (a GIF's first frame as PNG) and its size."""

    data: bytes
    mime_type: str
    width: int
    height: int
    name: str


def decode_image(data: bytes, name: str, max_pixels: int, declared_type: str = "") -> DownloadedImage:
    """Check that ``data`` is a supported image within ``max_pixels``; a GIF becomes its first frame as PNG."""
    if not data:
        raise UnsupportedFile(f"“{name}” is empty (0 bytes). I can read {SUPPORTED} images.")
    # Escalate Pillow's own bomb warning so it refuses instead of decoding.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name, max_pixels) from None
        except Image.UnidentifiedImageError:
            if _has_supported_signature(data):  # a PNG/JPEG/GIF/WebP header with a broken body
                raise _unreadable(name) from None
            what = describe(data, declared_type)
            raise UnsupportedFile(f"“{name}” looks like {what}, which I can't search with. "
                                  f"I can read {SUPPORTED} images.") from None
        except Exception:  # noqa: BLE001 - a malformed header can raise almost anything in a plugin
            raise _unreadable(name) from None
        with img:
            return _checked(img, data, name, max_pixels)


def _checked(img: Image.Image, data: bytes, name: str, max_pixels: int) -> DownloadedImage:
    width, height = img.size
    if img.format not in FORMATS or width <= 0 or height <= 0:
        raise _unreadable(name)
    if width * height > max_pixels:  # before load(): the header alone decides
        raise _too_many_pixels(name, max_pixels)
    try:
        img.seek(0)
        img.load()
        if img.format != "GIF":
            return DownloadedImage(data, FORMATS[img.format], width, height, name)
        out = io.BytesIO()
        img.convert("RGBA").save(out, format="PNG")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, max_pixels) from None
    except Exception:  # noqa: BLE001 - truncated or corrupt: OSError, SyntaxError, ValueError, EOFError
        raise _unreadable(name) from None
    return DownloadedImage(out.getvalue(), "image/png", width, height, name)


def describe(data: bytes, declared_type: str = "") -> str:
    """A short human name for what the bytes are, for refusals."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "a PDF document"
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in data[:4096].lower()):
        return "an SVG drawing"
    if data[4:8] == b"ftyp" and data[8:12] in {b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"heim", b"heis"}:
        return "a HEIC/HEIF photo"
    if data[4:8] == b"ftyp" and data[8:12] == b"avif":
        return "an AVIF image"
    if head.startswith((b"<!doctype", b"<html")):
        return "a web page"
    if _is_text(data[:4096]):
        return "a text file"
    return f"a {declared_type} file" if declared_type else "a file of an unknown type"


def _has_supported_signature(data: bytes) -> bool:
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _is_text(sample: bytes) -> bool:
    try:  # incremental: a multi-byte character cut at the sample's end is not an error
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in sample


def _unreadable(name: str) -> UnsupportedFile:
    return UnsupportedFile(f"“{name}” couldn't be read as an image: it seems truncated or corrupt. "
                           f"I can read {SUPPORTED} images.")


def _too_many_pixels(name: str, max_pixels: int) -> UnsupportedFile:
    return UnsupportedFile(f"“{name}” has too many pixels to process safely (the limit is "
                           f"{max_pixels / 1e6:g} megapixels). Please send a smaller {SUPPORTED} image.")
