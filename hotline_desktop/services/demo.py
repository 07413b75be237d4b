"""A demo district so a newcomer sees every tab filled (`hotline-desktop demo`)."""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from hotline_desktop.core.domain import UnitDraft, UnitKind
from hotline_desktop.db.repositories import MetaRepository
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.errors import ServiceError

TOWNS = [
    "山大路街道", "洪家楼街道", "东风街道", "全福街道", "华山街道", "荷花路街道",
    "王舍人街道", "鲍山街道", "郭店街道", "唐冶街道", "港沟街道", "遥墙街道",
]
COMMUNITIES = [
    "燕山", "文苑", "花园", "七里河", "洪家楼", "祝甸", "东泉", "工业南路", "盛福", "历黄",
    "全福庄", "东方", "辛甸", "华山", "卧牛山", "荷花", "坝子", "张马屯", "王舍人", "冷水沟",
    "鲍山", "裴家营", "郭店", "相公庄", "唐冶", "西河", "港沟", "神武", "遥墙", "临港",
    "杨家", "北园", "南全福", "祥泰", "鑫苑", "开元", "金鸡岭", "水岸", "春风", "丁家",
    "甸柳", "转山", "龙泉", "凤凰", "莲花", "云锦", "荣盛", "清河", "泉城", "鸿园",
    "新东站", "雪山", "彩石", "虹桥", "将军", "锦屏", "华信", "绿地", "滨河", "齐鲁",
]
DEPARTMENTS = [
    "区发展和改革局", "区教育和体育局", "区科学技术局", "区工业和信息化局", "区公安分局",
    "区民政局", "区司法局", "区财政局", "区人力资源和社会保障局", "区自然资源局",
    "区生态环境分局", "区住房和城乡建设局", "区交通运输局", "区水务局", "区农业农村局",
    "区商务局", "区文化和旅游局", "区卫生健康局", "区退役军人事务局", "区应急管理局",
    "区审计局", "区市场监督管理局", "区城市管理局", "区行政审批服务局", "区医疗保障局",
    "区综合执法局", "区信访局", "区统计局", "区住房保障中心", "区供热管理中心",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏飞鑫波宁琳"
DEMO_FLAG = "demo_loaded"


@dataclass(frozen=True)
class DemoSummary:
    towns: int
    communities: int
    departments: int
    years: tuple[str, ...] = ()
    backup: Path | None = None  # where the replaced database was kept (demo --force)

    def __str__(self) -> str:
        s = f"示例区县已载入：乡镇·街道 {self.towns} 个，社区 {self.communities} 个，科室·职能部门 {self.departments} 个"
        if self.years:
            s += "；考核数据：" + "、".join(self.years)
        if self.backup:
            s += f"\n原有数据已备份到：{self.backup}"
        return s


def demo_units(seed: int = 12345) -> list[UnitDraft]:
    rnd = random.Random(seed)

    def person() -> str:
        return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))

    def mobile() -> str:
        return "1" + rnd.choice("3578") + "".join(rnd.choice("0123456789") for _ in range(9))

    out: list[UnitDraft] = []
    for i, name in enumerate(TOWNS, start=1):
        out.append(
            UnitDraft(
                code=f"T{i:02d}", name=name, kind=UnitKind.TOWN, contact=person(),
                phone=f"0531-8{rnd.randint(1000000, 9999999)}", notes="12345 便民服务站",
            )
        )
    per_town = len(COMMUNITIES) // len(TOWNS)
    for i, name in enumerate(COMMUNITIES):
        town = i // per_town + 1
        out.append(
            UnitDraft(
                code=f"C{town:02d}{i % per_town + 1:02d}", name=f"{name}社区", kind=UnitKind.COMMUNITY,
                parent_code=f"T{town:02d}", contact=person(), phone=mobile(),
            )
        )
    for i, name in enumerate(DEPARTMENTS, start=1):
        out.append(
            UnitDraft(
                code=f"D{i:02d}", name=name, kind=UnitKind.DEPARTMENT, contact=person(),
                phone=f"0531-8{rnd.randint(1000000, 9999999)}",
            )
        )
    # One unit that left the register, to show deactivation.
    out.append(
        UnitDraft(code="D99", name="区原城市管理行政执法局", kind=UnitKind.DEPARTMENT, active=False,
                  notes="2025 年机构改革后并入区综合执法局")
    )
    return out


