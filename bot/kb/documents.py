"""Load Markdown, plain text, HTML and PDF files into titled sections; refuse bad input with a reason."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".svg"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


class SkipFile(Exception):
    """This file cannot be indexed; the message says why, for the ingest summary."""


@dataclass
class Section:
    """A heading and the text under it."""

    heading: str
    text: str


@dataclass
class Document:
    """A loaded file: its title, sections in reading order, and notes about how it was read."""

    title: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)


def load_document(path: Path, data: bytes) -> Document:
    """Parse `data` (the bytes of `path`) by file type; raise SkipFile with a reason when impossible."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        raise SkipFile("image: indexed separately by image search (Find)")
    if suffix not in SUPPORTED_SUFFIXES:
        raise SkipFile(f"unsupported file type '{suffix or path.name}' (supported: Markdown, text, HTML, PDF)")
    if not data.strip():
        raise SkipFile("empty file")
    if suffix in PDF_SUFFIXES:
        document = _load_pdf(data, path.stem)
    else:
        text, notes = decode_text(data)
        document = _load_html(text, path.stem) if suffix in HTML_SUFFIXES else _load_markdown(text, path.stem)
        document.notes += notes
    if not any(section.text.strip() for section in document.sections):
        raise SkipFile("no text content")
    return document


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode UTF-8 (with or without BOM), falling back to Windows-1252 with a note; refuse binary data."""
    if b"\x00" in data[:8192]:
        raise SkipFile("binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), ["not UTF-8: decoded as Windows-1252"]
    except UnicodeDecodeError:
        return data.decode("latin-1"), ["not UTF-8: decoded as Latin-1"]


def _load_markdown(text: str, fallback_title: str) -> Document:
    sections: list[Section] = []
    title, heading, lines, in_fence = "", "", [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _MD_HEADING.match(line)
        if match:
            sections.append(Section(heading, "\n".join(lines).strip()))
            heading, lines = match.group(2).strip(), []
            if not title and len(match.group(1)) == 1:
                title = heading
        else:
            lines.append(line)
    sections.append(Section(heading, "\n".join(lines).strip()))
    title = title or _first_line(text) or fallback_title
    return Document(title=title, sections=[s for s in sections if s.text])


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


_HTML_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "td", "th", "blockquote", "dd", "dt"]


def _load_html(text: str, fallback_title: str) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for noise in soup(["script", "style", "noscript", "nav", "footer", "template"]):
        noise.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    sections: list[Section] = []
    heading, parts = "", []
    for element in soup.find_all(_HTML_BLOCKS):
        if element.find_parent(_HTML_BLOCKS):
            continue  # nested block: its text is already in the parent's
        content = element.get_text(" ", strip=True)
        if element.name in _HTML_BLOCKS[:6]:
            sections.append(Section(heading, "\n".join(parts)))
            heading, parts = content, []
            title = title or content
        elif content:
            parts.append(f"- {content}" if element.name == "li" else content)
    sections.append(Section(heading, "\n".join(parts)))
    return Document(title=title or fallback_title, sections=[s for s in sections if s.text.strip()])


def _load_pdf(data: bytes, fallback_title: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile("encrypted PDF (password required)")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except SkipFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SkipFile(f"unreadable PDF ({type(exc).__name__}: {str(exc)[:80]})") from exc
    if not any(page.strip() for page in pages):
        raise SkipFile("PDF has no extractable text (scanned? OCR arrives with image search)")
    title = meta_title.strip() or _first_line(pages[0]) or fallback_title
    sections = [Section(f"page {number}", text.strip()) for number, text in enumerate(pages, 1) if text.strip()]
    return Document(title=title, sections=sections)
