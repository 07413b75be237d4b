"""Who a seat is: the operator recorded in every audit row, and the role the server gives it.

- operator: on PostgreSQL the session's database role (current_user), or `profile@role` when a
  named operator profile is used over one shared role; on SQLite the profile or the OS user.
- role: on PostgreSQL 管理员 / 录入员 from membership of hotline_admin / hotline_clerk (db.roles);
  a superuser or the database owner without either is 管理员. SQLite has no roles (None: all allowed).
"""

from __future__ import annotations

import getpass
import os
import re

from sqlalchemy import Engine, text

from hotline_desktop.core.roles import ADMIN, CLERK
from hotline_desktop.core.text import TextProblem, clean_text

MAX_OPERATOR = 32
GROUPS = {ADMIN: "hotline_admin", CLERK: "hotline_clerk"}


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for this uid (containers)
        return os.environ.get("USERNAME") or os.environ.get("USER") or f"uid{os.getuid()}"


def check_profile(name: str | None) -> str | None:
    """A named operator profile as stored: cleaned, None when empty; ValueError (Chinese) when bad."""
    if name is None:
        return None
    try:
        name = clean_text(str(name), code=False)
    except TextProblem as e:
        raise ValueError(f"操作员名称{e.reason}") from None
    if len(name) > MAX_OPERATOR:
        raise ValueError(f"操作员名称过长（{len(name)} 个字符，最多 {MAX_OPERATOR} 个）")
    return name or None


def is_server(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def resolve_operator(engine: Engine, profile: str | None = None) -> str:
    """The operator an audit row names for this seat."""
    profile = check_profile(profile if profile is not None else os.environ.get("HOTLINE_OPERATOR"))
    if not is_server(engine):
        return (profile or os_user())[:64]
    with engine.connect() as con:
        role = con.execute(text("SELECT current_user")).scalar_one()
    return (f"{profile}@{role}" if profile and profile != role else role)[:64]


def resolve_role(engine: Engine) -> str | None:
    """管理员 / 录入员 for a seat on PostgreSQL (read once at open); None on SQLite (no roles)."""
    if not is_server(engine):
        return None
    with engine.connect() as con:
        r = con.execute(text(
            "SELECT r.rolsuper, "
            "  EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'hotline_admin' "
            "          AND pg_has_role(current_user, g.oid, 'MEMBER')), "
            "  EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'hotline_clerk' "
            "          AND pg_has_role(current_user, g.oid, 'MEMBER')), "
            "  (SELECT d.datdba = r.oid FROM pg_database d WHERE d.datname = current_database()) "
            "FROM pg_roles r WHERE r.rolname = current_user")).first()
    if r is None:
        return CLERK
    superuser, admin, clerk, owner = r
    if superuser or admin or owner:
        return ADMIN
    return CLERK  # a member of hotline_clerk, or of neither (the server's GRANTs decide)


_DENIED_TABLE = re.compile(r"permission denied for (?:table|relation|sequence) (\w+)")


def permission_denied_table(exc: BaseException) -> str | None:
    """The table of a PostgreSQL permission-denied error (SQLSTATE 42501); None for other errors."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    m = _DENIED_TABLE.search(str(orig))
    return re.sub(r"_id_seq$", "", m.group(1)) if m else ""
