"""NoticeService over a real store: numbering, audit, undo inverses, calendar edits, feeds into scores."""

import threading
from datetime import date

import pytest
from sqlalchemy import select

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.core.notices import Channel, Level, NoticeStatus
from hotline_desktop.core.workdays import DayKind
from hotline_desktop.db.models import AuditEntry, Notice
from hotline_desktop.db.repositories import AuditRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.errors import ServiceError
from hotline_desktop.services.notices import NoticeDraft, NoticeService


@pytest.fixture
def unit_ids(services):
    services.units.create_many([
        UnitDraft(code="C01", name="燕山社区", kind=UnitKind.COMMUNITY),
        UnitDraft(code="C02", name="文苑社区", kind=UnitKind.COMMUNITY),
    ])
    return {u.code: u.id for u in services.units.list()}


def draft(uid, issued=date(2026, 11, 2), days=5, level=Level.SMS, channel=Channel.HOTLINE, **kw):
    return NoticeDraft(uid, channel, level, issued, days, content=kw.pop("content", "请核实处理"), **kw)


def test_numbers_per_year_never_reused_after_void_or_undone_issue(services, unit_ids):
    ns = services.notices
    a = ns.issue(draft(unit_ids["C01"]))
    b = ns.issue(draft(unit_ids["C01"]))
    assert (a.number, b.number) == ("督（2026）1号", "督（2026）2号")
    assert a.due == date(2026, 11, 9)
    ns.void(b.id, "重复下达")
    ns.unissue(a.id)  # undo of an issue: the row goes, the number stays taken
    c = ns.issue(draft(unit_ids["C02"]))
    assert c.number == "督（2026）3号"
    assert ns.by_number("督(2026)2").voided and ns.by_number("督（2026）2号").void_reason == "重复下达"
    assert ns.issue(draft(unit_ids["C02"], issued=date(2027, 1, 4))).number == "督（2027）1号"
    with pytest.raises(ServiceError, match="找不到督办通知"):
        ns.by_number("督（2026）1号")


def test_prefix_comes_from_settings(services, unit_ids):
    services.settings.update({"notice_prefix": "历督"})
    assert services.notices.issue(draft(unit_ids["C01"])).number == "历督（2026）1号"


def test_number_is_unique_in_the_database_not_only_in_code(services, unit_ids):
    n = services.notices.issue(draft(unit_ids["C01"]))
    with pytest.raises(Exception, match="UNIQUE|unique constraint"):
        with services.store.session() as s:
            row = s.get(Notice, n.id)
            s.add(Notice(number=row.number, year=2026, seq=99, unit_id=row.unit_id, channel="hotline", level="sms",
                         issued=row.issued, days=5, due=row.due, original_due=row.due))


def test_two_writers_never_get_the_same_number(services, unit_ids, paths):
    second = Store.open(paths, lock=False, auto_backup=False)
    try:
        writers = [services.notices, NoticeService(second)]
        numbers: list[str] = []
        errors: list[BaseException] = []

        def run(svc):
            try:
                for _ in range(15):
                    numbers.append(svc.issue(draft(unit_ids["C01"])).number)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=run, args=(w,)) for w in writers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert sorted(numbers) == sorted(f"督（2026）{i}号" for i in range(1, 31))
    finally:
        second.close()


def test_every_change_is_audited_old_to_new(services, unit_ids):
    ns = services.notices
    n = ns.issue(draft(unit_ids["C01"]))
    ns.update(n.id, content="新的督办内容")
    ns.extend(n.id, days=2)
    ns.complete(n.id, date(2026, 11, 10), "已办结")
    with services.store.session() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == "notices", AuditEntry.row_id == n.id)))
    got = {(r.action, r.field): (r.old_value, r.new_value) for r in rows}
    assert got[("insert", "number")] == (None, "督（2026）1号")
    assert got[("update", "content")] == ("请核实处理", "新的督办内容")
    assert got[("update", "due")] == ("2026-11-09", "2026-11-11")
    assert got[("update", "completed")] == (None, "2026-11-10")
    assert got[("update", "result")] == ("", "已办结")


