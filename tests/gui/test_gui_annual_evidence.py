"""年度考核 tab: evidence files — add (button, drag and drop, off the GUI thread), size limit,
open with the system viewer, remove to the trash and undo."""

import hashlib

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent
from PySide6.QtWidgets import QFileDialog

from hotline_desktop.gui.annual.tab import AnnualTab


@pytest.fixture
def tab(qtbot, seeded):
    ys = seeded.assessment.assign(2023, "ganxian-2023-hotline")
    t = AnnualTab(seeded)
    qtbot.addWidget(t)
    t.set_year(2023)
    t.set_year_scheme(ys)
    t.resize(1300, 720)
    t.show()
    qtbot.waitUntil(lambda: not t.building, timeout=10000)  # the live engine, built in a worker
    t.select_unit(seeded.ids["JD01"])
    t.ys = ys
    yield t
    t.shutdown()


def scan(tmp_path, name="保障机制文件.pdf", body=b"%PDF-1.4 scanned evidence\n"):
    p = tmp_path / name
    p.write_bytes(body)
    return p


def add_and_wait(qtbot, tab, key, paths):
    with qtbot.waitSignal(tab.evidence_added, timeout=10000) as blocker:
        tab.add_files(tab.selected_unit_id(), key, [str(p) for p in paths])
    return blocker.args


def shown_names(card):
    return [card.files.index(r).data() for r in range(card.files.rowCount())]


def test_adding_a_file_copies_it_into_the_store_under_its_hash(qtbot, tab, seeded, tmp_path):
    src = scan(tmp_path)
    added, errors = add_and_wait(qtbot, tab, "guarantee_mechanism", [src])
    assert errors == [] and len(added) == 1
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    stored = seeded.paths.evidence / sha[:2] / sha
    assert stored.read_bytes() == src.read_bytes()
    card = tab.cards["guarantee_mechanism"]
    assert shown_names(card) == ["保障机制文件.pdf"]
    assert card.files_view.isVisibleTo(tab) and not card.no_files_label.isVisibleTo(tab)
    row = tab.units_model.row_of(seeded.ids["JD01"])
    assert tab.units_model.index(row, 4).data() == "1"  # 材料 column
    assert "证明材料 1 份" in tab.unit_missing_label.text()
    # undo of the add moves it to the trash; redo brings it back
    tab.undo_stack.undo()
    assert shown_names(card) == [] and not stored.exists()
    tab.undo_stack.redo()
    assert shown_names(card) == ["保障机制文件.pdf"] and stored.exists()


def test_add_button_uses_file_dialog(qtbot, tab, monkeypatch, tmp_path):
    src = scan(tmp_path, "培训签到表.jpg", b"\xff\xd8\xff jpeg")
    seen = {}

    def fake(parent, caption, directory, flt):
        seen["filter"] = flt
        return [str(src)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake))
    card = tab.cards["training"]
    with qtbot.waitSignal(tab.evidence_added, timeout=10000):
        card.add_button.click()
    assert "扫描件/PDF/图片/Word" in seen["filter"] and "*.docx" in seen["filter"]
    assert shown_names(card) == ["培训签到表.jpg"]


def test_dropping_files_onto_an_item_adds_them(qtbot, tab, tmp_path):
    src = scan(tmp_path, "制度汇编.docx", b"PK word")
    card = tab.cards["rules_established"]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(src))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(tab.evidence_added, timeout=10000):
        card.dropEvent(event)
    assert shown_names(card) == ["制度汇编.docx"]


def test_file_over_50_mb_is_refused_with_the_message(qtbot, tab, seeded, tmp_path, message_boxes):
    big = tmp_path / "全年台账扫描.pdf"
    with open(big, "wb") as fh:
        fh.truncate(51 * 1024 * 1024)  # sparse: no real disk use
    added, errors = add_and_wait(qtbot, tab, "station_ledger", [big])
    assert added == [] and len(errors) == 1
    assert any("超过 50 MB 上限" in t and "全年台账扫描.pdf" in t for t in message_boxes.texts("warning"))
    assert shown_names(tab.cards["station_ledger"]) == []
    assert seeded.evidence.list(tab.ys.id) == []
    assert tab.undo_stack.count() == 0


def test_remove_moves_to_trash_and_undo_brings_it_back(qtbot, tab, seeded, tmp_path):
    src = scan(tmp_path)
    (row,), _ = add_and_wait(qtbot, tab, "guarantee_mechanism", [src])
    card = tab.cards["guarantee_mechanism"]
    card.remove_requested.emit(card.files.row_at(0))
    assert shown_names(card) == []
    assert seeded.evidence.list(tab.ys.id) == []
    trashed = list(seeded.paths.trash.iterdir())
    assert len(trashed) == 1 and trashed[0].name.endswith("保障机制文件.pdf")
    assert "移除材料" in tab.undo_stack.undoText()
    tab.undo_stack.undo()
    assert shown_names(card) == ["保障机制文件.pdf"]
    assert [r.id for r in seeded.evidence.list(tab.ys.id)] == [row.id]
    tab.undo_stack.redo()
    assert shown_names(card) == []


def test_open_uses_the_system_viewer(qtbot, tab, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    src = scan(tmp_path)
    add_and_wait(qtbot, tab, "guarantee_mechanism", [src])
    card = tab.cards["guarantee_mechanism"]
    view = card.files_view
    view.scrollTo(card.files.index(0))
    pos = view.visualRect(card.files.index(0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert len(opened) == 1  # one double-click opens the file once
    path = opened[0].toLocalFile()
    assert path.endswith("保障机制文件.pdf")
    with open(path, "rb") as fh:
        assert fh.read() == src.read_bytes()


def test_evidence_follows_the_selected_unit(qtbot, tab, seeded, tmp_path):
    add_and_wait(qtbot, tab, "training", [scan(tmp_path)])
    card = tab.cards["training"]
    tab.select_unit(seeded.ids["JD02"])
    assert shown_names(card) == [] and card.no_files_label.isVisibleTo(tab)
    tab.select_unit(seeded.ids["JD01"])
    assert shown_names(card) == ["保障机制文件.pdf"]


def test_a_file_another_seat_adds_appears_in_the_open_item(qtbot, tab, seeded, tmp_path):
    # another seat stores the file; LiveSync reports it as evidence.changed (tests/services/test_live_seats.py)
    ys = tab.ys
    row = seeded.evidence.add(ys.id, seeded.ids["JD01"], "training", scan(tmp_path, "培训记录.pdf"))
    seeded.evidence.changed.emit([(ys.id, seeded.ids["JD01"], "training")])
    card = tab.cards["training"]
    qtbot.waitUntil(lambda: shown_names(card) == ["培训记录.pdf"], timeout=5000)
    units_row = tab.units_model.row_of(seeded.ids["JD01"])
    assert tab.units_model.index(units_row, 4).data() == "1"  # 材料 column
    seeded.evidence.remove(row.id)
    seeded.evidence.changed.emit([(ys.id, None, None)])  # only the scope was sent
    qtbot.waitUntil(lambda: shown_names(card) == [], timeout=5000)
