"""The certificate's fonts: a bundled Latin subset of DejaVu Sans, parsed once per process.

fpdf2 parses a TrueType font on every `add_font` and, when it writes the PDF, subsets
the parsed font in place: with the full DejaVu Sans (6,253 glyphs, two styles) that was
three quarters of a certificate's drawing time. So:

- `DejaVuSans-Latin.ttf` and `DejaVuSans-Bold-Latin.ttf` are DejaVu Sans cut down to
  `LATIN_RANGES` (709 glyphs: German and English text, names in Latin letters from
  Latin-1, Latin Extended-A and -B, combining accents, common punctuation), made from
  the full files next to them by `make fonts` and kept in the repository with
  LICENSE-DejaVu.txt. Outlines, widths and hinting are DejaVu's own. A certificate with
  any character outside them (a name in Greek, Cyrillic, Arabic or Chinese, an emoji in a
  course title) is drawn with the full fonts, as before (and still faster than before);
  what the full font lacks is missing as before (fpdf2 logs a warning).
- A font file is read once per process (again when its size, modification time or
  inode changes): the metrics fpdf2 takes from it (widths, glyph ids, descriptor) and
  every fontTools table, pickled. Each PDF gets a copy of the metrics with its own
  subset map and an unpickled fontTools font of its own, which fpdf2 subsets in place
  and closes at output.
- fontTools does not recompute the bounding boxes when it writes each PDF's subset
  (about 9 ms a PDF): the glyph outlines are embedded unchanged (from the Latin files
  byte for byte as before), while the font header's overall box, `hhea` extremes and
  `maxp` maxima are those of the font file instead of those of the glyphs used (valid
  either way; poppler anti-aliases large text a fraction of a pixel differently).
"""

from __future__ import annotations

import copy
import io
import logging
import os
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

# fontTools logs every table it prunes at INFO, several lines per PDF in the app's log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FOLDER = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
FULL = {"": FOLDER / "DejaVuSans.ttf", "B": FOLDER / "DejaVuSans-Bold.ttf"}
LATIN = {"": FOLDER / "DejaVuSans-Latin.ttf", "B": FOLDER / "DejaVuSans-Bold-Latin.ttf"}

# What the bundled subset covers (code point ranges, inclusive): the full font's glyphs
# in these ranges are all kept.
LATIN_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B (ł ő ş ğ ș ț ǎ)
    (0x0300, 0x036F),  # combining accents: names typed as "u" + "¨"
    (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis: – — ‘ ’ ‚ „ “ ” • …
    (0x2030, 0x203A),  # ‰ ′ ″ ‹ ›
    (0x20AC, 0x20AC),  # €
    (0x2122, 0x2122),  # ™
    (0x2190, 0x2193),  # ← ↑ → ↓
    (0x2212, 0x2212),  # −
    (0x2264, 0x2265),  # ≤ ≥
)


@dataclass(frozen=True)
class _Parsed:
    key: tuple[int, int, int]  # size, modification time and inode of the file read
    font: TTFFont  # the metrics; its fontTools object is never subset
    tables: bytes  # the font with every table read, pickled: each PDF subsets a copy
    characters: frozenset[str]  # those it has a glyph for (its cmap)


_parsed: dict[Path, _Parsed] = {}
_lock = threading.Lock()


def add_fonts(pdf: FPDF, characters: set[str]) -> None:
    """Add the regular and bold DejaVu Sans to `pdf`: the bundled Latin subset when it
    has every one of `characters`, else the full fonts."""
    latin = {style: _load(path, style) for style, path in LATIN.items()}
    if all(characters <= parsed.characters for parsed in latin.values()):
        fonts = latin
    else:
        fonts = {style: _load(path, style) for style, path in FULL.items()}
    for style, parsed in fonts.items():
        _add(pdf, style, parsed)


def _add(pdf: FPDF, style: str, parsed: _Parsed) -> None:
    from fpdf.fonts import SubsetMap

    font = copy.copy(parsed.font)
    font.i = len(pdf.fonts) + 1
    # What fpdf2 changes while drawing and writing: the glyphs used (the subset map, the
    # missing ones) and the fontTools object it subsets in place and closes at output.
    font.ttfont = pickle.loads(parsed.tables)  # a copy of our own font, never of an upload
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[f"{FAMILY.lower()}{style}"] = font


def _load(path: Path, style: str) -> _Parsed:
    status = os.stat(path)
    key = (status.st_size, status.st_mtime_ns, status.st_ino)
    parsed = _parsed.get(path)
    if parsed is None or parsed.key != key:
        with _lock:
            parsed = _parsed.get(path)
            if parsed is None or parsed.key != key:
                parsed = _parse(path, style, key)
                _parsed[path] = parsed
    return parsed


def _parse(path: Path, style: str, key: tuple[int, int, int]) -> _Parsed:
    from fontTools.ttLib import TTFont
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    data = path.read_bytes()
    font = TTFFont(FPDF(), io.BytesIO(data), f"{FAMILY.lower()}{style}", style)
    font.close()  # the metrics are read
    # Reading the tables took a third of fontTools' work per PDF; unpickling a copy of
    # them takes a fifth of that, and no PDF shares anything with another.
    tables = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    for tag in tables.keys():  # noqa: SIM118 (a TTFont iterates differently)
        tables[tag]
    tables.reader = None  # everything is read; the copies need no file
    pickled = pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL)
    return _Parsed(key, font, pickled, frozenset(map(chr, font.cmap)))


def build_latin_subsets(folder: Path = FOLDER) -> None:
    """Write the bundled subsets from the full fonts (`make fonts`) into `folder`."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    unicodes = [c for first, last in LATIN_RANGES for c in range(first, last + 1)]
    for style, source in FULL.items():
        font = TTFont(source, recalcTimestamp=False)
        options = subset.Options(
            notdef_outline=True,
            recommended_glyphs=True,
            glyph_names=True,
            name_IDs=["*"],  # the copyright and licence notices stay in the file
            name_languages=["*"],
            hinting=True,
        )
        # fpdf2 drops these when it embeds a font (it does no text shaping): dropping
        # them here too keeps the embedded font the same as from the full file.
        options.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "kern"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        font.save(folder / LATIN[style].name)


if __name__ == "__main__":
    build_latin_subsets()
