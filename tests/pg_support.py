"""PostgreSQL for the tests: the server named by --pg-url or HOTLINE_TEST_PG_URL (scripts/pg.sh
start prints one; scripts/dev.sh test starts it), and a fresh database per test, copied from a
template migrated once per session (CREATE DATABASE … TEMPLATE is fast)."""

from __future__ import annotations

import itertools
import os

ENV_TEST_PG_URL = "HOTLINE_TEST_PG_URL"
_url: str | None = None
_counter = itertools.count(1)
_template: str | None = None


def configure(url: str | None) -> None:
    global _url
    _url = (url or "").strip() or None


def server_url() -> str | None:
    """The test server's URL (its database is only used to connect), None when not given."""
    return _url


def url_for(database: str) -> str:
    from sqlalchemy import make_url

    assert _url, "no PostgreSQL test server"
    return make_url(_url).set(database=database).render_as_string(hide_password=False)


def _admin():
    from sqlalchemy import create_engine

    return create_engine(url_for("postgres"), isolation_level="AUTOCOMMIT", poolclass=_null_pool())


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _run(*statements: str) -> None:
    engine = _admin()
    try:
        with engine.connect() as con:
            for st in statements:
                con.exec_driver_sql(st)
    finally:
        engine.dispose()


def empty_database() -> str:
    """A new database with no tables; returns its URL."""
    name = f"t{os.getpid()}_{next(_counter)}"
    _run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    return url_for(name)


def fresh_database() -> str:
    """A new database at the head revision (a copy of the session's template); its URL."""
    global _template
    if _template is None:
        from hotline_desktop.db.engine import make_server_engine, upgrade

        name = f"tpl{os.getpid()}"
        _run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        engine = make_server_engine(url_for(name))
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        _template = name
    name = f"t{os.getpid()}_{next(_counter)}"
    _run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name} TEMPLATE {_template}")
    return url_for(name)


def drop(url: str) -> None:
    from sqlalchemy import make_url

    _run(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")


def drop_template() -> None:
    global _template
    if _template:
        _run(f"DROP DATABASE IF EXISTS {_template} WITH (FORCE)")
        _template = None
