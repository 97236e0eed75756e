"""Load Markdown, plain text, HTML and PDF files into titled sections; refuse bad input with a reason."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import UserError

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = MARKDOWN_SUFFIXES | {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".svg"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


class SkipFile(UserError):
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
        loader = _load_html if suffix in HTML_SUFFIXES else _load_markdown if suffix in MARKDOWN_SUFFIXES else _load_plain
        document = loader(text, path.stem)
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
    from bot.kb.structure import HeadingPath

    sections: list[Section] = []
    title, heading, lines, in_fence = "", "", [], False
    path = HeadingPath()
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _MD_HEADING.match(line)
        if match:
            sections.append(Section(heading, "\n".join(lines).strip()))
            heading, lines = path.enter(len(match.group(1)), match.group(2).strip()), []
            if not title and len(match.group(1)) == 1:
                title = match.group(2).strip()
        else:
            lines.append(line)
    sections.append(Section(heading, "\n".join(lines).strip()))
    title = clean_title(title or _first_line(text) or fallback_title)
    return Document(title=title, sections=[s for s in sections if s.text])


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _load_html(text: str, fallback_title: str) -> Document:
    from bot.kb.html_text import html_sections

    page_title, h1, sections = html_sections(text)
    title = clean_title(h1 or page_title or (sections[0][0] if sections else "") or fallback_title)
    return Document(title=title, sections=[Section(heading, body) for heading, body in sections])


def _load_plain(text: str, fallback_title: str) -> Document:
    from bot.kb.plain_text import plain_sections

    if _MD_HEADING.match(_first_line(text)):
        return _load_markdown(text, fallback_title)
    title = _first_line(text) or fallback_title
    body = text.split(title, 1)[1] if title in text else text
    sections = [Section(heading or title, body) for heading, body in plain_sections(body)]
    return Document(title=clean_title(title), sections=sections)


_SITE_WORDS = re.compile(r"\b(wiki|intranet|portal|confluence|notion|sharepoint|docs|documentation|handbook|"
                         r"knowledge base|kb|help ?cent(er|re)|site|hub|space)\b", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|·|::|»)\s+")


def clean_title(title: str) -> str:
    """A page title without the site's name: `Parking - Northwind Wiki` -> `Parking`."""
    title = " ".join(title.split())
    parts = _TITLE_SEPARATOR.split(title)
    while len(parts) > 1 and (" | " in title or _SITE_WORDS.search(parts[-1])):
        parts.pop()
        title = title[: title.rindex(parts[-1]) + len(parts[-1])] if parts else title
    return title.strip()


def _load_pdf(data: bytes, fallback_title: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile("encrypted PDF (password required)")
        pages = [_page_text(page) for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except SkipFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SkipFile(f"unreadable PDF ({type(exc).__name__}: {str(exc)[:80]})") from exc
    if not any(page.strip() for page in pages):
        raise SkipFile("PDF has no extractable text (scanned? OCR arrives with image search)")
    title = clean_title(meta_title.strip() or _first_line(pages[0]) or fallback_title)
    return Document(title=title, sections=_pdf_sections(pages, title, drop_title=bool(meta_title.strip())))


def _page_text(page) -> str:
    """The page's text laid out as printed (columns stay aligned), or plain when layout mode fails."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except Exception:  # noqa: BLE001 - pypdf's layout mode raises assorted errors on odd fonts
        return page.extract_text() or ""


_PAGE_NUMBER = re.compile(r"\bpage \d+( of \d+)?\b", re.IGNORECASE)


def _pdf_sections(pages: list[str], title: str, drop_title: bool) -> list[Section]:
    """Sections read from the pages' layout, without running headers, footers and the title lines."""
    from collections import Counter

    from bot.kb.plain_text import plain_sections

    edges = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    seen = Counter(line for page in edges for line in set(page[:2] + page[-2:]))
    repeated = {line for line, count in seen.items() if count > 1 and len(pages) > 1 and len(line) < 100}
    lines: list[str] = []
    for page in pages:
        kept = [line for line in page.splitlines() if line.strip() not in repeated and not _PAGE_NUMBER.search(line)]
        while kept and not kept[0].strip():
            kept.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        continues = kept and kept[0].startswith("  ") and not re.match(r"\s*([-*•]|\d{1,2}[.)])\s", kept[0])
        lines += kept if continues or not lines else ["", *kept]
    while drop_title and lines and lines[0].strip() and " ".join(lines[0].split()) in title:
        lines.pop(0)
    text = "\n".join(lines)
    sections = [Section(heading or title, body) for heading, body in plain_sections(text)]
    return sections or [Section(title, text.strip())]
