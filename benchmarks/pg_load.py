"""Several seats on one PostgreSQL database, under load (prints figures; not a unit test).

    .venv/bin/python benchmarks/pg_load.py [--url URL] [--seats 8] [--edits 1000] [--units 600]
                                           [--notices 50]

Without --url a throwaway cluster is started with scripts/pg.sh (and stopped at the end). A fresh
database gets 600 units with a year of ganxian-2023-hotline figures; then N seat processes (each
its own AppServices over the server, a live ranking of the year built, a ChangeListener thread
and services.live.LiveSync — what a GUI seat runs, without the widgets) each commit E single-cell
edits through AssessmentService.set_values, every edit a distinct cell with a distinct value,
interleaved with issuing督办通知 (K each, all in one year). Between its edits and afterwards a seat
applies what the others committed, as its GUI event loop would.

Measured and checked:
- edits/s: all committed edits over the edit phase (first start to last commit);
- edit → other seat updated: from one seat's commit returning to another seat's LiveSync having
  emitted the cell (its live ranking updated), over every (edit, other seat) pair: p50/p95/max
  (target: ≤ 1 s);
- lost / duplicated: every committed edit is in the database with its value and exactly once in
  the audit log; every other seat saw every edit (missed pairs counted);
- 督办通知 numbers: unique and gap-free (1..N×K) under concurrent issuing.
Wall and CPU (seat processes' user+sys, and the server's backends) are both printed.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR, SCHEME = 2026, "ganxian-2023-hotline"


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


# -- setup ---------------------------------------------------------------------------------------
def _admin(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    q = {k: v for k, v in u.query.items() if isinstance(v, str)}
    params = {"host": u.host or q.get("host"), "port": u.port or q.get("port"), "user": u.username,
              "password": u.password, "dbname": "postgres"}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)


def fresh_database(base_url: str) -> str:
    from sqlalchemy.engine import make_url

    name = f"hotline_load_{os.getpid()}"
    with _admin(base_url) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with _admin(url) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def open_services(url: str, root: Path):
    from hotline_desktop.paths import DataPaths
    from hotline_desktop.services.app import AppServices

    return AppServices.open(DataPaths(root, url), lock=False, auto_backup=False)


def setup(url: str, root: Path, units: int) -> None:
    from hotline_desktop.core.domain import UnitDraft, UnitKind
    from hotline_desktop.services.demo_data import fill_demo_year

    s = open_services(url, root)
    try:
        towns, depts = max(1, units // 12), max(1, units // 4)
        drafts = [UnitDraft(code=f"JD{i:03d}", name=f"测试{i:03d}街道", kind=UnitKind.TOWN) for i in range(towns)]
        drafts += [UnitDraft(code=f"KS{i:03d}", name=f"区测试第{i:03d}服务局", kind=UnitKind.DEPARTMENT)
                   for i in range(depts)]
        drafts += [UnitDraft(code=f"SQ{i:04d}", name=f"测试{i:04d}社区", kind=UnitKind.COMMUNITY)
                   for i in range(units - towns - depts)]
        s.units.create_many(drafts)
        fill_demo_year(s.assessment, YEAR, SCHEME, 12)
    finally:
        s.close()


def plan(services, seats: int, edits: int) -> tuple[int, list[list[tuple[int, str, str]]]]:
    """The year scheme id and, per seat, `edits` distinct cells (units split between the seats)."""
    from hotline_desktop.services.assessment import check

    ys = services.assessment.find(YEAR, SCHEME)
    sch = services.assessment.scheme(ys.id)
    keys = [i.key for i in sch.monthly_inputs if i.kind == "count" and (c := check(i, "123456")) and c.valid]
    feeds = services.assessment.feeds.active_keys(ys.id) if services.assessment.feeds else frozenset()
    keys = [k for k in keys if k not in feeds]
    units = [u.id for u in services.assessment.participants(ys.id)]
    months = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    out = []
    for s in range(seats):
        mine = units[s::seats]
        cells = [(u, m, k) for k in keys for m in months for u in mine]
        if len(cells) < edits:
            raise SystemExit(f"not enough distinct cells for seat {s}: {len(cells)} < {edits}")
        out.append(cells[:edits])
    return ys.id, out


# -- one seat ------------------------------------------------------------------------------------
def run_seat(args) -> None:
    from hotline_desktop.db.live import RESYNC
    from hotline_desktop.services.assessment import CellEdit
    from hotline_desktop.services.live import LiveSync, seat_listener
    from hotline_desktop.services.notices import NoticeDraft

    cfg = json.loads(Path(args.seat_config).read_text())
    seat = cfg["seat"]
    services = open_services(cfg["url"], Path(cfg["root"]))
    ys, cells = cfg["ys"], [tuple(c) for c in cfg["cells"]]
    services.rankings.live(ys)  # the seat's open 排名: updated by remote changes too
    sync = LiveSync(services)
    inbox: queue.Queue = queue.Queue()
    listener = seat_listener(services)
    t = threading.Thread(target=listener.run, args=(inbox.put,), daemon=True)
    t.start()
    listener.connected.wait(10)
    observed: list[tuple[int, str, str, str, float]] = []
    resyncs = [0]
    cpu_remote, cpu_local, applies = [0.0], [0.0], [0]

    def on_values(ys_id, changes):
        now = time.time()
        for ch in changes:
            if ch.new is not None and ch.month is not None:
                observed.append((ch.unit_id, ch.month, ch.key, ch.new.text, now))

    def drain(block: float = 0.0) -> None:
        try:
            item = inbox.get(timeout=block) if block else inbox.get_nowait()
        except queue.Empty:
            return
        batch = list(item)
        while True:
            try:
                batch += inbox.get_nowait()
            except queue.Empty:
                break
        resyncs[0] += sum(1 for c in batch if c is RESYNC)
        c0 = time.process_time()
        sync.apply(batch)
        cpu_remote[0] += time.process_time() - c0
        applies[0] += 1

    issuing = {"on": False}
    services.assessment.values_changed.connect(lambda y, ch: None if issuing["on"] else on_values(y, ch))
    unit_ids = sorted({c[0] for c in cells})
    Path(cfg["out"] + ".ready").write_text("1")  # connected, listening, ranking built
    go = Path(cfg["go"])
    while not go.exists():
        time.sleep(0.01)
    start_at = float(go.read_text())
    while time.time() < start_at:
        time.sleep(0.001)
    commits = []
    numbers = []
    every = max(1, len(cells) // max(1, cfg["notices"])) if cfg["notices"] else 0
    t_start = time.time()
    pace = 1.0 / cfg["rate"] if cfg["rate"] else 0.0
    for i, (unit, month, key) in enumerate(cells):
        if pace:  # an operator's typing speed: the seat's loop handles other seats' changes meanwhile
            due = t_start + i * pace
            while time.time() < due:
                drain(max(0.001, min(0.05, due - time.time())))
        value = str(100000 + seat * 10000 + i)
        c0 = time.process_time()
        services.assessment.set_values(ys, [CellEdit(unit, month, key, value)])
        cpu_local[0] += time.process_time() - c0
        commits.append((unit, month, key, value, time.time()))
        if every and i % every == every - 1 and len(numbers) < cfg["notices"]:
            issuing["on"] = True
            row = services.notices.issue(NoticeDraft(unit_ids[i % len(unit_ids)], "hotline", "written",
                                                     date(YEAR, 3, 2), 5, content=f"负载测试 {seat}-{i}"))
            issuing["on"] = False
            numbers.append(row.seq)
        drain()
    t_end = time.time()
    Path(cfg["out"] + ".edited").write_text("1")
    expected = cfg["expected_remote"]
    everyone = Path(cfg["go"] + ".edited")  # the parent's mark: every seat has committed all its edits
    deadline = None
    while deadline is None or time.time() < deadline:
        if deadline is None and everyone.exists():
            deadline = time.time() + cfg["settle"]
        seen = {(u, m, k, v) for u, m, k, v, _t in observed}
        if len(seen & set(map(tuple, cfg["remote_cells"]))) >= expected:
            break
        drain(0.05)
    listener.stop()
    ru = resource.getrusage(resource.RUSAGE_SELF)
    Path(cfg["out"]).write_text(json.dumps({
        "seat": seat, "commits": commits, "observed": observed, "numbers": numbers,
        "t_start": t_start, "t_end": t_end, "cpu": ru.ru_utime + ru.ru_stime, "resyncs": resyncs[0],
        "reconnects": listener.reconnects, "cpu_local": cpu_local[0], "cpu_remote": cpu_remote[0],
        "applies": applies[0],
    }))
    services.close()


# -- the run -------------------------------------------------------------------------------------
def _server_cpu(url: str, seen: dict[int, float]) -> None:
    """CPU seconds of each server backend of the load database (Linux /proc), kept per pid in `seen`."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    tick = os.sysconf("SC_CLK_TCK")
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            cmd = (p / "cmdline").read_bytes().decode(errors="replace")
            if "postgres:" not in cmd or name not in cmd:
                continue
            f = (p / "stat").read_text().rsplit(")", 1)[1].split()
            seen[int(p.name)] = max(seen.get(int(p.name), 0.0), (int(f[11]) + int(f[12])) / tick)
        except OSError:
            continue


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url")
    ap.add_argument("--seats", type=int, default=8)
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--notices", type=int, default=50)
    ap.add_argument("--settle", type=float, default=30.0,
                    help="seconds a seat still waits for the others' edits once every seat has committed all")
    ap.add_argument("--rate", type=float, default=0.0, help="edits/s per seat (0: as fast as it can)")
    ap.add_argument("--seat-config", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.seat_config:
        run_seat(args)
        return
    started_cluster = None
    base = args.url or os.environ.get("HOTLINE_TEST_PG_URL")
    if not base:
        started_cluster = tempfile.mkdtemp(prefix="hotline-pgload-")
        base = subprocess.run(["bash", str(ROOT / "scripts" / "pg.sh"), "start", started_cluster], check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]
    url = None
    try:  # the cluster is stopped even when the database can't be made (e.g. no psycopg)
        url = fresh_database(base)
        with tempfile.TemporaryDirectory(prefix="hotline-pgload-") as tmp:
            _run(args, url, Path(tmp))
    finally:
        if url:
            drop_database(url)
        if started_cluster:
            subprocess.run(["bash", str(ROOT / "scripts" / "pg.sh"), "stop", started_cluster], check=False)


def _run(args, url: str, tmp: Path) -> None:
    t = time.perf_counter()
    setup(url, tmp / "setup", args.units)
    s = open_services(url, tmp / "plan")
    ys, cells = plan(s, args.seats, args.edits)
    s.close()
    print(f"setup: {args.units} units, a year of {SCHEME} ({time.perf_counter() - t:.1f} s)")
    go = tmp / "go"
    procs, outs = [], []
    for seat in range(args.seats):
        remote = [[u, m, k, str(100000 + o * 10000 + i)] for o in range(args.seats) if o != seat
                  for i, (u, m, k) in enumerate(cells[o])]
        cfg = {"seat": seat, "url": url, "root": str(tmp / f"seat{seat}"), "ys": ys, "cells": cells[seat],
               "go": str(go), "notices": args.notices, "settle": args.settle, "rate": args.rate,
               "expected_remote": len(remote), "remote_cells": remote, "out": str(tmp / f"seat{seat}.json")}
        path = tmp / f"seat{seat}.cfg.json"
        path.write_text(json.dumps(cfg))
        outs.append(Path(cfg["out"]))
        procs.append(subprocess.Popen([sys.executable, __file__, "--seat-config", str(path)]))
    while not all(Path(f"{o}.ready").exists() for o in outs):
        if any(p.poll() not in (None, 0) for p in procs):
            break
        time.sleep(0.05)
    go.write_text(str(time.time() + 0.5))  # every seat connected and its ranking built
    backends: dict[int, float] = {}
    while any(p.poll() is None for p in procs):
        _server_cpu(url, backends)  # sampled: a backend's last 0.5 s before it exits is not counted
        if all(Path(f"{o}.edited").exists() for o in outs) and not Path(f"{go}.edited").exists():
            Path(f"{go}.edited").write_text("1")
        time.sleep(0.5)
    codes = [p.wait() for p in procs]
    server_cpu = sum(backends.values())
    if any(codes):
        raise SystemExit(f"a seat failed: exit codes {codes}")
    results = [json.loads(o.read_text()) for o in outs]
    report(args, url, tmp, results, server_cpu)


def report(args, url, tmp, results, server_cpu) -> None:
    from sqlalchemy import text

    commits = {(u, m, k, v): (r["seat"], t) for r in results for u, m, k, v, t in r["commits"]}
    total = sum(len(r["commits"]) for r in results)
    t0, t1 = min(r["t_start"] for r in results), max(r["t_end"] for r in results)
    lat, missed = [], 0
    for r in results:
        seen = {}
        for u, m, k, v, t in r["observed"]:
            seen.setdefault((u, m, k, v), t)
        for ident, (seat, tc) in commits.items():
            if seat == r["seat"]:
                continue
            if ident in seen:
                lat.append(max(0.0, seen[ident] - tc))
            else:
                missed += 1
    s = open_services(url, tmp / "check")
    try:
        con_engine = s.store.engine
        with con_engine.connect() as con:
            ys = s.assessment.find(YEAR, SCHEME).id
            stored = {(u, m, k): v for u, m, k, v in con.execute(
                text("SELECT unit_id, month, key, value FROM monthly_values WHERE year_scheme_id = :y"), {"y": ys})}
            audit: dict[tuple, int] = {}
            for rid, field, new in con.execute(text(
                    "SELECT row_id, field, new_value FROM audit_log WHERE table_name = 'monthly_values'")):
                audit[(rid, field, new)] = audit.get((rid, field, new), 0) + 1
            seqs = [q for (q,) in con.execute(text("SELECT seq FROM notices WHERE year = :y ORDER BY seq"),
                                              {"y": YEAR})]
    finally:
        s.close()
    lost = sum(1 for (u, m, k, v) in commits if stored.get((u, m, k)) != v)
    in_audit = [audit.get((u, f"{m}/{k}", v), 0) for (u, m, k, v) in commits]
    not_audited = sum(1 for n in in_audit if n == 0)
    duplicated = sum(1 for n in in_audit if n > 1)
    issued = sorted(n for r in results for n in r["numbers"])
    wall = t1 - t0
    cpu = sum(r["cpu"] for r in results)
    pace = f"{args.rate:g} edits/s per seat" if args.rate else "each seat as fast as it can"
    print(f"\n== {args.seats} seats × {args.edits} edits on {args.units} units (one PostgreSQL server; {pace})")
    print(f"edits committed        {total}  in {wall:.2f} s wall  →  {total / wall:.0f} edits/s")
    print(f"edit → other seat      p50 {_pct(lat, 50) * 1000:.1f} ms   p95 {_pct(lat, 95) * 1000:.1f} ms   "
          f"max {max(lat) * 1000 if lat else float('nan'):.1f} ms   over {len(lat)} (edit, seat) pairs  "
          f"(target p95 ≤ 1000 ms)")
    print(f"missed by other seats  {missed}")
    print(f"lost edits             {lost}   not audited {not_audited}   duplicated {duplicated}")
    gap_free = seqs == list(range(1, len(seqs) + 1))
    print(f"督办通知               {len(issued)} issued concurrently; numbers unique "
          f"{len(set(issued)) == len(issued)}, gap-free 1..{len(seqs)} {gap_free}")
    print(f"CPU                    seats {cpu:.1f} s user+sys (mean {cpu / len(results):.1f} s per seat), "
          f"server backends ≥ {server_cpu:.1f} s; load average {os.getloadavg()[0]:.1f}")
    local = sum(r["cpu_local"] for r in results) / total
    applies = sum(r["applies"] for r in results)
    remote = sum(r["cpu_remote"] for r in results) / max(1, applies)
    print(f"CPU per operation      own edit committed (set_values, own ranking) {local * 1000:.1f} ms; "
          f"other seats' burst applied (LiveSync, ranking) {remote * 1000:.1f} ms × {applies} bursts "
          f"({(sum(len(r['observed']) for r in results) - total) / max(1, applies):.1f} cells each)")
    print(f"reconnects {sum(r['reconnects'] for r in results)}   resyncs {sum(r['resyncs'] for r in results)}")
    print(f"edits/s per seat       {statistics.mean(len(r['commits']) / (r['t_end'] - r['t_start']) for r in results):.0f}")


if __name__ == "__main__":
    main()
