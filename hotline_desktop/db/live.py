"""Live changes between seats on one PostgreSQL database (LISTEN/NOTIFY; nothing polls tables).

Why triggers (migration 0012) rather than NOTIFY from the repositories: every writer is caught
— typed edits, imports, raw executemany batches, the CLI of another seat, a restore — with no
repository able to forget it, and `pg_notify` is transactional, so a notification is delivered
exactly when (and only if) its change commits. The triggers are statement-level with transition
tables: one notification per statement listing the key columns of every row it touched; a
statement touching so many rows that the list would pass the 8000-byte payload limit sends its
scope instead (e.g. the (year scheme, month) pairs of a monthly import), and the services reload
that scope.

Each seat tags its connections with a seat id (the `hotline.seat` setting, given at connect
time); the payload carries it, and a seat ignores its own changes (its local edit already went
through the service events).

Payload (JSON): {"seat": str, "table": str, "op": "INSERT"|"UPDATE"|"DELETE",
                 "keys": [[k1, k2, ...], ...]}      — or, when too large —
                {"seat", "table", "op", "n": rows, "scope": [[s1, ...], ...]}

This module is Qt-free: the GUI runs `ChangeListener.run` in a QThread (gui/live_bridge.py).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

CHANNEL = "hotline_changes"
SEAT_SETTING = "hotline.seat"
MAX_PAYLOAD = 7900  # PostgreSQL refuses a NOTIFY payload of 8000 bytes or more

# table → (number of leading key columns that make the coarse scope, key columns...)
WATCHED: dict[str, tuple[int, tuple[str, ...]]] = {
    "monthly_values": (2, ("year_scheme_id", "month", "unit_id", "key")),
    "annual_values": (1, ("year_scheme_id", "unit_id", "key")),
    "units": (0, ("id",)),
    "year_schemes": (0, ("id", "year")),
    "notices": (0, ("id",)),
    "notice_extensions": (0, ("notice_id",)),
    "kb_entries": (0, ("id",)),
    "kb_versions": (0, ("entry_id",)),
    "kb_events": (0, ("entry_id",)),
    "kb_feedback": (0, ("entry_id",)),
    "calendar_days": (0, ("day",)),
    "app_meta": (0, ("key",)),
    "evidence_files": (1, ("year_scheme_id", "unit_id", "key")),
    "order_months": (0, ("month",)),
    "order_figures": (1, ("month",)),
}

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION hotline_notify_changes() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    scope_n int := TG_ARGV[0]::int;
    cols text[] := TG_ARGV[1:];
    seat text := coalesce(current_setting('{SEAT_SETTING}', true), '');
    keys jsonb;
    n bigint;
    payload text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(DISTINCT k), count(*) INTO keys, n FROM (
            SELECT (SELECT jsonb_agg(to_jsonb(r) -> c ORDER BY o) FROM unnest(cols) WITH ORDINALITY u(c, o)) AS k
            FROM new_rows r) q;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(DISTINCT k), count(*) INTO keys, n FROM (
            SELECT (SELECT jsonb_agg(to_jsonb(r) -> c ORDER BY o) FROM unnest(cols) WITH ORDINALITY u(c, o)) AS k
            FROM old_rows r) q;
    ELSE
        SELECT jsonb_agg(DISTINCT k), count(*) INTO keys, n FROM (
            SELECT (SELECT jsonb_agg(to_jsonb(r) -> c ORDER BY o) FROM unnest(cols) WITH ORDINALITY u(c, o)) AS k
            FROM (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) r) q;
    END IF;
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    payload := json_build_object('seat', seat, 'table', TG_TABLE_NAME, 'op', TG_OP, 'keys', keys)::text;
    IF octet_length(payload) > {MAX_PAYLOAD} THEN
        payload := json_build_object('seat', seat, 'table', TG_TABLE_NAME, 'op', TG_OP, 'n', n,
            'scope', (SELECT jsonb_agg(DISTINCT (SELECT jsonb_agg(e ORDER BY o)
                      FROM jsonb_array_elements(k) WITH ORDINALITY a(e, o) WHERE o <= scope_n))
                      FROM jsonb_array_elements(keys) k))::text;
        IF scope_n = 0 OR octet_length(payload) > {MAX_PAYLOAD} THEN
            payload := json_build_object('seat', seat, 'table', TG_TABLE_NAME, 'op', TG_OP, 'n', n,
                                         'scope', NULL)::text;
        END IF;
    END IF;
    PERFORM pg_notify('{CHANNEL}', payload);
    RETURN NULL;
END
$fn$
"""

_OPS = {"ins": ("INSERT", "NEW TABLE AS new_rows"), "upd": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        "del": ("DELETE", "OLD TABLE AS old_rows")}


def trigger_statements(tables: dict[str, tuple[int, tuple[str, ...]]] | None = None) -> list[str]:
    """DDL of migration 0012 on PostgreSQL: the function and three statement triggers per table
    (a trigger with transition tables may have one event only)."""
    out = [FUNCTION_SQL]
    for table, (scope_n, cols) in (tables or WATCHED).items():
        args = ", ".join([f"'{scope_n}'"] + [f"'{c}'" for c in cols])
        for short, (op, ref) in _OPS.items():
            out.append(f"DROP TRIGGER IF EXISTS hotline_live_{short} ON {table}")
            out.append(f"CREATE TRIGGER hotline_live_{short} AFTER {op} ON {table} REFERENCING {ref} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION hotline_notify_changes({args})")
    return out


def drop_statements(tables: Iterable[str] | None = None) -> list[str]:
    out = [f"DROP TRIGGER IF EXISTS hotline_live_{short} ON {t}" for t in (tables or WATCHED) for short in _OPS]
    return out + ["DROP FUNCTION IF EXISTS hotline_notify_changes()"]


