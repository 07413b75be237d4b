"""Two seats on one PostgreSQL server: this process's window (seat B, live through LISTEN/NOTIFY)
and seat A in another process. A types a figure and B's 排名 moves within a second; both edit one
cell and the second is refused with the message; A killed mid-edit loses nothing it committed."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pg_support
import pytest

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.demo_data import fill_demo_year

pytestmark = pytest.mark.skipif(not pg_support.server_url(), reason="needs a PostgreSQL test server (--pg-url)")
YEAR, SCHEME, MONTH = 2026, "ganxian-2023-hotline", "2026-03"
DRIVER = Path(__file__).resolve().parent.parent / "seat_driver.py"
CLERK = "hotline_test_clerk"  # a login role (cluster-wide): created once, a 录入员


class OtherSeat:
    def __init__(self, url, root, operator="李四"):
        self.proc = subprocess.Popen([sys.executable, str(DRIVER), url, str(root), operator], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8",
                                     env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert self.read(timeout=30)["ready"]

    def read(self, timeout=10.0):
        line = self.proc.stdout.readline()
        assert line, "seat A ended"
        return json.loads(line)

    def send(self, **cmd):
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def close(self):
        if self.proc.poll() is None:
            self.send(op="quit")
            self.proc.wait(10)


@pytest.fixture
def url(tmp_path):
    u = pg_support.fresh_database()
    setup = AppServices.open(DataPaths(tmp_path / "setup", u), lock=False, auto_backup=False)
    setup.units.create_many([UnitDraft(code=f"JD{i:02d}", name=f"测试{i:02d}街道", kind=UnitKind.TOWN) for i in range(1, 7)])
    fill_demo_year(setup.assessment, YEAR, SCHEME, 3)  # January to March
    setup.close()
    from hotline_desktop.db import roles
    from hotline_desktop.db.engine import make_server_engine

    engine = make_server_engine(u)
    try:
        roles.setup(engine)  # seat B types figures: a 录入员 (the server enforces it)
        roles.add_user(engine, CLERK, "录入员")
    finally:
        engine.dispose()
    yield u
    pg_support.drop(u)


@pytest.fixture
def window(qtbot, url, tmp_path):
    from sqlalchemy.engine import make_url

    from hotline_desktop.gui.main_window import MainWindow

    clerk_url = make_url(url).set(username=CLERK).render_as_string(hide_password=False)
    services = AppServices.open(DataPaths(tmp_path / "b", clerk_url), lock=False, auto_backup=False)
    services.store.set_operator("张三")
    win = MainWindow(services, year=YEAR, remember=False)
    qtbot.addWidget(win)
    win.show()
    assert win.live is not None
    qtbot.waitUntil(lambda: win.live.connected, timeout=10000)
    qtbot.waitUntil(lambda: win.live_label.text() == "实时同步：已连接", timeout=5000)  # said in the status bar
    ys = services.assessment.find(YEAR, SCHEME)
    for key in ("monthly", "ranking"):
        win.page(key).set_year_scheme(ys)
    win.page("monthly").set_month(MONTH)
    ranking = win.page("ranking")
    win.tabs.setCurrentWidget(ranking)
    qtbot.waitUntil(lambda: not ranking.building and ranking.live is not None, timeout=15000)
    win.ys = ys
    win.ids = {u.code: u.id for u in services.units.list()}
    yield win
    win.release()


@pytest.fixture
def seat_a(url, tmp_path):
    a = OtherSeat(url, tmp_path / "a")
    yield a
    a.close()


def _total(tab, code):
    return tab.model.index(tab.model.row_of(code), tab.model.col_total).data()


def _cell(win, code, key="volume"):
    tab = win.page("monthly")
    return tab.proxy.data(tab.proxy.source_index(win.ids[code], key))


def test_a_figure_typed_by_seat_a_moves_seat_bs_ranking_within_a_second(qtbot, window, seat_a):
    ranking = window.page("ranking")
    before = _total(ranking, "JD01")
    seat_a.send(op="set", ys=window.ys.id, edits=[[window.ids["JD01"], MONTH, "satisfaction_rate", "0", None]])
    committed = seat_a.read()
    assert committed["ok"], committed
    qtbot.waitUntil(lambda: _total(ranking, "JD01") != before, timeout=1000)
    assert time.time() - committed["t"] < 1.0
    assert _cell(window, "JD01", "satisfaction_rate") == "0"  # the open 月度数据 grid shows it too


def test_both_seats_edit_one_cell_and_the_second_is_refused_with_the_message(qtbot, window, seat_a, message_boxes):
    tab = window.page("monthly")
    uid = window.ids["JD02"]
    version = tab.model.version_of(uid, "volume")
    # A commits first; B types before its window has heard of it (no event processed between)
    seat_a.send(op="set", ys=window.ys.id, edits=[[uid, MONTH, "volume", "555", version]])
    assert seat_a.read()["ok"]
    tab.proxy.setData(tab.proxy.source_index(uid, "volume"), "777")
    text = message_boxes.texts("warning")[-1]
    assert "“555”" in text and "李四" in text, text
    assert _cell(window, "JD02") == "555"
    stored = window.services.assessment.monthly_cells(window.ys.id, MONTH)[(uid, MONTH, "volume")].text
    assert stored == "555"
    # B, having seen 555 (live), may now change it
    qtbot.wait(300)
    tab.proxy.setData(tab.proxy.source_index(uid, "volume"), "777")
    assert window.services.assessment.monthly_cells(window.ys.id, MONTH)[(uid, MONTH, "volume")].text == "777"


def test_seat_a_killed_mid_edit_loses_nothing_it_committed(qtbot, window, seat_a):
    cells = [[uid, f"{YEAR}-{m:02d}", "volume"] for m in range(4, 13) for uid in window.ids.values()]
    seat_a.send(op="loop", ys=window.ys.id, cells=cells, batch=3)
    acked = []
    while len(acked) < 5:
        acked.append(seat_a.read())
    os.kill(seat_a.proc.pid, signal.SIGKILL)  # mid-loop: its next batch may be half sent
    seat_a.proc.wait(10)
    stored = {(u, m, k): c.text for m in {c[1] for c in cells}
              for (u, _m, k), c in window.services.assessment.monthly_cells(window.ys.id, m).items()}
    for ack in acked:
        i = ack["committed"]
        for (u, m, k), v in zip(cells[i:i + 3], ack["values"], strict=True):
            assert stored[(u, m, k)] == v
    # each batch was one transaction: it is there whole or not at all
    for i in range(0, len(cells), 3):
        present = [(u, m, k) in stored for (u, m, k) in cells[i:i + 3]]
        assert all(present) or not any(present), (i, present)
    # and seat B's grid, live, shows what A committed (the months are re-read on selection)
    tab = window.page("monthly")
    last = acked[-1]
    u, m, k = cells[last["committed"]]
    tab.set_month(m)
    assert _cell(window, next(c for c, i in window.ids.items() if i == u)) == last["values"][0]


def test_a_scheme_assigned_by_seat_a_appears_in_seat_bs_toolbar(qtbot, window, seat_a):
    selector = window.scheme_selector
    assert [r.scheme_id for r in selector._rows] == [SCHEME]
    seat_a.send(op="assign", year=YEAR, scheme="ganxian-2023-online")
    assert seat_a.read()["ok"]
    qtbot.waitUntil(lambda: len(selector._rows) == 2, timeout=1000)
    assert selector.current().scheme_id == SCHEME  # what B was looking at stays selected
