"""SQL of the knowledge-base aggregate (entry + versions + checks + events + feedback).

The FTS5 trigram index (kb_fts, rowid = kb_versions.id) is kept in sync by the triggers of
migration 0005; this repository only queries it. On PostgreSQL the same searches are ILIKE over
the versions, served by migration 0005's pg_trgm GIN index (nothing to keep in sync).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from hotline_desktop.core.gc_pause import gc_paused
from hotline_desktop.core.kb import SUPERSEDED, EntryFacts, FeedbackFacts, Form, Status
from hotline_desktop.db.dialect import driver_sql, is_sqlite, like_escape, sync_ids
from hotline_desktop.db.models import KbCheck, KbEntry, KbEvent, KbFeedback, KbVersion
from hotline_desktop.db.repositories import operator_of

ENTRY_COLS = ("unit_id", "category", "form", "status", "published_version_id", "working_version_id",
              "first_published", "published_on", "review_by", "withdrawn_on", "withdraw_reason")
VERSION_COLS = ("number", "status", "question", "answer", "basis_name", "basis_number",
                "basis_attachments", "effective_date", "published_on")
CHECK_COLS = ("version_id", "round", "item", "passed", "comment", "reviewed_on")
EVENT_COLS = ("kind", "day", "version_number", "note")
FEEDBACK_COLS = ("problem_type", "note", "raised_on", "due_on", "closed_on", "closed_version")


@dataclass(frozen=True)
class Snapshot:
    """Every row of one entry, as plain dicts with their ids (for undo = restore)."""

    entry: dict[str, Any]
    versions: tuple[dict[str, Any], ...]
    checks: tuple[dict[str, Any], ...]
    events: tuple[dict[str, Any], ...]
    feedback: tuple[dict[str, Any], ...]


class EntryRow(NamedTuple):
    """One line of the register: the entry and the version shown (published, else working).

    `status` is the entry's public state (已发布 while a published version is in use, even during a
    revision); `working_status` the state of its newest version in the workflow. A NamedTuple:
    20,000 of them are built in a few milliseconds.
    """

    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    category: str
    form: str
    status: str
    question: str
    answer: str
    basis: str
    version: int  # number of the shown version
    working_version: int  # number of the newest version
    published_on: date | None
    review_by: date | None
    open_feedback: int = 0
    overdue_feedback: int = 0
    basis_name: str = ""
    basis_number: str = ""
    basis_attachments: int = 0
    effective_date: date | None = None
    working_status: str = ""

    @property
    def revising(self) -> bool:
        return self.working_version > self.version


def _row(obj, cols: Sequence[str]) -> dict[str, Any]:
    d = {c: getattr(obj, c) for c in cols}
    d["id"] = obj.id
    return d


def _d(v) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


KB_TABLES = ("kb_entries", "kb_versions", "kb_checks", "kb_events", "kb_feedback")
# migration 0005's trigram-indexed expression, column by column (PostgreSQL)
PG_SEARCH_EXPR = "v.question || ' ' || v.answer || ' ' || v.basis_name || ' ' || v.basis_number"

# The entry's public state: published while a published version is in use (also during a revision).
PUBLIC = "(CASE WHEN e.published_version_id IS NOT NULL AND e.status != 'withdrawn' THEN 'published' ELSE e.status END)"


class KbRepository:
    def __init__(self, session: Session):
        self.s = session

    # -- aggregate ----------------------------------------------------------------------------
    def entry(self, entry_id: int) -> KbEntry | None:
        return self.s.get(KbEntry, entry_id)

    def version(self, version_id: int | None) -> KbVersion | None:
        return self.s.get(KbVersion, version_id) if version_id else None

    def versions(self, entry_id: int) -> list[KbVersion]:
        return list(self.s.scalars(select(KbVersion).where(KbVersion.entry_id == entry_id).order_by(KbVersion.number)))

    def checks(self, version_id: int) -> list[KbCheck]:
        return list(self.s.scalars(
            select(KbCheck).where(KbCheck.version_id == version_id).order_by(KbCheck.round, KbCheck.item)))

    def last_round(self, version_id: int) -> list[KbCheck]:
        rows = self.checks(version_id)
        if not rows:
            return []
        last = max(r.round for r in rows)
        return [r for r in rows if r.round == last]

    def events(self, entry_id: int) -> list[KbEvent]:
        return list(self.s.scalars(select(KbEvent).where(KbEvent.entry_id == entry_id).order_by(KbEvent.id)))

    def feedback(self, entry_id: int) -> list[KbFeedback]:
        return list(self.s.scalars(select(KbFeedback).where(KbFeedback.entry_id == entry_id).order_by(KbFeedback.id)))

    def feedback_item(self, feedback_id: int) -> KbFeedback | None:
        return self.s.get(KbFeedback, feedback_id)

    def add_entry(self, **fields) -> KbEntry:
        e = KbEntry(**fields)
        self.s.add(e)
        self.s.flush()
        return e

    def add_version(self, **fields) -> KbVersion:
        v = KbVersion(**fields)
        self.s.add(v)
        self.s.flush()
        return v

    def add(self, obj) -> Any:
        self.s.add(obj)
        self.s.flush()
        return obj

    def delete_version(self, version_id: int) -> None:
        """Drop a version (a draft given up when its entry is withdrawn)."""
        v = self.version(version_id)
        if v is not None:
            self.s.delete(v)

    def snapshot(self, entry_id: int) -> Snapshot | None:
        e = self.entry(entry_id)
        if e is None:
            return None
        versions = self.versions(entry_id)
        checks = [c for v in versions for c in self.checks(v.id)]
        return Snapshot(
            _row(e, ENTRY_COLS),
            tuple(_row(v, VERSION_COLS) for v in versions),
            tuple(_row(c, CHECK_COLS) for c in checks),
            tuple(_row(ev, EVENT_COLS) for ev in self.events(entry_id)),
            tuple(_row(f, FEEDBACK_COLS) for f in self.feedback(entry_id)),
        )

    def snapshots(self, entry_ids: Iterable[int]) -> dict[int, Snapshot | None]:
        """`snapshot` of many entries in a few queries (undo of an import touches thousands)."""
        ids = sorted(set(entry_ids))
        out: dict[int, Snapshot | None] = dict.fromkeys(ids)
        if len(ids) < 50:
            return {i: self.snapshot(i) for i in ids}
        con = self.s.connection()

        def fetch(table: str, cols: Sequence[str], key: str, keys: list[int]) -> list[dict]:
            rows = []
            for i in range(0, len(keys), 500):
                chunk = ",".join(str(int(x)) for x in keys[i:i + 500])
                q = f"SELECT id, {key}, {', '.join(cols)} FROM {table} WHERE {key} IN ({chunk}) ORDER BY id"
                rows += con.exec_driver_sql(q).fetchall()
            return [dict(zip(("id", "_k", *cols), r, strict=True)) for r in rows]

        dates = {"first_published", "published_on", "review_by", "withdrawn_on", "effective_date", "reviewed_on",
                 "day", "raised_on", "due_on", "closed_on"}

        def typed(d: dict) -> dict:
            for k, v in d.items():
                if k in dates and isinstance(v, str):
                    d[k] = date.fromisoformat(v[:10])
                elif k == "passed":
                    d[k] = bool(v)
            return d

        entries = {r["id"]: typed(r) for r in fetch("kb_entries", ENTRY_COLS, "id", ids)}
        versions = [typed(r) for r in fetch("kb_versions", VERSION_COLS, "entry_id", list(entries))]
        by_v = {v["id"]: v["_k"] for v in versions}
        number = {v["id"]: v["number"] for v in versions}
        checks = [typed(r) for r in fetch("kb_checks", CHECK_COLS[1:], "version_id", sorted(by_v))]
        events = [typed(r) for r in fetch("kb_events", EVENT_COLS, "entry_id", list(entries))]
        feedback = [typed(r) for r in fetch("kb_feedback", FEEDBACK_COLS, "entry_id", list(entries))]
        group: dict[int, dict[str, list]] = {i: {"v": [], "c": [], "e": [], "f": []} for i in entries}
        for v in sorted(versions, key=lambda v: (v["_k"], v["number"])):
            group[v.pop("_k")]["v"].append(v)
        for c in checks:
            c["version_id"] = c.pop("_k")
            group[by_v[c["version_id"]]]["c"].append(c)
        for name, rows in (("e", events), ("f", feedback)):
            for r in rows:
                group[r.pop("_k")][name].append(r)
        for i, e in entries.items():
            e.pop("_k")
            g = group[i]
            checks_sorted = sorted(g["c"], key=lambda c: (number[c["version_id"]], c["round"], c["item"]))
            out[i] = Snapshot(e, tuple(g["v"]), tuple(checks_sorted), tuple(g["e"]), tuple(g["f"]))
        return out

    def restore(self, entry_id: int, snap: Snapshot | None) -> None:
        """Make the entry's rows exactly `snap` (None: the entry does not exist)."""
        con = self.s.connection()
        self.s.flush()
        con.execute(delete(KbEntry).where(KbEntry.id == entry_id))  # cascades to its rows
        self.s.expire_all()
        if snap is None:
            return
        con.execute(insert(KbEntry), [snap.entry | {"id": entry_id}])
        vers = [v | {"entry_id": entry_id} for v in snap.versions]
        if vers:
            con.execute(insert(KbVersion), vers)
        if snap.checks:
            con.execute(insert(KbCheck), list(snap.checks))
        if snap.events:
            con.execute(insert(KbEvent), [ev | {"entry_id": entry_id} for ev in snap.events])
        if snap.feedback:
            con.execute(insert(KbFeedback), [f | {"entry_id": entry_id} for f in snap.feedback])
        sync_ids(con, *KB_TABLES)

    # -- bulk (import) ------------------------------------------------------------------------
    def next_ids(self, *tables: str) -> tuple[int, ...]:
        """The next free id (max + 1) of each of these kb tables, for bulk-built rows."""
        assert set(tables) <= set(KB_TABLES), tables
        return tuple(self.s.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {t}")).scalar_one()
                     for t in tables)

    def bump_versions(self, entry_ids: list[int]) -> None:
        """An entry whose rows changed (its versions, checks, events: not only the entry row) moves on."""
        if entry_ids:
            self.s.connection().execute(text("UPDATE kb_entries SET version = version + 1 WHERE id = :i"),
                                        [{"i": i} for i in entry_ids])

    # The FTS triggers stand aside while app_meta holds this key (set and cleared inside one
    # transaction, so no other connection ever sees it); the bulk path indexes in one statement.
    _DEFER = "INSERT INTO app_meta(key, value) VALUES ('kb_fts_deferred', '1')"
    _UNDEFER = "DELETE FROM app_meta WHERE key = 'kb_fts_deferred'"
    _INDEX = ("INSERT INTO kb_fts(rowid, question, answer, basis) SELECT id, question, answer, "
              "basis_name || ' ' || basis_number FROM kb_versions WHERE id IN ({ids})")

    def insert_many(self, entries: list[dict], versions: list[dict], audit: list[dict]) -> None:
        """New entries with their versions and audit rows, indexed for search in one statement."""
        con = self.s.connection()
        self.s.flush()
        fts = is_sqlite(con)
        if entries:
            if fts:
                con.exec_driver_sql(self._DEFER)
            e_cols = list(entries[0])
            con.exec_driver_sql(driver_sql(
                f"INSERT INTO kb_entries({','.join(e_cols)}) VALUES ({','.join('?' * len(e_cols))})", con),
                [tuple(e[c] for c in e_cols) for e in entries])
            v_cols = list(versions[0])
            con.exec_driver_sql(driver_sql(
                f"INSERT INTO kb_versions({','.join(v_cols)}) VALUES ({','.join('?' * len(v_cols))})", con),
                [tuple(v[c] for c in v_cols) for v in versions])
            if fts:
                lo, hi = min(v["id"] for v in versions), max(v["id"] for v in versions)
                con.exec_driver_sql(self._INDEX.format(ids="SELECT id FROM kb_versions WHERE id BETWEEN ? AND ?"),
                                    (lo, hi))
                con.exec_driver_sql(self._UNDEFER)
            sync_ids(con, "kb_entries", "kb_versions")
        if audit:
            a_cols = [c for c in audit[0] if c != "operator"]
            operator = operator_of(self.s)
            con.exec_driver_sql(driver_sql(
                f"INSERT INTO audit_log({','.join(a_cols)}, operator) VALUES ({','.join('?' * (len(a_cols) + 1))})",
                con), [(*(a[c] for c in a_cols), operator) for a in audit])

    def restore_many(self, snaps: dict[int, Snapshot | None]) -> None:
        """`restore` for many entries at once (undo/redo of an import): index rows rewritten in bulk."""
        if len(snaps) < 50:
            for eid, snap in snaps.items():
                self.restore(eid, snap)
            return
        con = self.s.connection()
        self.s.flush()
        ids = sorted(snaps)
        fts = is_sqlite(con)
        if fts:
            con.exec_driver_sql(self._DEFER)
        for i in range(0, len(ids), 500):
            chunk = ",".join(str(int(x)) for x in ids[i:i + 500])
            if fts:
                con.exec_driver_sql(
                    f"DELETE FROM kb_fts WHERE rowid IN (SELECT id FROM kb_versions WHERE entry_id IN ({chunk}))")
            con.exec_driver_sql(f"DELETE FROM kb_entries WHERE id IN ({chunk})")
        self.s.expire_all()
        live = [(eid, snap) for eid, snap in snaps.items() if snap is not None]
        if live:
            con.execute(insert(KbEntry), [snap.entry | {"id": eid} for eid, snap in live])
            vers = [v | {"entry_id": eid} for eid, snap in live for v in snap.versions]
            if vers:
                con.execute(insert(KbVersion), vers)
            for model, attr in ((KbCheck, "checks"), (KbEvent, "events"), (KbFeedback, "feedback")):
                rows = [r | ({} if model is KbCheck else {"entry_id": eid}) for eid, snap in live
                        for r in getattr(snap, attr)]
                if rows:
                    con.execute(insert(model), rows)
            vids = [v["id"] for v in vers] if fts else []
            for i in range(0, len(vids), 500):
                con.exec_driver_sql(self._INDEX.format(ids=",".join(str(int(x)) for x in vids[i:i + 500])))
            sync_ids(con, *KB_TABLES)
        if fts:
            con.exec_driver_sql(self._UNDEFER)

    # -- the register -------------------------------------------------------------------------
    _ROWS_SQL = """
        SELECT e.id, e.unit_id, {UNIT}, e.category, e.form, {PUBLIC} AS public_status,
               v.question, {CONTENT},
               v.number, w.number, e.published_on, e.review_by,
               coalesce(f.open, 0), coalesce(f.overdue, 0), {BASIS}, e.status
        FROM kb_entries e
        {UNIT_JOIN}
        JOIN kb_versions v ON v.id = coalesce(e.published_version_id, e.working_version_id)
        JOIN kb_versions w ON w.id = e.working_version_id
        LEFT JOIN (SELECT entry_id, count(*) AS open, sum(CASE WHEN due_on < :today THEN 1 ELSE 0 END) AS overdue
                   FROM kb_feedback WHERE closed_on IS NULL GROUP BY entry_id) f ON f.entry_id = e.id
    """.replace("{PUBLIC}", PUBLIC)

    def rows(self, today: date, *, entry_ids: Iterable[int] | None = None, unit_id: int | None = None,
             status: str | None = None, category: str | None = None, answers: bool = True) -> list[EntryRow]:
        """Register rows. `answers=False` (the tab's list) leaves out the texts the list does not show
        (answer, basis) and takes unit codes and names from one small query: every column costs
        ~5 ms per 20,000 rows to hand to Python."""
        if answers:
            sql = (self._ROWS_SQL.replace("{UNIT}", "u.code, u.name")
                   .replace("{UNIT_JOIN}", "JOIN units u ON u.id = e.unit_id")
                   .replace("{CONTENT}", "v.answer, trim(v.basis_name || ' ' || v.basis_number) || CASE WHEN "
                            "v.basis_attachments > 0 THEN ' 附件' || v.basis_attachments || '件' ELSE '' END")
                   .replace("{BASIS}", "v.basis_name, v.basis_number, v.basis_attachments, v.effective_date"))
            units = None
        else:
            sql = (self._ROWS_SQL.replace("{UNIT}", "'', ''").replace("{UNIT_JOIN}", "")
                   .replace("{CONTENT}", "'', ''").replace("{BASIS}", "'', '', 0, NULL"))
            units = {i: (c, n) for i, c, n in self.s.connection().exec_driver_sql("SELECT id, code, name FROM units")}
        params: dict[str, Any] = {"today": today.isoformat()}
        where = []
        if entry_ids is not None:
            ids = sorted(set(entry_ids))
            if not ids:
                return []
            where.append(f"e.id IN ({','.join(str(int(i)) for i in ids)})")
        if unit_id is not None:
            where.append("e.unit_id = :unit")
            params["unit"] = unit_id
        if status is not None:
            where.append(f"{PUBLIC} = :status")
            params["status"] = status
        if category is not None:
            where.append("e.category = :cat")
            params["cat"] = category
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.id"
        iso = date.fromisoformat
        make = EntryRow._make
        out = []
        with gc_paused():  # 20,000 rows of tuples would set off several full collections
            con = self.s.connection()
            for r in con.exec_driver_sql(driver_sql(sql, con), params).fetchall():  # raw rows: fast
                r = list(r)
                if units is not None:
                    r[2], r[3] = units[r[1]]
                for k in (12, 13, 19):
                    if isinstance(r[k], str):  # SQLite hands dates back as text
                        r[k] = iso(r[k][:10])
                out.append(make(r))
        return out

    def open_feedback_rows(self) -> list[tuple]:
        """(feedback id, entry id, unit code, unit name, question, type, note, raised, due, closed)."""
        q = text("""
            SELECT f.id, e.id, u.code, u.name, v.question, f.problem_type, f.note, f.raised_on, f.due_on,
                   f.closed_on, f.closed_version
            FROM kb_feedback f JOIN kb_entries e ON e.id = f.entry_id JOIN units u ON u.id = e.unit_id
            JOIN kb_versions v ON v.id = coalesce(e.published_version_id, e.working_version_id)
            ORDER BY f.closed_on IS NOT NULL, f.due_on, f.id
        """)
        return [tuple(r[:7]) + (_d(r[7]), _d(r[8]), _d(r[9]), r[10]) for r in self.s.execute(q)]

    def overdue_count(self, today: date) -> int:
        return self.s.execute(
            text("SELECT count(*) FROM kb_feedback WHERE closed_on IS NULL AND due_on < :t"),
            {"t": today.isoformat()},
        ).scalar_one()

    def unit_questions(self) -> set[tuple[int, str]]:
        """(unit id, question) of every entry in use: a withdrawn entry's question may come again
        (nothing can bring a withdrawn entry back, so its unit submits it anew)."""
        q = text("SELECT e.unit_id, v.question FROM kb_entries e JOIN kb_versions v ON v.entry_id = e.id "
                 "WHERE v.status != :sup AND e.status != :wd")
        return {(u, qq) for u, qq in self.s.execute(q, {"sup": SUPERSEDED, "wd": Status.WITHDRAWN.value})}

    # -- search ---------------------------------------------------------------------------------
    def search_ids(self, query: str, limit: int | None = None) -> list[int]:
        """Entry ids whose current or published version contains `query` (any substring), best first.

        Three characters or more go through the trigram index, quoted as one FTS string so that
        `"`, `*`, NEAR, `-` are plain text; one or two characters scan the versions with LIKE.
        """
        q = query.strip()
        if not q:
            return []
        lim = f" LIMIT {int(limit)}" if limit else ""
        if not is_sqlite(self.s):
            return self._search_ids_pg(q, lim)
        if len(q) >= 3:
            fts = '"' + q.replace('"', '""') + '"'
            sql = text(
                "SELECT v.entry_id, min(m.score) AS best FROM "
                "(SELECT rowid AS vid, rank AS score FROM kb_fts WHERE kb_fts MATCH :q "
                "AND rank MATCH 'bm25(4.0, 1.0, 2.0)') m "
                "JOIN kb_versions v ON v.id = m.vid "
                "WHERE v.status != :sup GROUP BY v.entry_id ORDER BY best, v.entry_id" + lim
            )
            return [r[0] for r in self.s.execute(sql, {"q": fts, "sup": SUPERSEDED})]
        if not any("a" <= ch.lower() <= "z" for ch in q):  # no letter case to fold: instr is 3-5x faster
            sql = text(
                "SELECT v.entry_id, min(CASE WHEN instr(v.question, :q) THEN 0 WHEN instr(v.answer, :q) THEN 1 "
                "ELSE 2 END) AS score FROM kb_versions v WHERE v.status != :sup AND (instr(v.question, :q) "
                "OR instr(v.answer, :q) OR instr(v.basis_name, :q) OR instr(v.basis_number, :q)) "
                "GROUP BY v.entry_id ORDER BY score, v.entry_id" + lim
            )
            return [r[0] for r in self.s.execute(sql, {"q": q, "sup": SUPERSEDED})]
        like = like_escape(q)
        sql = text(
            "SELECT v.entry_id, min(CASE WHEN v.question LIKE :l ESCAPE '\\' THEN 0 "
            "WHEN v.answer LIKE :l ESCAPE '\\' THEN 1 ELSE 2 END) AS score FROM kb_versions v "
            "WHERE v.status != :sup AND (v.question LIKE :l ESCAPE '\\' OR v.answer LIKE :l ESCAPE '\\' "
            "OR v.basis_name LIKE :l ESCAPE '\\' OR v.basis_number LIKE :l ESCAPE '\\') "
            "GROUP BY v.entry_id ORDER BY score, v.entry_id" + lim
        )
        return [r[0] for r in self.s.execute(sql, {"l": like, "sup": SUPERSEDED})]

    def _search_ids_pg(self, q: str, lim: str) -> list[int]:
        """PostgreSQL: ILIKE over the searched text (the pg_trgm index of migration 0005 narrows
        it for three characters or more), best field first: question, answer, basis. The same
        entries as SQLite's FTS; within a field, entries come in id order (no bm25 there)."""
        sql = text(
            "SELECT v.entry_id, min(CASE WHEN v.question ILIKE :l THEN 0 WHEN v.answer ILIKE :l THEN 1 "
            "ELSE 2 END) AS score FROM kb_versions v WHERE v.status != :sup "
            f"AND ({PG_SEARCH_EXPR}) ILIKE :l AND (v.question ILIKE :l OR v.answer ILIKE :l "
            "OR v.basis_name ILIKE :l OR v.basis_number ILIKE :l) "
            "GROUP BY v.entry_id ORDER BY score, v.entry_id" + lim
        )
        return [r[0] for r in self.s.execute(sql, {"l": like_escape(q), "sup": SUPERSEDED})]

    # -- fed values -----------------------------------------------------------------------------
    def facts(self, unit_ids: Iterable[int] | None = None) -> list[EntryFacts]:
        where = ""
        if unit_ids is not None:
            ids = sorted(set(unit_ids))
            if not ids:
                return []
            where = f" WHERE unit_id IN ({','.join(str(int(i)) for i in ids)})"
        facts: dict[int, EntryFacts] = {}
        for eid, uid, form, first, withdrawn in self.s.execute(
            text("SELECT id, unit_id, form, first_published, withdrawn_on FROM kb_entries" + where)
        ):
            facts[eid] = EntryFacts(eid, uid, Form(form), _d(first), _d(withdrawn))
        if not facts:
            return []
        only = "" if unit_ids is None else f" AND entry_id IN ({','.join(str(i) for i in facts)})"
        for eid, kind, day, num in self.s.execute(
            text("SELECT entry_id, kind, day, version_number FROM kb_events WHERE kind IN ('publish','verify')" + only)
        ):
            f = facts.get(eid)
            if f is None:
                continue
            if kind == "verify":
                f.verified.append(_d(day))
            elif num and num > 1:
                f.revised_published.append(_d(day))
        for eid, raised, due, closed in self.s.execute(
            text("SELECT entry_id, raised_on, due_on, closed_on FROM kb_feedback WHERE 1 = 1" + only)
        ):
            f = facts.get(eid)
            if f is not None:
                f.feedback.append(FeedbackFacts(_d(raised), _d(due), _d(closed)))
        return list(facts.values())

    def feeds_year(self, year: int) -> bool:
        """Whether the register holds anything of `year` that counts: an entry published in it
        (first published by its end, not withdrawn before it) or a feedback item raised in it."""
        start, end = f"{year}-01-01", f"{year}-12-31"
        q = text(
            "SELECT EXISTS (SELECT 1 FROM kb_entries WHERE first_published <= :end "
            "AND (withdrawn_on IS NULL OR withdrawn_on >= :start)) "
            "OR EXISTS (SELECT 1 FROM kb_feedback WHERE raised_on BETWEEN :start AND :end)"
        )
        return bool(self.s.execute(q, {"start": start, "end": end}).scalar_one())

    def unit_ids_of(self, entry_ids: Iterable[int]) -> dict[int, int]:
        ids = sorted(set(entry_ids))
        if not ids:
            return {}
        q = f"SELECT id, unit_id FROM kb_entries WHERE id IN ({','.join(str(int(i)) for i in ids)})"
        return dict(self.s.connection().exec_driver_sql(q).fetchall())

    def count(self) -> int:
        return self.s.execute(text("SELECT count(*) FROM kb_entries")).scalar_one()
