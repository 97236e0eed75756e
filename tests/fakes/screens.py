"""Realistic test images drawn with Pillow: an OS error dialog screenshot and simple objects."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.kb.images import DownloadedImage

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans when installed, else Pillow's built-in scalable font."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def error_dialog(title: str, heading: str, message: str, button: str = "OK", scale: float = 1.0) -> Image.Image:
    """A desktop screenshot: a blurred-blue wallpaper behind a modal dialog with a title bar, a warning
    icon, a bold heading, a wrapped message and a default button; `scale` mimics display scaling."""
    def s(value: float) -> int:
        return round(value * scale)

    screen = Image.new("RGB", (s(900), s(560)), (38, 84, 140))
    draw = ImageDraw.Draw(screen)
    for y in range(0, screen.height, 4):  # a soft wallpaper gradient
        draw.line([(0, y), (screen.width, y)], fill=(38 + y * 40 // screen.height, 84, 140 - y * 30 // screen.height))
    box = (s(150), s(120), s(750), s(400))
    draw.rectangle((box[0] + s(6), box[1] + s(6), box[2] + s(6), box[3] + s(6)), fill=(20, 30, 50))  # shadow
    draw.rectangle(box, fill=(246, 246, 246), outline=(120, 120, 120))
    draw.rectangle((box[0], box[1], box[2], box[1] + s(34)), fill=(222, 224, 228))  # title bar
    for i, colour in enumerate([(237, 106, 94), (245, 191, 79), (98, 197, 84)]):  # window controls
        cx = box[0] + s(18 + i * 22)
        draw.ellipse((cx - s(7), box[1] + s(10), cx + s(7), box[1] + s(24)), fill=colour)
    draw.text(((box[0] + box[2]) // 2, box[1] + s(17)), title, fill=(40, 40, 40), font=font(s(15)), anchor="mm")
    ix, iy = box[0] + s(30), box[1] + s(60)  # a yellow warning triangle
    draw.polygon([(ix + s(28), iy), (ix + s(56), iy + s(50)), (ix, iy + s(50))], fill=(250, 190, 40),
                 outline=(170, 120, 0))
    draw.text((ix + s(28), iy + s(30)), "!", fill=(40, 40, 40), font=font(s(30), bold=True), anchor="mm")
    tx = ix + s(80)
    draw.text((tx, iy), heading, fill=(20, 20, 20), font=font(s(17), bold=True))
    body = "\n".join(textwrap.wrap(message, 52))
    draw.multiline_text((tx, iy + s(36)), body, fill=(50, 50, 50), font=font(s(14)), spacing=s(6))
    bx = (box[2] - s(110), box[3] - s(50), box[2] - s(20), box[3] - s(18))
    draw.rounded_rectangle(bx, radius=s(6), fill=(10, 102, 214), outline=(5, 70, 160))
    draw.text(((bx[0] + bx[2]) // 2, (bx[1] + bx[3]) // 2), button, fill="white", font=font(s(14), bold=True),
              anchor="mm")
    return screen


def traffic_light(size: int = 320) -> Image.Image:
    """A traffic light on a pole against a sky: a dark housing with red, amber and green lamps."""
    img = Image.new("RGB", (size, size), (150, 190, 230))
    draw = ImageDraw.Draw(img)
    u = size / 320
    draw.rectangle((150 * u, 250 * u, 170 * u, size), fill=(70, 70, 70))
    draw.rounded_rectangle((115 * u, 20 * u, 205 * u, 255 * u), radius=14 * u, fill=(30, 30, 30))
    for i, colour in enumerate([(235, 40, 30), (250, 180, 20), (40, 200, 70)]):
        cy = (60 + i * 75) * u
        draw.ellipse((130 * u, cy - 28 * u, 190 * u, cy + 28 * u), fill=colour)
    return img


def crossword(size: int = 320, cells: int = 13) -> Image.Image:
    """A printed crossword grid: black squares in a symmetric pattern and small clue numbers."""
    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    step = (size - 20) / cells
    small = font(max(6, round(step / 3)))
    for r in range(cells):
        for c in range(cells):
            x, y = 10 + c * step, 10 + r * step
            black = (r * 7 + c * 3) % 5 == 0 or (r * 3 + c * 7) % 11 == 0
            draw.rectangle((x, y, x + step, y + step), fill="black" if black else "white", outline="black")
            if not black and (r == 0 or c == 0):
                draw.text((x + 2, y + 1), str(r * cells + c + 1), fill="black", font=small)
    return img


def encoded(image: Image.Image, fmt: str = "PNG", **save: object) -> bytes:
    """The image as file bytes (PNG, or JPEG with `quality=`)."""
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def as_upload(image: Image.Image, name: str, fmt: str = "PNG", **save: object) -> DownloadedImage:
    """The image encoded as an uploaded file would arrive (PNG, or JPEG with `quality=`)."""
    mime = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return DownloadedImage(encoded(image, fmt, **save), mime, image.width, image.height, name)


def certificate_error(scale: float = 1.0) -> Image.Image:
    """The VPN client's "Certificate not trusted: NW-CA-2024 expired" dialog (the sample KB's runbook)."""
    return error_dialog("VPN Client", "Connection failed",
                        "Certificate not trusted: NW-CA-2024 expired. Contact your administrator.", scale=scale)
