"""Small districts for the 排名 tab tests (imported by tests/gui/test_gui_ranking_*.py)."""

from __future__ import annotations

import pytest

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.services.demo_data import fill_demo_year

LICHENG_YEAR = 2025
GANXIAN_YEAR = 2026


def make_units(services, per_kind: int = 12) -> None:
    drafts = []
    for i in range(1, per_kind + 1):
        drafts.append(UnitDraft(code=f"JD{i:02d}", name=f"第{i}街道", kind=UnitKind.TOWN))
        drafts.append(UnitDraft(code=f"KS{i:02d}", name=f"区第{i}局", kind=UnitKind.DEPARTMENT))
        drafts.append(UnitDraft(code=f"SQ{i:03d}", name=f"第{i}社区", kind=UnitKind.COMMUNITY))
    services.units.create_many(drafts)


@pytest.fixture(name="district")
def district_fixture(services):
    """36 units (12 per kind); licheng-2020 for 2025 (12 months), ganxian-2023-hotline for 2026 (3 months)."""
    make_units(services)
    fill_demo_year(services.assessment, LICHENG_YEAR, "licheng-2020", 12)
    fill_demo_year(services.assessment, GANXIAN_YEAR, "ganxian-2023-hotline", 3)
    services.licheng = services.assessment.find(LICHENG_YEAR, "licheng-2020")
    services.ganxian = services.assessment.find(GANXIAN_YEAR, "ganxian-2023-hotline")
    return services


def open_tab(qtbot, services, ys):
    from hotline_desktop.gui.ranking.tab import RankingTab

    tab = RankingTab(services)
    qtbot.addWidget(tab)
    tab.resize(1300, 640)
    tab.show()
    tab.set_year(ys.year)
    tab.set_year_scheme(ys)
    qtbot.waitUntil(lambda: not tab.building and tab.live is not None, timeout=10000)
    return tab
