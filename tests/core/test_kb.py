"""知识库 rules: workflow, the four checks, the character diff, feedback due dates, fed values."""

from datetime import date

import pytest

from hotline_desktop.core import kb
from hotline_desktop.core.kb import (
    Action,
    CheckResult,
    Content,
    EntryFacts,
    FeedbackFacts,
    Form,
    KbError,
    Status,
    char_diff,
    fed_values,
    next_status,
)
from hotline_desktop.core.workdays import DayKind, OfficeDay, WorkCalendar


# -- workflow -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "published", "action", "expected"),
    [
        (Status.DRAFT, False, Action.REVIEW_PASS, Status.APPROVED),
        (Status.DRAFT, False, Action.REVIEW_FAIL, Status.RETURNED),
        (Status.RETURNED, False, Action.EDIT, Status.DRAFT),
        (Status.APPROVED, False, Action.PUBLISH, Status.PUBLISHED),
        (Status.APPROVED, False, Action.EDIT, Status.DRAFT),  # a changed text needs a new review
        (Status.PUBLISHED, True, Action.REVISE, Status.DRAFT),
        (Status.PUBLISHED, True, Action.WITHDRAW, Status.WITHDRAWN),
        (Status.PUBLISHED, True, Action.VERIFY, Status.PUBLISHED),
        (Status.DRAFT, True, Action.WITHDRAW, Status.WITHDRAWN),  # revising, the published one can go
        (Status.APPROVED, True, Action.PUBLISH, Status.PUBLISHED),
    ],
)
def test_allowed_transitions(status, published, action, expected):
    assert next_status(status, published, action) is expected


@pytest.mark.parametrize(
    ("status", "published", "action", "words"),
    [
        (Status.DRAFT, False, Action.PUBLISH, "尚未通过审核"),
        (Status.RETURNED, False, Action.PUBLISH, "尚未通过审核"),
        (Status.PUBLISHED, True, Action.EDIT, "请先修订"),
        (Status.PUBLISHED, True, Action.PUBLISH, "不能发布：该版本已经发布，无需再次发布"),  # was 尚未通过审核
        (Status.WITHDRAWN, True, Action.PUBLISH, "不能发布：已撤销的条目不能再发布"),  # was 尚未通过审核
        (Status.WITHDRAWN, True, Action.REVIEW_PASS, "已撤销的条目不能再审核"),
        (Status.WITHDRAWN, True, Action.WITHDRAW, "该条目已经撤销"),  # was 只有已发布的条目才能撤销
        (Status.DRAFT, False, Action.WITHDRAW, "只有已发布"),
        (Status.DRAFT, False, Action.VERIFY, "只有已发布"),
        (Status.DRAFT, False, Action.FEEDBACK, "只有已发布"),
        (Status.WITHDRAWN, False, Action.REVISE, "不能修订"),
        (Status.WITHDRAWN, False, Action.EDIT, "不能修改"),
        (Status.DRAFT, True, Action.REVISE, "不能修订"),
        (Status.PUBLISHED, True, Action.REVIEW_PASS, "不能审核通过"),
    ],
)
def test_refused_transitions_say_why(status, published, action, words):
    with pytest.raises(KbError) as e:
        next_status(status, published, action)
    assert words in str(e.value) and status.label in str(e.value)


def test_every_state_has_a_row_in_the_table():
    states = {s for s, _ in kb.TRANSITIONS}
    assert states == set(Status)


# -- the four checks ------------------------------------------------------------------------------
def test_review_needs_all_four_checks_and_a_reason_for_each_failure():
    with pytest.raises(KbError, match="缺少第 3、4 项"):
        kb.validate_review([CheckResult(1, True), CheckResult(2, True)])
    with pytest.raises(KbError, match="不通过时须填写理由"):
        kb.validate_review([CheckResult(1, True), CheckResult(2, False), CheckResult(3, True), CheckResult(4, True)])
    with pytest.raises(KbError, match="填写了两次"):
        kb.validate_review([CheckResult(1, True)] * 2)
    with pytest.raises(KbError, match="不存在"):
        kb.validate_review([CheckResult(5, True)])