def test_extension_keeps_original_due_and_restore_undoes_it(services, unit_ids):
    ns = services.notices
    n = ns.issue(draft(unit_ids["C01"]))
    ns.request_extension(n.id, date(2026, 11, 5), until=date(2026, 11, 20), reason="需协调多部门")
    with pytest.raises(ServiceError, match="待审批"):
        ns.request_extension(n.id, date(2026, 11, 5), days=1)
    asked = ns.get(n.id)
    ext = ns.decide_extension(n.id, approve=True, decided=date(2026, 11, 6))
    assert ext.due == date(2026, 11, 20) and ext.original_due == date(2026, 11, 9) and ext.extended
    assert ext.extensions[0].state.value == "approved" and ext.extensions[0].old_due == date(2026, 11, 9)
    back = ns.restore(asked)  # undo of the decision
    assert back.due == date(2026, 11, 9) and back.extensions[0].state.value == "asked"
    rejected = ns.decide_extension(n.id, approve=False)
    assert rejected.due == date(2026, 11, 9)
    assert ns.restore(n).extensions == ()


def test_extension_past_the_app_years_or_asked_before_issue_is_refused(services, unit_ids):
    """An extension until 9999-12-31 (a slip on the command line) used to be stored, and from then
    on every register view failed ("year 10000 is out of range": the 通报 step counts working days
    after the due date). A request dated before the notice was issued was stored too."""
    ns = services.notices
    ns.set_today(date(2026, 11, 3))
    n = ns.issue(draft(unit_ids["C01"]))
    for call in (lambda: ns.extend(n.id, until=date(9999, 12, 31)),
                 lambda: ns.request_extension(n.id, date(2026, 11, 5), until=date(2101, 1, 1))):
        with pytest.raises(ServiceError, match="最晚为 2100-12-31"):
            call()
    with pytest.raises(ServiceError, match="申请日期 2026-11-01 早于下达日期 2026-11-02"):
        ns.request_extension(n.id, date(2026, 11, 1), days=2)
    with pytest.raises(ServiceError, match="早于下达日期"):
        ns.extend(n.id, days=2, asked=date(2026, 10, 30))
    assert ns.get(n.id) == n and ns.get(n.id).extensions == ()
    assert [v.status for v in ns.views()] == [NoticeStatus.ISSUED]
    assert ns.extend(n.id, until=date(2100, 12, 31)).due == date(2100, 12, 31)
    ns.views()  # still counts


def test_content_and_result_of_only_control_characters_are_refused_not_stored_empty(services, unit_ids):
    """The dialog and the CLI ask for 督办内容 and 办理结果, but `notice add --content $'\\x01'` passed
    the CLI's check, the cleaning removed the control and an empty notice took the next number for
    good; `notice complete --result $'\\x7f'` stored a completion without a result."""
    ns = services.notices
    for content in ("", "\x01", " \x7f\x1b "):
        with pytest.raises(ServiceError, match="请填写督办内容"):
            ns.issue(draft(unit_ids["C01"], content=content))
    assert ns.rows() == []
    n = ns.issue(draft(unit_ids["C01"]))
    assert n.number == "督（2026）1号"  # no number was taken by the refused ones
    with pytest.raises(ServiceError, match="请填写督办内容（督（2026）1号）"):
        ns.update(n.id, content="\x01")
    for result in ("", "\x7f", "\x00 "):
        with pytest.raises(ServiceError, match="请填写办理结果（督（2026）1号）"):
            ns.complete(n.id, date(2026, 11, 3), result)
    assert ns.get(n.id) == n


def test_a_void_reason_is_at_most_200_characters(services, unit_ids):
    ns = services.notices
    n = ns.issue(draft(unit_ids["C01"]))
    with pytest.raises(ServiceError, match="作废原因不能超过 200 个字（现有 201 个）"):
        ns.void(n.id, "重" * 201)
    assert not ns.get(n.id).voided
    assert ns.void(n.id, "重" * 200).voided


def test_extend_of_a_notice_dated_ahead_is_asked_on_its_issue_date(services, unit_ids):
    ns = services.notices
    ns.set_today(date(2026, 10, 30))
    n = ns.issue(draft(unit_ids["C01"]))  # issued 2026-11-02, entered ahead of time
    ext = ns.extend(n.id, days=2).extensions[0]
    assert ext.asked == date(2026, 11, 2)