@dataclass(frozen=True)
class RemoteChange:
    """What another seat committed to one table in one statement."""

    seat: str
    table: str
    op: str
    keys: tuple[tuple, ...] | None  # key column values per row; None when only the scope was sent
    scope: tuple[tuple, ...] | None = None  # leading key columns (None with keys=None: the whole table)
    rows: int = 0

    @classmethod
    def parse(cls, payload: str) -> RemoteChange | None:
        try:
            d = json.loads(payload)
            if d.get("table") == "*":
                return RESYNC
            keys = d.get("keys")
            scope = d.get("scope")
            return cls(
                seat=str(d.get("seat") or ""),
                table=str(d["table"]),
                op=str(d["op"]),
                keys=tuple(tuple(k) for k in keys) if keys is not None else None,
                scope=tuple(tuple(s) for s in scope) if scope is not None else None,
                rows=int(d.get("n") or (len(keys) if keys else 0)),
            )
        except (ValueError, KeyError, TypeError):
            log.warning("无法解析的变更通知：%.200s", payload)
            return None


RESYNC = RemoteChange("", "*", "RESYNC", None)  # the connection was lost: anything may have changed


def notify_resync(engine: Engine, seat_id: str = "") -> None:
    """Tell every listening seat that everything may have changed (after a restore)."""
    if not is_postgres(engine):
        return
    payload = json.dumps({"seat": seat_id, "table": "*", "op": "RESYNC"})
    with engine.begin() as con:
        con.exec_driver_sql("SELECT pg_notify(%(c)s, %(p)s)", {"c": CHANNEL, "p": payload})


def new_seat_id() -> str:
    return uuid.uuid4().hex[:16]


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def tag_seat(engine: Engine, seat_id: str) -> None:
    """Every connection the engine opens from now on carries `seat_id` (as `hotline.seat`), so the
    triggers name this seat in what they send. Connections already pooled are dropped."""
    if not is_postgres(engine):
        return

    @event.listens_for(engine, "do_connect")
    def _seat_option(_dialect, _rec, _cargs, cparams):
        opt = f"-c {SEAT_SETTING}={seat_id}"
        cparams["options"] = f"{cparams['options']} {opt}" if cparams.get("options") else opt

    engine.dispose()


def listen_dsn(engine: Engine) -> dict:
    """psycopg connection parameters of the engine's URL (password included)."""
    url = engine.url
    params: dict = {k: v for k, v in url.query.items() if isinstance(v, str)}
    for k, v in (("host", url.host), ("port", url.port), ("user", url.username),
                 ("password", url.password), ("dbname", url.database)):
        if v is not None and k not in params:
            params[k] = str(v) if k == "port" else v
    return params


class ChangeListener:
    """LISTEN on the change channel in its own autocommit connection.

    `run(callback)` blocks (run it in a thread) until `stop()`: each burst of notifications from
    other seats goes to `callback(list[RemoteChange])`; a dropped connection is reopened (with
    back-off) and then `callback([RESYNC])` says that changes may have been missed.
    """

    def __init__(self, connect_params: dict, seat_id: str, *, batch_window: float = 0.01,
                 heartbeat: float = 5.0, retry: float = 0.5, max_retry: float = 10.0,
                 on_state: Callable[[bool], None] | None = None):
        self.params = dict(connect_params)
        self.on_state = on_state  # called (in the listening thread) with True on connect, False on a drop
        self.seat_id = seat_id
        self.batch_window = batch_window
        self.heartbeat = heartbeat
        self.retry, self.max_retry = retry, max_retry
        self._stop = threading.Event()
        self._conn = None
        self.connected = threading.Event()
        self.reconnects = 0

    @classmethod
    def for_engine(cls, engine: Engine, seat_id: str, **kw) -> ChangeListener:
        return cls(listen_dsn(engine), seat_id, **kw)

    def stop(self) -> None:
        self._stop.set()

    def _open(self):
        import psycopg

        conn = psycopg.connect(**self.params, autocommit=True, connect_timeout=5,
                               application_name=f"hotline-listen-{self.seat_id}")
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is gone anyway
                pass
        self.connected.clear()

    def run(self, callback: Callable[[list[RemoteChange]], None]) -> None:
        import psycopg

        delay = self.retry
        first = True
        while not self._stop.is_set():
            try:
                self._conn = self._open()
                self.connected.set()
                if self.on_state:
                    self.on_state(True)
                if not first:
                    self.reconnects += 1
                    callback([RESYNC])
                first = False
                delay = self.retry
                self._pump(callback)
            except psycopg.Error as e:
                log.warning("变更通知连接中断：%s", e)
                was = self.connected.is_set() or first
                self._close()
                if self.on_state and was:
                    self.on_state(False)
                self._stop.wait(delay)
                delay = min(delay * 2, self.max_retry)
        self._close()

    def _pump(self, callback) -> None:
        last_beat = time.monotonic()
        conn = self._conn
        while not self._stop.is_set():
            batch = list(conn.notifies(timeout=0.2, stop_after=1))
            if batch:
                # a statement burst (a paste, several seats at once): collect briefly, deliver once
                batch += list(conn.notifies(timeout=self.batch_window))
                changes = [c for c in (RemoteChange.parse(n.payload) for n in batch if n.channel == CHANNEL)
                           if c is not None and c.seat != self.seat_id]
                if changes:
                    try:
                        callback(changes)
                    except Exception:  # noqa: BLE001 - one bad delivery must not stop the listener
                        log.exception("变更通知处理失败")
            now = time.monotonic()
            if now - last_beat >= self.heartbeat:
                conn.execute("SELECT 1")  # a dead server or network is noticed here
                last_beat = now
