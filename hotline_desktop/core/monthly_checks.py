"""Unit-months the 月度数据 grid flags for the operator (scored, but maybe not as meant)."""

from __future__ import annotations

from collections.abc import Iterable

from hotline_desktop.core.scoring.scheme import Scheme


def blank_volume_warning(scheme: Scheme | None, entered: Iterable[str]) -> str | None:
    """A warning when other figures of a unit-month are typed but its volume (当月办件量) is
    blank: the rules then score it as 0 work orders (按平均分). ``entered``: keys with a value."""
    if scheme is None or scheme.zero_volume != "average" or not scheme.volume_input:
        return None
    keys = set(entered)
    volume = scheme.volume_input
    if volume in keys or not keys:
        return None
    if not any(scheme.has_input(k) and scheme.input(k).period == "monthly" for k in keys):
        return None
    inp = scheme.input(volume)
    return f"{inp.label}未填，按 0 件计（当月按全区平均分计分）"
