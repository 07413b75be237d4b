"""知识库 (knowledge base) rules: entries, versions, the four checks, the workflow, diffs,
feedback deadlines, the review-by list and the annual values the register feeds (Qt-free).

Sources: 历城区 知识库管理办法 附件2 第八条–第十三条; 赣县区 年度基础考核 知识库信息采集、更新.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from hotline_desktop.core.text import TextProblem, clean_text, clip


class KbError(ValueError):
    """A refused knowledge-base operation; the message is Chinese and names what and why."""


class Category(StrEnum):
    POLICY = "政策法规"
    DIVISION = "行政区划"
    LIVELIHOOD = "社会民生"
    HOTSPOT = "热点问题"
    NOTICE = "通知公告"


class Form(StrEnum):
    QA = "qa"  # 一问一答
    OTHER = "other"  # 其他 (a document-style entry)

    @property
    def label(self) -> str:
        return "一问一答" if self is Form.QA else "其他"


class Status(StrEnum):
    """The state of an entry's working version (第八条 采集 → 审核 → 发布)."""

    DRAFT = "draft"  # 采集
    RETURNED = "returned"  # 退回修改
    APPROVED = "approved"  # 审核通过, awaiting 发布
    PUBLISHED = "published"  # 已发布
    WITHDRAWN = "withdrawn"  # 已撤销

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.DRAFT: "采集",
    Status.RETURNED: "退回修改",
    Status.APPROVED: "审核通过",
    Status.PUBLISHED: "已发布",
    Status.WITHDRAWN: "已撤销",
}

# Version rows additionally use "superseded" for a published version replaced by a newer one.
SUPERSEDED = "superseded"


class Action(StrEnum):
    EDIT = "edit"
    REVIEW_PASS = "review_pass"
    REVIEW_FAIL = "review_fail"
    PUBLISH = "publish"
    REVISE = "revise"
    WITHDRAW = "withdraw"
    VERIFY = "verify"  # 校核: a recorded check, no change
    FEEDBACK = "feedback"


ACTION_LABELS = {
    Action.EDIT: "修改", Action.REVIEW_PASS: "审核通过", Action.REVIEW_FAIL: "退回修改", Action.PUBLISH: "发布",
    Action.REVISE: "修订", Action.WITHDRAW: "撤销", Action.VERIFY: "校核", Action.FEEDBACK: "反馈",
}

# The workflow as data: (state of the working version, whether a published version is visible)
# → action → next state of the working version. Anything not listed is refused.
# A revision of a published entry is a new working version while the published one stays visible.
TRANSITIONS: dict[tuple[Status, bool], dict[Action, Status]] = {
    (Status.DRAFT, False): {Action.EDIT: Status.DRAFT, Action.REVIEW_PASS: Status.APPROVED,
                            Action.REVIEW_FAIL: Status.RETURNED},
    (Status.RETURNED, False): {Action.EDIT: Status.DRAFT, Action.REVIEW_PASS: Status.APPROVED,
                               Action.REVIEW_FAIL: Status.RETURNED},
    (Status.APPROVED, False): {Action.EDIT: Status.DRAFT, Action.PUBLISH: Status.PUBLISHED},
    (Status.PUBLISHED, True): {Action.REVISE: Status.DRAFT, Action.WITHDRAW: Status.WITHDRAWN,
                               Action.VERIFY: Status.PUBLISHED, Action.FEEDBACK: Status.PUBLISHED},
    # A revision in progress: the published version stays visible and can still be withdrawn,
    # checked (校核) and flagged.
    (Status.DRAFT, True): {Action.EDIT: Status.DRAFT, Action.REVIEW_PASS: Status.APPROVED,
                           Action.REVIEW_FAIL: Status.RETURNED, Action.WITHDRAW: Status.WITHDRAWN,
                           Action.VERIFY: Status.DRAFT, Action.FEEDBACK: Status.DRAFT},
    (Status.RETURNED, True): {Action.EDIT: Status.DRAFT, Action.REVIEW_PASS: Status.APPROVED,
                              Action.REVIEW_FAIL: Status.RETURNED, Action.WITHDRAW: Status.WITHDRAWN,
                              Action.VERIFY: Status.RETURNED, Action.FEEDBACK: Status.RETURNED},
    (Status.APPROVED, True): {Action.EDIT: Status.DRAFT, Action.PUBLISH: Status.PUBLISHED,
                              Action.WITHDRAW: Status.WITHDRAWN, Action.VERIFY: Status.APPROVED,
                              Action.FEEDBACK: Status.APPROVED},
    (Status.WITHDRAWN, False): {},
}

