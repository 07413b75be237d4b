"""`hotline-desktop calendar …`: show, set/clear, import, due; bad input exits 2 and writes nothing."""

import json
import sqlite3
from datetime import date

from cli_support import run

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.core.notices import Channel, Level
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.notices import NoticeDraft


def _office_days(d):
    con = sqlite3.connect(d / "hotline.db")
    try:
        return con.execute("SELECT day, kind, name FROM calendar_days ORDER BY day").fetchall()
    finally:
        con.close()


def test_show_a_library_year_and_an_assumed_year(tmp_path, capsys):
    d = tmp_path / "d"
    assert run("--data-dir", d, "calendar", "show", "2026") == 0
    out = capsys.readouterr().out
    assert "2026 年：国务院公布的节假日安排" in out
    assert "2026-10-10  周六  调休上班" in out and "国庆节" in out
    assert run("--data-dir", d, "calendar", "show", "2027", "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["source"] == "assumed"
    assert payload["note"] == "2027 年节假日尚未录入，按周一至周五计算"
    assert len(payload["days"]) == 365 and payload["workdays"] == 261


def test_set_clear_and_due_with_the_assumed_note(tmp_path, capsys):
    d = tmp_path / "d"
    assert run("--data-dir", d, "calendar", "due", "2026-12-29", "5") == 0
    out = capsys.readouterr().out
    assert "2027-01-05" in out and "2027 年节假日尚未录入，按周一至周五计算" in out
    assert run("--data-dir", d, "calendar", "set", "2027-01-01", "节假日", "--name", "元旦") == 0
    assert _office_days(d) == [("2027-01-01", "holiday", "元旦")]
    assert run("--data-dir", d, "calendar", "due", "2026-12-29", "5") == 0
    out = capsys.readouterr().out
    assert "2027-01-06" in out and "尚未录入" not in out
    assert run("--data-dir", d, "calendar", "clear", "2027-01-01") == 0
    assert _office_days(d) == []


def test_bad_input_exits_2_in_chinese_and_writes_nothing(tmp_path, capsys):
    d = tmp_path / "d"
    for args, msg in [
        (("set", "2027-02-30", "节假日"), "日期“2027-02-30”不是有效日期"),
        (("set", "2027-01-01", "休息"), None),
        (("set", "2027-01-01", "周末"), "类型“周末”应为“节假日”或“调休上班”"),
        (("set", "2027-01-01", "节假日", "--name", "长" * 51), "名称不能超过 50 个字"),
        (("show", "二〇二七"), "年度应为"),
        (("due", "2027-01-01", "0"), "时限应为 1–365 之间的整数"),
        (("due", "9999-12-30", "5"), "下达日期 9999-12-30 不在 2000–2100 年之间"),  # was "year 10000 is out of range"
        (("set", "9999-12-31", "节假日"), "日期 9999-12-31 不在 2000–2100 年之间"),
    ]:
        rc = run("--data-dir", d, "calendar", *args)
        if msg is None:  # 休息 is accepted as a synonym of 节假日
            assert rc == 0
            run("--data-dir", d, "calendar", "clear", "2027-01-01")
            continue
        assert rc == 2, args
        err = capsys.readouterr().err
        assert msg in err and "Traceback" not in err
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-01-09,上课,\n", encoding="utf-8")
    assert run("--data-dir", d, "calendar", "import", bad) == 2
    err = capsys.readouterr().err
    assert "bad.csv 第 3 行 B（类型）列：类型“上课”应为“节假日”或“调休上班”" in err and "未导入任何日期" in err
    assert _office_days(d) == []


def test_import_a_year(tmp_path, capsys):
    d = tmp_path / "d"
    f = tmp_path / "2027.csv"
    f.write_text("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-02-06,调休上班,春节调休\n", encoding="utf-8")
    assert run("--data-dir", d, "calendar", "import", f) == 0
    assert "节假日 1 天，调休上班 1 天" in capsys.readouterr().out
    assert _office_days(d) == [("2027-01-01", "holiday", "元旦"), ("2027-02-06", "workday", "春节调休")]


def _issue_notice(d) -> str:
    services = AppServices.open(DataPaths(d))
    try:
        unit = services.units.create(UnitDraft(code="D01", name="区城管局", kind=UnitKind.DEPARTMENT))
        n = services.notices.issue(NoticeDraft(unit_id=unit.id, channel=Channel.HOTLINE, level=Level.WRITTEN,
                                               issued=date(2026, 12, 29), days=5, content="占道经营"))
        assert n.due == date(2027, 1, 5)
        return n.number
    finally:
        services.close()


def _due(d):
    con = sqlite3.connect(d / "hotline.db")
    try:
        return con.execute("SELECT due FROM notices").fetchone()[0]
    finally:
        con.close()


def test_an_edit_lists_moved_notices_and_moves_them_only_with_apply(tmp_path, capsys):
    d = tmp_path / "d"
    number = _issue_notice(d)
    assert run("--data-dir", d, "calendar", "set", "2027-01-01", "节假日", "--name", "元旦") == 0
    out = capsys.readouterr().out
    assert f"{number} 区城管局：2027-01-05 → 2027-01-06" in out and "保持不变" in out
    assert _due(d) == "2027-01-05"
    assert run("--data-dir", d, "calendar", "set", "2027-01-04", "节假日", "--apply") == 0
    out = capsys.readouterr().out
    assert "2027-01-05 → 2027-01-07" in out and "一并改动" in out
    assert _due(d) == "2027-01-07"


def test_export_a_library_year_and_import_it_back_unchanged(tmp_path, capsys):
    d = tmp_path / "d"
    for ext in ("csv", "xlsx"):
        out = tmp_path / f"2026.{ext}"
        assert run("--data-dir", d, "calendar", "export", "2026", out) == 0
        assert "已导出 2026 年节假日和调休上班" in capsys.readouterr().out
        assert run("--data-dir", d, "calendar", "import", out) == 0
        rows = _office_days(d)
        assert ("2026-10-10", "workday", "国庆节") in rows and ("2026-02-16", "holiday", "春节") in rows
    # the year now comes from the office table and still counts the same
    assert run("--data-dir", d, "calendar", "due", "2026-09-30", "5") == 0
    assert "2026-10-13" in capsys.readouterr().out
    assert run("--data-dir", d, "calendar", "export", "2026", tmp_path / "x.txt") == 2
    assert "日历文件须为 .csv 或 .xlsx" in capsys.readouterr().err


def test_settings_show_and_set(tmp_path, capsys):
    d = tmp_path / "d"
    assert run("--data-dir", d, "settings", "set", "通报期限", "4") == 0
    assert "通报期限：3 → 4" in capsys.readouterr().out
    assert run("--data-dir", d, "settings", "set", "notice_prefix", "督（") == 2
    assert "督办编号前缀不能含空格、括号或数字" in capsys.readouterr().err
    assert run("--data-dir", d, "settings", "set", "颜色", "红") == 2
    assert "没有设置项“颜色”" in capsys.readouterr().err
    assert run("--data-dir", d, "settings", "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["escalation_workdays"] == "4" and shown["notice_prefix"] == "督"
