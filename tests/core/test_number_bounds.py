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
