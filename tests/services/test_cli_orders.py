"""`hotline-desktop orders import|explain|reconcile`: exit 0 with results, exit 2 + Chinese on bad input."""

import sys
from pathlib import Path

import pytest

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import gen_orders  # noqa: E402
from cli_support import run

NAMES = ["梅林镇", "储潭乡"]


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    s = AppServices.open(DataPaths(d))
    s.units.create_many([UnitDraft(code="T01", name="梅林镇", kind=UnitKind.TOWN),
                         UnitDraft(code="T02", name="储潭乡", kind=UnitKind.TOWN)])
    s.assessment.assign(2026, "ganxian-2023-hotline")
    s.close()
    return d


def _orders(d):
    s = AppServices.open(DataPaths(d), lock=False)
    try:
        return s.orders.months(), s.assessment.scored_monthly_cells(1, "2026-11")
    finally:
        s.close()


def test_import_with_a_map_saves_a_profile_reused_later(data_dir, tmp_path, capsys):
    f = gen_orders.write(tmp_path / "o.csv", 120, NAMES, "2026-11", "custom", "gb18030")
    assert run("--data-dir", data_dir, "orders", "import", f) == 2
    assert "缺少列：工单编号、承办单位、受理时间" in capsys.readouterr().err
    maps = [f"{k}={v}" for k, v in gen_orders.CUSTOM_MAP.items()]
    assert run("--data-dir", data_dir, "orders", "import", f, "--map", *maps, "--save-profile", "区平台",
               "--month", "2026-11") == 0
    out = capsys.readouterr().out
    assert "已导入 120 件工单（2026-11）" in out and "列对应方案已保存：区平台" in out
    assert run("--data-dir", data_dir, "orders", "import", f, "--profile", "区平台") == 0
    assert "替换原有 120 件" in capsys.readouterr().out
    months, cells = _orders(data_dir)
    assert months == ["2026-11"]
    assert sum(int(c.text) for (_u, _m, k), c in cells.items() if k == "volume") == 120


def test_bad_rows_refuse_the_import_unless_only_good(data_dir, tmp_path, capsys):
    f = gen_orders.write(tmp_path / "o.csv", 60, NAMES + ["历城区某某街道办事处"], "2026-11", bad=3)
    assert run("--data-dir", data_dir, "orders", "import", f) == 2
    err = capsys.readouterr().err
    assert "未写入任何数据（如只导入无误的行，请加 --only-good）" in err
    assert "承办单位“历城区某某街道办事处”在单位名册中找不到" in err and "行：" in err
    assert _orders(data_dir)[0] == []
    assert run("--data-dir", data_dir, "orders", "import", f, "--only-good") == 0
    assert _orders(data_dir)[0] == ["2026-11"]


@pytest.mark.parametrize("args, msg", [
    (["import", "nofile.csv"], "找不到文件"),
    (["import", "{f}", "--month", "2026-13"], "月份应写作 YYYY-MM"),
    (["import", "{f}", "--map", "颜色=红"], "没有名为“颜色”的工单字段"),
    (["import", "{f}", "--map", "工单编号=无此列"], "文件中没有“无此列”这一列"),
    (["import", "{f}", "--profile", "无"], "没有名为“无”的列对应方案"),
    (["explain", "--unit", "T01", "--month", "2026-11", "--field", "volume", "--out", "x.pdf"], "导出文件须为 .xlsx"),
    (["explain", "--unit", "T01", "--month", "2026-11", "--field", "volume"], "2026-11 尚未导入工单明细"),
    (["explain", "--unit", "T01", "--month", "2026-11", "--field", "praise"], "没有含“praise”的考核方案"),
    (["reconcile", "nofile.xlsx", "--month", "2026-11"], "找不到文件"),
])
def test_bad_input_exits_2_with_a_chinese_message_and_no_traceback(data_dir, tmp_path, capsys, args, msg):
    f = gen_orders.write(tmp_path / "o.csv", 10, NAMES, "2026-11")
    args = [a.replace("{f}", str(f)) for a in args]
    assert run("--data-dir", data_dir, "orders", *args) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_explain_lists_the_orders_and_exports_them(data_dir, tmp_path, capsys):
    f = gen_orders.write(tmp_path / "o.csv", 80, NAMES, "2026-11")
    assert run("--data-dir", data_dir, "orders", "import", f) == 0
    capsys.readouterr()
    assert run("--data-dir", data_dir, "orders", "explain", "--unit", "T01", "--month", "2026-11",
               "--field", "on_time_completion_rate") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("T01 梅林镇 · 2026-11 · 按期办结率")
    base = int(lines[1].split("分母 ")[1].split(" 件")[0])
    assert lines[2].split("\t")[:2] == ["工单编号", "计入分子"] and len(lines) - 3 == base
    out = tmp_path / "x.xlsx"
    assert run("--data-dir", data_dir, "orders", "explain", "--unit", "T01", "--month", "2026-11",
               "--field", "on_time_completion_rate", "--out", out) == 0
    assert out.exists()


