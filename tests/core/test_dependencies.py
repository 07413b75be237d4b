"""Every declared dependency is used (issue 7 item 25): defusedxml works through openpyxl without
an import of ours, so a hostile workbook (billion laughs, XXE) is refused, not expanded or read."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook


def hostile_xlsx(doctype: str, cell: str) -> bytes:
    wb = Workbook()
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (doctype + data.decode().replace("<t>x</t>", f"<t>{cell}</t>")).encode()
            dst.writestr(item, data)
    return out.getvalue()


def test_openpyxl_picked_up_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def _causes(exc: BaseException):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


@pytest.mark.parametrize("doctype,cell", [
    ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
     '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>', "&lol3;"),
    ('<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', "&xxe;"),
])
def test_entity_workbooks_are_refused_by_defusedxml(doctype, cell):
    from defusedxml.common import DefusedXmlException

    with pytest.raises(Exception) as exc:
        load_workbook(io.BytesIO(hostile_xlsx(doctype, cell)))
    assert any(isinstance(e, DefusedXmlException) for e in _causes(exc.value)), repr(exc.value)
