"""SettingsService: the office's settings, stored in the database (app_meta "setting.<name>")."""

from __future__ import annotations

from datetime import time

from hotline_desktop.core import settings as core
from hotline_desktop.core.settings import Settings
from hotline_desktop.db.concurrency import conflict
from hotline_desktop.db.repositories import SettingsRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ValidationFailed
from hotline_desktop.services.events import Event


class SettingsService:
    def __init__(self, store: Store):
        self.store = store
        self.changed = Event()  # emits (Settings, list of changed names)
        self._cache: Settings | None = None

    # -- queries -------------------------------------------------------------------------------
    def current(self) -> Settings:
        if self._cache is None:
            with self.store.session() as s:
                stored = SettingsRepository(s).all()
            # a stored value that no longer validates falls back to its default, never crashes
            parsed, errs = core.parse_settings(stored)
            if errs:
                good = {k: v for k, v in stored.items() if k not in errs.errors}
                parsed, _ = core.parse_settings(good)
            self._cache = parsed
        return self._cache

    def texts(self) -> dict[str, str]:
        return core.as_texts(self.current())

    @property
    def notice_prefix(self) -> str:
        return self.current().notice_prefix

    @property
    def office_name(self) -> str:
        return self.current().office_name

    @property
    def escalation_workdays(self) -> int:
        return self.current().escalation_workdays

    @property
    def kb_feedback_workdays(self) -> int:
        return self.current().kb_feedback_workdays

    @property
    def office_hours(self) -> tuple[tuple[time, time], ...]:
        return self.current().office_hours

    # -- edits ---------------------------------------------------------------------------------
    def validate(self, texts: dict[str, str]):
        return core.parse_settings(texts, self.current())[1]

    def update(self, texts: dict[str, str]) -> dict[str, tuple[str, str]]:
        """Validate all, then store all (one transaction). Returns {name: (old text, new text)}."""
        old = self.current()
        new, errs = core.parse_settings(texts, old)
        if errs:
            raise ValidationFailed(errs)
        changes = {
            n: (core.format_value(n, getattr(old, n)), core.format_value(n, getattr(new, n)))
            for n in core.NAMES
            if getattr(old, n) != getattr(new, n)
        }
        if not changes:
            return {}
        with self.store.session() as s:
            repo = SettingsRepository(s)
            stored, _errs = core.parse_settings(repo.all())
            for n in changes:  # another seat changed this setting after this seat read it: refuse all
                if getattr(stored, n) != getattr(old, n):
                    self._cache = None
                    raise conflict(s, "app_meta", 0, what=f"设置“{core.LABELS[n]}”", audit_field=repo.PREFIX + n,
                                   current=core.format_value(n, getattr(stored, n)))
            for n, (_, text) in changes.items():
                repo.put(n, text)
        self._cache = new
        self.changed.emit(new, list(changes))
        return changes

    def invalidate(self) -> None:
        self._cache = None
