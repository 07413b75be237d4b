"""Live between seats on PostgreSQL: migration 0012's triggers, the listener, and LiveSync turning
another seat's commits into the service events a local edit emits (PostgreSQL only)."""

import queue
import threading
import time

import pg_support
import pytest
from sqlalchemy import text

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.core.scoring.case import dumps_result
from hotline_desktop.db.live import RESYNC, ChangeListener, RemoteChange
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.live import LiveSync, seat_listener

pytestmark = pytest.mark.skipif(not pg_support.server_url(), reason="needs a PostgreSQL test server (--pg-url)")
YEAR, SCHEME, MONTH = 2026, "ganxian-2023-hotline", "2026-03"


class Seat:
    """One seat: its services, its listener thread and what reached it."""

    def __init__(self, url, root):
        self.services = AppServices.open(DataPaths(root, url), lock=False, auto_backup=False)
        self.inbox: queue.Queue = queue.Queue()
        self.listener = seat_listener(self.services, heartbeat=0.5, retry=0.1)
        self.thread = threading.Thread(target=self.listener.run, args=(self.inbox.put,), daemon=True)
        self.thread.start()
        assert self.listener.connected.wait(10)
        self.sync = LiveSync(self.services)

    def receive(self, timeout=5.0) -> list[RemoteChange]:
        batch = list(self.inbox.get(timeout=timeout))
        while True:
            try:
                batch += self.inbox.get_nowait()
            except queue.Empty:
                return batch

    def quiet(self, wait=0.3) -> bool:
        time.sleep(wait)
        return self.inbox.empty()

    def close(self):
        self.listener.stop()
        self.thread.join(5)
        self.services.close()


@pytest.fixture
def url():
    u = pg_support.fresh_database()
    yield u
    pg_support.drop(u)


@pytest.fixture
def seats(url, tmp_path):
    setup = AppServices.open(DataPaths(tmp_path / "setup", url), lock=False, auto_backup=False)
    setup.units.create_many([UnitDraft(code=f"JD{i:02d}", name=f"测试{i:02d}街道", kind=UnitKind.TOWN) for i in range(6)]
                            + [UnitDraft(code=f"SQ{i:02d}", name=f"测试{i:02d}社区", kind=UnitKind.COMMUNITY)
                               for i in range(12)])
    ys = setup.assessment.assign(YEAR, SCHEME)
    units = {u.code: u.id for u in setup.units.list()}
    setup.assessment.set_values(ys.id, [CellEdit(uid, MONTH, "volume", str(10 + i)) for i, uid in enumerate(units.values())])
    setup.close()
    a, b = Seat(url, tmp_path / "a"), Seat(url, tmp_path / "b")
    yield a, b, ys, units
    a.close()
    b.close()


def test_a_figure_committed_by_one_seat_moves_the_other_seats_ranking_within_a_second(seats, tmp_path, url):
    a, b, ys, units = seats
    live_b = b.services.rankings.live(ys.id)
    seen = []
    b.services.assessment.values_changed.connect(lambda y, ch: seen.extend(ch))
    moved = []
    live_b.changed.connect(moved.append)
    version = a.services.assessment.monthly_versions(ys.id, MONTH)[(units["JD01"], "volume")]
    t0 = time.perf_counter()
    a.services.assessment.set_values(ys.id, [CellEdit(units["JD01"], MONTH, "volume", "999", version)])
    b.sync.apply(b.receive())
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0
    assert [(c.unit_id, c.month, c.key, c.new.text) for c in seen] == [(units["JD01"], MONTH, "volume", "999")]
    assert seen[0].version == version + 1  # B's grid will name the new version on its next edit
    assert moved and "JD01" in moved[-1]
    fresh = AppServices.open(DataPaths(tmp_path / "fresh", url), lock=False, auto_backup=False)
    try:
        assert dumps_result(live_b.result()) == dumps_result(fresh.rankings.live(ys.id).result())
    finally:
        fresh.close()
    assert a.quiet()  # a seat is not told about its own changes


