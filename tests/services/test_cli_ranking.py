import pytest
from cli_support import run
from openpyxl import load_workbook

from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.ranking_export import RankingExportCancelled, export_ranking


def test_export_ranking_xlsx_for_one_group(demo_dir, tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    rc = run("--data-dir", demo_dir, "export", "ranking", "--scheme", "licheng-2020", "--year", "2025",
             "--group", "community", "--out", out)
    assert rc == 0, capsys.readouterr().err
    assert "已导出排名表" in capsys.readouterr().out
    wb = load_workbook(out)
    assert wb.sheetnames == ["社区"]
    ws = wb.active
    assert ws["A1"].value == "（2025）年各社区热线工作考核内容计分表"
    assert ws["B3"].value == "社区名称" and ws["R3"].value == "排名"
    names = [ws.cell(r, 2).value for r in range(5, 5 + 60)]
    assert all(n and n.endswith("社区") for n in names)
    assert ws.cell(5, 18).value in (1, "1（并列）")


def test_export_ranking_all_groups_and_pdf_months(demo_dir, tmp_path):
    out = tmp_path / "all.xlsx"
    assert run("--data-dir", demo_dir, "export", "ranking", "--scheme", "licheng-2020", "--year", "2025",
               "--out", out) == 0
    assert load_workbook(out).sheetnames == ["社区", "科室", "乡镇（街道）"]
    pdf = tmp_path / "m.pdf"
    assert run("--data-dir", demo_dir, "export", "ranking", "--scheme", "ganxian-2023-hotline", "--year", "2026",
               "--month", "2026-3", "--out", pdf) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    # the file may also be given positionally (before the options)
    assert run("--data-dir", demo_dir, "export", "ranking", tmp_path / "y.pdf", "--scheme", "ganxian-2023-online",
               "--year", "2026") == 0
    assert (tmp_path / "y.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheme", "licheng-2020", "--year", "2024"], "2024 年未使用考核方案“licheng-2020”"),
        (["--scheme", "licheng-2020", "--year", "2025", "--group", "nope"], "没有排名组“nope”"),
        (["--scheme", "licheng-2020", "--year", "2025", "--month", "2025-03"], "没有月度排名"),
        (["--scheme", "ganxian-2023-hotline", "--year", "2026", "--month", "2026-13"], "月份格式应为 YYYY-MM"),
        (["--scheme", "ganxian-2023-hotline", "--year", "2026", "--month", "2026-12"], "2026-12 没有考核数据"),
        (["--scheme", "licheng-2020", "--year", "二〇二五"], "考核年度应为整数"),
        (["--year", "2025"], "缺少 --scheme"),
    ],
)
def test_bad_requests_exit_2_and_write_nothing(demo_dir, tmp_path, capsys, args, message):
    out = tmp_path / "bad.xlsx"
    assert run("--data-dir", demo_dir, "export", "ranking", *args, "--out", out) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_bad_suffix_and_units_export_still_works(demo_dir, tmp_path, capsys):
    assert run("--data-dir", demo_dir, "export", "ranking", "--scheme", "licheng-2020", "--year", "2025",
               "--out", tmp_path / "x.csv") == 2
    assert ".xlsx、.pdf 或 .json" in capsys.readouterr().err
    assert run("--data-dir", demo_dir, "export", "units", tmp_path / "u.xlsx") == 0
    assert run("--data-dir", demo_dir, "export", "units", "--out", tmp_path / "u2.xlsx") == 0
    assert run("--data-dir", demo_dir, "export", "units") == 2
    assert run("--data-dir", demo_dir, "export", "units", tmp_path / "u3.xlsx", "--year", "2025") == 2
    assert (tmp_path / "u.xlsx").exists() and (tmp_path / "u2.xlsx").exists()


def test_service_reports_progress_and_honours_cancel(demo_dir, tmp_path):
    services = AppServices.open(DataPaths(demo_dir), lock=False)
    try:
        seen = []
        out = export_ranking(services, scheme_id="ganxian-2023-hotline", year=2026, out=tmp_path / "y.pdf",
                             progress=seen.append)
        assert out.exists() and seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
        calls = []

        def cancel_later():
            calls.append(1)
            return len(calls) > 2

        with pytest.raises(RankingExportCancelled, match="已取消导出"):
            export_ranking(services, scheme_id="licheng-2020", year=2025, out=tmp_path / "c.xlsx",
                           cancelled=cancel_later)
        assert not (tmp_path / "c.xlsx").exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["y.pdf"]
        with pytest.raises(ServiceError, match="没有排名组“town”"):
            export_ranking(services, scheme_id="ganxian-2023-hotline", year=2026, group="town", out=tmp_path / "z.pdf")
    finally:
        services.close()


def test_export_board_xlsx_and_pdf(demo_dir, tmp_path, capsys):
    out = tmp_path / "board.xlsx"
    rc = run("--data-dir", demo_dir, "export", "board", "--scheme", "licheng-2020", "--year", "2025",
             "--group", "社区", "--out", out)
    assert rc == 0, capsys.readouterr().err
    assert "已导出红黑榜" in capsys.readouterr().out
    wb = load_workbook(out)
    assert wb.sheetnames == ["红黑榜-社区"]
    ws = wb.active
    assert ws["A1"].value == "（2025年全年）社区红黑榜"
    assert [ws.cell(3, c).value for c in range(1, 7)] == ["榜单", "序号", "单位名称", "编码", "得分", "排名"]
    lists = [ws.cell(r, 1).value for r in range(4, 14)]
    assert lists == ["红榜"] * 5 + ["黑榜"] * 5
    import re

    assert re.search(r"考核期：2025年1月—12月.*制表日期：\d{4}年\d{1,2}月\d{1,2}日$", ws["A2"].value)
    pdf = tmp_path / "board.pdf"
    assert run("--data-dir", demo_dir, "export", "board", "--scheme", "ganxian-2023-hotline", "--year", "2026",
               "--month", "2026-03", "--out", pdf) == 0
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_export_board_needs_scheme_and_year(demo_dir, tmp_path, capsys):
    assert run("--data-dir", demo_dir, "export", "board", "--out", tmp_path / "b.xlsx") == 2
    err = capsys.readouterr().err
    assert "export board 缺少 --scheme、--year" in err and "Traceback" not in err