REFUSALS = {
    Action.PUBLISH: "尚未通过审核（四项审核须全部通过后才能发布）",
    Action.REVISE: "只有已发布且没有在修订中的条目才能修订",
    Action.WITHDRAW: "只有已发布的条目才能撤销",
    Action.VERIFY: "只有已发布的条目才能校核",
    Action.FEEDBACK: "只有已发布的条目才能反馈问题",
    Action.EDIT: "已发布或已撤销的内容不能直接修改（已发布的请先修订）",
    Action.REVIEW_PASS: "只有采集或退回修改中的内容才能审核",
    Action.REVIEW_FAIL: "只有采集或退回修改中的内容才能审核",
}


# where the action's general reason would be wrong for the state (a published entry has passed
# its review; a withdrawn one is not waiting for one)
STATE_REFUSALS = {
    (Status.PUBLISHED, Action.PUBLISH): "该版本已经发布，无需再次发布（要改内容请先修订）",
    (Status.WITHDRAWN, Action.PUBLISH): "已撤销的条目不能再发布",
    (Status.WITHDRAWN, Action.REVIEW_PASS): "已撤销的条目不能再审核",
    (Status.WITHDRAWN, Action.REVIEW_FAIL): "已撤销的条目不能再审核",
    (Status.WITHDRAWN, Action.WITHDRAW): "该条目已经撤销",
}


def next_status(status: Status, has_published: bool, action: Action) -> Status:
    """The working version's state after `action`, or KbError naming why it is refused."""
    allowed = TRANSITIONS.get((status, has_published), {})
    if action not in allowed:
        why = STATE_REFUSALS.get((status, action), REFUSALS[action])
        raise KbError(f"当前状态为“{status.label}”，不能{ACTION_LABELS[action]}：{why}")
    return allowed[action]


def allowed_actions(status: Status, has_published: bool) -> set[Action]:
    return set(TRANSITIONS.get((status, has_published), {}))


# -- the four checks (第九条) ---------------------------------------------------------------------
CHECKS: tuple[str, ...] = (
    "错别字",
    "表述清晰、无歧义",
    "答案与问题一致",
    "解答准确、有政策依据（文件名称、文号、附件数量）",
)
PASS_TEXT = {"通过", "是", "pass", "ok", "1", "√", "y", "yes"}
FAIL_TEXT = {"不通过", "否", "fail", "0", "×", "n", "no"}


@dataclass(frozen=True)
class CheckResult:
    item: int  # 1..4
    passed: bool
    comment: str = ""

    @property
    def label(self) -> str:
        return CHECKS[self.item - 1]


def validate_review(results: Iterable[CheckResult]) -> list[CheckResult]:
    """All four checks, each once, in order; a failed check needs a comment."""
    by_item: dict[int, CheckResult] = {}
    for r in results:
        if not 1 <= r.item <= len(CHECKS):
            raise KbError(f"审核项“{r.item}”不存在，应为 1–{len(CHECKS)}")
        if r.item in by_item:
            raise KbError(f"审核项 {r.item}（{CHECKS[r.item - 1]}）填写了两次")
        try:
            comment = clean_text(r.comment or "")
        except TextProblem as e:
            raise KbError(f"审核项 {r.item} 的意见{e.reason}") from None
        if not r.passed and not comment:
            raise KbError(f"审核项 {r.item}（{CHECKS[r.item - 1]}）不通过时须填写理由")
        by_item[r.item] = CheckResult(r.item, r.passed, comment)
    missing = [str(i) for i in range(1, len(CHECKS) + 1) if i not in by_item]
    if missing:
        raise KbError("审核须逐项填写四项检查，缺少第 " + "、".join(missing) + " 项")
    return [by_item[i] for i in sorted(by_item)]


