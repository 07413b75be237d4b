"""`hotline-desktop kb …` end to end: import, review, publish, feedback, verify, withdraw, list,
search, export, report; bad input exits 2 in Chinese and writes nothing."""

import json
import sqlite3

from cli_support import run
from xlsx_builder import sheet_book


def _units(tmp_path, d):
    sheet_book(tmp_path / "u.xlsx", [["编码", "名称", "类型"], ["D01", "区民政局", "科室"]])
    assert run("--data-dir", d, "import", "units", tmp_path / "u.xlsx") == 0


def _kb_file(tmp_path, rows):
    return sheet_book(tmp_path / "kb.xlsx", [["单位编码", "类别", "问题", "答案", "文号"], *rows])


def _count(d, table="kb_entries"):
    con = sqlite3.connect(d / "hotline.db")
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_kb_workflow_headless(tmp_path, capsys):
    d = tmp_path / "d"
    _units(tmp_path, d)
    f = _kb_file(tmp_path, [("D01", "社会民生", "高龄津贴如何申领？", "到社区便民服务站申请。", "历民字〔2026〕5号"),
                            ("D01", "政策法规", "低保标准是多少？", "每人每月1000元。", "")])
    assert run("--data-dir", d, "kb", "import", f) == 0
    assert "已导入 2 条" in capsys.readouterr().out
    assert run("--data-dir", d, "kb", "review", "1", "--check", "1=通过", "--check", "2=不通过:有歧义",
               "--check", "3=通过", "--check", "4=通过", "--date", "2026-03-01") == 0
    assert "未通过：2. 表述清晰、无歧义（有歧义）" in capsys.readouterr().out
    assert run("--data-dir", d, "kb", "publish", "1", "--date", "2026-03-02") == 2
    assert "尚未通过审核" in capsys.readouterr().err
    assert run("--data-dir", d, "kb", "review", "1", *sum((["--check", f"{i}=通过"] for i in range(1, 5)), []),
               "--date", "2026-03-02") == 0
    assert run("--data-dir", d, "kb", "publish", "1", "--date", "2026-03-03") == 0
    assert run("--data-dir", d, "kb", "feedback", "1", "--type", "内容不完整", "--note", "缺地址",
               "--date", "2026-12-04") == 0
    assert "2026-12-11" in capsys.readouterr().out  # 5 working days after a Friday
    assert run("--data-dir", d, "kb", "verify", "1", "--date", "2026-06-01") == 0
    capsys.readouterr()
    assert run("--data-dir", d, "kb", "list", "--status", "已发布", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{"id": 1, "unit": "D01", "category": "社会民生", "form": "qa", "question": "高龄津贴如何申领？",
                     "status": "published", "version": 1, "published": "2026-03-03", "review_by": "2027-06-01"}]
    assert run("--data-dir", d, "kb", "search", "便民", "--json") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [1]
    assert run("--data-dir", d, "kb", "search", '"NEAR*-', "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run("--data-dir", d, "kb", "withdraw", "1", "--reason", "职能调整", "--date", "2026-07-01") == 0
    assert run("--data-dir", d, "kb", "export", "--out", tmp_path / "out.xlsx") == 0
    assert run("--data-dir", d, "kb", "report", "--year", "2026", "--out", tmp_path / "r.pdf") == 0
    assert (tmp_path / "r.pdf").read_bytes()[:4] == b"%PDF"
    assert run("--data-dir", d, "kb", "list", "--unit", "D01") == 0
    assert "已撤销" in capsys.readouterr().out


def test_kb_bad_input_exits_2_and_writes_nothing(tmp_path, capsys):
    d = tmp_path / "d"
    _units(tmp_path, d)
    bad = _kb_file(tmp_path, [("D01", "社会民生", "问？", "答。", ""), ("D09", "其他类", "", "答。", "")])
    assert run("--data-dir", d, "kb", "import", bad) == 2
    err = capsys.readouterr().err
    assert "第 3 行 A（单位编码）列" not in err  # the row is already refused for its own cells
    assert "第 3 行 B（类别）列：类别“其他类”无效" in err and "第 3 行 C（问题）列：问题不能为空" in err
    assert "未写入任何数据" in err and _count(d) == 0
    cases = [
        ("kb", "publish", "x"), ("kb", "publish", "99"), ("kb", "review", "1", "--check", "1=好"),
        ("kb", "feedback", "1", "--type", "看不懂", "--note", "n"), ("kb", "verify", "1", "--date", "2026-13-01"),
        ("kb", "export", "--out", tmp_path / "x.csv"), ("kb", "report", "--year", "二〇二六", "--out", tmp_path / "r.pdf"),
        ("kb", "report", "--year", "2026", "--out", tmp_path / "nodir" / "r.pdf"), ("kb", "list", "--status", "好"),
        ("kb", "list", "--unit", "ZZ"), ("kb",),
    ]
    for c in cases:
        assert run("--data-dir", d, *c) == 2, c
        err = capsys.readouterr().err
        assert err.startswith("错误：") and "Traceback" not in err, (c, err)
    assert _count(d) == 0 and _count(d, "kb_feedback") == 0
