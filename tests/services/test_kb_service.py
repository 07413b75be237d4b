"""知识库 service: workflow through the store, audit old → new, undo/redo, feedback, import/export."""

from datetime import date

import pytest
from openpyxl import load_workbook
from xlsx_builder import sheet_book

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.core.kb import CheckResult, Content
from hotline_desktop.db.repositories import AuditRepository
from hotline_desktop.services.errors import ServiceError

ALL_PASS = [CheckResult(i, True) for i in range(1, 5)]
Q = "高龄津贴如何申领？"
A1 = "年满80周岁的老年人可到社区便民服务站申请，每人每月100元。"
A2 = "年满80周岁的老年人可到社区便民服务站申请，每人每月120元。"


@pytest.fixture
def k(services):
    services.units.create(UnitDraft(code="D01", name="区民政局", kind="department"))
    services.units.create(UnitDraft(code="T01", name="山大路街道", kind="town"))
    return services.kb


def new_entry(k, answer=A1, form="一问一答", unit="D01") -> int:
    return k.create(unit, "社会民生", form, Content(Q, answer, "关于落实高龄津贴的意见", "历民字〔2026〕5号", 1)).entry_id


def publish(k, eid, day=date(2026, 3, 2)):
    k.review(eid, ALL_PASS, day)
    return k.publish(eid, day)


def test_publish_is_blocked_until_all_four_checks_pass(k):
    eid = new_entry(k)
    with pytest.raises(ServiceError, match="尚未通过审核"):
        k.publish(eid, date(2026, 3, 1))
    r = k.review(eid, [CheckResult(1, True), CheckResult(2, False, "“申领”有歧义"), CheckResult(3, True),
                       CheckResult(4, False, "缺附件数量")], date(2026, 3, 1))
    assert "2. 表述清晰、无歧义（“申领”有歧义）" in r.message and "4. 解答准确" in r.message
    assert k.list()[0].status == "returned"
    with pytest.raises(ServiceError, match="尚未通过审核"):
        k.publish(eid, date(2026, 3, 1))
    k.review(eid, ALL_PASS, date(2026, 3, 2))
    with pytest.raises(ServiceError, match="早于审核日期"):
        k.publish(eid, date(2026, 3, 1))
    assert k.publish(eid, date(2026, 3, 3)).message == "已发布第 1 版"
    row = k.list()[0]
    assert (row.status, row.version, row.published_on, row.review_by) == ("published", 1, date(2026, 3, 3),
                                                                          date(2027, 3, 3))


def test_edit_after_approval_needs_a_new_review(k):
    eid = new_entry(k)
    k.review(eid, ALL_PASS, date(2026, 3, 1))
    k.edit(eid, Content(Q, A2))
    assert k.list()[0].status == "draft"
    with pytest.raises(ServiceError, match="尚未通过审核"):
        k.publish(eid, date(2026, 3, 2))


def test_revision_keeps_published_version_visible_until_its_own_publication(k):
    eid = new_entry(k)
    publish(k, eid)
    with pytest.raises(ServiceError, match="请先修订"):
        k.edit(eid, Content(Q, A2))
    k.revise(eid)
    k.edit(eid, Content(Q, A2, "关于落实高龄津贴的意见", "历民字〔2026〕9号", 1))
    row = k.list()[0]
    assert (row.status, row.working_status, row.version, row.working_version, row.answer) == (
        "published", "draft", 1, 2, A1)  # still published (v1) while v2 is in 采集
    assert row.revising
    publish(k, eid, date(2026, 6, 1))
    row = k.list()[0]
    assert (row.status, row.version, row.answer) == ("published", 2, A2)
    d = k.detail(eid)
    assert [(n, st) for n, st, _, _ in d.versions] == [(1, "superseded"), (2, "published")]
    diff = k.diff(eid, 1, 2)
    assert [s.text for s in diff if s.kind == "delete"] == ["0", "5"]
    assert [s.text for s in diff if s.kind == "insert"] == ["2", "9"]


