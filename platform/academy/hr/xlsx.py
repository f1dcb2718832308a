"""A streaming XLSX writer for one sheet of plain values (pure: standard library only).

openpyxl builds an object per cell and spends about 2 ms per row of the HR exports; a
sheet of text, numbers and dates needs none of that. This writes the sheet's XML
directly into a ZIP stream and hands out the compressed bytes as they come, so a
download starts at once and memory stays flat however many rows there are.

What the files hold: the header row in bold; text as inline strings (no shared-strings
table to keep in memory); numbers; booleans; dates and times as real date cells
(yyyy-mm-dd, yyyy-mm-dd hh:mm:ss). Text that a spreadsheet would run as a formula is
written with the "quote prefix" style, so it is shown as typed (an inline string is
never evaluated anyway). Characters XML cannot hold are left out.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_WRITE = 500  # rows joined into one string before they go to the compressor
EPOCH = date(1899, 12, 30)  # day 0 of spreadsheet date serials (1900 system)
MAX_TITLE = 31
# Control characters XML 1.0 forbids (tab, line feed and carriage return are allowed),
# lone surrogates and the two non-characters.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Style indexes into cellXfs below.
DATE, DATETIME, QUOTED, BOLD = 1, 2, 3, 4

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="{_PKG}/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>"""
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def chunks(header: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> Iterator[bytes]:
    """The workbook's bytes, piece by piece, while the rows are read."""
    out = _Pieces()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/workbook.xml", _workbook(title))
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        yield out.take()
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{_NS}"><sheetData>'.encode()
            )
            for text in _sheet_rows(header, rows):
                sheet.write(text.encode())
                if piece := out.take():
                    yield piece
            sheet.write(b"</sheetData></worksheet>")
    yield out.take()


def _workbook(title: str) -> str:
    name = _escape(_TITLE_FORBIDDEN.sub("_", _ILLEGAL.sub("", title))[:MAX_TITLE]) or "Sheet1"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _sheet_rows(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The rows' XML, ROWS_PER_WRITE rows per string."""
    columns = [column_name(i) for i in range(len(header))]
    header_cells = "".join(
        _text(f"{column}1", value, BOLD) for column, value in zip(columns, header, strict=True)
    )
    batch = [f'<row r="1">{header_cells}</row>']
    number = 1
    for row in rows:
        number += 1
        cells = [
            _cell(f"{column}{number}", value)
            for column, value in zip(columns, row, strict=False)
            if value is not None and value != ""
        ]
        batch.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(batch) >= ROWS_PER_WRITE:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


def _cell(ref: str, value: object) -> str:
    kind = type(value)
    if kind is str:
        return _text(ref, value, QUOTED if value.startswith(FORMULA_STARTS) else 0)  # type: ignore[union-attr]
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'  # type: ignore[call-overload]
    if kind is int or kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATETIME}"><v>{serial(value)!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{serial(value)}</v></c>'
    if isinstance(value, int):  # a subclass, e.g. an IntEnum
        return f'<c r="{ref}"><v>{int(value)}</v></c>'
    return _text(ref, str(value), 0)


def _text(ref: str, value: str, style: int) -> str:
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    if _NEEDS_ESCAPE.search(value):
        value = _escape(_ILLEGAL.sub("", value))
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t{space}>{value}</t></is></c>'


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")  # a bare CR would be read back as a line feed
    )


def serial(value: date | datetime) -> int | float:
    """Days since 30 December 1899, the day count spreadsheets store dates as."""
    if isinstance(value, datetime):
        day = value.date()
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return (day - EPOCH).days + seconds / 86400
    return (value - EPOCH).days


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class _Pieces:
    """A write-only file for zipfile (it writes data descriptors when it cannot seek):
    collects what was written until it is taken."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data
