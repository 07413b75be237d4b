"""Models of the 年度考核 tab: Qt model contract, sort keys, in-place updates."""

from datetime import datetime

from PySide6.QtCore import Qt

from hotline_desktop.core.domain import UnitKind, UnitRow
from hotline_desktop.gui.annual.models import (
    COL_CODE,
    COL_FILLED,
    COL_KIND,
    COL_STATUS,
    MCOL_ITEMS,
    AnnualUnitsModel,
    AnnualUnitsProxy,
    EvidenceListModel,
    MissingItemsModel,
    UnitState,
)
from hotline_desktop.services.evidence import EvidenceRow

UNITS = [
    UnitRow(1, "SQ10", "花园社区", UnitKind.COMMUNITY),
    UnitRow(2, "SQ2", "文化东路社区", UnitKind.COMMUNITY),
    UnitRow(3, "JD01", "洪家楼街道", UnitKind.TOWN),
    UnitRow(4, "KS01", "区民政局", UnitKind.DEPARTMENT, active=False),
]


def states():
    return {
        1: UnitState(3, 7, ("领导重视", "工作态度"), 0, 2),
        2: UnitState(7, 7, (), 0, 0),
        3: UnitState(6, 7, (), 1, 0),
        4: UnitState(0, 7, ("领导重视",), 0, 0),
    }


def test_units_model_contract_and_display(qtmodeltester):
    m = AnnualUnitsModel()
    m.set_units(UNITS, states())
    qtmodeltester.check(m)
    assert [m.index(i, COL_STATUS).data() for i in range(4)] == ["缺 2 项", "✓ 完整", "1 项有误", "缺 1 项"]
    assert m.index(0, COL_STATUS).data(Qt.ItemDataRole.ToolTipRole) == "尚缺：领导重视、工作态度"
    assert m.index(0, COL_FILLED).data() == "3/7"
    assert m.index(3, 1).data() == "区民政局（已停用）"


def test_proxy_groups_by_kind_and_searches(qtmodeltester):
    m = AnnualUnitsModel()
    m.set_units(UNITS, states())
    p = AnnualUnitsProxy()
    p.setSourceModel(m)
    qtmodeltester.check(p)
    p.sort(COL_KIND)
    assert [p.index(r, COL_CODE).data() for r in range(4)] == ["SQ2", "SQ10", "KS01", "JD01"]
    p.sort(COL_CODE)
    assert [p.index(r, COL_CODE).data() for r in range(4)] == ["JD01", "KS01", "SQ2", "SQ10"]
    p.set_search("社区")
    assert p.rowCount() == 2
    p.set_search("")
    p.set_kind("town")
    assert p.rowCount() == 1 and p.unit_at(p.index(0, 0)).code == "JD01"


def test_state_updates_signal_only_changed_rows():
    m = AnnualUnitsModel()
    m.set_units(UNITS, states())
    seen = []
    m.dataChanged.connect(lambda a, b: seen.append((a.row(), b.row())))
    resets = []
    m.modelReset.connect(lambda: resets.append(1))
    assert m.update_states({1: UnitState(3, 7, ("领导重视", "工作态度"), 0, 2), 2: UnitState(6, 7, ("x",), 0, 0)}) == [2]
    assert seen == [(1, 1)] and resets == []
    assert m.index(1, COL_STATUS).data() == "缺 1 项"


def test_missing_model_contract_and_incremental_rows(qtmodeltester):
    m = MissingItemsModel()
    m.set_rows([(UNITS[0], ["领导重视", "工作态度"]), (UNITS[1], []), (UNITS[2], ["通讯畅通"])])
    qtmodeltester.check(m)
    assert m.rowCount() == 2
    assert m.index(0, MCOL_ITEMS).data() == "领导重视、工作态度"
    resets, removed, inserted = [], [], []
    m.modelReset.connect(lambda: resets.append(1))
    m.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    m.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    m.set_rows([(UNITS[1], ["档案管理"]), (UNITS[2], ["通讯畅通"])])
    assert resets == [] and removed == [(0, 0)] and inserted == [(0, 0)]
    assert [m.unit_at(r).code for r in range(2)] == ["SQ2", "JD01"]
    qtmodeltester.check(m)


def test_evidence_model_display():
    m = EvidenceListModel()
    rows = [EvidenceRow(1, 1, "training", "签到表.jpg", 2048, "a" * 64, datetime(2026, 3, 5, 9, 30)),
            EvidenceRow(2, 1, "training", "通知.pdf", 3 * 1024 * 1024, "b" * 64, datetime(2026, 3, 6, 10, 0))]
    m.set_rows(rows)
    assert [m.index(i).data() for i in range(2)] == ["签到表.jpg", "通知.pdf"]
    assert "3.0 MB" in m.index(1).data(Qt.ItemDataRole.ToolTipRole)
    assert "2026年3月6日 10:00" in m.index(1).data(Qt.ItemDataRole.ToolTipRole)  # core.dates, no leading zeros


def test_evidence_model_tester(qtmodeltester):
    m = EvidenceListModel()
    m.set_rows([EvidenceRow(1, 1, "k", "a.pdf", 10, "a" * 64, datetime(2026, 1, 1))])
    qtmodeltester.check(m)
