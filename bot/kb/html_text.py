"""HTML to titled sections in the Markdown dialect of bot.kb.structure: tables stay tables, lists stay lists."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.kb.structure import HeadingPath, list_text, table_text

if TYPE_CHECKING:
    from bs4 import Tag

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_NOISE = ["script", "style", "noscript", "nav", "footer", "template", "head"]
_BREADCRUMB_CHARS = 60
_SPACE_BEFORE = re.compile(r"\s+([.,;:!?%)\]])")
_SPACE_AFTER = re.compile(r"([(\[])\s+")


def inline_text(element: Tag) -> str:
    """An element's text on one line: code in backticks, no space before punctuation."""
    from bs4 import NavigableString

    parts = []
    for node in element.descendants:
        if isinstance(node, NavigableString) and node.parent.name not in ("code", "script", "style"):
            parts.append(str(node))
        elif getattr(node, "name", None) == "code":
            parts.append(f"`{node.get_text().strip()}`")
        elif getattr(node, "name", None) == "br":
            parts.append(" ")
    return tidy(" ".join(" ".join(parts).split()))


def tidy(text: str) -> str:
    """No space before closing punctuation or after an opening bracket."""
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text)).strip()


def html_sections(html: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(the <title>, the first <h1>, [(heading, text), ...]) of an HTML page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for noise in soup(_NOISE):
        noise.decompose()
    walker = _Walker()
    walker.walk(soup.body or soup)
    return page_title, walker.h1, walker.finish()


class _Walker:
    """Collects sections while walking the page in reading order."""

    def __init__(self) -> None:
        self.h1 = ""
        self.sections: list[tuple[str, list[str]]] = [("", [])]
        self.path = HeadingPath()

    def finish(self) -> list[tuple[str, str]]:
        """The sections with text; a breadcrumb line before the first heading is dropped."""
        sections = [(heading, "\n\n".join(blocks)) for heading, blocks in self.sections if blocks]
        if sections and not sections[0][0] and len(sections[0][1]) < _BREADCRUMB_CHARS and len(sections) > 1:
            sections = sections[1:]
        return sections

    def add(self, text: str) -> None:
        if text.strip():
            self.sections[-1][1].append(text)

    def walk(self, element: Tag) -> None:
        from bs4 import NavigableString, Tag

        loose: list[str] = []
        for child in element.children:
            if isinstance(child, NavigableString):
                loose.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name in {"a", "strong", "b", "em", "i", "code", "span", "abbr", "small", "sup", "sub"}:
                loose.append(inline_text(child) if child.name != "code" else f" `{child.get_text().strip()}` ")
                continue
            self.add(tidy(" ".join(" ".join(loose).split())))
            loose = []
            self.block(child)
        self.add(tidy(" ".join(" ".join(loose).split())))

    def block(self, element: Tag) -> None:
        name = element.name
        if name in _HEADINGS:
            heading = inline_text(element)
            self.h1 = self.h1 or (heading if name == "h1" else "")
            self.sections.append((self.path.enter(int(name[1]), heading), []))
        elif name in {"ul", "ol"}:
            self.add(list_text(_items(element), ordered=name == "ol"))
        elif name == "table":
            self.table(element)
        elif name == "pre":
            self.add("```\n" + element.get_text().strip("\n") + "\n```")
        elif name == "blockquote":
            self.add("\n".join(f"> {line}" for line in _lines(element)))
        elif name in {"p", "dt", "dd", "figcaption", "caption", "label"}:
            self.add(inline_text(element))
        elif name == "dl":
            self.definitions(element)
        else:
            self.walk(element)

    def definitions(self, element: Tag) -> None:
        """A definition list as entries: each term (an FAQ's question) in bold, its description below it."""
        term = ""
        for child in element.find_all(["dt", "dd"]):
            if child.name == "dt":
                if term:
                    self.add(term)
                term = inline_text(child)
            else:
                self.add(f"**{term}**\n{inline_text(child)}" if term else inline_text(child))
                term = ""
        if term:
            self.add(term)

    def table(self, element: Tag) -> None:
        caption = element.find("caption")
        if caption:
            self.add(inline_text(caption) + ":")
        rows = [[inline_text(cell) for cell in row.find_all(["th", "td"])] for row in element.find_all("tr")]
        rows = [row for row in rows if any(row)]
        if not rows:
            return
        first = element.find("tr")
        has_header = bool(first and first.find("th") and not first.find("td"))
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        headers = tuple(rows[0]) if has_header else tuple("" for _ in range(width))
        self.add(table_text(headers, [tuple(row) for row in rows[int(has_header):]]))


def _items(element: Tag) -> list[str]:
    """The items of a list; a nested list's items follow their parent item, indented."""
    items = []
    for item in element.find_all("li", recursive=False):
        nested = item.find_all(["ul", "ol"], recursive=False)
        for sub in nested:
            sub.extract()
        text = inline_text(item)
        for sub in nested:
            text += "".join(f"\n- {sub_item}" for sub_item in _items(sub))
        items.append(text)
    return items


def _lines(element: Tag) -> list[str]:
    return [line for line in (inline_text(p) for p in element.find_all(["p", "li"]) or [element]) if line]
