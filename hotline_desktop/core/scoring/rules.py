"""The fixed set of rule terms a scheme may use, compiled to small closures.

A term turns one input into a signed contribution (a Decimal) to an indicator, or to the
bonus / penalty of a score. No arbitrary code: only these types exist.

========== =====================================================================================
type       contribution
========== =====================================================================================
shortfall  ± per point × max(0, target − rate) (a missing / not-applicable rate contributes 0)
excess     ± per point × max(0, rate − threshold)
count      ± per item × n
flag       ± points if the boolean is true
choice     the points of the chosen option (table)
manual     the entered score (``None`` when missing: the indicator cannot be computed)
floor      ± points × ⌊value / per⌋, ``per`` a number or a table by unit kind
share      ± points × value / Σ value of the unit's ranking group (``scope = "group"``) or of all
           units (``"all"``); 0 below ``min_by_kind[kind]``
========== =====================================================================================

``deduct = k`` makes the contribution −k × quantity, ``add = k`` makes it +k × quantity; an
optional ``cap`` limits the size of the contribution (e.g. each half of 延期率 to 4 points).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from hotline_desktop.core.scoring.numbers import CONTEXT, ZERO

__all__ = ["TERM_TYPES", "TermFn", "compile_term", "compile_fused"]

TERM_TYPES = ("shortfall", "excess", "count", "flag", "choice", "manual", "floor", "share")

#: (filled input values, unit kind, share denominators) -> contribution or None (missing input)
TermFn = Callable[[Mapping[str, object], str, Mapping[tuple[str, str], Decimal] | None], Decimal | None]


def _capped(cap: Decimal | None, sign: int) -> Callable[[Decimal], Decimal]:
    if cap is None:
        if sign < 0:
            return lambda v: -v
        return lambda v: v
    if sign < 0:
        return lambda v: -(cap if v > cap else v)
    return lambda v: cap if v > cap else v


def compile_term(
    type_: str,
    input_key: str,
    *,
    points: Decimal | None = None,
    target: Decimal | None = None,
    threshold: Decimal | None = None,
    cap: Decimal | None = None,
    table: Mapping[str, Decimal] | None = None,
    per: Decimal | Mapping[str, int] | None = None,
    scope: str = "group",
    min_by_kind: Mapping[str, Decimal] | None = None,
) -> TermFn:
    """Build the closure for one validated term. ``points`` is signed (deduct < 0 < add)."""
    key = input_key
    sign = -1 if (points is not None and points < 0) else 1
    size = abs(points) if points is not None else None
    apply = _capped(cap, sign)

    if type_ in ("shortfall", "excess"):
        ref = target if type_ == "shortfall" else threshold
        below = type_ == "shortfall"
        unit_size = size == 1

        def rate_term(vals, kind, shares):
            x = vals[key]
            if x is None:
                return ZERO
            d = (ref - x) if below else (x - ref)
            if d <= ZERO:
                return ZERO
            return apply(d if unit_size else d * size)

        negative = sign < 0

        def rate_batch(rows):
            # column of contributions, computed exactly as rate_term does (apply() inlined)
            out = []
            append = out.append
            for vals in rows:
                x = vals[key]
                if x is None:
                    append(ZERO)
                    continue
                d = (ref - x) if below else (x - ref)
                if d <= ZERO:
                    append(ZERO)
                    continue
                v = d if unit_size else d * size
                if cap is not None and v > cap:
                    v = cap
                append(-v if negative else v)
            return out

        rate_term.batch = rate_batch
        return _mark(rate_term, sign < 0)

    if type_ == "count":
        if cap is None:
            signed = points

            def count_plain(vals, kind, shares):
                n = vals[key]
                return signed * n if n else ZERO

            def count_batch(rows):
                return [signed * n if (n := vals[key]) else ZERO for vals in rows]

            count_plain.batch = count_batch
            return _mark(count_plain, sign < 0)

        def count_term(vals, kind, shares):
            n = vals[key]
            return apply(size * n) if n else ZERO

        count_term.batch = lambda rows: [apply(size * n) if (n := vals[key]) else ZERO for vals in rows]

        return _mark(count_term, sign < 0)

    if type_ == "flag":
        value = apply(size)

        def flag_term(vals, kind, shares):
            return value if vals[key] else ZERO

        flag_term.batch = lambda rows: [value if vals[key] else ZERO for vals in rows]

        return flag_term

    if type_ == "choice":
        options = dict(table or {})

        def choice_term(vals, kind, shares):
            return options[vals[key]]

        return choice_term

    if type_ == "manual":

        def manual_term(vals, kind, shares):
            return vals[key]

        return manual_term

    if type_ == "floor":
        by_kind = per if isinstance(per, Mapping) else None
        fixed = None if by_kind is not None else per

        def floor_term(vals, kind, shares):
            n = vals[key]
            divisor = by_kind[kind] if by_kind is not None else fixed
            q = int(n) // int(divisor)
            return apply(size * q) if q else ZERO

        def floor_batch(rows, kinds):
            # floor_term over a column, inlined
            out = []
            append = out.append
            for vals, kind in zip(rows, kinds, strict=False):
                divisor = by_kind[kind] if by_kind is not None else fixed
                q = int(vals[key]) // int(divisor)
                append(apply(size * q) if q else ZERO)
            return out

        floor_term.batch_kinds = floor_batch

        return floor_term

    if type_ == "share":
        minimum = dict(min_by_kind or {})
        share_key = (key, scope)

        def share_term(vals, kind, shares):
            x = vals[key]
            if not x:
                return ZERO
            low = minimum.get(kind)
            if low is not None and x < low:
                return ZERO
            total = shares.get(share_key) if shares else None
            if not total:
                return ZERO
            return apply(CONTEXT.divide(size * x, total))

        return share_term

    raise ValueError(f"unknown term type {type_!r}")


def _mark(fn, deducts: bool):
    fn.deducts = deducts
    return fn



def compile_fused(type_: str, input_key: str, start: Decimal, mx: Decimal, params: Mapping[str, object]):
    """A faster closure for the common indicator "max − k × shortfall/excess/count" (start = max,
    one deducting term, no cap), returning exactly what the generic path returns; else ``None``."""
    points = params.get("points")
    if (
        type_ not in ("shortfall", "excess", "count")
        or points is None
        or points >= 0
        or params.get("cap") is not None
        or start != mx
    ):
        return None
    key = input_key
    size = -points
    unit_size = size == 1
    if type_ == "count":

        def fused_count(vals, kind, shares):
            n = vals[key]
            if not n:
                return start
            s = start - size * n
            return s if s > ZERO else ZERO

        def fused_count_batch(rows, kinds):
            return [
                start if not (n := vals[key]) else (s if (s := start - size * n) > ZERO else ZERO)
                for vals in rows
            ]

        fused_count.batch = fused_count_batch
        return fused_count
    below = type_ == "shortfall"
    ref = params["target"] if below else params["threshold"]

    def fused_rate(vals, kind, shares):
        x = vals[key]
        if x is None:
            return start
        d = (ref - x) if below else (x - ref)
        if d <= ZERO:
            return start
        s = start - (d if unit_size else d * size)
        return s if s > ZERO else ZERO

    def fused_rate_batch(rows, kinds):
        out = []
        append = out.append
        for vals in rows:
            x = vals[key]
            if x is None:
                append(start)
                continue
            d = (ref - x) if below else (x - ref)
            if d <= ZERO:
                append(start)
            else:
                s = start - (d if unit_size else d * size)
                append(s if s > ZERO else ZERO)
        return out

    fused_rate.batch = fused_rate_batch
    return fused_rate
