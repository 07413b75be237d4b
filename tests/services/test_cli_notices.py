"""`hotline-desktop notice …`, `export ranking … .json` and `export case` on the demo district."""

import json

import pytest
from cli_support import run
from openpyxl import load_workbook

from hotline_desktop.core.scoring.case import run_score_case
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices


@pytest.fixture
def empty_dir(tmp_path):
    d = tmp_path / "data"
    s = AppServices.open(DataPaths(d))
    from hotline_desktop.core.domain import UnitDraft, UnitKind

    s.units.create_many([UnitDraft(code="C01", name="燕山社区", kind=UnitKind.COMMUNITY)])
    s.close()
    return d


def _count(d):
    s = AppServices.open(DataPaths(d), lock=False)
    try:
        return len(s.notices.rows())
    finally:
        s.close()


ADD = ["--unit", "C01", "--issued", "2026-09-28", "--days", "5", "--level", "书面", "--channel", "热线",
       "--content", "小区路灯长期不亮"]


def test_add_prints_the_number_then_complete_extend_void(empty_dir, capsys):
    assert run("--data-dir", empty_dir, "notice", "add", *ADD, "--orders", "A1,A2") == 0
    out, err = capsys.readouterr()
    assert out.strip() == "督（2026）1号"
    assert "办结时限：2026-10-10" in err  # 9-28 + 5 working days over 国庆 (10-10 is a working Saturday)
    assert run("--data-dir", empty_dir, "notice", "extend", "督（2026）1号", "--days", "3") == 0
    assert run("--data-dir", empty_dir, "notice", "complete", "督(2026)1", "--date", "2026-10-13",
               "--result", "已修复") == 0
    capsys.readouterr()
    assert run("--data-dir", empty_dir, "notice", "list", "--json", "--as-of", "2026-10-20") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{
        "number": "督（2026）1号", "unit": "C01", "channel": "12345热线", "level": "书面", "issued": "2026-09-28",
        "days": 5, "calendar_days": False, "due": "2026-10-14", "original_due": "2026-10-10", "status": "按期办结",
        "escalation": "", "completed": "2026-10-13", "result": "已修复", "note": None,
    }]
    assert run("--data-dir", empty_dir, "notice", "add", *ADD) == 0
    assert run("--data-dir", empty_dir, "notice", "void", "督（2026）2号", "--reason", "重复") == 0
    assert run("--data-dir", empty_dir, "notice", "add", *ADD) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "督（2026）3号"  # a voided number is never reused


def test_list_text_names_the_assumed_year(empty_dir, capsys):
    assert run("--data-dir", empty_dir, "notice", "add", *ADD[:2], "--issued", "2026-12-29", *ADD[4:]) == 0
    assert "2027 年节假日尚未录入，按周一至周五计算" in capsys.readouterr().err
    assert run("--data-dir", empty_dir, "notice", "list", "--year", "2026", "--as-of", "2026-12-30") == 0
    out = capsys.readouterr().out
    assert "时限 2027-01-05" in out and "注：2027 年节假日尚未录入，按周一至周五计算" in out


