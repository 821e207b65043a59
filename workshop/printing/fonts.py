"""Fonts for every PDF: DejaVu Sans first, then Noto fonts for the world's scripts and emoji
as fallbacks, with text shaping (joined, right-to-left Arabic and Hebrew; Indic clusters).
A character no installed font has is noted in the PDF, never dropped in silence, and
fpdf2's own log lines, which quote such characters, never reach the server's log.

Reads font files; the Debian packages that hold them are named in :data:`PACKAGES`.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's fonts-dejavu-core puts DejaVu Sans; without it PDFs use a core font."""
FALLBACK_DIR = Path("/usr/share/fonts")
"""Where Debian's Noto packages put their fonts (the paths in :data:`FALLBACKS`)."""

FALLBACKS: tuple[tuple[str, str, int], ...] = (
    ("NotoSans", "truetype/noto/NotoSans-Regular.ttf", 0),
    ("NotoArabic", "truetype/noto/NotoSansArabic-Regular.ttf", 0),
    ("NotoHebrew", "truetype/noto/NotoSansHebrew-Regular.ttf", 0),
    ("NotoDevanagari", "truetype/noto/NotoSansDevanagari-Regular.ttf", 0),
    ("NotoBengali", "truetype/noto/NotoSansBengali-Regular.ttf", 0),
    ("NotoGurmukhi", "truetype/noto/NotoSansGurmukhi-Regular.ttf", 0),
    ("NotoGujarati", "truetype/noto/NotoSansGujarati-Regular.ttf", 0),
    ("NotoTamil", "truetype/noto/NotoSansTamil-Regular.ttf", 0),
    ("NotoTelugu", "truetype/noto/NotoSansTelugu-Regular.ttf", 0),
    ("NotoKannada", "truetype/noto/NotoSansKannada-Regular.ttf", 0),
    ("NotoMalayalam", "truetype/noto/NotoSansMalayalam-Regular.ttf", 0),
    ("NotoSinhala", "truetype/noto/NotoSansSinhala-Regular.ttf", 0),
    ("NotoThai", "truetype/noto/NotoSansThai-Regular.ttf", 0),
    ("NotoLao", "truetype/noto/NotoSansLao-Regular.ttf", 0),
    ("NotoKhmer", "truetype/noto/NotoSansKhmer-Regular.ttf", 0),
    ("NotoMyanmar", "truetype/noto/NotoSansMyanmar-Regular.ttf", 0),
    ("NotoEthiopic", "truetype/noto/NotoSansEthiopic-Regular.ttf", 0),
    ("NotoGeorgian", "truetype/noto/NotoSansGeorgian-Regular.ttf", 0),
    ("NotoArmenian", "truetype/noto/NotoSansArmenian-Regular.ttf", 0),
    # Face 2 of the collection is Simplified Chinese; every face holds all of Chinese,
    # Japanese kana and Korean Hangul, in the shapes of its region.
    ("NotoCJK", "opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("NotoSymbols", "truetype/noto/NotoSansSymbols-Regular.ttf", 0),
    ("NotoSymbols2", "truetype/noto/NotoSansSymbols2-Regular.ttf", 0),
    ("NotoMath", "truetype/noto/NotoSansMath-Regular.ttf", 0),
    ("NotoEmoji", "truetype/noto/NotoColorEmoji.ttf", 0),
)
"""Fallback fonts, tried in this order for a character DejaVu Sans lacks: (family, path
under :data:`FALLBACK_DIR`, face in a collection)."""

PACKAGES = "fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji"
"""The Debian packages that hold every font above."""

# fpdf2 logs the characters its fonts lack ("missing glyphs: '美' …") and fontTools logs
# glyph names while subsetting: a person's words in the server's log. Their levels are set
# once here, for every PDF the app makes; what is missing is told in the PDF instead.
for _name in ("fpdf", "fontTools"):
    logging.getLogger(_name).setLevel(logging.ERROR)


_PLAIN = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'",
        "\u201a": "'", "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u2022": "-",
        "\u00a0": " ", "\u2192": "->", "\u2610": "[ ]", "\u2212": "-",
    }
)  # fmt: skip


def _invisible(char: str) -> bool:
    """Joiners, direction marks and variation selectors: nothing to draw, nothing lost."""
    return unicodedata.category(char) in ("Cf", "Cc") or 0xFE00 <= ord(char) <= 0xFE0F


def plain(text: str, lost: set[str] | None = None) -> str:
    """Text a core PDF font can show (Latin-1): typographic marks become ASCII ones and
    accents the core font lacks are dropped; anything else becomes '?' (and is added to
    ``lost`` when given)."""
    out = []
    for char in text.translate(_PLAIN):
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        if not base and lost is not None and not _invisible(char):
            lost.add(char)
        out.append(base or ("" if _invisible(char) else "?"))
    return "".join(out)


_SHAPED = re.compile(
    "[\u0590-\u08ff"  # Hebrew, Arabic, Syriac, Thaana and the rest written right to left
    "\u0900-\u0dff"  # the scripts of India and Sri Lanka
    "\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Tibetan, Myanmar, Khmer
    "\ufb1d-\ufdff\ufe70-\ufeff"  # Hebrew and Arabic presentation forms
    "\u200c-\u200f"  # joiners and direction marks
    "\U0001f000-\U0001faff]"  # emoji (sequences joined into one picture)
)


def needs_shaping(text: str) -> bool:
    """Whether ``text`` holds a script whose letters join, reorder or run right to left."""
    return _SHAPED.search(text) is not None


_STYLE_FILES = {"B": "Bold", "I": "Oblique", "BI": "BoldOblique"}


