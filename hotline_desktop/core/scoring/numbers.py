"""Exact decimal arithmetic helpers: parse decimal text, round half-up only for output."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

__all__ = ["ZERO", "ONE", "HUNDRED", "CENT", "CONTEXT", "to_decimal", "round2", "fmt2", "json_number"]

#: Precision used for every scoring computation (28 significant digits, the Decimal default).
CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def to_decimal(raw: object) -> Decimal:
    """Convert decimal text, an int, a Decimal or (via ``str()``) a float to an exact Decimal.

    Raises ``ValueError`` (plain, English) for anything else; callers turn it into a Chinese
    message naming the input.
    """
    if isinstance(raw, bool):
        raise ValueError("boolean is not a number")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        return Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        text = raw.strip().replace("，", ",")
        if not text:
            raise ValueError("empty")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {raw!r}") from None
    else:
        raise ValueError(f"not a number: {raw!r}")
    if not value.is_finite():
        raise ValueError(f"not a finite number: {raw!r}")
    return value


def round2(value: Decimal) -> Decimal:
    """Round half-up to 2 decimals (for display, export and ranking only)."""
    result = value.quantize(CENT, rounding=ROUND_HALF_UP, context=CONTEXT)
    if not result:  # never show -0.00
        return CENT * 0
    return result


def fmt2(value: Decimal | None, *, trim: bool = True) -> str:
    """Text of a figure rounded to 2 decimals: ``93.25``, ``94.1``, ``14`` (``trim``) or ``94.10``."""
    if value is None:
        return ""
    rounded = round2(value)
    if not trim:
        return f"{rounded:f}"
    return _trim(rounded)


def _trim(rounded: Decimal) -> str:
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def json_number(value: Decimal) -> str:
    """JSON text of a figure rounded half-up to 2 decimals; integral values without ``.0``."""
    return _trim(round2(value))
