"""Scoring engine for the built-in and office-defined assessment schemes. Pure Python, no Qt.

Typical use::

    scheme = load_scheme("ganxian-2023-hotline")
    engine = ScoringEngine(scheme, units=[UnitRef("T01", "梅林镇", "town")], months=["2023-01"],
                           monthly={("T01", "2023-01"): {"volume": 21, ...}}, annual={})
    result = engine.result()
    changed = engine.set_monthly_value("T01", "2023-01", "satisfaction_rate", "98.5")
"""

from typing import TYPE_CHECKING

from hotline_desktop.core.scoring.errors import (
    InputProblem,
    InputValueError,
    SchemeError,
    SchemeProblem,
    ScoringInputError,
)
from hotline_desktop.core.scoring.numbers import fmt2, round2, to_decimal
from hotline_desktop.core.scoring.results import (
    INCOMPLETE,
    RANKED,
    UNRANKED,
    MonthResult,
    ScoringResult,
    UnitRef,
    UnitResult,
    describe_missing,
)
from hotline_desktop.core.scoring.scheme import (
    UNIT_KIND_LABELS,
    UNIT_KINDS,
    CategoryDef,
    GroupDef,
    IndicatorDef,
    InputDef,
    Scheme,
    list_builtin_schemes,
    load_scheme,
    load_scheme_text,
)

if TYPE_CHECKING:
    from hotline_desktop.core.scoring.engine import ScoringEngine


def __getattr__(name: str):
    # The engine (and numpy under it) loads on first use, so the main window paints before it.
    if name == "ScoringEngine":
        from hotline_desktop.core.scoring.engine import ScoringEngine

        return ScoringEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "INCOMPLETE", "RANKED", "UNRANKED", "UNIT_KINDS", "UNIT_KIND_LABELS", "CategoryDef", "GroupDef",
    "IndicatorDef", "InputDef", "InputProblem", "InputValueError", "MonthResult", "Scheme", "SchemeError",
    "SchemeProblem", "ScoringEngine", "ScoringInputError", "ScoringResult", "UnitRef", "UnitResult",
    "describe_missing", "fmt2", "list_builtin_schemes", "load_scheme", "load_scheme_text", "round2",
    "to_decimal",
]
