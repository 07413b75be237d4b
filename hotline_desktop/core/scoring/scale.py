"""The scale of a scheme's figures and the rule limits, without numpy: a scheme loads and is
checked before the engine (and numpy) is imported, so the window paints first. See :mod:`rules`."""

from __future__ import annotations

from decimal import Decimal

TERM_TYPES = ("shortfall", "excess", "count", "flag", "choice", "manual", "floor", "share")

#: Rates and manual scores are computed with up to this many decimals (exactly).
RATE_DECIMALS = 6
#: Counts must stay below this (keeps every scaled figure far inside int64).
COUNT_LIMIT = 10**9
_BOUND = 2**62


def decimals_of(value: Decimal) -> int:
    """Decimals of a finite Decimal's value (``2.50`` -> 1)."""
    _n, d = value.as_integer_ratio()
    k = 0
    while 10**k % d:
        k += 1
        if k > 30:
            return 99
    return k


class Scaled:
    """int64 columns: a figure ``v`` is held as ``v × 10**e``."""

    dtype = "int64"  # numpy reads the name; numpy itself loads with the engine

    def __init__(self, p: int):
        self.p = p
        self.e = RATE_DECIMALS + p
        self.count_unit = 10**RATE_DECIMALS  # a count times this has a rate's scale

    def value(self, c: Decimal) -> int:  # a figure (max, start, cap, table points)
        return int(c.scaleb(self.e))

    def rate(self, c: Decimal) -> int:  # a rate (target, threshold)
        return int(c.scaleb(RATE_DECIMALS))

    def points(self, c: Decimal) -> int:  # a multiplier (per point, per item)
        return int(c.scaleb(self.p))

    def zeros(self, n: int):
        import numpy as np

        return np.zeros(n, np.int64)

    def divide(self, a, b):
        raise TypeError("a share needs Exact columns")


def scale_for(scheme_constants: list[Decimal], weights: list[Decimal]) -> Scaled:
    """The scale of a scheme: enough decimals for every constant; refuses (``ValueError``) a
    scheme whose figures could leave int64 (``weights``: every per-point / per-item size)."""
    p = max((decimals_of(c) for c in scheme_constants), default=0)
    if p > 6:
        raise ValueError(f"数值最多 {6 + RATE_DECIMALS} 位小数")
    ns = Scaled(p)
    bound = sum(abs(w) for w in weights) * COUNT_LIMIT * 10**ns.e + max(
        (abs(c) for c in scheme_constants), default=0) * 10**ns.e * 100
    if bound >= _BOUND:
        raise ValueError("分值或系数过大，计算可能溢出")
    return ns
