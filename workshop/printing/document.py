"""Printable pages: our own slide text read as Markdown (markdown-it, raw HTML off), HTML
pages with print CSS, and a PDF document class (fpdf2) with the same look that places the
app's charts as images.

User text goes through :func:`html.escape` (HTML) or is written as plain text (PDF); only
the workshop's own content is read as Markdown, and raw HTML in it comes out as text.
Nothing here reads a database; the PDF class reads font files.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from pathlib import Path

from fpdf.enums import XPos, YPos
from markdown_it import MarkdownIt

from workshop.i18n.languages import direction
from workshop.printing import charts
from workshop.printing.fonts import FALLBACK_DIR, FONT_DIR, WorldPDF

INK = (43, 36, 33)
MUTED = (112, 102, 96)
RULE = (214, 205, 198)
FIRST = (138, 75, 60)
"""The accent colour of headings and notes, as the bars in :data:`workshop.printing.charts.BAR`."""


# -- Markdown (our own content only) -------------------------------------------------------


def _image_as_text(self, tokens, idx, options, env) -> str:
    """An image in slide text prints as its description: a printed page loads nothing."""
    return html.escape(tokens[idx].content, quote=False)


_MD = MarkdownIt("commonmark", {"html": False})
"""CommonMark with raw HTML switched off: markup in the content comes out as escaped text."""
_MD.add_render_rule("image", _image_as_text)

HEADING_SHIFT = 2
"""A slide's "#" heading sits below the page's own headings (h1, h2): it becomes an h3."""


def markdown_html(source: str) -> str:
    """Slide text (Markdown) as HTML: headings (shifted below the page's own), lists,
    paragraphs, emphasis and links; raw HTML is shown as escaped text, images as their
    description."""
    tokens = _MD.parse(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
    return _MD.renderer.render(tokens, _MD.options, {}).strip()


def inline_html(text: str) -> str:
    """One line of Markdown (emphasis, code, links) as HTML, with no paragraph around it."""
    return _MD.renderInline(text).strip()


def markdown_lines(source: str) -> list[tuple[str, str]]:
    """Slide text as (kind, Markdown) blocks for print: kind is "bullet" (a list item),
    "heading" or "text" (a paragraph); the Markdown keeps its emphasis, one line per block."""
    lines: list[tuple[str, str]] = []
    kinds: list[str] = []
    for token in _MD.parse(source):
        if token.type == "list_item_open":
            kinds.append("bullet")
        elif token.type == "heading_open":
            kinds.append("heading")
        elif token.type in ("list_item_close", "heading_close"):
            kinds.pop()
        elif token.type == "inline" and token.content.strip():
            text = " ".join(token.content.split())
            lines.append((kinds[-1] if kinds else "text", text))
    return lines


_PDF_MARKS = {"strong_open": "**", "strong_close": "**", "em_open": "__", "em_close": "__"}
_PDF_ESCAPE = re.compile(r"(\\|\*\*|__|~~|--)")


def pdf_markup(text: str) -> str:
    """One line of Markdown as fpdf2's own markup (``**bold**``, ``__italic__``): links and
    code become their text, and anything else that fpdf2 would read as a mark is escaped."""
    out: list[str] = []
    for block in _MD.parseInline(text):
        for token in block.children or ():
            if token.type in _PDF_MARKS:
                out.append(_PDF_MARKS[token.type])
            elif token.type in ("text", "code_inline", "image"):
                out.append(_PDF_ESCAPE.sub(r"\\\1", token.content))
            elif token.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return "".join(out)


# -- HTML pages ----------------------------------------------------------------------------

BASE_CSS = """
:root { --ink: #2b2421; --muted: #706660; --rule: #d6cdc6; --first: #8a4b3c;
        --second: #2e6f7a; --paper: #fffdfb; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       background: var(--paper); line-height: 1.45; font-size: 11pt; }
body { max-width: 48rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; color: var(--first); }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-bottom: .2rem;
     border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
p, li { margin: .3rem 0; }
.meta, .muted { color: var(--muted); }
.note { border-left: 4px solid var(--first); padding: .4rem .8rem; background: #f6efe9; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--rule);
         vertical-align: top; }
th { font-size: .9rem; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
figure { margin: .5rem 0 1rem; }
figcaption { color: var(--muted); font-size: .9rem; }
ul.texts { list-style: none; padding: 0; }
ul.texts li { white-space: pre-wrap; overflow-wrap: anywhere; border-left: 3px solid var(--rule);
              padding: .2rem .7rem; margin: .5rem 0; }
.keep { break-inside: avoid; page-break-inside: avoid; }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  html { background: white; font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  figure, tr, li { break-inside: avoid; page-break-inside: avoid; }
  .page { break-before: page; page-break-before: always; }
  .noprint { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def page(*, title: str, body: str, css: str = "", language: str = "en") -> str:
    """A complete, self-contained HTML page (no scripts, no outside files), its ``<html lang
    dir>`` those of ``language``."""
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}" dir="{direction(language)}">\n'
        '<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


# -- PDF -----------------------------------------------------------------------------------


class PrintDocument(WorldPDF):
    """An A4 document in DejaVu Sans with fallback fonts for every script (see
    :class:`workshop.printing.fonts.WorldPDF`), with a footer naming the document and the
    page."""

    def __init__(
        self,
        *,
        title: str,
        footer: str,
        font_dir: Path | None = FONT_DIR,
        fallback_dir: Path | None = FALLBACK_DIR,
    ) -> None:
        super().__init__(
            font_dir=font_dir, fallback_dir=fallback_dir,
            orientation="portrait", unit="mm", format="A4",
        )  # fmt: skip
        self.footer_text = footer
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_creator("Bedrock")
        self.set_font(self.family, size=10.5)
        self.set_text_color(*INK)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.text_of(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(*INK)

    @property
    def inner_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def space(self, mm: float) -> None:
        self.set_y(self.get_y() + mm)

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, *, level: int = 1) -> None:
        size, colour, before = {0: (20, FIRST, 0), 1: (15, INK, 5), 2: (12.5, INK, 3.5)}.get(
            level, (11, INK, 2.5)
        )
        self.keep(40 if level <= 1 else 25)
        self.space(before)
        self.set_font(self.family, "B", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, self.text_of(text), align="L", new_x=XPos.LMARGIN)
        self.set_text_color(*INK)
        if level == 1:
            y = self.get_y() + 1
            self.set_draw_color(*RULE)
            self.set_line_width(0.5)
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.space(3)
        else:
            self.space(1.2)
        self.set_font(self.family, size=10.5)

    def paragraph(
        self,
        text: str,
        *,
        size: float = 10.5,
        style: str = "",
        colour: tuple[int, int, int] = INK,
        markdown: bool = False,
        indent: float = 0,
    ) -> None:
        """A wrapped paragraph. ``markdown`` (our own content only) reads ``text`` as one
        line of Markdown and shows its emphasis."""
        self.set_font(self.family, style, size)
        self.set_text_color(*colour)
        self.set_x(self.l_margin + indent)
        if markdown:
            text = pdf_markup(text)
        self.multi_cell(
            self.inner_width - indent, size * 0.5, self.text_of(text), align="L",
            markdown=markdown,
            new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        )  # fmt: skip
        self.set_text_color(*INK)
        self.set_font(self.family, size=10.5)
        self.space(1.2)

    def bullet(
        self, text: str, *, markdown: bool = False, mark: str = "\u2022", mark_width: float = 5
    ) -> None:
        self.set_font(self.family, size=10.5)
        self.keep(6)
        y = self.get_y()
        self.set_x(self.l_margin + 2)
        self.cell(mark_width, 5.25, self.text_of(mark))
        self.set_xy(self.l_margin + 2 + mark_width, y)
        if markdown:
            text = pdf_markup(text)
        self.multi_cell(
            self.inner_width - 2 - mark_width, 5.25, self.text_of(text), align="L",
            markdown=markdown, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        )  # fmt: skip
        self.space(0.6)

    CHART_MM_PER_PX = 0.24
    """Millimetres per chart pixel: a chart's 14 px labels print at about 9.5 pt."""

    def chart_size(self, png: bytes) -> tuple[float, float]:
        """How wide and tall a chart image prints, in mm: at the size of its text, narrowed
        to the text width when wider."""
        width, height = charts.png_size(png)
        w = min(width * self.CHART_MM_PER_PX / charts.PNG_SCALE, self.inner_width)
        return w, height * w / width

    def chart(self, png: bytes) -> None:
        """A chart rendered by :func:`workshop.printing.charts.to_png`, at the size of its
        text (narrowed to the text width when wider), on one page."""
        w, h = self.chart_size(png)
        self.keep(h + 2)
        y = self.get_y() + 1
        self.image(io.BytesIO(png), x=self.l_margin, y=y, w=w, h=h)
        self.set_y(y + h + 1.5)

    def table_of(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        right: Sequence[int] = (),
    ) -> None:
        """A table with a heading row repeated on each page; columns in ``right`` are
        right-aligned. Cells are plain text."""
        self.set_font(self.family, size=9.5)
        self.set_draw_color(*RULE)
        self.set_fill_color(255, 255, 255)
        self.set_line_width(0.2)
        align = ["RIGHT" if i in right else "LEFT" for i in range(len(headings))]
        with self.table(
            col_widths=widths, text_align=align, borders_layout="HORIZONTAL_LINES",
            line_height=5, padding=(1.2, 1.5), width=self.inner_width, align="LEFT",
        ) as table:  # fmt: skip
            for row in [headings, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(self.text_of(value))
        self.set_font(self.family, size=10.5)
        self.space(3)

    def writing_lines(self, count: int, *, gap: float = 9) -> None:
        """Ruled lines to write on, as many as asked (a new page when they do not fit)."""
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        for _ in range(count):
            self.keep(gap)
            y = self.get_y() + gap
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.set_y(y)
        self.space(3)

    def to_bytes(self) -> bytes:
        """The PDF's bytes, ending with a note on any character no font could draw."""
        if note := self.lost_note():
            self.space(4)
            self.paragraph(note, size=9.5, style="B", colour=FIRST)
        return bytes(self.output())
