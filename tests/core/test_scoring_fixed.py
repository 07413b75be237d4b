"""The fixed-point (scaled integer) evaluation gives exactly the values of the Decimal closures.

Every engine is built twice, with ``engine._USE_FIXED`` on and off, and every figure of the
result is compared by Decimal value: indicators, bases, bonuses, penalties, scores, means,
totals, ranks. Inputs include what the fixed-point path must hand back to the Decimal path
(rates with many decimals, very large counts) and a scheme variant with fractional parameters,
caps, a fixed per-kind value, a ``full_when_zero`` override, mixed signs and a fixed ``floor``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme, load_scheme_text
from hotline_desktop.core.scoring import engine as engine_module
from hotline_desktop.core.scoring.fixed import COUNT_LIMIT, compile_fixed
from hotline_desktop.core.scoring.numbers import round2
from hotline_desktop.core.scoring.scheme import builtin_schemes_dir

HOTLINE = load_scheme("ganxian-2023-hotline")
ONLINE = load_scheme("ganxian-2023-online")
LICHENG = load_scheme("licheng-2020")


def _variant():
    text = (builtin_schemes_dir() / "ganxian-2023-hotline.toml").read_text(encoding="utf-8")
    edits = [
        ('id = "ganxian-2023-hotline"', 'id = "ganxian-variant"'),
        ('input = "reply_nonstandard", deduct = 0.5 }', 'input = "reply_nonstandard", deduct = 0.25, cap = 1.5 }'),
        ("threshold = 10, deduct = 1, cap = 4", "threshold = 10.5, deduct = 1.5, cap = 3.75"),
        ("threshold = 5, deduct = 1 }", "threshold = 5, deduct = 0.3 }"),
        ('input = "on_time_completion_rate", target = 100, deduct = 1', 'input = "on_time_completion_rate", target = 99.5, deduct = 2'),
        ('terms = [{ type = "count", input = "notice_failures", deduct = 1 }]',
         'terms = [{ type = "count", input = "notice_failures", deduct = 1 }]\n'
         'fixed_by_kind = { department = 1.5 }\nfull_when_zero = "praise"'),
        ('{ type = "count", input = "dispatch_co_failures", deduct = 1 },',
         '{ type = "count", input = "dispatch_co_failures", deduct = 1 },\n'
         '  { type = "count", input = "praise", add = 0.5 },'),
        ("per = { department = 50, town = 10, community = 10 }, add = 1 }", "per = 7, add = 0.5, cap = 3 }"),
        ('"月度得分"\nmin = 0\nmax = 100', '"月度得分"\nmin = 0\nmax = 99.5'),
    ]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return load_scheme_text(text, source="variant.toml")


VARIANT = _variant()
KINDS = ("town", "department", "community")

_odd_rates = st.one_of(
    st.decimals(min_value=0, max_value=100, places=7),  # more decimals than the fixed path takes
    st.sampled_from([Decimal("5E+1"), Decimal("1E-30"), Decimal("100.000"), Decimal("99.99999999999999999999999999"),
                     Decimal("10.5"), Decimal("3"), Decimal("0")]),
)
_rates = [
    st.decimals(min_value=85, max_value=100, places=2),
    st.decimals(min_value=0, max_value=15, places=2),
    st.decimals(min_value=85, max_value=100, places=3),
    st.decimals(min_value=0, max_value=15, places=4),
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=0),
]
# odd values (for the Decimal path) rarely, so that most unit-months take the fixed path
rates = st.integers(0, 79).flatmap(lambda r: _odd_rates if r == 0 else _rates[r % len(_rates)])
_huge = st.sampled_from([COUNT_LIMIT - 1, COUNT_LIMIT, 10**8 + 7, 10**9 - 1])  # counts stay below 10**9
counts = st.integers(0, 199).flatmap(
    lambda r: _huge if r == 0 else st.integers(0, 30) if r < 50 else st.integers(0, 12) if r < 90 else st.integers(0, 3)
)
volumes = st.one_of(st.just(0), st.integers(1, 300), st.integers(1, 60), st.integers(45, 120))
_no_drop = st.just(frozenset())


def _month(scheme):
    fields = {}
    optional = {}
    for inp in scheme.monthly_inputs:
        if inp.kind == "rate":
            fields[inp.key] = rates
        elif inp.kind == "count" and inp.key == "volume":
            fields[inp.key] = volumes
        elif inp.kind == "count":
            (optional if inp.default_from else fields)[inp.key] = counts
    return st.fixed_dictionaries(fields, optional=optional).flatmap(
        lambda d: st.one_of(_no_drop, _no_drop, _no_drop, st.frozensets(st.sampled_from(sorted(d)), max_size=1)).map(
            lambda drop: {k: v for k, v in d.items() if k not in drop or k == "volume"})
    )


def _annual(scheme):
    fields = {}
    for inp in scheme.annual_inputs:
        if inp.kind == "boolean":
            fields[inp.key] = st.booleans()
        elif inp.kind == "count":
            fields[inp.key] = counts
        elif inp.kind == "choice":
            fields[inp.key] = st.sampled_from([c.value for c in inp.choices])
        elif inp.kind == "manual":
            fields[inp.key] = st.decimals(min_value=0, max_value=inp.max, places=2)
    return st.fixed_dictionaries({}, optional=fields)


def _case(scheme, n_units=4, months=("2023-01", "2023-02")):
    month = _month(scheme)
    cells = st.dictionaries(
        st.tuples(st.sampled_from([f"U{i}" for i in range(n_units)]), st.sampled_from(months)), month,
        min_size=1, max_size=n_units * len(months),
    )
    return st.tuples(cells, st.lists(_annual(scheme), min_size=n_units, max_size=n_units),
                     st.lists(st.sampled_from(KINDS), min_size=n_units, max_size=n_units))


def _build(scheme, case, months, use_fixed):
    cells, annual, kinds = case
    units = [UnitRef(f"U{i}", f"u{i}", kinds[i]) for i in range(len(kinds))]
    before = engine_module._USE_FIXED
    engine_module._USE_FIXED = use_fixed
    try:
        return ScoringEngine(scheme, units, months=months, monthly=cells,
                             annual={f"U{i}": a for i, a in enumerate(annual)})
    finally:
        engine_module._USE_FIXED = before


def flatten(result):
    """Every figure of a result, comparable by value (Decimal equality)."""
    out = {"months": result.months, "dropped": result.dropped_months, "averages": dict(result.month_averages)}
    for code, u in result.units.items():
        out[code] = (
            u.group, u.status, u.total, u.rank, u.tied, u.missing, u.veto, dict(u.indicators), dict(u.categories),
            u.annual_score, u.annual_bonus, u.annual_penalty, u.monthly_average,
            {m: (mr.status, mr.score, mr.rank, mr.tied, dict(mr.indicators), mr.base, mr.bonus, mr.penalty,
                 mr.missing) for m, mr in u.months.items()},
        )
    return out


def check_cents(engine):
    """The rounded score kept for the monthly ranks is round2(score) in cents, in both paths."""
    for st_ in engine._units.values():
        for c in st_.mcalc.values():
            if c.status == "scored":
                assert c.rounded == int(round2(c.score).scaleb(2))


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_fixed_path_is_used_for_the_ganxian_schemes():
    assert compile_fixed(HOTLINE) is not None and compile_fixed(HOTLINE, "annual") is not None
    assert compile_fixed(ONLINE) is not None
    assert compile_fixed(VARIANT) is not None and compile_fixed(VARIANT, "annual") is not None
    assert compile_fixed(LICHENG) is None  # no monthly rules; its annual rules use shares / manual scores


@pytest.mark.parametrize("scheme", [HOTLINE, ONLINE, VARIANT], ids=lambda s: s.id)
def test_fixed_equals_decimal(scheme):
    months = ["2023-01", "2023-02"]

    @SETTINGS
    @given(_case(scheme))
    def check(case):
        fixed = _build(scheme, case, months, True)
        plain = _build(scheme, case, months, False)
        assert flatten(fixed.result()) == flatten(plain.result())
        check_cents(fixed)
        fixed.recompute()
        assert flatten(fixed.result()) == flatten(plain.result())

    check()


@pytest.mark.parametrize("scheme", [HOTLINE, VARIANT], ids=lambda s: s.id)
def test_fixed_incremental_equals_decimal_fresh(scheme):
    months = ["2023-01", "2023-02"]

    @SETTINGS
    @given(_case(scheme), st.lists(st.tuples(st.sampled_from(["U0", "U1", "U2", "U3"]), st.sampled_from(months),
                                             _month(scheme)), min_size=1, max_size=4))
    def check(case, edits):
        live = _build(scheme, case, months, True)
        cells = dict(case[0])
        for code, month, values in edits:
            live.set_many(monthly={(code, month): values}, replace=True)
            cells[(code, month)] = values
        plain = _build(scheme, (cells, case[1], case[2]), months, False)
        assert flatten(live.result()) == flatten(plain.result())
        check_cents(live)

    check()


def test_licheng_unaffected():
    from ranking_cases import licheng_sized_case

    engine, result = licheng_sized_case(12, 6)
    before = engine_module._USE_FIXED
    engine_module._USE_FIXED = False
    try:
        plain = ScoringEngine(LICHENG, engine.units, None,
                              {(u.code, m): engine.monthly_values(u.code, m) for u in engine.units
                               for m in engine.months},
                              {u.code: engine.annual_values(u.code) for u in engine.units}, year=2025)
    finally:
        engine_module._USE_FIXED = before
    assert flatten(result) == flatten(plain.result())
