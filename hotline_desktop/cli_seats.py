"""`hotline-desktop roles setup|add|list` (server roles) and `hotline-desktop audit` (who did what).

Errors exit 2 with a Chinese message (cli_args.CliError / ServiceError); nothing is changed then.
"""

from __future__ import annotations

import json

from hotline_desktop.cli_args import CliError
from hotline_desktop.core.text import clip


def cmd_roles(args, open_services) -> int:
    from hotline_desktop.db import roles

    services = open_services(args)
    try:
        engine = services.store.engine
        if args.roles_action == "setup":
            for line in roles.setup(engine):
                print(line)
        elif args.roles_action == "add":
            print(roles.add_user(engine, args.user, args.role, args.password))
        else:
            rows = roles.members(engine)
            if not rows:
                print("还没有数据库账号加入 hotline_admin / hotline_clerk（先运行 roles setup，再 roles add）")
            for user, role in rows:
                print(f"{user}\t{role}")
        return 0
    finally:
        services.close()


def cmd_audit(args, open_services) -> int:
    from hotline_desktop.services.audit import AuditService

    if not 1 <= args.limit <= 100000:
        raise CliError(f"--limit 应为 1–100000 的整数，而不是 {args.limit}")
    services = open_services(args)
    try:
        rows = AuditService(services.store).recent(args.limit, table=args.table, operator=args.operator_filter)
        if args.json:
            print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
            return 0
        if not rows:
            print("修改记录为空")
        for r in rows:
            print("\t".join((r.at_text, r.operator or "（未记录）", r.what, r.action_label,
                             clip(r.field, 60), clip(r.old or "", 60), clip(r.new or "", 60))))
        return 0
    finally:
        services.close()


def add_seats_parsers(add, common) -> None:
    from hotline_desktop import cli

    sp = add("roles", lambda a: cmd_roles(a, cli._open), "服务器数据库的角色：管理员 / 录入员（PostgreSQL）")
    rsub = sp.add_subparsers(dest="roles_action", metavar="ACTION", required=True)
    rsub.add_parser("setup", help="创建 hotline_admin / hotline_clerk 角色组并按表授权（可重复运行）", parents=[common])
    c = rsub.add_parser("add", help="为一个席位建数据库账号并加入角色组，如 roles add zhangsan --role 录入员",
                        parents=[common])
    c.add_argument("user", metavar="USER")
    c.add_argument("--role", required=True, metavar="管理员|录入员")
    c.add_argument("--password", metavar="PASSWORD", help="登录口令（不给则沿用服务器的认证方式）")
    rsub.add_parser("list", help="列出各账号的角色", parents=[common])
    sp = add("audit", lambda a: cmd_audit(a, cli._open), "修改记录：谁在何时改了什么（旧值 → 新值）")
    sp.add_argument("--limit", type=int, default=50, metavar="N", help="最近 N 条（默认 50）")
    sp.add_argument("--table", metavar="TABLE", help="只看一类数据，如 units、monthly_values、notices")
    sp.add_argument("--by", dest="operator_filter", metavar="OPERATOR", help="只看某个操作员")
    sp.add_argument("--json", action="store_true")