def test_bad_input_is_refused_with_chinese_messages_and_nothing_written(services, unit_ids):
    ns = services.notices
    with pytest.raises(ServiceError, match="承办单位"):
        ns.issue(draft(9999))
    with pytest.raises(ServiceError, match="督办时限"):
        ns.issue(draft(unit_ids["C01"], days=0))
    with pytest.raises(ServiceError, match="督办时限"):
        ns.issue(draft(unit_ids["C01"], days=10**9))  # refused before counting a billion days
    with pytest.raises(ServiceError, match="督办方式无效"):
        ns.issue(draft(unit_ids["C01"], level="口头"))
    assert ns.issue(draft(unit_ids["C01"], level="领导批示", channel="网络问政")).level is Level.LEADER
    ns.unissue(ns.rows()[0].id)
    assert ns.rows() == []
    n = ns.issue(draft(unit_ids["C01"]))
    with pytest.raises(ServiceError, match="督办时限"):
        ns.update(n.id, days=10**9)
    with pytest.raises(ServiceError, match="早于下达日期"):
        ns.complete(n.id, date(2026, 10, 1), "x")
    with pytest.raises(ServiceError, match="原因"):
        ns.void(n.id, "  ")
    assert ns.get(n.id) == n


def test_status_list_filters_and_overdue_count(services, unit_ids):
    ns = services.notices
    a = ns.issue(draft(unit_ids["C01"], issued=date(2026, 11, 2)))  # due 11-09
    ns.issue(draft(unit_ids["C02"], issued=date(2026, 11, 20), content="路灯不亮", orders=("A123",)))
    ns.complete(a.id, date(2026, 11, 12), "已办")
    views = ns.list(as_of=date(2026, 11, 30))
    assert [v.status for v in views] == [NoticeStatus.DONE_LATE, NoticeStatus.OVERDUE]
    assert ns.overdue_count(as_of=date(2026, 11, 30)) == 1
    from hotline_desktop.services.notices import NoticeFilter

    assert [v.row.unit_code for v in ns.list(NoticeFilter(search="a123"), as_of=date(2026, 11, 30))] == ["C02"]
    number = ns.list(NoticeFilter(search="a123"))[0].row.number
    assert [v.row.number for v in ns.list(NoticeFilter(search=number.replace("（", "(").replace("）", ")")))] == [number]
    assert ns.list(NoticeFilter(status=NoticeStatus.DONE_LATE), as_of=date(2026, 11, 30))[0].row.id == a.id


def test_calendar_edit_lists_notices_it_would_move_and_moves_only_when_applied(services, unit_ids):
    ns = services.notices
    n = ns.issue(draft(unit_ids["C01"], issued=date(2026, 12, 29), days=5))
    assert n.due == date(2027, 1, 5)  # 2027 assumed Monday–Friday
    cal = services.calendar
    items = cal.preview_change({date(2027, 1, 1): _holiday(date(2027, 1, 1))})
    assert [(i.key, i.old_due, i.new_due) for i in items] == [(n.id, date(2027, 1, 5), date(2027, 1, 6))]
    cal.set_day(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")  # left as it is
    assert ns.get(n.id).due == date(2027, 1, 5)
    items = cal.preview_change({date(2027, 1, 4): _holiday(date(2027, 1, 4))})
    edit = cal.set_day(date(2027, 1, 4), DayKind.HOLIDAY, "元旦", apply_to=items)
    assert [(i.old_due, i.new_due) for i in items] == [(date(2027, 1, 5), date(2027, 1, 7))]
    assert ns.get(n.id).due == date(2027, 1, 7)  # applied: the date the calendar now gives (both holidays)
    cal.undo(edit)
    assert ns.get(n.id).due == date(2027, 1, 5)


def test_undo_of_a_calendar_edit_lists_notices_issued_since_and_moves_only_the_chosen(services, unit_ids):
    """A notice issued after a calendar edit was counted with the edited days; undoing the edit
    used to leave its due date as it was without listing it (nor logging that it was kept)."""
    ns, cal = services.notices, services.calendar
    edit = cal.set_day(date(2027, 1, 4), DayKind.HOLIDAY, "元旦")  # no notice yet: nothing to list
    a = ns.issue(draft(unit_ids["C01"], issued=date(2026, 12, 29), days=5))
    b = ns.issue(draft(unit_ids["C02"], issued=date(2026, 12, 30), days=5))
    assert (a.due, b.due) == (date(2027, 1, 6), date(2027, 1, 7))  # 01-04 skipped
    seen = []

    def choose(items):
        seen.append([(i.key, i.old_due, i.new_due) for i in items])
        return [i for i in items if i.key == a.id]

    undone = cal.undo(edit, choose)
    assert seen == [[(a.id, date(2027, 1, 6), date(2027, 1, 5)), (b.id, date(2027, 1, 7), date(2027, 1, 6))]]
    assert ns.get(a.id).due == date(2027, 1, 5) and ns.get(b.id).due == date(2027, 1, 7)  # b kept, as chosen
    assert [i.key for i in undone.applied] == [a.id]
    with services.store.session() as s:
        kept = [e.new_value for e in AuditRepository(s).recent(table="calendar_days") if e.field == "affected"]
    assert kept == ["保持 2027-01-07（按新日历为 2027-01-06）"]
    cal.redo(edit)  # no choice offered: what the redo would move is kept, and logged
    assert cal.calendar().office_day(date(2027, 1, 4)) is not None
    assert ns.get(a.id).due == date(2027, 1, 5) and ns.get(b.id).due == date(2027, 1, 7)


def _holiday(d):
    from hotline_desktop.core.workdays import OfficeDay

    return OfficeDay(d, DayKind.HOLIDAY, "元旦")


def _ganxian(services, unit_ids):
    ys = services.assessment.ensure(2026, "ganxian-2023-hotline")
    edits = [CellEdit(uid, "2026-03", "volume", "100") for uid in unit_ids.values()]
    edits.append(CellEdit(unit_ids["C01"], "2026-03", "supervision_light", "4"))  # typed before the register
    services.assessment.set_values(ys.id, edits)
    return ys


def test_notices_move_live_rankings_and_typed_overrides_win(services, unit_ids):
    ys = _ganxian(services, unit_ids)
    live = services.rankings.live(ys.id)
    c01 = unit_ids["C01"]
    ident = (c01, "2026-03", "supervision_light")
    assert services.assessment.scored_monthly_cells(ys.id)[ident].value == 4  # typed: no notices yet
    heard = []
    live.changed.connect(heard.append)
    ns = services.notices
    n = ns.issue(draft(c01, issued=date(2026, 3, 10)))
    assert services.assessment.scored_monthly_cells(ys.id)[ident].value == 1  # fed now
    assert live.engine.monthly_values("C01", "2026-03")["supervision_light"] == 1
    assert heard and "C01" in heard[-1]
    fed = services.feeds.fed_cells(ys.id, "2026-03")[(c01, "supervision_light")]
    assert fed.fed.sources == (n.number,) and not fed.overridden
    ns.issue(draft(c01, issued=date(2026, 3, 11), level=Level.LEADER))
    assert live.engine.monthly_values("C01", "2026-03")["supervision_heavy"] == 1
    # The operator types over the fed count: an explicit override, reversible.
    services.assessment.set_values(ys.id, [CellEdit(c01, "2026-03", "supervision_light", "7")])
    assert live.engine.monthly_values("C01", "2026-03")["supervision_light"] == 7
    assert services.feeds.fed_cells(ys.id, "2026-03")[(c01, "supervision_light")].overridden
    ns.issue(draft(c01, issued=date(2026, 3, 12)))  # override still wins
    assert live.engine.monthly_values("C01", "2026-03")["supervision_light"] == 7
    services.assessment.set_values(ys.id, [CellEdit(c01, "2026-03", "supervision_light", None)])
    assert live.engine.monthly_values("C01", "2026-03")["supervision_light"] == 2
    ns.void(n.id, "误发")
    assert live.engine.monthly_values("C01", "2026-03")["supervision_light"] == 1
    # what the live engine holds equals a fresh build from the store
    from hotline_desktop.services.ranking import LiveRanking

    fresh = LiveRanking(services.assessment, ys.id)
    for code in ("C01", "C02"):
        assert fresh.engine.monthly_values(code, "2026-03") == live.engine.monthly_values(code, "2026-03")


def test_unfinished_feed_follows_completion_and_extension(services, unit_ids):
    ys = services.assessment.ensure(2026, "licheng-2020")
    c01 = unit_ids["C01"]
    services.assessment.set_values(ys.id, [CellEdit(c01, "2026-11", "volume", "50")])
    ns = services.notices
    ns.set_today(date(2026, 11, 30))
    live = services.rankings.live(ys.id)
    n = ns.issue(draft(c01, issued=date(2026, 11, 2)))  # due 11-09, passed as of 11-30
    assert live.engine.monthly_values("C01", "2026-11")["supervision_unfinished"] == 1
    ns.extend(n.id, until=date(2026, 12, 10))  # due moves to December: no longer unfinished in November
    assert live.engine.monthly_values("C01", "2026-11")["supervision_unfinished"] == 0
    ns.restore(n)
    ns.complete(n.id, date(2026, 11, 9), "按期办结")
    assert live.engine.monthly_values("C01", "2026-11")["supervision_unfinished"] == 0


def test_a_new_day_counts_notices_whose_due_date_just_passed(services, unit_ids):
    ys = services.assessment.ensure(2026, "licheng-2020")
    c01 = unit_ids["C01"]
    services.assessment.set_values(ys.id, [CellEdit(c01, "2026-11", "volume", "50")])
    ns = services.notices
    ns.set_today(date(2026, 11, 9))
    live = services.rankings.live(ys.id)
    ns.issue(draft(c01, issued=date(2026, 11, 2)))  # due 11-09: not passed yet
    assert live.engine.monthly_values("C01", "2026-11")["supervision_unfinished"] == 0
    assert services.feeds.refresh() == 0  # same day: nothing to do
    ns.set_today(date(2026, 11, 10))
    assert services.feeds.refresh() == 1
    assert live.engine.monthly_values("C01", "2026-11")["supervision_unfinished"] == 1


def test_undo_and_redo_of_an_issue_keep_the_number(services, unit_ids):
    ns = services.notices
    n = ns.issue(draft(unit_ids["C01"]))
    ns.unissue(n.id)  # undo
    assert ns.rows() == []
    again = ns.restore(n)  # redo: the same notice, the same number
    assert again == n
    assert ns.issue(draft(unit_ids["C01"])).number == "督（2026）2号"
    with services.store.session() as s:
        actions = [r.action for r in s.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "notices", AuditEntry.row_id == n.id, AuditEntry.field == "number"))]
    assert actions == ["insert", "delete", "insert"]


def test_copy_month_leaves_fed_inputs_to_the_register(services, unit_ids):
    ys = _ganxian(services, unit_ids)
    c01 = unit_ids["C01"]
    services.notices.issue(draft(c01, issued=date(2026, 3, 10)))
    services.assessment.copy_month(ys.id, "2026-03", "2026-04")
    cells = services.assessment.scored_monthly_cells(ys.id, "2026-04")
    assert cells[(c01, "2026-04", "volume")].value == 100
    assert cells[(c01, "2026-04", "supervision_light")].value == 0  # counted (no April notice), not copied
    assert not services.feeds.fed_cells(ys.id, "2026-04")  # and no override was created


def test_a_notice_to_a_unit_that_takes_no_part_moves_no_ranking(services, unit_ids):
    from hotline_desktop.core.domain import UnitDraft, UnitKind

    ys = _ganxian(services, unit_ids)
    services.units.create_many([UnitDraft(code="D99", name="原执法局", kind=UnitKind.DEPARTMENT, active=False)])
    gone = next(u.id for u in services.units.list() if u.code == "D99")
    live = services.rankings.live(ys.id)
    services.notices.issue(draft(unit_ids["C01"], issued=date(2026, 3, 2)))  # the register starts feeding 2026
    engine = live.engine
    heard = []
    live.changed.connect(heard.append)
    services.notices.issue(draft(gone, issued=date(2026, 3, 10)))
    assert heard == [] and live.engine is engine  # no change reported, no rebuild of the engine
    assert services.assessment.participating(ys.id, [gone, unit_ids["C02"]]) == {unit_ids["C02"]}


def test_work_orders_typed_as_text_or_given_as_a_list(services, unit_ids):
    ns = services.notices
    n = ns.issue(draft(unit_ids["C01"], orders="A1, A2；A1\nA3"))
    assert n.orders == ("A1", "A2", "A3") and ns.get(n.id).orders == ("A1", "A2", "A3")
    assert ns.update(n.id, orders="B7，B8").orders == ("B7", "B8")
    assert ns.update(n.id, orders=["C1", " C1 ", "C2"]).orders == ("C1", "C2")


