"""Handwritten .xlsx files (zipfile + XML) for the reader-guard tests: tiny, and hostile on purpose."""

from __future__ import annotations

import zipfile
from pathlib import Path

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'


def cell(ref: str, value: object = None, *, formula: str | None = None, error: str | None = None) -> str:
    if error is not None:
        return f'<c r="{ref}" t="e"><v>{error}</v></c>'
    if formula is not None:
        v = "" if value is None else f"<v>{value}</v>"
        return f'<c r="{ref}"><f>{formula}</f>{v}</c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def rows_xml(rows: list[list[object]], first_row: int = 1) -> str:
    """Plain rows of values (None = no cell) as <row> elements."""
    from hotline_desktop.core.xlsx import column_letter

    out = []
    for r, values in enumerate(rows, start=first_row):
        cells = "".join(cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(values) if v is not None)
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def write_xlsx(path: Path, sheet_data: str, *, dimension: str | None = None, shared: str | None = None,
               extra: dict[str, bytes] | None = None, sheets: bool = True) -> Path:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = f'<?xml version="1.0"?><worksheet {NS}>{dim}<sheetData>{sheet_data}</sheetData></worksheet>'
    rels = f'<Relationship Id="rId1" Type="{_REL}worksheet" Target="worksheets/sheet1.xml"/>'
    if shared is not None:
        rels += f'<Relationship Id="rId2" Type="{_REL}sharedStrings" Target="sharedStrings.xml"/>'
    sheet_list = '<sheet name="S" sheetId="1" r:id="rId1"/>' if sheets else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook {NS} xmlns:r="{_REL[:-1]}"><sheets>{sheet_list}</sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def sheet_book(path: Path, rows) -> Path:
    """A plain one-sheet workbook written by openpyxl, one row a sequence of values (dates, numbers, text)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path
