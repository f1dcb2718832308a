"""The streaming XLSX writer (hr/xlsx.py): what it writes is read back by openpyxl with
the values, types and styles it was given, and it streams (pieces come while the rows
are still being read)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from academy.hr import xlsx

HEADER = ["Name", "Zahl", "Anteil", "Ja/Nein", "Datum", "Zeitpunkt", "Leer"]


def read_back(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_values_come_back_with_their_types():
    rows = [
        ["Anna Berg", 95, 2.5, True, date(2026, 3, 31), datetime(2026, 3, 31, 12, 30, 15), None],
        ['Köln <&> "€"', -1, 0.0, False, date(1999, 12, 31), datetime(2000, 1, 1), ""],
    ]
    sheet = read_back(b"".join(xlsx.chunks(HEADER, rows, "Personen")))
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(HEADER)
    assert values[1] == (
        "Anna Berg", 95, 2.5, True, datetime(2026, 3, 31), datetime(2026, 3, 31, 12, 30, 15), None,
    )  # fmt: skip
    assert values[2] == (
        'Köln <&> "€"', -1, 0, False, datetime(1999, 12, 31), datetime(2000, 1, 1), None,
    )  # fmt: skip
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert sheet["E2"].number_format == "yyyy-mm-dd" and sheet["E2"].is_date
    assert sheet.title == "Personen"


def test_formula_like_text_is_quoted_text_and_control_characters_are_dropped():
    nasty = ['=HYPERLINK("http://evil.example")', "+49 30", "-1+2", "@SUM(A1)", "\tTab", "\rCR"]
    rows = [[value] for value in nasty] + [["bad\x01\x1fchar"], ["  spaces  "]]
    sheet = read_back(b"".join(xlsx.chunks(["Wert"], rows, "x")))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [*nasty, "badchar", "  spaces  "]
    assert {c.data_type for c in cells} == {"s"}
    assert [c.quotePrefix for c in cells] == [True] * len(nasty) + [False, False]


def test_a_title_a_spreadsheet_refuses_is_made_acceptable():
    sheet = read_back(b"".join(xlsx.chunks(["a"], [], "Bericht [Q1]: a/b*c?" + "x" * 40)))
    assert sheet.title == "Bericht _Q1__ a_b_c_xxxxxxxxxxx"


def test_the_package_streams_while_rows_are_read():
    read = []

    def rows():
        for number in range(3 * xlsx.ROWS_PER_WRITE):
            read.append(number)
            yield [f"Person {number}", number]

    pieces = xlsx.chunks(["Name", "Nummer"], rows(), "x")
    parts = next(pieces)  # the package's small parts
    first_sheet_piece = next(pieces)
    assert len(read) < 3 * xlsx.ROWS_PER_WRITE  # a piece before the last row was read
    rest = b"".join(pieces)
    assert len(read) == 3 * xlsx.ROWS_PER_WRITE
    sheet = read_back(parts + first_sheet_piece + rest)
    assert sheet.max_row == 1 + 3 * xlsx.ROWS_PER_WRITE


def test_a_complete_package_with_every_part():
    data = b"".join(xlsx.chunks(["a"], [["b"]], "x"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert set(package.namelist()) == {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        }


def test_column_names():
    assert [xlsx.column_name(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip
