"""The demo's year of service requests: every kind and state, real descriptions, timelines the rules accept.

Each request gets a whole plausible life (contact, judgement, dispatch, result,
feedback, 回访, closing) timed against the seed's limits, mostly on time and
sometimes late; whatever would lie after "now" is cut off, so the last days' requests
are naturally still open. A few lives are stopped on purpose (overdue, waiting for
their 回访, reopened after an unhappy visit). Every timeline is replayed through the
lifecycle rules before it is stored.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from butler_desk.domain.enums import PartyRole, UnitStatus
from butler_desk.domain.errors import BadInput
from butler_desk.domain.requests import (
    FaultKind,
    RequestKind,
    RequestSource,
    Satisfaction,
    Severity,
    Step,
    StepKind,
    replay,
    request_number,
)
from butler_desk.domain.workdays import CHINA_TZ
from butler_desk.services.demo import names as demo_names
from butler_desk.services.context import AppContext
from butler_desk.services.requests.records import (
    mark_deadline_basis,
    next_due,
    progress_columns,
    request_deadlines,
    request_rules,
    step_columns,
)
from butler_desk.storage import repositories as repo
from butler_desk.storage import repositories_requests as rq
from butler_desk.storage.models_requests import NumberCounter, Request, RequestStep
from butler_desk.storage.types import utcnow

OPERATOR = "演示数据"
REQUESTS_PER_UNIT_YEAR = 1.5
_K, _F = StepKind, FaultKind
UTILITY_FAULTS = frozenset({_F.LIFT, _F.POWER, _F.WATER})
# Requests left stalled or waiting for their 回访 are recent ones: older ones were followed up.
STALLED_WITHIN_DAYS, AWAITING_VISIT_WITHIN_DAYS = 60, 21
FATES = ("normal", "reopen", "stalled", "awaiting_visit", "reopened_open")
FATE_WEIGHTS = (89, 2, 5, 3.5, 0.5)
KIND_WEIGHTS = {RequestKind.REPAIR: 48, RequestKind.ENQUIRY: 22, RequestKind.COMPLAINT: 14,
                RequestKind.SPECIAL_SERVICE: 9, RequestKind.RECTIFICATION: 7}
SOURCE_WEIGHTS = {RequestSource.PHONE: 50, RequestSource.WECHAT: 22, RequestSource.VISIT: 20,
                  RequestSource.OTHER: 8}
# Who the departments send (DEFAULT_DEPARTMENTS); 客服中心 sends the butlers themselves.
WORKERS = {
    "工程维修部": ("张师傅", "刘师傅", "陈师傅", "黄师傅"), "安防部": ("孙队长", "周班长"),
    "保洁": ("吴班长", "何阿姨"), "绿化": ("郑师傅",), "财务": ("钱会计",), "客服中心": ("李晓红", "王建国"),
}


@dataclass(frozen=True)
class Topic:
    """One kind of thing residents report, with how it is handled; ``area`` marks a public-area topic."""

    kind: RequestKind
    text: str
    department: str
    result: str
    area: str = ""  # "{b}栋大堂"-style template; "" for a home
    fault: FaultKind | None = None
    urgent: bool = False
    invalid: str = ""  # why a complaint about it may be judged invalid


T = Topic
R, C, E, S, G = (RequestKind.REPAIR, RequestKind.COMPLAINT, RequestKind.ENQUIRY, RequestKind.SPECIAL_SERVICE,
                 RequestKind.RECTIFICATION)
TOPICS: tuple[Topic, ...] = (
    T(R, "卫生间天花板渗水，怀疑楼上防水层破损", "工程维修部", "楼上卫生间地漏周边防水破损，已协调楼上业主重做防水，楼下天花待干燥后修补"),
    T(R, "厨房水龙头关不紧，一直滴水", "工程维修部", "更换水龙头阀芯，试水正常"),
    T(R, "入户门锁芯坏了，钥匙拧不动", "工程维修部", "更换锁芯，交业主新钥匙三把"),
    T(R, "客厅插座没电，空开跳闸后合不上", "工程维修部", "空调插座线路短路，更换插座并紧固接线，复电正常"),
    T(R, "阳台地漏堵塞，下雨时返水", "工程维修部", "疏通地漏，清出泥沙杂物，试水排水通畅"),
    T(R, "卧室窗户推拉不顺，密封条脱落", "工程维修部", "调整滑轮，更换密封条"),
    T(R, "马桶水箱一直响，漏水不止", "工程维修部", "更换进水阀和止水皮垫"),
    T(R, "外墙空调孔下雨渗水", "工程维修部", "空调孔重新封堵打胶，淋水试验无渗漏"),
    T(R, "厨房水管爆裂，客厅大量进水", "工程维修部", "关闭分户总阀，更换爆裂的PPR管件，协助清理积水", urgent=True),
    T(R, "电梯停在8楼不动，有人被困", "工程维修部", "维保单位到场放人，被困人员安全；门锁回路接触不良已修复",
      area="{b}栋电梯", fault=_F.LIFT, urgent=True),
    T(R, "整栋楼突然停电", "工程维修部", "配电房低压开关跳闸，复位后恢复供电，查明为一户空调漏电",
      area="{b}栋", fault=_F.POWER, urgent=True),
    T(R, "家里没水了，邻居家也没有", "工程维修部", "二次供水泵房水泵故障，切换备用泵恢复供水",
      area="{b}栋", fault=_F.WATER, urgent=True),
    T(R, "楼道声控灯不亮", "工程维修部", "更换声控灯 3 只，测试正常", area="{b}栋{e}单元楼道", fault=_F.LIGHTING),
    T(R, "小区路灯有三盏不亮", "工程维修部", "更换路灯光源，夜间复查正常", area="中心花园步道", fault=_F.LIGHTING),
    T(R, "地下车库B区一排照明全部不亮", "工程维修部", "照明回路老化短路，重新敷设线路后恢复",
      area="地下车库B区", fault=_F.LIGHTING_COMPLEX),
    T(R, "单元门闭门器坏了，门关不上", "工程维修部", "更换闭门器并调整关门速度", area="{b}栋{e}单元门厅"),
    T(C, "楼上装修噪音扰民，中午休息时间仍在使用电钻", "安防部", "已上门告知装修户遵守装修时间，安防部加强午间巡查",
      invalid="经核实噪音来自小区外市政道路施工，不属物业管理范围，已提供城管热线"),
    T(C, "邻居把电动车推进楼道充电，有消防隐患", "安防部", "已劝离楼道内电动车并张贴安全提示，每日巡查"),
    T(C, "车位被他人长期占用，多次沟通无果", "安防部", "联系占用车主挪车，登记车牌并在车位张贴提示",
      invalid="该车位为公共临时车位，并非业户产权或租赁车位"),
    T(C, "楼下夜间烧烤喧哗到凌晨", "安防部", "夜班巡逻劝止并做好记录，已与相关业户沟通"),
    T(C, "垃圾桶满溢有异味，保洁清运不及时", "保洁", "清运频次增至每日两次，垃圾桶清洗消毒", area="{b}栋{e}单元门口"),
    T(C, "绿化修剪后枝叶堆在路边两天没人清理", "绿化", "当日清运完毕，要求修剪后即时清理", area="中心花园"),
    T(C, "楼下大树遮挡采光，要求修剪", "绿化", "已安排修剪靠近窗户的枝条",
      invalid="该树木为市政绿化，修剪须报园林部门审批，物业已代为申报"),
    T(C, "夜间广场舞音响声音太大", "安防部", "与活动组织者沟通，音量降低并于21:30前结束", area="中心广场",
      invalid="活动在公共广场且于22:00前结束，已协调降低音量"),
    T(C, "邻居遛狗不拴绳，吓到小孩", "安防部", "上门提醒文明养犬，并在小区公告栏张贴养犬规定"),
    T(C, "维修师傅上门迟到两小时，态度也不好", "工程维修部", "已向业户致歉，对维修人员进行服务规范培训并考核"),
    T(C, "电梯一个月坏了三次，要求彻底检修", "工程维修部", "维保单位全面检修，更换门机板，加强月检", area="{b}栋电梯"),
    T(C, "小区门禁经常失灵，外来人员随意进出", "安防部", "更换门禁控制器，门岗加强来访登记", area="小区东门"),
    T(E, "物业费收费标准和缴费方式", "财务", "告知收费标准，可通过微信、银行代扣或到服务中心缴纳"),
    T(E, "物业费疑问：上季度账单金额与房屋面积对不上", "财务", "核对为按产权面积含公摊计费，已向业户解释计费明细"),
    T(E, "装修需要办理哪些手续", "客服中心", "告知需带装修方案和施工队资质到服务中心办理装修申请，并说明装修时间规定"),
    T(E, "停车月卡怎么办理", "安防部", "告知携带行驶证到服务中心办理，月卡费用按公示标准"),
    T(E, "门禁卡丢了怎么补办", "客服中心", "告知携带身份证到服务中心补办，旧卡当场注销"),
    T(E, "明天停水的具体时间", "客服中心", "停水时间为 9:00–17:00，已提醒业户提前储水"),
    T(E, "快递柜取件码一直收不到", "客服中心", "已联系快递柜运营方重新推送取件码"),
    T(S, "家里空调清洗（特约服务）", "工程维修部", "清洗挂机两台，按特约服务价目表收费"),
    T(S, "马桶堵了，请有偿疏通", "工程维修部", "疏通马桶，按特约服务价目表收费"),
    T(S, "更换客厅吊灯", "工程维修部", "拆除旧灯，安装业主自购吊灯，试亮正常"),
    T(S, "新房开荒保洁预约", "保洁", "保洁三人半天完成开荒保洁，业主验收"),
    T(S, "搬家预约电梯并做电梯保护", "客服中心", "已预约电梯时段并铺设电梯保护板"),
    T(G, "交房时发现次卧墙面开裂，要求开发商整改", "工程维修部", "开发商施工单位已修补裂缝并重新刷漆"),
    T(G, "地下室墙面返潮发霉", "工程维修部", "外墙做防水处理，室内墙面铲除重做"),
    T(G, "顶楼屋面防水层老化，雨天渗水", "工程维修部", "屋面防水层局部翻新，闭水试验合格", area="{b}栋楼顶"),
    T(G, "小区主干道路面破损坑洼", "工程维修部", "破损路面已铣刨重铺", area="小区主干道"),
    T(G, "外墙瓷砖空鼓，有脱落风险", "工程维修部", "拆除空鼓瓷砖并重新铺贴，期间设置警示围挡", area="{b}栋外墙"),
)
FEEDBACK_NOTES = ("已电话告知业户处理结果", "已上门向业户说明处理结果，业户认可", "已微信告知业户处理结果并发送现场照片")
VISIT_WORDS = {
    Satisfaction.SATISFIED: ("处理及时，谢谢", "师傅很专业", "问题已解决，满意", "服务很好"),
    Satisfaction.FAIRLY: ("基本解决了，就是等得有点久", "还行，希望下次快一点"),
    Satisfaction.UNSATISFIED: ("问题没有根治，又出现了", "等了两天才来人", "处理态度一般"),
}


@dataclass(frozen=True)
class DemoRequestStats:
    total: int
    by_kind: dict[str, int]
    by_state: dict[str, int]
    overdue: int

    def __str__(self) -> str:
        kinds = "，".join(f"{k} {v}" for k, v in self.by_kind.items())
        return f"工单 {self.total} 张（{kinds}），未关闭 {self.total - self.by_state.get('已关闭', 0)} 张，其中超时 {self.overdue} 张"


class _Life:
    """Builds one request's steps in time order."""

    def __init__(self, rng: random.Random, received: datetime, operators: tuple[str, ...]) -> None:
        self.rng, self.at, self.steps = rng, received, []
        self.butler = rng.choice(operators)

    def add(self, kind: StepKind, after_minutes: float, **fields: object) -> None:
        self.at += timedelta(minutes=max(1.0, after_minutes))
        self.steps.append(Step(kind=kind, at=self.at, operator=self.butler, **fields))  # type: ignore[arg-type]

    def minutes(self, low: float, high: float, late_share: float = 0.08, late_factor: float = 3.0) -> float:
        """A delay usually between low and high, now and then several times longer (the late ones)."""
        value = self.rng.uniform(low, high)
        return value * self.rng.uniform(1.5, late_factor) if self.rng.random() < late_share else value

    def next_day(self, hour_from: int = 9, hour_to: int = 17) -> float:
        days = self.rng.randint(1, 3)
        local = (self.at + timedelta(days=days)).astimezone(CHINA_TZ)
        target = local.replace(hour=self.rng.randint(hour_from, hour_to - 1), minute=self.rng.randrange(60))
        return (target - self.at).total_seconds() / 60