@pytest.mark.parametrize(("args", "message"), [
    (["add", *ADD[:1], "NOPE", *ADD[2:]], "找不到承办单位：NOPE"),
    (["add", *ADD[:3], "2026-02-30", *ADD[4:]], "下达日期“2026-02-30”不是有效日期"),
    (["add", *ADD[:7], "口头", *ADD[8:]], "督办方式无效"),
    (["add", *ADD[:5], "0", *ADD[6:]], "督办时限（天数）应为"),
    (["add", *ADD[:9], "微博", *ADD[10:]], "督办渠道无效"),
    (["complete", "督（2026）9号", "--date", "2026-10-01", "--result", "x"], "找不到督办通知"),
    (["complete", "九号", "--date", "2026-10-01", "--result", "x"], "通知编号无效"),
    (["extend", "督（2026）1号"], "二者选一"),
    (["extend", "督（2026）1号", "--until", "9999-12-31"], "最晚为 2100-12-31"),
    (["add", *ADD[:11], "\x01"], "请填写督办内容"),  # nothing but a control character: nothing left
    (["complete", "督（2026）1号", "--date", "2026-10-01", "--result", "\x7f"], "请填写办理结果"),
])
def test_bad_input_exits_2_in_chinese_and_writes_nothing(empty_dir, capsys, args, message):
    assert run("--data-dir", empty_dir, "notice", "add", *ADD) == 0
    capsys.readouterr()
    assert run("--data-dir", empty_dir, "notice", *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert _count(empty_dir) == 1


def test_completion_before_issue_is_refused(empty_dir, capsys):
    assert run("--data-dir", empty_dir, "notice", "add", *ADD) == 0
    assert run("--data-dir", empty_dir, "notice", "complete", "督（2026）1号", "--date", "2026-09-01",
               "--result", "x") == 2
    assert "早于下达日期" in capsys.readouterr().err
    s = AppServices.open(DataPaths(empty_dir), lock=False)
    try:
        assert s.notices.by_number("督（2026）1号").completed is None
    finally:
        s.close()


def test_pdf_remind_and_export(demo_dir, tmp_path, capsys):
    assert run("--data-dir", demo_dir, "notice", "pdf", "督（2026）1号", "督（2026）2号", "--out", tmp_path / "n.pdf") == 0
    assert (tmp_path / "n.pdf").read_bytes().startswith(b"%PDF")
    # 督（2026）16号 (C0402, issued 10-12, never completed) is overdue as of 12-01
    assert run("--data-dir", demo_dir, "notice", "remind", "督（2026）16号", "--out", tmp_path / "r.pdf",
               "--as-of", "2026-12-01") == 0
    assert run("--data-dir", demo_dir, "notice", "remind", "督（2026）1号", "--out", tmp_path / "x.pdf") == 2
    assert "只有逾期未办结的通知才能催办" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()
    assert run("--data-dir", demo_dir, "notice", "export", "--year", "2026", "--out", tmp_path / "r.xlsx",
               "--as-of", "2026-12-01") == 0
    ws = load_workbook(tmp_path / "r.xlsx").active
    assert ws["A3"].value == "编号" and ws["A4"].value == "督（2026）1号"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_demo_register_has_every_status(demo_dir, capsys):
    assert run("--data-dir", demo_dir, "notice", "list", "--json", "--as-of", "2026-12-01") == 0
    rows = json.loads(capsys.readouterr().out)
    assert 35 <= len(rows) <= 45
    assert {r["status"] for r in rows} == {"已下达", "即将到期", "逾期未办结", "按期办结", "逾期办结", "已作废"}
    assert {r["escalation"] for r in rows} == {"", "提醒", "催办通知", "通报"}


@pytest.mark.parametrize(("scheme", "year"), [("licheng-2020", 2025), ("ganxian-2023-hotline", 2026),
                                              ("ganxian-2023-online", 2026)])
def test_export_case_scored_reproduces_export_ranking_json_byte_for_byte(demo_dir, tmp_path, scheme, year):
    ranking, case, scored = tmp_path / "ranking.json", tmp_path / "case.json", tmp_path / "scored.json"
    assert run("--data-dir", demo_dir, "export", "ranking", "--scheme", scheme, "--year", year, "--out", ranking) == 0
    assert run("--data-dir", demo_dir, "export", "case", "--scheme", scheme, "--year", year, "--out", case) == 0
    assert run_score_case(str(case), str(scored)) == 0
    assert scored.read_bytes() == ranking.read_bytes()


def test_export_case_holds_the_fed_counts(demo_dir, tmp_path):
    case = tmp_path / "case.json"
    assert run("--data-dir", demo_dir, "export", "case", "--scheme", "ganxian-2023-hotline", "--year", 2026,
               "--out", case) == 0
    data = json.loads(case.read_text(encoding="utf-8"))
    rec = next(r for r in data["monthly"] if r["unit"] == "D02" and r["month"] == "2026-03")
    assert rec["values"]["supervision_light"] == 1  # 督（2026）3号, 电话, 12345热线, issued 2026-03-02
    online = tmp_path / "online.json"
    assert run("--data-dir", demo_dir, "export", "case", "--scheme", "ganxian-2023-online", "--year", 2026,
               "--out", online) == 0
    data = json.loads(online.read_text(encoding="utf-8"))
    rec = next(r for r in data["monthly"] if r["unit"] == "D02" and r["month"] == "2026-03")
    assert rec["values"]["supervised"] == 1  # 督（2026）4号, 网络问政


def test_export_case_bad_requests(demo_dir, tmp_path, capsys):
    assert run("--data-dir", demo_dir, "export", "case", "--scheme", "licheng-2020", "--year", 2026,
               "--out", tmp_path / "c.json") == 2
    assert "2026 年未使用考核方案" in capsys.readouterr().err
    assert run("--data-dir", demo_dir, "export", "case", "--scheme", "licheng-2020", "--year", 2025,
               "--out", tmp_path / "c.txt") == 2
    capsys.readouterr()
    # two different files (FILE and --out) are refused, as every other export does; before, FILE won silently
    assert run("--data-dir", demo_dir, "export", "case", tmp_path / "a.json", "--scheme", "licheng-2020",
               "--year", 2025, "--out", tmp_path / "b.json") == 2
    assert "导出文件只能指定一个（FILE 或 --out）" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())



def test_export_case_of_a_changed_frozen_scheme_writes_it_beside_the_case(empty_dir, tmp_path):
    from sqlalchemy import update

    from hotline_desktop.db.models import YearScheme
    from hotline_desktop.services.assessment import CellEdit

    s = AppServices.open(DataPaths(empty_dir))
    try:
        ys = s.assessment.ensure(2026, "ganxian-2023-online")
        uid = s.units.list()[0].id
        s.assessment.set_values(ys.id, [CellEdit(uid, "2026-01", "on_time_reply_rate", "97.5")])
        with s.store.session() as ss:
            text = ss.get(YearScheme, ys.id).definition
            changed = text.replace('title = "', 'title = "（本办修订）', 1)
            assert changed != text
            ss.execute(update(YearScheme).where(YearScheme.id == ys.id).values(definition=changed))
    finally:
        s.close()
    case, ranking, scored = tmp_path / "case.json", tmp_path / "ranking.json", tmp_path / "scored.json"
    assert run("--data-dir", empty_dir, "export", "case", "--scheme", "ganxian-2023-online", "--year", 2026,
               "--out", case) == 0
    side = tmp_path / "case.ganxian-2023-online.toml"
    assert json.loads(case.read_text(encoding="utf-8"))["scheme"] == "ganxian-2023-online"  # an id, never a path
    assert "（本办修订）" in side.read_text(encoding="utf-8")
    assert run("--data-dir", empty_dir, "export", "ranking", "--scheme", "ganxian-2023-online", "--year", 2026,
               "--out", ranking) == 0
    assert run_score_case(str(case), str(scored), scheme_file=str(side)) == 0
    assert scored.read_bytes() == ranking.read_bytes()