def test_outcome_and_return_message_list_the_failed_checks():
    results = kb.validate_review([
        CheckResult(4, False, "缺少文号"), CheckResult(1, False, "“半理”应为“办理”"), CheckResult(2, True),
        CheckResult(3, True),
    ])
    assert [r.item for r in results] == [1, 2, 3, 4]
    assert kb.review_outcome(results) is Action.REVIEW_FAIL
    msg = kb.return_message(results)
    assert "1. 错别字（“半理”应为“办理”）" in msg and "4. 解答准确" in msg and "缺少文号" in msg
    assert "表述清晰" not in msg
    assert kb.review_outcome(kb.validate_review([CheckResult(i, True) for i in range(1, 5)])) is Action.REVIEW_PASS


def test_cli_check_argument_forms():
    assert kb.parse_check_arg("1=通过") == CheckResult(1, True, "")
    assert kb.parse_check_arg("2=不通过:有歧义") == CheckResult(2, False, "有歧义")
    assert kb.parse_check_arg("2=不通过：全角冒号") == CheckResult(2, False, "全角冒号")
    for bad in ("1", "x=通过", "1=也许"):
        with pytest.raises(KbError):
            kb.parse_check_arg(bad)


# -- diff -------------------------------------------------------------------------------------------
def test_char_diff_marks_single_chinese_characters():
    spans = char_diff("城市低保标准为每人每月1000元", "城市低保标准为每人每月1050元")
    assert [(s.kind, s.text) for s in spans if s.kind != "equal"] == [("delete", "0"), ("insert", "5")] or [
        (s.kind, s.text) for s in spans if s.kind != "equal"
    ] == [("insert", "5"), ("delete", "0")]
    spans = char_diff("请到区政务服务中心办理", "请到街道便民服务站办理")
    deleted = "".join(s.text for s in spans if s.kind == "delete")
    inserted = "".join(s.text for s in spans if s.kind == "insert")
    assert "区政务" in deleted and "街道便民" in inserted and "中心" in deleted and "站" in inserted
    # equal + deleted rebuilds the old text, equal + inserted the new one
    assert "".join(s.text for s in spans if s.kind != "insert") == "请到区政务服务中心办理"
    assert "".join(s.text for s in spans if s.kind != "delete") == "请到街道便民服务站办理"


def _rebuilds(spans, old, new):
    return ("".join(s.text for s in spans if s.kind != "insert") == old
            and "".join(s.text for s in spans if s.kind != "delete") == new)


@pytest.mark.parametrize("case", ["one char of a repetitive text", "both ends changed", "repeated sentences"])
def test_char_diff_of_long_repetitive_texts_does_bounded_work(monkeypatch, case):
    # SequenceMatcher(autojunk=False) over 20,000 × 的 took ~50 s, on the GUI thread (版本历史)
    import difflib
    from collections import Counter

    real = difflib.SequenceMatcher

    class Bounded(real):
        def __init__(self, isjunk, a, b, **kw):
            ca, cb = Counter(a), Counter(b)
            assert sum(n * cb[c] for c, n in ca.items()) <= 2_000_000, "quadratic diff of long repetitive texts"
            super().__init__(isjunk, a, b, **kw)

    monkeypatch.setattr(difflib, "SequenceMatcher", Bounded)
    old, new = {
        "one char of a repetitive text": ("的" * 20000, "的" * 9000 + "了" + "的" * 10999),
        "both ends changed": ("了" + "的" * 19998 + "了", "的" * 20000),
        "repeated sentences": ("的的的的。" * 4000, "的的的的。" * 1000 + "了的的的。" + "的的的的。" * 2999),
    }[case]
    spans = char_diff(old, new)
    assert _rebuilds(spans, old, new)
    if case != "both ends changed":
        assert [(s.kind, s.text) for s in spans if s.kind != "equal"] == [("delete", "的"), ("insert", "了")]