def add_dejavu(
    pdf: FPDF, *, font_dir: Path | str | None, styles: Sequence[str] = ("B", "I", "BI")
) -> bool:
    """Register DejaVu Sans from ``font_dir`` as the family "DejaVu", regular and ``styles``
    (a style whose file is missing uses the regular one). Reads the font files; returns
    False, registering nothing, when the regular file is not there."""
    regular = Path(font_dir, "DejaVuSans.ttf") if font_dir else None
    if regular is None or not regular.is_file():
        return False
    pdf.add_font("DejaVu", "", regular)
    for style in styles:
        path = regular.with_name(f"DejaVuSans-{_STYLE_FILES[style]}.ttf")
        pdf.add_font("DejaVu", style, path if path.is_file() else regular)
    return True


_coverage: dict[tuple[Path, int], frozenset[int]] = {}
_coverage_lock = threading.Lock()


def coverage(path: Path, face: int = 0) -> frozenset[int]:
    """The characters a font file has, read once per process (only its character map)."""
    with _coverage_lock:
        if (path, face) not in _coverage:
            with TTFont(path, fontNumber=face, lazy=True) as font:
                _coverage[path, face] = frozenset(font.getBestCmap() or ())
        return _coverage[path, face]


class WorldPDF(FPDF):
    """An fpdf2 document that writes any script: DejaVu Sans, then the first installed
    font of :data:`FALLBACKS` that has a character DejaVu lacks, with text shaping on, and a
    record of every character no font could draw (:attr:`lost`). A fallback font is added
    only when the document first needs it, so a document in Latin script costs no more than
    before. Without DejaVu Sans it falls back to Helvetica and :func:`plain` text. Call
    :meth:`text_of` on every text and :meth:`finish` for the bytes."""

    def __init__(
        self,
        *,
        font_dir: Path | str | None = FONT_DIR,
        fallback_dir: Path | str | None = FALLBACK_DIR,
        styles: Sequence[str] = ("B", "I", "BI"),
        **options,
    ) -> None:
        super().__init__(**options)
        self.lost: set[str] = set()
        self.unicode = add_dejavu(self, font_dir=font_dir, styles=styles)
        self.family = "DejaVu" if self.unicode else "helvetica"
        self._unused = [
            (family, Path(fallback_dir, path), face)
            for family, path, face in FALLBACKS
            if fallback_dir and Path(fallback_dir, path).is_file()
        ]
        self._shaping = False
        self._seen: set[str] = set()

    def text_of(self, text: str) -> str:
        """``text`` as this document can write it (plain Latin-1 with a core font). Adds the
        fallback fonts its characters need (fpdf2 looks for fallbacks only once one is
        registered) and records the characters none has. Turns text shaping on for the text
        that follows when it needs it: shaping every line would make a long document half
        again as slow to build."""
        if not self.unicode:
            return plain(text, self.lost)
        regular = self.fonts["dejavu"].cmap
        for char in set(text):
            if ord(char) not in regular and char not in self._seen and not _invisible(char):
                self._seen.add(char)
                if self._add_fallback(char) is None:
                    self.lost.add(char)
        shaping = needs_shaping(text)
        if shaping != self._shaping:
            self.set_text_shaping(shaping)
            self._shaping = shaping
        return text

    def _add_fallback(self, char: str) -> str | None:
        """The fallback font that has ``char``, registering the first unused one that has it
        when none registered does; None when no installed font has it."""
        for key in self._fallback_font_ids:
            if ord(char) in self.fonts[key].cmap:
                return key
        for candidate in self._unused:
            family, path, face = candidate
            if ord(char) in coverage(path, face):
                self._unused.remove(candidate)
                self.add_font(family, "", path, collection_font_number=face)
                # Bold and italic text borrows the regular face of a fallback font.
                self.set_fallback_fonts([*self._fallback_font_ids, family], exact_match=False)
                return family
        return None

    def _render_styled_text_line(self, *args, **options):
        """Every line of text fpdf2 draws (cells, wrapped lines, table cells), with the
        current font set on the page first, as fpdf2's own ``text()`` does.

        fpdf2 2.8 sets the font of a line that starts in a fallback font inside the line's
        own ``q … Q`` yet records it as set on the page. Once such a line is drawn the page
        is back in the font set before it (often a bold label or heading), and the next
        line of the same paragraph that starts in the regular font is written in that one:
        bold, the wrong size, and with the wrong letters, as its glyph numbers belong to
        another font. With the font set first, fpdf2 has nothing to record wrongly."""
        if not self.current_font_is_set_on_page and self.current_font is not None:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(*args, **options)

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """The fallback font for a character the current font lacks (adding one when an
        unused one has it); a character none has is recorded in :attr:`lost`."""
        found = super().get_fallback_font(char, style)
        if found is None and not _invisible(char):
            if self._add_fallback(char) is not None:
                return super().get_fallback_font(char, style)
            self.lost.add(char)
        return found

    def lost_note(self) -> str:
        """What the reader is told when characters could not be drawn ('' when none)."""
        if not self.lost:
            return ""
        count = len(self.lost)
        which = "character" if count == 1 else "different characters"
        return (
            f"Note: {count} {which} in this document could not be drawn with the fonts "
            "installed where it was made, and show as blanks or question marks. The HTML "
            f"version shows every character; installing the fonts ({PACKAGES}) mends the PDF."
        )

    def write_lost_note(self) -> None:
        """Add :meth:`lost_note`, if any, at the end of the document."""
        if note := self.lost_note():
            self.set_font(self.family, "B", 9.5)
            self.set_text_color(138, 75, 60)
            self.ln(4)
            self.multi_cell(0, 4.8, note, new_x="LMARGIN", new_y="NEXT")

    def finish(self) -> bytes:
        """The PDF's bytes, with the note on characters that could not be drawn."""
        self.write_lost_note()
        return bytes(self.output())
