"""Domain vocabulary shared by every layer: unit kinds, plain unit rows, field validation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from hotline_desktop.core.text import TextProblem, clean_text, clip


class UnitKind(StrEnum):
    COMMUNITY = "community"
    DEPARTMENT = "department"
    TOWN = "town"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> UnitKind:
        """Accept the key (community), the full label (社区) or a short alias (科室, 街道)."""
        t = (text or "").strip()
        kind = _KIND_BY_TEXT.get(t)
        if kind is not None:
            return kind
        raise ValueError(f"单位类型无效：“{clip(t)}”，应为 社区、科室·职能部门 或 乡镇·街道")


KIND_LABELS: dict[UnitKind, str] = {
    UnitKind.COMMUNITY: "社区",
    UnitKind.DEPARTMENT: "科室·职能部门",
    UnitKind.TOWN: "乡镇·街道",
}

KIND_ALIASES: dict[str, UnitKind] = {
    "科室": UnitKind.DEPARTMENT,
    "职能部门": UnitKind.DEPARTMENT,
    "部门": UnitKind.DEPARTMENT,
    "科室/职能部门": UnitKind.DEPARTMENT,
    "乡镇": UnitKind.TOWN,
    "街道": UnitKind.TOWN,
    "乡镇/街道": UnitKind.TOWN,
    "城市社区管委会": UnitKind.TOWN,
}
_KIND_BY_TEXT: dict[str, UnitKind] = (
    {k.value: k for k in UnitKind} | {v: k for k, v in KIND_LABELS.items()} | KIND_ALIASES
)


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One handling unit (承办单位) as the layers above the store see it."""

    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None = None
    parent_code: str | None = None
    parent_name: str | None = None
    contact: str = ""
    phone: str = ""
    active: bool = True
    notes: str = ""
    version: int = 0  # the stored row's version when read (optimistic concurrency between seats)


@dataclass(slots=True)
class UnitDraft:
    """Fields the operator types for a new or edited unit (before validation)."""

    code: str = ""
    name: str = ""
    kind: UnitKind | str = UnitKind.COMMUNITY
    parent_code: str | None = None
    contact: str = ""
    phone: str = ""
    active: bool = True
    notes: str = ""


@dataclass(slots=True)
class FieldErrors:
    """Validation problems keyed by field name; messages are Chinese and name the field."""

    errors: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.errors)


FIELD_LABELS = {
    "code": "编码",
    "name": "名称",
    "kind": "类型",
    "parent_code": "上级单位",
    "contact": "联系人",
    "phone": "联系电话",
    "active": "启用",
    "notes": "备注",
}

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,31}$")
TEXT_LIMITS = {"name": 100, "contact": 50, "phone": 50, "notes": 2000}


def code_key(code: str) -> str:
    """What two codes are compared by: case does not matter (c0101 is C0101)."""
    return code.upper()
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^(?:\(?0\d{2,3}\)?[- ]?)?[1-9]\d{6,7}(?:-\d{1,6})?$")
SERVICE_RE = re.compile(r"^(?:12345|110|119|120|122|95\d{3,4}|400\d{7}|800\d{7})$")


_SPACES = re.compile(r"\s+")


def normalize_phone(text: str) -> str:
    t = (text or "").strip()
    if _SPACES.search(t):
        t = _SPACES.sub("", t)
    return t.replace("－", "-") if "－" in t else t


def phone_problem(text: str) -> str | None:
    """None if the phone is empty or plausible (mobile, landline with area code, hotline)."""
    p = normalize_phone(text)
    if not p or MOBILE_RE.match(p):
        return None
    for part in re.split(r"[,，;；/、]", p):
        if not (MOBILE_RE.match(part) or LANDLINE_RE.match(part) or SERVICE_RE.match(part)):
            return f"联系电话格式不正确：“{clip(part)}”（手机号 11 位，座机如 0531-88881234）"
    return None


def _clean_texts(draft: UnitDraft, errs: FieldErrors) -> dict[str, str]:
    """Every text field through the one sanitizer; a refused field is recorded and left empty."""
    texts: dict[str, str] = {}
    for name, multiline, is_code in (("code", False, True), ("parent_code", False, True), ("name", False, False),
                                     ("contact", False, False), ("phone", False, False), ("notes", True, False)):
        raw = getattr(draft, name) or ""
        try:
            texts[name] = clean_text(str(raw), multiline=multiline, code=is_code and bool(str(raw).strip()))
        except TextProblem as e:
            errs.add(name, e.reason if name == "code" else f"{FIELD_LABELS[name]}{e.reason}")
            texts[name] = ""
    return texts


