"""Move an office's database to another backend: `hotline-desktop migrate-db --to TARGET`.

TARGET is a PostgreSQL URL (postgresql+psycopg://…) or, back to SQLite, a data folder or a
.db file. Everything is copied (db/transfer.py), evidence files included, and the copy is
verified twice: row counts per table, and the ranking JSON of every (year, scheme) scored on
the target equal to the source's, byte for byte. A target that is not empty is refused unless
`force`; a failed copy leaves it empty (PostgreSQL: one transaction; SQLite: a temporary file
renamed into place only when verified).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hotline_desktop.db import transfer as tx
from hotline_desktop.db.engine import upgrade_on
from hotline_desktop.paths import DB_FILENAME, DataPaths
from hotline_desktop.services.errors import ServiceError


@dataclass
class MigrationReport:
    target: str
    rows: dict[str, int]
    years: list[str] = field(default_factory=list)  # "2026 ganxian-2023-hotline" compared equal
    evidence_files: int = 0

    def summary(self) -> str:
        total = sum(self.rows.values())
        lines = [f"已复制到：{self.target}",
                 f"共 {len(self.rows)} 张表、{total} 行，每张表行数与原数据库一致"]
        if self.years:
            lines.append(f"已逐年核对排名结果（{len(self.years)} 个考核年度/方案），与原数据库完全一致："
                         + "、".join(self.years))
        if self.evidence_files:
            lines.append(f"证明材料文件 {self.evidence_files} 个")
        return "\n".join(lines)


def is_url(target: str) -> bool:
    return "://" in str(target)


def redacted(url: str) -> str:
    """A URL as it may be printed: without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is reported by whoever opens it
        return url


def _rankings(services) -> dict[str, str]:
    from hotline_desktop.core.scoring.case import dumps_result

    out = {}
    for row in services.assessment.assignments():
        out[f"{row.year} {row.scheme_id}"] = dumps_result(services.rankings.live(row.id).result())
    return out


def _source_engine(services):
    return services.store.engine


def _pg_paths(url: str, root: Path) -> DataPaths:
    return DataPaths(root, database_url=url)


def _open_target(target_paths: DataPaths):
    from hotline_desktop.services.app import AppServices

    return AppServices.open(target_paths, lock=False, auto_backup=False)


def migrate(services, target: str, *, force: bool = False, progress=None) -> MigrationReport:
    """Copy the open database (`services`) to `target` and verify it; see the module doc."""
    before = _rankings(services)
    if is_url(target):
        return _to_server(services, str(target), before, force=force, progress=progress)
    return _to_sqlite(services, Path(target), before, force=force, progress=progress)


def _verify(target_services, before: dict[str, str], rows: dict[str, int], src_counts: dict[str, int],
            skip: frozenset[str] = frozenset()) -> list[str]:
    after_counts = tx.count_rows(target_services.store.engine, skip)
    bad = [f"{t}：原 {n} 行，目标 {after_counts.get(t, 0)} 行" for t, n in src_counts.items()
           if after_counts.get(t, 0) != n]
    if bad:
        raise ServiceError("复制后核对行数不一致：" + "；".join(bad))
    after = _rankings(target_services)
    differ = [k for k in before if after.get(k) != before[k]] + [k for k in after if k not in before]
    if differ:
        raise ServiceError("复制后核对排名结果不一致：" + "、".join(differ))
    return sorted(before)


def _to_server(services, url: str, before, *, force: bool, progress) -> MigrationReport:
    from hotline_desktop.db.engine import make_server_engine

    try:
        dst = make_server_engine(url)
    except ValueError as e:  # a malformed or unsupported URL (Chinese already)
        raise ServiceError(str(e)) from None
    try:
        problem = tx.target_problem(dst)
    except Exception as e:  # noqa: BLE001 - a server that does not answer, a refused login
        dst.dispose()
        raise ServiceError(f"无法连接目标数据库 {redacted(url)}：{_first_line(e)}") from e
    try:
        if problem and not force:
            raise ServiceError(f"{problem}，未复制。确认要覆盖时请加 --force。\n目标：{redacted(url)}")
        if problem or tx.has_our_tables(dst):
            tx.drop_ours(dst)
        src_counts = tx.count_rows(_source_engine(services))
        try:
            rows = tx.copy_database(_source_engine(services), dst, upgrade_on, progress=progress)
        except tx.TransferError as e:
            raise ServiceError(str(e)) from e
    finally:
        dst.dispose()
    with tempfile.TemporaryDirectory(prefix="hotline-migrate-") as tmp:
        target = _open_target(_pg_paths(url, Path(tmp)))
        try:
            evidence = _copy_evidence(services, target)
            # from SQLite the evidence files became evidence_blobs chunks: counted as files instead
            skip = frozenset() if _on_server(services) else frozenset({"evidence_blobs"})
            years = _verify(target, before, rows, {t: n for t, n in src_counts.items() if t not in skip}, skip)
        except BaseException:
            target.close()
            _empty_server(url)  # nothing half-copied stays behind
            raise
        target.close()
    return MigrationReport(redacted(url), rows, years, evidence)


