"""Tables as CSV and XLSX, written row by row so that memory stays flat however many
rows there are.

Both neutralise formula injection: a text cell beginning with =, +, -, @, a tab or a
carriage return would be run as a formula by a spreadsheet. In CSV such a cell gets a
leading apostrophe (what spreadsheets show for "text"); in XLSX it is a text cell marked
"quote prefix", so Excel and LibreOffice show the value as typed and never evaluate it.
Dates are ISO 8601 in CSV (2026-03-31) and real date cells in XLSX.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what Excel expects in German; the import reads both
CHUNK = 64 * 1024
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if not isinstance(value, str):
        return str(value)  # a number stays a number, also a negative one
    return "'" + value if is_formula_like(value) else value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The file as text pieces: a BOM (so that Excel reads UTF-8), the header, the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(v) for v in row])
        yield buffer.getvalue()


def xlsx_chunks(
    header: Sequence[str], rows: Iterable[Sequence[object]], title: str
) -> Iterator[bytes]:
    """The workbook (openpyxl write-only mode: rows go to a temporary file, not into
    memory), then read back in chunks."""
    # openpyxl is imported here, not at the top: it costs every worker's start a fifth of
    # a second, for a download few people ask for.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, v) if _needs_cell(v, ILLEGAL_CHARACTERS_RE) else v for v in row])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk


def _needs_cell(value: object, illegal: re.Pattern) -> bool:
    """Plain values are fastest (openpyxl writes a date as a date cell, yyyy-mm-dd, by
    itself); text that looks like a formula or holds control characters (`illegal`)
    needs care."""
    return isinstance(value, str) and (is_formula_like(value) or illegal.search(value) is not None)


def _cell(sheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
    cell = WriteOnlyCell(sheet, value=value)
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl would make "=…" a formula
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell
