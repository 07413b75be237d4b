import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# shared helpers that are not fixtures (tests/xlsx_builder.py) import by name from every layer
sys.path.insert(0, str(Path(__file__).parent))

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

# A developer's shell may name a server database for the app: tests choose their own backend.
os.environ.pop("HOTLINE_DATABASE_URL", None)


def pytest_addoption(parser):
    parser.addoption("--pg-url", default=None, metavar="URL",
                     help="PostgreSQL server for the db/services tests on both backends "
                          "(default: env HOTLINE_TEST_PG_URL; scripts/pg.sh start prints one)")


def pytest_configure(config):
    import pg_support

    url = config.getoption("--pg-url") or os.environ.get(pg_support.ENV_TEST_PG_URL)
    pg_support.configure(url)
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite's own file handling (not run on PostgreSQL)")
    if os.environ.get("CI", "").lower() == "true" and not pg_support.server_url():
        raise pytest.UsageError("CI=true 但没有 PostgreSQL 测试服务器（--pg-url 或 HOTLINE_TEST_PG_URL）：拒绝只在 SQLite 上测试")


def pytest_unconfigure(config):
    import pg_support

    if pg_support.server_url():
        try:
            pg_support.drop_template()
        except Exception:  # noqa: BLE001 - the cluster may already be stopped
            pass


@pytest.fixture
def failing_writes():
    """`fail(store, message)`: from now on every write statement on the store's engine fails with
    SQLite's own error text (as on a full disk or a read-only file); `restore()` ends it."""
    from sqlalchemy import event

    installed = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITE_VERBS):
            raise sqlite3.OperationalError(state["message"])

    state = {"message": "database or disk is full"}

    def fail(store, message: str = "database or disk is full"):
        state["message"] = message
        event.listen(store.engine, "before_cursor_execute", before)
        installed.append(store.engine)

    def restore():
        while installed:
            event.remove(installed.pop(), "before_cursor_execute", before)

    fail.restore = restore
    yield fail
    restore()
