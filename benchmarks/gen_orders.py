"""Realistic 工单明细 exports for tests and benchmarks (issue 11 §3).

    .venv/bin/python benchmarks/gen_orders.py OUT.csv --orders 100000 --units 600 --month 2026-11 \
        [--dialect standard|platform|custom] [--encoding utf-8|gb18030] [--bad 10]

Dialects: "standard" uses the first names of columns.toml, "platform" another platform's names
(工单号 / 处理部门 / 来电时间 …, slashed dates, 满意度), "custom" headers no alias knows (the import
needs a column map: CUSTOM_MAP). Bad rows (no number, a bad date, 办结 before 受理) are mixed in.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

FIELDS = ("number", "unit", "accepted", "dispatched", "signed", "contacted", "due", "completed", "type", "visit",
          "rework", "returns", "returned", "extensions", "anonymous", "route")
DIALECTS = {
    "standard": ("工单编号", "承办单位", "受理时间", "派发时间", "签收时间", "首次联系时间", "办理时限", "办结时间",
                 "工单类型", "回访结果", "重办次数", "退单次数", "退单时间", "延期次数", "是否匿名", "流转单位"),
    "platform": ("工单号", "处理部门", "来电时间", "派单时间", "接收时间", "响应时间", "应办结时间", "完成时间",
                 "紧急程度", "满意度", "退回重办次数", "退件次数", "退件时间", "延期申请次数", "匿名", "经办单位"),
    "custom": ("流水号", "责任科室", "进线时刻", "分拨时刻", "认领时刻", "回拨时刻", "期限", "结案时刻",
               "件别", "评价", "重办", "退单", "退单时刻", "延期", "匿名否", "轨迹"),
}
# the column map the "custom" dialect needs (字段=列名), as the operator would enter it once
CUSTOM_MAP = dict(zip(DIALECTS["standard"], DIALECTS["custom"], strict=True))


def unit_names(n: int) -> list[str]:
    return [f"第{i:03d}街道" for i in range(n)]


def rows(n: int, units: list[str], month: str, dialect: str = "standard", bad: int = 0, seed: int = 11):
    """Yield the header then n data rows (bad ones included)."""
    rnd = random.Random(seed)
    y, m = int(month[:4]), int(month[5:])
    start = datetime(y, m, 1, 0, 0)
    days = ((datetime(y + m // 12, m % 12 + 1, 1)) - start).days
    slash = dialect == "platform"
    fmt = "%Y/%m/%d %H:%M" if slash else "%Y-%m-%d %H:%M:%S"
    yield list(DIALECTS[dialect])
    bad_at = set(rnd.sample(range(n), min(bad, n)))
    types = ("普通",) * 8 + ("紧急", "重点督办")
    visits = ("满意",) * 12 + ("基本满意",) * 4 + ("不满意", "未回访", "未回访")
    for i in range(n):
        acc = start + timedelta(minutes=rnd.randrange(days * 24 * 60))
        disp = acc + timedelta(minutes=rnd.randrange(5, 240))
        signed = disp + timedelta(minutes=rnd.randrange(5, 60 * 30))
        contact = "" if rnd.random() < 0.05 else disp + timedelta(minutes=rnd.randrange(10, 60 * 40))
        due = acc + timedelta(days=rnd.choice((3, 5, 7, 15)))
        done = "" if rnd.random() < 0.03 else acc + timedelta(hours=rnd.randrange(2, 24 * 16))
        returns = rnd.choice((0,) * 20 + (1, 1, 2, 3))
        returned = disp + timedelta(hours=rnd.randrange(1, 72)) if returns else ""
        route_n = min(5, 1 + returns, len(units))
        unit = units[rnd.randrange(len(units))]
        route = "→".join(rnd.sample(units, route_n - 1) + [unit]) if route_n > 1 else unit

        def ts(v):
            return v.strftime(fmt) if v else ""

        row = [f"GX{y}{m:02d}{i:07d}", unit, ts(acc), ts(disp), ts(signed), ts(contact), ts(due), ts(done),
               rnd.choice(types), rnd.choice(visits), str(rnd.choice((0,) * 30 + (1, 2, 3))), str(returns),
               ts(returned), str(rnd.choice((0,) * 12 + (1, 2))), "是" if rnd.random() < 0.1 else "否", route]
        if i in bad_at:
            kind = i % 3
            if kind == 0:
                row[0] = ""
            elif kind == 1:
                row[2] = "2026-13-45"
            else:
                row[7] = ts(acc - timedelta(days=1))
        yield row


def write(path: str | Path, n: int, units: list[str], month: str, dialect: str = "standard",
          encoding: str = "utf-8", bad: int = 0, seed: int = 11) -> Path:
    p = Path(path)
    data = rows(n, units, month, dialect, bad, seed)
    if p.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("工单明细")
        for r in data:
            ws.append(r)
        wb.save(p)
        return p
    with open(p, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(data)
    return p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--month", default="2026-11")
    ap.add_argument("--dialect", choices=sorted(DIALECTS), default="standard")
    ap.add_argument("--encoding", choices=("utf-8", "gb18030"), default="utf-8")
    ap.add_argument("--bad", type=int, default=0)
    a = ap.parse_args()
    print(write(a.out, a.orders, unit_names(a.units), a.month, a.dialect, a.encoding, a.bad))


if __name__ == "__main__":
    main()
