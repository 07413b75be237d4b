"""WAL checkpoints in a background thread, so no commit on the GUI thread pays for one.

SQLite's automatic checkpoint (every 1,000 WAL pages) runs inside the commit that crosses the
limit: with synchronous=FULL that commit copies the WAL into the database and fsyncs both, about
a tenth of a second in which the operator's typing stalls. The store's connections therefore
run with `wal_autocheckpoint=0` (db.engine.make_engine) and this thread, on its own connection,
checkpoints instead:

- PASSIVE, when the -wal file has grown past `wal_bytes` (4 MB), or once `idle` seconds (2 s)
  passed without a commit since the last checkpoint. PASSIVE never waits for readers or writers
  and takes no write lock, so commits go on while it copies; what it cannot copy yet (a reader
  still on an older snapshot) is copied next time.
- a quarter past `wal_bytes`, right after that PASSIVE, a TRUNCATE that does not wait: it
  copies the few frames committed meanwhile and empties the file, holding the write lock for
  that moment only (under a steady stream of commits the WAL never restarts from its beginning).
- TRUNCATE once when stopped (Store.close, before a restore), so a cleanly closed database
  leaves an empty -wal even while another window still has the file open.

A checkpoint only copies committed pages into the database file: a kill at any moment loses no
committed edit (the WAL still holds them). The store nudges the thread after each commit (an
engine "commit" event). SQLITE_BUSY (another process checkpointing), a full disk or any other
error is logged and retried later; the app never sees it. Several processes on one file may
each run one: checkpoints take turns. Backups use SQLite's backup API (a read snapshot, safe
beside a checkpoint); a restore replaces the file, so the store stops the thread around it.

`HOTLINE_CHECKPOINTER=0` in the environment turns this off: SQLite's automatic checkpoint in
the commit, as before (benchmarks/stalls.py's "before" figures; an escape hatch).

The -wal file is reused from its start after a complete checkpoint, so its size is a high-water
mark, not its content: the size trigger fires when the file grows past the threshold and past
its size at the last checkpoint; the idle one covers the rest.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

WAL_BYTES = 4 * 1024 * 1024  # checkpoint when the -wal grows past this
IDLE_SECONDS = 2.0  # ... or this long after the last commit, when there is something to copy
RETRY_SECONDS = 5.0  # after a failure (busy, full disk, I/O error)
STOP_SECONDS = 30.0  # how long close waits for a checkpoint in progress
HARD_WAIT_MS = 50  # longest wait (holding the write lock) of a TRUNCATE past 1.5 × WAL_BYTES
BUSY_MS = 2000  # the thread's connection waits this long for a lock (opening, the final TRUNCATE)
ENV_SWITCH = "HOTLINE_CHECKPOINTER"


def enabled() -> bool:
    """False when the environment turns the background checkpointer off (HOTLINE_CHECKPOINTER=0)."""
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "off", "no", "false")


class Checkpointer:
    """One database file's checkpoint thread: `start()`, `nudge()` after commits, `stop()`."""

    def __init__(self, path: Path, *, wal_bytes: int | None = None, idle: float | None = None,
                 retry: float | None = None):
        self.path = Path(path)
        self.wal = Path(f"{self.path}-wal")
        self.wal_bytes = WAL_BYTES if wal_bytes is None else wal_bytes
        self.idle = IDLE_SECONDS if idle is None else idle
        self.retry = RETRY_SECONDS if retry is None else retry
        self.runs = 0  # PASSIVE checkpoints that ran (not busy, no error)
        self.truncations = 0  # of them, those that went on to empty a -wal past `wal_bytes`
        self.failures = 0  # checkpoints that met SQLITE_BUSY or an error (retried later)
        self.last_error: str | None = None
        self.truncated: bool | None = None  # the final TRUNCATE emptied the -wal (None: not run)
        self._wake = threading.Event()
        self._stopping = False
        self._truncate_on_stop = True
        self._dirty = False  # commits since the last complete checkpoint
        self._last_commit = 0.0
        self._retry_at = 0.0
        self._size_after = 0  # the -wal size at the last checkpoint
        self._con: sqlite3.Connection | None = None
        self._thread = threading.Thread(target=self._run, name="hotline-checkpoint", daemon=True)

    # -- the store's side --------------------------------------------------------------------
    def start(self) -> Checkpointer:
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def pending(self) -> bool:
        """Commits the thread has not copied into the database yet (as far as it knows)."""
        return self._dirty

    def nudge(self) -> None:
        """A commit happened (called on the committing thread: only sets an event)."""
        self._wake.set()

    def stop(self, *, truncate: bool = True, timeout: float = STOP_SECONDS) -> None:
        """End the thread after the checkpoint in progress; then (truncate) a TRUNCATE checkpoint
        empties the -wal. Returns once the thread's connection is closed (or after `timeout`)."""
        self._truncate_on_stop = truncate
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("WAL 检查点线程未在 %.0f 秒内结束：%s", timeout, self.path)

    # -- the thread --------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stopping:
                nudged = self._wake.wait(self._timeout())
                if self._stopping:
                    break
                if nudged:
                    self._wake.clear()
                    self._dirty = True
                    self._last_commit = time.monotonic()
                try:
                    if self._due():
                        self._checkpoint()
                except Exception as e:  # noqa: BLE001 - never into the app: log, retry later
                    self._failed(e)
            if self._truncate_on_stop:
                self._final_truncate()
        finally:
            self._close()

    def _timeout(self) -> float | None:
        if not self._dirty:
            return None  # nothing to copy: sleep until a commit
        now = time.monotonic()
        return max(0.01, self._last_commit + self.idle - now, self._retry_at - now)

    def _due(self) -> bool:
        now = time.monotonic()
        if now < self._retry_at:
            return False
        size = self._wal_size()
        if size >= self.wal_bytes and size > self._size_after:
            return True
        return self._dirty and now - self._last_commit >= self.idle

    def _wal_size(self) -> int:
        try:
            return os.stat(self.wal).st_size
        except FileNotFoundError:
            return 0

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            con = sqlite3.connect(str(self.path), timeout=BUSY_MS / 1000, isolation_level=None)
            try:
                con.execute(f"PRAGMA busy_timeout={BUSY_MS}")
                con.execute("PRAGMA synchronous=FULL")
                con.execute("PRAGMA wal_autocheckpoint=0")
            except BaseException:
                con.close()
                raise
            self._con = con
        return self._con

    def _checkpoint(self) -> None:
        con = self._connection()
        busy, in_wal, copied = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if busy:  # another connection is checkpointing
            self._size_after = self._wal_size()
            self.failures += 1
            self.last_error = "SQLITE_BUSY"
            self._retry_at = time.monotonic() + self.retry
            log.debug("WAL 检查点忙，稍后重试：%s", self.path)
            return
        self.runs += 1
        self._retry_at = 0.0
        size = self._wal_size()
        if size >= self.wal_bytes * 5 // 4:
            # Copied whole between two commits, the WAL starts again from its beginning with the
            # next one. Under a steady stream of commits it never is (each write begins before
            # the thread copied the last one) and the file grows on: then, with the bulk just
            # copied, a TRUNCATE copies the few frames left and empties the file, holding the
            # write lock for that moment (a commit meeting it waits, in SQLite's busy steps of
            # 1, 2, 5, 10 ms ...). It does not wait itself (a commit or a reader in the way: the
            # next time), unless the file is half past the limit: then at most HARD_WAIT_MS.
            con.execute(f"PRAGMA busy_timeout={HARD_WAIT_MS if size >= self.wal_bytes * 3 // 2 else 0}")
            try:
                busy, in_wal, copied = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                con.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            if not busy:
                self.truncations += 1
        self._size_after = self._wal_size()
        if not busy and copied >= in_wal:
            self._dirty = False
        else:  # a reader still on an older snapshot: copy the rest at the next idle moment
            self._last_commit = time.monotonic()

    def _failed(self, e: BaseException) -> None:
        first = self.last_error != str(e)
        self.failures += 1
        self.last_error = str(e)
        self._retry_at = time.monotonic() + self.retry
        (log.warning if first else log.debug)("WAL 检查点失败（%s），%.0f 秒后重试：%s", e, self.retry, self.path)
        self._close()  # a fresh connection next time (the file may have come back)

    def _final_truncate(self) -> None:
        """Copy everything and empty the -wal; brief lock waits (another window writing), a few
        tries, then leave it (the WAL keeps every commit; the next open carries on)."""
        try:
            con = self._connection()
            con.execute("PRAGMA busy_timeout=100")  # it holds the write lock while waiting for readers
            for attempt in range(3):
                busy, _in_wal, _copied = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy:
                    self.truncated = True
                    return
                time.sleep(0.05 * (attempt + 1))
            self.truncated = False
            log.info("关闭时 WAL 未能清空（数据库仍被其他连接使用）：%s", self.path)
        except Exception as e:  # noqa: BLE001 - closing goes on; the WAL holds every commit
            self.truncated = False
            log.warning("关闭时 WAL 检查点失败（%s）：%s", e, self.path)

    def _close(self) -> None:
        con, self._con = self._con, None
        if con is not None:
            try:
                con.close()
            except sqlite3.Error as e:
                log.debug("关闭检查点连接失败：%s", e)
