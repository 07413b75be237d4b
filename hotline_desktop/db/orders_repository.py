"""SQL for imported work orders, their figures, saved column maps and unit aliases (migration 0006)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy.orm import Session

from hotline_desktop.core.orders import NAT, OrderTable, builtin_fields
from hotline_desktop.db.dialect import copy_rows, driver_sql

TIME_COLS = ("accepted", "dispatched", "signed", "contacted", "due", "completed", "returned")
CHUNK = 50_000
BULK_MIN = 50_000  # rows from which an insert builds the month index afresh (see _index_off_for_bulk)
MONTH_INDEX = "ix_work_orders_month_unit"


def _placeholders(n: int) -> str:
    return ",".join("?" * n)


def _nullable(times: np.ndarray) -> list:
    """A time column as SQL values: NAT → NULL."""
    empty = times == NAT
    if not empty.any():
        return times.tolist()
    out = times.astype(object)
    out[empty] = None
    return out.tolist()


class OrdersRepository:
    def __init__(self, session: Session):
        self.s = session
        self.con = session.connection()

    def _exec(self, sql: str, params=()):
        return self.con.exec_driver_sql(driver_sql(sql, self.con), params)

    @property
    def _raw(self):
        return self.con.connection.driver_connection

    # -- orders ---------------------------------------------------------------------------------
    def months(self) -> list[str]:
        return [m for (m,) in self._exec("SELECT month FROM order_months ORDER BY month")]

    def month_counts(self) -> dict[str, int]:
        return dict(self._exec("SELECT month, COUNT(*) FROM work_orders GROUP BY month").all())

    def existing_numbers(self, numbers: Sequence[str]) -> dict[str, str]:
        """number → month of the stored orders among `numbers`."""
        out: dict[str, str] = {}
        for i in range(0, len(numbers), 900):
            part = list(numbers[i:i + 900])
            out.update(self._exec(f"SELECT number, month FROM work_orders WHERE number IN ({_placeholders(len(part))})",
                                  tuple(part)).all())
        return out

    def stage_numbers(self, numbers: Sequence[str]) -> None:
        """Put `numbers` in a temporary table (new_numbers) for set-based deletes and look-ups."""
        self._exec("CREATE TEMP TABLE IF NOT EXISTS new_numbers (number TEXT PRIMARY KEY)")
        self._exec("DELETE FROM new_numbers")
        # distinct numbers (the table's key), in one bulk write
        copy_rows(self._raw, "new_numbers", ("number",), ((n,) for n in dict.fromkeys(numbers)))

    def has_orders_outside(self, months: Sequence[str]) -> bool:
        return self._exec(f"SELECT 1 FROM work_orders WHERE month NOT IN ({_placeholders(len(months))}) LIMIT 1",
                          tuple(months)).first() is not None

    def load_replaced(self, months: Sequence[str]) -> OrderTable:
        """The stored orders a replace of `months` by the staged numbers would delete."""
        return self.load(f"WHERE month IN ({_placeholders(len(months))}) OR number IN (SELECT number FROM new_numbers)",
                         tuple(months))

    def replace(self, file_name: str, months: Sequence[str], table: OrderTable, order_months: Sequence[str],
                progress=None, mark: Sequence[str] | None = None) -> int:
        """Delete the orders of `months` (and any stored order with a number staged by stage_numbers),
        insert the table, mark `mark` (default: months) as imported; all inside the caller's
        transaction. Returns the import id."""
        imp = self.clear_for_import(file_name, months, len(table), mark)
        self.insert_orders(imp, table, order_months, progress)
        return imp

    def clear_for_import(self, file_name: str, months: Sequence[str], orders: int,
                         mark: Sequence[str] | None = None) -> int:
        """replace()'s first half: the import recorded, the months' orders (and staged numbers)
        deleted, `mark` (default: months) marked as imported. Returns the import id."""
        mark = list(months if mark is None else mark)
        imp = self._exec("INSERT INTO order_imports (file_name, months, orders) VALUES (?, ?, ?) RETURNING id",
                         (file_name, ",".join(months), orders)).scalar_one()
        ph = _placeholders(len(months))
        self._exec(f"DELETE FROM work_orders WHERE month IN ({ph})", tuple(months))
        self._exec(f"DELETE FROM order_months WHERE month IN ({ph})", tuple(months))
        self._exec(f"DELETE FROM order_figures WHERE month IN ({ph})", tuple(months))
        self._exec("DELETE FROM work_orders WHERE number IN (SELECT number FROM new_numbers)")
        if mark:
            self._exec("INSERT INTO order_months (month, import_id) VALUES " + ",".join("(?, ?)" for _ in mark),
                       tuple(x for m in mark for x in (m, imp)))
        return imp

    def insert_orders(self, imp: int, t: OrderTable, order_months: Sequence[str], progress=None) -> None:
        """replace()'s second half: the table's rows, a chunk at a time (progress(done, n) → False
        stops with InterruptedError; the caller's transaction then rolls everything back).
        SQLite: one executemany per chunk; PostgreSQL: COPY."""
        sql = ("INSERT INTO work_orders (import_id, number, month, unit_id, unit_name, accepted, dispatched, signed, "
               "contacted, due, completed, returned, order_type, visit, rework, returns, extensions, anonymous, route, "
               f"source_row) VALUES ({int(imp)}, " + _placeholders(19) + ")")  # the import id written once, not bound per row
        cols = ("import_id", "number", "month", "unit_id", "unit_name", *TIME_COLS, "order_type", "visit", "rework",
                "returns", "extensions", "anonymous", "route", "source_row")
        n = len(t)
        nums = t.number
        raw = self._raw
        lite = self.con.dialect.name == "sqlite"
        rebuild = self._index_off_for_bulk(n)
        for lo in range(0, n, CHUNK):  # column slices → tuples, a chunk at a time (a city year stays small)
            hi = min(n, lo + CHUNK)
            times = [_nullable(t.times[k][lo:hi]) for k in TIME_COLS]
            small = [t.choices["type"][lo:hi].tolist(), t.choices["visit"][lo:hi].tolist(),
                     *(t.counts[k][lo:hi].tolist() for k in ("rework", "returns", "extensions")),
                     t.flags["anonymous"][lo:hi].tolist()]
            rows = zip(nums[lo:hi], order_months[lo:hi], t.unit_id[lo:hi].tolist(),
                       t.unit[lo:hi], *times, *small, t.route[lo:hi], t.rows[lo:hi].tolist(), strict=True)
            if lite:
                raw.executemany(sql, rows)
            else:
                copy_rows(raw, "work_orders", cols, ((imp, *r) for r in rows))
            if progress is not None and not progress(hi, n):
                raise InterruptedError  # the caller rolls back (the dropped index too: DDL is transactional)
        if rebuild:
            self._exec(rebuild)

    def _index_off_for_bulk(self, n: int) -> str | None:
        """SQLite only: when more rows are coming than are stored, drop the (month, unit) index for
        the insert and return the statement that builds it again (one sorted build instead of a
        random insert per row; inside the same transaction, so a crash or a cancel keeps it)."""
        if n < BULK_MIN or self.con.dialect.name != "sqlite":
            return None
        if self._exec("SELECT COUNT(*) FROM work_orders").scalar() >= n:
            return None
        sql = self._exec("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (MONTH_INDEX,)).scalar()
        if not sql:
            return None
        self._exec(f"DROP INDEX {MONTH_INDEX}")
        return sql

    def load(self, where: str = "", params: Sequence = ()) -> OrderTable:
        """Stored orders as an OrderTable (unit_id filled; unit holds the platform's name)."""
        cur = self._raw.cursor()
        cur.execute(driver_sql(
            "SELECT number, unit_name, accepted, dispatched, signed, contacted, due, completed, returned, "
            "order_type, visit, rework, returns, extensions, anonymous, route, source_row, unit_id "
            f"FROM work_orders {where} ORDER BY id", self.con), tuple(params))
        rows = cur.fetchall()
        cur.close()
        n = len(rows)
        if not n:
            from hotline_desktop.core.orders import empty_table

            return empty_table()
        cols = list(zip(*rows, strict=True))
        times = {k: np.array([NAT if v is None else v for v in cols[2 + j]], dtype=np.int64)
                 for j, k in enumerate(TIME_COLS)}
        fields = {f.key for f in builtin_fields()}
        assert {"type", "visit", "rework", "returns", "extensions", "anonymous"} <= fields
        return OrderTable(
            list(cols[0]), list(cols[1]), [""] * n, times,
            {"rework": np.array(cols[11], np.int32), "returns": np.array(cols[12], np.int32),
             "extensions": np.array(cols[13], np.int32)},
            {"type": np.array(cols[9], np.int8), "visit": np.array(cols[10], np.int8)},
            {"anonymous": np.array(cols[14], bool)}, list(cols[15]), np.array(cols[16], np.int32),
            np.array(cols[17], np.int64),
        )

    def load_touching(self, months: Iterable[str], fields: Iterable[str]) -> OrderTable:
        """Orders whose month (受理) or any of the given time fields falls in one of `months`."""
        where, params = self._touching(months, fields)
        return self.load(where, params)

    def count_touching(self, months: Iterable[str], fields: Iterable[str]) -> int:
        where, params = self._touching(months, fields)
        return self._exec(f"SELECT COUNT(*) FROM work_orders {where}", tuple(params)).scalar()

    def _touching(self, months: Iterable[str], fields: Iterable[str]) -> tuple[str, list]:
        months = sorted(set(months))
        conds, params = ["month IN (" + _placeholders(len(months)) + ")"], list(months)
        for f in sorted(set(fields) - {"accepted"}):
            assert f in TIME_COLS
            for m in months:
                y, mo = int(m[:4]), int(m[5:])
                lo = _month_start(y, mo)
                hi = _month_start(y + mo // 12, mo % 12 + 1)
                conds.append(f"({f} >= ? AND {f} < ?)")
                params += [lo, hi]
        return "WHERE " + " OR ".join(conds), params

    # -- figures --------------------------------------------------------------------------------
    def put_figures(self, months: Sequence[str], tallies: dict) -> None:
        """Replace the figures of `months` by `tallies` ((unit, month, scheme, key) → Tally)."""
        if months:
            self._exec(f"DELETE FROM order_figures WHERE month IN ({_placeholders(len(months))})", tuple(months))
        rows = [(m, u, s, k, t.hit, t.base) for (u, m, s, k), t in tallies.items() if m in set(months)]
        if rows:
            copy_rows(self._raw, "order_figures", ("month", "unit_id", "scheme_id", "key", "hit", "base"), rows)

    def figures(self, scheme_id: str, months: Sequence[str] | None = None,
                outside: Sequence[str] = ()) -> dict[tuple[int, str, str], tuple[int, int]]:
        """(unit, month, key) → (hit, base) of a scheme: of `months` (default all), less `outside`."""
        sql = "SELECT unit_id, month, key, hit, base FROM order_figures WHERE scheme_id = ?"
        params: list = [scheme_id]
        if months is not None:
            sql += f" AND month IN ({_placeholders(len(months))})"
            params += list(months)
        if outside:
            sql += f" AND month NOT IN ({_placeholders(len(outside))})"
            params += list(outside)
        return {(u, m, k): (h, b) for u, m, k, h, b in self._exec(sql, tuple(params))}

    # -- profiles and aliases ----------------------------------------------------------------------
    def profiles(self) -> dict[str, dict[str, str]]:
        return {n: json.loads(m) for n, m in self._exec("SELECT name, mapping FROM order_profiles ORDER BY name")}

    def put_profile(self, name: str, mapping: dict[str, str]) -> dict[str, str] | None:
        old = self.profiles().get(name)
        self._exec("INSERT INTO order_profiles (name, mapping) VALUES (?, ?) "
                   "ON CONFLICT(name) DO UPDATE SET mapping = excluded.mapping",
                   (name, json.dumps(mapping, ensure_ascii=False, sort_keys=True)))
        return old

    def delete_profile(self, name: str) -> dict[str, str] | None:
        old = self.profiles().get(name)
        self._exec("DELETE FROM order_profiles WHERE name = ?", (name,))
        return old

    def rename_profile(self, old: str, new: str) -> None:
        self._exec("UPDATE order_profiles SET name = ? WHERE name = ?", (new, old))

    def aliases(self) -> dict[str, int]:
        return dict(self._exec("SELECT alias, unit_id FROM unit_aliases").all())

    def put_alias(self, alias: str, unit_id: int) -> int | None:
        old = self.aliases().get(alias)
        self._exec("INSERT INTO unit_aliases (alias, unit_id) VALUES (?, ?) "
                   "ON CONFLICT(alias) DO UPDATE SET unit_id = excluded.unit_id", (alias, unit_id))
        return old

    def delete_alias(self, alias: str) -> int | None:
        old = self.aliases().get(alias)
        self._exec("DELETE FROM unit_aliases WHERE alias = ?", (alias,))
        return old


def _month_start(y: int, m: int) -> int:
    from datetime import datetime

    return int((datetime(y, m, 1) - datetime(1970, 1, 1)).total_seconds())
