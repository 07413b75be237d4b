from hotline_desktop.gui.main_window import MainWindow
from hotline_desktop.gui.tab_base import TabPage


class Probe(TabPage):
    key = "probe"

    @property
    def title(self):
        return "探针"

    def __init__(self, services, parent=None):
        super().__init__(services, parent)
        self.seen = []

    def set_year_scheme(self, ys):
        super().set_year_scheme(ys)
        self.seen.append(ys.scheme_id if ys else None)


def test_toolbar_picks_year_and_scheme_and_tabs_follow(qtbot, seeded):
    seeded.assessment.assign(2025, "licheng-2020")
    seeded.assessment.assign(2026, "ganxian-2023-online")
    seeded.assessment.assign(2026, "ganxian-2023-hotline")
    w = MainWindow(seeded, year=2026)
    qtbot.addWidget(w)
    probe = Probe(seeded, w)
    w.add_page(probe)
    sel = w.scheme_selector
    assert [sel.combo.itemText(i) for i in range(sel.combo.count())] == [
        "赣县区12345政务服务便民热线运行管理考评细则", "赣县区网络问政考评细则"]
    assert probe.year_scheme.scheme_id == "ganxian-2023-hotline"
    sel.combo.setCurrentIndex(1)
    assert probe.seen[-1] == "ganxian-2023-online"
    w.year_spin.setValue(2025)
    assert probe.seen[-1] == "licheng-2020" and probe.year == 2025
    w.year_spin.setValue(2024)
    assert probe.seen[-1] is None and not sel.combo.isEnabled()
    sel.assign("licheng-2020")
    assert probe.seen[-1] == "licheng-2020"
    assert seeded.assessment.find(2024, "licheng-2020") is not None
