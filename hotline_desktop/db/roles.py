"""Roles a PostgreSQL server enforces (not only hidden buttons): 管理员 and 录入员.

- hotline_admin (管理员): units, schemes per year, settings, the working-day calendar;
- hotline_clerk (录入员): figures (monthly/annual values, 工单明细), evidence, notices, KB entries.
Both read everything and write the audit log. A login role joins one group (or both) with
`add_user`; `setup` creates the groups and their GRANTs and is idempotent (run it again after an
upgrade that added tables). Run both as the database owner or a superuser.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from hotline_desktop.core.errors import ServiceError
from hotline_desktop.db.seats import ADMIN, CLERK, GROUPS

ADMIN_TABLES = ("units", "year_schemes", "app_meta", "calendar_days")
CLERK_TABLES = (
    "monthly_values", "annual_values", "evidence_files", "evidence_blobs",
    "notices", "notice_extensions", "notice_counters",
    "kb_entries", "kb_versions", "kb_checks", "kb_events", "kb_feedback",
    "order_imports", "work_orders", "order_figures", "order_months", "order_profiles", "unit_aliases",
)
SHARED_INSERT = ("audit_log",)  # every seat records what it did
ROLE_NAMES = {ADMIN: "管理员", CLERK: "录入员", "admin": ADMIN, "clerk": CLERK, "管理员": ADMIN, "录入员": CLERK}
_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _require_server(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise ServiceError("角色只用于 PostgreSQL 服务器数据库；单机（SQLite）数据库不需要设置角色")


def role_of(name: str) -> str:
    """管理员 / 录入员 from a name typed on the command line (also admin / clerk)."""
    role = ROLE_NAMES.get(str(name).strip().lower()) if name else None
    if role is None:
        raise ServiceError(f"角色应为“管理员”或“录入员”，而不是“{str(name)[:20]}”")
    return role


def check_user(name: str) -> str:
    if not _IDENT.fullmatch(name or ""):
        raise ServiceError(f"数据库账号名“{str(name)[:40]}”无效：只能用小写字母、数字和下划线，且不能以数字开头")
    return name


def setup(engine: Engine) -> list[str]:
    """Create hotline_admin / hotline_clerk (if missing) and grant them their tables; idempotent.
    Returns what it did, in Chinese, one line each."""
    _require_server(engine)
    done = []
    with engine.begin() as con:
        existing = set(con.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
        for role, group in GROUPS.items():
            made = con.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": group}).first() is None
            if made:
                con.execute(text(f'CREATE ROLE "{group}" NOLOGIN'))
            done.append(f"{'已创建' if made else '已有'}角色组 {group}（{role}）")
        groups = ", ".join(f'"{g}"' for g in GROUPS.values())
        con.execute(text(f"GRANT USAGE ON SCHEMA public TO {groups}"))
        con.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {groups}"))
        con.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}"))
        con.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {groups}"))
        for table in SHARED_INSERT:
            if table in existing:
                con.execute(text(f'GRANT INSERT ON "{table}" TO {groups}'))
        for role, tables in ((ADMIN, ADMIN_TABLES), (CLERK, CLERK_TABLES)):
            group = GROUPS[role]
            present = [t for t in tables if t in existing]
            for t in present:
                con.execute(text(f'GRANT INSERT, UPDATE, DELETE ON "{t}" TO "{group}"'))
            other = GROUPS[CLERK if role == ADMIN else ADMIN]
            for t in present:  # what an earlier, wider setup may have given the other group
                con.execute(text(f'REVOKE INSERT, UPDATE, DELETE ON "{t}" FROM "{other}"'))
            done.append(f"{role}可修改：{'、'.join(present)}")
    return done


def add_user(engine: Engine, user: str, role: str, password: str | None = None) -> str:
    """A login role for one seat, member of the group of `role` (管理员 / 录入员); idempotent."""
    _require_server(engine)
    user, role = check_user(user), role_of(role)
    group = GROUPS[role]
    with engine.begin() as con:
        if con.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": group}).first() is None:
            raise ServiceError("请先运行 hotline-desktop roles setup 创建角色组")
        exists = con.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": user}).first() is not None
        if not exists:
            con.execute(text(f'CREATE ROLE "{user}" LOGIN'))
        if password:
            quoted = con.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
            con.execute(text(f'ALTER ROLE "{user}" PASSWORD {quoted}'))
        con.execute(text(f'GRANT "{group}" TO "{user}"'))
    return f"{'已创建' if not exists else '已有'}数据库账号 {user}，角色：{role}"


def members(engine: Engine) -> list[tuple[str, str]]:
    """(login role, 管理员/录入员) for every member of the two groups, by name."""
    _require_server(engine)
    with engine.connect() as con:
        rows = con.execute(text(
            "SELECT m.rolname, g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname IN ('hotline_admin', 'hotline_clerk') "
            "ORDER BY m.rolname, g.rolname")).all()
    by_group = {g: r for r, g in GROUPS.items()}
    return [(m, by_group[g]) for m, g in rows]
