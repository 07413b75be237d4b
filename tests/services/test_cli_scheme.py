"""`scheme list` and `scheme assign` (issue 7 item 26): the toolbar's 考核方案 / 指定方案 headless."""

import pytest
from cli_support import run

from hotline_desktop.core.scoring.scheme import builtin_schemes_dir
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices


def test_assign_then_list_shows_years_per_scheme(tmp_path, capsys):
    d = tmp_path / "d"
    assert run("--data-dir", d, "scheme", "assign", "--year", 2026, "--scheme", "ganxian-2023-hotline") == 0
    assert "已为 2026 年指定考核方案" in capsys.readouterr().out
    assert run("--data-dir", d, "scheme", "assign", "--year", 2025, "--scheme", "ganxian-2023-hotline") == 0
    capsys.readouterr()
    assert run("--data-dir", d, "scheme", "list") == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "ganxian-2023-hotline" in ln)
    assert "2025 年、2026 年" in line
    assert "licheng-2020" in out and "尚未用于任何年度" in out
    s = AppServices.open(DataPaths(d))
    try:
        assert sorted((r.year, r.scheme_id) for r in s.assessment.assignments()) == [
            (2025, "ganxian-2023-hotline"), (2026, "ganxian-2023-hotline")]
    finally:
        s.close()


def test_scheme_from_a_file_is_listed_as_installed(tmp_path, capsys):
    d = tmp_path / "d"
    text = (builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8")
    custom = tmp_path / "mine.toml"
    custom.write_text(text.replace('id = "licheng-2020"', 'id = "district-custom"', 1), encoding="utf-8")
    assert run("--data-dir", d, "scheme", "assign", "--year", 2027, "--scheme", custom) == 0
    capsys.readouterr()
    assert run("--data-dir", d, "scheme", "list") == 0
    out = capsys.readouterr().out
    installed = out.split("已安装的方案")[1]
    assert "district-custom" in installed and "2027 年" in installed


@pytest.mark.parametrize("args,needle", [
    (["assign", "--year", "abc", "--scheme", "licheng-2020"], "考核年度应为整数"),
    (["assign", "--year", "1800", "--scheme", "licheng-2020"], "考核年度无效"),
    (["assign", "--year", "2026"], "缺少 --scheme"),
    (["assign", "--year", "2026", "--scheme", "../../etc/passwd"], "未知的考核方案"),
    (["assign", "--year", "2026", "--scheme", "nope.toml"], "找不到方案文件"),
    (["list", "--year", "2026"], "只用于 scheme assign"),
])
def test_bad_scheme_commands_are_chinese_exit_2(tmp_path, capsys, args, needle):
    assert run("--data-dir", tmp_path / "d", "scheme", *args) == 2
    captured = capsys.readouterr()
    assert needle in captured.err and captured.out == ""


def test_assigning_twice_is_refused(tmp_path, capsys):
    d = tmp_path / "d"
    assert run("--data-dir", d, "scheme", "assign", "--year", 2026, "--scheme", "licheng-2020") == 0
    assert run("--data-dir", d, "scheme", "assign", "--year", 2026, "--scheme", "licheng-2020") == 2
    assert "已使用考核方案" in capsys.readouterr().err


def test_bad_scheme_file_is_a_chinese_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("id = [broken", encoding="utf-8")
    assert run("--data-dir", tmp_path / "d", "scheme", "assign", "--year", 2026, "--scheme", bad) == 2
    err = capsys.readouterr().err
    assert "方案无效" in err and "Traceback" not in err
