"""The structure inside a section's text: paragraphs, lists, tables, code and quotes.

Every loader writes sections in one small Markdown dialect (pipe tables, `-`/`1.` lists, fenced code,
`>` quotes), so chunking and answering can find a table's rows with their headers and a list with the
sentence that leads into it, whichever file type the text came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LIST_ITEM = re.compile(r"^(\s*)([-*+•]|\d{1,3}[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR_ROW = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_BOLD_LINE = re.compile(r"^\s*\*\*[^*].*\*\*\s*$")


@dataclass(frozen=True)
class Block:
    """One block of a section: its kind, its text as written, and its parts (list items, table cells)."""

    kind: str  # "paragraph", "entry" (a bold line and its answer), "list", "table", "code" or "quote"
    text: str
    items: tuple[str, ...] = ()
    ordered: bool = False
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def is_lead_in(self) -> bool:
        """A short paragraph that introduces what follows it ("To request a licence:")."""
        return self.kind == "paragraph" and (self.text.rstrip().endswith(":") or len(self.text) <= 160)


class HeadingPath:
    """The headings above a section: `Working from a different location › Working from abroad`.

    Level 1 (the document's title) stays out of the path unless it is the only heading.
    """

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []

    def enter(self, level: int, heading: str) -> str:
        """Open a heading at `level`; return the section's path."""
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, heading))
        below_title = [text for lvl, text in self._stack if lvl > 1]
        return " › ".join(below_title) if below_title else heading


def table_text(headers: tuple[str, ...], rows: list[tuple[str, ...]] | tuple[tuple[str, ...], ...]) -> str:
    """A pipe table; `|` inside a cell is escaped."""
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(headers), "|" + "---|" * len(headers), *(line(row) for row in rows)])


def list_text(items: list[str] | tuple[str, ...], ordered: bool) -> str:
    """A Markdown list of `items` (continuation lines indented under their item)."""
    lines = []
    for number, item in enumerate(items, 1):
        marker = f"{number}." if ordered else "-"
        lines.append(f"{marker} " + item.replace("\n", "\n" + " " * (len(marker) + 1)))
    return "\n".join(lines)


def parse_blocks(text: str) -> list[Block]:
    """Split a section's text into blocks, in reading order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        reader = _fenced if _FENCE.match(line) else _table if _TABLE_LINE.match(line) else \
            _list if _LIST_ITEM.match(line) else _quote if line.lstrip().startswith(">") else _paragraph
        block, i = reader(lines, i)
        blocks.append(block)
    return blocks


def _fenced(lines: list[str], i: int) -> tuple[Block, int]:
    end = i + 1
    while end < len(lines) and not _FENCE.match(lines[end]):
        end += 1
    end = min(end + 1, len(lines))
    return Block("code", "\n".join(lines[i:end])), end


def _table(lines: list[str], i: int) -> tuple[Block, int]:
    end = i
    while end < len(lines) and _TABLE_LINE.match(lines[end]):
        end += 1
    raw = [line for line in lines[i:end] if not _SEPARATOR_ROW.match(line)]
    cells = [tuple(cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(line.strip())[1:-1]) for line in raw]
    has_header = end - i > 1 and _SEPARATOR_ROW.match(lines[i + 1]) is not None
    headers, rows = (cells[0], cells[1:]) if has_header else (tuple("" for _ in cells[0]), cells)
    width = len(headers)
    rows = [tuple(row[:width]) + ("",) * (width - len(row)) for row in rows]
    return Block("table", "\n".join(lines[i:end]), headers=headers, rows=tuple(rows)), end


def _list(lines: list[str], i: int) -> tuple[Block, int]:
    items: list[str] = []
    ordered = bool(re.match(r"\d", _LIST_ITEM.match(lines[i]).group(2)))
    base_indent = len(_LIST_ITEM.match(lines[i]).group(1))
    end, in_fence = i, False
    while end < len(lines):
        line = lines[end]
        match = None if in_fence else _LIST_ITEM.match(line)
        if match and len(match.group(1)) <= base_indent:
            items.append(match.group(3).strip())
        elif in_fence or (line.strip() and (line.startswith((" ", "\t")) or not _starts_block(line))):
            items[-1] += "\n" + line.strip()
            in_fence ^= bool(_FENCE.match(line))
        else:
            break
        end += 1
    return Block("list", "\n".join(lines[i:end]), items=tuple(items), ordered=ordered), end


def _starts_block(line: str) -> bool:
    return bool(_TABLE_LINE.match(line) or _FENCE.match(line) or line.lstrip().startswith(">"))


def _quote(lines: list[str], i: int) -> tuple[Block, int]:
    end = i
    while end < len(lines) and lines[end].lstrip().startswith(">"):
        end += 1
    return Block("quote", "\n".join(lines[i:end])), end


def _paragraph(lines: list[str], i: int) -> tuple[Block, int]:
    end = i
    while end < len(lines) and lines[end].strip() and (end == i or not _starts_block(lines[end])) \
            and (end == i or not _LIST_ITEM.match(lines[end])):
        end += 1
    if end - i > 1 and _BOLD_LINE.match(lines[i]):  # "**Symptom**" and the lines that answer it
        title, body = lines[i].strip(), " ".join(line.strip() for line in lines[i + 1 : end])
        return Block("entry", f"{title}\n{body}", items=(title, body)), end
    return Block("paragraph", " ".join(line.strip() for line in lines[i:end])), end


def row_text(headers: tuple[str, ...] | list[str], row: tuple[str, ...] | list[str]) -> str:
    """A row that carries its headers: `Dublin: Country Ireland, Lodging cap EUR 230`."""
    key, rest = row[0], list(zip(headers[1:], row[1:], strict=False))
    values = [f"{h.rstrip(':')} {v}".strip() if h else v for h, v in rest if v]
    if not key:
        return ", ".join(values)
    separator = " " if key.endswith(":") else ": "
    return key + separator + ", ".join(values) if values else key


def linear_text(text: str) -> str:
    """`text` with each table written as one line per row that carries its headers (for embedding)."""
    out = []
    for block in parse_blocks(text):
        if block.kind == "table":
            out += [row_text(block.headers, row) for row in block.rows]
        else:
            out.append(block.text)
    return "\n".join(out)
