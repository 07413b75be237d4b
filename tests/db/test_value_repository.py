"""The value look-ups and override writes that moved from services into ValueRepository (issue 8,
"SQL lives in db"): what the fed-count paths and an orders import rely on, on both backends."""

import pytest

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.db.repositories import ValueRepository
from hotline_desktop.services.assessment import CellEdit


@pytest.fixture
def year(services):
    a = services.units.create(UnitDraft(code="T01", name="梅林镇", kind="town")).id
    b = services.units.create(UnitDraft(code="T02", name="樟木镇", kind="town")).id
    ys = services.assessment.assign(2026, "ganxian-2023-hotline")
    services.assessment.set_values(ys.id, [
        CellEdit(a, m, k, "10") for m in ("2026-03", "2026-04") for k in ("volume", "volume_all_channels")
    ] + [CellEdit(b, "2026-03", "volume", "7")])
    return ys.id, a, b


def test_only_the_named_months_and_keys_stop_being_overrides(services, year):
    ys, a, b = year
    cells = [{"y": ys, "u": u, "m": m, "k": k} for u, m, k in
             [(a, "2026-03", "volume"), (a, "2026-03", "volume_all_channels"), (a, "2026-04", "volume"),
              (b, "2026-03", "volume")]]
    with services.store.session() as s:
        ValueRepository(s).mark_overrides(cells)
    with services.store.session() as s:
        ValueRepository(s).clear_overrides(ys, ["2026-03"], ["volume", "no_such_key"])
    with services.store.session() as s:
        left = ValueRepository(s).monthly_overrides(ys)
    assert left == {(a, "2026-03", "volume_all_channels"), (a, "2026-04", "volume")}


def test_month_and_unit_facts(services, year):
    ys, a, b = year
    with services.store.session() as s:
        repo = ValueRepository(s)
        assert repo.month_has_data(ys, "2026-03") and not repo.month_has_data(ys, "2026-05")
        assert repo.months_with_data(ys) == ["2026-03", "2026-04"]
        assert repo.monthly_row_counts(ys, "2026-03", [a, b], ["volume_all_channels"]) == {a: 1, b: 1}
        assert sorted(repo.unit_month_keys(ys, a, "2026-04")) == [("volume", False), ("volume_all_channels", False)]
        assert repo.unit_has_values(ys, b) and repo.stored_text(ys, b, "2026-03", "volume") == ("7",)
        assert repo.stored_text(ys, b, "2026-04", "volume") is None
        got = repo.monthly_cells_of(ys, "2026-03", [(b, "volume"), (a, "volume"), (b, "volume_all_channels")])
        assert sorted((u, k, v) for u, k, v, _ver in got) == [(a, "volume", "10"), (b, "volume", "7")]
