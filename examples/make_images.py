"""Generate the images of the sample knowledge base and the labelled cross-modal evaluation set.

Usage (from the repository root, Pillow only):

    python examples/make_images.py                        # everything, photos from the committed KB copies
    python examples/make_images.py --photos-from SOURCE   # (re)import the KB photos first

Writes:

- ``examples/kb/images/diagrams/*.png``: six box-and-arrow diagrams that belong to the knowledge base
  (payment flow, new-hire onboarding, VPN topology, incident escalation, deploy pipeline, expense approvals);
- ``examples/kb/images/photos/*.jpg``: six photographs from scikit-image's sample data (public domain or
  CC0, see ``examples/eval/README.md``), re-encoded as JPEG. They are imported once with ``--photos-from``
  (a scikit-image wheel, or its ``skimage/data`` folder); later runs derive everything from the committed
  copies, so scikit-image is not a dependency;
- ``examples/eval/images/screenshots/*.png``: screenshots a user would upload (error dialogs, terminals,
  browser error pages, settings screens) whose visible text comes from a specific KB document;
- ``examples/eval/images/diagrams/*`` and ``examples/eval/images/photos/*``: query variants of the KB images
  (re-drawn, cropped, resized, JPEG-recompressed, photographed off a screen);
- ``examples/eval/crossmodal.jsonl``: the labels (see ``examples/eval/README.md``).

Output is deterministic: no clocks and no unseeded randomness; re-running the script on the same Pillow
(and FreeType/libjpeg) build reproduces the committed files byte for byte. Fonts are the DejaVu TTFs
when present (``/usr/share/fonts``), else Pillow's built-in ``load_default(size=...)``; a machine with
other fonts renders slightly different pixels, but the same text and labels.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import zipfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

HERE = Path(__file__).resolve().parent
KB_IMAGES = HERE / "kb" / "images"
EVAL_DIR = HERE / "eval"
EVAL_IMAGES = EVAL_DIR / "images"
LABELS = EVAL_DIR / "crossmodal.jsonl"

# --------------------------------------------------------------------------------------------- fonts

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path("/Library/Fonts"),
             Path("C:/Windows/Fonts"))
FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "sans-light": "DejaVuSans-ExtraLight.ttf",
    "cond": "DejaVuSansCondensed.ttf",
    "cond-bold": "DejaVuSansCondensed-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
    "serif-italic": "DejaVuSerif-Italic.ttf",
    "mono": "DejaVuSansMono.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
}


@cache
def _font_path(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in sorted(folder.rglob(name)):
                return path
    return None


@cache
def font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    """A TTF of the given kind ("sans", "mono-bold", ... or "default" for Pillow's own), at `size` px."""
    path = _font_path(FONT_FILES[kind]) if kind in FONT_FILES else None
    if path is not None:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


# ------------------------------------------------------------------------------------------- drawing


def hexrgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def text_width(draw: ImageDraw.ImageDraw, text: str, fnt: ImageFont.FreeTypeFont) -> float:
    return draw.textlength(text, font=fnt)


def wrap(draw: ImageDraw.ImageDraw, text: str, fnt: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap to `width` pixels (a word longer than a line is split by characters)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(draw, candidate, fnt) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width(draw, word, fnt) > width:
                cut = len(word)
                while cut > 1 and text_width(draw, word[:cut], fnt) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def paragraph(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, fnt: ImageFont.FreeTypeFont,
              fill, width: float, spacing: float = 1.35) -> float:
    """Draw wrapped text; returns the y below it."""
    x, y = xy
    step = fnt.size * spacing
    for line in wrap(draw, text, fnt, width):
        draw.text((x, y), line, font=fnt, fill=fill)
        y += step
    return y


def hard_wrap(line: str, columns: int) -> list[str]:
    """Terminal-style wrapping at a fixed column count."""
    return [line[i:i + columns] for i in range(0, max(len(line), 1), columns)] or [""]


def shadowed_panel(base: Image.Image, box: tuple[int, int, int, int], fill, radius: int = 12,
                   shadow: int = 18, outline=None) -> None:
    """A rounded panel with a soft drop shadow, drawn onto `base` in place."""
    x0, y0, x1, y1 = box
    layer = Image.new("L", base.size, 0)
    ImageDraw.Draw(layer).rounded_rectangle((x0, y0 + 6, x1, y1 + 6), radius=radius, fill=110)
    layer = layer.filter(ImageFilter.GaussianBlur(shadow / 2))
    base.paste(Image.new("RGB", base.size, (0, 0, 0)), (0, 0), layer)
    ImageDraw.Draw(base).rounded_rectangle(box, radius=radius, fill=fill, outline=outline)


def gradient(size: tuple[int, int], top, bottom) -> Image.Image:
    """A vertical two-colour gradient (desktop wallpapers, headers)."""
    w, h = size
    column = Image.new("RGB", (1, h))
    for y in range(h):
        t = y / max(h - 1, 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return column.resize((w, h))


def wallpaper(size: tuple[int, int], seed: int, dark: bool = False) -> Image.Image:
    """A blurred, colourful desktop background."""
    rng = random.Random(seed)
    top, bottom = ((28, 36, 64), (70, 40, 90)) if dark else ((120, 170, 220), (230, 190, 210))
    img = gradient(size, top, bottom)
    draw = ImageDraw.Draw(img)
    for _ in range(7):
        r = rng.randint(60, 220)
        cx, cy = rng.randint(0, size[0]), rng.randint(0, size[1])
        colour = tuple(min(255, c + rng.randint(-40, 60)) for c in (top if rng.random() < 0.5 else bottom))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    return img.filter(ImageFilter.GaussianBlur(40))


def traffic_lights(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    for i, colour in enumerate(("#ff5f57", "#febc2e", "#28c840")):
        draw.ellipse((x + i * 20, y, x + i * 20 + 12, y + 12), fill=colour)


def button(draw: ImageDraw.ImageDraw, box, label: str, fnt, fill, text_fill, outline=None, radius: int = 6) -> None:
    draw.rounded_rectangle(box, radius=radius, fill=fill, outline=outline)
    x0, y0, x1, y1 = box
    w = text_width(draw, label, fnt)
    draw.text(((x0 + x1 - w) / 2, (y0 + y1) / 2), label, font=fnt, fill=text_fill, anchor="lm")


def browser(size: tuple[int, int], url: str, tab: str, dark: bool = False, fnt_kind: str = "sans"
            ) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    """A browser window (tab strip and address bar); returns the image, its draw and the content top."""
    bg = "#202124" if dark else "#ffffff"
    chrome = "#35363a" if dark else "#dee1e6"
    img = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(img)
    w = size[0]
    draw.rectangle((0, 0, w, 78), fill=chrome)
    traffic_lights(draw, 14, 14)
    draw.rounded_rectangle((82, 6, 330, 40), radius=8, fill=bg)
    draw.text((98, 23), tab, font=font(fnt_kind, 13), fill="#e8eaed" if dark else "#202124", anchor="lm")
    draw.text((312, 23), "×", font=font("sans", 14), fill="#9aa0a6", anchor="mm")
    draw.rectangle((0, 40, w, 78), fill=bg)
    for i, glyph in enumerate(("←", "→", "↻")):
        draw.text((22 + i * 30, 59), glyph, font=font("sans", 17), fill="#9aa0a6", anchor="mm")
    draw.rounded_rectangle((110, 46, w - 60, 72), radius=13, fill="#303134" if dark else "#f1f3f4")
    draw.text((134, 59), url, font=font(fnt_kind, 14), fill="#e8eaed" if dark else "#202124", anchor="lm")
    draw.line((0, 78, w, 78), fill="#5f6368" if dark else "#c4c7c5")
    return img, draw, 79


def terminal(size: tuple[int, int], title: str, lines: Sequence[tuple[str, str]], theme: str, size_px: int = 13,
             ) -> Image.Image:
    """A terminal window; `lines` are (text, colour key) pairs, hard-wrapped at the window's columns."""
    themes = {
        "dark": {"bg": "#1e1f29", "bar": "#2d2f3b", "title": "#c8c8d0", "fg": "#e6e6e6", "prompt": "#8be9fd",
                 "err": "#ff6e6e", "warn": "#f1fa8c", "ok": "#50fa7b", "dim": "#8a8fa3"},
        "light": {"bg": "#ffffff", "bar": "#e8e8e8", "title": "#4d4d4d", "fg": "#1a1a1a", "prompt": "#1f5fbf",
                  "err": "#c41a16", "warn": "#9a6a00", "ok": "#2e8b2e", "dim": "#7a7a7a"},
    }
    t = themes[theme]
    img = Image.new("RGB", size, t["bg"])
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, size[0], 28), fill=t["bar"])
    traffic_lights(draw, 10, 8)
    draw.text((size[0] / 2, 14), title, font=font("sans", 12), fill=t["title"], anchor="mm")
    mono = font("mono", size_px)
    char_w = text_width(draw, "M", mono)
    columns = int((size[0] - 24) // char_w)
    y = 38.0
    for text, key in lines:
        for piece in hard_wrap(text, columns):
            draw.text((12, y), piece, font=mono, fill=t[key])
            y += size_px * 1.32
    draw.rectangle((12, y + 2, 12 + char_w, y + size_px + 2), fill=t["fg"])  # the cursor
    return img


def save_png(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG", optimize=True)


def save_jpeg(img: Image.Image, path: Path, quality: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.convert("RGB").save(path, format="JPEG", quality=quality, optimize=True)


# ------------------------------------------------------------------------------------------ diagrams

# A diagram: title, nodes {key: (column, row, label)} on a grid, edges (from, to, label), optional notes.
DIAGRAMS: dict[str, dict] = {
    "payment-flow": {
        "title": "Payment flow: checkout to confirmation",
        "subtitle": "Northwind Payments platform",
        "grid": (4, 3),
        "nodes": {
            "checkout": (0, 0, "Customer checkout\n(web app / API)"),
            "paygate": (1, 0, "paygate\nauthorize + capture"),
            "ledger": (2, 0, "ledger-api\n(PgBouncer)"),
            "pg": (3, 0, "pg-ledger cluster\nPostgreSQL + Patroni"),
            "queue": (1, 1, "payment-events\nRabbitMQ rmq-pay"),
            "worker": (2, 1, "paygate-worker\n(KEDA autoscaled)"),
            "risk": (3, 1, "riskscore\nfraud scoring"),
            "email": (1, 2, "Confirmation\nemail"),
            "hooks": (2, 2, "payment.succeeded\nwebhooks"),
            "invoice": (3, 2, "Invoice status\nPending → Paid"),
        },
        "edges": [("checkout", "paygate", "pay"), ("paygate", "ledger", "write"), ("ledger", "pg", ""),
                  ("paygate", "queue", "event"), ("queue", "worker", "consume"), ("worker", "risk", "score"),
                  ("worker", "email", ""), ("worker", "hooks", ""), ("worker", "invoice", "")],
    },
    "new-hire-onboarding": {
        "title": "New hire onboarding: offer to first merge request",
        "subtitle": "IT + People Team + Developer Experience",
        "grid": (4, 2),
        "nodes": {
            "offer": (0, 0, "1. Offer signed"),
            "request": (1, 0, "2. IT request in\nWorkday (≥10 days)"),
            "laptop": (2, 0, "3. Laptop shipped or\nhanded over at IT Bar"),
            "boot": (3, 0, "4. First boot:\nzero-touch enrollment"),
            "okta": (3, 1, "5. Okta Verify +\nNorthwind ID"),
            "baseline": (2, 1, "6. Baseline apps:\nSlack, VPN, 1Password"),
            "devenv": (1, 1, "7. Dev environment:\nbootstrap, make dev-up"),
            "mr": (0, 1, "8. First MR\nin week one"),
        },
        "edges": [("offer", "request", ""), ("request", "laptop", ""), ("laptop", "boot", ""),
                  ("boot", "okta", ""), ("okta", "baseline", ""), ("baseline", "devenv", ""),
                  ("devenv", "mr", "")],
    },
    "vpn-network-topology": {
        "title": "VPN network topology (Northwind Secure Access)",
        "subtitle": "NW-Split: only 10.0.0.0/8 and *.nwl.internal go through the tunnel",
        "grid": (4, 3),
        "nodes": {
            "laptop": (0, 1, "Laptop\nNWSA 5.2 client"),
            "internet": (1, 1, "Internet\n(home, hotel, hotspot)"),
            "us": (2, 0, "US West gateway\nvpn-us.northwindlabs.com"),
            "eu": (2, 2, "Dublin gateway\nvpn-eu.northwindlabs.com"),
            "wiki": (3, 0, "wiki / GitLab\n*.nwl.internal"),
            "grafana": (3, 1, "Grafana, Shipyard\nVault"),
            "prod": (3, 2, "Staging + production\nhosts (SSH)"),
        },
        "edges": [("laptop", "internet", "IKEv2"), ("internet", "us", ""), ("internet", "eu", ""),
                  ("us", "wiki", ""), ("us", "grafana", ""), ("eu", "grafana", ""), ("eu", "prod", "")],
    },
    "incident-escalation": {
        "title": "Incident escalation path (PagerDuty)",
        "subtitle": "SEV1/SEV2: acknowledge within 5 minutes, 24/7",
        "grid": (4, 2),
        "nodes": {
            "alert": (0, 0, "Alert fires\nin PagerDuty"),
            "primary": (1, 0, "Primary on-call"),
            "secondary": (2, 0, "Secondary on-call"),
            "manager": (3, 0, "Engineering manager"),
            "director": (3, 1, "Director"),
            "ic": (1, 1, "SEV declared:\nincident commander,\n#inc- channel"),
            "status": (2, 1, "Status page update"),
        },
        "edges": [("alert", "primary", "page"), ("primary", "secondary", "10 min"),
                  ("secondary", "manager", "10 min"), ("manager", "director", "escalate"),
                  ("primary", "ic", "ack"), ("ic", "status", "")],
    },
    "deploy-pipeline": {
        "title": "Deploy pipeline: merge to production",
        "subtitle": "Shipyard (Argo CD); announcements in #deploys",
        "grid": (4, 2),
        "nodes": {
            "merge": (0, 0, "Merge to main\n(GitLab MR)"),
            "build": (1, 0, "GitLab CI build\nimage → registry"),
            "staging": (2, 0, "Staging stg-usw2\nsmoke tests 5 min"),
            "promote": (3, 0, "Promote\nnwctl deploy promote"),
            "c5": (3, 1, "Canary 5%\n15 min"),
            "c25": (2, 1, "Canary 25%\n15 min"),
            "full": (1, 1, "100% production"),
            "rollback": (0, 1, "Automatic rollback\n5xx > 2% or p99 +50%"),
        },
        "edges": [("merge", "build", ""), ("build", "staging", ""), ("staging", "promote", ""),
                  ("promote", "c5", ""), ("c5", "c25", ""), ("c25", "full", ""), ("full", "rollback", "unhealthy")],
    },
    "expense-approvals": {
        "title": "Expense report approval chain",
        "subtitle": "Navan; reimbursed within 5 business days of final approval",
        "grid": (4, 2),
        "nodes": {
            "receipt": (0, 0, "Receipt photo\nin the Navan app"),
            "report": (1, 0, "Expense report\nsubmitted (≤ 30 days)"),
            "manager": (2, 0, "Manager\n(up to $2,500)"),
            "director": (3, 0, "Director\n($2,500.01–$10,000)"),
            "vp": (3, 1, "VP Finance\n(over $10,000)"),
            "paid": (1, 1, "Direct deposit\nto payroll account"),
        },
        "edges": [("receipt", "report", ""), ("report", "manager", ""), ("manager", "director", "> $2,500"),
                  ("director", "vp", "> $10,000"), ("manager", "paid", "approved")],
    },
}

STYLES = {
    "corporate": {"bg": "#ffffff", "box": "#e8f0fe", "edge": "#3c4a63", "border": "#4a6fa5", "text": "#1b2333",
                  "title": "#0b1f44", "font": "sans", "bold": "sans-bold", "radius": 14, "accent": "#4a6fa5"},
    "warm": {"bg": "#fffaf0", "box": "#ffe7c2", "edge": "#6b4a2b", "border": "#c77d2e", "text": "#3a2612",
             "title": "#5a3210", "font": "cond", "bold": "cond-bold", "radius": 8, "accent": "#c77d2e"},
    "mint": {"bg": "#f6fffa", "box": "#d6f5e3", "edge": "#2f5d46", "border": "#3a9d6b", "text": "#163525",
             "title": "#14432b", "font": "sans", "bold": "sans-bold", "radius": 20, "accent": "#3a9d6b"},
    "slate": {"bg": "#f4f5f7", "box": "#ffffff", "edge": "#44546a", "border": "#8093ad", "text": "#1f2a37",
              "title": "#1f2a37", "font": "cond", "bold": "cond-bold", "radius": 4, "accent": "#d9534f"},
    "dark": {"bg": "#1b1e24", "box": "#2b313c", "edge": "#9fb3c8", "border": "#61afef", "text": "#e6edf3",
             "title": "#ffffff", "font": "sans", "bold": "sans-bold", "radius": 10, "accent": "#61afef"},
    "whiteboard": {"bg": "#fdfdfb", "box": "#fdfdfb", "edge": "#222222", "border": "#222222", "text": "#222222",
                   "title": "#111111", "font": "serif", "bold": "serif-bold", "radius": 2, "accent": "#1f4fb5"},
}

KB_DIAGRAM_STYLES = {"payment-flow": "corporate", "new-hire-onboarding": "mint", "vpn-network-topology": "slate",
                     "incident-escalation": "warm", "deploy-pipeline": "corporate", "expense-approvals": "mint"}


def _arrow(draw: ImageDraw.ImageDraw, start, end, colour, width: int, head: float) -> None:
    draw.line((start, end), fill=colour, width=width)
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    left = (end[0] - head * math.cos(angle - 0.42), end[1] - head * math.sin(angle - 0.42))
    right = (end[0] - head * math.cos(angle + 0.42), end[1] - head * math.sin(angle + 0.42))
    draw.polygon((end, left, right), fill=colour)


def _clip_to_box(centre, other, half_w: float, half_h: float):
    """Where the segment centre→other leaves a box of the given half sizes around `centre`."""
    dx, dy = other[0] - centre[0], other[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return centre[0] + dx * scale, centre[1] + dy * scale


def render_diagram(key: str, style_name: str, size: tuple[int, int] = (960, 600), mirror: bool = False,
                   scale: int = 2) -> Image.Image:
    """Draw a diagram at `scale`× and downsample (anti-aliased lines). `mirror` flips the column order."""
    spec, style = DIAGRAMS[key], STYLES[style_name]
    w, h = size[0] * scale, size[1] * scale
    img = Image.new("RGB", (w, h), style["bg"])
    draw = ImageDraw.Draw(img)
    s = scale
    draw.text((36 * s, 26 * s), spec["title"], font=font(style["bold"], 26 * s), fill=style["title"])
    draw.text((36 * s, 62 * s), spec["subtitle"], font=font(style["font"], 15 * s), fill=style["edge"])
    draw.line((36 * s, 90 * s, w - 36 * s, 90 * s), fill=style["accent"], width=2 * s)
    cols, rows = spec["grid"]
    top, bottom, side = 120 * s, 30 * s, 40 * s
    cell_w, cell_h = (w - 2 * side) / cols, (h - top - bottom) / rows
    box_w, box_h = cell_w * 0.70, min(cell_h * 0.62, 92 * s)
    centres = {}
    for node, (c, r, _label) in spec["nodes"].items():
        c = cols - 1 - c if mirror else c
        centres[node] = (side + cell_w * (c + 0.5), top + cell_h * (r + 0.5))
    labels: list[tuple[float, float, str]] = []
    for a, b, label in spec["edges"]:
        start = _clip_to_box(centres[a], centres[b], box_w / 2 + 4 * s, box_h / 2 + 4 * s)
        end = _clip_to_box(centres[b], centres[a], box_w / 2 + 6 * s, box_h / 2 + 6 * s)
        _arrow(draw, start, end, style["edge"], 2 * s, 12 * s)
        if label:
            labels.append(((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, label))
    for node, (_c, _r, label) in spec["nodes"].items():
        cx, cy = centres[node]
        box = (cx - box_w / 2, cy - box_h / 2, cx + box_w / 2, cy + box_h / 2)
        draw.rounded_rectangle(box, radius=style["radius"] * s, fill=style["box"], outline=style["border"],
                               width=2 * s)
        lines = label.split("\n")
        first = font(style["bold"], 14 * s)
        rest = font(style["font"], 12 * s)
        total = 18 * s + 16 * s * (len(lines) - 1)
        y = cy - total / 2 + 9 * s
        for i, line in enumerate(lines):
            fnt = first if i == 0 else rest
            while text_width(draw, line, fnt) > box_w - 12 * s and fnt.size > 8 * s:
                fnt = font(style["bold"] if i == 0 else style["font"], fnt.size - s)
            draw.text((cx, y), line, font=fnt, fill=style["text"], anchor="mm")
            y += 18 * s if i == 0 else 16 * s
    lf = font(style["font"], 11 * s)
    for mx, my, label in labels:  # last, so that no box covers an edge label
        lw = text_width(draw, label, lf)
        draw.rectangle((mx - lw / 2 - 3 * s, my - 8 * s, mx + lw / 2 + 3 * s, my + 8 * s), fill=style["bg"])
        draw.text((mx, my), label, font=lf, fill=style["edge"], anchor="mm")
    return img.resize(size, Image.Resampling.LANCZOS)


def photographed(img: Image.Image, seed: int) -> Image.Image:
    """A phone photo of a screen: slight rotation, warm tint, vignette, a little blur and noise."""
    rng = random.Random(seed)
    w, h = img.size
    canvas = Image.new("RGB", (int(w * 1.12), int(h * 1.16)), (38, 34, 30))
    canvas.paste(img, ((canvas.width - w) // 2, (canvas.height - h) // 2))
    canvas = canvas.rotate(2.6, resample=Image.Resampling.BICUBIC, fillcolor=(38, 34, 30))
    canvas = ImageEnhance.Color(canvas).enhance(0.85)
    tint = Image.new("RGB", canvas.size, (255, 214, 170))
    canvas = Image.blend(canvas, tint, 0.12)
    mask = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(mask).ellipse((-canvas.width * 0.15, -canvas.height * 0.2, canvas.width * 1.15,
                                  canvas.height * 1.2), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(60))
    canvas = Image.composite(canvas, ImageEnhance.Brightness(canvas).enhance(0.55), mask)
    canvas = canvas.filter(ImageFilter.GaussianBlur(0.8))
    noise = Image.frombytes("L", canvas.size, bytes(rng.randrange(118, 138) for _ in range(canvas.width * canvas.height)))
    canvas = Image.blend(canvas, Image.merge("RGB", (noise, noise, noise)), 0.06)
    return canvas.resize((int(canvas.width * 0.8), int(canvas.height * 0.8)), Image.Resampling.LANCZOS)


def in_wiki_page(diagram: Image.Image) -> Image.Image:
    """The diagram shown small inside a wiki page in a browser (a screenshot of the page)."""
    img, draw, top = browser((900, 600), "wiki.nwl.internal/engineering/deploys", "Deploys · Wiki")
    draw.rectangle((0, top, 190, 600), fill="#f6f8fa")
    for i, item in enumerate(("Engineering", "Deploys", "Code review", "On-call", "Dev environment")):
        draw.text((20, top + 24 + i * 28), item, font=font("sans", 13), fill="#0b57d0" if i == 1 else "#3c4043")
    draw.text((220, top + 20), "Deploying to Production", font=font("sans-bold", 22), fill="#202124")
    paragraph(draw, (220, top + 58), "Every merge to main goes through the pipeline below. Promote from the "
              "Shipyard UI when staging is healthy.", font("sans", 13), "#3c4043", 640)
    small = diagram.resize((620, int(620 * diagram.height / diagram.width)), Image.Resampling.LANCZOS)
    img.paste(small, (230, top + 110))
    draw.rectangle((229, top + 109, 230 + small.width, top + 110 + small.height), outline="#dadce0")
    return img


# --------------------------------------------------------------------------------------- screenshots


def shot_cert_dialog() -> Image.Image:
    img = wallpaper((800, 500), seed=11)
    box = (110, 80, 690, 420)
    shadowed_panel(img, box, "#ececec", radius=14)
    draw = ImageDraw.Draw(img)
    draw.ellipse((140, 112, 196, 168), fill="#f5a623")
    draw.text((168, 140), "!", font=font("sans-bold", 34), fill="white", anchor="mm")
    y = paragraph(draw, (216, 112), "Certificate not trusted: NW-CA-2024 expired", font("sans-bold", 17),
                  "#1d1d1f", 450)
    y = paragraph(draw, (216, y + 8), "The certificate for this server was issued by an authority that is no "
                  "longer valid.", font("sans", 13), "#3a3a3c", 440)
    y = paragraph(draw, (216, y + 8), "Server: wiki.nwl.internal\nIssuer: NW-CA-2024 (expired 15 January 2026 "
                  "00:00 UTC)", font("sans", 12), "#6e6e73", 440)
    draw.rounded_rectangle((216, y + 12, 236, y + 32), radius=3, outline="#8e8e93")
    draw.text((246, y + 22), "Always trust this certificate", font=font("sans", 12), fill="#3a3a3c", anchor="lm")
    button(draw, (216, 366, 356, 394), "Show Certificate", font("sans", 12), "#ffffff", "#1d1d1f", "#c7c7cc")
    button(draw, (420, 366, 548, 394), "Continue anyway", font("sans", 12), "#ffffff", "#1d1d1f", "#c7c7cc")
    button(draw, (560, 366, 666, 394), "Cancel", font("sans-bold", 12), "#0a84ff", "#ffffff")
    return img


def shot_vpn_809() -> Image.Image:
    img = Image.new("RGB", (820, 500), "#0b5fa5")
    img.paste(gradient((820, 500), (0, 90, 170), (0, 40, 90)))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 460, 820, 500), fill="#e9eef3")  # taskbar
    for i in range(5):
        draw.rounded_rectangle((330 + i * 36, 466, 358 + i * 36, 494), radius=4, fill="#c9d3de")
    draw.text((790, 480), "14:07", font=font("sans", 12), fill="#202020", anchor="rm")
    box = (90, 60, 730, 420)
    shadowed_panel(img, box, "#ffffff", radius=8, shadow=24, outline="#d0d0d0")
    draw = ImageDraw.Draw(img)
    draw.rectangle((91, 61, 729, 96), fill="#f3f3f3")
    draw.text((108, 78), "Connecting to Northwind (backup)...", font=font("cond", 13), fill="#1a1a1a", anchor="lm")
    draw.text((710, 78), "✕", font=font("sans", 14), fill="#1a1a1a", anchor="mm")
    draw.ellipse((120, 120, 164, 164), fill="#c42b1c")
    draw.text((142, 142), "✕", font=font("sans-bold", 22), fill="white", anchor="mm")
    draw.text((184, 124), "Error 809", font=font("cond-bold", 18), fill="#1a1a1a")
    y = paragraph(draw, (184, 156), "The network connection between your computer and the VPN server could not "
                  "be established because the remote server is not responding. This could be because one of the "
                  "network devices (e.g. firewalls, NAT, routers, etc) between your computer and the remote "
                  "server is not configured to allow VPN connections. Please contact your Administrator or your "
                  "service provider to determine which device may be causing the problem.", font("cond", 13),
                  "#1a1a1a", 520)
    draw.text((184, y + 10), "Type: IKEv2   Server: vpn-us.northwindlabs.com", font=font("cond", 12),
              fill="#5a5a5a")
    button(draw, (486, 372, 590, 402), "Retry", font("cond", 13), "#fbfbfb", "#1a1a1a", "#c8c8c8", radius=4)
    button(draw, (602, 372, 706, 402), "Close", font("cond", 13), "#005fb8", "#ffffff", radius=4)
    return img


def shot_posture_check() -> Image.Image:
    img = wallpaper((800, 500), seed=23, dark=True)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 800, 24), fill="#1c1c1e")
    draw.text((780, 12), "Tue 09:41", font=font("sans", 12), fill="#f2f2f7", anchor="rm")
    draw.text((640, 12), "◉", font=font("sans", 13), fill="#ff453a", anchor="mm")
    panel = (420, 34, 780, 480)
    shadowed_panel(img, panel, "#2c2c2e", radius=12)
    draw = ImageDraw.Draw(img)
    draw.text((440, 52), "Northwind Secure Access", font=font("sans-bold", 15), fill="#f2f2f7")
    draw.text((440, 76), "Gateway: Automatic (nearest) · Profile: NW-Split", font=font("sans", 11),
              fill="#98989d")
    draw.rounded_rectangle((440, 104, 760, 202), radius=10, fill="#3a1d1d")
    draw.ellipse((454, 118, 470, 134), fill="#ff453a")
    draw.text((480, 126), "Connection refused", font=font("sans-bold", 14), fill="#ff6961", anchor="lm")
    draw.text((454, 148), "ERR_POSTURE_CHECK_FAILED", font=font("mono-bold", 14), fill="#f2f2f7")
    draw.text((454, 172), "Sub-code P-104", font=font("mono", 13), fill="#d1d1d6")
    y = paragraph(draw, (440, 216), "Your device did not pass the security check. The endpoint protection "
                  "sensor (CrowdStrike Falcon) is not running on this Mac.", font("sans", 12), "#d1d1d6", 318)
    checks = [("Disk encryption (FileVault)", True), ("Endpoint sensor running", False),
              ("macOS up to date", True), ("Enrolled in Jamf, checked in < 14 days", True)]
    y += 10
    for label, ok in checks:
        draw.text((446, y), "✓" if ok else "✗", font=font("sans-bold", 14), fill="#30d158" if ok else "#ff453a")
        draw.text((470, y + 1), label, font=font("sans", 12), fill="#f2f2f7")
        y += 26
    button(draw, (440, 430, 590, 460), "Export Diagnostics", font("sans", 12), "#3a3a3c", "#f2f2f7")
    button(draw, (606, 430, 760, 460), "Retry", font("sans-bold", 12), "#0a84ff", "#ffffff")
    return img


def shot_nwid_locked() -> Image.Image:
    img, draw, top = browser((900, 540), "https://id.northwindlabs.com/signin", "Northwind ID – Sign in")
    draw.rectangle((0, top, 900, 540), fill="#f4f6f8")
    card = (290, top + 24, 610, top + 440)
    shadowed_panel(img, card, "#ffffff", radius=6, shadow=10, outline="#dfe3e8")
    draw = ImageDraw.Draw(img)
    draw.ellipse((432, top + 44, 468, top + 80), fill="#1662dd")
    draw.text((450, top + 62), "N", font=font("sans-bold", 20), fill="white", anchor="mm")
    draw.text((450, top + 104), "Sign In", font=font("sans-bold", 20), fill="#1d1d21", anchor="mm")
    draw.rounded_rectangle((314, top + 128, 586, top + 196), radius=4, fill="#fdecec", outline="#e34843")
    draw.text((328, top + 138), "⚠", font=font("sans", 16), fill="#d93934")
    paragraph(draw, (354, top + 138), "Your account is locked. Contact your administrator. (NWID-423)",
              font("sans", 13), "#3b1513", 222)
    draw.text((314, top + 214), "Username", font=font("sans-bold", 12), fill="#1d1d21")
    draw.rounded_rectangle((314, top + 234, 586, top + 266), radius=4, fill="#ffffff", outline="#8c8c96")
    draw.text((324, top + 250), "first.last", font=font("sans", 13), fill="#1d1d21", anchor="lm")
    draw.rounded_rectangle((314, top + 282, 330, top + 298), radius=2, outline="#8c8c96")
    draw.text((340, top + 290), "Keep me signed in", font=font("sans", 12), fill="#1d1d21", anchor="lm")
    button(draw, (314, top + 316, 586, top + 352), "Next", font("sans-bold", 14), "#9bb7e8", "#ffffff", radius=4)
    draw.text((314, top + 372), "Forgot password?", font=font("sans", 12), fill="#1662dd")
    draw.text((314, top + 396), "Help", font=font("sans", 12), fill="#1662dd")
    return img


def shot_saml_014() -> Image.Image:
    img, draw, top = browser((860, 500), "https://wiki.nwl.internal/saml/acs", "Login failed", dark=True)
    draw.text((80, top + 60), "☹", font=font("sans", 54), fill="#9aa0a6")
    draw.text((80, top + 140), "Login failed", font=font("sans-bold", 28), fill="#e8eaed")
    draw.text((80, top + 184), "Invalid signature on SAML response (NWID-SAML-014).", font=font("sans", 16),
              fill="#e8eaed")
    paragraph(draw, (80, top + 220), "The identity provider's response could not be verified. Please try "
              "again later or contact your administrator.", font("sans", 14), "#bdc1c6", 680)
    draw.text((80, top + 290), "Request ID: 7f3a9c21-5be0-4d8e-9f44-0c6e1b2d8a17", font=font("mono", 12),
              fill="#9aa0a6")
    draw.text((80, top + 312), "Issuer: https://id.northwindlabs.com · 18 Nov 2025 13:06:41 UTC",
              font=font("mono", 12), fill="#9aa0a6")
    button(draw, (80, top + 350, 200, top + 386), "Try again", font("sans", 13), "#8ab4f8", "#202124", radius=18)
    return img


def shot_terminal_x509() -> Image.Image:
    lines = [
        ("~/src/platform (main) $ pip install -r requirements.txt", "prompt"),
        ("Looking in indexes: https://pypi.nwl.internal/simple", "fg"),
        (("WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection "
         "broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
         "failed: unable to get local issuer certificate (_ssl.c:1006)'))': /simple/requests/"), "warn"),
        ("ERROR: Could not find a version that satisfies the requirement requests==2.32.3", "err"),
        ("ERROR: No matching distribution found for requests==2.32.3", "err"),
        ("~/src/platform (main) $ git fetch", "prompt"),
        (("fatal: unable to access 'https://git.nwl.internal/northwind/platform.git/': SSL certificate problem: "
         "unable to get local issuer certificate"), "err"),
        ("~/src/platform (main) $ kubectl get pods -n payments", "prompt"),
        (("Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by "
         "unknown authority"), "err"),
        ("~/src/platform (main) $ ", "prompt"),
    ]
    return terminal((820, 480), "ravi@nw-mbp-0412: ~/src/platform — zsh — 110×30", lines, "dark", 13)


def shot_terminal_port() -> Image.Image:
    lines = [
        ("$ make dev-up", "prompt"),
        ("docker compose -f dev/compose.yml up -d", "dim"),
        ("[+] Running 5/6", "fg"),
        (" ✔ Network platform_default       Created", "ok"),
        (" ✔ Container platform-redis-1     Started", "ok"),
        (" ✔ Container platform-rabbitmq-1  Started", "ok"),
        (" ✔ Container platform-localstack-1 Started", "ok"),
        (" ✘ Container platform-postgres-1  Error", "err"),
        (("Error response from daemon: driver failed programming external connectivity on endpoint "
         "platform-postgres-1 (3b9f0e1c): Bind for 0.0.0.0:5432 failed: port is already allocated"), "err"),
        ("make: *** [dev-up] Error 1", "err"),
        ("$ ", "prompt"),
    ]
    return terminal((760, 400), "platform — -bash — 96×24", lines, "light", 13)


def shot_checkout_503() -> Image.Image:
    img, draw, top = browser((880, 540), "https://app.northwindlabs.com/invoices/INV-20250314-0087/pay",
                             "Pay invoice · Northwind")
    draw.rectangle((0, top, 880, top + 52), fill="#0f2d52")
    draw.text((28, top + 26), "northwind", font=font("serif-bold", 20), fill="#ffffff", anchor="lm")
    draw.text((852, top + 26), "Acme Bakery Ltd.", font=font("sans", 13), fill="#c9d6e8", anchor="rm")
    draw.text((60, top + 80), "Pay invoice INV-20250314-0087", font=font("sans-bold", 20), fill="#0f2d52")
    draw.text((60, top + 112), "Amount due: $1,240.00 · Due 31 March 2025", font=font("sans", 14), fill="#4a5568")
    draw.rounded_rectangle((60, top + 146, 820, top + 222), radius=8, fill="#fff1f0", outline="#f5a3a3")
    draw.text((80, top + 164), "Payment could not be processed (NW-PAY-503)", font=font("sans-bold", 15),
              fill="#a61b1b")
    draw.text((80, top + 192), "Please try again in a few minutes. Your card has not been charged.",
              font=font("sans", 13), fill="#6b2a2a")
    for i, (label, value) in enumerate((("Card number", "•••• •••• •••• 4242"), ("Expiry", "08 / 27"),
                                        ("Name on card", "Maria Lopez"))):
        y = top + 246 + i * 56
        draw.text((60, y), label, font=font("sans", 12), fill="#4a5568")
        draw.rounded_rectangle((60, y + 18, 500, y + 46), radius=4, outline="#cbd5e0", fill="#ffffff")
        draw.text((72, y + 32), value, font=font("sans", 13), fill="#1a202c", anchor="lm")
    button(draw, (60, top + 418, 260, top + 452), "Pay $1,240.00", font("sans-bold", 14), "#2b6cb0", "#ffffff")
    return img


def shot_log_25006() -> Image.Image:
    img = Image.new("RGB", (800, 300), "#111217")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 800, 34), fill="#181b1f")
    draw.text((14, 17), 'Explore · Loki   {app="ledger-api"} |= "ERROR"', font=font("mono", 12), fill="#ccccdc",
              anchor="lm")
    rows = [
        ("14:02:07.412", "ERROR: cannot execute INSERT in a read-only transaction"),
        ("14:02:07.413", "pq: SQLSTATE 25006 (read_only_sql_transaction) host=10.64.12.21:6432"),
        ("14:02:07.980", "ERROR: cannot execute UPDATE in a read-only transaction"),
        ("14:02:08.101", "POST /v1/ledger/entries 503 (retry 3/3 exhausted)"),
        ("14:02:08.655", "ERROR: cannot execute INSERT in a read-only transaction"),
        ("14:02:09.020", "pq: SQLSTATE 25006 (read_only_sql_transaction) host=10.64.12.21:6432"),
        ("14:02:09.377", "POST /v1/ledger/entries 503 (retry 3/3 exhausted)"),
    ]
    y = 48
    for ts, msg in rows:
        draw.rectangle((10, y, 14, y + 16), fill="#f2495c")
        draw.text((22, y), ts, font=font("mono", 12), fill="#8e8e8e")
        draw.text((130, y), msg, font=font("mono", 12), fill="#d8d9da")
        y += 30
    return img


def shot_rabbitmq() -> Image.Image:
    img, draw, top = browser((900, 520), "http://rmq-pay.nwl.internal:15672/#/queues", "RabbitMQ Management")
    draw.rectangle((0, top, 900, top + 46), fill="#ffffff")
    draw.text((20, top + 23), "RabbitMQ", font=font("sans-bold", 20), fill="#ff6600", anchor="lm")
    draw.text((880, top + 23), "Cluster rabbit@rmq-pay-0 · User payments-oncall", font=font("sans", 11),
              fill="#666666", anchor="rm")
    tabs = ("Overview", "Connections", "Channels", "Exchanges", "Queues and Streams", "Admin")
    x = 20
    for t in tabs:
        w = text_width(draw, t, font("sans", 12)) + 20
        draw.rectangle((x, top + 48, x + w, top + 74), fill="#ff6600" if t.startswith("Queues") else "#eeeeee")
        draw.text((x + 10, top + 61), t, font=font("sans", 12), fill="#ffffff" if t.startswith("Queues") else "#333",
                  anchor="lm")
        x += w + 4
    draw.rounded_rectangle((20, top + 88, 880, top + 122), radius=4, fill="#fff4e5", outline="#ffb366")
    draw.text((32, top + 105), "⚠ Alert firing: payment-events depth high (> 500,000 messages) — paging "
              "Payments on-call", font=font("sans", 12), fill="#8a4b00", anchor="lm")
    headers = ("Virtual host", "Name", "Type", "State", "Ready", "Unacked", "Total", "incoming", "deliver / get")
    xs = (20, 110, 260, 330, 400, 490, 570, 660, 760)
    y = top + 140
    draw.rectangle((20, y, 880, y + 26), fill="#dddddd")
    for hx, hd in zip(xs, headers, strict=True):
        draw.text((hx + 4, y + 13), hd, font=font("sans-bold", 11), fill="#333333", anchor="lm")
    data = [
        ("/payments", "payment-events", "quorum", "running", "2,312,480", "600", "2,313,080", "1,842/s", "91/s"),
        ("/payments", "payment-events.dlq", "quorum", "running", "0", "0", "0", "0.00/s", "0.00/s"),
        ("/payments", "invoice-status", "classic", "running", "12", "0", "12", "4.2/s", "4.2/s"),
        ("/payments", "webhook-delivery", "quorum", "idle", "0", "0", "0", "0.00/s", "0.00/s"),
    ]
    for i, row in enumerate(data):
        y += 30
        draw.rectangle((20, y, 880, y + 28), fill="#f7f7f7" if i % 2 else "#ffffff")
        for hx, cell in zip(xs, row, strict=True):
            colour = "#c0392b" if (i == 0 and cell in {"2,312,480", "2,313,080"}) else "#222222"
            draw.text((hx + 4, y + 14), cell, font=font("sans", 12), fill=colour, anchor="lm")
    draw.text((20, y + 50), "Consumers on payment-events: 12 (paygate-worker), prefetch 50, consumer "
              "utilisation 4%", font=font("sans", 12), fill="#555555")
    return img


def shot_shipyard_freeze() -> Image.Image:
    img, draw, top = browser((880, 520), "https://shipyard.nwl.internal/apps/paygate-worker/promote",
                             "Promote · Shipyard")
    draw.rectangle((0, top, 200, 520), fill="#2d1b4e")
    draw.text((24, top + 28), "⛵ Shipyard", font=font("sans-bold", 17), fill="#ffffff", anchor="lm")
    for i, item in enumerate(("Applications", "Deploys", "Freezes", "Exceptions", "Settings")):
        draw.text((24, top + 74 + i * 30), item, font=font("sans", 13), fill="#e9ddff" if i != 0 else "#ffffff")
    draw.text((230, top + 24), "paygate-worker  v4.19.0 → prod", font=font("sans-bold", 18), fill="#2d1b4e")
    draw.text((230, top + 54), "Build a91c3e7 · staging stg-usw2 healthy · smoke tests passed",
              font=font("sans", 12), fill="#6b6b80")
    draw.rounded_rectangle((230, top + 86, 850, top + 232), radius=8, fill="#f3edff", outline="#8e6cd1")
    draw.text((250, top + 106), "Promotion blocked", font=font("sans-bold", 16), fill="#4b2a8a")
    paragraph(draw, (250, top + 134), "Year-end change freeze is active (15 December to 2 January). Production "
              "deploys are disabled for all services. To deploy anyway you need approval from the VP Engineering "
              "or, during a declared incident, the incident commander.", font("sans", 13), "#33264d", 580)
    draw.text((230, top + 256), "Request an exception", font=font("sans-bold", 13), fill="#2d1b4e")
    draw.rounded_rectangle((230, top + 280, 850, top + 312), radius=4, fill="#f6f6f9", outline="#d0d0dc")
    draw.text((242, top + 296), "/shipyard exception paygate-worker --reason \"...\"  (in #deploys)",
              font=font("mono", 12), fill="#33264d", anchor="lm")
    button(draw, (230, top + 340, 390, top + 374), "Promote to prod", font("sans-bold", 13), "#c9c2d8", "#ffffff")
    button(draw, (404, top + 340, 560, top + 374), "View freezes", font("sans", 13), "#ffffff", "#4b2a8a", "#8e6cd1")
    return img


def shot_tls_expired() -> Image.Image:
    img, draw, top = browser((840, 500), "https://api.northwindlabs.com/v2/health", "Privacy error")
    draw.text((90, top + 50), "⚠", font=font("sans", 46), fill="#d93025")
    draw.text((90, top + 120), "Your connection is not private", font=font("sans-bold", 24), fill="#202124")
    paragraph(draw, (90, top + 166), "Attackers might be trying to steal your information from "
              "api.northwindlabs.com (for example, passwords, messages or credit cards).", font("sans", 14),
              "#5f6368", 640)
    draw.text((90, top + 230), "NET::ERR_CERT_DATE_INVALID", font=font("mono", 12), fill="#5f6368")
    paragraph(draw, (90, top + 262), "This server could not prove that it is api.northwindlabs.com; its security "
              "certificate expired 2 hours ago. Current date: Monday, 2 June 2025.", font("sans", 13), "#5f6368",
              640)
    button(draw, (90, top + 330, 190, top + 364), "Advanced", font("sans", 13), "#ffffff", "#1a73e8", "#dadce0", 4)
    button(draw, (600, top + 330, 750, top + 364), "Back to safety", font("sans", 13), "#1a73e8", "#ffffff", None, 4)
    return img


def shot_cert_untrusted_toast() -> Image.Image:
    img = Image.new("RGB", (480, 150), "#1f1f1f")
    img.paste(gradient((480, 150), (36, 52, 71), (22, 30, 44)))
    box = (16, 16, 464, 134)
    shadowed_panel(img, box, "#2b2b2b", radius=8, shadow=10, outline="#3c3c3c")
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((32, 32, 56, 56), radius=4, fill="#0078d4")
    draw.text((44, 44), "N", font=font("sans-bold", 14), fill="white", anchor="mm")
    draw.text((66, 44), "Northwind Secure Access", font=font("sans", 12), fill="#cccccc", anchor="lm")
    draw.text((446, 44), "✕", font=font("sans", 12), fill="#aaaaaa", anchor="mm")
    draw.text((32, 70), "ERR_CERT_UNTRUSTED", font=font("sans-bold", 14), fill="#ffffff")
    draw.text((32, 96), "The gateway certificate is not trusted. Connection stopped.", font=font("sans", 12),
              fill="#dddddd")
    return img


def shot_pto_balance() -> Image.Image:
    img, draw, top = browser((900, 520), "https://wd5.myworkday.com/northwind/d/task/timeoff.htmld",
                             "Time Off - Workday")
    draw.rectangle((0, top, 900, top + 50), fill="#005cb9")
    draw.text((24, top + 25), "workday.", font=font("sans-bold", 20), fill="#ffffff", anchor="lm")
    draw.rounded_rectangle((300, top + 12, 620, top + 38), radius=13, fill="#ffffff")
    draw.text((316, top + 25), "Search", font=font("sans", 12), fill="#7b7b7b", anchor="lm")
    draw.text((40, top + 76), "Time Off  ›  My Balances", font=font("sans-bold", 20), fill="#333333")
    draw.rounded_rectangle((40, top + 116, 860, top + 160), radius=6, fill="#fff8e1", outline="#f0c36d")
    draw.text((56, top + 138), "⚠ Your PTO balance is within 3 days of the 30-day cap. Accrual pauses at 30 "
              "days until you take time off.", font=font("sans", 12), fill="#6d4c00", anchor="lm")
    headers = ("Time Off Plan", "Beginning Year Balance", "Accrued", "Taken", "Balance as of today")
    xs = (40, 250, 450, 560, 670)
    y = top + 186
    draw.line((40, y + 28, 860, y + 28), fill="#bbbbbb")
    for hx, hd in zip(xs, headers, strict=True):
        draw.text((hx, y + 8), hd, font=font("sans-bold", 12), fill="#333333")
    rows = [("US PTO (3 to 5 years)", "5 days (carryover)", "23.92", "1.5", "27.42 days"),
            ("Sick Leave", "0", "4", "0", "4 days"),
            ("Community Days", "0", "2", "0", "2 days")]
    for row in rows:
        y += 40
        for hx, cell in zip(xs, row, strict=True):
            draw.text((hx, y + 8), cell, font=font("sans", 12), fill="#333333")
        draw.line((40, y + 32, 860, y + 32), fill="#e3e3e3")
    draw.text((40, y + 56), "Carried-over days must be used by 31 March.", font=font("sans", 12), fill="#666666")
    button(draw, (40, y + 90, 200, y + 122), "Request Time Off", font("sans-bold", 12), "#005cb9", "#ffffff")
    return img


def shot_navan_cap() -> Image.Image:
    img, draw, top = browser((880, 520), "https://app.navan.com/app/user/booking/hotels", "Navan – Hotels",
                             fnt_kind="cond")
    draw.rectangle((0, top, 880, top + 48), fill="#ffffff")
    draw.text((24, top + 24), "navan", font=font("sans-bold", 20), fill="#0c2340", anchor="lm")
    draw.text((856, top + 24), "Dublin · 3 nights · 1 guest", font=font("cond", 13), fill="#555555", anchor="rm")
    draw.line((0, top + 48, 880, top + 48), fill="#e5e5e5")
    draw.rectangle((0, top + 49, 880, 520), fill="#f5f6f8")
    card = (40, top + 70, 840, top + 410)
    shadowed_panel(img, card, "#ffffff", radius=10, shadow=8)
    draw = ImageDraw.Draw(img)
    draw.rectangle((60, top + 90, 260, top + 220), fill="#9fb7c9")
    draw.polygon(((60, top + 220), (140, top + 140), (200, top + 190), (230, top + 160), (260, top + 200),
                  (260, top + 220)), fill="#5f7d92")
    draw.text((284, top + 92), "The Liffey Quay Hotel", font=font("cond-bold", 18), fill="#0c2340")
    draw.text((284, top + 120), "Dublin 1 · ★★★★ · 0.6 km from Dublin office", font=font("cond", 13),
              fill="#555555")
    draw.text((284, top + 150), "EUR 262 / night", font=font("cond-bold", 20), fill="#0c2340")
    draw.text((296 + text_width(draw, "EUR 262 / night", font("cond-bold", 20)), top + 156), "excl. taxes", font=font("cond", 12), fill="#777777")
    draw.rounded_rectangle((284, top + 188, 820, top + 236), radius=6, fill="#fdecea", outline="#f19990")
    draw.text((300, top + 212), "Out of policy: above the Dublin lodging cap of EUR 230 per night",
              font=font("cond-bold", 13), fill="#8c1d13", anchor="lm")
    draw.text((60, top + 250), "Select a reason to request approval before booking:", font=font("cond", 13),
              fill="#333333")
    for i, reason in enumerate(("Conference hotel", "No availability at or below cap",
                                "Customer site requirement")):
        y = top + 280 + i * 28
        draw.ellipse((62, y, 78, y + 16), outline="#0c2340", width=2)
        draw.text((88, y + 8), reason, font=font("cond", 13), fill="#333333", anchor="lm")
    button(draw, (620, top + 356, 820, top + 392), "Request approval", font("cond-bold", 14), "#0c2340", "#ffffff")
    return img


SCREENSHOTS: list[tuple[str, Callable[[], Image.Image], list[str], str]] = [
    # (id, renderer, relevant docs, note)
    ("cert-dialog", shot_cert_dialog, ["it/certificate-errors-runbook.md"], "macOS trust dialog, full error string"),
    ("vpn-error-809", shot_vpn_809, ["it/vpn-troubleshooting.md"], "Windows VPN dialog, condensed font"),
    ("vpn-posture-p104", shot_posture_check, ["it/vpn-troubleshooting.md"], "dark-theme VPN client panel"),
    ("nwid-locked", shot_nwid_locked, ["it/password-reset-sso.md"], "browser sign-in page with NWID-423"),
    ("saml-014", shot_saml_014, ["incidents/2025-11-18-sso-login-outage.md"], "dark browser error page"),
    ("terminal-x509", shot_terminal_x509, ["it/certificate-errors-runbook.md", "engineering/dev-environment-setup.md"],
     "dark terminal, pip/git/kubectl TLS errors"),
    ("terminal-port-5432", shot_terminal_port, ["engineering/dev-environment-setup.md"],
     "light terminal, partial string (the doc says 'port 5432 is already allocated')"),
    ("checkout-nw-pay-503", shot_checkout_503, ["incidents/2025-03-14-ledger-db-failover.md"],
     "customer-facing invoice payment page"),
    ("loki-sqlstate-25006", shot_log_25006, ["incidents/2025-03-14-ledger-db-failover.md"],
     "log viewer excerpt, only the SQL error (partial)"),
    ("rabbitmq-payment-events", shot_rabbitmq, ["incidents/2025-09-22-payment-queue-backlog.txt"],
     "RabbitMQ console, dense table"),
    ("shipyard-freeze", shot_shipyard_freeze, ["engineering/deploy-process.md"], "deploy tool, purple theme"),
    ("chrome-cert-date-invalid", shot_tls_expired, ["incidents/2025-06-02-expired-tls-certificate.pdf"],
     "browser privacy error on the public API (not the internal root): tests the runbook/postmortem overlap"),
    ("toast-err-cert-untrusted", shot_cert_untrusted_toast,
     ["it/certificate-errors-runbook.md", "it/vpn-troubleshooting.md"], "small notification, only an error code"),
    ("workday-pto-cap", shot_pto_balance, ["hr/pto-and-leave-policy.pdf"], "HR settings screen, PDF document"),
    ("navan-lodging-cap", shot_navan_cap, ["travel/per-diem-rates.html", "travel/travel-booking-policy.md"],
     "travel booking screen, condensed font"),
]

# ------------------------------------------------------------------------------------------- photos

# KB photo file -> (source file in skimage/data, caption kept in the README)
PHOTOS = {
    "coffee-cup.jpg": "coffee.png",
    "chelsea-the-cat.jpg": "chelsea.png",
    "rocket-launch.jpg": "rocket.jpg",
    "astronaut-eileen-collins.jpg": "astronaut.png",
    "photographer-with-camera.jpg": "camera.png",
    "hubble-deep-field.jpg": "hubble_deep_field.jpg",
}


def import_photos(source: Path) -> None:
    """Copy the six photos from a scikit-image wheel or a skimage/data folder into examples/kb/images/photos."""
    def read(name: str) -> bytes:
        if source.is_file():
            with zipfile.ZipFile(source) as wheel:
                return wheel.read(f"skimage/data/{name}")
        return (source / name).read_bytes()

    for target, name in PHOTOS.items():
        img = Image.open(io.BytesIO(read(name)))
        img = img.convert("RGB")
        if max(img.size) > 640:
            img.thumbnail((640, 640), Image.Resampling.LANCZOS)
        save_jpeg(img, KB_IMAGES / "photos" / target, quality=90)


def _default_photo_source() -> Path | None:
    try:
        import skimage  # optional, only to find its sample data
    except ImportError:
        return None
    return Path(skimage.__file__).parent / "data"


def photo_variants() -> list[tuple[str, str, str]]:
    """Query variants of the KB photos; returns (query id, eval path, KB image doc id)."""
    out = []

    def kb(name: str) -> Image.Image:
        return Image.open(KB_IMAGES / "photos" / name).convert("RGB")

    def add(qid: str, name: str, img: Image.Image, file: str, quality: int | None) -> None:
        path = EVAL_IMAGES / "photos" / file
        if quality is None:
            save_png(img, path)
        else:
            save_jpeg(img, path, quality)
        out.append((qid, f"images/photos/{file}", f"images/photos/{name}"))

    coffee = kb("coffee-cup.jpg")
    w, h = coffee.size
    add("photo-coffee-crop", "coffee-cup.jpg", coffee.crop((int(w * 0.12), int(h * 0.08), int(w * 0.88),
        int(h * 0.92))).resize((380, 280), Image.Resampling.LANCZOS), "coffee-crop.jpg", 70)
    cat = kb("chelsea-the-cat.jpg")
    add("photo-cat-thumbnail", "chelsea-the-cat.jpg", cat.resize((cat.width // 2, cat.height // 2),
        Image.Resampling.LANCZOS), "cat-thumbnail.png", None)
    rocket = kb("rocket-launch.jpg")
    add("photo-rocket-recompressed", "rocket-launch.jpg", ImageEnhance.Brightness(rocket).enhance(1.15),
        "rocket-recompressed.jpg", 25)
    astro = kb("astronaut-eileen-collins.jpg")
    add("photo-astronaut-flipped", "astronaut-eileen-collins.jpg",
        ImageOps.mirror(astro).crop((0, 0, astro.width, int(astro.height * 0.8))), "astronaut-flipped.jpg", 80)
    camera = kb("photographer-with-camera.jpg")
    add("photo-camera-crop", "photographer-with-camera.jpg",
        camera.crop((80, 20, 400, 340)).resize((256, 256), Image.Resampling.LANCZOS), "camera-crop.jpg", 75)
    hubble = kb("hubble-deep-field.jpg")
    add("photo-hubble-crop", "hubble-deep-field.jpg",
        hubble.crop((0, 0, hubble.width * 6 // 10, hubble.height * 6 // 10)), "hubble-crop.png", None)
    return out


# ------------------------------------------------------------------------------------------ labels

TEXT_QUERIES = [
    ("text-payment-flow", "the payment flow diagram", ["images/diagrams/payment-flow.png"]),
    ("text-onboarding", "diagram of the new hire onboarding steps", ["images/diagrams/new-hire-onboarding.png"]),
    ("text-vpn-topology", "VPN network topology with the US and EU gateways",
     ["images/diagrams/vpn-network-topology.png"]),
    ("text-escalation", "chart of who gets paged when on-call does not acknowledge",
     ["images/diagrams/incident-escalation.png"]),
    ("text-deploy-pipeline", "deploy pipeline from merge to canary", ["images/diagrams/deploy-pipeline.png"]),
    ("text-expense-approvals", "expense approval chain flowchart", ["images/diagrams/expense-approvals.png"]),
    ("text-coffee", "a cup of coffee", ["images/photos/coffee-cup.jpg"]),
    ("text-cat", "a cat", ["images/photos/chelsea-the-cat.jpg"]),
    ("text-rocket", "photo of a rocket lifting off", ["images/photos/rocket-launch.jpg"]),
    ("text-astronaut", "portrait of an astronaut in a spacesuit", ["images/photos/astronaut-eileen-collins.jpg"]),
    ("text-camera", "a man with a camera on a tripod", ["images/photos/photographer-with-camera.jpg"]),
    ("text-galaxies", "telescope image of distant galaxies", ["images/photos/hubble-deep-field.jpg"]),
]


def write_diagrams() -> list[tuple[str, str, str]]:
    """KB diagrams plus their query variants; returns (query id, eval path, KB image doc id)."""
    kb_images = {}
    for key, style in KB_DIAGRAM_STYLES.items():
        img = render_diagram(key, style)
        save_png(img, KB_IMAGES / "diagrams" / f"{key}.png")
        kb_images[key] = img
    out = []

    def add(qid: str, key: str, img: Image.Image, file: str, quality: int | None = None) -> None:
        path = EVAL_IMAGES / "diagrams" / file
        if quality is None:
            save_png(img, path)
        else:
            save_jpeg(img, path, quality)
        out.append((qid, f"images/diagrams/{file}", f"images/diagrams/{key}.png"))

    pay = kb_images["payment-flow"]
    add("diagram-payment-resized-jpeg", "payment-flow",
        pay.resize((pay.width * 55 // 100, pay.height * 55 // 100), Image.Resampling.LANCZOS),
        "payment-flow-small.jpg", 55)
    add("diagram-payment-crop", "payment-flow", pay.crop((300, 100, 960, 600)), "payment-flow-crop.png")
    onb = kb_images["new-hire-onboarding"]
    add("diagram-onboarding-crop", "new-hire-onboarding", onb.crop((0, 0, 640, 600)), "onboarding-crop.png")
    add("diagram-vpn-redrawn", "vpn-network-topology", render_diagram("vpn-network-topology", "dark", (880, 560)),
        "vpn-topology-redrawn-dark.png")
    add("diagram-escalation-photo", "incident-escalation", photographed(kb_images["incident-escalation"], seed=5),
        "escalation-photo-of-screen.jpg", 78)
    dep = kb_images["deploy-pipeline"]
    add("diagram-deploy-in-wiki", "deploy-pipeline", in_wiki_page(dep), "deploy-pipeline-in-wiki.png")
    add("diagram-expense-redrawn", "expense-approvals",
        render_diagram("expense-approvals", "whiteboard", (900, 560), mirror=True), "expense-approvals-redrawn.png")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos-from", type=Path,
                        help="a scikit-image wheel or skimage/data folder to (re)import the KB photos from")
    args = parser.parse_args()
    photos_dir = KB_IMAGES / "photos"
    source = args.photos_from
    if source is None and not all((photos_dir / name).exists() for name in PHOTOS):
        source = _default_photo_source()
        if source is None:
            parser.error("the KB photos are missing: pass --photos-from with a scikit-image wheel "
                         "(pip download scikit-image --no-deps) or its skimage/data folder")
    if source is not None:
        import_photos(source)

    rows: list[dict] = []
    for qid, render, docs, _note in SCREENSHOTS:
        save_png(render(), EVAL_IMAGES / "screenshots" / f"{qid}.png")
        rows.append({"id": f"shot-{qid}", "kind": "screenshot", "image": f"images/screenshots/{qid}.png",
                     "relevant_docs": docs, "relevant_images": []})
    for qid, path, kb_image in write_diagrams():
        rows.append({"id": qid, "kind": "diagram", "image": path, "relevant_docs": [],
                     "relevant_images": [kb_image]})
    for qid, path, kb_image in photo_variants():
        rows.append({"id": qid, "kind": "photo", "image": path, "relevant_docs": [],
                     "relevant_images": [kb_image]})
    for qid, query, images in TEXT_QUERIES:
        rows.append({"id": qid, "kind": "text", "query": query, "relevant_docs": [], "relevant_images": images})
    for row in rows:  # every label must point at a real file
        for doc in row["relevant_docs"] + row["relevant_images"]:
            assert (HERE / "kb" / doc).is_file(), doc
        if "image" in row:
            assert (EVAL_DIR / row["image"]).is_file(), row["image"]
    LABELS.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    kinds = {k: sum(r["kind"] == k for r in rows) for k in ("screenshot", "diagram", "photo", "text")}
    print(f"wrote {LABELS.relative_to(HERE.parent)}: {len(rows)} queries {kinds}")


if __name__ == "__main__":
    main()
