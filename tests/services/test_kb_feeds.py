"""Fed kb_* values reach the live ranking; an explicit override wins; clearing it restores the fed value."""

from datetime import date

import pytest
from scoring_inputs import FULL_HOTLINE_MONTH as FULL_MONTH

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.core.kb import CheckResult, Content
from hotline_desktop.core.scoring import ScoringEngine
from hotline_desktop.services.assessment import CellEdit

ALL_PASS = [CheckResult(i, True) for i in range(1, 5)]


@pytest.fixture
def year(services):
    services.kb.today = lambda: date(2026, 12, 1)
    ids = {}
    for code, name, kind in [("T01", "梅林镇", "town"), ("T02", "茅店镇", "town")]:
        ids[code] = services.units.create(UnitDraft(code=code, name=name, kind=kind)).id
    ys = services.assessment.assign(2026, "ganxian-2023-hotline")
    edits = [CellEdit(uid, "2026-01", k, v) for uid in ids.values() for k, v in FULL_MONTH.items()]
    edits += [CellEdit(uid, None, "kb_format", "other") for uid in ids.values()]  # typed before the register
    services.assessment.set_values(ys.id, edits)
    return ys, ids


def annual_values(lr, code):
    return lr.engine.annual_values(code) or {}


def _fresh_equals_live(services, ys):
    lr = services.rankings.live(ys.id)
    fresh = ScoringEngine(lr.scheme, lr.engine.units, None,
                          {(c, m): lr.engine.monthly_values(c, m) for c in lr.engine.result().units
                           for m in lr.engine.months if lr.engine.monthly_values(c, m) is not None},
                          {c: lr.engine.annual_values(c) for c in lr.engine.result().units}).result()
    from hotline_desktop.services.ranking import engine_inputs

    _units, _monthly, annual = engine_inputs(services.assessment, ys.id)
    for code in lr.engine.result().units:
        assert (lr.engine.annual_values(code) or {}) == annual.get(code, {}), code
        assert fresh[code].total == lr.result()[code].total


def publish_entry(k, unit, form="一问一答", day=date(2026, 3, 2)):
    eid = k.create(unit, "社会民生", form, Content(f"{unit}的问题？", "答案。")).entry_id
    k.review(eid, ALL_PASS, day)
    k.publish(eid, day)
    return eid


def test_typed_values_stand_until_the_register_feeds_the_year(services, year):
    ys, ids = year
    lr = services.rankings.live(ys.id)
    assert annual_values(lr, "T01")["kb_format"] == "other"
    services.kb.create("T01", "社会民生", "一问一答", Content("草稿？", "答。"))  # a draft feeds nothing
    assert annual_values(lr, "T01")["kb_format"] == "other"


def test_publishing_moves_the_live_ranking_and_an_override_wins(services, year):
    ys, ids = year
    lr = services.rankings.live(ys.id)
    before = lr.result()["T01"].total
    seen = []
    lr.changed.connect(seen.append)
    eid = publish_entry(services.kb, "T01")
    vals = annual_values(lr, "T01")
    assert vals["kb_format"] == "qa" and vals["kb_updated"] is False and vals["kb_late_updates"] == 0
    # the register now feeds the year: T02 has no entry → none (its typed "other" no longer counts)
    assert annual_values(lr, "T02")["kb_format"] == "none"
    assert lr.result()["T01"].total > before and seen
    _fresh_equals_live(services, ys)
    # 校核 in the year → kb_updated
    services.kb.verify(eid, date(2026, 6, 1))
    assert annual_values(lr, "T01")["kb_updated"] is True
    # feedback open past its due date → one late update
    services.kb.add_feedback(eid, "内容不完整", "缺地址", date(2026, 11, 2))
    assert annual_values(lr, "T01")["kb_late_updates"] == 1
    # an explicit override typed by the operator wins …
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], None, "kb_late_updates", "0")])
    assert annual_values(lr, "T01")["kb_late_updates"] == 0
    fed = services.kb_feeds.fed_items(ys.id, ids["T01"])
    assert fed["kb_late_updates"].overridden and fed["kb_late_updates"].fed.text == "1"
    assert fed["kb_format"].entry_ids == (eid,)
    _fresh_equals_live(services, ys)
    # … and clearing it gives the fed value back
    services.assessment.set_values(ys.id, [CellEdit(ids["T01"], None, "kb_late_updates", None)])
    assert annual_values(lr, "T01")["kb_late_updates"] == 1
    _fresh_equals_live(services, ys)


def test_feedback_becoming_late_moves_the_ranking_on_refresh(services, year):
    ys, ids = year
    k = services.kb
    eid = publish_entry(k, "T02")
    k.add_feedback(eid, "表述不清楚", "歧义", date(2026, 11, 30))  # due 2026-12-07
    lr = services.rankings.live(ys.id)
    assert annual_values(lr, "T02")["kb_late_updates"] == 0
    k.today = lambda: date(2026, 12, 8)
    services.kb_feeds.refresh()
    assert annual_values(lr, "T02")["kb_late_updates"] == 1
    _fresh_equals_live(services, ys)


def test_undo_of_a_publication_is_followed_live(services, year):
    ys, ids = year
    k = services.kb
    eid = k.create("T01", "社会民生", "其他", Content("问？", "答。")).entry_id
    k.review(eid, ALL_PASS, date(2026, 3, 1))
    pub = k.publish(eid, date(2026, 3, 2))
    lr = services.rankings.live(ys.id)
    assert annual_values(lr, "T01")["kb_format"] == "other"
    k.undo(pub)
    assert annual_values(lr, "T01")["kb_format"] == "other"  # typed again: the register feeds nothing now
    assert not services.kb_feeds.active_keys(ys.id)
    k.redo(pub)
    assert annual_values(lr, "T02")["kb_format"] == "none"
    _fresh_equals_live(services, ys)


def test_export_case_writes_the_fed_values_the_engine_scored(services, year):
    from hotline_desktop.services.case_export import case_data

    ys, ids = year
    publish_entry(services.kb, "T01")
    data, _frozen = case_data(services, "ganxian-2023-hotline", 2026)
    annual = {a["unit"]: a["values"] for a in data["annual"]}
    assert annual["T01"]["kb_format"] == "qa" and annual["T02"]["kb_format"] == "none"
    assert annual["T01"]["kb_updated"] is False and annual["T01"]["kb_late_updates"] == 0
    lr = services.rankings.live(ys.id)
    assert annual["T01"]["kb_format"] == lr.engine.annual_values("T01")["kb_format"]


def test_a_big_register_recounts_only_the_units_an_edit_touches(services, year):
    ys, ids = year
    k = services.kb
    e1 = publish_entry(k, "T01")
    lr = services.rankings.live(ys.id)
    seen = []
    services.assessment.values_changed.connect(lambda ysid, changes: seen.append(changes))
    k.verify(e1, date(2026, 5, 1))
    assert annual_values(lr, "T01")["kb_updated"] is True
    assert {c.unit_id for c in seen[-1]} == {ids["T01"]}  # T02 untouched
    create = k.create("T02", "社会民生", "其他", Content("新问题？", "答。"))
    k.undo(create)  # an entry that is gone again
    assert annual_values(lr, "T02")["kb_format"] == "none"
    _fresh_equals_live(services, ys)
