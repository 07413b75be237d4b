import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from hotline_desktop.gui import refguard  # noqa: E402

refguard.install()  # explicitly, before pytest-qt's QApplication and any Qt call (see refguard.py)

from hotline_desktop.core.domain import UnitDraft, UnitKind  # noqa: E402
from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _app_setup(qapp):
    from hotline_desktop.gui.app import setup_application

    setup_application(qapp)
    return qapp


class MessageBoxes:
    """Records QMessageBox static calls instead of blocking; `answer` is what question() returns."""

    def __init__(self):
        self.calls: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def texts(self, kind: str | None = None) -> list[str]:
        return [t for k, _title, t in self.calls if kind is None or k == kind]


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    boxes = MessageBoxes()

    def make(kind):
        def fake(parent, title, text, *args, **kwargs):
            boxes.calls.append((kind, title, text))
            if kind == "question":
                return boxes.answer
            return QMessageBox.StandardButton.Ok

        return staticmethod(fake)

    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, make(kind))
    return boxes


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    """QSettings go to an ini file under the test's tmp folder, never the user's settings."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    return tmp_path / "qsettings"


@pytest.fixture
def data_paths(tmp_path) -> DataPaths:
    return DataPaths(tmp_path / "data")


@pytest.fixture
def services(data_paths):
    s = AppServices.open(data_paths)
    yield s
    s.close()


def seed_units(services) -> dict[str, int]:
    """Two towns, a department and three communities (one inactive); returns code → id."""
    rows = services.units.create_many([
        UnitDraft(code="JD01", name="洪家楼街道", kind=UnitKind.TOWN, contact="王丽", phone="0531-88881234"),
        UnitDraft(code="JD02", name="山大路街道", kind=UnitKind.TOWN, contact="赵强"),
        UnitDraft(code="KS01", name="区民政局", kind=UnitKind.DEPARTMENT, contact="李明", phone="13800000001"),
        UnitDraft(code="SQ001", name="花园社区", kind=UnitKind.COMMUNITY, parent_code="JD01", contact="张华"),
        UnitDraft(code="SQ002", name="文化东路社区", kind=UnitKind.COMMUNITY, parent_code="JD01"),
        UnitDraft(code="SQ010", name="山大南路社区", kind=UnitKind.COMMUNITY, parent_code="JD02", active=False),
    ])
    return {r.code: r.id for r in rows}


@pytest.fixture
def seeded(services):
    ids = seed_units(services)
    services.ids = ids
    return services


@pytest.fixture
def units_tab(qtbot, seeded):
    from hotline_desktop.gui.units.tab import UnitsTab

    tab = UnitsTab(seeded)
    qtbot.addWidget(tab)
    tab.resize(1200, 600)
    tab.show()
    yield tab
    tab.shutdown()
