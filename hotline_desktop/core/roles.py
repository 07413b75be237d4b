"""Who may change what on a shared server database: the one definition of the two roles.

管理员: units, schemes per year, settings, the working-day calendar.
录入员: figures (monthly / annual values, 工单明细), evidence, notices, knowledge-base entries.
The server enforces it (db/roles.py GRANTs); the GUI disables what a seat's role cannot do.
A single-seat SQLite database has no roles (None): everything is allowed.
"""

from __future__ import annotations

ADMIN, CLERK = "管理员", "录入员"
AREAS = {
    "units": ADMIN, "schemes": ADMIN, "settings": ADMIN, "calendar": ADMIN,
    "figures": CLERK, "evidence": CLERK, "notices": CLERK, "kb": CLERK,
}
AREA_LABELS = {
    "units": "承办单位", "schemes": "考核方案", "settings": "设置", "calendar": "工作日历",
    "figures": "考核数据", "evidence": "证明材料", "notices": "督办通知", "kb": "知识库",
}


def may_edit(role: str | None, area: str) -> bool:
    return role is None or AREAS[area] == role


def refusal(role: str | None, area: str) -> str:
    """你的角色（录入员）不能修改承办单位 (empty when allowed)."""
    if may_edit(role, area):
        return ""
    return f"你的角色（{role}）不能修改{AREA_LABELS[area]}"
