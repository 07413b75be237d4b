"""One ranking order for the screen, the printed tables and the exports; and what an annual item feeds."""

import numpy as np

from hotline_desktop.core.annual_status import item_feeds
from hotline_desktop.core.ranking_order import in_order, order_numbers
from hotline_desktop.core.scoring import load_scheme
from hotline_desktop.core.scoring.results import Places

YEAR = ("ranked", "unranked", "incomplete")
MONTH = ("missing", "scored", "averaged", "incomplete")


def reference_key(status: str, rank: int | None, code: str):
    """The order as the spec words it: ranked/scored, unranked/averaged, incomplete, missing; rank; code."""
    groups = [("ranked", "scored"), ("unranked", "averaged"), ("incomplete",), ("missing",)]
    return next(j for j, g in enumerate(groups) if status in g), rank or 0, code


def sorted_codes(names, rows):
    """Codes of ``rows`` ((code, status, rank), codes in code order) sorted by order_numbers."""
    rows = sorted(rows)
    places = Places(names, np.array([names.index(r[1]) for r in rows]), np.array([r[2] or 0 for r in rows], np.int64),
                    np.zeros(len(rows), bool), ["g"] * len(rows), [r[0] for r in rows],
                    np.zeros(len(rows), np.int64), np.zeros(len(rows), bool), [])  # (totals, refs: not read)
    return [rows[i][0] for i in np.argsort(order_numbers(places), kind="stable")]


def test_year_order_ranked_by_rank_ties_by_code_then_unranked_then_incomplete():
    rows = [("C09", "incomplete", None), ("C03", "ranked", 2), ("C01", "unranked", None), ("C07", "ranked", 1),
            ("C02", "ranked", 2), ("C05", "ranked", 4), ("C04", "incomplete", None)]
    assert sorted_codes(YEAR, rows) == ["C07", "C02", "C03", "C05", "C01", "C04", "C09"]


def test_month_order_puts_averaged_after_scored_and_months_without_data_last():
    rows = [("T1", "missing", None), ("T2", "averaged", None), ("T3", "scored", 2), ("T4", "scored", 1),
            ("T5", "incomplete", None)]
    assert sorted_codes(MONTH, rows) == ["T4", "T3", "T2", "T5", "T1"]


def test_printed_table_rows_follow_the_rule():
    from ranking_cases import ganxian_hotline_case, licheng_case

    from hotline_desktop.core.ranking_table import build_ranking_table

    _e, result = licheng_case()
    table = build_ranking_table(result, year=2025, group="community")
    assert [r.code for r in table.rows] == ["C01", "C02", "C03", "C06", "C04", "C05"]  # tie by code; unranked; incomplete
    _e, gx = ganxian_hotline_case()
    for month in (None, *gx.months):
        for group in gx.groups:
            codes = [u.code for u in gx.units.values() if u.group == group]
            expected = sorted(codes, key=lambda c: reference_key(*gx.place(c, month)[:2], c))
            assert [u.code for u in in_order(gx, group, month)] == expected
            if month is not None:
                table = build_ranking_table(gx, year=2023, group=group, month=month)
                assert [r.code for r in table.rows] == expected


def test_item_feeds_name_indicator_bonus_penalty_and_veto():
    hotline = load_scheme("ganxian-2023-hotline")
    assert [(f.kind, f.key, f.heading) for f in item_feeds(hotline, "dedicated_staff")] == [
        ("indicator", "guarantee", "运行保障（满分 14 分）")]
    assert [(f.kind, f.heading) for f in item_feeds(hotline, "commend_city")] == [
        ("bonus", "年度基础考核·奖惩加分（以 20 分为限）")]
    assert [f.kind for f in item_feeds(hotline, "criticism_city")] == ["penalty"]
    online = load_scheme("ganxian-2023-online")
    assert [(f.kind, f.heading) for f in item_feeds(online, "negative_impact")][-1] == ("veto", "否决项：帖文造成负面影响")


def test_vector_order_sorts_like_the_spec_on_random_units():
    """The live table and the printed tables order whole columns (ScoringResult.places) by
    order_numbers: the spec's order row by row, ties by code, every status in play."""
    import random

    rng = random.Random(8)
    for names in (YEAR, MONTH):
        for _ in range(20):
            codes = sorted({f"U{rng.randrange(10_000):05d}" for _ in range(rng.randrange(1, 300))})
            rows = [(c, s, rng.randrange(1, 40) if s in ("ranked", "scored") else None)  # many ties
                    for c in codes for s in [rng.choice(names)]]
            assert sorted_codes(names, rows) == [r[0] for r in sorted(rows, key=lambda r: reference_key(r[1], r[2], r[0]))]


def test_places_of_a_result_are_what_its_unit_results_show():
    """ScoringResult.places (and place, read from it) says what each built result says, in the
    year and in each month (a month without a record: "missing"); its columns cannot be written."""
    from ranking_cases import ganxian_hotline_case, licheng_case

    for _e, result in (ganxian_hotline_case(), licheng_case()):
        for month in (None, *result.months, "2099-01"):
            p = result.places(month)
            codes = sorted(result.units)
            assert list(p.codes) == codes and list(p.groups) == [result.units[c].group for c in codes]
            if month is None or (result.scheme.has_monthly_scores and month in result.months):  # engine-owned
                assert not (p.status.flags.writeable or p.rank.flags.writeable)
            for i, c in enumerate(codes):
                u = result.units[c]
                m = u if month is None else u.months.get(month)
                shown = ("missing", None, False) if m is None else (m.status, m.rank, m.tied)
                assert result.place(c, month) == shown == (p.names[p.status[i]], int(p.rank[i]) or None,
                                                            bool(p.tied[i]))
