"""The exact value stored beside a cell's text: an integer and its decimal scale. Qt-free.

A valid monthly or annual value is kept as ``num / 10**scale`` (``num`` an int64): counts and
booleans with scale 0, rates and manual scores with scale 6 (the most decimals a scheme
allows). Choices keep only their text, and so does a value too large for an int64; loaders
parse those from the text (``num`` is then NULL). One definition, used by the store paths and
by migration 0008 when it fills rows written before.
"""

from __future__ import annotations

from decimal import Decimal

from hotline_desktop.core.scoring.scheme import MAX_RATE_DECIMALS, InputDef

SCALE = MAX_RATE_DECIMALS  # rates and manual scores
INT64_MAX = 2**63 - 1
_UNIT = 10**SCALE


def scaled(inp: InputDef, value: object) -> tuple[int | None, int | None]:
    """(num, scale) of a parsed value, or (None, None) when it is kept as text only."""
    if value is None:
        return None, None
    kind = inp.kind
    if kind == "boolean":
        return int(bool(value)), 0
    if kind == "count":
        return (int(value), 0) if abs(int(value)) <= INT64_MAX else (None, None)
    if kind in ("rate", "manual") and isinstance(value, Decimal | int):
        n, d = Decimal(value).as_integer_ratio()
        if _UNIT % d:
            return None, None  # more decimals than a scheme allows: not a scored value
        num = n * (_UNIT // d)
        return (num, SCALE) if abs(num) <= INT64_MAX else (None, None)
    return None, None


def value_of(inp: InputDef, num: int, scale: int) -> object:
    """The parsed value of a stored (num, scale) (the inverse of :func:`scaled`)."""
    if inp.kind == "boolean":
        return bool(num)
    if inp.kind == "count":
        return int(num) // 10**scale
    d = Decimal(int(num)).scaleb(-int(scale))
    return d.normalize() if d != d.to_integral_value() else Decimal(int(d))
