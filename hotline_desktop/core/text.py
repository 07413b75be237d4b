"""Text that enters the store or a message: one sanitizer (`clean_text`), one clip (`clip`).

Every text field that reaches the store goes through `clean_text`, so exports can never meet
a control character they cannot write; every value echoed in a message goes through `clip`.
"""

from __future__ import annotations

import re

CLIP = 50

# C0 controls and DEL; tab/newline/CR are handled per field.
_C0_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_C0 = re.compile(f"[{_C0_CHARS}]")
_LINEBREAKS = re.compile(r"[\t\r\n]")
# Excel's escape of control characters in shared strings (_x0001_ …), as openpyxl leaves it.
_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_BIDI_RE = re.compile("[" + "".join(sorted(_BIDI)) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile(f"[{_C0_CHARS}\\x80-\\x9f]")  # C0 and C1 controls but tab, LF, CR


#: What makes Excel read a cell (or a .csv field) as a formula.
FORMULA_LEADS = ("=", "+", "-", "@")
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def file_name_part(text: str, limit: int = 80) -> str:
    """`text` as part of a suggested file name: a character Windows refuses in a name (\\ / : * ? " < > |)
    or a control becomes '_' (a unit named 区委宣传部/网信办 must not name a folder); at most `limit` characters."""
    return _NOT_IN_FILE_NAMES.sub("_", text or "")[:limit].strip(" .")


class TextProblem(ValueError):
    """A text that cannot be stored; `reason` is Chinese and names no library."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def clip(value: object, limit: int = CLIP) -> str:
    """`value` as text for a message: at most `limit` characters, controls (C0 but tab, DEL, C1) shown as '?'."""
    if isinstance(value, int) and value.bit_length() > 200:
        return "（超长数字）"
    head = (value if isinstance(value, str) else str(value))[: limit + 1]
    head = "".join("?" if (ch < " " and ch != "\t") or "\x7f" <= ch <= "\x9f" or 0xD800 <= ord(ch) <= 0xDFFF else ch
                   for ch in head)
    return head if len(head) <= limit else head[:limit] + "…"


#: White space to trim from a typed or pasted value: str.strip()'s, but the control characters
#: among them (\x0b, \x0c, \x1c–\x1f, \x85), which `control_problem` refuses instead.
BLANKS = "\t\n\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def strip_blanks(text: str) -> str:
    """`text` without surrounding white space; a control character stays, to be refused."""
    return text.strip(BLANKS)


def control_problem(text: str) -> str | None:
    """Why a figure's text is refused when it holds a control character (tab and line breaks
    aside): removed, as `clean_text` removes them from names and notes, it would read as another
    value (``9\x0b8`` as 98) or as an empty cell. None when it holds none."""
    bad = None if text.isprintable() else _CONTROLS.search(text)  # (the common case without a scan)
    return None if bad is None else f"含有不可见的控制字符（U+{ord(bad.group()):04X}）"


def _unescape_x(text: str) -> str:
    return _XESC.sub(lambda m: chr(int(m.group(1), 16)), text)


def clean_text(value: str, *, multiline: bool = False, code: bool = False) -> str:
    """The text to store, or TextProblem.

    - lone surrogates are refused (they cannot be written to a file);
    - C0 control characters are removed; tab and line breaks become a space unless `multiline`;
    - Excel's `_x000D_`-style escapes are decoded first, so an escaped control is treated as one;
    - in a code (`code=True`) bidi overrides and any whitespace are refused;
    - surrounding white space is trimmed.
    """
    if value.isprintable() and "_x" not in value:  # the common case: nothing to remove
        value = value.strip()
        if code and any(ch.isspace() for ch in value):
            raise TextProblem("编码中不能含有空白字符")
        return value
    if _SURROGATE.search(value):
        raise TextProblem("含有无法保存的字符（孤立代理项）")
    if "_x" in value:
        value = _unescape_x(value)
    value = _C0.sub("", value)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    else:
        value = _LINEBREAKS.sub(" ", value)
    if code:
        if any(ch in _BIDI for ch in value):
            raise TextProblem("编码中含有文字方向控制字符")
        value = value.strip()
        if any(ch.isspace() for ch in value):
            raise TextProblem("编码中不能含有空白字符")
        return value
    # Strip bidi controls from ordinary text; they only ever disguise what is shown.
    return _BIDI_RE.sub("", value).strip()