def test_cleared_cells_and_a_bulk_paste_reach_the_other_seat(seats, tmp_path, url):
    a, b, ys, units = seats
    live_b = b.services.rankings.live(ys.id)
    a.services.assessment.set_values(ys.id, [CellEdit(units["SQ03"], MONTH, "volume", None)])
    b.sync.apply(b.receive())
    # a paste of many new cells: one INSERT statement, sent as its (year scheme, month) scope
    edits = [CellEdit(uid, f"{YEAR}-{m:02d}", "volume", str(m * 7)) for uid in units.values() for m in (5, 6, 7)]
    a.services.assessment.set_values(ys.id, edits)
    batch = b.receive()
    b.sync.apply(batch)
    fresh = AppServices.open(DataPaths(tmp_path / "fresh", url), lock=False, auto_backup=False)
    try:
        assert dumps_result(live_b.result()) == dumps_result(fresh.rankings.live(ys.id).result())
    finally:
        fresh.close()


def test_payloads_stay_under_the_limit_and_say_their_scope(url):
    from hotline_desktop.db.engine import make_server_engine

    engine = make_server_engine(url)
    got = []
    listener = ChangeListener.for_engine(engine, "observer")
    t = threading.Thread(target=listener.run, args=(got.extend,), daemon=True)
    t.start()
    assert listener.connected.wait(10)
    try:
        with engine.begin() as con:
            con.execute(text("INSERT INTO units (code, name, kind) SELECT 'U' || g, '单位' || g, 'town' "
                             "FROM generate_series(1, 3000) g"))
        deadline = time.time() + 5
        while not got and time.time() < deadline:
            time.sleep(0.02)
        [c] = got
        assert c.table == "units" and c.op == "INSERT" and c.keys is None and c.scope is None and c.rows == 3000
        got.clear()
        with engine.begin() as con:
            con.execute(text("UPDATE units SET name = name || '·' WHERE code IN ('U1', 'U2')"))
        deadline = time.time() + 5
        while not got and time.time() < deadline:
            time.sleep(0.02)
        assert got[0].op == "UPDATE" and sorted(got[0].keys) == sorted(
            (i,) for i in engine.connect().execute(text("SELECT id FROM units WHERE code IN ('U1','U2')")).scalars())
    finally:
        listener.stop()
        t.join(5)
        engine.dispose()


def test_units_and_notices_from_another_seat_arrive_as_their_service_events(seats):
    from datetime import date

    from hotline_desktop.services.notices import NoticeDraft
    from hotline_desktop.services.units import draft_of

    a, b, ys, units = seats
    unit_events, notice_events = [], []
    b.services.units.changed.connect(lambda ids, what: unit_events.append((ids, what)))
    b.services.notices.changed.connect(notice_events.extend)
    d = draft_of(a.services.units.get(units["JD02"]))
    d.name = "改名街道"
    a.services.units.update(units["JD02"], d)
    b.sync.apply(b.receive())
    assert unit_events == [([units["JD02"]], "update")] and b.services.units.get(units["JD02"]).name == "改名街道"
    row = a.services.notices.issue(NoticeDraft(units["JD02"], "hotline", "written", date(YEAR, 3, 2), 5, content="测试"))
    b.sync.apply(b.receive())
    assert [c.new.number for c in notice_events] == [row.number] and notice_events[0].remote