def _visit(life: _Life, topic: Topic, *, unhappy: bool = False) -> None:
    rng = life.rng
    if unhappy:
        level = Satisfaction.UNSATISFIED
    else:
        level = rng.choices((Satisfaction.SATISFIED, Satisfaction.FAIRLY, Satisfaction.UNSATISFIED), (74, 21, 5))[0]
    ratings = {}
    if topic.kind is RequestKind.REPAIR:
        good = (Satisfaction.SATISFIED, Satisfaction.FAIRLY)
        ratings = {name: level if level is Satisfaction.UNSATISFIED and rng.random() < 0.5 else rng.choice(good)
                   for name in ("attitude", "quality", "manners")}
    life.add(_K.VISIT, life.next_day(), satisfaction=level, resident_words=rng.choice(VISIT_WORDS[level]), **ratings)


def _handle_and_finish(life: _Life, topic: Topic, hours: tuple[float, float]) -> None:
    rng = life.rng
    life.add(_K.HANDLE, life.minutes(hours[0] * 60, hours[1] * 60), note=topic.result)
    life.add(_K.FEEDBACK, rng.uniform(5, 40), note=rng.choice(FEEDBACK_NOTES))
    life.add(_K.RESOLVE, rng.uniform(1, 20))


def _life_of(topic: Topic, received: datetime, rng: random.Random, operators: tuple[str, ...],
             fate: str) -> list[Step]:
    """Every step of a request, as it would go; the caller cuts off the future and the stalled part."""
    life = _Life(rng, received, operators)
    worker = rng.choice(WORKERS[topic.department])
    kind = topic.kind
    if kind is RequestKind.COMPLAINT:
        life.add(_K.CONTACT, life.minutes(3, 14, 0.08, 4.0), on_site=rng.random() < 0.5)
        if fate == "invalid":
            life.add(_K.CLASSIFY, rng.uniform(5, 30), valid=False, invalid_reason=topic.invalid)
            life.add(_K.FEEDBACK, rng.uniform(10, 90), note=f"已向业户解释：{topic.invalid}")
            life.add(_K.CLOSE, rng.uniform(5, 60), resident_signed=rng.random() < 0.7)
            return life.steps
        serious = rng.random() < 0.12
        life.add(_K.CLASSIFY, rng.uniform(5, 30), valid=True, severity=Severity.SERIOUS if serious else Severity.GENERAL)
        life.add(_K.ASSIGN, rng.uniform(5, 30), department=topic.department, assignee=worker)
        life.add(_K.FEEDBACK, life.minutes(30, 150, 0.07), note=f"已告知业户由{topic.department}{worker}处理，正在跟进")
        _handle_and_finish(life, topic, (24, 96) if serious else (1, 4))
    elif kind is RequestKind.ENQUIRY and rng.random() < 0.7:
        life.add(_K.FEEDBACK, life.minutes(1, 12), note=f"当场答复：{topic.result}")
        life.add(_K.RESOLVE, rng.uniform(1, 5))
        life.add(_K.CLOSE, rng.uniform(1, 15))
        return life.steps
    elif kind is RequestKind.ENQUIRY:
        life.add(_K.ASSIGN, life.minutes(3, 14), department=topic.department, assignee=worker)
        _handle_and_finish(life, topic, (0.5, 3))
        life.add(_K.CLOSE, rng.uniform(5, 120))
        return life.steps
    else:
        if kind is RequestKind.RECTIFICATION:
            life.add(_K.CLASSIFY, life.minutes(5, 14), valid=True)
        life.add(_K.ASSIGN, life.minutes(2, 6) if topic.urgent else life.minutes(3, 14), department=topic.department,
                 assignee=worker)
        if topic.fault in UTILITY_FAULTS:  # 30 minutes to have it handled
            life.add(_K.CONTACT, life.minutes(4, 10, 0.1, 2.0), on_site=True, note=f"{worker}到场")
            _handle_and_finish(life, topic, (0.08, 0.2))
        elif topic.urgent:
            life.add(_K.CONTACT, life.minutes(5, 18, 0.08, 2.0), on_site=True, note=f"{worker}到场")
            _handle_and_finish(life, topic, (0.2, 1.2))
        else:
            if kind is RequestKind.RECTIFICATION or (topic.fault is None and rng.random() < 0.4):
                life.add(_K.FEEDBACK, life.minutes(20, 150, 0.05), note=f"已安排{worker}，预约上门时间")
                life.add(_K.CONTACT, life.next_day(), on_site=True, note=f"{worker}上门查看")
            else:
                life.add(_K.CONTACT, life.minutes(30, 120), on_site=True, note=f"{worker}上门查看")
            days = (48, 360) if kind is RequestKind.RECTIFICATION else (0.3, 2.5)
            _handle_and_finish(life, topic, days)
    if fate in ("reopen", "reopened_open"):
        _visit(life, topic, unhappy=True)
        life.add(_K.REOPEN, rng.uniform(10, 120), note="回访时业户反映问题仍未解决，重新安排处理")
        life.add(_K.ASSIGN, rng.uniform(10, 60), department=topic.department, assignee=rng.choice(WORKERS[topic.department]))
        _handle_and_finish(life, topic, (2, 20))
    if kind is not RequestKind.ENQUIRY:
        _visit(life, topic)
    signed = {"resident_signed": rng.random() < 0.92} if kind is RequestKind.COMPLAINT else {}
    life.add(_K.CLOSE, rng.uniform(5, 90), **signed)
    return life.steps