def _check_code_and_name(code: str, name: str, errs: FieldErrors) -> None:
    if "code" not in errs.errors and not code:
        errs.add("code", "编码不能为空")
    elif "code" not in errs.errors and not CODE_RE.match(code):
        errs.add("code", f"编码“{clip(code)}”无效：只能用字母、数字、- 和 _，最长 32 位")
    if "name" not in errs.errors and not name:
        errs.add("name", "名称不能为空")


def validate_draft(draft: UnitDraft) -> tuple[UnitDraft, FieldErrors]:
    """Normalise a draft and check its own fields (uniqueness is checked by the service).

    Every text goes through the one sanitizer (`clean_text`): control characters are removed,
    a lone surrogate or a bidi override in a code is an error of that field.
    """
    errs = FieldErrors()
    texts = _clean_texts(draft, errs)
    code, name = texts["code"], texts["name"]
    _check_code_and_name(code, name, errs)
    for fld, limit in TEXT_LIMITS.items():
        if len(texts[fld]) > limit:
            errs.add(fld, f"{FIELD_LABELS[fld]}过长（最多 {limit} 字）")
    kind: UnitKind | str = draft.kind
    if not isinstance(kind, UnitKind):
        try:
            kind = UnitKind.parse(str(kind))
        except ValueError as e:
            errs.add("kind", str(e))
    phone = normalize_phone(texts["phone"])
    problem = None if "phone" in errs.errors else phone_problem(phone)
    if problem:
        errs.add("phone", problem)
    parent = texts["parent_code"] or None
    if parent is not None and "parent_code" not in errs.errors:
        if not CODE_RE.match(parent):
            errs.add("parent_code", f"上级单位编码“{clip(parent)}”无效：只能用字母、数字、- 和 _")
        elif code_key(parent) == code_key(code):
            errs.add("parent_code", "上级单位不能是本单位")
    clean = UnitDraft(
        code=code,
        name=name,
        kind=kind,
        parent_code=parent,
        contact=texts["contact"],
        phone=phone,
        active=bool(draft.active),
        notes=texts["notes"],
    )
    return clean, errs


# -- hierarchy of kinds ------------------------------------------------------------------------
# 社区 sit only under a 乡镇/街道; nothing sits under a 社区; departments and towns may stand alone
# or under another department/town.
ALLOWED_PARENT_KINDS: dict[UnitKind, frozenset[UnitKind]] = {
    UnitKind.COMMUNITY: frozenset({UnitKind.TOWN}),
    UnitKind.TOWN: frozenset({UnitKind.TOWN, UnitKind.DEPARTMENT}),
    UnitKind.DEPARTMENT: frozenset({UnitKind.TOWN, UnitKind.DEPARTMENT}),
}


def parent_kind_problem(kind: UnitKind, parent_kind: UnitKind, parent_name: str = "") -> str | None:
    """None if a unit of `kind` may sit under a unit of `parent_kind`; else a Chinese reason."""
    if parent_kind in ALLOWED_PARENT_KINDS[kind]:
        return None
    who = f"“{parent_name}”（{parent_kind.label}）" if parent_name else parent_kind.label
    if kind is UnitKind.COMMUNITY:
        return f"社区的上级单位只能是乡镇·街道，不能是{who}"
    return f"{kind.label}的上级单位不能是{who}（社区下不能再设下级单位）"


def creates_cycle(parent_of: Callable[[int], int | None], unit_id: int, new_parent_id: int | None) -> bool:
    """True if giving `unit_id` the parent `new_parent_id` makes a loop (incl. itself).
    ``parent_of(id)`` gives a unit's current parent id (walks only the ancestors)."""
    seen: set[int] = set()
    cur = new_parent_id
    while cur is not None and cur not in seen:
        if cur == unit_id:
            return True
        seen.add(cur)
        cur = parent_of(cur)
    return False


def active_children(units: Iterable[UnitRow], unit_id: int) -> list[UnitRow]:
    """Active units below `unit_id` (children, grandchildren, …), in tree order by code."""
    by_parent: dict[int, list[UnitRow]] = {}
    for u in units:
        if u.parent_id is not None:
            by_parent.setdefault(u.parent_id, []).append(u)
    out: list[UnitRow] = []
    seen = {unit_id}
    stack = sorted(by_parent.get(unit_id, ()), key=lambda u: u.code, reverse=True)
    while stack:
        u = stack.pop()
        if u.id in seen:
            continue
        seen.add(u.id)
        if u.active:
            out.append(u)
        stack.extend(sorted(by_parent.get(u.id, ()), key=lambda c: c.code, reverse=True))
    return out