def test_reconcile_against_the_monthly_workbook(data_dir, tmp_path, capsys):
    f = gen_orders.write(tmp_path / "o.csv", 80, NAMES, "2026-11")
    assert run("--data-dir", data_dir, "orders", "import", f) == 0
    report = tmp_path / "r.xlsx"
    s = AppServices.open(DataPaths(data_dir), lock=False)
    from hotline_desktop.core.excel_monthly import write_month_workbook

    write_month_workbook(report, s.assessment.scheme(1), "2026-11", s.units.list(), {("T01", "volume"): "1"})
    s.close()
    capsys.readouterr()
    out = tmp_path / "diff.xlsx"
    assert run("--data-dir", data_dir, "orders", "reconcile", report, "--month", "2026-11", "--out", out) == 0
    text = capsys.readouterr().out
    assert "T01 梅林镇 当月办件量：月报 1，工单计算" in text and "2026-11：1 处不一致" in text
    assert out.exists()


def test_export_case_carries_the_figures_from_orders_and_score_reproduces_the_ranking(data_dir, tmp_path):
    import json

    from hotline_desktop.core.scoring.case import run_score_case

    f = gen_orders.write(tmp_path / "o.csv", 200, NAMES, "2026-11")
    assert run("--data-dir", data_dir, "orders", "import", f) == 0
    s = AppServices.open(DataPaths(data_dir), lock=False)
    try:
        computed = s.orders.value("ganxian-2023-hotline", 1, "2026-11", "sign_in_rate")
    finally:
        s.close()
    ranking, case, scored = tmp_path / "ranking.json", tmp_path / "case.json", tmp_path / "scored.json"
    args = ["--scheme", "ganxian-2023-hotline", "--year", 2026]
    assert run("--data-dir", data_dir, "export", "ranking", *args, "--out", ranking) == 0
    assert run("--data-dir", data_dir, "export", "case", "--scheme", "ganxian-2023-hotline", "--year", 2026,
               "--out", case) == 0
    data = json.loads(case.read_text(encoding="utf-8"))
    rows = [r for r in data["monthly"] if r.get("unit") == "T01" and r.get("month") == "2026-11"]
    assert rows and str(rows[0]["values"]["sign_in_rate"]).rstrip("0").rstrip(".") == \
        str(computed).rstrip("0").rstrip(".")
    assert run_score_case(str(case), str(scored)) == 0
    assert scored.read_bytes() == ranking.read_bytes()


def test_alias_add_list_remove_and_the_alias_matches_the_import(data_dir, tmp_path, capsys):
    f = gen_orders.write(tmp_path / "o.csv", 30, ["赣县区梅林镇人民政府"], "2026-11")
    assert run("--data-dir", data_dir, "orders", "import", f) == 2
    assert "赣县区梅林镇人民政府" in capsys.readouterr().err
    assert run("--data-dir", data_dir, "orders", "alias", "add", "赣县区梅林镇人民政府", "--unit", "T01") == 0
    assert "已保存单位别名：赣县区梅林镇人民政府 → T01" in capsys.readouterr().out
    assert run("--data-dir", data_dir, "orders", "alias", "list") == 0
    out = capsys.readouterr().out
    assert "赣县区梅林镇人民政府\tT01\t梅林镇" in out and "共 1 个单位别名" in out
    assert run("--data-dir", data_dir, "orders", "import", f) == 0
    assert "已导入 30 件工单" in capsys.readouterr().out
    assert run("--data-dir", data_dir, "orders", "alias", "remove", "赣县区梅林镇人民政府") == 0
    assert "原对应 T01" in capsys.readouterr().out
    assert run("--data-dir", data_dir, "orders", "alias", "list") == 0
    assert "共 0 个单位别名" in capsys.readouterr().out


