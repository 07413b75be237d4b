"""AppServices: the store and every service over it, as the GUI and the CLI use them."""

from __future__ import annotations

from functools import cached_property

from hotline_desktop.db.store import Store
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.units import UnitService
from hotline_desktop.services.units_io import UnitImportExport

CALENDAR_DEPENDENTS = ("notices", "kb")  # services that register with CalendarService


class AppServices:
    def __init__(self, store: Store):
        self.store = store

    @classmethod
    def open(cls, paths: DataPaths, *, lock: bool = True, auto_backup: bool = True,
             inspection=None) -> AppServices:
        """`inspection`: a db.engine.EarlyInspection of the file begun before (see Store.open)."""
        return cls(Store.open(paths, lock=lock, auto_backup=auto_backup, inspection=inspection))

    @property
    def paths(self) -> DataPaths:
        return self.store.paths

    @cached_property
    def units(self) -> UnitService:
        return UnitService(self.store)

    @cached_property
    def units_io(self) -> UnitImportExport:
        return UnitImportExport(self.units)

    @cached_property
    def assessment(self):
        from hotline_desktop.services.assessment import AssessmentService
        from hotline_desktop.services.feeds import FeedService
        from hotline_desktop.services.kb_feeds import KbFeedService

        assessment = AssessmentService(self.store)
        # fed inputs before any engine is built: 工单明细 figures over notice counts over typed values;
        # the orders layer (numpy) is built when first used, not with the main window
        self._orders_layer = OrdersOnFirstUse(FeedService(assessment, self.notices), self.calendar, self.settings)
        self._kb_feeds = KbFeedService(assessment, self.kb)  # annual kb_* fed by the knowledge base
        return assessment

    @property
    def orders_layer(self) -> OrdersOnFirstUse:
        """The orders layer's holder, made with the assessment service (`built` says whether it is)."""
        self.assessment  # noqa: B018
        return self._orders_layer

    @property
    def orders(self):
        """工单明细 import and the figures it feeds (built on first use)."""
        return self.orders_layer.build().orders

    @property
    def feeds(self):
        """Fed inputs (registers → scheme inputs): the orders layer over the notice feeds."""
        return self.orders_layer.build()

    @property
    def kb_feeds(self):
        """Annual inputs fed by the knowledge base; made with the assessment service."""
        self.assessment  # noqa: B018
        return self._kb_feeds

    @cached_property
    def monthly_io(self):
        from hotline_desktop.services.monthly_io import MonthlyImportExport

        return MonthlyImportExport(self.assessment)

    @cached_property
    def rankings(self):
        from hotline_desktop.services.ranking import RankingService

        return RankingService(self.assessment, self.units.changed)

    @cached_property
    def evidence(self):
        from hotline_desktop.services.evidence import EvidenceService

        return EvidenceService(self.store)

    @cached_property
    def calendar(self):
        from hotline_desktop.services.calendar import CalendarService

        svc = CalendarService(self.store)
        # registers whose stored dates come from the calendar register themselves when created
        for name in CALENDAR_DEPENDENTS:
            if hasattr(type(self), name):
                svc.add_dependent_loader(lambda name=name: getattr(self, name))
        return svc

    @cached_property
    def settings(self):
        from hotline_desktop.services.settings import SettingsService

        return SettingsService(self.store)

    @cached_property
    def notices(self):
        from hotline_desktop.services.notices import NoticeService

        return NoticeService(self.store, self.calendar, self.settings)

    @cached_property
    def kb(self):
        from hotline_desktop.services.kb import KbService

        kb = KbService(
            self.store,
            calendar=lambda: self.calendar.calendar(),
            feedback_workdays=lambda: self.settings.kb_feedback_workdays,
        )
        kb.register_with_calendar(self.calendar)  # open feedback due dates follow office-calendar edits
        return kb

    @cached_property
    def kb_io(self):
        from hotline_desktop.services.kb_io import KbImportExport

        return KbImportExport(self.kb)

    @property
    def schemes(self):
        """The scheme catalog (built-ins + the user schemes folder) and 导入考核方案…."""
        return self.assessment.schemes

    @cached_property
    def backup(self):
        """Backup and restore of the open store (the only way the GUI reaches them)."""
        from hotline_desktop.services.backup import BackupService

        return BackupService(self.store)

    def restore_from(self, source):
        """Restore a backup (the current database is kept first) and forget every cache."""
        safety = self.backup.restore_from(source)
        self.invalidate()
        return safety

    def invalidate(self) -> None:
        """Drop cached definitions and live engines; they are rebuilt from the store on demand."""
        if "assessment" in self.__dict__:
            self.assessment.invalidate()
        if "rankings" in self.__dict__:
            self.rankings.invalidate()
        for name in ("calendar", "settings"):
            if name in self.__dict__:
                self.__dict__[name].invalidate()

    def is_empty(self) -> bool:
        from hotline_desktop.db.repositories import UnitRepository

        with self.store.session() as s:
            return UnitRepository(s).count() == 0

    def close(self) -> None:
        self.store.close()


class OrdersOnFirstUse:
    """``assessment.feeds`` until the orders layer is first used: `build()` (or any attribute it
    does not have) makes OrderService and OrderFeeds once (services.orders and numpy load then, not
    with the main window); OrderFeeds then takes this stand-in's place as ``assessment.feeds``.

    Until then it keeps what the orders layer would do from the start: a calendar or office-hours
    edit recounts the stored 工单明细 figures (OrderService.recompute; once built, the service's own
    listeners do it), and an invalidate reaches the notice feeds."""

    def __init__(self, notice_feeds, calendar, settings):
        self.inner = notice_feeds
        self._calendar, self._settings = calendar, settings
        self._built = None  # the OrderFeeds, once built
        notice_feeds.assessment.feeds = self
        calendar.changed.connect(lambda _days: self._recount())
        settings.changed.connect(lambda _s, names: self._recount() if "office_hours" in names else None)

    @property
    def built(self) -> bool:
        return self._built is not None

    def build(self):
        """The OrderFeeds over the notice feeds, made on the first call."""
        if self._built is None:
            from hotline_desktop.services.orders import OrderFeeds, OrderService

            assessment = self.inner.assessment
            orders = OrderService(assessment.store, assessment, self._calendar, self._settings)
            self._built = OrderFeeds(self.inner, orders)
        return self._built

    def _recount(self) -> None:
        if not self.built:  # built now, its listeners join after this change: recount here
            self.build().orders.recompute()

    def invalidate(self) -> None:
        if self.built:
            self._built.invalidate()
        else:
            self.inner.invalidate()

    def __getattr__(self, name):
        return getattr(self.build(), name)
