import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# shared helpers that are not fixtures (tests/xlsx_builder.py) import by name from every layer
sys.path.insert(0, str(Path(__file__).parent))

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


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
