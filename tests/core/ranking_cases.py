"""Small scoring cases for the ranking-table tests (built directly with the engine: fast)."""

from __future__ import annotations

from hotline_desktop.core.scoring import ScoringEngine, UnitRef, load_scheme

FULL_ANNUAL = {"leadership": 5, "institution": 2, "communication": 2, "rework": 4, "archives": True, "attitude": 5}


def licheng_case():
    """社区: C01 best, C02/C03 tied, C04 no work orders (unranked), C05 missing a manual score
    (incomplete), C06 named like a formula; one 科室."""
    scheme = load_scheme("licheng-2020")
    units = [
        UnitRef("C01", "燕山社区", "community"),
        UnitRef("C02", "文苑社区", "community"),
        UnitRef("C03", "花园社区", "community"),
        UnitRef("C04", "七里河社区", "community"),
        UnitRef("C05", "洪家楼社区", "community"),
        UnitRef("C06", "=SUM(A1)", "community"),
        UnitRef("D01", "区财政局", "department"),
    ]
    monthly = {}
    for code, vol, rate, overdue in (
        ("C01", 30, "99.5", 0), ("C02", 20, "97.25", 1), ("C03", 20, "97.25", 1), ("C04", 0, None, 0),
        ("C05", 10, "98", 0), ("C06", 5, "90", 2), ("D01", 8, "96", 0),
    ):
        for m in ("2025-01", "2025-02"):
            vals = {"volume": vol, "overdue_normal": overdue, "info_reports": 3}
            if rate is not None:
                vals["satisfaction_rate"] = rate
            monthly[(code, f"{m}")] = vals
    annual = {code: dict(FULL_ANNUAL) for code in ("C01", "C02", "C03", "C04", "C06", "D01")}
    annual["C05"] = {k: v for k, v in FULL_ANNUAL.items() if k != "attitude"}
    engine = ScoringEngine(scheme, units, None, monthly, annual, year=2025)
    return engine, engine.result()


def ganxian_hotline_case():
    scheme = load_scheme("ganxian-2023-hotline")
    units = [
        UnitRef("T01", "梅林镇", "town"),
        UnitRef("T02", "储潭镇", "town"),
        UnitRef("D01", "区发展和改革委员会", "department"),
        UnitRef("C01", "红金社区", "community"),
    ]
    rates = {
        "on_time_completion_rate": "98.5", "satisfaction_rate": "97", "rework_rate": "2",
        "sign_in_rate": "100", "response_rate": "95", "return_overdue_rate": "1",
        "first_extension_rate": "5", "second_extension_rate": "1",
    }
    months = ["2026-01", "2026-02", "2026-03"]
    monthly = {}
    for m in months:
        monthly[("T01", m)] = {"volume": 21, **rates, "praise": 1}
        monthly[("T02", m)] = {"volume": 12, **rates, "satisfaction_rate": "95", "complaints": 1}
        monthly[("D01", m)] = {"volume": 0}  # no work orders: 按平均分
        monthly[("C01", m)] = {"volume": 12, **rates, "satisfaction_rate": "95", "complaints": 1}
    del monthly[("C01", "2026-03")]["sign_in_rate"]  # incomplete in March
    annual = {
        "T01": {"guarantee_mechanism": True, "dedicated_staff": True, "kb_format": "qa", "commend_city": 1},
        "T02": {"guarantee_mechanism": True, "kb_format": "other", "criticism_district": 2},
        "D01": {"dedicated_staff": True},
        "C01": {},
    }
    engine = ScoringEngine(scheme, units, months, monthly, annual, year=2026)
    return engine, engine.result()


def ganxian_online_case():
    scheme = load_scheme("ganxian-2023-online")
    units = [UnitRef("T01", "梅林镇", "town"), UnitRef("T02", "储潭镇", "town"), UnitRef("D01", "区教育局", "department")]
    months = ["2026-01", "2026-02"]
    monthly = {}
    for m in months:
        monthly[("T01", m)] = {"on_time_reply_rate": "100"}
        monthly[("T02", m)] = {"on_time_reply_rate": "96", "supervised": 1}
        monthly[("D01", m)] = {"on_time_reply_rate": "99"}
    annual = {"D01": {"national_overdue": True}}
    engine = ScoringEngine(scheme, units, months, monthly, annual, year=2026)
    return engine, engine.result()


def licheng_sized_case(n_communities: int = 60, n_departments: int = 30, seed: int = 7):
    """A demo-sized Licheng year (deterministic): 12 months for every unit."""
    import random

    rng = random.Random(seed)
    scheme = load_scheme("licheng-2020")
    units = [UnitRef(f"C{i:03d}", f"测试{i:03d}社区", "community") for i in range(1, n_communities + 1)]
    units += [UnitRef(f"D{i:03d}", f"区测试{i:03d}局", "department") for i in range(1, n_departments + 1)]
    monthly = {}
    annual = {}
    for u in units:
        for m in range(1, 13):
            monthly[(u.code, f"2025-{m:02d}")] = {
                "volume": rng.randint(0, 40),
                "satisfaction_rate": f"{rng.randint(9000, 10000) / 100:.2f}",
                "overdue_normal": rng.choice((0, 0, 0, 1)),
                "shirk_once": rng.choice((0, 0, 0, 0, 1)),
                "info_reports": rng.randint(0, 3),
                "praise": rng.randint(0, 2),
            }
        annual[u.code] = {
            "leadership": rng.choice((3, 4, 5)), "institution": 2, "communication": rng.choice((1, 2)),
            "rework": rng.choice((3, 4)), "dissatisfaction_analysis": rng.choice((1, 2)),
            "archives": rng.random() < 0.8, "attitude": rng.choice((4, 5)),
        }
    engine = ScoringEngine(scheme, units, None, monthly, annual, year=2025)
    return engine, engine.result()
