"""The columnar engine against the previous one: figures of demo-sized cases of the three schemes
equal what the Decimal engine of commit 859fcd5 (closures per rule, no numpy) computed.

Each test names the figures it guards (see EXPECTED): status counts, the month averages, and per
unit of each kind of outcome the exact total, rank, 并列, missing items, veto and the indicator and
month figures as shown. The cases include the edges of what the engine computes exactly: rates with
6 decimals, counts just under the bound, months without work orders, incomplete and missing months.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from ranking_cases import licheng_sized_case

from hotline_desktop.core.scoring import ScoringEngine, ScoringInputError, UnitRef, load_scheme
from hotline_desktop.core.scoring.numbers import round2

KINDS = ("town", "department", "community")
HOTLINE_RATES = (
    "on_time_completion_rate", "satisfaction_rate", "rework_rate", "sign_in_rate", "response_rate",
    "return_overdue_rate", "first_extension_rate", "second_extension_rate",
)
HOTLINE_COUNTS = (
    "returned_twice_reassigned", "dispatch_main_failures", "dispatch_co_failures", "notice_failures",
    "reply_nonstandard", "praise", "complaints", "supervision_light", "supervision_heavy",
)
ODD_RATES = ("97.125", "99.995", "0.001", "99.9999", "3.00005", "12.345678", "99.999999", "5E+1",
             "1E-6", "100.000")


def _rate(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.04:
        return rng.choice(ODD_RATES)
    if r < 0.15:
        return rng.choice(("100", "0", "3", "5", "10", "90", "99.5"))
    if r < 0.3:
        return f"{rng.randint(0, 10000) / 100:.2f}"
    return f"{rng.randint(8500, 10000) / 100:.2f}"


def _count(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.01:
        return rng.choice((10**7, 10**8 + 3, 10**9 - 1, 123456789))
    return rng.choice((0, 0, 0, 0, 1, 2, 3, 7, 12))


def hotline_engine(n_units: int = 90, seed: int = 5) -> ScoringEngine:
    rng = random.Random(seed)
    units = [UnitRef(f"H{i:03d}", f"单位{i}", KINDS[i % 3]) for i in range(n_units)]
    months = [f"2023-{m:02d}" for m in range(1, 13)]
    monthly = {}
    for u in units:
        for m in months:
            r = rng.random()
            if r < 0.004:
                continue  # missing month
            volume = 0 if r < 0.06 else rng.choice((1, 9, 10, 21, 49, 50, 120, 499, rng.randint(1, 300)))
            values: dict[str, object] = {"volume": volume}
            if rng.random() < 0.2:
                values["volume_all_channels"] = volume + rng.randint(0, 80)
            if volume:
                for k in HOTLINE_RATES:
                    values[k] = _rate(rng)
                if r < 0.068:
                    values.pop(rng.choice(HOTLINE_RATES))  # incomplete month
                for c in HOTLINE_COUNTS:
                    values[c] = _count(rng)
            monthly[(u.code, m)] = values
    annual = {u.code: {
        "guarantee_mechanism": rng.random() < 0.8, "dedicated_staff": rng.random() < 0.9,
        "rules_established": rng.random() < 0.5, "summary_plan_submitted": rng.random() < 0.5,
        "publicity_articles": rng.randint(0, 10), "kb_format": rng.choice(("qa", "other", "none")),
        "kb_updated": rng.random() < 0.5, "kb_late_updates": rng.randint(0, 3), "training": rng.random() < 0.7,
        "leadership_meetings": rng.randint(0, 5), "station_rules": rng.random() < 0.5,
        "station_ledger": rng.random() < 0.5, "commend_city": rng.randint(0, 9),
        "special_plan": rng.random() < 0.1, "criticism_national": rng.choice((0, 0, 0, 3)),
        "criticism_district": rng.choice((0, 0, 1)),
    } for u in units}
    return ScoringEngine(load_scheme("ganxian-2023-hotline"), units, months=months, monthly=monthly,
                         annual=annual, year=2023)


def online_engine(n_units: int = 60, seed: int = 6) -> ScoringEngine:
    rng = random.Random(seed)
    units = [UnitRef(f"N{i:03d}", f"单位{i}", KINDS[i % 3]) for i in range(n_units)]
    months = [f"2023-{m:02d}" for m in range(1, 13)]
    monthly = {}
    for u in units:
        for m in months:
            if rng.random() < 0.004:
                continue
            values: dict[str, object] = {}
            if rng.random() > 0.01:
                values["on_time_reply_rate"] = _rate(rng)
            for c in ("nonstandard_replies", "late_returns", "missing_seal_pdf", "repeat_posts", "supervised"):
                values[c] = _count(rng)
            monthly[(u.code, m)] = values
    annual = {u.code: {"negative_impact": rng.random() < 0.05, "national_overdue": rng.random() < 0.05}
              for u in units}
    return ScoringEngine(load_scheme("ganxian-2023-online"), units, months=months, monthly=monthly,
                         annual=annual, year=2023)


def _exact(x) -> str | None:
    """An unrounded figure as text, by value (``Decimal.normalize()``)."""
    return None if x is None else str(x.normalize()) if x else "0"


def _shown(x) -> str | None:
    """A figure as a user sees it (rounded half-up to 2 decimals)."""
    return None if x is None else str(round2(x))


CASES = {
    "hotline": hotline_engine,
    "online": online_engine,
    "licheng": lambda: licheng_sized_case()[0],
}

# Figures computed by the Decimal engine of commit 859fcd5 (closures per rule, no numpy), checked equal
# to the columnar engine over every figure of these cases before the pinned digests were replaced by
# this table. Per case: how many units (and unit-months) end in each status, the 按平均分 averages,
# and for units of every kind of outcome (plain, tied, averaged months, incomplete, a missing month,
# a veto) the figures of the ranking: exact total, rank, 并列, missing items, veto, 年度基础考核,
# monthly mean, each annual indicator as shown, and the month scores and ranks shown.
EXPECTED = {'hotline': {'statuses': {'incomplete': 12, 'ranked': 78},
             'month_statuses': {'averaged': 67, 'incomplete': 11, 'missing': 4, 'scored': 998},
             'month_averages': {'2023-01': '40.82', '2023-02': '39.89', '2023-03': '43.02'},
             'units': {'H000': {'status': 'ranked',
                                'total': '45.7719966',
                                'rank': 34,
                                'tied': False,
                                'missing': (),
                                'veto': None,
                                'annual_score': '38.00',
                                'monthly_average': '47.71499575',
                                'indicators': {'guarantee': '8.00',
                                               'institution': '10.00',
                                               'publicity': '0.00',
                                               'knowledge_base': '10.00',
                                               'training': '5.00',
                                               'leadership': '0.00',
                                               'service_station': '5.00'},
                                'months': {'2023-01': ('scored', '57.10', 10, False, ()),
                                           '2023-06': ('scored', '48.81', 26, False, ())}},
                       'H001': {'status': 'ranked',
                                'total': '39.45999186991869918699186992',
                                'rank': 68,
                                'tied': False,
                                'missing': (),
                                'veto': None,
                                'annual_score': '54.00',
                                'monthly_average': '35.8249898373983739837398374',
                                'indicators': {'guarantee': '14.00',
                                               'institution': '0.00',
                                               'publicity': '0.00',
                                               'knowledge_base': '20.00',
                                               'training': '5.00',
                                               'leadership': '0.00',
                                               'service_station': '15.00'},
                                'months': {'2023-01': ('scored', '25.55', 71, False, ()),
                                           '2023-04': ('averaged', '38.74', None, False, ()),
                                           '2023-06': ('scored', '24.14', 78, False, ())}},
                       'H021': {'status': 'ranked',
                                'total': '39.42468452806047720292936451',
                                'rank': 71,
                                'tied': False,
                                'missing': (),
                                'veto': None,
                                'annual_score': '41.00',
                                'monthly_average': '39.03085566007559650366170564',
                                'indicators': {'guarantee': '14.00',
                                               'institution': '0.00',
                                               'publicity': '2.00',
                                               'knowledge_base': '10.00',
                                               'training': '5.00',
                                               'leadership': '0.00',
                                               'service_station': '0.00'},
                                'months': {'2023-01': ('scored', '53.63', 15, False, ()),
                                           '2023-06': ('scored', '36.41', 54, False, ()),
                                           '2023-08': ('averaged', '41.35', None, False, ()),
                                           '2023-10': ('averaged', '36.09', None, False, ())}},
                       'H009': {'status': 'incomplete',
                                'total': None,
                                'rank': None,
                                'tied': False,
                                'missing': ('2023-03:on_time_completion_rate',
                                            '2023-05:second_extension_rate', '2023-09:rework_rate'),
                                'veto': None,
                                'annual_score': '64.00',
                                'monthly_average': None,
                                'indicators': {'guarantee': '14.00',
                                               'institution': '0.00',
                                               'publicity': '10.00',
                                               'knowledge_base': '0.00',
                                               'training': '0.00',
                                               'leadership': '20.00',
                                               'service_station': '0.00'},
                                'months': {'2023-01': ('scored', '65.89', 3, False, ()),
                                           '2023-03': ('incomplete', None, None, False,
                                                       ('on_time_completion_rate',)),
                                           '2023-05': ('incomplete', None, None, False,
                                                       ('second_extension_rate',)),
                                           '2023-06': ('scored', '46.72', 32, False, ()),
                                           '2023-09': ('incomplete', None, None, False, ('rework_rate',))}},
                       'H050': {'status': 'incomplete',
                                'total': None,
                                'rank': None,
                                'tied': False,
                                'missing': ('2023-01',),
                                'veto': None,
                                'annual_score': '79.00',
                                'monthly_average': None,
                                'indicators': {'guarantee': '14.00',
                                               'institution': '5.00',
                                               'publicity': '4.00',
                                               'knowledge_base': '16.00',
                                               'training': '5.00',
                                               'leadership': '10.00',
                                               'service_station': '5.00'},
                                'months': {'2023-01': ('missing', None, None, False, ()),
                                           '2023-06': ('scored', '34.61', 58, False, ())}}}},
 'licheng': {'statuses': {'ranked': 90},
             'units': {'C001': {'status': 'ranked',
                                'total': '84.50036552015045149038682792',
                                'rank': 50,
                                'tied': False,
                                'missing': (),
                                'veto': None,
                                'annual_score': '84.50',
                                'monthly_average': None,
                                'indicators': {'satisfaction': '43.84',
                                               'overdue_normal': '1.00',
                                               'overdue_urgent': '3.00',
                                               'overdue_key': '3.00',
                                               'shirk_once': '0.00',
                                               'shirk_multi': '6.00',
                                               'supervision': '6.00',
                                               'leadership': '5.00',
                                               'institution': '2.00',
                                               'communication': '1.00',
                                               'rework': '3.00',
                                               'dissatisfaction_analysis': '2.00',
                                               'info_reports': '1.70',
                                               'praise': '0.90',
                                               'volume_share': '0.06',
                                               'archives': '1.00',
                                               'attitude': '5.00'}},
                       'C009': {'status': 'ranked',
                                'total': '83.94100541534516499089007356',
                                'rank': 53,
                                'tied': True,
                                'missing': (),
                                'veto': None,
                                'annual_score': '83.94',
                                'monthly_average': None,
                                'indicators': {'satisfaction': '42.78',
                                               'overdue_normal': '0.00',
                                               'overdue_urgent': '3.00',
                                               'overdue_key': '3.00',
                                               'shirk_once': '3.00',
                                               'shirk_multi': '6.00',
                                               'supervision': '6.00',
                                               'leadership': '4.00',
                                               'institution': '2.00',
                                               'communication': '1.00',
                                               'rework': '4.00',
                                               'dissatisfaction_analysis': '2.00',
                                               'info_reports': '2.50',
                                               'praise': '0.60',
                                               'volume_share': '0.06',
                                               'archives': '0.00',
                                               'attitude': '4.00'}},
                       'C019': {'status': 'ranked',
                                'total': '83.71929070247655037451919833',
                                'rank': 55,
                                'tied': True,
                                'missing': (),
                                'veto': None,
                                'annual_score': '83.72',
                                'monthly_average': None,
                                'indicators': {'satisfaction': '42.77',
                                               'overdue_normal': '0.00',
                                               'overdue_urgent': '3.00',
                                               'overdue_key': '3.00',
                                               'shirk_once': '1.00',
                                               'shirk_multi': '6.00',
                                               'supervision': '6.00',
                                               'leadership': '5.00',
                                               'institution': '2.00',
                                               'communication': '1.00',
                                               'rework': '3.00',
                                               'dissatisfaction_analysis': '2.00',
                                               'info_reports': '2.10',
                                               'praise': '0.80',
                                               'volume_share': '0.05',
                                               'archives': '1.00',
                                               'attitude': '5.00'}},
                       'D013': {'status': 'ranked',
                                'total': '86.03291303113257741792307968',
                                'rank': 21,
                                'tied': False,
                                'missing': (),
                                'veto': None,
                                'annual_score': '86.03',
                                'monthly_average': None,
                                'indicators': {'satisfaction': '45.14',
                                               'overdue_normal': '1.00',
                                               'overdue_urgent': '3.00',
                                               'overdue_key': '3.00',
                                               'shirk_once': '1.00',
                                               'shirk_multi': '6.00',
                                               'supervision': '6.00',
                                               'leadership': '3.00',
                                               'institution': '2.00',
                                               'communication': '1.00',
                                               'rework': '3.00',
                                               'dissatisfaction_analysis': '2.00',
                                               'info_reports': '2.80',
                                               'praise': '1.00',
                                               'volume_share': '0.09',
                                               'archives': '1.00',
                                               'attitude': '5.00'}}}},
 'online': {'statuses': {'incomplete': 7, 'ranked': 53},
            'month_statuses': {'incomplete': 6, 'missing': 2, 'scored': 712},
            'month_averages': {'2023-01': '57.76', '2023-02': '61.76', '2023-03': '64.56'},
            'units': {'N000': {'status': 'ranked',
                               'total': '60.92083333333333333333333333',
                               'rank': 28,
                               'tied': False,
                               'missing': (),
                               'veto': None,
                               'annual_score': None,
                               'monthly_average': '60.92083333333333333333333333',
                               'indicators': {},
                               'months': {'2023-01': ('scored', '76.35', 13, False, ()),
                                          '2023-06': ('scored', '50.67', 47, False, ())}},
                      'N032': {'status': 'ranked',
                               'total': '0',
                               'rank': 51,
                               'tied': True,
                               'missing': (),
                               'veto': 'negative_impact',
                               'annual_score': None,
                               'monthly_average': '63.85',
                               'indicators': {},
                               'months': {'2023-01': ('scored', '39.00', 44, False, ()),
                                          '2023-06': ('scored', '63.08', 36, False, ())}},
                      'N055': {'status': 'ranked',
                               'total': '56.335',
                               'rank': 42,
                               'tied': False,
                               'missing': (),
                               'veto': None,
                               'annual_score': None,
                               'monthly_average': '56.335',
                               'indicators': {},
                               'months': {'2023-01': ('scored', '69.19', 23, False, ()),
                                          '2023-06': ('scored', '15.00', 59, True, ())}},
                      'N005': {'status': 'incomplete',
                               'total': None,
                               'rank': None,
                               'tied': False,
                               'missing': ('2023-09:on_time_reply_rate',),
                               'veto': None,
                               'annual_score': None,
                               'monthly_average': None,
                               'indicators': {},
                               'months': {'2023-01': ('scored', '58.00', 35, False, ()),
                                          '2023-06': ('scored', '95.59', 1, False, ()),
                                          '2023-09': ('incomplete', None, None, False,
                                                      ('on_time_reply_rate',))}},
                      'N006': {'status': 'incomplete',
                               'total': None,
                               'rank': None,
                               'tied': False,
                               'missing': ('2023-04',),
                               'veto': None,
                               'annual_score': None,
                               'monthly_average': None,
                               'indicators': {},
                               'months': {'2023-01': ('scored', '67.51', 26, False, ()),
                                          '2023-04': ('missing', None, None, False, ()),
                                          '2023-06': ('scored', '65.03', 33, False, ())}}}}}


@pytest.mark.parametrize("name", sorted(CASES))
def test_how_many_units_and_months_end_in_each_status(name):
    result = CASES[name]().result()
    want = EXPECTED[name]
    assert dict(sorted(Counter(u.status for u in result.units.values()).items())) == want["statuses"]
    if "month_statuses" in want:
        months = Counter(m.status for u in result.units.values() for m in u.months.values())
        assert dict(sorted(months.items())) == want["month_statuses"]
        shown = {m: _shown(a) for m, a in result.month_averages.items() if m in want["month_averages"]}
        assert shown == want["month_averages"]  # the 平均分 an averaged month is scored at


@pytest.mark.parametrize("name", sorted(CASES))
def test_ranking_figures_of_each_kind_of_unit(name):
    engine = CASES[name]()
    for result in (engine.result(), (engine.recompute(), engine.result())[1]):  # a full recompute agrees
        for code, want in EXPECTED[name]["units"].items():
            u = result.units[code]
            got = dict(status=u.status, total=_exact(u.total), rank=u.rank, tied=u.tied, missing=u.missing,
                       veto=u.veto, annual_score=_shown(u.annual_score), monthly_average=_exact(u.monthly_average),
                       indicators={k: _shown(v) for k, v in u.indicators.items()})
            if "months" in want:
                got["months"] = {m: (mr.status, _shown(mr.score), mr.rank, mr.tied, mr.missing)
                                 for m, mr in u.months.items() if m in want["months"]}
            assert got == want, code


def test_values_beyond_exact_range_are_refused_naming_unit_month_and_key():
    scheme = load_scheme("ganxian-2023-hotline")
    units = [UnitRef("T01", "梅林镇", "town")]
    with pytest.raises(ScoringInputError) as info:
        ScoringEngine(scheme, units, months=["2023-01"], monthly={("T01", "2023-01"): {
            "volume": 5, "satisfaction_rate": "99.1234567", "praise": 10**9}})
    lines = info.value.lines()
    assert any("T01" in x and "2023-01" in x and "satisfaction_rate" in x and "最多 6 位小数" in x for x in lines)
    assert any("praise" in x and "最多 9 位数字" in x for x in lines)  # InputDef.parse bounds what the engine computes
    engine = ScoringEngine(scheme, units, months=["2023-01"], monthly={("T01", "2023-01"): {"volume": 5}})
    with pytest.raises(ScoringInputError):
        engine.set_monthly_value("T01", "2023-01", "satisfaction_rate", "1E-7")
    assert engine.monthly_values("T01", "2023-01") == {"volume": 5}  # nothing applied