def test_reimporting_an_exported_month_keeps_counts_fed_and_a_changed_figure_overrides(services, unit_ids, tmp_path):
    from openpyxl import load_workbook

    ys = _ganxian(services, unit_ids)
    c01, c02 = unit_ids["C01"], unit_ids["C02"]
    services.notices.issue(draft(c01, issued=date(2026, 3, 10)))
    path = tmp_path / "m.xlsx"
    services.monthly_io.export_month(ys.id, "2026-03", path)
    plan = services.monthly_io.plan(ys.id, "2026-03", path)
    assert not [e for e in plan.edits if e.key == "supervision_light"]  # the file holds the counts: nothing typed
    services.monthly_io.apply(plan)
    assert not services.feeds.fed_cells(ys.id, "2026-03")[(c01, "supervision_light")].overridden
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    col = next(c.column for row in ws.iter_rows(max_row=6) for c in row if "短信" in str(c.value or ""))
    for r in ws.iter_rows(min_row=1):
        if any(c.value == "C02" for c in r):
            ws.cell(r[0].row, col).value = 3
    wb.save(path)
    services.monthly_io.apply(services.monthly_io.plan(ys.id, "2026-03", path))
    assert services.feeds.fed_cells(ys.id, "2026-03")[(c02, "supervision_light")].overridden
    assert services.assessment.scored_monthly_cells(ys.id, "2026-03")[(c02, "2026-03", "supervision_light")].value == 3


def test_a_calendar_edit_refuses_to_move_a_notice_changed_since_the_preview(services, unit_ids):
    ns = services.notices
    n = ns.issue(draft(unit_ids["C01"], issued=date(2026, 12, 29), days=5))
    items = services.calendar.preview_change({date(2027, 1, 4): _holiday(date(2027, 1, 4))})
    ns.extend(n.id, days=2)  # moved by the operator in between
    with pytest.raises(ServiceError, match="办结时限已被修改"):
        services.calendar.set_day(date(2027, 1, 4), DayKind.HOLIDAY, "元旦", apply_to=items)
    assert services.calendar.office_days() == []  # nothing half-applied
    assert ns.get(n.id).due == date(2027, 1, 7)


def test_a_month_s_first_and_last_figure_bring_and_take_its_fed_counts(services, unit_ids):
    from hotline_desktop.services.ranking import LiveRanking

    ys = _ganxian(services, unit_ids)  # March has figures; April none yet
    c01, c02 = unit_ids["C01"], unit_ids["C02"]
    live = services.rankings.live(ys.id)
    services.notices.issue(draft(c01, issued=date(2026, 4, 8)))  # counted in April: no figures there yet
    assert live.engine.monthly_values("C01", "2026-04") is None
    assert (c01, "2026-04", "supervision_light") not in services.assessment.scored_monthly_cells(ys.id, "2026-04")

    def same_as_fresh():
        fresh = LiveRanking(services.assessment, ys.id)
        for code in ("C01", "C02"):
            assert fresh.engine.monthly_values(code, "2026-04") == live.engine.monthly_values(code, "2026-04")

    services.assessment.set_values(ys.id, [CellEdit(c02, "2026-04", "volume", "80")])  # April's first figure
    assert live.engine.monthly_values("C01", "2026-04") == {"supervision_light": 1}
    same_as_fresh()
    services.assessment.set_values(ys.id, [CellEdit(c02, "2026-04", "volume", None)])  # and its last
    assert live.engine.monthly_values("C01", "2026-04") is None
    same_as_fresh()


WRITER = """
import sys
from datetime import date
from hotline_desktop.core.notices import Channel, Level
from hotline_desktop.db.store import Store
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.notices import NoticeDraft, NoticeService
store = Store.open(DataPaths(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 else None), lock=False, auto_backup=False)
ns = NoticeService(store)
for _ in range(12):
    print(ns.issue(NoticeDraft(int(sys.argv[2]), Channel.HOTLINE, Level.SMS, date(2026, 11, 2), 5, content="x")).number)
store.close()
"""


def test_two_processes_never_get_the_same_number(services, unit_ids, paths):
    import subprocess
    import sys

    url = [paths.database_url] if paths.on_server else []
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(paths.root), str(unit_ids["C01"]), *url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _o, e in outs]
    numbers = [line for o, _e in outs for line in o.split()]
    assert sorted(numbers) == sorted(f"督（2026）{i}号" for i in range(1, 25))


def test_a_too_long_work_order_number_is_refused_by_the_service_not_only_the_dialog(services, unit_ids):
    ns = services.notices
    with pytest.raises(ServiceError, match="工单编号过长（最多 40 个字符）"):
        ns.issue(draft(unit_ids["C01"], orders=("A" * 41,)))
    assert ns.rows() == []
    n = ns.issue(draft(unit_ids["C01"], orders=("A" * 40,)))
    assert n.orders == ("A" * 40,)
