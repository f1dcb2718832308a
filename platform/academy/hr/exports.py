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
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from . import xlsx
from .xlsx import FORMULA_STARTS

CSV_DELIMITER = ";"  # what Excel expects in German; the import reads both
ROWS_PER_PIECE = 500  # rows per piece of the response: fewer, larger writes
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> str:
    kind = type(value)
    if kind is str:  # most cells: checked first
        return "'" + value if value.startswith(FORMULA_STARTS) else value  # type: ignore[union-attr]
    if value is None:
        return ""
    if kind is bool:
        return "1" if value else "0"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if not isinstance(value, str):
        return str(value)  # a number stays a number, also a negative one
    return "'" + value if is_formula_like(value) else value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The file as text pieces: a BOM (so that Excel reads UTF-8), the header, the rows
    (ROWS_PER_PIECE to a piece)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    batch: list[list[str]] = []
    for row in rows:
        batch.append([csv_cell(v) for v in row])
        if len(batch) >= ROWS_PER_PIECE:
            yield _written(buffer, writer, batch)
            batch = []
    if batch:
        yield _written(buffer, writer, batch)


def _written(buffer: io.StringIO, writer, batch: list[list[str]]) -> str:
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(batch)
    return buffer.getvalue()


def xlsx_chunks(
    header: Sequence[str], rows: Iterable[Sequence[object]], title: str
) -> Iterator[bytes]:
    """The workbook, streamed while the rows are read (`xlsx.py`: the sheet's XML written
    directly, no object per cell)."""
    return xlsx.chunks(header, rows, title)
