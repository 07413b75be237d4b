"""Counts and rates are bounded before conversion: no MemoryError, hang, English text or huge string."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from hotline_desktop.core.scoring.errors import InputValueError
from hotline_desktop.core.scoring.numbers import NumberOutOfBounds, to_decimal

HOSTILE = ["1E+99999999999", "1e100000000", "1e5000", "1e-999999999", "9" * 5000, "0." + "0" * 60 + "1",
           "0E-999999999", "-1e400"]


@pytest.mark.parametrize("text", HOSTILE)
def test_to_decimal_refuses_out_of_bounds_text_quickly(text):
    t0 = time.perf_counter()
    with pytest.raises(NumberOutOfBounds) as e:
        to_decimal(text)
    assert time.perf_counter() - t0 < 0.1
    assert all(ord(ch) > 127 or not ch.isalpha() for ch in e.value.reason)  # Chinese only


def test_to_decimal_refuses_a_5000_digit_int():
    with pytest.raises(NumberOutOfBounds):
        to_decimal(10**5000)


@pytest.mark.parametrize("text, value", [("98.5", "98.5"), ("1e3", "1000"), ("0.50000000000000000000", "0.5"),
                                         ("  12 ", "12"), ("-3.25", "-3.25")])
def test_ordinary_numbers_still_parse(text, value):
    assert to_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", HOSTILE + ["1234567890", "99999999999"])
def test_a_count_is_at_most_9_digits(hotline, text):
    inp = hotline.input("volume")
    with pytest.raises(InputValueError) as e:
        inp.parse(text)
    msg = str(e.value)
    assert msg.startswith("当月办件量")
    assert len(msg) < 120
    assert not any("a" <= ch <= "z" for ch in msg.split("：")[0])


def test_count_limits(hotline):
    inp = hotline.input("volume")
    assert inp.parse("999999999") == 999_999_999
    assert inp.parse(999_999_999) == 999_999_999
    with pytest.raises(InputValueError, match="最多 9 位"):
        inp.parse(10**9)
    with pytest.raises(InputValueError):
        inp.parse(10**5000)


@pytest.mark.parametrize("text", HOSTILE + ["98.1234567", "0.0000001"])
def test_a_rate_has_at_most_6_decimals(hotline, text):
    inp = hotline.input("satisfaction_rate")
    with pytest.raises(InputValueError) as e:
        inp.parse(text)
    assert str(e.value).startswith("诉求满意率")
    assert len(str(e.value)) < 120


def test_rate_limits(hotline):
    inp = hotline.input("satisfaction_rate")
    assert inp.parse("98.123456") == Decimal("98.123456")
    assert inp.parse("98.1234560000") == Decimal("98.123456")  # trailing zeros are not decimals
    assert inp.parse("98.5%") == Decimal("98.5")


@pytest.mark.parametrize("text", ["1_5", "1_000", "٣", "1 000", "12,34", "1,2345", ",123", "0x10", "Infinity", "NaN"])
def test_text_python_would_read_is_refused_as_a_number(hotline, text):
    """``Decimal()`` reads ``1_5`` as 15 and Arabic-Indic digits as digits: a typo must not become a figure."""
    for key in ("volume", "satisfaction_rate"):
        with pytest.raises(InputValueError, match="必须是"):
            hotline.input(key).parse(text)


@pytest.mark.parametrize("text, value", [("1,234", 1234), ("12,345,678", 12345678), ("１２３", 123), ("1E+03", 1000),
                                         ("-0", 0)])
def test_counts_as_excel_shows_them_parse(hotline, text, value):
    assert hotline.input("volume").parse(text) == value


@pytest.mark.parametrize("text, value", [("９８．５", "98.5"), ("９８．５％", "98.5"), ("-0", "0"), ("-0.00", "0")])
def test_rates_typed_with_a_full_width_ime_parse(hotline, text, value):
    parsed = hotline.input("satisfaction_rate").parse(text)
    assert parsed == Decimal(value) and hotline.input("satisfaction_rate").format(parsed) in (value, "0")


@pytest.mark.parametrize("text", ["\x1f", " \x1c ", "\x00", "9\x0b8", "\x7f", "\x85"])
def test_a_control_character_is_refused_not_read_as_an_empty_cell(hotline, text):
    """``str.strip()`` takes \\x1c-\\x1f and \\x85 for blanks: pasted alone they used to clear the cell."""
    for key in ("volume", "satisfaction_rate", "guarantee_mechanism"):  # a count, a rate, a 是/否
        with pytest.raises(InputValueError, match=r"含有不可见的控制字符（U\+00"):
            hotline.input(key).parse(text)
