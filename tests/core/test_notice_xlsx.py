"""The register workbook: formula-safe text, A4 landscape one page wide, rows tall enough to print."""

from datetime import date

from openpyxl import load_workbook

from hotline_desktop.core.notice_xlsx import write_register_xlsx
from hotline_desktop.core.notices import Channel, Escalation, EscalationStep, Level, NoticeRow, NoticeStatus
from hotline_desktop.core.workdays import years_note


class View:  # the fields of services.notices.NoticeView the workbook reads
    def __init__(self, row, status, assumed=()):
        self.row, self.status, self.assumed = row, status, assumed
        self.step = EscalationStep(Escalation.URGE if status is NoticeStatus.OVERDUE else Escalation.NONE, None)

    @property
    def note(self):
        return years_note(self.assumed)

    @property
    def escalation(self):
        return self.step.step


def row(seq, content, unit="=HYPERLINK(\"x\")", due=date(2026, 11, 9)):
    return NoticeRow(seq, f"督（2026）{seq}号", 2026, seq, 1, "C01", unit, Channel.HOTLINE, Level.SMS,
                     date(2026, 11, 2), 5, False, due, date(2026, 11, 6), content, ("+A1",), "", None, False, "", "")


def test_register_is_formula_safe_landscape_and_rows_fit_their_text(tmp_path):
    views = [View(row(1, "=SUM(A1:A9)"), NoticeStatus.OVERDUE, (2027,)),
             View(row(2, "长" * 400), NoticeStatus.ISSUED)]
    out = write_register_xlsx(views, tmp_path / "r.xlsx", year=2026, office="区政府热线办", as_of=date(2026, 12, 1))
    ws = load_workbook(out).active
    assert ws["A1"].value == "区政府热线办2026年督办通知登记表"
    assert ws["L4"].value == "=SUM(A1:A9)" and ws["L4"].data_type == "s"  # text, never a formula
    assert ws["B4"].data_type == "s" and ws["M4"].value == "+A1"
    assert ws["H4"].value == "2026年11月6日"  # the original due date beside an extended one
    assert ws["I4"].value == "逾期未办结" and ws["J4"].value == "催办通知"
    assert ws.row_dimensions[5].height > 4 * ws.row_dimensions[4].height  # 400 characters wrap to many lines
    assert ws["A7"].value.startswith("注：2027 年节假日尚未录入")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"  # the heading row repeats on every printed page


def test_a_very_long_content_keeps_the_row_within_excels_409_points(tmp_path):
    """10,000 characters of 督办内容 used to give the row a height of ~4,800 points; Excel's largest
    row is 409 points, so the file held a height no spreadsheet application can show."""
    views = [View(row(1, "长" * 10_000), NoticeStatus.ISSUED), View(row(2, "长" * 400), NoticeStatus.ISSUED)]
    ws = load_workbook(write_register_xlsx(views, tmp_path / "r.xlsx", year=2026, office="区政府热线办",
                                           as_of=date(2026, 12, 1))).active
    assert ws.row_dimensions[4].height == 409
    assert 15 < ws.row_dimensions[5].height < 409
    assert len(ws["L4"].value) == 10_000  # the text itself is kept whole


def test_the_footer_names_the_assumed_years_once(tmp_path):
    """Notices due in 2027 and others spanning 2027–2028 used to give two footer lines that both
    named 2027 ("2027 年…" and "2027、2028 年…"); the tab's legend and `notice list` did the same."""
    views = [View(row(1, "a"), NoticeStatus.ISSUED, (2027,)),
             View(row(2, "b"), NoticeStatus.ISSUED, (2027, 2028)),
             View(row(3, "c"), NoticeStatus.ISSUED)]
    ws = load_workbook(write_register_xlsx(views, tmp_path / "r.xlsx", year=2026, office="区政府热线办",
                                           as_of=date(2026, 12, 1))).active
    assert ws["A8"].value == "注：2027、2028 年节假日尚未录入，按周一至周五计算（相关通知的办结时限按此计算）"
    assert ws["A9"].value is None