def test_char_diff_finds_single_characters_in_a_long_real_answer():
    import random

    rnd = random.Random(5)
    words = ["城市", "低保", "标准", "每人", "每月", "元", "请到", "区政务服务中心", "办理", "街道", "社区", "申请",
             "材料", "身份证", "户口簿", "审核", "公示", "发放", "的", "和", "，", "。", "；", "\n"]
    old = "".join(rnd.choice(words) for _ in range(9000))[:20000]
    new = old[:100] + "改" + old[101:19900] + "增" + old[19900:]  # the middle goes sentence by sentence
    spans = char_diff(old, new)
    assert _rebuilds(spans, old, new)
    assert "".join(s.text for s in spans if s.kind == "insert") == "改增"
    assert "".join(s.text for s in spans if s.kind == "delete") == old[100]


def test_content_validation_names_the_field():
    clean, errs = kb.validate_content(Content("  问题？ ", "", basis_attachments=-1))
    assert clean.question == "问题？"
    assert errs == {"answer": "答案不能为空", "basis_attachments": "附件数量应为 0–999 的整数：-1"}
    _clean, errs = kb.validate_content(Content("问" * 501, "答"))
    assert "问题过长" in errs["question"]


# -- feedback due -------------------------------------------------------------------------------------
def test_feedback_due_counts_working_days_across_national_day():
    cal = WorkCalendar()
    # 2026-09-30 (Wed) + 5 working days: 1–7 Oct are holidays in chinesecalendar, 10 Oct (Sat) a workday
    assert kb.feedback_due(cal, date(2026, 9, 30), 5) == cal.add_workdays(date(2026, 9, 30), 5)
    due = kb.feedback_due(cal, date(2026, 9, 30), 5)
    assert due > date(2026, 10, 8)
    assert kb.feedback_due(cal, date(2026, 12, 4), 2) == date(2026, 12, 8)  # Fri → Tue


def test_feedback_due_follows_the_office_calendar():
    office = WorkCalendar([OfficeDay(date(2026, 12, 7), DayKind.HOLIDAY, "停电")])
    assert kb.feedback_due(office, date(2026, 12, 4), 2) == date(2026, 12, 9)


def test_feedback_is_late_when_closed_after_due_or_open_past_it():
    f = FeedbackFacts(date(2026, 3, 2), date(2026, 3, 9), None)
    assert not f.is_late(date(2026, 3, 9)) and f.is_late(date(2026, 3, 10))
    assert FeedbackFacts(date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 10)).is_late(date(2026, 3, 10))
    assert not FeedbackFacts(date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 9)).is_late(date(2027, 1, 1))


def test_review_by_window():
    today = date(2026, 12, 1)
    assert kb.review_due(date(2026, 11, 1), today)
    assert kb.review_due(date(2026, 12, 31), today)
    assert not kb.review_due(date(2027, 1, 1), today)
    assert not kb.review_due(None, today)
    assert kb.default_review_by(date(2024, 2, 29)) == date(2025, 2, 28)


# -- fed values --------------------------------------------------------------------------------------
def _e(eid, unit, form=Form.QA, first=None, withdrawn=None, revised=(), verified=(), feedback=()):
    return EntryFacts(eid, unit, form, first, withdrawn, list(revised), list(verified), list(feedback))


def test_kb_format_qa_beats_other_beats_none():
    facts = [
        _e(1, 10, Form.OTHER, date(2026, 2, 1)), _e(2, 10, Form.QA, date(2026, 5, 1)),  # qa
        _e(3, 20, Form.OTHER, date(2025, 6, 1)),  # other (published last year, still published)
        _e(4, 30, Form.QA, None),  # never published → none
        _e(5, 40, Form.QA, date(2025, 1, 1), withdrawn=date(2025, 12, 1)),  # withdrawn before the year
        _e(6, 50, Form.QA, date(2027, 1, 5)),  # published after the year
    ]
    fed = fed_values(facts, 2026, date(2026, 12, 1))
    assert {u: v["kb_format"].value for u, v in fed.items()} == {10: "qa", 20: "other", 30: "none", 40: "none",
                                                                 50: "none"}
    assert fed[10]["kb_format"].entry_ids == (2,)


