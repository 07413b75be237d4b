"""User schemes through services: import into the data folder's schemes folder, assign, freeze per year."""

import pytest
from cli_support import run

from hotline_desktop.core.scoring.errors import SchemeError
from hotline_desktop.core.scoring.scheme import builtin_schemes_dir
from hotline_desktop.db.repositories import AuditRepository
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.schemes import SchemeImportRefused

LICHENG = (builtin_schemes_dir() / "licheng-2020.toml").read_text(encoding="utf-8")


def scheme_file(tmp_path, scheme_id="district-2026", title="某区热线考核细则", name=None):
    p = tmp_path / (name or f"src-{scheme_id}-{abs(hash(title))}.toml")
    p.write_text(LICHENG.replace('id = "licheng-2020"', f'id = "{scheme_id}"', 1)
                 .replace('title = "历城区热线工作考核细则"', f'title = "{title}"', 1), encoding="utf-8")
    return p


def test_imported_scheme_is_copied_listed_and_assignable(services, tmp_path):
    src = scheme_file(tmp_path, name="某区方案.toml")
    result = services.schemes.import_file(src)
    assert result.previous_text is None
    assert result.entry.path == services.paths.schemes / "district-2026.toml"
    assert result.entry.path.read_text(encoding="utf-8") == src.read_text(encoding="utf-8")
    assert "district-2026" in [e.id for e in services.schemes.usable()]
    row = services.assessment.assign(2026, "district-2026")
    assert row.title == "某区热线考核细则" and services.assessment.scheme(row.id).id == "district-2026"
    with services.store.session() as s:
        audit = AuditRepository(s).recent(table="user_schemes")
    assert [(a.action, a.field, a.new_value) for a in audit] == [("insert", "district-2026", "某区热线考核细则")]


def test_a_year_keeps_the_version_frozen_for_it_after_the_file_is_replaced(services, tmp_path):
    services.schemes.import_file(scheme_file(tmp_path, title="第一版"))
    y2026 = services.assessment.assign(2026, "district-2026")
    with pytest.raises(ServiceError, match="如要替换请确认替换"):
        services.schemes.import_file(scheme_file(tmp_path, title="第二版"))
    result = services.schemes.import_file(scheme_file(tmp_path, title="第二版"), replace=True)
    assert "第一版" in result.previous_text
    y2027 = services.assessment.assign(2027, "district-2026")
    services.assessment.invalidate()
    assert services.assessment.scheme(y2026.id).title == "第一版"
    assert services.assessment.scheme(y2027.id).title == "第二版"


def test_undo_of_an_import_restores_the_replaced_file_or_removes_the_new_one(services, tmp_path):
    services.schemes.import_file(scheme_file(tmp_path, title="第一版"))
    r = services.schemes.import_file(scheme_file(tmp_path, title="第二版"), replace=True)
    services.schemes.restore_file("district-2026", r.previous_text)
    assert [e.title for e in services.schemes.usable() if e.id == "district-2026"] == ["第一版"]
    services.schemes.restore_file("district-2026", None)
    assert not (services.paths.schemes / "district-2026.toml").exists()
    assert "district-2026" not in [e.id for e in services.schemes.catalog()]


def test_builtin_id_and_invalid_files_are_refused_and_nothing_is_written(services, tmp_path):
    with pytest.raises(SchemeImportRefused, match="内置方案"):
        services.schemes.import_file(scheme_file(tmp_path, scheme_id="licheng-2020"), replace=True)
    bad = tmp_path / "bad.toml"
    bad.write_text(LICHENG.replace('id = "licheng-2020"', 'id = "bad"').replace("format_version = 1", ""),
                   encoding="utf-8")
    with pytest.raises(SchemeError, match="format_version"):
        services.schemes.import_file(bad)
    assert not services.paths.schemes.exists() or not list(services.paths.schemes.iterdir())


def test_a_broken_user_file_does_not_break_the_catalog_or_builtin_assignments(services, tmp_path):
    services.paths.schemes.mkdir()
    (services.paths.schemes / "oops.toml").write_text("id = 'oops'\n[[[", encoding="utf-8")
    ids = [e.id for e in services.schemes.usable()]
    assert ids == ["ganxian-2023-hotline", "ganxian-2023-online", "licheng-2020"]
    assert services.assessment.assign(2026, "licheng-2020").scheme_id == "licheng-2020"
    with pytest.raises(SchemeError, match="TOML 格式错误"):
        services.assessment.assign(2026, "oops")


def test_cli_import_list_and_assign_a_user_scheme(tmp_path, capsys):
    d = tmp_path / "d"
    src = scheme_file(tmp_path)
    assert run("--data-dir", d, "scheme", "import", src) == 0
    assert "已导入用户方案：某区热线考核细则（district-2026）" in capsys.readouterr().out
    assert run("--data-dir", d, "scheme", "import", src) == 2
    assert "如要替换请加 --replace" in capsys.readouterr().err
    assert run("--data-dir", d, "scheme", "import", src, "--replace") == 0
    assert "已替换用户方案" in capsys.readouterr().out
    (d / "schemes" / "broken.toml").write_text("format_version = 1\nid = 3\n", encoding="utf-8")
    assert run("--data-dir", d, "scheme", "assign", "--year", 2026, "--scheme", "district-2026") == 0
    capsys.readouterr()
    assert run("--data-dir", d, "scheme", "list") == 0
    out = capsys.readouterr().out
    user = out.split("用户方案（")[1].split("已安装的方案")[0]
    assert "district-2026  某区热线考核细则  使用年度：2026 年" in user
    assert "broken.toml  有误，未使用" in user and "第 2 行 id" in user


@pytest.mark.parametrize("args,needle", [
    (["import"], "缺少方案文件"),
    (["import", "nope.toml"], "找不到方案文件"),
    (["list", "x.toml"], "方案文件只用于 scheme import"),
    (["assign", "--year", "2026", "--scheme", "licheng-2020", "--replace"], "--replace 只用于 scheme import"),
])
def test_bad_import_commands_are_chinese_exit_2(tmp_path, capsys, args, needle):
    assert run("--data-dir", tmp_path / "d", "scheme", *args) == 2
    assert needle in capsys.readouterr().err


def test_cli_refuses_a_builtin_id_on_import(tmp_path, capsys):
    assert run("--data-dir", tmp_path / "d", "scheme", "import", scheme_file(tmp_path, "ganxian-2023-online")) == 2
    assert "与内置方案" in capsys.readouterr().err
