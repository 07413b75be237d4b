"""One ranking order for the screen, the printed tables and the exports; and what an annual item feeds."""

from types import SimpleNamespace

from hotline_desktop.core.annual_status import item_feeds
from hotline_desktop.core.ranking_order import in_order, order_key, order_number
from hotline_desktop.core.scoring import load_scheme


def unit(code, status, rank=None, months=None):
    return SimpleNamespace(code=code, status=status, rank=rank, months=months or {})


def test_year_order_ranked_by_rank_ties_by_code_then_unranked_then_incomplete():
    units = [unit("C09", "incomplete"), unit("C03", "ranked", 2), unit("C01", "unranked"),
             unit("C07", "ranked", 1), unit("C02", "ranked", 2), unit("C05", "ranked", 4)]
    assert [u.code for u in in_order(units)] == ["C07", "C02", "C03", "C05", "C01", "C09"]


def test_month_order_puts_averaged_after_scored_and_months_without_data_last():
    m = lambda status, rank=None: SimpleNamespace(status=status, rank=rank)  # noqa: E731
    units = [unit("T1", "ranked", 1, {}), unit("T2", "ranked", 2, {"2026-03": m("averaged")}),
             unit("T3", "ranked", 3, {"2026-03": m("scored", 2)}), unit("T4", "ranked", 4, {"2026-03": m("scored", 1)}),
             unit("T5", "ranked", 5, {"2026-03": m("incomplete")})]
    assert [u.code for u in in_order(units, "2026-03")] == ["T4", "T3", "T2", "T5", "T1"]


def test_the_live_table_number_sorts_exactly_like_the_printed_order():
    rows = [("ranked", 3, "B"), ("ranked", 3, "A"), ("unranked", None, "C"), ("scored", 1, "D"),
            ("missing", None, "E"), ("averaged", None, "F"), ("incomplete", None, "G")]
    idx = {c: i for i, c in enumerate(sorted(r[2] for r in rows))}
    by_key = sorted(rows, key=lambda r: order_key(*r))
    by_number = sorted(rows, key=lambda r: order_number(r[0], r[1], idx[r[2]]))
    assert by_key == by_number and [r[2] for r in by_key][:3] == ["D", "A", "B"]


def test_printed_table_rows_follow_the_rule():
    from ranking_cases import ganxian_hotline_case, licheng_case

    from hotline_desktop.core.ranking_table import build_ranking_table

    _e, result = licheng_case()
    table = build_ranking_table(result, year=2025, group="community")
    assert [r.code for r in table.rows] == ["C01", "C02", "C03", "C06", "C04", "C05"]  # tie by code; unranked; incomplete
    _e, gx = ganxian_hotline_case()
    month = gx.months[0]
    for group in {u.group for u in gx.units.values()}:
        table = build_ranking_table(gx, year=2023, group=group, month=month)
        assert [r.code for r in table.rows] == [u.code for u in in_order(gx.month_units(month, group), month)]


def test_item_feeds_name_indicator_bonus_penalty_and_veto():
    hotline = load_scheme("ganxian-2023-hotline")
    assert [(f.kind, f.key, f.heading) for f in item_feeds(hotline, "dedicated_staff")] == [
        ("indicator", "guarantee", "运行保障（满分 14 分）")]
    assert [(f.kind, f.heading) for f in item_feeds(hotline, "commend_city")] == [
        ("bonus", "年度基础考核·奖惩加分（以 20 分为限）")]
    assert [f.kind for f in item_feeds(hotline, "criticism_city")] == ["penalty"]
    online = load_scheme("ganxian-2023-online")
    assert [(f.kind, f.heading) for f in item_feeds(online, "negative_impact")][-1] == ("veto", "否决项：帖文造成负面影响")


def test_vector_order_sorts_like_order_key_on_random_units():
    """The live table orders whole columns (ScoringResult.places) by order_numbers: the same
    order as order_key row by row, ties by code, every status in play."""
    import random

    import numpy as np

    from hotline_desktop.core.ranking_order import order_numbers
    from hotline_desktop.core.scoring.results import Places

    rng = random.Random(8)
    for names in (("ranked", "unranked", "incomplete"), ("missing", "scored", "averaged", "incomplete")):
        for _ in range(20):
            n = rng.randrange(1, 300)
            codes = sorted({f"U{rng.randrange(10_000):05d}" for _ in range(n)})
            status = [rng.randrange(len(names)) for _ in codes]
            ranked = ("ranked", "scored")
            ranks = [rng.randrange(1, 40) if names[s] in ranked else 0 for s in status]  # many ties
            places = Places(names, np.array(status), np.array(ranks, np.int64), np.zeros(len(codes), bool),
                            ["g"] * len(codes))
            by_vector = [codes[i] for i in np.argsort(order_numbers(places), kind="stable")]
            by_key = sorted(codes, key=lambda c: order_key(names[status[codes.index(c)]],
                                                          ranks[codes.index(c)] or None, c))
            assert by_vector == by_key


def test_places_of_a_result_are_its_units_places_in_code_order():
    """ScoringResult.places (the engine's columns, or row by row for a plain result) says what
    place() says for every unit, in the year and in each month."""
    import dataclasses

    from ranking_cases import ganxian_hotline_case

    _e, gx = ganxian_hotline_case()
    plain = dataclasses.replace(gx, units={c: gx.units[c] for c in reversed(list(gx.units))})
    for result in (gx, plain):
        for month in (None, *gx.months):
            p = result.places(month)
            codes = sorted(result.units)
            got = [(p.names[p.status[i]], int(p.rank[i]) or None, bool(p.tied[i])) for i in range(len(codes))]
            assert got == [result.place(c, month) for c in codes]
            assert list(p.groups) == [result.units[c].group for c in codes]