def review_outcome(results: list[CheckResult]) -> Action:
    return Action.REVIEW_PASS if all(r.passed for r in results) else Action.REVIEW_FAIL


def return_message(results: list[CheckResult]) -> str:
    """The message of a return: every failed check with its comment."""
    failed = [r for r in results if not r.passed]
    return "退回修改，未通过：" + "；".join(f"{r.item}. {r.label}（{r.comment}）" for r in failed)


def parse_check_arg(text: str) -> CheckResult:
    """`1=通过` or `2=不通过:理由` (CLI form)."""
    head, sep, rest = (text or "").partition("=")
    if not sep:
        raise KbError(f"审核项写法应为“序号=通过”或“序号=不通过:理由”：{clip(text)}")
    try:
        item = int(head.strip())
    except ValueError:
        raise KbError(f"审核项序号应为 1–4：{clip(head)}") from None
    verdict, _, comment = rest.replace("：", ":").partition(":")
    v = verdict.strip().lower()
    if v in PASS_TEXT:
        return CheckResult(item, True, comment.strip())
    if v in FAIL_TEXT:
        return CheckResult(item, False, comment.strip())
    raise KbError(f"审核项 {item} 的结论应为“通过”或“不通过”：{clip(verdict)}")


# -- content -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Content:
    """What one version says: the question, the answer and its policy basis."""

    question: str
    answer: str
    basis_name: str = ""  # 文件名称
    basis_number: str = ""  # 文号
    basis_attachments: int = 0  # 附件数量
    effective_date: date | None = None

    @property
    def basis(self) -> str:
        parts = [p for p in (self.basis_name, self.basis_number) if p]
        if self.basis_attachments:
            parts.append(f"附件{self.basis_attachments}件")
        return " ".join(parts)

    def as_text(self) -> str:
        """The version as one text for the diff view."""
        eff = self.effective_date.isoformat() if self.effective_date else ""
        return (f"问：{self.question}\n答：{self.answer}\n依据：{self.basis_name}\n文号：{self.basis_number}\n"
                f"附件：{self.basis_attachments}\n生效日期：{eff}")


MAX_QUESTION = 500
MAX_ANSWER = 20000


def validate_content(c: Content) -> tuple[Content, dict[str, str]]:
    """Cleaned content and field → Chinese problem."""
    errs: dict[str, str] = {}

    def clean(name: str, value: str, label: str, limit: int, multiline: bool) -> str:
        try:
            v = clean_text(value or "", multiline=multiline)
        except TextProblem as e:
            errs[name] = f"{label}{e.reason}"
            return ""
        if len(v) > limit:
            errs[name] = f"{label}过长（{len(v)} 字，最多 {limit} 字）"
        return v

    q = clean("question", c.question, "问题", MAX_QUESTION, False)
    a = clean("answer", c.answer, "答案", MAX_ANSWER, True)
    bn = clean("basis_name", c.basis_name, "依据文件名称", 300, False)
    no = clean("basis_number", c.basis_number, "文号", 100, False)
    if not q and "question" not in errs:
        errs["question"] = "问题不能为空"
    if not a and "answer" not in errs:
        errs["answer"] = "答案不能为空"
    n = c.basis_attachments
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 999:
        errs["basis_attachments"] = f"附件数量应为 0–999 的整数：{clip(n)}"
        n = 0
    return Content(q, a, bn, no, n, c.effective_date), errs


def parse_category(text: str) -> Category:
    t = (text or "").strip()
    for c in Category:
        if t in (c.value, c.name.lower()):
            return c
    raise KbError(f"类别“{clip(t)}”无效，应为 " + " / ".join(c.value for c in Category))


def parse_form(text: str) -> Form:
    t = (text or "").strip()
    if t in ("qa", "一问一答", ""):
        return Form.QA
    if t in ("other", "其他", "其他方式"):
        return Form.OTHER
    raise KbError(f"形式“{clip(t)}”无效，应为 一问一答 或 其他")


