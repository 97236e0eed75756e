"""Box-and-arrow diagrams drawn with Pillow: knowledge-base images whose words OCR can read."""

from __future__ import annotations

from PIL import Image, ImageDraw

from tests.fakes.screens import font


def flow_diagram(title: str, steps: list[str], width: int = 900) -> Image.Image:
    """A titled left-to-right flow: one rounded box per step, joined by arrows."""
    height = 360
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.text((width // 2, 40), title, fill=(20, 20, 20), font=font(30, bold=True), anchor="mm")
    gap, box_w = 40, (width - 80 - 40 * (len(steps) - 1)) // len(steps)
    for i, step in enumerate(steps):
        x0 = 40 + i * (box_w + gap)
        draw.rounded_rectangle((x0, 140, x0 + box_w, 240), radius=12, fill=(225, 238, 252), outline=(30, 90, 170),
                               width=3)
        draw.multiline_text((x0 + box_w // 2, 190), step.replace(" ", "\n", 1), fill=(10, 40, 90), font=font(20),
                            anchor="mm", align="center")
        if i:
            draw.line((x0 - gap + 4, 190, x0 - 6, 190), fill=(30, 30, 30), width=3)
            draw.polygon([(x0 - 4, 190), (x0 - 14, 183), (x0 - 14, 197)], fill=(30, 30, 30))
    return img