def _empty_server(url: str) -> None:
    from hotline_desktop.db.engine import make_server_engine

    with contextlib.suppress(Exception):
        dst = make_server_engine(url)
        try:
            tx.drop_ours(dst)
        finally:
            dst.dispose()


def _to_sqlite(services, target: Path, before, *, force: bool, progress) -> MigrationReport:
    db_file = target if target.suffix.lower() == ".db" else target / DB_FILENAME
    root = db_file.parent
    if db_file.exists() and not force:
        problem = _sqlite_target_problem(db_file)
        if problem:
            raise ServiceError(f"{problem}，未复制。确认要覆盖时请加 --force。\n目标：{db_file}")
    src_file = None if services.store.paths.on_server else services.store.paths.database
    if src_file is not None and db_file.resolve() == src_file.resolve():
        raise ServiceError(f"目标就是当前数据库，未复制：{db_file}")
    root.mkdir(parents=True, exist_ok=True)
    tmp = db_file.with_name(f".{db_file.name}.migrating")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        p.unlink(missing_ok=True)
    from hotline_desktop.db.engine import make_engine

    skip = frozenset({"evidence_blobs"}) if _on_server(services) else frozenset()  # files in the folder instead
    try:
        src_counts = tx.count_rows(_source_engine(services), skip)
        dst = make_engine(tmp)
        try:
            rows = tx.copy_database(_source_engine(services), dst, upgrade_on, progress=progress, skip=skip)
        except tx.TransferError as e:
            raise ServiceError(str(e)) from e
        finally:
            dst.dispose()
        # verify on the temporary copy, in a data folder of its own, before it replaces anything
        with tempfile.TemporaryDirectory(prefix="hotline-migrate-", dir=root) as vdir:
            vpaths = DataPaths(Path(vdir))
            vpaths.ensure()
            shutil.copyfile(tmp, vpaths.database)
            target_services = _open_target(vpaths)
            try:
                years = _verify(target_services, before, rows, src_counts, skip)
            finally:
                target_services.close()
        evidence = _copy_evidence(services, None, DataPaths(root))
        tx.replace_file(tmp, db_file)
    finally:
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            p.unlink(missing_ok=True)
    return MigrationReport(str(db_file), rows, years, evidence)


def _sqlite_target_problem(db_file: Path) -> str | None:
    """Why an existing SQLite file may not be replaced without --force: it holds data, or it is
    not a hotline database at all (None: a hotline database with no rows in any data table)."""
    from hotline_desktop.db.engine import DbState, inspect_database, make_engine

    insp = inspect_database(db_file)
    if insp.state is DbState.NEW:
        return None
    if insp.state not in (DbState.CURRENT, DbState.OLDER):
        return "目标文件已存在，且不是可用的热线考核数据库"
    engine = make_engine(db_file)
    try:
        counts = tx.count_rows(engine)
    finally:
        engine.dispose()
    filled = sum(n for t, n in counts.items() if t != "app_meta")
    return f"目标数据库已有数据（{filled} 行）" if filled else None


def _on_server(services) -> bool:
    return services.store.engine.dialect.name == "postgresql"


def _copy_evidence(source, target, folder_paths: DataPaths | None = None) -> int:
    """Evidence contents from the source's store into the target's: the target services' store,
    or (an SQLite target being built) the folder store of `folder_paths`. Between two server
    databases the chunks went with the rows already."""
    from hotline_desktop.db.evidence_repository import EvidenceRepository
    from hotline_desktop.db.evidence_store import FolderEvidenceStore

    with source.store.session() as s:
        items = EvidenceRepository(s).contents()
    names = dict(items)
    src = source.evidence.blobs
    if target is not None:
        dst, dst_store = target.evidence.blobs, target.store
    else:
        dst, dst_store = FolderEvidenceStore(folder_paths.evidence, folder_paths.trash), None
    if src.kind == "database" and dst.kind == "database":
        return len(names)
    n = 0
    with tempfile.TemporaryDirectory(prefix="hotline-evidence-") as tmp:
        for sha, name in names.items():
            staged = Path(tmp) / sha
            try:
                src.read_to(sha, staged, name)
            except ServiceError:
                continue  # a file already missing in the source stays missing (its row says so)
            if dst_store is not None:
                with dst_store.session() as s:
                    dst.put(s, sha, staged, name)
            else:
                dst.put(None, sha, staged, name)
            staged.unlink(missing_ok=True)
            n += 1
    return n


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__
