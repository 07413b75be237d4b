"""Opening a PostgreSQL database (--database-url): created, upgraded or refused as SQLite files are,
without the single-instance lock (several seats share one server database)."""

import pg_support
import pytest
from sqlalchemy import create_engine, text

from hotline_desktop.cli import main
from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.db import backup as bk
from hotline_desktop.db.engine import HEAD, REVISIONS, DbState, StoreOpenError, make_server_engine, upgrade
from hotline_desktop.db.store import Store
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices

pytestmark = pytest.mark.skipif(not pg_support.server_url(), reason="no PostgreSQL test server (--pg-url)")


@pytest.fixture
def empty_url():
    url = pg_support.empty_database()
    yield url
    pg_support.drop(url)


def _tables(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            names = con.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
            return {n: con.execute(text(f'SELECT count(*) FROM "{n}"')).scalar() for n in names}
    finally:
        engine.dispose()


def test_an_empty_server_database_is_created_at_head_and_marked_as_ours(tmp_path, empty_url):
    paths = DataPaths(tmp_path / "data", empty_url)
    store = Store.open(paths)
    try:
        assert store.lock is None and not paths.lock_file.exists()  # no single-instance lock on a server
        with store.engine.connect() as con:
            assert con.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
            marker = con.execute(text("SELECT value FROM app_meta WHERE key = 'application_id'")).scalar()
        assert marker == str(0x48434B35)
    finally:
        store.close()
    assert "hotline.db" not in {p.name for p in paths.root.iterdir()}  # nothing written to a local file


def test_two_seats_open_one_server_database_at_once_and_see_each_other(tmp_path, empty_url):
    a = AppServices.open(DataPaths(tmp_path / "a", empty_url))
    b = AppServices.open(DataPaths(tmp_path / "b", empty_url))
    try:
        a.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
        assert [u.code for u in b.units.list()] == ["T01"]
    finally:
        a.close()
        b.close()


def test_an_older_server_database_is_upgraded_keeping_its_data(tmp_path, empty_url, monkeypatch):
    engine = make_server_engine(empty_url)
    upgrade(engine, "0001")
    with engine.begin() as con:
        con.execute(text("INSERT INTO units (code, name, kind) VALUES ('T01', '山大路街道', 'town')"))
    engine.dispose()
    store = Store.open(DataPaths(tmp_path / "data", empty_url))
    try:
        assert store.notices[0] == "数据库已升级到新版本，升级前已自动备份。"
        [dump] = (tmp_path / "data" / "backups").glob("pre-upgrade-*.dump")  # pg_dump, before any step
        assert dump.read_bytes()[:5] == b"PGDMP"
        with store.engine.connect() as con:
            assert con.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
            assert con.execute(text("SELECT name FROM units")).scalar() == "山大路街道"
    finally:
        store.close()


def test_the_pre_upgrade_backup_hook_is_called_before_upgrading(tmp_path, empty_url, monkeypatch):
    engine = make_server_engine(empty_url)
    upgrade(engine, REVISIONS[-2])
    engine.dispose()
    seen = []

    def dump(url, dest):
        seen.append((url, dest, _tables(url)["alembic_version"]))
        return dest

    monkeypatch.setattr(bk, "server_backup", dump)
    store = Store.open(DataPaths(tmp_path / "data", empty_url))
    store.close()
    assert seen and seen[0][0] == empty_url and seen[0][1].name.startswith("pre-upgrade-")
    assert store.notices == ["数据库已升级到新版本，升级前已自动备份。"]


def test_a_failed_pre_upgrade_backup_refuses_to_upgrade(tmp_path, empty_url, monkeypatch):
    from hotline_desktop.db.errors import StoreWriteError

    engine = make_server_engine(empty_url)
    upgrade(engine, REVISIONS[-2])
    engine.dispose()

    def dump(url, dest):
        raise StoreWriteError("磁盘已满，备份没有完成。")

    monkeypatch.setattr(bk, "server_backup", dump)
    with pytest.raises(StoreOpenError, match="升级前的备份失败"):
        Store.open(DataPaths(tmp_path / "data", empty_url))
    engine = create_engine(empty_url)
    with engine.connect() as con:
        assert con.execute(text("SELECT version_num FROM alembic_version")).scalar() == REVISIONS[-2]
    engine.dispose()


def test_a_newer_server_database_is_refused_untouched(tmp_path, empty_url):
    Store.open(DataPaths(tmp_path / "data", empty_url)).close()
    engine = create_engine(empty_url)
    with engine.begin() as con:
        con.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    before = _tables(empty_url)
    with pytest.raises(StoreOpenError, match="更新版本") as ei:
        Store.open(DataPaths(tmp_path / "data", empty_url))
    assert ei.value.inspection.state is DbState.NEWER and "9999" in str(ei.value)
    assert "数据库：postgresql+psycopg://" in str(ei.value)
    assert _tables(empty_url) == before


@pytest.mark.parametrize("setup", [
    "CREATE TABLE customers (id integer primary key, name text)",  # another program's tables
    "CREATE TABLE app_meta (key text primary key, value text); CREATE TABLE alembic_version (version_num text);"
    "INSERT INTO alembic_version VALUES ('0007')",  # same names, no hotline marker
])
def test_a_foreign_server_database_is_refused_untouched(tmp_path, empty_url, setup):
    engine = create_engine(empty_url)
    with engine.begin() as con:
        for st in setup.split(";"):
            con.exec_driver_sql(st)
    engine.dispose()
    before = _tables(empty_url)
    with pytest.raises(StoreOpenError, match="不是热线考核数据库") as ei:
        Store.open(DataPaths(tmp_path / "data", empty_url))
    assert ei.value.inspection.state is DbState.FOREIGN
    assert _tables(empty_url) == before


def test_an_unreachable_server_is_a_chinese_message_naming_it_without_the_password(tmp_path):
    url = "postgresql+psycopg://clerk:secret@/nosuchdb?host=/nonexistent-socket-dir&port=1"
    with pytest.raises(StoreOpenError, match="无法连接数据库服务器") as ei:
        Store.open(DataPaths(tmp_path / "data", url))
    assert "secret" not in str(ei.value) and "clerk:***@" in str(ei.value)


def test_cli_runs_on_the_server_named_by_option_or_environment(tmp_path, empty_url, monkeypatch, capsys):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "--database-url", empty_url, "settings", "set", "office_name", "历城区热线办"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("HOTLINE_DATABASE_URL", empty_url)
    assert main(["--data-dir", str(tmp_path / "other"), "settings", "show"]) == 0
    assert "历城区热线办" in capsys.readouterr().out
    assert not (tmp_path / "data" / "hotline.db").exists() and not (tmp_path / "other" / "hotline.db").exists()


@pytest.mark.parametrize("url, words", [
    ("mysql://u@h/db", "不支持的数据库类型"),
    ("postgresql+psycopg://u@h/", "缺少数据库名"),
    ("::not a url::", "数据库地址格式不正确"),
])
def test_cli_refuses_a_bad_database_url_in_chinese(tmp_path, capsys, url, words):
    assert main(["--data-dir", str(tmp_path), "--database-url", url, "settings", "show"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_role_that_may_not_create_tables_gets_a_chinese_message_and_nothing_half_built(tmp_path, empty_url):
    from sqlalchemy import make_url

    db = make_url(empty_url).database
    admin = create_engine(empty_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.exec_driver_sql("DROP ROLE IF EXISTS hotline_reader")
        con.exec_driver_sql("CREATE ROLE hotline_reader LOGIN")
        con.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        con.exec_driver_sql(f"REVOKE CREATE ON DATABASE {db} FROM PUBLIC")
    try:
        reader = make_url(empty_url).set(username="hotline_reader").render_as_string(hide_password=False)
        with pytest.raises(StoreOpenError, match="无法创建数据库表") as ei:
            Store.open(DataPaths(tmp_path / "data", reader))
        assert "数据库未做任何改动" in str(ei.value) and "hotline_reader@" in str(ei.value)
        assert _tables(empty_url) == {}  # the failed creation left nothing behind (one transaction)
    finally:
        admin.dispose()
        pg_support.drop(empty_url)  # its sessions first, then the role they logged in as
        admin = create_engine(pg_support.url_for("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as con:
            con.exec_driver_sql("DROP ROLE IF EXISTS hotline_reader")
        admin.dispose()


def test_a_seat_whose_connection_the_server_dropped_reconnects_on_the_next_edit(tmp_path, empty_url):
    from sqlalchemy import make_url

    services = AppServices.open(DataPaths(tmp_path / "data", empty_url))
    try:
        services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
        admin = create_engine(pg_support.url_for("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as con:  # e.g. the server restarted overnight
            dropped = con.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = :d"), {"d": make_url(empty_url).database}).scalar()
        admin.dispose()
        assert dropped >= 1
        services.units.create(UnitDraft(code="T02", name="洪家楼街道", kind="town"))
        assert [u.code for u in services.units.list()] == ["T01", "T02"]
    finally:
        services.close()
