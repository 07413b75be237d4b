"""The office's calendar file: xlsx or CSV, checked whole, Chinese problems per row."""

from datetime import date

import openpyxl

from hotline_desktop.core.calendar_file import parse_calendar_file, parse_date, write_calendar_csv
from hotline_desktop.core.workdays import DayKind, OfficeDay


def _csv(tmp_path, text, enc="utf-8"):
    p = tmp_path / "cal.csv"
    p.write_bytes(text.encode(enc))
    return p


def test_csv_with_chinese_header_in_gbk(tmp_path):
    p = _csv(tmp_path, "日期,类型,名称\n2027-01-01,节假日,元旦\n2027/2/20,调休上班,春节调休\n", "gbk")
    parsed = parse_calendar_file(p)
    assert not parsed.problems
    assert list(parsed.days.values()) == [
        OfficeDay(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        OfficeDay(date(2027, 2, 20), DayKind.WORKDAY, "春节调休"),
    ]
    assert parsed.years == [2027]


def test_xlsx_with_real_date_cells_and_english_header(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["date", "type", "name"])
    ws.append([date(2027, 10, 1), "节假日", "国庆节"])
    ws.append(["2027年10月9日", "调休上班", ""])
    p = tmp_path / "cal.xlsx"
    wb.save(p)
    parsed = parse_calendar_file(p)
    assert not parsed.problems
    assert [d.day for d in parsed.days.values()] == [date(2027, 10, 1), date(2027, 10, 9)]


def test_every_bad_row_is_reported_with_row_and_column(tmp_path):
    p = _csv(tmp_path, "日期,类型,名称\n2027-02-30,节假日,x\n2027-01-01,放假啦,元旦\n2027-01-02,节假日,\n"
                       "2027-01-02,节假日,\n")
    parsed = parse_calendar_file(p)
    msgs = [str(x) for x in parsed.problems]
    assert msgs == [
        "第 2 行 A（日期）列：“2027-02-30”不是日期（应如 2027-01-01）",
        "第 3 行 B（类型）列：类型“放假啦”应为“节假日”或“调休上班”",
        "第 5 行 A（日期）列：2027-01-02 与第 4 行重复",
    ]


def test_a_day_outside_the_app_years_is_a_row_problem(tmp_path):
    """"2207-10-01" (a slip for 2027) used to be imported into a year the calendar dialog cannot
    show (its year runs 2000–2100), so the office could neither see nor clear it."""
    p = _csv(tmp_path, "日期,类型,名称\n2027-10-01,节假日,国庆节\n2207-10-02,节假日,国庆节\n1999-12-31,节假日,\n")
    msgs = [str(x) for x in parse_calendar_file(p).problems]
    assert msgs == [
        "第 3 行 A（日期）列：2207-10-02 不在 2000–2100 年之间",
        "第 4 行 A（日期）列：1999-12-31 不在 2000–2100 年之间",
    ]


def test_a_name_excel_would_run_as_a_formula_is_a_row_problem(tmp_path):
    """The year's days are exported to a .csv that opens in Excel: a name such as
    =HYPERLINK("http://x","元旦") used to be kept, and Excel ran it as a formula."""
    p = _csv(tmp_path, '日期,类型,名称\n2027-01-01,节假日,"=HYPERLINK(""http://x"",""元旦"")"\n'
                       "2027-01-02,节假日,@SUM(A1)\n2027-01-03,节假日,元旦-调休\n")
    parsed = parse_calendar_file(p)
    assert [str(x) for x in parsed.problems] == [
        "第 2 行 C（名称）列：名称不能以 = + - @ 开头（Excel 打开导出的 CSV 时会当作公式）",
        "第 3 行 C（名称）列：名称不能以 = + - @ 开头（Excel 打开导出的 CSV 时会当作公式）",
    ]


def test_missing_type_column_and_empty_file(tmp_path):
    assert "缺少必需的列“类型”" in str(parse_calendar_file(_csv(tmp_path, "日期,名称\n2027-01-01,元旦\n")).problems[0])
    assert "没有任何日期" in str(parse_calendar_file(_csv(tmp_path, "")).problems[0])
    assert "不是日期" in str(parse_calendar_file(_csv(tmp_path, "你好,世界\n")).problems[0])


def test_headerless_csv_and_round_trip(tmp_path):
    days = [OfficeDay(date(2027, 5, 1), DayKind.HOLIDAY, "劳动节, 五一"),
            OfficeDay(date(2027, 4, 25), DayKind.WORKDAY, "")]
    p = write_calendar_csv(tmp_path / "out.csv", days)
    assert list(parse_calendar_file(p).days.values()) == days
    bare = parse_calendar_file(_csv(tmp_path, "20270101,节假日,元旦\n"))
    assert list(bare.days.values()) == [OfficeDay(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")]


def test_missing_file_is_a_chinese_error(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="找不到文件"):
        parse_calendar_file(tmp_path / "nope.csv")


def test_parse_date_forms():
    assert parse_date("2027.1.3") == date(2027, 1, 3)
    assert parse_date(" 2027 年 1 月 3 日 ") == date(2027, 1, 3)
    assert parse_date("1/3/2027") is None
    assert parse_date(None) is None
    assert parse_date(46388) == date(2027, 1, 1)  # an Excel serial in a number-formatted cell
    assert parse_date(46388.5) is None and parse_date(12) is None and parse_date(True) is None
