"""Draw the installable web app's icons (civicgrid/static/civicgrid/icons/) with Pillow: a house on a
grid, white on the platform's blue. "icon-*" are rounded squares for launchers that show the icon as
it is; "maskable-*" fill the whole square and keep the drawing inside the central safe circle (80 %)
for launchers that cut their own shape. Run again after changing the drawing and commit the PNGs:

    .venv/bin/python scripts/make_pwa_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "civicgrid" / "static" / "civicgrid" / "icons"
BLUE = (11, 58, 128, 255)  # pwa.THEME_COLOR, #0b3a80
LIGHT = (22, 98, 196, 255)  # --cg-blue-600
WHITE = (255, 255, 255, 255)
SIZES = (192, 512)
SCALE = 4  # drawn large, then scaled down: smooth edges without anti-aliasing support in ImageDraw


def emblem(draw, size, inset):
    """A house (roof, walls, door) over a 3×3 grid, inside the square [inset, size - inset]."""
    box = size - 2 * inset
    x0, y0 = inset, inset
    line = max(2, round(box * 0.055))

    def p(fx, fy):
        return (x0 + fx * box, y0 + fy * box)

    # The grid the house stands on: the bottom band, three cells.
    for i in range(4):
        fx = 0.14 + i * 0.24
        draw.line([p(fx, 0.78), p(fx, 0.92)], fill=LIGHT if i in (0, 3) else WHITE, width=line // 2)
    draw.line([p(0.14, 0.85), p(0.86, 0.85)], fill=WHITE, width=line // 2)
    # The house.
    draw.line([p(0.12, 0.45), p(0.5, 0.12), p(0.88, 0.45)], fill=WHITE, width=line, joint="curve")
    draw.line([p(0.22, 0.38), p(0.22, 0.74), p(0.78, 0.74), p(0.78, 0.38)], fill=WHITE, width=line, joint="curve")
    draw.rectangle([p(0.42, 0.52), p(0.58, 0.74)], fill=WHITE)


def icon(size, maskable):
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=BLUE)
        inset = round(big * 0.22)  # inside the 80 % safe circle
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=round(big * 0.2), fill=BLUE)
        inset = round(big * 0.14)
    emblem(draw, big, inset)
    return image.resize((size, size), Image.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        for maskable, prefix in ((False, "icon"), (True, "maskable")):
            path = OUT / f"{prefix}-{size}.png"
            icon(size, maskable).save(path, optimize=True)
            print(path.relative_to(OUT.parents[3]))


if __name__ == "__main__":
    main()
