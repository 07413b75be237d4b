import pytest

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.paths import builtin_data_dir
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.errors import ServiceError


@pytest.fixture
def units(services):
    t = services.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    d = services.units.create(UnitDraft(code="D01", name="区民政局", kind="department"))
    return t.id, d.id


def test_assigning_freezes_the_scheme_text_with_the_year(services, tmp_path):
    src = (builtin_data_dir() / "schemes" / "licheng-2020.toml").read_text(encoding="utf-8")
    copy = tmp_path / "licheng-2020.toml"
    copy.write_text(src, encoding="utf-8")
    ys = services.assessment.assign(2024, copy)
    copy.write_text(src.replace('title = "历城区热线工作考核细则"', 'title = "改过的"'), encoding="utf-8")
    services.assessment.invalidate()
    assert services.assessment.scheme(ys.id).title == "历城区热线工作考核细则"
    assert services.assessment.scheme(ys.id).text == src
    with pytest.raises(ServiceError, match="已使用"):
        services.assessment.assign(2024, copy)


def test_bad_value_is_kept_with_its_reason_and_fixed_later(services, units):
    t, _ = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    ch = services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "satisfaction_rate", "105"),
                                                CellEdit(t, "2023-01", "volume", "21")])
    assert [c.new.valid for c in ch] == [False, True]
    cells = services.assessment.monthly_cells(ys.id, "2023-01")
    bad = cells[(t, "2023-01", "satisfaction_rate")]
    assert bad.text == "105" and "0 到 100" in bad.error
    services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "satisfaction_rate", "98.50%")])
    good = services.assessment.monthly_cells(ys.id, "2023-01")[(t, "2023-01", "satisfaction_rate")]
    assert good.valid and good.text == "98.5"
    services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "satisfaction_rate", "")])
    assert (t, "2023-01", "satisfaction_rate") not in services.assessment.monthly_cells(ys.id)


def test_a_batch_with_an_unknown_item_or_month_writes_nothing(services, units):
    t, _ = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    for bad in (CellEdit(t, "2023-01", "no_such_key", "1"), CellEdit(t, "2024-01", "volume", "1"),
                CellEdit(t, None, "volume", "1")):
        with pytest.raises(ServiceError):
            services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "5"), bad])
    assert services.assessment.monthly_cells(ys.id) == {}


def test_values_changed_event_and_unchanged_edits_are_not_reported(services, units):
    t, _ = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    seen = []
    services.assessment.values_changed.connect(lambda ys_id, ch: seen.append(len(ch)))
    services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "5")])
    services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "5.0")])  # same value
    assert seen == [1]


def test_copy_last_month(services, units):
    t, d = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "21"), CellEdit(d, "2023-01", "volume", "52"),
                                           CellEdit(d, "2023-02", "praise", "3")])
    services.assessment.copy_month(ys.id, "2023-01", "2023-02")
    feb = {(u, k): c.text for (u, m, k), c in services.assessment.monthly_cells(ys.id, "2023-02").items()}
    assert feb == {(t, "volume"): "21", (d, "volume"): "52"}


def test_participants_include_deactivated_units_with_data(services, units):
    t, d = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    services.units.set_active(d, False)
    assert [u.code for u in services.assessment.participants(ys.id)] == ["T01"]
    services.assessment.set_values(ys.id, [CellEdit(d, "2023-01", "volume", "3")])
    assert [u.code for u in services.assessment.participants(ys.id)] == ["D01", "T01"]
    with pytest.raises(ServiceError, match="考核数据"):
        services.units.delete(d)


def test_annual_items_and_notes(services, units):
    t, _ = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    services.assessment.set_values(ys.id, [CellEdit(t, None, "kb_format", "qa"), CellEdit(t, None, "training", "是")])
    services.assessment.set_note(ys.id, t, "training", "2023年5月参加市热线培训")
    cells = services.assessment.annual_cells(ys.id, t)
    assert cells[(t, "kb_format")].value == "qa" and cells[(t, "training")].value is True
    assert services.assessment.annual_notes(ys.id, t) == {"training": "2023年5月参加市热线培训"}


def test_demo_fills_three_scheme_years(services):
    from hotline_desktop.services.demo import create_demo

    summary = create_demo(services)
    assert len(summary.years) == 3
    rows = {(r.year, r.scheme_id) for r in services.assessment.assignments()}
    assert rows == {(2025, "licheng-2020"), (2026, "ganxian-2023-hotline"), (2026, "ganxian-2023-online")}
    ys = services.assessment.find(2026, "ganxian-2023-hotline")
    assert services.assessment.months_with_data(ys.id) == [f"2026-{m:02d}" for m in range(1, 11)]
    assert all(c.valid for c in services.assessment.monthly_cells(ys.id).values())


def test_event_disconnect_works_with_bound_methods():
    from hotline_desktop.services.events import Event

    class Listener:
        def __init__(self):
            self.got = []

        def on(self, x):
            self.got.append(x)

    ev, lst = Event(), Listener()
    ev.connect(lst.on)
    ev.emit(1)
    ev.disconnect(lst.on)  # a fresh bound-method object, equal but not identical
    ev.emit(2)
    assert lst.got == [1]