def _received_at(rng: random.Random, day: date, urgent: bool) -> datetime:
    roll = rng.random()
    if urgent and roll < 0.35:
        minute = rng.randrange(24 * 60)
    elif roll < 0.8:
        minute = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
    elif roll < 0.96:
        minute = rng.randrange(17 * 60 + 30, 21 * 60 + 30)
    else:
        minute = rng.randrange(6 * 60 + 30, 8 * 60 + 30)
    return datetime.combine(day, time(minute // 60, minute % 60, rng.randrange(60)), tzinfo=CHINA_TZ)


def _cut(steps: list[Step], fate: str, rng: random.Random, now: datetime) -> list[Step]:
    """Stop a life where its fate says, then drop anything later than now."""
    if fate == "stalled" and len(steps) > 2:
        steps = steps[: rng.randint(1, len(steps) - 2)]
    elif fate == "reopened_open":
        reopened = next(i for i, step in enumerate(steps) if step.kind is _K.REOPEN)
        steps = steps[: reopened + 1 + rng.randint(0, 1)]
    elif fate == "awaiting_visit":
        resolved = [i for i, step in enumerate(steps) if step.kind is _K.RESOLVE]
        steps = steps[: resolved[0] + 1] if resolved else steps
    return [step for step in steps if step.at <= now]


def add_demo_requests(ctx_or_path: AppContext | Path | str, count: int | None = None, seed: int = 20261127,
                      today: date | None = None) -> DemoRequestStats:
    """Add a year of requests up to ``today`` (default: today) to a database that has the ledger but no requests.

    ``count`` defaults to 1.5 per unit. With today's date the clock is now; with
    another date it is 17:30 of that day, so the same seed and date give the same data.
    """
    if isinstance(ctx_or_path, AppContext):
        ctx, own = ctx_or_path, False
    else:
        from butler_desk.services.maintenance import open_context

        ctx, own = open_context(Path(ctx_or_path), OPERATOR), True
    try:
        return _add(ctx, count, seed, today)
    finally:
        if own:
            ctx.db.dispose()


def _add(ctx: AppContext, count: int | None, seed: int, today: date | None) -> DemoRequestStats:
    rng = random.Random(seed)
    real_now = utcnow()
    today = today or real_now.astimezone(CHINA_TZ).date()
    now = real_now if today == real_now.astimezone(CHINA_TZ).date() else datetime.combine(today, time(17, 30),
                                                                                           tzinfo=CHINA_TZ)
    operators = tuple(name for name, role in demo_names.STAFF if role in ("客服管家", "前台", "客服主管"))
    with ctx.db.unit_of_work(OPERATOR) as session:
        if rq.count_requests(session, rq.RequestQuery()):
            raise BadInput("数据库里已有工单，演示工单只能加到没有工单的数据库。")
        units = repo.ledger_unit_rows(session)
        if not units:
            raise BadInput("数据库里还没有房屋，请先生成演示小区或导入业户资料。")
        people: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for unit_id, role, end_date, party_id, *_rest in repo.ledger_occupant_rows(session):
            if end_date is None:
                people[unit_id].append((role, party_id))
        homes = [u for u in units if people.get(u[0])]
        buildings: dict[str, tuple[int, list[str]]] = {}
        for u in units:
            entry = buildings.setdefault(u[5], (u[2], []))
            if u[6] and u[6] not in entry[1]:
                entry[1].append(u[6])
        rules = request_rules(session)
        total = count if count is not None else round(len(units) * REQUESTS_PER_UNIT_YEAR)
        plans = [_plan(rng, homes, people, buildings, today, now, operators) for _ in range(total)]
        plans.sort(key=lambda plan: plan["received_at"])
        rows, step_rows, counters = [], [], Counter()
        by_kind, by_state, overdue = Counter(), Counter(), 0
        for request_id, plan in enumerate(plans, start=1):
            kind, received, steps = plan.pop("kind"), plan["received_at"], plan.pop("steps")
            year = received.astimezone(CHINA_TZ).year
            counters[(kind.value, year)] += 1
            progress = replay(kind, received, steps)  # a generator bug shows here, not in the app
            row = Request(kind=kind.value, urgent=plan["urgent"], fault=plan["fault"], source=plan["source"],
                          received_at=received)
            due, key = next_due(progress.state, request_deadlines(row, steps, rules, now))
            if due is not None and due < now:
                overdue += 1
            by_kind[kind.label] += 1
            by_state[progress.state.label] += 1
            rows.append(dict(
                id=request_id, number=request_number(kind, year, counters[(kind.value, year)]), kind=kind.value,
                received_by=steps[0].operator if steps else operators[0], version=0,
                next_due_at=due, next_due_key=key, created_at=received, updated_at=steps[-1].at if steps else received,
                **plan, **progress_columns(progress),
            ))
            for step in steps:
                recorded = min(step.at + timedelta(minutes=rng.randint(0, 30)), now)
                step_rows.append(dict(request_id=request_id, recorded_at=recorded, **step_columns(step)))
        repo.bulk_insert(session, Request, rows)
        repo.bulk_insert(session, RequestStep, step_rows)
        repo.bulk_insert(session, NumberCounter, [dict(kind=k, year=y, last=n) for (k, y), n in counters.items()])
        mark_deadline_basis(session, rules)
    return DemoRequestStats(len(rows), dict(by_kind), dict(by_state), overdue)


def _plan(rng: random.Random, homes: list[tuple], people: dict[int, list[tuple[str, int]]],
          buildings: dict[str, tuple[int, list[str]]], today: date, now: datetime,
          operators: tuple[str, ...]) -> dict:
    """One request's stored fields (without id and number) plus its kind and steps."""
    kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
    topic = rng.choice([t for t in TOPICS if t.kind is kind])
    day = today - timedelta(days=rng.randrange(365))
    received = _received_at(rng, day, topic.urgent)
    if received > now:
        received = now - timedelta(minutes=rng.randint(5, 600))
    fate = rng.choices(FATES, FATE_WEIGHTS)[0]
    age = (today - day).days
    if (fate in ("stalled", "reopened_open") and age > STALLED_WITHIN_DAYS) or (
        fate == "awaiting_visit" and age > AWAITING_VISIT_WITHIN_DAYS
    ):
        fate = "normal"
    if kind is RequestKind.COMPLAINT and topic.invalid and rng.random() < 0.35:
        fate = "invalid"
    if kind is RequestKind.ENQUIRY and fate in ("reopen", "reopened_open", "awaiting_visit"):
        fate = "normal"
    steps = _cut(_life_of(topic, received, rng, operators, fate), fate, rng, now)
    unit_id = party_id = cluster_id = None
    area, contact, phone = "", "", ""
    if topic.area:
        code = rng.choice(list(buildings))
        cluster_id, entrances = buildings[code]
        area = topic.area.format(b=code, e=rng.choice(entrances) if entrances else "1")
        if not topic.area.startswith("{b}"):
            cluster_id = None
        source = RequestSource.PATROL if rng.random() < 0.45 else RequestSource.PHONE
    else:
        unit = rng.choice(homes)
        unit_id, cluster_id = unit[0], unit[2]
        occupants = people[unit[0]]
        first_role = PartyRole.TENANT.value if unit[8] == UnitStatus.LET.value else PartyRole.OWNER.value
        preferred = [pid for role, pid in occupants if role == first_role] or [pid for _role, pid in occupants]
        party_id = rng.choice(preferred)
        source = rng.choices(list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values()))[0]
    if party_id is None and source is RequestSource.PHONE and rng.random() < 0.5:
        surname = rng.choice([s for s, _w in demo_names.SURNAMES[:40]])
        contact = surname + rng.choice(("先生", "女士"))
        phone = rng.choice(("139", "186", "158")) + f"{rng.randrange(10**8):08d}"
    return dict(
        kind=kind, steps=steps, source=source.value, unit_id=unit_id, party_id=party_id, cluster_id=cluster_id,
        area_text=area, contact_name=contact, contact_phone=phone, description=topic.text, urgent=topic.urgent,
        fault=topic.fault.value if topic.fault else None, received_at=received,
    )

