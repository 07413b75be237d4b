"""The one Alembic chain creates and upgrades both backends: every step up, then the models
match what the migrations built (SQLite and PostgreSQL)."""

import pg_support
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from hotline_desktop.db.engine import HEAD, REVISIONS, make_engine, make_server_engine, upgrade
from hotline_desktop.db.models import Base

BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.skipif(
    not pg_support.server_url(), reason="no PostgreSQL test server (--pg-url)"))]


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    if request.param == "sqlite":
        e = make_engine(tmp_path / "m.db")
        yield e
        e.dispose()
        return
    url = pg_support.empty_database()
    e = make_server_engine(url)
    yield e
    e.dispose()
    pg_support.drop(url)


def _structural(diff, dialect: str) -> list:
    """Differences that matter. Alembic compares server defaults loosely; SQLite's kb_fts is an
    FTS5 virtual table without a model; on PostgreSQL the two expression indexes (lower(code),
    the trigram index) have no column form: the model's plain unique index on code stands for
    ux_units_code_nocase (test_codes_are_unique_whatever_their_case_on_postgresql checks it)."""
    out = []
    for d in diff:
        if d[0] == "modify_default":
            continue
        if d[0] == "remove_table" and d[1].name.startswith("kb_fts"):
            continue
        if (dialect == "postgresql" and d[0] in ("add_index", "remove_index")
                and d[1].name in ("ux_units_code_nocase", "ix_kb_versions_trgm")):
            continue
        out.append(d)
    return out


def _schema(engine) -> dict:
    insp = inspect(engine)
    return {t: (sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)),
                sorted(str(sorted(i["column_names"] or [])) + i["name"] for i in insp.get_indexes(t)),
                sorted(str(fk["referred_table"]) + str(fk["constrained_columns"]) for fk in insp.get_foreign_keys(t)))
            for t in insp.get_table_names()}


def test_every_migration_step_up_then_models_match(engine, tmp_path):
    for rev in REVISIONS:
        upgrade(engine, rev)
        with engine.connect() as con:
            assert con.execute(text("SELECT version_num FROM alembic_version")).scalar() == rev
    with engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    assert _structural(diff, engine.dialect.name) == []


def test_step_by_step_builds_the_same_schema_as_at_once(engine, tmp_path):
    for rev in REVISIONS:
        upgrade(engine, rev)
    stepped = _schema(engine)
    if engine.dialect.name == "sqlite":
        other = make_engine(tmp_path / "once.db")
    else:
        other = make_server_engine(pg_support.empty_database())
    try:
        upgrade(other, HEAD)
        assert _schema(other) == stepped
    finally:
        other.dispose()
        if engine.dialect.name != "sqlite":
            pg_support.drop(other.url.render_as_string(hide_password=False))


@pytest.mark.skipif(not pg_support.server_url(), reason="no PostgreSQL test server (--pg-url)")
def test_codes_are_unique_whatever_their_case_on_postgresql():
    import sqlalchemy as sa

    url = pg_support.fresh_database()
    e = make_server_engine(url)
    try:
        with e.begin() as con:
            con.execute(text("INSERT INTO units (code, name, kind) VALUES ('C0101', '文苑社区', 'community')"))
        with pytest.raises(sa.exc.IntegrityError), e.begin() as con:
            con.execute(text("INSERT INTO units (code, name, kind) VALUES ('c0101', '别的社区', 'community')"))
    finally:
        e.dispose()
        pg_support.drop(url)
