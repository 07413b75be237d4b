"""run_gui start-up paths and take_screenshots."""

from PySide6.QtGui import QImage

from hotline_desktop.gui import app as gui_app
from hotline_desktop.gui.screenshot import take_screenshots
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices


def test_second_instance_is_refused(services, message_boxes):
    rc = gui_app.run_gui(str(services.paths.root))
    assert rc == 2
    kind, _title, text = message_boxes.calls[-1]
    assert kind == "critical"
    assert str(services.paths.root) in text and "已有一个副本" in text


class FakeBox:
    """Stands in for the QMessageBox(...) restore offer; clicks button number `choice`."""

    Icon = gui_app.QMessageBox.Icon
    ButtonRole = gui_app.QMessageBox.ButtonRole
    choice = 0
    shown: list[str] = []

    def __init__(self, _icon, _title, text, *a, **k):
        self._buttons = []
        FakeBox.shown.append(text)

    def addButton(self, text, role):
        self._buttons.append(text)
        return text

    def setDefaultButton(self, b):
        pass

    def exec(self):
        return 0

    def clickedButton(self):
        return self._buttons[self.choice]


def _break(paths):
    paths.database.write_bytes(b"this is not a database at all" * 10)
    for ext in ("-wal", "-shm"):
        paths.database.with_name(paths.database.name + ext).unlink(missing_ok=True)
    return paths.database.read_bytes()


def test_damaged_database_quit_leaves_file_untouched(tmp_path, monkeypatch):
    paths = DataPaths(tmp_path / "d").ensure()
    original = _break(paths)
    FakeBox.shown = []
    monkeypatch.setattr(FakeBox, "choice", 1)  # 退出
    monkeypatch.setattr(gui_app, "QMessageBox", FakeBox)
    assert gui_app.run_gui(str(paths.root)) == 1
    assert "不是热线考核数据库" in FakeBox.shown[-1]
    assert paths.database.read_bytes() == original


def test_damaged_database_restored_from_backup(tmp_path, monkeypatch):
    from hotline_desktop.core.domain import UnitDraft, UnitKind

    paths = DataPaths(tmp_path / "d")
    s = AppServices.open(paths)
    s.units.create(UnitDraft(code="JD01", name="洪家楼街道", kind=UnitKind.TOWN))
    good = s.store.backup_manual()
    s.close()
    _break(paths)
    monkeypatch.setattr(FakeBox, "choice", 0)  # 从备份恢复…
    monkeypatch.setattr(gui_app, "QMessageBox", FakeBox)
    import hotline_desktop.gui.backup_dialogs as bd

    monkeypatch.setattr(bd, "pick_backup", lambda backups, folder, intro, parent=None: good)
    result = gui_app.open_services(paths)
    assert not isinstance(result, int)
    try:
        assert [r.code for r in result.units.list()] == ["JD01"]
        assert list(paths.root.glob("hotline.db.damaged-*"))  # the bad file was kept aside
    finally:
        result.close()


def test_offer_demo_declined_does_nothing(services, message_boxes):
    from PySide6.QtWidgets import QMessageBox

    message_boxes.answer = QMessageBox.StandardButton.No
    assert gui_app.offer_demo(services) is False
    assert services.is_empty()


def test_take_screenshots_writes_units_png(seeded, tmp_path):
    root = seeded.paths.root
    seeded.close()  # release the lock; take_screenshots opens the folder normally
    paths = take_screenshots(str(root), str(tmp_path / "shots"))
    names = [p.name for p in paths]
    assert names[0] == "units.png" and "annual.png" in names
    img = QImage(str(paths[0]))
    assert (img.width(), img.height()) == (1366, 768)


def test_process_age_is_plausible():
    age = gui_app.process_age()
    assert age is None or 0 <= age < 24 * 3600


def test_run_gui_shows_window_and_quits_in_benchmark_mode(seeded, monkeypatch, capsys):
    root = seeded.paths.root
    seeded.close()
    monkeypatch.setenv(gui_app.ENV_EXIT_AFTER_SHOWN, "1")
    assert gui_app.run_gui(str(root)) == 0
    out = capsys.readouterr().out
    assert "startup_seconds=" in out and "units=6" in out
    AppServices.open(DataPaths(root)).close()  # the lock was released


def test_offer_demo_accepted_fills_the_register(services, message_boxes):
    assert gui_app.offer_demo(services) is True
    assert not services.is_empty()
    assert any("示例区县" in t for t in message_boxes.texts("question"))


def test_the_app_looks_the_same_on_every_pc_unless_a_style_is_asked_for(qapp, monkeypatch):
    """Fusion app-wide (Windows' native styles would otherwise draw every widget their own way);
    QT_STYLE_OVERRIDE still wins. (Behind the app's style sheet the style is known by its
    metrics: Fusion's scroll bars are 14 px wide, the Windows style's 16.)"""
    from PySide6.QtWidgets import QStyle

    def scroll_bar_width() -> int:
        return qapp.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)

    try:
        qapp.setStyle("Windows")
        assert scroll_bar_width() == 16
        monkeypatch.delenv("QT_STYLE_OVERRIDE", raising=False)
        gui_app.setup_application(qapp)
        assert scroll_bar_width() == 14
        qapp.setStyle("Windows")
        monkeypatch.setenv("QT_STYLE_OVERRIDE", "windows")
        gui_app.setup_application(qapp)
        assert scroll_bar_width() == 16
    finally:
        qapp.setStyle("Fusion")
