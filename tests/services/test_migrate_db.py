"""migrate-db: the whole database copied to another backend, verified; refusals; nothing half-copied."""

import sqlite3

import pg_support
import pytest

from hotline_desktop.cli import main
from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.db import transfer as tx
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.case_export import ranking_json
from hotline_desktop.services.demo import create_demo
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.transfer import migrate


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "data"
    s = AppServices.open(DataPaths(root))
    create_demo(s)
    s.close()
    return root


def _counts(db):
    con = sqlite3.connect(db)
    try:
        return {t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in tx.data_tables()}
    finally:
        con.close()


def test_demo_copied_to_a_new_sqlite_folder_scores_the_same(demo_dir, tmp_path, capsys):
    target = tmp_path / "moved"
    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", str(target)]) == 0
    out = capsys.readouterr().out
    assert "每张表行数与原数据库一致" in out and "与原数据库完全一致" in out
    src, dst = _counts(demo_dir / "hotline.db"), _counts(target / "hotline.db")
    assert src == dst and src["monthly_values"] > 1000 and src["notices"] > 0 and src["kb_versions"] > 0
    a, b = AppServices.open(DataPaths(demo_dir), lock=False), AppServices.open(DataPaths(target), lock=False)
    try:
        years = a.assessment.assignments()
        assert len(years) >= 3
        for row in years:
            assert ranking_json(a, row.scheme_id, row.year) == ranking_json(b, row.scheme_id, row.year)
        # the copy is a working database: search (FTS built by the target's own triggers), new ids
        assert b.kb.search_ids("社保") == a.kb.search_ids("社保")
        unit = b.units.list()[0]
        assert b.evidence.list(years[0].id) == a.evidence.list(years[0].id)
        before = {n.number for n in b.notices.rows()}
        assert unit.id in {u.id for u in a.units.list()} and before == {n.number for n in a.notices.rows()}
    finally:
        a.close()
        b.close()
    assert sorted(p.name for p in (target / "evidence").rglob("*") if p.is_file()) == \
        sorted(p.name for p in (demo_dir / "evidence").rglob("*") if p.is_file())


def test_a_non_empty_target_is_refused_unless_forced(demo_dir, tmp_path, capsys):
    target = tmp_path / "t"
    s = AppServices.open(DataPaths(target))
    s.close()
    # an existing but empty database is no obstacle
    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", str(target)]) == 0
    capsys.readouterr()
    s = AppServices.open(DataPaths(target))
    s.units.create(UnitDraft(code="X1", name="已有单位"))
    s.close()
    before = (target / "hotline.db").read_bytes()
    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", str(target)]) == 2
    err = capsys.readouterr().err
    assert "目标数据库已有数据" in err and "--force" in err and "Traceback" not in err
    assert (target / "hotline.db").read_bytes() == before
    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", str(target), "--force"]) == 0
    s = AppServices.open(DataPaths(target), lock=False)
    assert "X1" not in {u.code for u in s.units.list()}
    s.close()
    assert _counts(target / "hotline.db") == _counts(demo_dir / "hotline.db")


def test_a_failed_copy_leaves_no_target(demo_dir, tmp_path, monkeypatch):
    target = tmp_path / "t"
    real = tx.copy_rows

    def broken(*args):
        real(*args)
        raise tx.TransferError("复制中断（测试）")

    monkeypatch.setattr(tx, "copy_rows", broken)
    s = AppServices.open(DataPaths(demo_dir), lock=False)
    try:
        with pytest.raises(ServiceError, match="复制中断"):
            migrate(s, str(target))
    finally:
        s.close()
    assert not (target / "hotline.db").exists()
    assert [p.name for p in target.iterdir()] == [] if target.exists() else True


def test_copying_onto_itself_is_refused(demo_dir):
    s = AppServices.open(DataPaths(demo_dir), lock=False)
    try:
        with pytest.raises(ServiceError):
            migrate(s, str(demo_dir), force=True)
    finally:
        s.close()


def test_unreachable_server_is_a_chinese_error(demo_dir, capsys):
    url = "postgresql+psycopg://nobody:secret@/nodb?host=/nonexistent-socket-dir"
    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", url]) == 2
    err = capsys.readouterr().err
    assert "无法连接目标数据库" in err and "secret" not in err and "Traceback" not in err


pg = pytest.mark.skipif(not pg_support.server_url(), reason="needs a PostgreSQL test server (--pg-url)")


@pytest.fixture
def pg_url():
    url = pg_support.empty_database()
    yield url
    pg_support.drop(url)


@pg
def test_demo_to_postgresql_and_back_scores_the_same(demo_dir, tmp_path, pg_url, capsys):
    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", pg_url]) == 0
    out = capsys.readouterr().out
    assert "与原数据库完全一致" in out and "证明材料文件 4 个" in out
    assert "postgres@" in out and "password" not in out
    server = AppServices.open(DataPaths(tmp_path / "seat", pg_url), lock=False, auto_backup=False)
    try:
        ev = server.evidence
        rows = [r for ys in server.assessment.assignments() for r in ev.list(ys.id)]
        assert rows and ev.blobs.kind == "database"
        viewed = ev.path_for_viewing(rows[0].id)  # the bytes are in the server database
        assert viewed.read_bytes() == (demo_dir / "evidence" / rows[0].sha256[:2] / rows[0].sha256).read_bytes()
        # new rows on the server continue after the copied ids
        n = server.notices.rows()
        assert n
        assert server.units.create(UnitDraft(code="NEW1", name="新单位")).id > max(u.id for u in server.units.list()
                                                                                   if u.code != "NEW1")
    finally:
        server.close()
    back = tmp_path / "back"
    assert main(["--database-url", pg_url, "--data-dir", str(tmp_path / "seat"), "migrate-db", "--to", str(back)]) == 0
    assert "与原数据库完全一致" in capsys.readouterr().out
    src, dst = _counts(demo_dir / "hotline.db"), _counts(back / "hotline.db")
    assert dst["units"] == src["units"] + 1 and {k: v for k, v in dst.items() if k not in ("units", "audit_log")} == \
        {k: v for k, v in src.items() if k not in ("units", "audit_log")}
    assert dst["evidence_blobs"] == 0  # SQLite keeps evidence in its folder
    assert sorted(p.name for p in (back / "evidence").rglob("*") if p.is_file()) == \
        sorted(p.name for p in (demo_dir / "evidence").rglob("*") if p.is_file())


@pg
def test_a_filled_server_is_refused_and_a_failed_copy_leaves_it_empty(demo_dir, pg_url, monkeypatch, capsys):
    from hotline_desktop.db.engine import make_server_engine

    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", pg_url]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", pg_url]) == 2
    assert "目标数据库已有热线考核数据" in capsys.readouterr().err
    real = tx.copy_rows

    def broken(*args):
        real(*args)
        raise tx.TransferError("复制中断（测试）")

    monkeypatch.setattr(tx, "copy_rows", broken)
    assert main(["--data-dir", str(demo_dir), "migrate-db", "--to", pg_url, "--force"]) == 2
    assert "复制中断" in capsys.readouterr().err
    engine = make_server_engine(pg_url)
    try:
        from sqlalchemy import inspect

        assert inspect(engine).get_table_names() == []  # dropped for --force, and nothing half-copied
    finally:
        engine.dispose()