def test_withdraw_needs_a_reason_and_verify_records_a_check(k):
    eid = new_entry(k)
    with pytest.raises(ServiceError, match="只有已发布"):
        k.withdraw(eid, "职能调整", date(2026, 3, 5))
    publish(k, eid)
    with pytest.raises(ServiceError, match="须填写原因"):
        k.withdraw(eid, "  ", date(2026, 3, 5))
    v = k.verify(eid, date(2026, 8, 1))
    assert "下次校核日期 2027-08-01" in v.message
    assert k.list()[0].review_by == date(2027, 8, 1)
    k.withdraw(eid, "职能调整，事项已划转", date(2026, 9, 1))
    row = k.list()[0]
    assert row.status == "withdrawn" and k.detail(eid).withdraw_reason == "职能调整，事项已划转"
    with pytest.raises(ServiceError):
        k.revise(eid)


def test_withdrawing_an_entry_under_revision_drops_the_draft_and_undo_brings_it_back(k):
    eid = new_entry(k)
    publish(k, eid)
    k.revise(eid)
    k.edit(eid, Content(Q, A2, "关于落实高龄津贴的意见", "历民字〔2026〕9号", 1))
    w = k.withdraw(eid, "职能调整，事项已划转", date(2026, 9, 1))
    row = k.list()[0]
    assert (row.status, row.version, row.answer, row.revising) == ("withdrawn", 1, A1, False)
    assert [(n, st) for n, st, _, _ in k.detail(eid).versions] == [(1, "withdrawn")]
    k.undo(w)
    row = k.list()[0]
    assert (row.status, row.working_status, row.working_version) == ("published", "draft", 2)


def test_feedback_due_in_working_days_and_closed_by_a_published_revision(k, services):
    eid = new_entry(k)
    publish(k, eid, date(2026, 9, 1))
    fb = k.add_feedback(eid, "新旧法规冲突", "标准已调整为120元", date(2026, 9, 30))
    due = services.calendar.calendar().add_workdays(date(2026, 9, 30), 5)
    assert due.isoformat() in fb.message and due > date(2026, 10, 8)  # National Day holidays skipped
    with pytest.raises(ServiceError, match="问题类型"):
        k.add_feedback(eid, "看不懂", "x", date(2026, 10, 1))
    assert k.feedback_rows()[0][9] is None
    k.revise(eid)
    k.edit(eid, Content(Q, A2, "关于落实高龄津贴的意见", "历民字〔2026〕5号", 1))
    publish(k, eid, date(2026, 10, 9))
    row = k.feedback_rows()[0]
    assert row[9] == date(2026, 10, 9) and row[10] == 2  # closed by version 2


def test_feedback_days_come_from_settings(k, services):
    services.settings.update({"kb_feedback_workdays": "2"})
    eid = new_entry(k)
    publish(k, eid, date(2026, 12, 1))
    k.add_feedback(eid, "内容不完整", "缺办理地点", date(2026, 12, 4))  # Friday
    assert k.feedback_rows()[0][8] == date(2026, 12, 8)


def test_overdue_feedback_counts_and_fed_values(k, services):
    k.today = lambda: date(2026, 12, 1)
    e1 = new_entry(k)
    publish(k, e1, date(2026, 3, 2))
    k.add_feedback(e1, "表述不清楚", "歧义", date(2026, 11, 2))  # due early November, still open → late
    e2 = new_entry(k, form="其他", unit="T01")
    publish(k, e2, date(2026, 4, 1))
    k.verify(e2, date(2026, 10, 1))
    assert k.overdue_count() == 1
    fed = k.fed(2026)
    ids = services.units.list()
    d01 = next(u.id for u in ids if u.code == "D01")
    t01 = next(u.id for u in ids if u.code == "T01")
    assert (fed[d01]["kb_format"].value, fed[d01]["kb_updated"].value, fed[d01]["kb_late_updates"].value) == (
        "qa", False, 1)
    assert (fed[t01]["kb_format"].value, fed[t01]["kb_updated"].value, fed[t01]["kb_late_updates"].value) == (
        "other", True, 0)


def test_every_edit_is_audited_old_to_new(k, services):
    eid = new_entry(k)
    k.edit(eid, Content(Q, A2))
    with services.store.session() as s:
        rows = AuditRepository(s).recent(50)
    changed = {(r.table_name, r.field): (r.old_value, r.new_value) for r in reversed(rows)}  # newest wins
    assert changed[("kb_versions", "v1.answer")] == (A1, A2)
    assert changed[("kb_entries", "操作")][1] == "修改知识库条目"
    publish(k, eid)
    with services.store.session() as s:
        rows = AuditRepository(s).recent(50)
    assert any(r.field == "status" and r.old_value == "approved" and r.new_value == "published" for r in rows)


def test_undo_and_redo_of_each_edit_restore_exact_state(k):
    eid = new_entry(k)
    states = [k.detail(eid)]
    edits = [k.review(eid, ALL_PASS, date(2026, 3, 1))]
    states.append(k.detail(eid))
    edits.append(k.publish(eid, date(2026, 3, 2)))
    states.append(k.detail(eid))
    edits.append(k.add_feedback(eid, "其他", "请补充电话", date(2026, 3, 10)))
    states.append(k.detail(eid))
    edits.append(k.revise(eid))
    states.append(k.detail(eid))
    for i in range(len(edits) - 1, -1, -1):
        k.undo(edits[i])
        assert k.detail(eid) == states[i]
    for i, e in enumerate(edits):
        k.redo(e)
        assert k.detail(eid) == states[i + 1]
    create = k.create("D01", "政策法规", "一问一答", Content("新问题？", "新答案。"))
    k.undo(create)
    assert [r.id for r in k.list()] == [eid]
    k.redo(create)
    assert len(k.list()) == 2


def _workbook(path, rows, header=("单位编码", "类别", "问题", "答案", "形式", "依据文件名称", "文号", "附件数量", "生效日期")):
    return sheet_book(path, [header, *rows])


def test_import_is_validated_whole_and_writes_nothing_on_error(k, services, tmp_path):
    good = ("D01", "社会民生", "问一？", "答一。\n第二行", "一问一答", "某通知", "历民字〔2026〕1号", 2, "2026-01-01")
    bad = [
        good,
        ("D99", "社会民生", "问二？", "答二。", "", "", "", "", ""),
        ("D01", "民生", "问三？", "答三。", "", "", "", "x", "2026-02-30"),
        ("D01", "社会民生", "问一？", "重复。", "", "", "", "", ""),
        ("T01", "热点问题", "", "", "问答", "", "", "", ""),
    ]
    plan = services.kb_io.plan(_workbook(tmp_path / "bad.xlsx", bad))
    msgs = [str(p) for p in plan.problems]
    assert "第 3 行 A（单位编码）列：单位编码“D99”不存在" in msgs
    assert any(m.startswith("第 4 行 B（类别）列：类别“民生”无效") for m in msgs)
    assert "第 4 行 H（附件数量）列：附件数量应为整数：“x”" in msgs
    assert "第 4 行 I（生效日期）列：日期不存在：“2026-02-30”" in msgs
    assert "第 5 行 C（问题）列：与第 2 行是同一单位的相同问题" in msgs
    assert "第 6 行 C（问题）列：问题不能为空" in msgs and "第 6 行 D（答案）列：答案不能为空" in msgs
    assert any(m.startswith("第 6 行 E（形式）列") for m in msgs)
    with pytest.raises(ServiceError, match="未写入任何数据"):
        services.kb_io.apply(plan)
    assert k.count() == 0
    edit = services.kb_io.apply(services.kb_io.plan(_workbook(tmp_path / "good.xlsx", [good])))
    row = k.list()[0]
    assert (row.unit_code, row.status, row.basis_attachments, row.effective_date) == ("D01", "draft", 2,
                                                                                      date(2026, 1, 1))
    assert row.answer == "答一。\n第二行"
    # the same file again: the question exists already
    again = services.kb_io.plan(tmp_path / "good.xlsx")
    assert [str(p) for p in again.problems] == ["第 2 行 C（问题）列：该单位的知识库中已有相同的问题"]
    k.undo(edit)
    assert k.count() == 0
    k.redo(edit)
    assert [(r.question, r.status, r.answer) for r in k.list()] == [("问一？", "draft", "答一。\n第二行")]


