from PySide6.QtCore import Qt

from hotline_desktop.core.domain import UnitKind, UnitRow
from hotline_desktop.gui.units.models import (
    COL_ACTIVE,
    COL_CODE,
    COL_NAME,
    COL_PARENT,
    ROW_ROLE,
    SORT_ROLE,
    UnitsFilterProxy,
    UnitsTableModel,
)


def rows():
    return [
        UnitRow(1, "JD01", "洪家楼街道", UnitKind.TOWN, contact="王丽"),
        UnitRow(2, "SQ2", "花园社区", UnitKind.COMMUNITY, 1, "JD01", "洪家楼街道", contact="Zhang"),
        UnitRow(3, "SQ10", "文化东路社区", UnitKind.COMMUNITY, 1, "JD01", "洪家楼街道", active=False),
    ]


def test_model_and_proxy_pass_modeltester(qtmodeltester):
    model = UnitsTableModel(rows())
    qtmodeltester.check(model)
    proxy = UnitsFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_show_inactive(True)
    proxy.sort(COL_CODE)
    qtmodeltester.check(proxy)


def test_roles_and_inactive_grey():
    m = UnitsTableModel(rows())
    assert m.index(1, COL_NAME).data() == "花园社区"
    assert m.index(1, COL_PARENT).data() == "洪家楼街道"
    assert m.index(2, COL_ACTIVE).data() == "停用"
    assert m.index(2, COL_NAME).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert m.index(1, COL_NAME).data(Qt.ItemDataRole.ForegroundRole) is None
    assert m.index(1, 0).data(ROW_ROLE).id == 2
    # natural sort key: SQ2 < SQ10
    assert m.index(1, COL_CODE).data(SORT_ROLE) < m.index(2, COL_CODE).data(SORT_ROLE)


def test_upsert_changes_one_row_and_renames_children(qtbot):
    m = UnitsTableModel(rows())
    changed = []
    m.dataChanged.connect(lambda a, b, _r=None: changed.append((a.row(), b.row(), a.column(), b.column())))
    m.modelReset.connect(lambda: changed.append("reset"))
    from dataclasses import replace

    m.upsert([replace(m.unit(2), contact="李四")])
    assert changed == [(1, 1, 0, 7)]
    changed.clear()
    m.upsert([replace(m.unit(1), name="洪楼街道")])
    assert changed[0] == (0, 0, 0, 7)
    assert {c[0] for c in changed[1:]} == {1, 2} and all(c[2] == COL_PARENT for c in changed[1:])
    assert m.index(2, COL_PARENT).data() == "洪楼街道"


def test_insert_and_remove_signal_rows(qtbot):
    m = UnitsTableModel(rows())
    with qtbot.waitSignal(m.rowsInserted) as blocker:
        m.upsert([UnitRow(9, "KS01", "区民政局", UnitKind.DEPARTMENT)])
    assert blocker.args[1:] == [3, 3]
    with qtbot.waitSignal(m.rowsRemoved):
        m.remove_ids([2])
    assert [r.id for r in m.rows] == [1, 3, 9]
    assert m.row_of(9) == 2


def test_proxy_search_and_inactive():
    m = UnitsTableModel(rows())
    p = UnitsFilterProxy()
    p.setSourceModel(m)
    assert p.rowCount() == 2  # inactive hidden
    p.set_show_inactive(True)
    assert p.rowCount() == 3
    p.set_search("社区")
    assert p.rowCount() == 2
    p.set_search("zhang")  # contact, case-insensitive
    assert p.rowCount() == 1
    p.set_search("sq1")
    assert p.rowCount() == 1
