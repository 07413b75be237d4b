"""CalendarService: office days over the library, audit, dependents (preview/apply), undo, import."""

from datetime import date

import pytest

from hotline_desktop.core.workdays import DayKind, OfficeDay
from hotline_desktop.db.repositories import AuditRepository, MetaRepository
from hotline_desktop.services.calendar import AffectedItem
from hotline_desktop.services.errors import ServiceError


class FakeNotices:
    """A dependent like the notice register: due dates stored in app_meta, computed 5 working days."""

    def __init__(self, services, issued: dict[str, date]):
        self.services = services
        self.issued = issued
        self.after: list[list[AffectedItem]] = []
        self.refuse = False
        cal = services.calendar.calendar()
        with services.store.session() as s:
            for k, d in issued.items():
                MetaRepository(s).set(f"due.{k}", cal.due_date(d, 5).isoformat())
        services.calendar.register_dependent("fake", self.preview, self.apply, self.after.append)

    def due(self, key) -> date:
        with self.services.store.session() as s:
            return date.fromisoformat(MetaRepository(s).get(f"due.{key}"))

    def preview(self, current, proposed):
        out = []
        for k, d in self.issued.items():
            stored = self.due(k)
            new = proposed.due_date(d, 5)
            if new != stored:
                out.append(AffectedItem("fake", k, f"督（2026）{k}号", stored, new))
        return out

    def apply(self, session, items):
        if self.refuse:
            raise ServiceError("督办通知已被修改")
        for i in items:
            MetaRepository(session).set(f"due.{i.key}", i.new_due.isoformat())


def test_office_day_overrides_library_and_is_audited(services):
    cal = services.calendar
    events = []
    cal.changed.connect(events.append)
    assert cal.calendar().is_workday(date(2026, 10, 10))  # library: 调休上班
    cal.set_day(date(2026, 10, 10), DayKind.HOLIDAY, " 临时放假 ")
    assert not cal.calendar().is_workday(date(2026, 10, 10))
    assert cal.office_days(2026) == [OfficeDay(date(2026, 10, 10), DayKind.HOLIDAY, "临时放假")]
    assert events == [[date(2026, 10, 10)]]
    cal.set_day(date(2026, 10, 10), "调休上班", "临时放假")
    cal.clear_day(date(2026, 10, 10))
    assert cal.office_days() == []
    with services.store.session() as s:
        audit = [(e.action, e.field, e.old_value, e.new_value) for e in AuditRepository(s).recent(table="calendar_days")]
    assert ("insert", "kind", None, "holiday") in audit
    assert ("update", "kind", "holiday", "workday") in audit
    assert ("delete", "kind", "workday", None) in audit


