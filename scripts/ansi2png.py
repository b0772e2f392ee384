#!/usr/bin/env python3
"""Render a terminal capture (text with SGR escape sequences, as printed by
`tmux capture-pane -p -e -N`) to a PNG of a fixed cell grid.

    scripts/ansi2png.py --cols 120 --rows 36 -o out.png capture.txt
    tmux capture-pane -p -e -N | scripts/ansi2png.py --cols 120 --rows 36 -o out.png

What is drawn is what the capture says, cell by cell: one monospace font
(DejaVu Sans Mono; its Bold for bold, Oblique for italic when installed), a
dark default background, the 16 ANSI colours, the xterm 256-colour palette and
24-bit colour. Wide characters (East Asian Wide/Fullwidth) take two cells,
combining marks join the cell before them. Box drawing (U+2500-U+257F, light,
heavy and rounded) and block elements (U+2580-U+259F) are drawn as pixel
shapes that fill the cell exactly, as terminals do, so lines join without gaps;
everything else, double lines included, comes from the font. A character the
font lacks is looked up in DejaVu Sans and a few other installed fonts.

SGR handled: 0, 1, 2, 3, 4 (and 4:n), 7, 8, 9, 21, 22, 23, 24, 27, 28, 29,
30-37, 38;5;n, 38;2;r;g;b (and the colon forms), 39, 40-47, 48;5;n, 48;2;r;g;b,
49, 90-97, 100-107. Other escape sequences (OSC, cursor movement) are skipped.
Needs Pillow (Debian: python3-pil) and fonts-dejavu-core.
"""

import argparse
import os
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_REGULAR = os.path.join(FONT_DIR, "DejaVuSansMono.ttf")
FONT_BOLD = os.path.join(FONT_DIR, "DejaVuSansMono-Bold.ttf")
FONT_ITALIC = os.path.join(FONT_DIR, "DejaVuSansMono-Oblique.ttf")  # fonts-dejavu-extra
FONT_BOLD_ITALIC = os.path.join(FONT_DIR, "DejaVuSansMono-BoldOblique.ttf")
FALLBACK_FONTS = [
    os.path.join(FONT_DIR, "DejaVuSans.ttf"),
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]

DEFAULT_FG = (0xD3, 0xD7, 0xCF)
DEFAULT_BG = (0x16, 0x18, 0x1C)
# The 16 ANSI colours (Tango-like, readable on a dark background).
ANSI16 = [
    (0x10, 0x10, 0x10), (0xCC, 0x00, 0x00), (0x4E, 0x9A, 0x06), (0xC4, 0xA0, 0x00),
    (0x34, 0x65, 0xA4), (0x75, 0x50, 0x7B), (0x06, 0x98, 0x9A), (0xD3, 0xD7, 0xCF),
    (0x55, 0x57, 0x53), (0xEF, 0x29, 0x29), (0x8A, 0xE2, 0x34), (0xFC, 0xE9, 0x4F),
    (0x72, 0x9F, 0xCF), (0xAD, 0x7F, 0xA8), (0x34, 0xE2, 0xE2), (0xEE, 0xEE, 0xEC),
]


