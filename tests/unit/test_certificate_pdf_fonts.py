"""The certificate's fonts (issue 14): a bundled Latin subset of DejaVu Sans, parsed once
per process. Every PDF still gets the glyphs of its own text, a name outside the subset
is drawn with the full font, and a changed font file is read again."""

from __future__ import annotations

import dataclasses
import io
import logging
import shutil
import subprocess

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from academy.certificates import pdf, pdf_fonts
from tests.fixtures.tools import require_tool
from tests.unit.test_certificate_pdf import _data, _text


def _pixels(body: bytes, tmp_path) -> bytes:
    """Page 1 as a greyscale image: what a reader sees, whatever the file's bytes."""
    path = tmp_path / "page.pdf"
    path.write_bytes(body)
    return subprocess.run([require_tool("pdftoppm"), "-r", "40", "-gray", "-f", "1", "-l", "1", str(path)], capture_output=True, check=True).stdout  # fmt: skip


def _embedded_fonts(body: bytes) -> dict[str, TTFont]:
    fonts = {}
    for page in PdfReader(io.BytesIO(body)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = descriptor["/FontFile2"].get_object().get_data()
            fonts[str(font["/BaseFont"])] = TTFont(io.BytesIO(program))
    return fonts


@pytest.fixture
def fresh_fonts(monkeypatch):
    """Nothing parsed or laid out yet in this process, as in a new worker."""
    monkeypatch.setattr(pdf_fonts, "_parsed", {})
    monkeypatch.setattr(pdf, "_LAYOUTS", {})
    monkeypatch.setattr(pdf, "_PARAGRAPHS", {})


def test_the_bundled_subset_is_the_full_fonts_glyphs_in_its_ranges():
    for style, full_path in pdf_fonts.FULL.items():
        full, latin = TTFont(full_path), TTFont(pdf_fonts.LATIN[style])
        full_map, latin_map = full.getBestCmap(), latin.getBestCmap()
        wanted = {
            c for first, last in pdf_fonts.LATIN_RANGES for c in range(first, last + 1)
        } & set(full_map)
        assert set(latin_map) == wanted
        assert {"ä", "ß", "„", "“", "–", "…", "•", "Ł", "ő", "ș", "\u0308"} <= {
            chr(c) for c in latin_map
        }
        full_glyf, latin_glyf = full["glyf"], latin["glyf"]
        for code in wanted:
            a, b = full_map[code], latin_map[code]
            assert full["hmtx"][a] == latin["hmtx"][b], chr(code)
            assert full_glyf[a].getCoordinates(full_glyf) == latin_glyf[b].getCoordinates(
                latin_glyf
            ), chr(code)


def test_the_bundled_subset_is_what_make_fonts_writes(tmp_path):
    pdf_fonts.build_latin_subsets(tmp_path)
    for path in pdf_fonts.LATIN.values():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
    assert (pdf_fonts.FOLDER / "LICENSE-DejaVu.txt").exists()


def test_two_pdfs_in_a_row_each_carry_their_own_names_and_glyphs(fresh_fonts, tmp_path):
    alone = pdf.render_pdf(_data("Ærøskøbing Ünal-Çelik"))
    pdf_fonts._parsed.clear()
    first = pdf.render_pdf(_data("Łukasz Żółć-Dvořák"))
    second = pdf.render_pdf(_data("Ærøskøbing Ünal-Çelik"))
    assert "Łukasz Żółć-Dvořák" in _text(first, tmp_path)
    text = _text(second, tmp_path)
    assert "Ærøskøbing Ünal-Çelik" in text and "Łukasz" not in text
    # The second PDF embeds its own letters, not the first one's: it looks exactly like
    # the same certificate drawn first in a fresh process.
    assert _pixels(second, tmp_path) == _pixels(alone, tmp_path)
    for font in _embedded_fonts(second).values():
        assert "Lslash" not in font.getGlyphOrder() and "AE" in font.getGlyphOrder()


def test_the_bundled_subset_draws_latin_names_and_the_full_font_the_others(fresh_fonts, tmp_path):
    latin = pdf.render_pdf(_data("Ștefan Ţăranu"))
    greek = pdf.render_pdf(_data("Νίκος Παπαδόπουλος"))
    assert "Ștefan Ţăranu" in _text(latin, tmp_path)
    assert "Νίκος Παπαδόπουλος" in _text(greek, tmp_path)
    assert set(pdf_fonts._parsed) == {*pdf_fonts.LATIN.values(), *pdf_fonts.FULL.values()}
    # A Greek letter anywhere (here in the course version) takes the full font for all.
    mixed = pdf.render_pdf(dataclasses.replace(_data("Ștefan Ţăranu"), course_version="1.0 β"))
    text = _text(mixed, tmp_path)
    assert "1.0 β" in text and "Ștefan Ţăranu" in text


def test_a_character_no_font_has_is_left_out_with_a_warning_as_before(
    fresh_fonts, tmp_path, caplog
):
    with caplog.at_level(logging.WARNING, logger="fpdf.output"):
        body = pdf.render_pdf(_data("王小明 Wang"))
    assert "missing the following glyphs" in caplog.text and "王" in caplog.text
    assert "Wang" in _text(body, tmp_path)


def test_a_changed_font_file_is_read_again(fresh_fonts, monkeypatch, tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    latin = {style: folder / path.name for style, path in pdf_fonts.LATIN.items()}
    for style, path in latin.items():
        shutil.copy(pdf_fonts.LATIN[style], path)
    monkeypatch.setattr(pdf_fonts, "LATIN", latin)
    before = pdf.render_pdf(_data("Erika Mustermann"))
    assert "/MPDFAA+DejaVuSansBook" in _embedded_fonts(before)
    # The regular face replaced by another (here: the bold one, under the same name).
    shutil.copy(pdf_fonts.LATIN["B"], folder / "replaced.ttf")
    (folder / "replaced.ttf").replace(latin[""])
    after = pdf.render_pdf(_data("Erika Mustermann"))
    assert "/MPDFAA+DejaVuSansBook" not in _embedded_fonts(after)
    assert "Erika Mustermann" in _text(after, tmp_path)


def test_subsetting_a_pdfs_fonts_leaves_the_log_alone(caplog):
    caplog.set_level(logging.INFO)
    pdf.render_pdf(_data("Lea Lernende"))
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
