"""Exact decimal arithmetic helpers: parse decimal text, round half-up only for output."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

#: Precision used for every scoring computation (28 significant digits, the Decimal default).
CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

#: Bounds checked before any conversion can cost memory or time (``1e100000000``, 5,000 digits).
MAX_TEXT = 40  # characters of a number's text
MAX_DIGITS = 28  # significant digits (the precision of CONTEXT)
MAX_MAGNITUDE = 15  # largest power of ten (figures of a district office stay far below 10^16)
MAX_DECIMALS = 15  # digits after the point

#: A number's text as an office types or pastes it: ASCII or full-width (IME) digits, one point,
#: a sign, an exponent (Excel's 1E+03), thousands grouped by commas as Excel shows them (1,234.5).
#: Not what ``Decimal()`` accepts beyond that: ``1_5`` (a typo read as 15), other scripts' digits.
_NUMBER_TEXT = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，＋－ｅＥ", "0123456789.,+-eE")


class NumberOutOfBounds(ValueError):
    """A number too long, too large or too fine to be a figure; ``reason`` is Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def to_decimal(raw: object) -> Decimal:
    """Convert decimal text, an int, a Decimal or (via ``str()``) a float to an exact Decimal.

    The text is bounded first (length, then digits and exponent): anything beyond the
    bounds raises :class:`NumberOutOfBounds`. Other bad input raises ``ValueError`` (plain,
    English); callers turn it into a Chinese message naming the input.
    """
    if isinstance(raw, bool):
        raise ValueError("boolean is not a number")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        if raw.bit_length() > 64:
            raise NumberOutOfBounds("数值过大")
        return Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        if len(raw) > 4 * MAX_TEXT:  # never strip/copy a huge text
            raise NumberOutOfBounds(f"数字过长（最多 {MAX_TEXT} 个字符）")
        text = raw.strip().translate(_FULL_WIDTH)
        if not text:
            raise ValueError("empty")
        if len(text) > MAX_TEXT:
            raise NumberOutOfBounds(f"数字过长（最多 {MAX_TEXT} 个字符）")
        if not _NUMBER_TEXT.fullmatch(text):
            raise ValueError(f"not a number: {raw!r}")
        try:
            value = Decimal(text.replace(",", ""))  # cheap for a short text, whatever its exponent
        except InvalidOperation:
            raise ValueError(f"not a number: {raw!r}") from None
    else:
        raise ValueError(f"not a number: {raw!r}")
    if not value.is_finite():
        raise ValueError(f"not a finite number: {raw!r}")
    return _bounded(value)


def _bounded(value: Decimal) -> Decimal:
    _sign, digits, exponent = value.as_tuple()
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if trailing == len(digits):  # zero, in any notation (-0 is 0)
        if not -MAX_DECIMALS <= exponent <= MAX_MAGNITUDE:
            raise NumberOutOfBounds("数字的指数超出范围")
        return value.copy_abs()
    if len(digits) - trailing > MAX_DIGITS:
        raise NumberOutOfBounds(f"数字位数过多（最多 {MAX_DIGITS} 位有效数字）")
    if value.adjusted() > MAX_MAGNITUDE:
        raise NumberOutOfBounds("数值过大")
    if exponent + trailing < -MAX_DECIMALS:
        raise NumberOutOfBounds(f"小数位数过多（最多 {MAX_DECIMALS} 位）")
    return value


def round2(value: Decimal) -> Decimal:
    """Round half-up to 2 decimals (for display, export and ranking only)."""
    result = value.quantize(CENT, rounding=ROUND_HALF_UP, context=CONTEXT)
    return result if result else CENT * 0  # never -0.00


def fmt2(value: Decimal | None, *, trim: bool = True) -> str:
    """Text of a figure rounded to 2 decimals: ``93.25``, ``94.1``, ``14`` (``trim``) or ``94.10``."""
    if value is None:
        return ""
    rounded = round2(value)
    return plain(rounded) if trim else f"{rounded:f}"


def plain(value: Decimal) -> str:
    """A Decimal's text without trailing zeros: ``94.10`` -> ``94.1``, ``14.00`` -> ``14``."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


#: JSON text of a figure rounded half-up to 2 decimals; integral values without ``.0``.
json_number = fmt2