def parse_status(text: str) -> Status:
    t = (text or "").strip()
    for s in Status:
        if t in (s.value, s.label):
            return s
    raise KbError(f"状态“{clip(t)}”无效，应为 " + " / ".join(f"{s.label}（{s.value}）" for s in Status))


# -- diff ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiffSpan:
    kind: str  # "equal" / "insert" / "delete"
    text: str


#: SequenceMatcher compares every character of one text with each place the same character has
#: in the other: Σ over characters of (count in old × count in new), per matching block. Over this
#: (long, repetitive texts: 20,000 × 的 took ~50 s) the texts are compared sentence by sentence.
DIFF_BUDGET = 2_000_000
_SENTENCE = re.compile(r"[^\n。！？；!?;]*[\n。！？；!?;]?")


def char_diff(old: str, new: str) -> list[DiffSpan]:
    """Character-level diff (Chinese has no spaces): equal, deleted and inserted spans in order.
    Equal + deleted spans rebuild `old`, equal + inserted ones `new`. Bounded work: the common
    head and tail are cut first, long repetitive texts are compared sentence by sentence."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    out: list[DiffSpan] = []
    if head:
        out.append(DiffSpan("equal", old[:head]))
    _diff_middle(old[head:len(old) - tail], new[head:len(new) - tail], out, True)
    if tail:
        out.append(DiffSpan("equal", old[len(old) - tail:]))
    return _merged(out)


def _diff_cost(old: Sequence[str], new: Sequence[str]) -> int:
    if len(old) * len(new) <= DIFF_BUDGET:
        return len(old) * len(new)
    a, b = Counter(old), Counter(new)
    return sum(n * b[c] for c, n in a.items() if c in b)


def _diff_middle(old: str, new: str, out: list[DiffSpan], split: bool) -> None:
    if not old or not new:
        if old:
            out.append(DiffSpan("delete", old))
        if new:
            out.append(DiffSpan("insert", new))
        return
    if _diff_cost(old, new) <= DIFF_BUDGET:
        _char_blocks(old, new, out)
        return
    a, b = (_sentences(old), _sentences(new)) if split else ([old], [new])
    if (len(a) <= 1 and len(b) <= 1) or _diff_cost(a, b) > DIFF_BUDGET:  # no cheaper pieces: the whole as changed
        out.extend((DiffSpan("delete", old), DiffSpan("insert", new)))
        return
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        x, y = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            out.append(DiffSpan("equal", x))
        else:  # the changed sentences character by character (pieces of pieces are not split again)
            _diff_middle(x, y, out, False)


def _sentences(text: str) -> list[str]:
    return [m for m in _SENTENCE.findall(text) if m]


def _char_blocks(old: str, new: str, out: list[DiffSpan]) -> None:
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.append(DiffSpan("equal", old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            out.append(DiffSpan("delete", old[i1:i2]))
        if op in ("insert", "replace"):
            out.append(DiffSpan("insert", new[j1:j2]))


def _merged(spans: list[DiffSpan]) -> list[DiffSpan]:
    """Adjacent spans of one kind as one."""
    out: list[DiffSpan] = []
    for sp in spans:
        if out and out[-1].kind == sp.kind:
            out[-1] = DiffSpan(sp.kind, out[-1].text + sp.text)
        else:
            out.append(sp)
    return out


# -- feedback (第十三条) -------------------------------------------------------------------------
PROBLEM_TYPES: tuple[str, ...] = (
    "表述不清楚", "内容不完整", "答案前后矛盾", "新旧法规冲突", "引用失效或废止文件", "其他",
)
DEFAULT_FEEDBACK_WORKDAYS = 5


def parse_problem_type(text: str) -> str:
    t = (text or "").strip()
    if t in PROBLEM_TYPES:
        return t
    raise KbError(f"问题类型“{clip(t)}”无效，应为 " + " / ".join(PROBLEM_TYPES))


def feedback_due(calendar, raised: date, workdays: int) -> date:
    """Due `workdays` working days after the day the unit was told (that day not counted)."""
    return calendar.add_workdays(raised, workdays)


@dataclass(frozen=True)
class FeedbackFacts:
    raised_on: date
    due_on: date
    closed_on: date | None

    def is_late(self, today: date) -> bool:
        """Closed after its due date, or still open past it."""
        if self.closed_on is not None:
            return self.closed_on > self.due_on
        return today > self.due_on


# -- review-by (一年未校核) -----------------------------------------------------------------------
REVIEW_WINDOW_DAYS = 30


def default_review_by(from_day: date) -> date:
    """One year after publication or the last 校核."""
    try:
        return from_day.replace(year=from_day.year + 1)
    except ValueError:  # 29 February
        return from_day.replace(year=from_day.year + 1, day=28)


def review_due(review_by: date | None, today: date) -> bool:
    """Listed when the review-by date has passed or falls within 30 days."""
    return review_by is not None and review_by <= today + timedelta(days=REVIEW_WINDOW_DAYS)


# -- fed annual values (ganxian-2023-hotline) --------------------------------------------------
FED_SCHEME = "ganxian-2023-hotline"
FED_KEYS = ("kb_format", "kb_updated", "kb_late_updates")


@dataclass
class EntryFacts:
    """What the fed values need to know about one entry."""

    entry_id: int
    unit_id: int
    form: Form
    first_published: date | None  # the first 发布
    withdrawn_on: date | None = None
    revised_published: list[date] = field(default_factory=list)  # 发布 dates of versions ≥ 2
    verified: list[date] = field(default_factory=list)  # 校核 dates
    feedback: list[FeedbackFacts] = field(default_factory=list)

    def published_in(self, year: int) -> bool:
        """Published at some time during the year (first published by its end, not withdrawn before it)."""
        if self.first_published is None or self.first_published.year > year:
            return False
        return self.withdrawn_on is None or self.withdrawn_on.year >= year


@dataclass(frozen=True)
class FedValue:
    value: object  # str for kb_format, bool for kb_updated, int for kb_late_updates
    entry_ids: tuple[int, ...]  # the entries behind it

    @property
    def text(self) -> str:
        if isinstance(self.value, bool):
            return "是" if self.value else "否"
        return str(self.value)


def fed_values(entries: Iterable[EntryFacts], year: int, today: date) -> dict[int, dict[str, FedValue]]:
    """unit id → kb_format / kb_updated / kb_late_updates, for the units that have entries.

    - kb_format: "qa" when the unit has an 一问一答 entry published in the year, else "other"
      when it has another entry published in the year, else "none";
    - kb_updated: at least one of its published entries was revised (a later version published)
      or re-checked (校核) in the year;
    - kb_late_updates: feedback items raised in the year closed after their due date, or still
      open past it on `today`.
    """
    by_unit: dict[int, list[EntryFacts]] = {}
    for e in entries:
        by_unit.setdefault(e.unit_id, []).append(e)
    out: dict[int, dict[str, FedValue]] = {}
    for unit_id, es in by_unit.items():
        pub = [e for e in es if e.published_in(year)]
        qa = [e.entry_id for e in pub if e.form is Form.QA]
        other = [e.entry_id for e in pub if e.form is not Form.QA]
        fmt = FedValue("qa", tuple(qa)) if qa else FedValue("other", tuple(other)) if other else FedValue("none", ())
        upd = tuple(
            e.entry_id for e in pub
            if any(d.year == year for d in e.revised_published) or any(d.year == year for d in e.verified)
        )
        late_ids, late = [], 0
        for e in es:
            n = sum(1 for f in e.feedback if f.raised_on.year == year and f.is_late(today))
            if n:
                late += n
                late_ids.append(e.entry_id)
        out[unit_id] = {
            "kb_format": fmt,
            "kb_updated": FedValue(bool(upd), upd),
            "kb_late_updates": FedValue(late, tuple(late_ids)),
        }
    return out


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """(start, end) of every case-insensitive occurrence of `query` in `text`."""
    q = (query or "").strip().casefold()
    if not q or not text:
        return []
    hay = text.casefold()
    if len(hay) != len(text):  # casefold changed lengths (ß …): fall back to exact matching
        hay, q = text, (query or "").strip()
    spans, i = [], hay.find(q)
    while i >= 0:
        spans.append((i, i + len(q)))
        i = hay.find(q, i + len(q))
    return spans
