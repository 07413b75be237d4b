"""Helpers shared by the engine tests: rebuild an engine from scratch, see what an edit touched."""

from __future__ import annotations

from hotline_desktop.core.scoring import ScoringEngine


def fresh(engine: ScoringEngine, scheme=None, months=None) -> ScoringEngine:
    """A new engine over the same entered values: what the incremental path must always equal."""
    monthly = {}
    for u in engine.units:
        for m in engine.months:
            values = engine.monthly_values(u.code, m)
            if values is not None:
                monthly[(u.code, m)] = values
    annual = {u.code: engine.annual_values(u.code) for u in engine.units}
    return ScoringEngine(scheme or engine.scheme, engine.units, months=months, monthly=monthly, annual=annual)


def entered(engine: ScoringEngine) -> dict:
    """Every unit's entered values (monthly records and annual values), to tell which units an
    edit touched: the engine reports those too, even when none of their figures changed. A month
    the unit holds no record of is left out (another unit's first record of a month adds the
    month to the period without touching this unit)."""
    return {u.code: ({m: v for m in engine.months if (v := engine.monthly_values(u.code, m)) is not None},
                     engine.annual_values(u.code))
            for u in engine.units}


def edited_units(before: dict, after: dict) -> set[str]:
    return {c for c in after.keys() | before.keys() if before.get(c) != after.get(c)}
