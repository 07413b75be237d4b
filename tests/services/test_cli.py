import json
import sqlite3
import subprocess
import sys

import pytest
from cli_support import run
from openpyxl import Workbook


def test_demo_then_export_import_roundtrip(tmp_path, capsys):
    d = tmp_path / "d"
    assert run("--data-dir", d, "demo") == 0
    assert "社区 60 个" in capsys.readouterr().out
    assert run("demo", "--data-dir", d) == 2
    assert "--force" in capsys.readouterr().err
    assert run("--data-dir", d, "export", "units", tmp_path / "u.xlsx") == 0
    assert run("--data-dir", d, "import", "units", tmp_path / "u.xlsx") == 0
    assert "无变化 103" in capsys.readouterr().out


def test_bad_import_exits_2_lists_problems_and_writes_nothing(tmp_path, capsys):
    d = tmp_path / "d"
    wb = Workbook()
    ws = wb.active
    ws.append(["编码", "名称", "类型"])
    ws.append(["T01", "山大路街道", "街道"])
    ws.append(["C01", "", "社区"])
    wb.save(tmp_path / "bad.xlsx")
    assert run("--data-dir", d, "import", "units", tmp_path / "bad.xlsx") == 2
    err = capsys.readouterr().err
    assert "第 3 行 B（名称）列：名称不能为空" in err and "未写入任何数据" in err
    con = sqlite3.connect(d / "hotline.db")
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 0
    assert run("--data-dir", d, "import", "units", tmp_path / "bad.xlsx", "--only-good") == 0
    assert con.execute("SELECT code FROM units").fetchall() == [("T01",)]


def test_backup_and_restore_commands(tmp_path, capsys):
    d = tmp_path / "d"
    run("--data-dir", d, "demo")
    out = tmp_path / "b.db"
    assert run("--data-dir", d, "backup", "--out", out) == 0 and out.exists()
    con = sqlite3.connect(d / "hotline.db")
    con.execute("DELETE FROM units WHERE parent_id IS NOT NULL")
    con.commit()
    con.close()
    assert run("--data-dir", d, "restore", out) == 0
    con = sqlite3.connect(d / "hotline.db")
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 103
    assert run("--data-dir", d, "restore", tmp_path / "missing.db") == 2
    assert "找不到备份文件" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["export", "units", "x.csv"], ["import", "units", "nope.xlsx"]])
def test_errors_exit_2_with_message(tmp_path, capsys, args):
    assert run("--data-dir", tmp_path / "d", *args) == 2
    assert capsys.readouterr().err.startswith("错误：")


def test_module_entry_point_and_env_override(tmp_path):
    env = {"HOTLINE_HOME": str(tmp_path / "h"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "hotline_desktop", "demo"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "h" / "hotline.db").exists()
    json.dumps(r.stdout)


def test_unexpected_error_is_logged_not_a_traceback(tmp_path, capsys, monkeypatch):
    """Issue 7 item 24: a bug in a command gives one Chinese line and the traceback in the log."""
    from hotline_desktop.services import units_io

    def broken(self, out):
        raise KeyError("boom-internal")

    monkeypatch.setattr(units_io.UnitImportExport, "export", broken)
    d = tmp_path / "d"
    assert run("--data-dir", d, "export", "units", tmp_path / "u.xlsx") == 2
    err = capsys.readouterr().err
    assert "内部错误" in err and "KeyError" in err and "Traceback" not in err
    log = (d / "logs" / "hotline.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "boom-internal" in log and "in broken" in log


def test_os_errors_are_said_in_chinese(tmp_path, capsys):
    assert run("--data-dir", tmp_path / "d", "import", "units", tmp_path / "missing.xlsx") == 2
    err = capsys.readouterr().err
    assert "Errno" not in err