@pytest.mark.parametrize("args, msg", [
    (["add", "某街道", "--unit", "NOPE"], "没有编码为“NOPE”的单位"),
    (["add", "  ", "--unit", "T01"], "单位别名不能为空"),
    (["add", "街" * 201, "--unit", "T01"], "单位别名不能超过 200 个字"),
    (["add", "某\x07街道", "--unit", "T01"], "单位别名含有控制字符"),
    (["remove", "没有的别名"], "没有保存别名“没有的别名”"),
])
def test_bad_alias_input_exits_2_in_chinese_and_writes_nothing(data_dir, capsys, args, msg):
    assert run("--data-dir", data_dir, "orders", "alias", *args) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err
    assert run("--data-dir", data_dir, "orders", "alias", "list") == 0
    assert "共 0 个单位别名" in capsys.readouterr().out


def test_profile_list_rename_delete(data_dir, tmp_path, capsys):
    f = gen_orders.write(tmp_path / "o.csv", 20, NAMES, "2026-11", "custom")
    maps = [f"{k}={v}" for k, v in gen_orders.CUSTOM_MAP.items()]
    assert run("--data-dir", data_dir, "orders", "import", f, "--map", *maps, "--save-profile", "区平台") == 0
    capsys.readouterr()
    assert run("--data-dir", data_dir, "orders", "profile", "list") == 0
    out = capsys.readouterr().out
    assert out.startswith("区平台\t") and "共 1 个列对应方案" in out
    assert run("--data-dir", data_dir, "orders", "profile", "rename", "区平台", "市平台") == 0
    assert "已将列对应方案“区平台”改名为“市平台”" in capsys.readouterr().out
    assert run("--data-dir", data_dir, "orders", "import", f, "--profile", "市平台") == 0
    capsys.readouterr()
    assert run("--data-dir", data_dir, "orders", "profile", "rename", "区平台", "X") == 2
    assert "没有名为“区平台”的列对应方案（已有：市平台）" in capsys.readouterr().err
    assert run("--data-dir", data_dir, "orders", "profile", "rename", "市平台", " ") == 2
    assert "列对应方案名称不能为空" in capsys.readouterr().err
    assert run("--data-dir", data_dir, "orders", "profile", "delete", "市平台") == 0
    assert run("--data-dir", data_dir, "orders", "profile", "delete", "市平台") == 2
    assert "没有名为“市平台”" in capsys.readouterr().err
    assert run("--data-dir", data_dir, "orders", "profile", "list") == 0
    assert "共 0 个列对应方案" in capsys.readouterr().out


def test_a_csv_with_an_unpaired_quote_is_a_chinese_message_not_an_internal_error(data_dir, tmp_path, capsys):
    f = tmp_path / "q.csv"
    f.write_text("工单编号,承办单位,受理时间\nA1,梅林镇,2026-11-02 09:00\n\"A2,梅林镇" + ",x" * 70000 + "\n",
                 encoding="utf-8")
    assert run("--data-dir", data_dir, "orders", "import", f) == 2
    err = capsys.readouterr().err
    assert "“q.csv”第 3 行起的内容无法按 csv 读取" in err and "内部错误" not in err
    assert _orders(data_dir)[0] == []


def test_a_folder_given_as_the_file_is_named_a_folder(data_dir, tmp_path, capsys):
    d = tmp_path / "导出.csv"
    d.mkdir()
    assert run("--data-dir", data_dir, "orders", "import", d) == 2
    assert "“导出.csv”是文件夹，请指定一个文件" in capsys.readouterr().err  # was 找不到文件
    assert run("--data-dir", data_dir, "orders", "reconcile", d, "--month", "2026-11") == 2
    assert "“导出.csv”是文件夹" in capsys.readouterr().err
