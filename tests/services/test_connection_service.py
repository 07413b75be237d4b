"""文件 → 数据库连接…'s service: a server database saved in the data folder is used at the next
start; --database-url and HOTLINE_DATABASE_URL still win; a damaged setting is said in Chinese."""

import pg_support
import pytest

from hotline_desktop.cli import main
from hotline_desktop.paths import CONNECTION_FILE, DataPaths
from hotline_desktop.services import connection
from hotline_desktop.services.errors import ServiceError

needs_pg = pytest.mark.skipif(not pg_support.server_url(), reason="no PostgreSQL test server (--pg-url)")
URL = "postgresql+psycopg://clerk@dbhost/hotline"


def test_a_saved_server_is_used_at_the_next_start_and_the_option_and_environment_still_win(tmp_path, monkeypatch):
    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    root = tmp_path / "data"
    assert DataPaths.from_override(root).database_url is None
    connection.save(DataPaths(root), URL)
    assert DataPaths.from_override(root).database_url == URL
    state = connection.current(DataPaths.from_override(root))
    assert state.saved_url == URL and state.on_server and not state.overridden
    other = "postgresql+psycopg://seat2@dbhost/hotline"
    assert DataPaths.from_override(root, other).database_url == other
    monkeypatch.setenv("HOTLINE_DATABASE_URL", other)
    assert DataPaths.from_override(root).database_url == other
    assert connection.current(DataPaths.from_override(root)).overridden
    monkeypatch.delenv("HOTLINE_DATABASE_URL")
    connection.save(DataPaths(root), None)  # back to the folder's own hotline.db
    assert not (root / CONNECTION_FILE).exists() and DataPaths.from_override(root).database_url is None


def test_a_url_with_quotes_and_backslashes_round_trips(tmp_path):
    url = 'postgresql+psycopg://clerk@/hotline?host=/run/pg"x\\y'
    connection.save(DataPaths(tmp_path), url)
    assert DataPaths.from_override(tmp_path).database_url == url


@pytest.mark.parametrize("url, words", [("mysql://u@h/db", "不支持的数据库类型"), ("postgresql://u@h/", "缺少数据库名")])
def test_a_bad_url_is_refused_and_nothing_saved(tmp_path, url, words):
    with pytest.raises(ServiceError, match=words):
        connection.save(DataPaths(tmp_path), url)
    assert not (tmp_path / CONNECTION_FILE).exists()


def test_a_damaged_saved_connection_is_a_chinese_exit_2_naming_the_file(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    (tmp_path / CONNECTION_FILE).write_text("url = [1, 2\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "settings", "show"]) == 2
    err = capsys.readouterr().err
    assert "数据库连接设置已损坏" in err and CONNECTION_FILE in err and "Traceback" not in err
    assert not (tmp_path / "hotline.db").exists()  # not silently opened on a fresh local file


def test_probe_says_what_is_there_or_why_not(tmp_path):
    with pytest.raises(ServiceError, match="无法连接数据库服务器"):
        connection.probe("postgresql+psycopg://clerk:pw@/nosuch?host=/nonexistent-dir&port=1")


@needs_pg
def test_probe_on_a_server_database(tmp_path):
    from hotline_desktop.db.store import Store

    url = pg_support.empty_database()
    try:
        assert "空数据库" in connection.probe(url)
        Store.open(DataPaths(tmp_path, url)).close()
        assert connection.probe(url).startswith("连接成功：热线考核数据库（版本")
    finally:
        pg_support.drop(url)