def test_kb_updated_by_revision_or_verification_in_the_year():
    facts = [
        _e(1, 10, first=date(2025, 3, 1), revised=[date(2026, 4, 1)]),
        _e(2, 20, first=date(2025, 3, 1), verified=[date(2026, 7, 1)]),
        _e(3, 30, first=date(2025, 3, 1), revised=[date(2025, 8, 1)], verified=[date(2025, 9, 1)]),
        _e(4, 40, first=date(2026, 3, 1)),  # first publication is not an update
    ]
    fed = fed_values(facts, 2026, date(2026, 12, 1))
    assert {u: v["kb_updated"].value for u, v in fed.items()} == {10: True, 20: True, 30: False, 40: False}
    assert fed[20]["kb_updated"].text == "是"


def test_kb_late_updates_counts_late_closed_and_open_past_due_of_the_year():
    fb = [
        FeedbackFacts(date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 9)),  # on time
        FeedbackFacts(date(2026, 4, 1), date(2026, 4, 8), date(2026, 4, 20)),  # late
        FeedbackFacts(date(2026, 11, 20), date(2026, 11, 27), None),  # open, past due
        FeedbackFacts(date(2026, 11, 30), date(2026, 12, 7), None),  # open, not yet due
        FeedbackFacts(date(2025, 12, 1), date(2025, 12, 8), date(2026, 1, 20)),  # last year's
    ]
    fed = fed_values([_e(1, 10, first=date(2025, 1, 1), feedback=fb)], 2026, date(2026, 12, 1))
    assert fed[10]["kb_late_updates"].value == 2
    assert fed[10]["kb_late_updates"].entry_ids == (1,)
    assert fed_values([_e(1, 10, first=date(2025, 1, 1), feedback=fb)], 2026, date(2026, 12, 8))[10][
        "kb_late_updates"].value == 3


def test_highlight_spans_are_case_insensitive_and_all_found():
    assert kb.highlight_spans("APP下载app", "app") == [(0, 3), (5, 8)]
    assert kb.highlight_spans("低保低保", "低保") == [(0, 2), (2, 4)]
    assert kb.highlight_spans("abc", "") == []


def test_kb_import_names_formula_and_error_cells_instead_of_reading_them_as_empty(tmp_path):
    # a question formula without a computed value was 问题不能为空; an error value (#VALUE!) in
    # 生效日期 or a formula in 附件数量 was read as empty and the entry imported without them
    from xlsx_builder import cell, rows_xml, write_xlsx

    from hotline_desktop.core.kb_excel import parse_kb_workbook

    data = rows_xml([["单位编码", "类别", "问题", "答案", "生效日期", "附件数量"],
                     ["T01", "政策法规", "低保标准是多少？", "每人每月1000元", "2026-01-01", 1]])
    data += ('<row r="3">' + cell("A3", "T01") + cell("B3", "政策法规") + cell("C3", formula="CONCAT(B3)")
             + cell("D3", "答案二") + "</row>")
    data += ('<row r="4">' + cell("A4", "T01") + cell("B4", "政策法规") + cell("C4", "问题四") + cell("D4", "答案四")
             + cell("E4", error="#VALUE!") + cell("F4", formula="1+1") + "</row>")
    parsed = parse_kb_workbook(write_xlsx(tmp_path / "kb.xlsx", data))
    assert [str(p) for p in parsed.problems] == [
        "第 3 行 C（问题）列：公式没有计算结果（请在 Excel 中重新计算后保存，或改填数值）",
        "第 4 行 E（生效日期）列：单元格是错误值 #VALUE!",
        "第 4 行 F（附件数量）列：公式没有计算结果（请在 Excel 中重新计算后保存，或改填数值）",
    ]
    assert list(parsed.drafts) == [2]