def test_import_finds_the_header_below_a_title_row_and_refuses_a_repeated_column(k, services, tmp_path):
    good = ("D01", "社会民生", "问一？", "答一。")
    sheet_book(tmp_path / "title.xlsx", [["历城区知识库采集表（2026年）"],
                                         ["单位\n编码", "类别", "问题", "答案"],  # a header wrapped in its cell
                                         good])
    plan = services.kb_io.plan(tmp_path / "title.xlsx")
    assert plan.problems == [] and plan.total_rows == 1
    twice = services.kb_io.plan(_workbook(tmp_path / "twice.xlsx", [(*good, "另一个答案")],
                                          header=("单位编码", "类别", "问题", "答案", "回答")))
    assert [str(p) for p in twice.problems] == [
        "第 1 行 E（回答）列：列“回答”重复出现（D 列和 E 列），无法确定用哪一列"]


def test_export_register_and_report_xlsx_and_pdf(k, services, tmp_path):
    k.today = lambda: date(2026, 12, 1)
    eid = new_entry(k)
    publish(k, eid, date(2026, 3, 2))
    k.add_feedback(eid, "表述不清楚", "歧义", date(2026, 11, 2))
    new_entry(k, unit="T01")
    out = services.kb_io.export(tmp_path / "kb.xlsx")
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]][:7] == ["ID", "单位编码", "单位名称", "类别", "形式", "问题", "答案"]
    assert ws.max_row == 3 and ws["L2"].value == "已发布" and ws["L3"].value == "采集"
    rows = services.kb_io.report_rows(2026)
    d01 = next(r for r in rows if r.unit_code == "D01")
    assert (d01.entries, d01.published, d01.published_this_year, d01.open_feedback, d01.overdue_feedback,
            d01.late_updates) == (1, 1, 1, 1, 1, 1)
    x = services.kb_io.report(2026, tmp_path / "r.xlsx")
    assert "2026 年度知识库维护情况通报" in load_workbook(x).active["A1"].value
    p = services.kb_io.report(2026, tmp_path / "r.pdf")
    assert p.read_bytes()[:4] == b"%PDF"
    with pytest.raises(ServiceError):
        services.kb_io.report(2026, tmp_path / "r.csv")
    # the export is importable after the first columns are matched by header
    plan = services.kb_io.plan(out)
    assert all("已有相同的问题" in p.message for p in plan.problems)


def test_an_office_calendar_edit_moves_open_feedback_due_dates_when_applied(k, services):
    from hotline_desktop.core.workdays import DayKind, OfficeDay

    eid = new_entry(k)
    publish(k, eid, date(2026, 12, 1))
    k.add_feedback(eid, "内容不完整", "缺办理地点", date(2026, 12, 4))  # Fri → due Fri 2026-12-11
    assert k.feedback_rows()[0][8] == date(2026, 12, 11)
    assert services.calendar.preview_change({}) == []

    change = {date(2026, 12, 8): OfficeDay(date(2026, 12, 8), DayKind.HOLIDAY, "停电")}
    items = [i for i in services.calendar.preview_change(change) if i.dependent == "kb"]
    assert len(items) == 1 and (items[0].old_due, items[0].new_due) == (date(2026, 12, 11), date(2026, 12, 14))
    assert "知识库反馈" in items[0].label
    services.calendar.change(change, apply_to=items)
    assert k.feedback_rows()[0][8] == date(2026, 12, 14)
    with services.store.session() as s:
        rows = AuditRepository(s).recent(20, table="kb_feedback")
    assert any(r.field == "due_on" and r.new_value == "2026-12-14" for r in rows)


def test_review_by_chosen_in_collection_stands_at_first_publication(k):
    eid = k.create("D01", "政策法规", "一问一答", Content("问？", "答。"), review_by=date(2026, 9, 30)).entry_id
    publish(k, eid, date(2026, 3, 2))
    assert k.list()[0].review_by == date(2026, 9, 30)
    k.revise(eid)
    k.edit(eid, Content("问？", "新答。"))
    publish(k, eid, date(2026, 5, 1))
    assert k.list()[0].review_by == date(2027, 5, 1)  # a revision: one year after its publication
    eid2 = k.create("D01", "政策法规", "一问一答", Content("问二？", "答。"), review_by=date(2026, 1, 1)).entry_id
    publish(k, eid2, date(2026, 3, 2))  # a date already past would list it at once: one year instead
    assert k.rows([eid2])[0].review_by == date(2027, 3, 2)


