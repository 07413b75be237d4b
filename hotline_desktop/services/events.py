"""A tiny Qt-free observer, so services can tell the GUI what changed after a commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    def __init__(self) -> None:
        self._subs: list[Callable[..., Any]] = []

    def connect(self, fn: Callable[..., Any]) -> None:
        self._subs.append(fn)

    def disconnect(self, fn: Callable[..., Any]) -> None:
        self._subs = [s for s in self._subs if s != fn]

    def emit(self, *args: Any) -> None:
        for fn in list(self._subs):
            fn(*args)
