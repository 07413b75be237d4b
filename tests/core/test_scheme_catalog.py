"""User schemes folder: loaded and validated beside the built-ins; a broken file never breaks the rest."""

from pathlib import Path

import pytest

from hotline_desktop.core.scheme_catalog import (
    BUILTIN,
    USER,
    SchemeImportRefused,
    check_import,
    find_scheme,
    line_of,
    read_scheme_file,
    scheme_catalog,
)
from hotline_desktop.core.scoring.errors import SchemeError
from hotline_desktop.core.scoring.scheme import builtin_schemes_dir

LICHENG = (builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8")


def user_scheme(folder: Path, name: str, scheme_id: str, title: str = "某区热线考核细则", text: str = LICHENG) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text.replace('id = "licheng-2020"', f'id = "{scheme_id}"', 1)
                 .replace('title = "历城区热线工作考核细则"', f'title = "{title}"', 1), encoding="utf-8")
    return p


def test_user_schemes_are_listed_after_the_builtins(tmp_path):
    user_scheme(tmp_path, "district.toml", "district-2026", "某区2026年热线考核细则")
    entries = scheme_catalog(tmp_path)
    assert [e.origin for e in entries] == [BUILTIN] * 3 + [USER]
    mine = find_scheme(entries, "district-2026")
    assert mine.ok and mine.title == "某区2026年热线考核细则" and mine.path.name == "district.toml"


def test_missing_folder_is_just_no_user_schemes(tmp_path):
    assert [e.origin for e in scheme_catalog(tmp_path / "nope")] == [BUILTIN] * 3


def test_a_broken_file_is_listed_with_file_line_and_field_and_others_still_load(tmp_path):
    bad = LICHENG.replace('id = "licheng-2020"', 'id = "broken"', 1).replace("max = ", 'max = "很多" #', 1)
    (tmp_path / "broken.toml").write_text(bad, encoding="utf-8")
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "syntax.toml").write_text("id = \n", encoding="utf-8")
    user_scheme(tmp_path, "good.toml", "good-one")
    entries = {e.path.name: e for e in scheme_catalog(tmp_path) if e.origin == USER}
    assert entries["good.toml"].ok
    broken = entries["broken.toml"]
    want_line = bad.splitlines().index(next(ln for ln in bad.splitlines() if ln.startswith('max = "很多"'))) + 1
    assert not broken.ok and str(tmp_path / "broken.toml") in broken.problem
    assert f"第 {want_line} 行 indicators[0].max" in broken.problem and "必须为数字" in broken.problem
    assert "不是 UTF-8" in entries["binary.toml"].problem
    assert "第 1 行" in entries["syntax.toml"].problem and "TOML 格式错误" in entries["syntax.toml"].problem


def test_user_file_with_a_builtin_or_repeated_id_is_not_used(tmp_path):
    user_scheme(tmp_path, "a.toml", "licheng-2020", "冒名方案")
    user_scheme(tmp_path, "b.toml", "same-id", "先到")
    user_scheme(tmp_path, "c.toml", "same-id", "后到")
    entries = {e.path.name: e for e in scheme_catalog(tmp_path) if e.origin == USER}
    assert "与内置方案重复" in entries["a.toml"].problem
    assert entries["b.toml"].ok and "与用户方案文件 b.toml重复" in entries["c.toml"].problem
    assert find_scheme(scheme_catalog(tmp_path), "licheng-2020").origin == BUILTIN


def test_check_import_refuses_a_builtin_id_and_reports_a_user_one_it_replaces(tmp_path):
    folder = tmp_path / "schemes"
    existing = user_scheme(folder, "district-2026.toml", "district-2026", "旧版")
    entries = scheme_catalog(folder)
    with pytest.raises(SchemeImportRefused, match="ganxian-2023-hotline 与内置方案“赣县区.*”相同"):
        check_import(user_scheme(tmp_path, "x.toml", "ganxian-2023-hotline"), entries, folder)
    check = check_import(user_scheme(tmp_path, "y.toml", "district-2026", "新版"), entries, folder)
    assert check.replaces.path == existing and check.target == existing and check.scheme.title == "新版"
    fresh = check_import(user_scheme(tmp_path, "z.toml", "other"), entries, folder)
    assert fresh.replaces is None and fresh.target == folder / "other.toml"


def test_weights_not_summing_to_one_are_refused_with_the_line(tmp_path):
    text = (builtin_schemes_dir() / "ganxian-2023-hotline.toml").read_text(encoding="utf-8")
    p = tmp_path / "w.toml"
    p.write_text(text.replace("annual_weight = 0.2", "annual_weight = 0.3", 1), encoding="utf-8")
    with pytest.raises(SchemeError) as ei:
        read_scheme_file(p)
    line = text.splitlines().index("annual_weight = 0.2") + 1
    assert f"第 {line} 行 total.annual_weight" in str(ei.value) and "之和必须为 1" in str(ei.value)
    assert str(p) in str(ei.value)


@pytest.mark.parametrize("path,line_text", [
    ("ranking.groups[1].title", 'title = "（{year}）年各科室热线工作考核内容计分表"'),
    ("format_version", "format_version = 1"),
])
def test_line_of_points_at_the_field(path, line_text):
    n = line_of(LICHENG, path)
    assert LICHENG.splitlines()[n - 1] == line_text


def test_a_device_or_huge_file_in_the_folder_is_refused_without_reading_it(tmp_path):
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    (tmp_path / "big.toml").write_bytes(b"#" * (1024 * 1024 + 1))
    entries = {e.path.name: e for e in scheme_catalog(tmp_path) if e.origin == USER}
    assert "不是普通文件" in entries["zero.toml"].problem
    assert "文件过大" in entries["big.toml"].problem