BUILD_FOLDER = ".demo-build"


def create_demo(services, *, force: bool = False) -> DemoSummary:
    """Fill the database with the demo district. Refuses a non-empty one unless force.

    All or nothing: the demo is built in a separate database file (in a build folder inside the
    data folder) and swapped in with one rename, after the current database was backed up.
    Killed at any moment, the data folder holds either the old database or the whole demo.
    """
    if not services.is_empty() and not force:
        raise ServiceError("数据库中已有单位，未载入示例数据（如确需替换，请使用 --force）")
    paths = services.paths
    if paths.on_server:
        return _create_on_server(services)
    build = DataPaths(paths.root / BUILD_FOLDER)
    shutil.rmtree(build.root, ignore_errors=True)  # what a killed earlier run left behind
    try:
        summary = _build(build)
        if not services.is_empty():
            summary = replace(summary, backup=services.store.backup_manual())
        _adopt_evidence(build.evidence, paths.evidence)
        _swap_in(services, build.database)
    finally:
        shutil.rmtree(build.root, ignore_errors=True)
    return summary


def _create_on_server(services) -> DemoSummary:
    """On a server database the demo is written in place, and only into an empty database
    (a shared register is never replaced by the demo; there is no file to swap in)."""
    if not services.is_empty():
        raise ServiceError(f"服务器数据库中已有数据，不能替换为示例数据，未做任何改动。\n数据库：{services.store.location}")
    summary = _fill(services)
    services.invalidate()
    services.units.changed.emit([], "reset")
    return summary


def _build(build: DataPaths) -> DemoSummary:
    from hotline_desktop.services.app import AppServices

    demo = AppServices.open(build, lock=False, auto_backup=False)
    try:
        summary = _fill(demo)
    finally:
        demo.close()
    for side in ("-wal", "-shm"):
        if Path(f"{build.database}{side}").exists():
            raise ServiceError("示例数据库没有完整写入，未替换现有数据")
    return summary


def _fill(demo) -> DemoSummary:
    from hotline_desktop.services.demo_data import DEMO_YEARS, attach_demo_evidence, fill_demo_year

    drafts = demo_units()
    demo.units.create_many(drafts)
    years = []
    for year, scheme_id, months in DEMO_YEARS:
        fill_demo_year(demo.assessment, year, scheme_id, months)
        ys = demo.assessment.find(year, scheme_id)
        attach_demo_evidence(demo, ys.id, demo.assessment.participants(ys.id))
        years.append(f"{year} 年 {ys.title}")
    from hotline_desktop.services.kb_demo import fill_demo_kb  # 知识库
    from hotline_desktop.services.notice_demo import fill_demo_notices  # 督办通知

    fill_demo_kb(demo)
    fill_demo_notices(demo)
    with demo.store.session() as s:
        MetaRepository(s).set(DEMO_FLAG, "1")
    return DemoSummary(
        towns=sum(d.kind == UnitKind.TOWN for d in drafts),
        communities=sum(d.kind == UnitKind.COMMUNITY for d in drafts),
        departments=sum(d.kind == UnitKind.DEPARTMENT for d in drafts),
        years=tuple(years),
    )


def _adopt_evidence(src: Path, dest: Path) -> None:
    """Move the demo's evidence files into the data folder (stored by content hash: a file that
    is already there is the same file; one moved before a kill is harmless, nothing names it)."""
    if not src.is_dir():
        return
    for f in src.rglob("*"):
        if f.is_file():
            target = dest / f.relative_to(src)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(f, target)


def _swap_in(services, built: Path) -> None:
    store = services.store
    db = store.paths.database
    store.dispose_engine()  # the last connection closing checkpoints and removes -wal/-shm
    try:
        if Path(f"{db}-wal").exists() and Path(f"{db}-wal").stat().st_size:
            raise ServiceError(f"数据库正被其他程序使用，未替换为示例数据：{db}")
        for side in ("-wal", "-shm"):
            Path(f"{db}{side}").unlink(missing_ok=True)
        os.replace(built, db)
    finally:
        store.reopen_engine()
        services.invalidate()
        services.units.changed.emit([], "reset")
