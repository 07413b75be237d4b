"""The demo district's 督办通知: about 40 notices over its years, in every status (as of 2026-12-01)."""

from __future__ import annotations

from datetime import date

from hotline_desktop.core.notices import Channel, Level
from hotline_desktop.services.notices import NoticeDraft

H, NET = Channel.HOTLINE, Channel.ONLINE
S, P, W, B, L, X = Level.SMS, Level.PHONE, Level.WECHAT, Level.WRITTEN, Level.LEADER, Level.ONSITE

TOPICS = [
    "小区内夜间施工噪音扰民，市民多次反映未得到有效解决",
    "老旧小区雨污管道堵塞，污水外溢影响居民出行",
    "道路两侧流动摊贩占道经营，影响交通秩序",
    "小区供暖温度不达标，居民室温低于 18 摄氏度",
    "路灯长期不亮，夜间出行存在安全隐患",
    "垃圾清运不及时，垃圾桶周边异味严重",
    "新建楼盘未按期交房，购房者反映开发商拒不答复",
    "学校周边交通拥堵，上下学时段无人疏导",
    "公共绿地被私自圈占种菜，破坏绿化",
    "电动自行车在楼道内充电，存在消防隐患",
    "农民工工资被拖欠，多次讨要无果",
    "医保报销政策咨询答复不一致，群众多次来电",
]

# (unit, channel, level, issued, days, calendar_days, completed | None, extra)
# extra: "" | "void" | "extend:N" | "ask" (an extension request awaiting a decision)
NOTICES: list[tuple] = [
    # 2025 (历城区细则): completed on time or late, one voided, two left overdue
    ("C0101", H, S, date(2025, 1, 8), 5, False, date(2025, 1, 14), ""),
    ("C0203", H, P, date(2025, 2, 10), 5, False, date(2025, 2, 20), ""),
    ("D12", H, B, date(2025, 3, 3), 10, False, date(2025, 3, 12), ""),
    ("T02", H, W, date(2025, 3, 20), 5, False, date(2025, 4, 2), ""),
    ("C0405", H, L, date(2025, 4, 27), 5, False, date(2025, 5, 9), ""),
    ("D23", H, X, date(2025, 5, 12), 3, False, date(2025, 5, 14), ""),
    ("C0502", H, S, date(2025, 6, 3), 5, False, None, "void"),
    ("C0704", H, B, date(2025, 6, 16), 7, True, date(2025, 6, 22), ""),
    ("D05", H, P, date(2025, 7, 7), 5, False, date(2025, 7, 18), ""),
    ("C0901", H, W, date(2025, 8, 11), 5, False, date(2025, 8, 15), ""),
    ("D18", H, B, date(2025, 9, 26), 5, False, date(2025, 10, 9), "extend:3"),
    ("C1102", H, S, date(2025, 10, 20), 5, False, None, ""),
    ("T09", H, L, date(2025, 11, 10), 10, False, date(2025, 11, 21), ""),
    ("D27", H, P, date(2025, 12, 15), 5, False, None, ""),
    # 2026 (赣县区 热线 / 网络问政): every status, extensions, a voided one
    ("C0102", H, S, date(2026, 1, 12), 5, False, date(2026, 1, 16), ""),
    ("C0301", H, B, date(2026, 2, 11), 5, False, date(2026, 2, 26), ""),
    ("D02", H, P, date(2026, 3, 2), 5, False, date(2026, 3, 6), ""),
    ("D02", NET, W, date(2026, 3, 9), 3, False, date(2026, 3, 11), ""),
    ("T03", H, X, date(2026, 3, 23), 5, False, date(2026, 3, 27), ""),
    ("C0604", NET, S, date(2026, 4, 7), 5, False, date(2026, 4, 20), ""),
    ("D14", H, L, date(2026, 4, 28), 5, False, date(2026, 5, 8), "extend:5"),
    ("C0803", H, W, date(2026, 5, 18), 5, False, date(2026, 5, 22), ""),
    ("D21", NET, B, date(2026, 6, 2), 10, False, date(2026, 6, 12), ""),
    ("C1001", H, S, date(2026, 6, 22), 5, False, None, "void"),
    ("T05", H, P, date(2026, 7, 6), 5, False, date(2026, 7, 17), ""),
    ("C0205", NET, P, date(2026, 7, 20), 5, False, date(2026, 7, 24), ""),
    ("D09", H, B, date(2026, 8, 10), 5, False, date(2026, 8, 14), ""),
    ("C1203", H, S, date(2026, 9, 7), 5, False, date(2026, 9, 21), ""),
    ("D30", NET, L, date(2026, 9, 24), 5, False, date(2026, 10, 9), ""),
    ("C0402", H, W, date(2026, 10, 12), 5, False, None, ""),
    ("T11", H, B, date(2026, 10, 19), 5, False, None, "extend:3"),
    ("D16", NET, S, date(2026, 10, 26), 5, False, None, ""),
    ("C0505", H, X, date(2026, 11, 2), 5, False, date(2026, 11, 9), ""),
    ("D07", H, P, date(2026, 11, 9), 5, False, None, ""),
    ("C0701", H, S, date(2026, 11, 16), 7, True, None, ""),
    ("D25", H, L, date(2026, 11, 23), 10, False, None, "ask"),
    ("C0302", H, P, date(2026, 11, 23), 5, False, None, ""),  # due 11-30: 催办通知 as of 12-01
    ("C0903", NET, W, date(2026, 11, 26), 5, False, None, ""),
    ("T01", H, B, date(2026, 11, 27), 3, False, None, ""),
    ("C1105", H, S, date(2026, 11, 30), 10, False, None, ""),
    ("D11", NET, P, date(2026, 11, 30), 15, False, None, ""),
]

RESULTS = [
    "已现场核实，责成相关单位限期整改，已向市民反馈，市民表示满意。",
    "已协调物业与施工方，问题已解决，回访群众满意。",
    "已完成维修并恢复正常，后续纳入日常巡查。",
]


def fill_demo_notices(services) -> int:
    """Issue the demo notices through the service (numbers, due dates, audit as in real use)."""
    ids = {u.code: u.id for u in services.units.list()}
    ns = services.notices
    count = 0
    for i, (code, channel, level, issued, days, cal_days, completed, extra) in enumerate(NOTICES):
        if code not in ids:
            continue
        topic = TOPICS[i % len(TOPICS)]
        content = (f"市民来电反映：{topic}。请你单位高度重视，立即组织核查处理，"
                   f"于督办时限内将办理结果书面报送区政府热线办。")
        orders = tuple(f"{issued:%Y%m%d}{(i * 37) % 1000:04d}{k}" for k in range(1 + i % 3))
        row = ns.issue(NoticeDraft(ids[code], channel, level, issued, days, cal_days, content, orders))
        count += 1
        if extra.startswith("extend:"):
            row = ns.extend(row.id, days=int(extra.split(":")[1]), asked=row.due, reason="涉及多部门协调，申请延期")
        elif extra == "ask":
            ns.request_extension(row.id, issued, days=5, reason="需等待第三方检测结果")
        if extra == "void":
            ns.void(row.id, "与同一事项的督办通知重复下达")
        elif completed is not None:
            ns.complete(row.id, completed, RESULTS[i % len(RESULTS)])
    return count