def test_evidence_added_and_removed_by_another_seat_reaches_the_other_seats_evidence_event(seats, tmp_path):
    a, b, ys, units = seats
    key = next(i.key for i in a.services.assessment.scheme(ys.id).annual_inputs)
    seen = []
    b.services.evidence.changed.connect(seen.extend)
    src = tmp_path / "会议纪要.pdf"
    src.write_bytes(b"%PDF-1.4 minutes")
    row = a.services.evidence.add(ys.id, units["JD02"], key, src)
    b.sync.apply(b.receive())
    assert seen == [(ys.id, units["JD02"], key)]
    assert [r.name for r in b.services.evidence.list(ys.id, units["JD02"], key)] == ["会议纪要.pdf"]
    seen.clear()
    a.services.evidence.remove(row.id)
    b.sync.apply(b.receive())
    assert seen == [(ys.id, units["JD02"], key)] and b.services.evidence.list(ys.id, units["JD02"], key) == []


def test_a_dropped_listener_reconnects_and_asks_for_a_resync(seats):
    a, b, ys, units = seats
    with a.services.store.engine.begin() as con:
        con.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"),
                    {"n": f"hotline-listen-{b.listener.seat_id}"})
    assert b.receive(timeout=10) == [RESYNC]
    assert b.listener.reconnects == 1
    b.sync.apply([RESYNC])  # everything the seat shows is re-read
    a.services.assessment.set_values(ys.id, [CellEdit(units["JD03"], MONTH, "volume", "5", None)])
    batch = b.receive()
    assert [(c.table, c.keys) for c in batch] == [("monthly_values", ((ys.id, MONTH, units["JD03"], "volume"),))]


def test_sqlite_has_no_live_triggers(tmp_path):
    import sqlite3

    s = AppServices.open(DataPaths(tmp_path / "d"))
    try:
        assert seat_listener(s) is None
    finally:
        s.close()
    con = sqlite3.connect(tmp_path / "d" / "hotline.db")
    assert not [r for r in con.execute("SELECT name FROM sqlite_master WHERE name LIKE 'hotline_live%'")]
    con.close()


def test_with_notices_feeding_the_year_remote_edits_score_as_a_fresh_build(seats, tmp_path, url):
    """Fed inputs (督办通知 counts) come in with a unit-month's first figure and stay with later
    edits: whatever path LiveSync takes, B's live ranking equals one built from the store."""
    from datetime import date

    from hotline_desktop.services.notices import NoticeDraft

    a, b, ys, units = seats
    live_b = b.services.rankings.live(ys.id)
    a.services.notices.issue(NoticeDraft(units["SQ05"], "hotline", "written", date(YEAR, 4, 6), 5, content="测试"))
    b.sync.apply(b.receive())
    assert b.services.assessment.feeds.active_keys(ys.id)  # the year is fed now

    def same():
        fresh = AppServices.open(DataPaths(tmp_path / f"fresh{time.monotonic_ns()}", url), lock=False,
                                 auto_backup=False)
        try:
            other = fresh.rankings.live(ys.id)
            inputs = [(lr.engine.monthly_values(code, "2026-04") or {}) for lr in (live_b, other)
                      for code in sorted(units)]  # what each engine scores, fed counts included
            n = len(units)
            return inputs[:n] == inputs[n:] and dumps_result(live_b.result()) == dumps_result(other.result())
        finally:
            fresh.close()

    # the first figure of SQ05's April: its fed count (the notice) joins the scores
    a.services.assessment.set_values(ys.id, [CellEdit(units["SQ05"], "2026-04", "volume", "12")])
    b.sync.apply(b.receive())
    assert same()
    # a second item of the same unit-month, then an update: plain cell reads
    a.services.assessment.set_values(ys.id, [CellEdit(units["SQ05"], "2026-04", "on_time_completion_rate", "95")])
    b.sync.apply(b.receive())
    assert same()
    a.services.assessment.set_values(ys.id, [CellEdit(units["SQ05"], "2026-04", "volume", "13", None)])
    b.sync.apply(b.receive())
    assert same()
    # clearing both: the record ends and the fed count leaves again
    a.services.assessment.set_values(ys.id, [CellEdit(units["SQ05"], "2026-04", k, None, None)
                                             for k in ("volume", "on_time_completion_rate")])
    b.sync.apply(b.receive())
    assert same()