def test_a_typed_cell_is_one_unit_of_work(services, units, monkeypatch):
    """Storing a typed cell opens one session (the write): the year of the (year, scheme) that
    the feeds' active keys need is not read from the database again on every edit."""
    t, _ = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "20")])  # caches warm
    opened = []
    real = services.store.session
    monkeypatch.setattr(services.store, "session", lambda: opened.append(1) or real())
    ch = services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "21", version=1)])
    assert [c.new.text for c in ch] == ["21"] and ch[0].version == 2
    assert len(opened) == 1


@pytest.mark.parametrize("per_month", [1000, 2])  # one by one; 20 cells over 2 months > 2 × 2: the months whole
def test_few_and_many_cells_find_the_same_stored_rows_and_versions(services, units, monkeypatch, per_month):
    """One threshold (ValueRepository.LOOKUPS_PER_MONTH) decides how a batch finds its stored
    rows: cell by cell, or its months whole. Either way the same rows and versions (a stale
    one refuses the batch)."""
    from hotline_desktop.db.errors import ConflictError
    from hotline_desktop.db.repositories import ValueRepository

    monkeypatch.setattr(ValueRepository, "LOOKUPS_PER_MONTH", per_month)
    t, d = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    keys = ["volume", "satisfaction_rate", "rework_rate", "sign_in_rate", "response_rate"]
    cells = [(u, f"2023-0{m}", k) for u in (t, d) for m in (1, 2) for k in keys]  # 20 cells
    services.assessment.set_values(ys.id, [CellEdit(u, m, k, "10") for u, m, k in cells])
    some = cells[:8]
    services.assessment.set_values(ys.id, [CellEdit(u, m, k, "11", version=1) for u, m, k in some])
    services.assessment.set_values(ys.id, [CellEdit(t, "2023-03", "volume", "5")])  # a row of another month
    with services.store.session() as s:
        repo = ValueRepository(s)
        got = sorted(tuple(r) for r in repo.monthly_existing(ys.id, cells))
        of_some = sorted(tuple(r) for r in repo.monthly_existing(ys.id, some))
    assert of_some == [r for r in got if (r[1], r[2], r[3]) in set(some)]
    assert {(r[1], r[2], r[3]): (r[4], r[6]) for r in got} == {c: ("11", 2) if c in some else ("10", 1) for c in cells}
    with pytest.raises(ConflictError):  # a stale version: refused on either path
        services.assessment.set_values(ys.id, [CellEdit(*c, "12", version=1) for c in cells])
    assert services.assessment.monthly_cells(ys.id)[some[0]].text == "11"


def test_a_pasted_block_looks_up_its_cells_by_the_unique_key(services, units):
    """A paste of a few dozen cells finds its stored rows through the unique key's index, not
    with a tuple IN over the cells (SQLite scans the whole year for that: ~0.2 s at 4,000 units)
    nor by reading its months whole."""
    t, d = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    keys = ["volume", "satisfaction_rate", "rework_rate", "sign_in_rate", "response_rate"]
    cells = [(u, f"2023-0{m}", k) for u in (t, d) for m in (1, 2, 3) for k in keys]  # 30 cells
    services.assessment.set_values(ys.id, [CellEdit(u, m, k, "10") for u, m, k in cells])
    from sqlalchemy import event

    seen = []

    def heard(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(services.store.engine, "before_cursor_execute", heard)
    try:
        services.assessment.set_values(ys.id, [CellEdit(u, m, k, "11") for u, m, k in cells])
    finally:
        event.remove(services.store.engine, "before_cursor_execute", heard)
    reads = [q for q in seen if q.lstrip().upper().startswith("SELECT") and "monthly_values" in q]
    assert len(reads) == len(cells)
    assert all("unit_id = " in q and "month = " in q and "key = " in q for q in reads)


def test_a_figure_with_a_control_character_is_refused_not_cleaned_into_another(services, units):
    """Removed as from a name, \\x0b would make 9\\x0b8 the figure 98, and a pasted \\x1f alone would
    clear the cell: both are kept as bad cells saying which character, for the operator to fix."""
    t, _ = units
    ys = services.assessment.assign(2023, "ganxian-2023-hotline")
    services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "21"),
                                           CellEdit(t, "2023-01", "satisfaction_rate", "97")])
    ch = services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "9\x0b8"),
                                                CellEdit(t, "2023-01", "satisfaction_rate", "\x1f")])
    assert [c.new.error for c in ch] == ["当月办件量含有不可见的控制字符（U+000B）",
                                         "诉求满意率含有不可见的控制字符（U+001F）"]
    cells = services.assessment.monthly_cells(ys.id, "2023-01")  # stored as shown (controls as ?), still bad
    assert [(cells[(t, "2023-01", k)].text, cells[(t, "2023-01", k)].valid) for k in ("volume", "satisfaction_rate")] \
        == [("9?8", False), ("?", False)]
    ok = services.assessment.set_values(ys.id, [CellEdit(t, "2023-01", "volume", "21\r\n")])  # a pasted line end
    assert ok[0].new.valid and ok[0].new.text == "21"