def test_bulk_snapshots_equal_single_ones_on_the_demo_register(services):
    from hotline_desktop.db.kb_repository import KbRepository
    from hotline_desktop.services.demo import demo_units
    from hotline_desktop.services.kb_demo import fill_demo_kb

    services.units.create_many(demo_units())
    n = fill_demo_kb(services, today=date(2026, 12, 1))
    assert n > 200
    with services.store.session() as s:
        repo = KbRepository(s)
        ids = [r.id for r in KbRepository(s).rows(date(2026, 12, 1))]
        bulk = repo.snapshots(ids)
        single = {i: repo.snapshot(i) for i in ids}
    assert bulk == single
    assert any(len(sn.versions) > 1 and sn.checks and sn.events and sn.feedback for sn in bulk.values())
    statuses = {r.status for r in services.kb.list()} | {r.working_status for r in services.kb.list()}
    assert statuses >= {"draft", "returned", "approved", "published", "withdrawn"}  # every status in the demo
    assert any(r.revising for r in services.kb.list())


@pytest.mark.parametrize("text", ["1_0", "٣", "9" * 5000])
def test_an_attachment_count_python_would_read_is_refused(k, services, tmp_path, text):
    """``int()`` reads 1_0 as 10 and Arabic-Indic ٣ as 3; 5,000 digits raised its own English error."""
    row = ("D01", "社会民生", "问一？", "答一。", "一问一答", "某通知", "历民字〔2026〕1号", text, "2026-01-01")
    plan = services.kb_io.plan(_workbook(tmp_path / "odd.xlsx", [row]))
    (msg,) = [str(p) for p in plan.problems]
    assert msg.startswith(f"第 2 行 H（附件数量）列：附件数量应为整数：“{text[:20]}") and len(msg) < 100


def test_publishing_twice_or_a_withdrawn_entry_says_why_not_that_it_lacks_a_review(k):
    # both said 不能发布：尚未通过审核（四项审核须全部通过后才能发布）, wrong for an entry that passed it
    eid = new_entry(k)
    publish(k, eid)
    with pytest.raises(ServiceError, match="当前状态为“已发布”，不能发布：该版本已经发布，无需再次发布") as e:
        k.publish(eid, date(2026, 3, 5))
    assert "尚未通过审核" not in str(e.value)
    k.withdraw(eid, "政策废止", date(2026, 3, 6))
    with pytest.raises(ServiceError, match="不能发布：已撤销的条目不能再发布"):
        k.publish(eid, date(2026, 3, 7))
    with pytest.raises(ServiceError, match="不能撤销：该条目已经撤销"):
        k.withdraw(eid, "再撤一次", date(2026, 3, 7))


def test_a_withdrawn_entrys_question_can_be_imported_again(k, services, tmp_path):
    # refused with 该单位的知识库中已有相同的问题, yet nothing can bring a withdrawn entry back:
    # the unit's new answer to the same question could not come in by import
    row = ("D01", "社会民生", "问一？", "新政策下的答案。", "", "", "", "", "")
    services.kb_io.apply(services.kb_io.plan(_workbook(tmp_path / "a.xlsx", [row])))
    eid = k.list()[0].id
    publish(k, eid)
    assert [p.message for p in services.kb_io.plan(tmp_path / "a.xlsx").problems] == ["该单位的知识库中已有相同的问题"]
    k.withdraw(eid, "政策废止", date(2026, 3, 6))
    plan = services.kb_io.plan(tmp_path / "a.xlsx")
    assert plan.problems == [] and len(plan.drafts) == 1
    services.kb_io.apply(plan)
    assert sorted(r.status for r in k.list()) == ["draft", "withdrawn"]


def test_a_unit_code_typed_as_a_number_that_lost_its_leading_zero_is_explained(k, services, tmp_path):
    # 单位编码 007 typed into a number cell is 7: the import said only 单位编码“7”不存在
    services.units.create(UnitDraft(code="007", name="区城管局", kind="department"))
    plan = services.kb_io.plan(_workbook(tmp_path / "n.xlsx", [(7, "社会民生", "问？", "答。", "", "", "", "", ""),
                                                              ("007", "社会民生", "问二？", "答。", "", "", "", "", "")]))
    assert [str(p) for p in plan.problems] == [
        "第 2 行 A（单位编码）列：单位编码“7”不存在（这个单元格是数字，编码开头的 0 会丢失：请把该列设为文本格式后重新填写）"]
    assert list(plan.drafts) == [3]
