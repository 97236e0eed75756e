"""Plain text (and PDF text laid out as on the page) to sections in the Markdown dialect of bot.kb.structure.

Plain-text documents carry their structure in layout: ALL-CAPS or numbered headings, columns aligned
with spaces, numbered steps with indented continuation lines, a symptom followed by its indented fix.
This reads that layout back, so a column-aligned table keeps its rows and headers.
"""

from __future__ import annotations

import re

from bot.kb.structure import HeadingPath, list_text, table_text

_LIST_MARKER = re.compile(r"^(\s*)([-*•]|\d{1,2}[.)])\s+(\S.*)$")
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(\.\d{1,2})*\.?\s+[A-Z]")
_RULE = re.compile(r"^\s*[-=]{3,}(\s+[-=]{3,})*\s*$")
_KEY_VALUE = re.compile(r"^[A-Z][\w /&()'-]{0,30}:\s+\S")
_TERMINAL = (".", ",", ";", ":", "!")


def plain_sections(text: str) -> list[tuple[str, str]]:
    """[(heading, text), ...] read from the layout of `text`."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    path = HeadingPath()
    for group in _groups(text):
        while group and _is_heading(group):
            sections.append((path.enter(_level(group[0]), " ".join(group[0].split())), []))
            group = group[1:]
        if not group:
            continue
        if _is_term_definition(group):
            sections.append((path.enter(3, group[0].strip()), []))
            group = [line.strip() for line in group[1:]]
        sections[-1][1].extend(_blocks(group))
    return [(heading, "\n\n".join(blocks)) for heading, blocks in sections if blocks]


def _groups(text: str) -> list[list[str]]:
    """Runs of non-blank lines."""
    groups: list[list[str]] = [[]]
    for line in text.expandtabs().splitlines():
        if line.strip():
            groups[-1].append(line.rstrip())
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_heading(group: list[str]) -> bool:
    """The group opens with a heading line: ALL CAPS, or short and title-like with text under it."""
    line = group[0]
    words = line.split()
    if _indent(line) or len(line) > 70 or line.rstrip().endswith(_TERMINAL) or _columns(group[:1]) \
            or _LIST_MARKER.match(line) and not _NUMBERED_HEADING.match(line):
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters):
        return True
    follows = group[1] if len(group) > 1 else ""
    if _NUMBERED_HEADING.match(line):
        next_number = re.match(r"\d+", line.strip()).group(0)
        return len(words) <= 8 and not re.match(rf"\s*{int(next_number) + 1}[.)]\s", follows) \
            and not (follows and _indent(follows) and not _LIST_MARKER.match(follows))
    return len(words) <= 5 and line[0].isupper() and bool(follows) and not _indent(follows) \
        and len(follows) > len(line) + 20


def _level(line: str) -> int:
    """ALL-CAPS and numbered headings open a part (level 2); other short headings sit under it (level 3)."""
    letters = [c for c in line if c.isalpha()]
    numbered = _NUMBERED_HEADING.match(line.strip())
    if numbered:
        return 2 + line.strip().split()[0].rstrip(".").count(".")
    return 2 if letters and all(c.isupper() for c in letters) else 3


def _is_term_definition(group: list[str]) -> bool:
    """A short unindented line with indented text under it: a symptom and its fix, a term and its meaning."""
    return len(group) > 1 and not _indent(group[0]) and len(group[0]) <= 80 and \
        all(_indent(line) >= 2 for line in group[1:]) and not _LIST_MARKER.match(group[1]) \
        and not group[0].rstrip().endswith(":") and not _columns(group[1:])


def _blocks(group: list[str]) -> list[str]:
    """A group's lines as blocks: a table, or paragraphs and lists, with a lead-in line kept apart."""
    for start in (0, 1) if group[0].rstrip().endswith(":") else (0,):
        table = _table(group[start:])
        if table:
            return [" ".join(line.strip() for line in group[:start]), table] if start else [table]
    if all(_KEY_VALUE.match(line.strip()) for line in group) and len(group) > 1:
        return [list_text([" ".join(line.split()) for line in group], ordered=False)]
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    ordered = False
    for line in group:
        marker = _LIST_MARKER.match(line)
        if marker:
            if paragraph:
                blocks.append(" ".join(paragraph))
                paragraph = []
            ordered = ordered or not items and marker.group(2)[0].isdigit()
            items.append(" ".join(marker.group(3).split()))
        elif items and _indent(line):
            items[-1] += " " + " ".join(line.split())
        else:
            if items:
                blocks.append(list_text(items, ordered))
                items, ordered = [], False
            paragraph.append(" ".join(line.split()))
    if items:
        blocks.append(list_text(items, ordered))
    if paragraph:
        blocks.append(" ".join(paragraph))
    return blocks


def _columns(lines: list[str]) -> list[tuple[int, int]]:
    """The character spans of columns separated by gutters of 2+ spaces that every line shares."""
    width = max(len(line) for line in lines)
    start = min(_indent(line) for line in lines)
    blank = [all(p >= len(line) or line[p] == " " for line in lines) for p in range(width)]
    spans, p = [], start
    while p < width:
        end = p
        while end < width and not (blank[end] and end + 1 < width and blank[end + 1]):
            end += 1
        spans.append((p, end))
        while end < width and blank[end]:
            end += 1
        p = end
    return spans if len(spans) > 1 else []


def _wrapped_key(cells: list[str]) -> bool:
    """A line holding only the rest of the row's first cell ("years" under "Less than 3"): a PDF wrapped it."""
    return bool(cells[0][:1].islower()) and not any(cells[1:])


def _table(lines: list[str]) -> str:
    """The lines as a pipe table when they are aligned in columns, else ''."""
    body = [line for line in lines if not _RULE.match(line)]
    if len(body) < 2 or any(_LIST_MARKER.match(line) for line in body):
        return ""
    spans = _columns(body)
    if not spans:
        return ""
    rows: list[list[str]] = []
    for line in body:
        cells = [" ".join(line[a:b].split()) for a, b in spans]
        if rows and (not cells[0] or _wrapped_key(cells)):
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    if sum(1 for row in rows if sum(bool(c) for c in row) >= 2) < 2:
        return ""
    has_rule = any(_RULE.match(line) for line in lines[1:3])
    key_value = all(row[0].endswith(":") for row in rows)
    header = has_rule or (not key_value and not re.search(r"\d", " ".join(rows[0])) and
                          sum(bool(re.search(r"\d", " ".join(row))) for row in rows[1:]) * 2 >= len(rows) - 1)
    headers = tuple(rows[0]) if header else tuple("" for _ in spans)
    return table_text(headers, [tuple(row) for row in rows[int(header):]])
