"""Command-line usage mistakes (argparse's own checks) answer in Chinese with exit 2, help is Chinese."""

import re

import pytest

from hotline_desktop.cli import main


def usage_error(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：hotline-desktop")
    return err.splitlines()[-1]


@pytest.mark.parametrize(("argv", "message"), [
    (["bogus"], "错误：参数 COMMAND 的值“bogus”无效（可选：demo、screenshot、backup、"),
    (["notice"], "错误：缺少必需的参数：ACTION"),
    (["notice", "add"], "错误：缺少必需的参数：--unit, --issued, --days, --level, --channel, --content"),
    (["notice", "add", "--unit"], "错误：参数 --unit 后面需要一个值"),
    (["kb", "list", "--no-such-option", "1"], "错误：无法识别的参数：--no-such-option 1"),
    (["export", "rankingg"], "错误：参数 what 的值“rankingg”无效"),
])
def test_usage_mistakes_are_explained_in_chinese(capsys, argv, message):
    line = usage_error(capsys, *argv)
    assert line.startswith(message)
    assert line.endswith(" -h")
    assert not re.search(r"\b(error|argument|required|invalid|choose)\b", line)


def test_a_control_character_in_a_bad_choice_is_not_echoed(capsys):
    line = usage_error(capsys, "notice\x1b[2J")
    assert "\x1b" not in line and "“notice\\x1b[2J”" in line


def test_help_is_chinese(capsys):
    with pytest.raises(SystemExit) as e:
        main(["notice", "add", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：hotline-desktop notice add")
    assert "显示本帮助并退出" in out and "show this help" not in out and "usage:" not in out
    assert out.count("选项:") == 1 and "options" not in out and "--data-dir DIR" in out


def test_a_huge_or_hostile_value_is_echoed_short_and_harmless(tmp_path, capsys):
    d = tmp_path / "data"
    code = main(["--data-dir", str(d), "notice", "add", "--unit", "X" * 3000 + "\x1b[2J", "--issued", "2026-12-01",
                 "--days", "5", "--level", "电话", "--channel", "热线", "--content", "路灯损坏"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("错误：找不到承办单位：XXXX")
    assert len(err) < 120 and "\x1b" not in err
    code = main(["--data-dir", str(d), "kb", "publish", "1\x07" + "9" * 3000])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("错误：条目 ID 应为整数") and len(err) < 120 and "\x07" not in err


@pytest.mark.parametrize("what", ["case", "ranking"])
def test_a_huge_year_is_refused_not_an_internal_error(tmp_path, capsys, what):
    code = main(["--data-dir", str(tmp_path / "data"), "export", what, "--scheme", "licheng-2020",
                 "--year", "9" * 20, "--out", str(tmp_path / "c.json")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("错误：考核年度无效：99999999999999999999（应为 2000–2100）"), err


def test_negative_setting_and_impossible_date_are_named_plainly(tmp_path, capsys):
    """-1 is an integer out of range (not "应为整数"); a date that does not exist is said once."""
    from hotline_desktop.cli import main

    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "settings", "set", "escalation_workdays", "-1"]) == 2
    err = capsys.readouterr().err
    assert "之间" in err and "应为整数" not in err
    assert main(["--data-dir", data, "kb", "publish", "1", "--date", "2026-02-30"]) == 2
    err = capsys.readouterr().err
    assert "不是有效日期" in err and err.count("日期") == 2  # 日期“…”不是有效日期 — not 日期：日期不存在


@pytest.mark.parametrize("verb", [["publish"], ["verify"], ["withdraw", "--reason", "过时"],
                                  ["review", "--check", "1=通过"]])
def test_a_bad_entry_id_is_refused_before_the_data_folder_is_opened(tmp_path, capsys, verb):
    d = tmp_path / "data"  # not there yet: opening it would create the folder and its database
    code = main(["--data-dir", str(d), "kb", verb[0], "abc", *verb[1:]])
    assert code == 2 and capsys.readouterr().err.startswith("错误：条目 ID 应为整数：abc")
    assert not d.exists()


def test_a_file_may_follow_the_options(tmp_path, capsys):
    """`scheme import --replace F.toml` (and `export monthly --month M FILE`: FILE after an option, as
    the usage lines allow) used to be refused as 无法识别的参数：F.toml — argparse settles
    `action [FILE]` at the first word."""
    from hotline_desktop.core.scoring.scheme import builtin_schemes_dir

    d, src = tmp_path / "data", tmp_path / "office.toml"
    text = (builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8")
    src.write_text(text.replace('id = "licheng-2020"', 'id = "office-test"'), encoding="utf-8")
    assert main(["--data-dir", str(d), "scheme", "import", "--replace", str(src)]) == 0
    assert "（office-test）" in capsys.readouterr().out and (d / "schemes" / "office-test.toml").exists()
    line = usage_error(capsys, "--data-dir", str(d), "scheme", "import", "--replace", str(src), "b.toml")
    assert line.startswith("错误：无法识别的参数：b.toml")


@pytest.mark.parametrize(("argv", "message"), [
    (["notice", "list", "--year", "²⁰²⁶"], "错误：年度应为"),  # was: invalid literal for int() with base 10
    (["calendar", "show", "٢٠٢٦"], "错误：年度应为 "),  # Arabic-Indic digits were read as 2026
    (["calendar", "due", "2026-12-01", "٣"], "错误：时限应为 1–365 之间的整数"),
])
def test_digits_that_are_not_ascii_are_refused_in_chinese(tmp_path, capsys, argv, message):
    assert main(["--data-dir", str(tmp_path / "data"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and "invalid literal" not in err