def xterm256(n):
    """Colour n of the xterm 256-colour palette."""
    if n < 16:
        return ANSI16[n]
    if n < 232:
        n -= 16
        levels = (0, 95, 135, 175, 215, 255)
        return (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    v = 8 + 10 * (n - 232)
    return (v, v, v)


def blend(a, b, t):
    """a*(1-t) + b*t, per channel."""
    return tuple(round(x * (1 - t) + y * t) for x, y in zip(a, b))


class Style:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "hidden", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None  # None = default; else (r, g, b)
        self.bg = None
        self.bold = self.dim = self.italic = self.reverse = self.hidden = self.strike = False
        self.underline = 0  # 0 none, 1 single, 2 double, 3 curly, ...

    def copy(self):
        s = Style.__new__(Style)
        for k in Style.__slots__:
            setattr(s, k, getattr(self, k))
        return s


def parse_params(text):
    """SGR parameters as a list of lists: '1;38:2::1:2:3' -> [[1], [38, 2, None, 1, 2, 3]]."""
    if text == "":
        return [[0]]
    out = []
    for part in text.split(";"):
        out.append([int(x) if x.isdigit() else None for x in part.split(":")])
    return out


def extended_colour(params, i):
    """Reads 38/48 colour arguments starting at params[i]. Returns (colour or None, next index)."""
    head = params[i]
    if len(head) > 1:  # colon form: 38:5:n or 38:2:[cs]:r:g:b
        sub = head[1:]
        if sub and sub[0] == 5 and len(sub) >= 2 and sub[1] is not None:
            return xterm256(sub[1] & 0xFF), i + 1
        if sub and sub[0] == 2:
            rgb = [x or 0 for x in sub[1:]]
            if len(rgb) >= 4:
                rgb = rgb[1:]  # a colour-space id came first
            if len(rgb) >= 3:
                return tuple(min(255, c) for c in rgb[:3]), i + 1
        return None, i + 1
    kind = params[i + 1][0] if i + 1 < len(params) else None
    if kind == 5 and i + 2 < len(params):
        n = params[i + 2][0]
        return (xterm256(n & 0xFF) if n is not None else None), i + 3
    if kind == 2 and i + 4 < len(params):
        rgb = [min(255, params[j][0] or 0) for j in (i + 2, i + 3, i + 4)]
        return tuple(rgb), i + 5
    return None, len(params)


def apply_sgr(style, text):
    params = parse_params(text)
    i = 0
    while i < len(params):
        p = params[i][0]
        if p is None:
            p = 0
        if p == 0:
            style.reset()
        elif p == 1:
            style.bold = True
        elif p == 2:
            style.dim = True
        elif p == 3:
            style.italic = True
        elif p == 4:
            style.underline = params[i][1] if len(params[i]) > 1 and params[i][1] is not None else 1
        elif p == 7:
            style.reverse = True
        elif p == 8:
            style.hidden = True
        elif p == 9:
            style.strike = True
        elif p == 21:
            style.underline = 2
        elif p == 22:
            style.bold = style.dim = False
        elif p == 23:
            style.italic = False
        elif p == 24:
            style.underline = 0
        elif p == 27:
            style.reverse = False
        elif p == 28:
            style.hidden = False
        elif p == 29:
            style.strike = False
        elif 30 <= p <= 37:
            style.fg = ANSI16[p - 30]
        elif p == 38:
            colour, i = extended_colour(params, i)
            if colour is not None:
                style.fg = colour
            continue
        elif p == 39:
            style.fg = None
        elif 40 <= p <= 47:
            style.bg = ANSI16[p - 40]
        elif p == 48:
            colour, i = extended_colour(params, i)
            if colour is not None:
                style.bg = colour
            continue
        elif p == 49:
            style.bg = None
        elif p == 58:  # underline colour: parsed and ignored
            _, i = extended_colour(params, i)
            continue
        elif 90 <= p <= 97:
            style.fg = ANSI16[p - 90 + 8]
        elif 100 <= p <= 107:
            style.bg = ANSI16[p - 100 + 8]
        i += 1


# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other ESC pairs, or a text run.
TOKEN = re.compile(
    r"\x1b\[([0-?]*)([ -/]*)([@-~])"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|[^\x1b]+"
)


def char_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if ch in "\u200b\u200c\u200d\ufe0e\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Cell:
    __slots__ = ("text", "style", "width")

    def __init__(self, text, style, width):
        self.text = text
        self.style = style
        self.width = width  # 1, 2, or 0 for the right half of a wide character


def parse(capture, cols, rows):
    """The capture as a rows x cols grid of Cells (None = untouched blank)."""
    grid = [[None] * cols for _ in range(rows)]
    style = Style()  # tmux carries attributes from one line to the next
    lines = capture.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for y, line in enumerate(lines[:rows]):
        x = 0
        last = None  # (x) of the last printed cell, for combining marks
        for m in TOKEN.finditer(line.rstrip("\r")):
            tok = m.group(0)
            if tok.startswith("\x1b"):
                if m.group(3) == "m" and not m.group(2):
                    apply_sgr(style, m.group(1))
                continue
            for ch in tok:
                if ch == "\t":
                    nx = min(cols, (x // 8 + 1) * 8)
                    for xx in range(x, nx):
                        grid[y][xx] = Cell(" ", style.copy(), 1)
                    x = nx
                    continue
                if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0:
                    continue
                w = char_width(ch)
                if w == 0:
                    if last is not None and grid[y][last] is not None:
                        grid[y][last].text += ch
                    continue
                if x + w > cols:
                    break
                grid[y][x] = Cell(ch, style.copy(), w)
                if w == 2:
                    grid[y][x + 1] = Cell("", style.copy(), 0)
                last = x
                x += w
    return grid


# ---- box drawing and blocks -------------------------------------------------

WEIGHTS = {"LIGHT": 1, "SINGLE": 1, "HEAVY": 2, "DOUBLE": 3}
DIRS = {"UP": ("u",), "DOWN": ("d",), "LEFT": ("l",), "RIGHT": ("r",),
        "VERTICAL": ("u", "d"), "HORIZONTAL": ("l", "r")}


def box_segments(ch):
    """For U+2500-U+257F: {'u'|'d'|'l'|'r': 1 light / 2 heavy} or ('arc', corner),
    or None when the font should draw it (dashes, diagonals, double lines)."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    if not name.startswith("BOX DRAWINGS "):
        return None
    name = name[len("BOX DRAWINGS "):]
    if "DASH" in name or "DIAGONAL" in name:
        return None
    if name.startswith("LIGHT ARC "):
        # e.g. "LIGHT ARC DOWN AND RIGHT": the two ends of the arc
        ends = [DIRS[w][0] for w in name[len("LIGHT ARC "):].split(" AND ")]
        return ("arc", frozenset(ends))
    segs = {}
    weight = None
    for group in name.split(" AND "):
        words = group.split()
        gw = [WEIGHTS[w] for w in words if w in WEIGHTS]
        if gw:
            weight = gw[0]
        dirs = [w for w in words if w not in WEIGHTS]
        if weight is None or not dirs or any(w not in DIRS for w in dirs):
            return None
        for w in dirs:
            for d in DIRS[w]:
                segs[d] = weight
    if not segs or 3 in segs.values():
        return None
    return segs


class Renderer:
    def __init__(self, font_size, regular, bold, italic, bold_italic):
        self.size = font_size
        self.fonts = {}
        base = ImageFont.truetype(regular, font_size)
        self.fonts[(False, False)] = base
        self.fonts[(True, False)] = ImageFont.truetype(bold, font_size) if os.path.exists(bold) else base
        self.fonts[(False, True)] = ImageFont.truetype(italic, font_size) if os.path.exists(italic) else base
        self.fonts[(True, True)] = (ImageFont.truetype(bold_italic, font_size) if os.path.exists(bold_italic)
                                    else self.fonts[(True, False)])
        ascent, descent = base.getmetrics()
        self.ascent = ascent
        self.cw = max(1, round(base.getlength("M")))
        self.ch = ascent + descent
        self.light = max(1, round(font_size / 14))
        self.heavy = max(self.light + 1, round(font_size / 6))
        self._fallbacks = None
        self._has = {}
        self._notdef = {}

    def fallback_fonts(self):
        if self._fallbacks is None:
            self._fallbacks = [ImageFont.truetype(p, self.size) for p in FALLBACK_FONTS if os.path.exists(p)]
        return self._fallbacks

    def has_glyph(self, font, text):
        """True when the font has a glyph for text's first character (compares
        against the font's .notdef box, which Pillow draws for a missing one)."""
        key = (id(font), text[0])
        if key not in self._has:
            if id(font) not in self._notdef:
                self._notdef[id(font)] = self._ink(font, "\U0010FFFD")
            self._has[key] = text[0].isspace() or self._ink(font, text[0]) != self._notdef[id(font)]
        return self._has[key]

    def _ink(self, font, ch):
        img = Image.new("L", (self.size * 3, self.size * 2))
        ImageDraw.Draw(img).text((0, 0), ch, font=font, fill=255)
        return img.tobytes()

    def font_for(self, text, bold, italic):
        font = self.fonts[(bold, italic)]
        if self.has_glyph(font, text):
            return font
        for f in self.fallback_fonts():
            if self.has_glyph(f, text):
                return f
        return font

    def draw_box(self, draw, x, y, w, h, segs, fg):
        cx, cy = x + w // 2, y + h // 2
        if isinstance(segs, tuple):  # rounded corner
            ends = segs[1]
            t = self.light
            r = min(w, h) // 2
            ox = cx + (r if "r" in ends else -r)
            oy = cy + (r if "d" in ends else -r)
            start = {("d", "r"): 180, ("d", "l"): 270, ("l", "u"): 0, ("r", "u"): 90}[tuple(sorted(ends))]
            tl = (ox - r - (t - 1) // 2, oy - r - (t - 1) // 2)
            draw.arc([tl, (tl[0] + 2 * r + t - 1, tl[1] + 2 * r + t - 1)], start, start + 90, fill=fg, width=t)
            lo = cx - t // 2
            if "d" in ends:
                draw.rectangle([lo, oy, lo + t - 1, y + h - 1], fill=fg)
            if "u" in ends:
                draw.rectangle([lo, y, lo + t - 1, oy], fill=fg)
            to = cy - t // 2
            if "r" in ends:
                draw.rectangle([ox, to, x + w - 1, to + t - 1], fill=fg)
            if "l" in ends:
                draw.rectangle([x, to, ox, to + t - 1], fill=fg)
            return
        thick = {1: self.light, 2: self.heavy}
        reach = max(thick[v] for v in segs.values())
        for d, weight in segs.items():
            t = thick[weight]
            lo_v = cx - t // 2  # left edge of a vertical stroke
            lo_h = cy - t // 2  # top edge of a horizontal stroke
            if d == "u":
                draw.rectangle([lo_v, y, lo_v + t - 1, cy - reach // 2 + reach - 1], fill=fg)
            elif d == "d":
                draw.rectangle([lo_v, cy - reach // 2, lo_v + t - 1, y + h - 1], fill=fg)
            elif d == "l":
                draw.rectangle([x, lo_h, cx - reach // 2 + reach - 1, lo_h + t - 1], fill=fg)
            elif d == "r":
                draw.rectangle([cx - reach // 2, lo_h, x + w - 1, lo_h + t - 1], fill=fg)

    def draw_block(self, draw, x, y, w, h, cp, fg, bg):
        """U+2580-U+259F. Returns False when it is not one of them."""
        def rect(x0, y0, x1, y1, colour=fg):
            if x1 > x0 and y1 > y0:
                draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=colour)

        def frac(total, k):
            return round(total * k / 8)

        if cp == 0x2580:
            rect(x, y, x + w, y + h // 2)
        elif 0x2581 <= cp <= 0x2588:
            k = cp - 0x2580
            rect(x, y + h - frac(h, k), x + w, y + h)
        elif 0x2589 <= cp <= 0x258F:
            k = 8 - (cp - 0x2588)
            rect(x, y, x + frac(w, k), y + h)
        elif cp == 0x2590:
            rect(x + w // 2, y, x + w, y + h)
        elif 0x2591 <= cp <= 0x2593:
            rect(x, y, x + w, y + h, blend(bg, fg, (cp - 0x2590) / 4))
        elif cp == 0x2594:
            rect(x, y, x + w, y + frac(h, 1))
        elif cp == 0x2595:
            rect(x + w - frac(w, 1), y, x + w, y + h)
        elif 0x2596 <= cp <= 0x259F:
            # quadrants: bits UL, UR, LL, LR
            q = {0x2596: "0010", 0x2597: "0001", 0x2598: "1000", 0x2599: "1011",
                 0x259A: "1001", 0x259B: "1110", 0x259C: "1101", 0x259D: "0100",
                 0x259E: "0110", 0x259F: "0111"}[cp]
            mx, my = x + w // 2, y + h // 2
            if q[0] == "1":
                rect(x, y, mx, my)
            if q[1] == "1":
                rect(mx, y, x + w, my)
            if q[2] == "1":
                rect(x, my, mx, y + h)
            if q[3] == "1":
                rect(mx, my, x + w, y + h)
        else:
            return False
        return True

    def render(self, grid, cols, rows, padding, default_fg, default_bg):
        cw, ch = self.cw, self.ch
        img = Image.new("RGB", (cols * cw + 2 * padding, rows * ch + 2 * padding), default_bg)
        draw = ImageDraw.Draw(img)
        # Backgrounds first, then text, so glyphs that overhang their cell are not cut.
        resolved = []
        for y in range(rows):
            for x in range(cols):
                cell = grid[y][x]
                if cell is None or cell.width == 0:
                    continue
                s = cell.style
                fg = s.fg or default_fg
                bg = s.bg or default_bg
                if s.reverse:
                    fg, bg = bg, fg
                if s.dim:
                    fg = blend(fg, bg, 0.45)
                if s.hidden:
                    fg = bg
                px, py = padding + x * cw, padding + y * ch
                w = cw * cell.width
                if bg != default_bg:
                    draw.rectangle([px, py, px + w - 1, py + ch - 1], fill=bg)
                resolved.append((cell, px, py, w, fg, bg))
        for cell, px, py, w, fg, bg in resolved:
            s = cell.style
            text = cell.text
            if text and text != " " and fg != bg:
                cp = ord(text[0])
                if 0x2500 <= cp <= 0x257F and len(text) == 1 and (segs := box_segments(text)) is not None:
                    self.draw_box(draw, px, py, w, ch, segs, fg)
                elif 0x2580 <= cp <= 0x259F and len(text) == 1:
                    self.draw_block(draw, px, py, w, ch, cp, fg, bg)
                else:
                    font = self.font_for(text, s.bold, s.italic)
                    if font is self.fonts[(s.bold, s.italic)]:
                        draw.text((px, py), text, font=font, fill=fg)
                    else:
                        # A fallback font: centre it in the cell(s), on the same baseline.
                        gw = font.getlength(text)
                        draw.text((px + (w - gw) / 2, py + self.ascent), text, font=font, fill=fg, anchor="ls")
            if s.underline:
                uy = py + self.ascent + max(1, self.light)
                draw.rectangle([px, uy, px + w - 1, uy + self.light - 1], fill=fg)
                if s.underline == 2:
                    draw.rectangle([px, uy + 2 * self.light, px + w - 1, uy + 3 * self.light - 1], fill=fg)
            if s.strike:
                sy = py + ch // 2
                draw.rectangle([px, sy, px + w - 1, sy + self.light - 1], fill=fg)
        return img


def hex_colour(text):
    text = text.lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        raise argparse.ArgumentTypeError("want a colour as RRGGBB")
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Render `tmux capture-pane -p -e -N` output to a PNG.")
    ap.add_argument("input", nargs="?", default="-", help="capture file, or - for stdin (default)")
    ap.add_argument("-o", "--output", required=True, help="PNG file to write")
    ap.add_argument("--cols", type=int, default=120, help="columns of the terminal (default 120)")
    ap.add_argument("--rows", type=int, default=36, help="rows of the terminal (default 36)")
    ap.add_argument("--font-size", type=int, default=16, help="font size in pixels (default 16)")
    ap.add_argument("--padding", type=int, default=10, help="margin around the grid in pixels (default 10)")
    ap.add_argument("--font", default=FONT_REGULAR)
    ap.add_argument("--bold-font", default=FONT_BOLD)
    ap.add_argument("--italic-font", default=FONT_ITALIC)
    ap.add_argument("--bold-italic-font", default=FONT_BOLD_ITALIC)
    ap.add_argument("--fg", type=hex_colour, default=DEFAULT_FG, help="default foreground, RRGGBB")
    ap.add_argument("--bg", type=hex_colour, default=DEFAULT_BG, help="default background, RRGGBB")
    args = ap.parse_args(argv)
    if args.cols < 1 or args.rows < 1:
        ap.error("--cols and --rows must be positive")
    if not os.path.exists(args.font):
        ap.error(f"no font at {args.font} (Debian: apt-get install fonts-dejavu-core)")

    if args.input == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(args.input, "rb") as f:
            data = f.read()
    capture = data.decode("utf-8", errors="replace")

    grid = parse(capture, args.cols, args.rows)
    renderer = Renderer(args.font_size, args.font, args.bold_font, args.italic_font, args.bold_italic_font)
    img = renderer.render(grid, args.cols, args.rows, args.padding, args.fg, args.bg)
    img.save(args.output, optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
