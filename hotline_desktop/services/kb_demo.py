"""The demo district's knowledge base: a few hundred entries in every status, with versions,
review rounds, 校核 and feedback (on time, late and still open), written in one transaction."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hotline_desktop.core import kb
from hotline_desktop.core.kb import CHECKS, SUPERSEDED, Category, Form, Status
from hotline_desktop.db.kb_repository import KbRepository, Snapshot

# (category, question, answer, basis name, 文号 pattern); {u} is the unit's short name
TOPICS: list[tuple[Category, str, str, str, str]] = [
    (Category.LIVELIHOOD, "城乡居民最低生活保障的申请条件是什么？",
     "户籍在本区、家庭人均月收入低于当地低保标准且家庭财产符合规定的居民，可向户籍所在地街道（镇）提出申请。"
     "申请时需提交户口簿、身份证、家庭收入和财产情况说明，经入户调查、民主评议和公示后审批。",
     "关于进一步规范城乡居民最低生活保障工作的通知", "历民发〔{y}〕{n}号"),
    (Category.LIVELIHOOD, "城市低保标准是每人每月多少元？",
     "自{y}年1月1日起，城市低保标准为每人每月{m}元，农村低保标准为每人每月{k}元。",
     "关于调整城乡居民最低生活保障标准的通知", "历政办字〔{y}〕{n}号"),
    (Category.LIVELIHOOD, "高龄津贴如何申领？",
     "年满80周岁的本区户籍老年人，可携带身份证、户口簿和本人银行卡到社区便民服务站申请，按月发放，80–89周岁每人每月100元。",
     "关于落实高龄老人津贴制度的实施意见", "历民字〔{y}〕{n}号"),
    (Category.LIVELIHOOD, "灵活就业人员如何参加职工养老保险？",
     "灵活就业人员可通过“爱山东”APP或到区社会保险服务大厅办理参保登记，缴费基数在全省上年度平均工资的60%–300%之间自主选择。",
     "关于灵活就业人员参加企业职工基本养老保险有关问题的通知", "鲁人社发〔{y}〕{n}号"),
    (Category.LIVELIHOOD, "新生儿如何办理医保参保？",
     "新生儿出生后可在出生医院或户籍所在地社区办理居民医保参保，出生当年参保缴费的，自出生之日起享受待遇。",
     "关于做好新生儿参加城乡居民基本医疗保险工作的通知", "历医保发〔{y}〕{n}号"),
    (Category.LIVELIHOOD, "冬季供暖期是哪天到哪天？室温不达标怎么办？",
     "本区供暖期为每年11月15日至次年3月15日，居民室温应不低于18℃。室温不达标的，可先联系供热企业客服，"
     "24小时内未处理的可拨打12345热线反映，由{u}督促整改。",
     "城市供热管理办法", "历政发〔{y}〕{n}号"),
    (Category.POLICY, "个体工商户如何办理营业执照？",
     "可登录山东省政务服务网“开办企业一窗通”平台在线申请，或到区政务服务中心综合窗口办理，材料齐全的当场办结，免收工本费。",
     "关于深化商事制度改革进一步优化营商环境的实施意见", "历政办发〔{y}〕{n}号"),
    (Category.POLICY, "小微企业有哪些税费减免政策？",
     "对月销售额10万元以下（含本数）的增值税小规模纳税人，免征增值税；小型微利企业年应纳税所得额不超过300万元的部分，"
     "减按25%计入应纳税所得额，按20%的税率缴纳企业所得税。",
     "关于进一步支持小微企业和个体工商户发展有关税费政策的公告", "财政部 税务总局公告{y}年第{n}号"),
    (Category.POLICY, "住房公积金可以提取用于支付房租吗？",
     "职工本人及配偶在本市无自有住房且租赁住房的，可按规定提取住房公积金支付房租，每年可提取一次，额度按当地标准执行。",
     "住房公积金提取管理办法", "济公积金发〔{y}〕{n}号"),
    (Category.POLICY, "义务教育阶段入学需要准备哪些材料？",
     "适龄儿童入学一般需提供户口簿、房产证明或租赁备案证明、监护人身份证等材料，具体以{u}当年发布的招生工作方案为准。",
     "义务教育阶段学校招生入学工作实施方案", "历教发〔{y}〕{n}号"),
    (Category.POLICY, "二手房交易需要缴纳哪些税费？",
     "二手房交易一般涉及契税、增值税及附加、个人所得税和印花税，满五年且为家庭唯一住房的可免征个人所得税，具体以税务部门核定为准。",
     "关于调整房地产交易环节契税个人所得税优惠政策的通知", "财税〔{y}〕{n}号"),
    (Category.DIVISION, "{u}的办公地址和咨询电话是什么？",
     "{u}办公地址为区政务服务中心{f}楼，工作时间为工作日上午9:00–12:00、下午13:30–17:00，咨询电话0531-8{p}。",
     "关于公布区级部门办公地址及咨询电话的通知", "历政办字〔{y}〕{n}号"),
    (Category.DIVISION, "某小区归哪个社区管理？",
     "小区所属社区以区民政部门公布的社区管辖范围为准，可拨打12345热线或登录区政府网站“社区查询”栏目查询。",
     "关于调整部分社区管辖范围的批复", "历政字〔{y}〕{n}号"),
    (Category.HOTSPOT, "小区电梯故障无人维修怎么办？",
     "电梯日常维护由使用单位（一般为物业服务企业）负责，发生故障应及时报修；物业不履行维保义务的，可向{u}反映，由其督促整改。",
     "电梯安全监督管理办法", "历市监发〔{y}〕{n}号"),
    (Category.HOTSPOT, "夜间施工噪音扰民如何处理？",
     "夜间22时至次日6时禁止产生环境噪声污染的建筑施工作业，因生产工艺要求必须连续作业的须取得证明并公告附近居民。"
     "发现违规夜间施工可拨打12345热线，由{u}依法查处。",
     "中华人民共和国噪声污染防治法", ""),
    (Category.HOTSPOT, "占道经营、流动摊贩如何投诉？",
     "对占用城市道路、广场从事经营的行为，可拨打12345热线反映，{u}将在2个工作日内到场处置并反馈。",
     "城市市容和环境卫生管理条例", "国务院令第{n}号"),
    (Category.HOTSPOT, "物业费上涨需要经过哪些程序？",
     "物业服务收费实行市场调节价的，调整前须征求业主意见，经专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决，"
     "并经参与表决的过半数业主同意。",
     "物业服务收费管理办法", "发改价格〔{y}〕{n}号"),
    (Category.NOTICE, "{y}年城乡居民医保集中缴费期是什么时候？",
     "{y}年度城乡居民基本医疗保险集中缴费期为上一年9月1日至12月31日，个人缴费标准为每人每年380元，可通过“爱山东”APP或银行网点缴纳。",
     "关于做好城乡居民基本医疗保险集中缴费工作的通知", "历医保字〔{y}〕{n}号"),
    (Category.NOTICE, "春节期间政务服务大厅如何安排？",
     "春节法定假日期间区政务服务大厅暂停对外服务，假期后第一个工作日恢复正常；急需办理的事项可通过网上办事大厅提交。",
     "关于春节期间政务服务工作安排的通知", "历审批字〔{y}〕{n}号"),
    (Category.NOTICE, "{u}关于开展安全生产大检查的通告",
     "为切实做好辖区安全生产工作，{u}自{y}年{mm}月起在辖区开展为期两个月的安全生产大检查，重点检查燃气使用、消防通道和电动车充电。",
     "关于开展安全生产大检查的通知", "历安委发〔{y}〕{n}号"),
]

# What a revision changes: (old, new) replacements tried on the answer.
REVISIONS = [("9:00", "8:30"), ("100元", "120元"), ("380元", "400元"), ("2个工作日", "1个工作日"),
             ("18℃", "20℃"), ("每年可提取一次", "每季度可提取一次"), ("60%", "50%"), ("免收工本费", "免费邮寄执照"),
             ("到社区便民服务站申请", "到街道便民服务中心或通过“爱山东”APP申请"),
             ("到区政务服务中心综合窗口办理", "到就近的街道便民服务中心办理"),
             ("经入户调查、民主评议和公示后审批", "经入户核查和公示后由街道审核确认"),
             ("可拨打12345热线反映", "可通过12345热线或“泉城办”APP反映")]


def _short(name: str) -> str:
    return name


def _content(rnd: random.Random, topic, unit_name: str, year: int) -> kb.Content:
    cat, q, a, bn, no = topic
    fill = dict(u=_short(unit_name), y=year, n=rnd.randint(1, 60), m=rnd.choice((960, 1000, 1050)),
                k=rnd.choice((720, 760, 800)), f=rnd.randint(2, 6), p=rnd.randint(1000000, 9999999),
                mm=rnd.randint(3, 10))
    return kb.Content(q.format(**fill), a.format(**fill), bn, no.format(**fill), rnd.choice((0, 0, 1, 2, 3)),
                      date(year, rnd.randint(1, 6), 1))


def _vfields(c: kb.Content) -> dict:
    return dict(question=c.question, answer=c.answer, basis_name=c.basis_name, basis_number=c.basis_number,
                basis_attachments=c.basis_attachments, effective_date=c.effective_date)


class _Ids:
    """The next free id of each table, handed out in order."""

    def __init__(self, **first: int):
        self._next = dict(first)

    def take(self, table: str) -> int:
        i = self._next[table]
        self._next[table] += 1
        return i


class _DemoEntry:
    """One demo entry's rows (entry, versions, review checks, events, feedback), built step by step
    in the order of its story: drafted, reviewed, published, fed back, revised, verified, withdrawn."""

    def __init__(self, rnd: random.Random, ids: _Ids, today: date, cal, fb_days: int):
        self.rnd, self.ids, self.today, self.cal, self.fb_days = rnd, ids, today, cal, fb_days
        self.versions: list[dict] = []
        self.checks: list[dict] = []
        self.events: list[dict] = []
        self.feedback: list[dict] = []
        self.entry: dict = {}

    def snapshot(self) -> Snapshot:
        return Snapshot(self.entry, tuple(self.versions), tuple(self.checks), tuple(self.events),
                        tuple(self.feedback))

    def review(self, version_id: int, day: date, fail: bool) -> None:
        """A review round of the four checks; a failed round fails one of them with a comment."""
        bad = self.rnd.randint(1, 4) if fail else 0
        rnd_no = 1 + sum(1 for c in self.checks if c["version_id"] == version_id) // len(CHECKS)
        for item in range(1, len(CHECKS) + 1):
            comment = ""
            if item == bad:
                comment = "“办理”误写为“半理”" if item == 1 else "答案与问题不对应，请补充办理地点和时限"
            self.checks.append(dict(id=self.ids.take("check"), version_id=version_id, round=rnd_no, item=item,
                                    passed=item != bad, comment=comment, reviewed_on=day))

    def event(self, kind: str, day: date, version_number: int | None, note: str = "") -> None:
        self.events.append(dict(id=self.ids.take("event"), kind=kind, day=day, version_number=version_number,
                                note=note))

    def build(self, u, year: int, start: date) -> Snapshot:
        rnd, today = self.rnd, self.today
        topic = rnd.choice(TOPICS)
        c1 = _content(rnd, topic, u.name, rnd.choice((year - 1, year)))
        form = Form.QA if rnd.random() < 0.8 else Form.OTHER
        roll = rnd.random()
        status = (Status.DRAFT if roll < 0.08 else Status.RETURNED if roll < 0.15 else
                  Status.APPROVED if roll < 0.21 else Status.WITHDRAWN if roll < 0.27 else Status.PUBLISHED)
        created = start + timedelta(days=rnd.randint(0, (today - start).days - 60))
        self.entry = dict(unit_id=u.id, category=topic[0].value, form=form.value, status=status.value,
                          published_version_id=None, working_version_id=None, first_published=None,
                          published_on=None, review_by=None, withdrawn_on=None, withdraw_reason="")
        v1 = dict(id=self.ids.take("version"), number=1, status=Status.DRAFT.value, published_on=None,
                  **_vfields(c1))
        self.versions.append(v1)
        self.entry["working_version_id"] = v1["id"]
        if status is Status.RETURNED:
            self.review(v1["id"], created + timedelta(days=3), True)
            v1["status"] = Status.RETURNED.value
        elif status is Status.APPROVED:
            self.review(v1["id"], created + timedelta(days=2), True)
            self.review(v1["id"], created + timedelta(days=6), False)
            v1["status"] = Status.APPROVED.value
        elif status is not Status.DRAFT:
            self._published_life(v1, created, status)
        return self.snapshot()

    def _published_life(self, v1: dict, created: date, status: Status) -> None:
        """Published (and for WITHDRAWN later withdrawn): feedback, revisions, 校核, a draft in progress."""
        rnd, today = self.rnd, self.today
        rday = created + timedelta(days=2)
        self.review(v1["id"], rday, False)
        pday = rday + timedelta(days=rnd.randint(1, 5))
        v1.update(status=Status.PUBLISHED.value, published_on=pday)
        self.event("publish", pday, 1)
        self.entry.update(published_version_id=v1["id"], first_published=pday, published_on=pday,
                          review_by=kb.default_review_by(pday))
        # feedback, then maybe a revision that closes it
        if rnd.random() < 0.22 and pday < today - timedelta(days=10):
            self._raise_feedback(pday)
        n_rev = rnd.choice((0, 0, 0, 1, 1, 2)) if status is Status.PUBLISHED else 0
        if self.feedback and rnd.random() < 0.7:
            n_rev = max(n_rev, 1)
        cur, last_day = self._revise(v1, pday, n_rev)
        if status is Status.PUBLISHED and rnd.random() < 0.25 and last_day < today - timedelta(days=30):
            vday = last_day + timedelta(days=rnd.randint(20, (today - last_day).days - 1))
            self.event("verify", vday, cur["number"])
            self.entry["review_by"] = kb.default_review_by(vday)
        if status is Status.PUBLISHED and rnd.random() < 0.15:
            self._working_draft(cur)
        if status is Status.WITHDRAWN:
            self._withdraw(cur, last_day)

    def _raise_feedback(self, last_day: date) -> None:
        rnd = self.rnd
        raised = last_day + timedelta(days=rnd.randint(5, max(6, (self.today - last_day).days - 3)))
        due = kb.feedback_due(self.cal, raised, self.fb_days)
        self.feedback.append(dict(id=self.ids.take("feedback"), problem_type=rnd.choice(kb.PROBLEM_TYPES[:5]),
                                  note="群众反映答案与现行政策不一致，请核实后更新", raised_on=raised,
                                  due_on=due, closed_on=None, closed_version=None))

    def _revise(self, cur: dict, last_day: date, n_rev: int) -> tuple[dict, date]:
        """Up to n_rev published revisions (each closing the feedback raised before it); the last
        version and its day."""
        rnd, feedback = self.rnd, self.feedback
        for _r in range(n_rev):
            old, new = rnd.choice(REVISIONS)
            fields = _vfields_content(cur)
            ans = fields["answer"]
            ans = ans.replace(old, new) if old in ans else ans + "（已按最新政策更新）"
            raised = feedback[-1]["raised_on"] if feedback and feedback[-1]["closed_on"] is None else None
            base = raised or last_day
            day = base + timedelta(days=rnd.randint(2, 12))
            if day >= self.today:
                break
            nv = dict(id=self.ids.take("version"), number=cur["number"] + 1, status=Status.PUBLISHED.value,
                      published_on=day,
                      **fields | {"answer": ans, "basis_number": _renumber(fields["basis_number"], rnd)})
            self.review(nv["id"], day - timedelta(days=1), False)
            cur["status"] = SUPERSEDED
            self.versions.append(nv)
            self.event("publish", day, nv["number"])
            for f in feedback:
                if f["closed_on"] is None and f["raised_on"] <= day:
                    f["closed_on"], f["closed_version"] = day, nv["number"]
            self.entry.update(published_version_id=nv["id"], working_version_id=nv["id"], published_on=day,
                              review_by=kb.default_review_by(day))
            cur, last_day = nv, day
        return cur, last_day

    def _working_draft(self, cur: dict) -> None:
        """A revision in progress: the published version stays visible."""
        fields = _vfields_content(cur)
        wv = dict(id=self.ids.take("version"), number=cur["number"] + 1, status=Status.DRAFT.value,
                  published_on=None, **fields | {"answer": fields["answer"] + "办理结果可在“爱山东”APP查询。"})
        self.versions.append(wv)
        self.entry["working_version_id"] = wv["id"]

    def _withdraw(self, cur: dict, last_day: date) -> None:
        wday = min(self.today - timedelta(days=1), last_day + timedelta(days=self.rnd.randint(30, 200)))
        cur["status"] = Status.WITHDRAWN.value
        self.event("withdraw", wday, None, "职能调整，该事项已划转其他部门")
        self.entry.update(withdrawn_on=wday, withdraw_reason="职能调整，该事项已划转其他部门")
        for f in self.feedback:
            if f["closed_on"] is None:
                f["closed_on"] = max(wday, f["raised_on"])


def fill_demo_kb(services, today: date | None = None, seed: int = 10) -> int:
    """Add the demo knowledge base over the demo units; returns the number of entries."""
    today = today or date.today()
    rnd = random.Random(seed)
    cal = services.calendar.calendar()
    fb_days = services.settings.kb_feedback_workdays
    units = [u for u in services.units.list(active_only=True)]
    per_kind = {"department": (4, 9), "town": (2, 5), "community": (0, 3)}
    year = today.year
    start = date(year - 1, 3, 1)
    with services.store.session() as s:
        repo = KbRepository(s)
        eid, vid, cid, fid, evid = repo.next_ids("kb_entries", "kb_versions", "kb_checks", "kb_feedback",
                                                 "kb_events")
        ids = _Ids(version=vid, check=cid, feedback=fid, event=evid)
        snaps: list[tuple[int, Snapshot]] = []
        for u in units:
            lo, hi = per_kind[u.kind.value]
            for _ in range(rnd.randint(lo, hi)):
                snaps.append((eid, _DemoEntry(rnd, ids, today, cal, fb_days).build(u, year, start)))
                eid += 1
        for i, snap in snaps:
            repo.restore(i, snap)
    entry_ids = [i for i, _ in snaps]
    services.kb.changed.emit(entry_ids, "demo")
    return len(entry_ids)


def _vfields_content(v: dict) -> dict:
    return {k: v[k] for k in ("question", "answer", "basis_name", "basis_number", "basis_attachments",
                              "effective_date")}


def _renumber(number: str, rnd: random.Random) -> str:
    """A revised document number: the same series, a later issue (〔2026〕12号 → 〔2026〕31号)."""
    import re

    m = re.search(r"(\d+)号$", number)
    return number[: m.start(1)] + str(int(m.group(1)) + rnd.randint(1, 30)) + "号" if m else number
