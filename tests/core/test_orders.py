"""工单明细 reading: column map dialects, dates, bad rows, dedup (core/orders.py)."""

import sys
from datetime import datetime
from pathlib import Path

import pytest

from hotline_desktop.core.orders import (
    NAT,
    field_by_key,
    format_time,
    load_fields,
    match_columns,
    parse_datetime,
    parse_map_args,
    parse_orders,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import gen_orders  # noqa: E402


def secs(text: str) -> int:
    return int((datetime.fromisoformat(text) - datetime(1970, 1, 1)).total_seconds())


@pytest.mark.parametrize("dialect", ["standard", "platform"])
def test_known_dialects_map_every_field_without_help(dialect):
    header = list(gen_orders.DIALECTS[dialect])
    m = match_columns(header)
    assert m.complete and not m.unknown
    assert len(m.columns) == len(header)


def test_unknown_headers_need_a_map_and_the_map_names_fields_by_their_chinese_name():
    header = list(gen_orders.DIALECTS["custom"])
    m = match_columns(header)
    assert {f.name for f in m.missing} == {"工单编号", "承办单位", "受理时间"}
    assert "流水号" in m.unknown
    mapped = match_columns(header, gen_orders.CUSTOM_MAP)
    assert mapped.complete and not mapped.unknown
    assert mapped.mapping_names()["办结时间"] == "结案时刻"


def test_map_naming_a_missing_column_or_unknown_field_is_refused_in_chinese():
    with pytest.raises(ValueError, match="没有“不存在”这一列"):
        match_columns(["工单编号"], {"承办单位": "不存在"})
    with pytest.raises(ValueError, match="没有名为“颜色”的工单字段"):
        parse_map_args(["颜色=红"])
    with pytest.raises(ValueError, match="字段=列名"):
        parse_map_args(["工单编号"])


def test_header_matching_ignores_spaces_brackets_and_full_width():
    m = match_columns(["工单编号 ", "（承办单位）", "受理时间：", "ＡＢＣ"])
    assert m.complete and m.columns == {"number": 0, "unit": 1, "accepted": 2}


@pytest.mark.parametrize("value, expected", [
    ("2026-11-03 09:15", "2026-11-03 09:15:00"),
    ("2026/11/3 9:05:07", "2026-11-03 09:05:07"),
    ("2026年11月3日 9时15分", "2026-11-03 09:15:00"),
    ("20261103 091500", "2026-11-03 09:15:00"),
    (datetime(2026, 11, 3, 9, 15), "2026-11-03 09:15:00"),
    (46329.5, "2026-11-03 12:00:00"),  # Excel serial
    ("46329.25", "2026-11-03 06:00:00"),
    ("2026-11-03", "2026-11-03 00:00:00"),
])
def test_dates_in_text_and_excel_serial_forms(value, expected):
    assert parse_datetime(value) == secs(expected)


def test_a_due_date_without_time_is_the_end_of_that_day_and_junk_is_not_a_time():
    assert parse_datetime("2026-11-10", "end") == secs("2026-11-10 23:59:59")
    assert parse_datetime(46329, "end") == secs("2026-11-03 23:59:59")
    for junk in ("2026-13-45", "明天", "2026-11-03 25:00", 12):
        assert parse_datetime(junk) is None
    assert parse_datetime("") == NAT and parse_datetime(None) == NAT


HEADER = ["工单编号", "承办单位", "受理时间", "办理时限", "办结时间", "工单类型", "回访结果", "重办次数", "是否匿名"]


def parse(rows):
    return parse_orders(rows, match_columns(HEADER), first_row=2)


def test_bad_rows_are_listed_with_row_number_and_reason_and_the_rest_kept():
    p = parse([
        ["A1", "梅林镇", "2026-11-02 09:00", "2026-11-10", "2026-11-09 10:00", "紧急", "满意", "1", "否"],
        ["", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""],
        ["A3", "梅林镇", "2026-11-31 09:00", "", "", "", "", "", ""],
        ["A4", "梅林镇", "2026-11-05 09:00", "", "2026-11-04 09:00", "", "", "", ""],
        ["A5", "梅林镇", "2026-11-05 09:00", "", "", "特急", "还行", "两次", "也许"],
        ["A6", "", "", "", "", "", "", "", ""],
    ])
    assert p.table.number == ["A1"]
    reasons = {b.row: b.reason for b in p.bad}
    assert reasons[3] == "缺少工单编号"
    assert "受理时间“2026-11-31 09:00”不是有效的日期时间" in reasons[4]
    assert reasons[5] == "办结时间早于受理时间"
    assert "工单类型“特急”应为普通、紧急、重点督办之一" in reasons[6]
    assert "回访结果“还行”" in reasons[6] and "重办次数“两次”" in reasons[6] and "是否匿名“也许”" in reasons[6]
    assert "缺少承办单位" in reasons[7] and "缺少受理时间" in reasons[7]
    assert str(p.bad[0]) == "第 3 行：缺少工单编号"
    t = p.table
    assert t.choice_text("type", 0) == "紧急" and t.choice_text("visit", 0) == "满意"
    assert format_time(int(t.times["due"][0])) == "2026-11-10 23:59"


def test_repeated_order_number_keeps_the_later_row():
    p = parse([
        ["A1", "梅林镇", "2026-11-02 09:00", "", "", "", "满意", "", ""],
        ["A2", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""],
        ["A1", "储潭乡", "2026-11-03 09:00", "", "", "", "不满意", "", ""],
    ])
    assert p.duplicates == 1
    assert p.table.number == ["A2", "A1"]
    assert p.table.unit[1] == "储潭乡" and p.table.choice_text("visit", 1) == "不满意"


def test_a_count_in_superscript_or_full_width_digits():
    # '²' passes str.isdigit() but not int(): it was an internal ValueError, not a listed bad row
    p = parse([
        ["A1", "梅林镇", "2026-11-02 09:00", "", "", "", "", "²", ""],
        ["A2", "梅林镇", "2026-11-02 09:00", "", "", "", "", "１２", ""],
    ])
    assert [str(b) for b in p.bad] == ["第 2 行：重办次数“²”应为不小于 0 的整数"]
    assert p.table.number == ["A2"] and int(p.table.counts["rework"][0]) == 12


def test_empty_choice_takes_the_default_and_empty_count_is_zero():
    p = parse([["A1", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""]])
    assert p.table.choice_text("type", 0) == "普通" and p.table.choice_text("visit", 0) == "未回访"
    assert int(p.table.counts["rework"][0]) == 0 and not p.table.flags["anonymous"][0]


def test_field_file_is_validated_on_load(tmp_path):
    good = field_by_key("number")
    assert good.name == "工单编号"
    bad = tmp_path / "c.toml"
    bad.write_text('[[field]]\nkey = "number"\nnames = ["工单编号"]\ntype = "colour"\n', "utf-8")
    with pytest.raises(ValueError, match="第 1 项（number）：type"):
        load_fields(bad)
    bad.write_text('[[field]]\nkey = "number"\nnames = ["编号"]\ntype = "text"\n'
                   '[[field]]\nkey = "unit"\nnames = ["编号"]\ntype = "text"\n', "utf-8")
    with pytest.raises(ValueError, match="列名“编号”已属于字段 number"):
        load_fields(bad)
    bad.write_text('[[field]]\nkey = "number"\nnames = ["编号"]\ntype = "text"\n', "utf-8")
    with pytest.raises(ValueError, match="缺少必需字段 unit"):
        load_fields(bad)


def test_a_row_with_every_cell_empty_is_skipped_not_a_bad_row():
    # a csv's trailing empty lines and a sheet's formatted-but-empty rows used to be listed as
    # 缺少工单编号；缺少承办单位；缺少受理时间, which refused the whole import
    p = parse([
        ["A1", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""],
        [],
        [None] * 9,
        ["", " ", "\u3000", None, "", "", "", "", ""],
        ["A2", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""],
        ["", "", "", "", "", "", "", "1", ""],
    ])
    assert p.table.number == ["A1", "A2"]
    assert [b.row for b in p.bad] == [7]  # a row with something in it is still checked
    assert list(p.table.rows) == [2, 6]


@pytest.mark.parametrize("acc", ["0001-01-01 09:00", "1969-12-31 23:59", "2100-01-01", "9999-12-31 23:59",
                                 "20000"])
def test_a_time_outside_1970_2099_is_a_bad_row(acc):
    # 0001-01-01 was accepted as month '1-01', which the import then crashed on (ValueError)
    p = parse([["A1", "梅林镇", acc, "", "", "", "", "", ""],
               ["A2", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""]])
    assert p.table.number == ["A2"]
    assert [str(b) for b in p.bad] == [f"第 2 行：受理时间“{acc}”的年份应在 1970–2099 之间"]


def test_order_number_too_long_or_with_invisible_characters_is_a_bad_row():
    # these were stored as they came: a NUL or a direction override in a number (which PostgreSQL
    # refuses, and which looks like another order's number), 65+ characters over VARCHAR(64)
    p = parse([["A\x00B", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""],
               ["\u202eA3", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""],
               ["A4\u200b", "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""],
               ["X" * 65, "梅林镇", "2026-11-02 09:00", "", "", "", "", "", ""],
               ["X" * 64, "梅林\x07镇\u202e", "2026-11-02 09:00", "", "", "", "", "", ""]])
    assert [str(b) for b in p.bad] == [
        "第 2 行：工单编号“A?B”含有不可见的字符（U+0000）",
        "第 3 行：工单编号“?A3”含有不可见的字符（U+202E）",
        "第 4 行：工单编号“A4?”含有不可见的字符（U+200B）",
        "第 5 行：工单编号过长（65 个字符，最多 64 个）",
    ]
    assert p.table.number == ["X" * 64] and p.table.unit == ["梅林镇"]  # a unit name is cleaned