def test_2027_becomes_office_year_once_entered(services):
    cal = services.calendar
    assert cal.calendar().assumption_note(date(2027, 1, 5)) == "2027 年节假日尚未录入，按周一至周五计算"
    cal.set_day(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    assert cal.calendar().year_source(2027) == "office"
    assert cal.calendar().assumption_note(date(2027, 1, 5)) is None
    assert cal.calendar().due_date(date(2026, 12, 29), 5) == date(2027, 1, 6)


def test_bad_kind_and_long_name_are_refused(services):
    with pytest.raises(ServiceError, match="类型应为“节假日”或“调休上班”"):
        services.calendar.set_day(date(2027, 1, 1), "weekend")
    with pytest.raises(ServiceError, match="名称不能超过 50 个字"):
        services.calendar.set_day(date(2027, 1, 1), DayKind.HOLIDAY, "节" * 51)
    with pytest.raises(ServiceError, match="名称不能以 = \\+ - @ 开头"):
        services.calendar.set_day(date(2027, 1, 1), DayKind.HOLIDAY, "=1+1")
    assert services.calendar.office_days() == []


def test_a_day_outside_the_app_years_is_refused(services):
    for day in (date(9999, 12, 31), date(1, 1, 1), date(2101, 1, 1)):
        with pytest.raises(ServiceError, match="不在 2000–2100 年之间"):
            services.calendar.set_day(day, DayKind.HOLIDAY, "x")
    with pytest.raises(ServiceError, match="9999-12-31 不在"):
        services.calendar.change({date(2027, 1, 1): OfficeDay(date(2027, 1, 1), DayKind.HOLIDAY),
                                  date(9999, 12, 31): OfficeDay(date(9999, 12, 31), DayKind.HOLIDAY)})
    assert services.calendar.office_days() == []
    assert services.calendar.clear_day(date(9999, 12, 31)).after == {}  # clearing one is never refused


def test_preview_lists_moved_due_dates_and_nothing_moves_unless_chosen(services):
    notices = FakeNotices(services, {"3": date(2026, 9, 30), "5": date(2026, 11, 2)})
    assert notices.due("3") == date(2026, 10, 13)  # 10-8, 10-9, 10-10 (调休上班), 10-12, 10-13
    change = {date(2026, 10, 9): OfficeDay(date(2026, 10, 9), DayKind.HOLIDAY, "临时放假")}
    items = services.calendar.preview_change(change)
    assert [(i.key, i.old_due, i.new_due) for i in items] == [("3", date(2026, 10, 13), date(2026, 10, 14))]
    assert services.calendar.office_days() == []  # preview writes nothing
    # leave them: the calendar changes, the stored due date does not; the decision is logged
    services.calendar.change(change, left=items)
    assert notices.due("3") == date(2026, 10, 13)
    assert notices.after == []
    with services.store.session() as s:
        kept = [(e.action, e.row_id, e.old_value, e.new_value) for e in AuditRepository(s).recent(table="calendar_days")
                if e.field == "affected"]
    assert kept == [("keep", 20261009, "督（2026）3号 2026-10-13", "保持 2026-10-13（按新日历为 2026-10-14）")]


def test_applied_items_move_in_the_same_transaction_and_undo_restores_both(services):
    notices = FakeNotices(services, {"3": date(2026, 9, 30)})
    change = {date(2026, 10, 9): OfficeDay(date(2026, 10, 9), DayKind.HOLIDAY, "临时放假")}
    items = services.calendar.preview_change(change)
    edit = services.calendar.change(change, apply_to=items)
    assert notices.due("3") == date(2026, 10, 14)
    assert notices.after == [items]
    services.calendar.undo(edit)
    assert notices.due("3") == date(2026, 10, 13)
    assert services.calendar.office_days() == []
    services.calendar.redo(edit)
    assert notices.due("3") == date(2026, 10, 14)
    assert not services.calendar.calendar().is_workday(date(2026, 10, 9))


def test_a_refused_dependent_leaves_the_calendar_unchanged(services):
    notices = FakeNotices(services, {"3": date(2026, 9, 30)})
    change = {date(2026, 10, 9): OfficeDay(date(2026, 10, 9), DayKind.HOLIDAY, "临时放假")}
    items = services.calendar.preview_change(change)
    notices.refuse = True
    with pytest.raises(ServiceError, match="已被修改"):
        services.calendar.change(change, apply_to=items)
    assert services.calendar.office_days() == []
    assert services.calendar.calendar().is_workday(date(2026, 10, 9))
    assert notices.due("3") == date(2026, 10, 13)


def test_unknown_dependent_is_refused(services):
    item = AffectedItem("nosuch", 1, "x", date(2026, 1, 5), date(2026, 1, 6))  # "kb" is a real dependent now
    with pytest.raises(ServiceError, match="未知的登记簿 nosuch"):
        services.calendar.clear_day(date(2026, 1, 5), apply_to=[item])


def test_import_replaces_the_files_years_all_or_nothing(services, tmp_path):
    cal = services.calendar
    cal.set_day(date(2027, 3, 1), DayKind.HOLIDAY, "旧的")
    cal.set_day(date(2028, 1, 1), DayKind.HOLIDAY, "元旦")
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-13-01,节假日,\n", encoding="utf-8")
    plan = cal.plan_import(bad)
    assert not plan.ok and "第 3 行" in str(plan.problems[0])
    with pytest.raises(ServiceError, match="未导入任何日期"):
        cal.apply_import(plan)
    assert len(cal.office_days()) == 2

    good = tmp_path / "good.csv"
    good.write_text("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-02-20,调休上班,春节调休\n", encoding="utf-8")
    plan = cal.plan_import(good)
    assert plan.ok and plan.replaced == 1
    assert plan.summary() == "共 2 行：2027 年，节假日 1 天，调休上班 1 天；将取代这些年份已录入而文件中没有的 1 天"
    edit = cal.apply_import(plan)
    assert [d.day for d in cal.office_days()] == [date(2027, 1, 1), date(2027, 2, 20), date(2028, 1, 1)]
    assert cal.calendar().is_workday(date(2027, 2, 20))  # a Saturday
    cal.undo(edit)
    assert [d.day for d in cal.office_days()] == [date(2027, 3, 1), date(2028, 1, 1)]


@pytest.mark.sqlite_only  # a server database is backed up by pg_dump (db/backup.server_backup: pg-live)
def test_restore_invalidates_the_cached_calendar(services):
    services.calendar.set_day(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    backup = services.store.backup_manual()
    services.calendar.clear_day(date(2027, 1, 1))
    services.restore_from(backup)
    assert services.calendar.calendar().year_source(2027) == "office"


def test_the_notice_register_is_a_dependent_without_being_opened_first(services):
    assert "notices" in services.calendar.dependent_names()
