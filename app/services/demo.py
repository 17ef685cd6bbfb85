"""Realistic, reproducible demo data: a Lao Niangjiu room's roster and a year of cases.

Everything comes from one `random.Random(seed)`, so the same seed and reference day give the
same database (case uuids apart). Names, compounds and disputes are the kind the seed report
describes. A large demo is a busier room over more years: a year per 10,000 cases up to ten,
60 elders, the cases of the earlier years long since visited and filed away; its cases come in
chunks of 5,000, each from its own seeded source, made by worker processes (`fill_demo`).

Each case lives a life the status table (`app.domain.lifecycle`) allows, from registration to
where it stands on the reference day, every step dated in order and none after that day: it is
accepted, heard in one or two sessions, ends in an agreement or another outcome, and an
agreement is performed by records that agree with the case's status (a performed case has
performed every obligation, a case being performed has paid part). A few cases are shaped so
that a fresh demo shows each kind of 待办 item. Once a case's mediation has ended the committee
gives it a 以案定补 class, as it would before a claim: mostly the one the scheme suggests,
now and then another with its reason (`_Demo.subsidy`), so a demo's claim sheet has figures.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from functools import lru_cache
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from app.db.models import (
    Committee,
    Mediator,
    MediatorAbsence,
    MediatorRelation,
    MediatorSpecialty,
    Training,
)
from app.domain.codes import (
    AgreementForm,
    AuthorityKind,
    CaseStatus,
    DisputeType,
    FailureRoute,
    PanelRole,
    ParticipantKind,
    PartyRole,
    ReferralTarget,
    RelationKind,
    RiskLevel,
    SessionKind,
    Sex,
    Tier,
)
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.lifecycle import CLOSED_STATUSES, CaseEvent, next_status
from app.domain.money import from_fen, to_fen
from app.domain.rules import CleanAgreement, CleanCase, check_agreement, check_case
from app.domain.schedule import (
    Instalment,
    Schedule,
    ScheduleKind,
    all_due_dates,
    clamped_date,
    due_dates,
    first_monthly_due,
)
from app.domain.subsidy import CaseClass, CaseFacts, Scheme, suggest_class
from app.domain.tiers import TIER_ORDER, tier_rank
from app.domain.validation import credit_code_check_char, resident_id_check_char
from app.domain.values import Place
from app.services.bulk import (
    CaseLayout,
    InOrder,
    Numbered,
    RowBatch,
    bulk_writing,
    index_for_search,
    paused_gc,
)
from app.services.cases import (
    AgentRecord,
    CaseHistory,
    CaseLife,
    Confirmation,
    ParticipantRecord,
    SessionRecord,
    StatusStep,
    TermPerformance,
    TierMove,
    Visit,
)
from app.services.database import Database
from app.services.operations import DEFAULT_ACTOR
from app.views import Changed

COMMITTEE = ("飞机场社区人民调解委员会", "飞")
AREA_CODE = "410703"  # 新乡市卫滨区
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = [
    "建国",
    "建军",
    "国强",
    "志强",
    "伟",
    "军",
    "勇",
    "磊",
    "强",
    "涛",
    "明",
    "超",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "鑫",
    "波",
    "斌",
    "宇",
    "浩",
    "凯",
    "健",
    "俊",
    "帆",
    "帅",
    "旭",
    "宁",
    "龙",
    "林",
    "杰",
    "振华",
    "德明",
    "海涛",
    "永刚",
    "卫东",
    "红旗",
    "文革",
    "保国",
]
GIVEN_FEMALE = [
    "秀英",
    "桂英",
    "秀兰",
    "玉兰",
    "桂兰",
    "凤英",
    "淑珍",
    "丽",
    "静",
    "敏",
    "燕",
    "艳",
    "娟",
    "霞",
    "芳",
    "娜",
    "丹",
    "玲",
    "萍",
    "红",
    "玉梅",
    "春花",
    "秀珍",
    "丽华",
    "淑芬",
    "海燕",
    "雪梅",
    "慧",
    "颖",
    "琳",
    "倩",
    "婷",
    "晓红",
    "建华",
    "爱华",
    "素珍",
]
COMPOUNDS = ["铁西小区", "飞机场家属院", "卫滨花园", "新华苑", "平原小区", "胜利路东院"]
OCCUPATIONS = [
    "退休",
    "退休",
    "退休",
    "个体经营",
    "公司职员",
    "教师",
    "务工",
    "无业",
    "司机",
    "医生",
]
ORGANIZATIONS = [
    ("新乡市安居物业服务有限公司", "张卫国"),
    ("卫滨区铁西便民超市", "刘建华"),
    ("新乡市恒通装饰工程有限公司", "陈志强"),
]


#: Where the committee mediates, and the court that confirms its agreements (art. 33).
ROOM = "飞机场社区老娘舅调解室"
COURT = "新乡市卫滨区人民法院"
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Term:
    """One term of a scenario's agreement.

    The text opens with the party who performs it (申请人 or 被申请人): `_term_parties` reads
    obligor and obligee from it, so the printed term and the recorded payer never disagree.
    """

    text: str
    #: A sum of money (the case's amount; `MONTHLY_FEN` a month for a monthly term).
    money: bool = False
    #: Paid every month (赡养费).
    monthly: bool = False
    #: Paid in parts whatever the amount (the term says so).
    in_parts: bool = False


@dataclass(frozen=True)
class Scenario:
    dispute_type: DisputeType
    title: str
    #: {b} is the building, {c} the compound.
    facts: str
    terms: tuple[Term, ...]
    #: What the applicant says at the table, and what the respondent answers.
    claims: tuple[str, str]
    #: Who is invited to help (art. 20): a relative in a family dispute, else the 物业.
    helper: ParticipantKind = ParticipantKind.OFFICIAL

    @property
    def has_money(self) -> bool:
        return any(t.money and not t.monthly for t in self.terms)

    @property
    def plain(self) -> bool:
        """Every term performed once, soon after the agreement."""
        return not any(t.monthly or t.in_parts for t in self.terms)


SCENARIOS: list[Scenario] = [
    Scenario(
        DisputeType.NEIGHBOURHOOD,
        "楼上渗水纠纷",
        "{b}楼上住户卫生间防水层老化，多次向楼下渗水，造成楼下天花板、墙面受损，双方因维修和赔偿问题发生争执。",
        (
            Term("被申请人于协议签订后十日内请专业人员修复卫生间防水层"),
            Term("被申请人赔偿申请人天花板、墙面维修费用", money=True),
        ),
        (
            "家里天花板和墙面被泡得发霉掉皮，要求对方修好防水并赔偿维修费",
            "承认卫生间漏水，愿意维修，但觉得对方要的赔偿偏高",
        ),
    ),
    Scenario(
        DisputeType.NEIGHBOURHOOD,
        "噪音扰邻纠纷",
        "{b}住户夜间经常大声播放音乐、拖动家具，影响邻居休息，邻居多次敲门劝说未果，双方发生口角。",
        (
            Term("被申请人保证每晚十点后不再大声播放音乐、拖动家具"),
            Term("被申请人向申请人当面赔礼道歉"),
        ),
        (
            "对方天天夜里十一二点还放音乐、拖家具，家里老人孩子睡不好觉",
            "下班晚，没想到影响这么大，以后注意",
        ),
    ),
    Scenario(
        DisputeType.NEIGHBOURHOOD,
        "车位占用纠纷",
        "{c}内一方长期将车辆停放在另一方购买的固定车位上，经物业劝说仍不挪车，双方多次争吵。",
        (
            Term("被申请人于三日内将车辆移出申请人车位，今后不再占用"),
            Term("被申请人补偿申请人停车费用", money=True),
        ),
        (
            "车位是自己花钱买的，对方长期占着，下班回来没处停车",
            "以为车位一直空着没人用，只是临时停一下",
        ),
    ),
    Scenario(
        DisputeType.NEIGHBOURHOOD,
        "宠物扰民纠纷",
        "{b}住户饲养的大型犬未拴绳，在楼道内吠叫并惊吓老人，邻居要求处理遭拒。",
        (
            Term("被申请人外出遛狗时必须拴绳，不在楼道内逗留"),
            Term("被申请人承担申请人就医检查费用", money=True),
        ),
        (
            "对方的狗在楼道里冲着老人叫，把老人吓得摔了一跤，去医院做了检查",
            "狗很温顺，从不咬人，愿意以后出门拴绳",
        ),
    ),
    Scenario(
        DisputeType.NEIGHBOURHOOD,
        "楼道堆物纠纷",
        "{b}楼道公共区域被一户长期堆放杂物、废品，影响通行和消防安全，邻居多次提出意见。",
        (Term("被申请人于七日内清理楼道内堆放的杂物"),),
        (
            "楼道里堆满纸箱废品，老人上下楼不方便，还有火灾隐患",
            "东西过几天就卖掉，不是故意占用公共地方",
        ),
    ),
    Scenario(
        DisputeType.NEIGHBOURHOOD,
        "装修扰民纠纷",
        "{b}住户装修时在午休和夜间施工，且装修中损坏了邻居家的墙面。",
        (
            Term("被申请人装修施工时间限定在每日8:00—12:00、14:00—18:00"),
            Term("被申请人赔偿申请人墙面修复费用", money=True),
        ),
        (
            "对方中午和晚上也在施工，电钻声吵得没法休息，还把家里墙面震裂了",
            "装修工期紧，愿意调整施工时间，墙面可以找人修",
        ),
    ),
    Scenario(
        DisputeType.MARRIAGE_FAMILY,
        "赡养老人纠纷",
        "申请人年迈多病，子女之间因赡养费分担和轮流照顾问题互相推诿，老人生活困难。",
        (
            Term("被申请人每月向申请人支付赡养费", money=True, monthly=True),
            Term("被申请人与其他子女按月轮流照顾申请人，每人一个月"),
        ),
        (
            "年纪大了身体不好，看病花钱多，子女互相推诿，没人管",
            "不是不管老人，其他兄弟姐妹也应该一起分担",
        ),
        helper=ParticipantKind.RELATIVE,
    ),
    Scenario(
        DisputeType.MARRIAGE_FAMILY,
        "家庭财产纠纷",
        "兄弟姐妹之间因父母留下的房屋居住和使用问题发生争执，多次吵闹。",
        (Term("被申请人向申请人支付房屋使用补偿款", money=True),),
        (
            "父母留下的房子一直由对方住着，自己一分钱也没得到",
            "这些年一直是自己照顾父母，住在那里是父母同意的",
        ),
        helper=ParticipantKind.RELATIVE,
    ),
    Scenario(
        DisputeType.PROPERTY_MANAGEMENT,
        "物业服务纠纷",
        "业主认为物业公司长期未维修小区电梯和路灯，拒交物业费，物业公司催缴引发矛盾。",
        (
            Term("被申请人于一个月内完成电梯检修和路灯维修"),
            Term("申请人于维修完成后补交物业费", money=True),
        ),
        (
            "电梯三天两头坏、路灯不亮，物业不管不问，所以不交物业费",
            "电梯已经报修，业主拖欠物业费，维修资金很紧张",
        ),
    ),
    Scenario(
        DisputeType.DAMAGES,
        "高空坠物损害赔偿纠纷",
        "{b}楼上住户阳台花盆坠落，砸坏停放在楼下的电动车。",
        (Term("被申请人赔偿申请人电动车维修费用", money=True),),
        (
            "花盆从楼上掉下来砸坏了电动车，幸好当时没有砸到人",
            "花盆是被大风吹下去的，愿意赔偿合理的维修费",
        ),
    ),
    Scenario(
        DisputeType.CONTRACT,
        "房屋租赁纠纷",
        "租户提前退租，房东以违约为由拒不退还押金，双方发生争执。",
        (Term("被申请人退还申请人押金", money=True),),
        (
            "提前一个月就通知了退租，房东却扣着押金不退",
            "租户没有住满合同约定的期限，按合同押金不退",
        ),
    ),
    Scenario(
        DisputeType.LABOUR,
        "拖欠工资纠纷",
        "申请人在小区便民超市工作三个月，超市以经营困难为由拖欠工资。",
        (Term("被申请人分两次付清拖欠工资", money=True, in_parts=True),),
        (
            "在超市干了三个月，一分工资也没拿到",
            "超市最近生意不好，不是不给，希望能分两次付清",
        ),
    ),
]

ORGANISATION_IN = {
    DisputeType.PROPERTY_MANAGEMENT: ORGANIZATIONS[0],
    DisputeType.LABOUR: ORGANIZATIONS[1],
}
AMOUNTS_FEN = (30000, 45000, 80000, 120000, 125050, 200000, 360000, 500000, 1200000)
#: 赡养费 a month.
MONTHLY_FEN = (50000, 60000, 80000)
MONTHLY_DAY = 10
#: A one-off falls due this long after the agreement; instalments a month apart from then.
TERM_DAYS = 10
INSTALMENT_DAYS = 30

ESCALATION_REASONS = {
    Tier.COURTYARD: "楼栋长调解未果，双方同意提交院落调解",
    Tier.COMMUNITY: "院落调解未果，提交社区老娘舅工作室",
}
DECLINE_REASONS = (
    "该纠纷已由人民法院立案受理，依法不予受理，已告知申请人",
    "纠纷涉嫌治安违法，不属于人民调解范围，已告知申请人向公安机关反映",
)
WITHDRAW_REASONS = ("双方已自行协商解决", "申请人表示不再追究", "")
TERMINATE_REASONS = (
    "被申请人明确表示拒绝调解",
    "被申请人多次约谈均不到场，表示不同意调解",
)
REFERRALS = {
    ReferralTarget.JUDICIAL_OFFICE: "涉及专业鉴定，移交街道司法所",
    ReferralTarget.COURT: "申请人坚持诉讼，引导至人民法院",
    ReferralTarget.STREET_OFFICE: "涉及多个部门职责，移交街道办事处协调",
    ReferralTarget.POLICE: "有治安违法情节，移交公安机关处理",
}
FAILURE_ROUTES = {
    DisputeType.LABOUR: (FailureRoute.ARBITRATION, FailureRoute.COURT),
    DisputeType.PROPERTY_MANAGEMENT: (FailureRoute.ADMINISTRATIVE, FailureRoute.COURT),
}
#: The last session's outcome, by how mediation ended; `AGAIN` when it goes on.
SESSION_OUTCOMES = {
    CaseEvent.REACH_AGREEMENT: "经调解员释法明理、耐心疏导，双方互谅互让，当场达成调解协议。",
    CaseEvent.FAIL: "双方各执己见，差距较大，调解不成。已告知当事人可以依法通过其他途径解决。",
    CaseEvent.WITHDRAW: "申请人表示愿意与对方自行协商，考虑撤回申请。",
    CaseEvent.TERMINATE: "被申请人明确表示不愿继续调解。",
    CaseEvent.REFER: "纠纷涉及专业问题，调解员建议移交有关部门处理。",
}
AGAIN = "双方分歧较大，调解员分别做了疏导工作，双方同意回去考虑，约定择日再调。"
SPECIAL_AUTHORITY = "代为承认、放弃、变更调解请求，代为签署调解协议"
GENERAL_AUTHORITY = "代为参加调解，陈述意见"
MONEY_NOTES = ("微信转账", "现金支付，申请人出具收条", "银行转账")
ACT_NOTE = "经调解员回访核实，已按协议履行"
AUTOMATIC = "根据履行记录自动办理"
VISIT_NOTES = (
    "双方已按协议履行，邻里关系和睦。",
    "协议已履行完毕，双方表示满意，矛盾没有反复。",
)
RISK_MEASURES = {
    RiskLevel.YELLOW: "调解员每周上门走访，做好双方情绪疏导，防止矛盾激化",
    RiskLevel.ORANGE: "已通报社区民警，调解时请民警到场，双方分开做工作",
}

#: The events that bring a registered case to each status; one is drawn where there are more.
_MEDIATING = (CaseEvent.ACCEPT, CaseEvent.START_MEDIATION)
_PERFORMING = (*_MEDIATING, CaseEvent.REACH_AGREEMENT, CaseEvent.START_PERFORMANCE)
_PERFORMED = (*_PERFORMING, CaseEvent.COMPLETE_PERFORMANCE)
PATHS: dict[CaseStatus, tuple[tuple[CaseEvent, ...], ...]] = {
    CaseStatus.REGISTERED: ((),),
    CaseStatus.ACCEPTED: ((CaseEvent.ACCEPT,),),
    CaseStatus.DECLINED: ((CaseEvent.DECLINE,),),
    CaseStatus.MEDIATING: (_MEDIATING,),
    CaseStatus.AGREEMENT_REACHED: ((*_MEDIATING, CaseEvent.REACH_AGREEMENT),),
    CaseStatus.PERFORMING: (_PERFORMING,),
    CaseStatus.PERFORMED: (_PERFORMED,),
    CaseStatus.FOLLOWED_UP: ((*_PERFORMED, CaseEvent.FOLLOW_UP),),
    CaseStatus.ARCHIVED: ((*_PERFORMED, CaseEvent.FOLLOW_UP, CaseEvent.ARCHIVE),),
    CaseStatus.FAILED: ((*_MEDIATING, CaseEvent.FAIL),),
    CaseStatus.WITHDRAWN: (
        (CaseEvent.WITHDRAW,),
        (CaseEvent.ACCEPT, CaseEvent.WITHDRAW),
        (*_MEDIATING, CaseEvent.WITHDRAW),
    ),
    CaseStatus.TERMINATED: (
        (CaseEvent.ACCEPT, CaseEvent.TERMINATE),
        (*_MEDIATING, CaseEvent.TERMINATE),
    ),
    CaseStatus.REFERRED: ((CaseEvent.ACCEPT, CaseEvent.REFER), (*_MEDIATING, CaseEvent.REFER)),
}
#: Days from the step before; performance and follow-up steps take the day of their records.
GAPS = {
    CaseEvent.ACCEPT: (0, 2),
    CaseEvent.DECLINE: (0, 3),
    CaseEvent.START_MEDIATION: (0, 4),
    CaseEvent.REACH_AGREEMENT: (3, 20),
    CaseEvent.FAIL: (5, 25),
    CaseEvent.WITHDRAW: (1, 10),
    CaseEvent.TERMINATE: (1, 10),
    CaseEvent.REFER: (1, 8),
    CaseEvent.FOLLOW_UP: (5, 25),
    CaseEvent.ARCHIVE: (1, 20),
}
#: How mediation ends; the first such step closes the mediation part of the case's life.
_OUTCOMES = frozenset(SESSION_OUTCOMES) | {CaseEvent.DECLINE}
#: What a step writes on the case, as `app.services.case_life.move` does: the day mediation
#: ended (结案), and the events that fix the tier the dispute was resolved at.
_CLOSING = frozenset(
    {
        CaseEvent.DECLINE,
        CaseEvent.FAIL,
        CaseEvent.WITHDRAW,
        CaseEvent.TERMINATE,
        CaseEvent.REFER,
        CaseEvent.COMPLETE_PERFORMANCE,
    }
)
_RESOLVING = frozenset({CaseEvent.REACH_AGREEMENT, CaseEvent.FAIL, CaseEvent.TERMINATE})

PERFORMED = {CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP, CaseStatus.ARCHIVED}

#: 以案定补 as the demo committee decides it: its scheme is the program's default.
SCHEME = Scheme()
#: A case whose mediation ended this recently may wait for the next claim to get its class.
RECENT_DAYS = 30
#: Why the committee gave a class above or below the one suggested (REASON_MIN or more).
HIGHER_REASONS = (
    "双方积怨较深，先后调解五次才达成一致",
    "涉及几户邻里，调解员多次上门分别做工作",
    "一方情绪激动，请社区民警协助，调解难度较大",
)
LOWER_REASONS = ("案情简单，双方当场就达成一致", "事实清楚，调解员一次上门即化解")
#: Events after which mediation ended without an agreement (调解未成).
_UNSUCCESSFUL = frozenset(
    {CaseEvent.FAIL, CaseEvent.TERMINATE, CaseEvent.WITHDRAW, CaseEvent.REFER}
)


@dataclass(frozen=True)
class DemoSummary:
    mediators: int
    cases: int


@dataclass(frozen=True)
class _Showcase:
    """A case shaped so that a fresh demo shows one kind of 待办 item on its reference day.

    `ages`: how many days before that day it must have been received for the item to show.
    """

    status: CaseStatus | None = None
    ages: tuple[int, int] = (0, 0)
    #: A money term in instalments, the first paid and the second past its day.
    instalments: bool = False
    #: A written agreement not yet sent for judicial confirmation: its 30-day window is open.
    written: bool = False
    #: One-off terms only, so performance ended weeks ago and the follow-up falls due.
    plain: bool = False

    def fits(self, scenario: Scenario) -> bool:
        return (scenario.has_money or not self.instalments) and (scenario.plain or not self.plain)


ORDINARY = _Showcase()
SHOWCASES = (
    _Showcase(CaseStatus.MEDIATING, (35, 90)),  # past the one-month norm
    _Showcase(CaseStatus.PERFORMING, (70, 300), instalments=True),
    _Showcase(CaseStatus.AGREEMENT_REACHED, (8, 30), written=True),
    _Showcase(CaseStatus.PERFORMED, (60, 300), plain=True),
)


class _Paid(Enum):
    """How much of one obligation is performed by the reference day."""

    NOTHING = "nothing"
    PART = "part"
    ALL = "all"


class _People:
    """Makes up residents with valid ID numbers, phones and addresses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self, female: bool | None = None) -> str:
        if female is None:
            female = self.rng.random() < 0.5
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randint(0, 999999999):09d}"

    def person(
        self, role: PartyRole, today: date, min_age: int = 25, max_age: int = 85
    ) -> PartyDraft:
        rng = self.rng
        female = rng.random() < 0.5
        name = self.name(female)
        birth = today - timedelta(days=rng.randint(min_age * 365, max_age * 365))
        order = rng.randint(0, 49) * 2 + (0 if female else 1)
        body = f"{AREA_CODE}{birth:%Y%m%d}{rng.randint(0, 9)}{order:02d}"
        id_number = body + resident_id_check_char(body)
        compound = rng.choice(COMPOUNDS)
        address = (
            f"河南省新乡市卫滨区{compound}{rng.randint(1, 12)}号楼"
            f"{rng.randint(1, 4)}单元{rng.randint(1, 7)}0{rng.randint(1, 4)}室"
        )
        return PartyDraft(
            role=role.value,
            kind="person",
            name=name,
            sex="female" if female else "male",
            ethnicity="汉族",
            birth_date=birth,
            id_number=id_number,
            phone=self.phone(),
            address=address,
            occupation=rng.choice(OCCUPATIONS),
        )

    def organisation(self, compound: str, dispute_type: DisputeType) -> PartyDraft:
        """The 物业 in a property dispute, the shop in a wage dispute, any of them else."""
        org, representative = ORGANISATION_IN.get(dispute_type) or self.rng.choice(ORGANIZATIONS)
        body = f"91410703MA{self.rng.randint(0, 9999999):07d}"
        return PartyDraft(
            role=PartyRole.RESPONDENT.value,
            kind="organization",
            name=org,
            credit_code=body + credit_code_check_char(body),
            legal_representative=representative,
            address=f"河南省新乡市卫滨区{compound}临街商铺",
            phone="0373-5" + f"{self.rng.randint(0, 999999):06d}",
        )


#: The roster's particulars that are not drawn at random, by place on the roster (0–11).
ETHNICITY = {2: "回族", 8: "满族"}
LANGUAGES = {0: "河南话", 2: "河南话", 5: "河南话、山东话", 9: "手语"}
CASE_LIMITS = {3: 8, 5: 3}
NOTES = {3: "退休前在街道办工作，熟悉劳动和合同纠纷", 5: "腿脚不便，少分几件，上门调解请提前约好"}
#: Committee members first picked (art. 8: three to nine), then the first woman, then the rest
#: in order up to `COMMITTEE_SIZE`; the 回族 elder sits on it, as the area has Hui residents.
COMMITTEE_FIRST = (0, 2)
COMMITTEE_SIZE = 5
#: The committee's trainings: (days before today, topic, minutes); each elder attended 2 or 3.
TRAININGS = (
    (700, "人民调解法解读", 180),
    (540, "民法典婚姻家庭编解读", 150),
    (400, "矛盾纠纷排查化解技巧", 240),
    (250, "调解文书制作规范", 120),
    (120, "物业纠纷调解实务", 180),
    (45, "矛盾纠纷排查化解技巧（进阶）", 120),
)
#: The elder away on the demo's today, and the one with a relative among the parties.
AWAY, WITH_RELATIVE = 7, 1
#: The roster of a demo, and of one of more than a year's cases (`CASES_A_YEAR`): more elders.
ROSTER, LARGE_ROSTER = 12, 60


def _mediators(
    rng: random.Random, people: _People, today: date, count: int = ROSTER
) -> list[Mediator]:
    categories = ["party_member", "cadre", "teacher", "model_worker", "police"]
    specialties = {
        "party_member": ["neighbourhood", "property_management"],
        "cadre": ["contract", "labour"],
        "teacher": ["marriage_family", "neighbourhood"],
        "model_worker": ["damages", "neighbourhood"],
        "police": ["damages", "traffic"],
    }
    roster: list[Mediator] = []
    for i in range(count):
        category = categories[i % 5]
        p = people.person(PartyRole.APPLICANT, today, 60, 78)
        # A larger roster than the first twelve never has two elders of one name.
        while i >= ROSTER and any(m.name == p.name for m in roster):
            p = people.person(PartyRole.APPLICANT, today, 60, 78)
        compound = COMPOUNDS[i % len(COMPOUNDS)]
        mediator_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        # The new particulars come from the mediator's own random source, seeded by their uuid:
        # the demo's main source stays as it was, so the same seed gives the same cases.
        own = random.Random(mediator_uuid)
        attended = sorted(own.sample(TRAININGS, own.choice((2, 3))), reverse=True)
        roster.append(
            Mediator(
                uuid=mediator_uuid,
                name=p.name,
                sex=p.sex,
                ethnicity=ETHNICITY.get(i, "汉族"),
                birth_date=p.birth_date,
                elder_category=category,
                phone=p.phone,
                compound=compound,
                building=f"{rng.randint(1, 12)}号楼",
                unit=f"{rng.randint(1, 4)}单元",
                room=f"{rng.randint(1, 7)}0{rng.randint(1, 4)}",
                languages=LANGUAGES.get(i, ""),
                active=i != 11,
                case_limit=CASE_LIMITS.get(i),
                notes=NOTES.get(i, ""),
                specialties=[
                    MediatorSpecialty(dispute_type=s, position=n)
                    for n, s in enumerate(specialties[category])
                ],
                absences=[
                    MediatorAbsence(
                        from_on=today - timedelta(days=4),
                        to_on=today + timedelta(days=9),
                        reason="回老家探亲",
                    )
                ]
                if i == AWAY
                else [],
                trainings=[
                    Training(on=today - timedelta(days=ago), topic=topic, minutes=minutes)
                    for ago, topic, minutes in attended
                ],
            )
        )
    _seat_committee(roster)
    return roster


def _seat_committee(roster: list[Mediator]) -> None:
    """Mark the committee's members among the active elders, a woman among them (art. 8)."""
    active = [i for i, m in enumerate(roster) if m.active]
    members = list(COMMITTEE_FIRST)
    if not any(roster[i].sex == Sex.FEMALE.value for i in members):
        members += [i for i in active if roster[i].sex == Sex.FEMALE.value][:1]
    members += [i for i in active if i not in members]
    for i in members[:COMMITTEE_SIZE]:
        roster[i].committee_member = True


def _relative(
    mediator: Mediator, clean: CleanCase, history: CaseHistory
) -> MediatorRelation | None:
    """The case's applicant as the mediator's relative, if they are a person and the mediator
    is not on the panel (a relative on the panel would be a conflict the demo should not show)."""
    applicant = clean.parties[0]
    seated = {s[0] if isinstance(s, tuple) else s.mediator_id for s in history.panel}
    if mediator.id in seated or applicant.kind.value != "person":
        return None
    return MediatorRelation(
        mediator_id=mediator.id,
        person_name=applicant.name,
        kind=RelationKind.RELATIVE.value,
        id_number=applicant.id_number,
        phone=applicant.phone,
        notes="外甥女" if applicant.sex is Sex.FEMALE else "外甥",
    )


def _term_parties(text: str) -> tuple[int, int]:
    """(obligor, obligee) as the term says: parties[0] is the applicant, parties[1] the respondent.

    Read from the text so the printed term and the recorded payer can never disagree.
    """
    if text.startswith(PartyRole.RESPONDENT.label):
        return 1, 0
    if text.startswith(PartyRole.APPLICANT.label):
        return 0, 1
    raise ValueError(f"a demo term must open with the party who performs it: {text}")


def _short(party: PartyDraft) -> str:
    """How a case title names a party: 李某 for a person, the full name of an organisation."""
    return party.name if party.kind == "organization" else f"{party.name[:1]}某"


def _status_for(age_days: int, rng: random.Random) -> CaseStatus:
    """Older cases are further along their life; a few ended without an agreement."""
    if age_days < 10:
        return rng.choice([CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING])
    if age_days < 40:
        return rng.choice(
            [CaseStatus.MEDIATING, CaseStatus.AGREEMENT_REACHED, CaseStatus.PERFORMING]
        )
    roll = rng.random()
    for below, status in (
        (0.07, CaseStatus.FAILED),
        (0.10, CaseStatus.WITHDRAWN),
        (0.13, CaseStatus.REFERRED),
        (0.15, CaseStatus.TERMINATED),
        (0.16, CaseStatus.DECLINED),
    ):
        if roll < below:
            return status
    if age_days < 90:
        return rng.choice([CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP, CaseStatus.ARCHIVED])
    if age_days >= YEAR_DAYS:  # only in a demo of several years: long visited and filed away
        return rng.choice([CaseStatus.FOLLOWED_UP, *[CaseStatus.ARCHIVED] * 6])
    # Long performed cases have mostly been visited since.
    return rng.choice(
        [CaseStatus.PERFORMED, *[CaseStatus.FOLLOWED_UP] * 2, *[CaseStatus.ARCHIVED] * 3]
    )


def _pick_showcases(rng: random.Random, ages: list[int]) -> dict[int, _Showcase]:
    """Which case (by index) takes each showcase: one received at a fitting age, if any is."""
    picked: dict[int, _Showcase] = {}
    for showcase in SHOWCASES:
        low, high = showcase.ages
        fitting = [i for i, age in enumerate(ages) if low <= age <= high and i not in picked]
        if fitting:
            picked[rng.choice(fitting)] = showcase
    return picked


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A time of day in the room's time zone (stored as UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def _months_after(day: date, months: int) -> date:
    years, month = divmod(day.month - 1 + months, 12)
    return clamped_date(day.year + years, month + 1, day.day)


def _yuan(fen: int | None) -> str:
    return str(from_fen(fen)) if fen is not None else ""


@dataclass(frozen=True)
class _Elder:
    """An active elder of the roster, as a case draws on them (plain values: the demo reads
    them tens of times a case, and they travel to the processes that make large demos)."""

    id: int
    name: str


@dataclass(frozen=True)
class _Case:
    """One case in the making: what the helpers below draw its life from."""

    rng: random.Random
    today: date
    received: date
    scenario: Scenario
    parties: list[PartyDraft]
    amount_fen: int
    facts: str
    #: Where the dispute is, for an investigation on the spot.
    scene: str
    lead: _Elder
    recorder: _Elder
    member: _Elder | None
    #: Who registered the case on this computer.
    actor: str
    showcase: _Showcase
    agents: tuple[AgentRecord, ...] = ()
    participants: tuple[ParticipantRecord, ...] = ()

    def day(self, after: date, low: int, high: int) -> date:
        """`low`–`high` days after `after`, but never after the reference day."""
        return min(self.today, after + timedelta(days=self.rng.randint(low, high)))

    def someone(self) -> str:
        """Who records a step: mostly the lead mediator, else the recorder or this computer."""
        return self.rng.choice((self.lead.name, self.lead.name, self.recorder.name, self.actor))

    def speaker(self, index: int) -> str:
        """Who speaks for a party: an organisation's agent or legal representative."""
        party = self.parties[index]
        if party.kind != "organization":
            return party.name
        agent = next((a.name for a in self.agents if a.party == index), None)
        return agent or party.legal_representative

    def voice(self, index: int) -> str:
        """A party as a record of what was said names it: 某公司的委托代理人王某."""
        party = self.parties[index]
        if party.kind != "organization":
            return party.name
        speaker = self.speaker(index)
        agent = any(a.party == index for a in self.agents)
        return f"{party.name}的{'委托代理人' if agent else '法定代表人'}{speaker}"

    def present(self) -> list[str]:
        return [
            p.name if p.kind != "organization" else f"{p.name}（{self.speaker(i)}）"
            for i, p in enumerate(self.parties)
        ]


# ---------------------------------------------------------------- who takes part


def _agents(
    rng: random.Random, people: _People, parties: list[PartyDraft], since: date, today: date
) -> tuple[AgentRecord, ...]:
    """An organisation sends an employee with special authority; an old person may send a child."""
    agents = []
    for index, party in enumerate(parties):
        if party.kind == "organization":
            if rng.random() < 0.8:
                agents.append(
                    AgentRecord(
                        index,
                        people.name(),
                        people.phone(),
                        AuthorityKind.SPECIAL.value,
                        since,
                        SPECIAL_AUTHORITY,
                    )
                )
        elif (
            party.birth_date is not None
            and (today - party.birth_date).days > 75 * 365
            and len(party.name) <= 3
            and rng.random() < 0.3
        ):
            child = party.name[:1] + people.name()[1:]
            agents.append(
                AgentRecord(
                    index,
                    child,
                    people.phone(),
                    AuthorityKind.GENERAL.value,
                    since,
                    GENERAL_AUTHORITY,
                )
            )
    return tuple(agents)


def _participants(
    rng: random.Random, people: _People, scenario: Scenario
) -> tuple[ParticipantRecord, ...]:
    """Sometimes a relative (family disputes) or someone from the 物业 helps mediate."""
    if rng.random() >= 0.25:
        return ()
    organisation = "" if scenario.helper is ParticipantKind.RELATIVE else ORGANIZATIONS[0][0]
    return (ParticipantRecord(people.name(), scenario.helper.value, organisation, people.phone()),)


# ---------------------------------------------------------------- the status history


def _step(case: _Case, event: CaseEvent, before: CaseStatus, on: date) -> StatusStep:
    """One move of the status table, with what the table needs to be told about it."""
    after = next_status(before, event)
    if after is None:
        raise ValueError(f"the status table has no {event.value} from {before.value}")
    actor = case.someone()
    rng = case.rng
    extra: dict[str, Any] = {}
    match event:
        case CaseEvent.DECLINE:
            extra = {"reason": rng.choice(DECLINE_REASONS)}
        case CaseEvent.WITHDRAW:
            extra = {"withdrawn_by": case.parties[0].name, "reason": rng.choice(WITHDRAW_REASONS)}
        case CaseEvent.TERMINATE:
            extra = {"reason": rng.choice(TERMINATE_REASONS)}
        case CaseEvent.REFER:
            target = rng.choice(list(REFERRALS))
            extra = {"referred_to": target.value, "reason": REFERRALS[target]}
        case CaseEvent.FAIL:
            routes = FAILURE_ROUTES.get(case.scenario.dispute_type, (FailureRoute.COURT,))
            extra = {"routes": tuple(sorted(r.value for r in routes))}
        case CaseEvent.START_PERFORMANCE | CaseEvent.COMPLETE_PERFORMANCE:
            extra = {"reason": AUTOMATIC}
    return StatusStep(event.value, before, after, on, actor=actor, **extra)


@dataclass
class _Lived:
    """A case's life from registration to the reference day."""

    steps: list[StatusStep]
    agreement: CleanAgreement | None = None
    performance: tuple[TermPerformance, ...] = ()
    follow_ups: tuple[Visit, ...] = ()

    @property
    def outcome(self) -> StatusStep | None:
        """The step that ended mediation, if it has ended."""
        return next((s for s in self.steps[1:] if s.event in _OUTCOMES), None)

    def day_of(self, event: CaseEvent) -> date | None:
        return next((s.on for s in self.steps if s.event == event.value), None)


def _live(case: _Case, status: CaseStatus, path: tuple[CaseEvent, ...]) -> _Lived:
    """Walk `path` from registration, each step on its day, building what the steps need."""
    lived = _Lived([StatusStep("register", None, CaseStatus.REGISTERED, case.received, case.actor)])
    performed_on: list[date] = []
    for event in path:
        last = lived.steps[-1]
        if event is CaseEvent.START_PERFORMANCE:
            on = min(performed_on) if performed_on else case.day(last.on, 0, 3)
        elif event is CaseEvent.COMPLETE_PERFORMANCE:
            on = max(performed_on)
        else:
            on = case.day(last.on, *GAPS[event])
        if event is CaseEvent.REACH_AGREEMENT:
            lived.agreement, lived.performance = _agreement(case, on, status)
            performed_on = [p[0] for term in lived.performance for p in term.payments]
        elif event is CaseEvent.FOLLOW_UP:
            lived.follow_ups = (_visit(case, on),)
        lived.steps.append(_step(case, event, last.to_status, on))
    return lived


def _life_of(lived: _Lived, tier: Tier) -> CaseLife:
    """The case's own fields its steps set, as `app.services.case_life.move` sets them."""
    fields: dict[str, Any] = {}
    for step in lived.steps[1:]:
        event = step.event  # a code; the events are StrEnum members, equal to their codes
        if event == CaseEvent.ACCEPT:
            fields["accepted_on"] = step.on
        elif event == CaseEvent.DECLINE:
            fields["declined_reason"] = step.reason
        elif event == CaseEvent.REFER:
            fields["tier_resolved"] = Tier.REFERRED
        elif event == CaseEvent.COMPLETE_PERFORMANCE:
            fields["performed_on"] = step.on
        elif event == CaseEvent.ARCHIVE:
            fields["archived_at"] = _moment(step.on, 17, 30)
        if event in _RESOLVING:
            fields["tier_resolved"] = tier
        if event in _CLOSING:
            fields["closed_on"] = step.on
    return CaseLife(**fields)


def _escalations(case: _Case, tier: Tier, lived: _Lived) -> tuple[TierMove, ...]:
    """Up the tiers to `tier` while mediation was open; a referral last, on its own day."""
    outcome = lived.outcome
    span = ((outcome.on if outcome else case.today) - case.received).days
    climb = TIER_ORDER[: TIER_ORDER.index(tier) + 1]
    moves = [
        TierMove(
            a,
            b,
            case.received + timedelta(days=span * (i + 1) // len(climb)),
            ESCALATION_REASONS[b],
            case.lead.name,
        )
        for i, (a, b) in enumerate(pairwise(climb))
    ]
    if outcome is not None and outcome.event == CaseEvent.REFER.value:
        moves.append(TierMove(tier, Tier.REFERRED, outcome.on, outcome.reason, outcome.actor))
    return tuple(moves)


def _with_risk(case: _Case, life: CaseLife, flagged: bool, agreed: bool) -> CaseLife:
    """A case that may escalate is rated yellow or orange, with what is done about it."""
    if not flagged:
        return life
    level = RiskLevel.ORANGE if case.rng.random() < 0.3 else RiskLevel.YELLOW
    return replace(
        life,
        risk_level=level.value,
        risk_measures=RISK_MEASURES[level],
        police_reported_on=(life.accepted_on or case.received)
        if level is RiskLevel.ORANGE
        else None,
        escalation_prevented=agreed,
    )


# ---------------------------------------------------------------- sessions and visits


def _sessions(case: _Case, lived: _Lived) -> tuple[SessionRecord, ...]:
    """Sometimes an investigation on the spot, then one or two mediation sessions."""
    start = lived.day_of(CaseEvent.START_MEDIATION)
    if start is None:
        return ()
    rng = case.rng
    outcome = lived.outcome
    end = outcome.on if outcome else case.today
    held_at_outcome = outcome is not None and outcome.event in (
        CaseEvent.REACH_AGREEMENT.value,
        CaseEvent.FAIL.value,
    )
    last = end if held_at_outcome else case.day(start, 0, (end - start).days)
    days = [last]
    if last > start and rng.random() < 0.4:
        days.insert(0, case.day(start, 0, (last - start).days - 1))
    records = [_investigation(case, start)] if rng.random() < 0.35 else []
    for n, day in enumerate(days):
        final = n == len(days) - 1
        said = SESSION_OUTCOMES[CaseEvent(outcome.event)] if final and outcome else AGAIN
        records.append(_mediation(case, day, said, facts=n == 0))
    return tuple(records)


def _investigation(case: _Case, day: date) -> SessionRecord:
    return SessionRecord(
        kind=SessionKind.INVESTIGATION.value,
        held_at=_moment(day, 9, 30),
        place=case.scene,
        mediators_present="\n".join((case.lead.name, case.recorder.name)),
        parties_present=case.parties[0].name,
        recorder=case.recorder.name,
        statements="调解员到现场查看，并向物业和左右邻居了解情况。",
        facts_verified=case.facts,
        outcome="已掌握基本情况，安排双方当面调解。",
    )


def _mediation(case: _Case, day: date, outcome: str, facts: bool) -> SessionRecord:
    said_by, answered = case.scenario.claims
    panel = [m.name for m in (case.lead, case.member, case.recorder) if m is not None]
    return SessionRecord(
        kind=SessionKind.MEDIATION.value,
        held_at=_moment(day, 15),
        place=ROOM,
        mediators_present="\n".join(panel),
        parties_present="\n".join(case.present()),
        participants_present="\n".join(p.name for p in case.participants),
        recorder=case.recorder.name,
        statements=f"申请人{case.voice(0)}称：{said_by}。\n被申请人{case.voice(1)}称：{answered}。",
        facts_verified=f"经调解员调查核实：{case.facts}" if facts else "",
        outcome=outcome,
    )


def _visit(case: _Case, on: date) -> Visit:
    return Visit(
        on=on,
        mediator_id=case.lead.id,
        performed=True,
        satisfaction=case.rng.choice(("satisfied", "satisfied", "satisfied", "neutral")),
        notes=case.rng.choice(VISIT_NOTES),
        met_with="、".join((case.speaker(0), case.speaker(1))),
    )


# ---------------------------------------------------------------- the agreement and its performance


def _agreement(
    case: _Case, reached: date, status: CaseStatus
) -> tuple[CleanAgreement, tuple[TermPerformance, ...]]:
    rng = case.rng
    written = case.showcase.written or rng.random() >= 0.25
    terms = case.scenario.terms
    drafts = []
    performance = []
    for term, paid in zip(terms, _how_paid(terms, status), strict=True):
        schedule = _schedule(case, term, reached, status)
        obligor, obligee = _term_parties(term.text)
        total = (
            sum(i.amount_fen or 0 for i in schedule.instalments)
            if schedule.kind is ScheduleKind.INSTALMENTS
            else schedule.amount_fen
        )
        drafts.append(TermDraft(term.text, obligor, obligee, _yuan(total), schedule.due))
        performance.append(
            TermPerformance(
                schedule_kind=schedule.kind.value,
                day_of_month=schedule.day_of_month,
                starts_on=schedule.start,
                until=schedule.until,
                instalments=tuple((i.due, i.amount_fen) for i in schedule.instalments),
                payments=_payments(case, schedule, paid, reached),
            )
        )
    agreement = check_agreement(
        AgreementDraft(
            form=AgreementForm.WRITTEN.value if written else AgreementForm.ORAL.value,
            reached_on=reached,
            facts=case.facts,
            responsibility="经调解员释法明理，双方对各自责任达成一致认识。",
            terms=drafts,
        ),
        len(case.parties),
        received_on=case.received,
        today=case.today,
    )
    return agreement, tuple(performance)


def _how_paid(terms: tuple[Term, ...], status: CaseStatus) -> list[_Paid]:
    """Nothing before performance starts, everything once performed; in between money is paid in
    part and acts are done, but one term always stays open."""
    if status is CaseStatus.AGREEMENT_REACHED:
        return [_Paid.NOTHING] * len(terms)
    if status in PERFORMED:
        return [_Paid.ALL] * len(terms)
    paid = [_Paid.PART if t.money else _Paid.ALL for t in terms]
    if _Paid.PART not in paid:
        paid[-1] = _Paid.NOTHING
    return paid


def _schedule(case: _Case, term: Term, reached: date, status: CaseStatus) -> Schedule:
    """Most terms once, ten days after the agreement; some money in parts; 赡养费 every month
    (for a performed case until a day now past, so it could be performed in full)."""
    due = reached + timedelta(days=TERM_DAYS)
    if not term.money:
        return Schedule.one_off(due, None)
    rng = case.rng
    if term.monthly:
        if status in PERFORMED:
            return _monthly(case, reached, rng.randint(3, 6))
        return _monthly(case, reached, 12 if rng.random() < 0.5 else None)
    parts = _parts(case, term)
    if parts:
        share = case.amount_fen // parts // 100 * 100
        amounts = [share] * (parts - 1) + [case.amount_fen - share * (parts - 1)]
        return Schedule.in_instalments(
            Instalment(due + timedelta(days=INSTALMENT_DAYS * k), amount)
            for k, amount in enumerate(amounts)
        )
    return Schedule.one_off(due, case.amount_fen)


def _parts(case: _Case, term: Term) -> int:
    """How many instalments a money term is paid in (0: at once)."""
    if term.in_parts:
        return 2
    if case.showcase.instalments:
        return case.rng.choice((2, 3))
    if case.showcase.plain or case.amount_fen < 200000 or case.rng.random() >= 0.15:
        return 0
    return case.rng.choice((2, 3))


def _monthly(case: _Case, reached: date, months: int | None) -> Schedule:
    """Every month from the agreement on, for `months` months or (None) until further notice."""
    start = reached + timedelta(days=1)
    amount = case.rng.choice(MONTHLY_FEN)
    if months is None:
        return Schedule.monthly(MONTHLY_DAY, amount, start)
    last = _months_after(first_monthly_due(MONTHLY_DAY, start), months - 1)
    return Schedule.monthly(MONTHLY_DAY, amount, start, last)


def _payments(
    case: _Case, schedule: Schedule, paid: _Paid, reached: date
) -> tuple[tuple[date, int | None, str], ...]:
    """Records of performance, each near its due, none before the agreement or after today.

    Dues not yet come are paid ahead on the reference day, in one record.
    """
    if paid is _Paid.NOTHING:
        return ()
    dues = (all_due_dates(schedule) or []) if paid is _Paid.ALL else _paid_in_part(case, schedule)
    rng = case.rng
    records: list[tuple[date, int | None, str]] = []
    day = reached
    for due in dues:
        day = min(case.today, max(day, due.due - timedelta(days=rng.randint(0, 5))))
        if records and records[-1][0] == day and due.amount_fen is not None:
            records[-1] = (day, (records[-1][1] or 0) + due.amount_fen, "一次付清剩余各期")
        else:
            note = rng.choice(MONEY_NOTES) if due.amount_fen is not None else ACT_NOTE
            records.append((day, due.amount_fen, note))
    if (
        paid is _Paid.ALL
        and schedule.kind is ScheduleKind.ONE_OFF
        and schedule.amount_fen is not None
        and rng.random() < 0.3
    ):
        return _in_two(case, records[0], reached)
    return tuple(records)


def _paid_in_part(case: _Case, schedule: Schedule) -> list[Instalment]:
    """What an obligation being performed has paid: about half of a one-off, the first
    instalment, the months so far (perhaps but the last)."""
    if schedule.kind is ScheduleKind.INSTALMENTS:
        return list(schedule.instalments[:1])
    if schedule.kind is ScheduleKind.RECURRING:
        months = due_dates(schedule, case.today)
        return months[:-1] if months and case.rng.random() < 0.5 else months
    assert schedule.due is not None and schedule.amount_fen is not None
    part = schedule.amount_fen * case.rng.choice((3, 5)) // 1000 * 100
    return [Instalment(schedule.due, part)]


def _in_two(
    case: _Case, record: tuple[date, int | None, str], reached: date
) -> tuple[tuple[date, int | None, str], ...]:
    """A one-off paid in full in two payments: half a few days before the rest."""
    day, amount, note = record
    assert amount is not None
    half = amount // 200 * 100
    first = max(reached, day - timedelta(days=case.rng.randint(2, 7)))
    return ((first, half, "先付一半"), (day, amount - half, f"付清余款，{note}"))


def _confirmation(case: _Case, agreement: CleanAgreement) -> Confirmation:
    """A few written agreements are taken to the court for judicial confirmation (art. 33)."""
    reached = agreement.reached_on
    if (
        agreement.form is not AgreementForm.WRITTEN
        or reached is None
        or case.showcase.written
        or case.rng.random() >= 0.08
    ):
        return Confirmation()
    applied = case.day(reached, 3, 20)
    decided = applied + timedelta(days=case.rng.randint(7, 20))
    if decided > case.today:
        return Confirmation(applied_on=applied, court=COURT)
    return Confirmation(applied, COURT, "裁定确认调解协议有效", decided)


# ---------------------------------------------------------------- one case, and the whole demo


@lru_cache(maxsize=4096)
def _suggested(facts: CaseFacts) -> CaseClass:
    """The scheme's suggestion (its reasons are words the demo has no use for): a few hundred
    kinds of facts among a demo's cases, so each is worked out once."""
    return suggest_class(SCHEME, facts)[0]


def _facts(clean: CleanCase, life: CaseLife, escalations: tuple[TierMove, ...]) -> CaseFacts:
    """What the subsidy suggestion looks at, as `app.services.subsidy.facts_of` reads it from
    the saved case: a case referred out counts at the highest tier it left from."""
    tier = life.tier_resolved or clean.tier
    if tier is Tier.REFERRED:
        left = [m.from_tier for m in escalations if m.from_tier is not Tier.REFERRED]
        tier = max(left, key=tier_rank) if left else Tier.COMMUNITY
    amount = to_fen(clean.amount) if clean.amount is not None else None
    return CaseFacts(amount, clean.persons_involved, tier, clean.dispute_type)


@dataclass(frozen=True)
class _Demo:
    """What every case of one demo draws on: the random source, the day, the roster."""

    rng: random.Random
    people: _People
    today: date
    actor: str
    active: list[_Elder]
    #: The committee's 以案定补 decisions are drawn from a source of their own, so the cases
    #: themselves are the ones the same seed always gave.
    decisions: random.Random

    def scenario(self, showcase: _Showcase) -> Scenario:
        if showcase is ORDINARY:
            return self.rng.choice(SCENARIOS)
        return self.rng.choice([s for s in SCENARIOS if showcase.fits(s)])

    def parties(self, index: int, scenario: Scenario, compound: str) -> list[PartyDraft]:
        rng, people, today = self.rng, self.people, self.today
        applicant = people.person(PartyRole.APPLICANT, today)
        if scenario.dispute_type in (DisputeType.PROPERTY_MANAGEMENT, DisputeType.LABOUR) or (
            scenario.dispute_type == DisputeType.CONTRACT and rng.random() < 0.3
        ):
            respondent = people.organisation(compound, scenario.dispute_type)
        else:
            respondent = people.person(PartyRole.RESPONDENT, today)
        parties = [applicant, respondent]
        if index == 3:  # a name with a middle dot and one outside the BMP, as real rolls have
            parties[0] = PartyDraft(
                **{**applicant.__dict__, "name": "阿卜杜热合曼·买买提", "ethnicity": "维吾尔族"}
            )
            if respondent.kind == "person":
                parties[1] = PartyDraft(**{**respondent.__dict__, "name": "王𠮷"})
        if rng.random() < 0.12:
            parties.append(people.person(PartyRole.THIRD_PARTY, today))
        return parties

    def case(
        self, index: int, received: date, showcase: _Showcase
    ) -> tuple[CleanCase, CaseHistory]:
        rng, today = self.rng, self.today
        scenario = self.scenario(showcase)
        compound = rng.choice(COMPOUNDS)
        building = f"{rng.randint(1, 12)}号楼"
        parties = self.parties(index, scenario, compound)
        status = showcase.status or _status_for((today - received).days, rng)
        tier = rng.choices([Tier.BUILDING, Tier.COURTYARD, Tier.COMMUNITY], [5, 3, 2])[0]
        path = rng.choice(PATHS[status])
        lead, third, recorder = rng.sample(self.active, 3)
        member = third if tier is Tier.COMMUNITY else None
        facts = scenario.facts.format(b=building, c=compound)
        case = _Case(
            rng=rng,
            today=today,
            received=received,
            scenario=scenario,
            parties=parties,
            amount_fen=rng.choice(AMOUNTS_FEN),
            facts=facts,
            scene=f"{compound}{building}",
            lead=lead,
            recorder=recorder,
            member=member,
            actor=self.actor,
            showcase=showcase,
            agents=_agents(rng, self.people, parties, received, today),
            participants=_participants(rng, self.people, scenario)
            if CaseEvent.START_MEDIATION in path
            else (),
        )
        lived = _live(case, status, path)
        flagged = rng.random() < 0.15
        draft = CaseDraft(
            title=f"{_short(parties[0])}与{_short(parties[1])}{scenario.title}",
            dispute_type=scenario.dispute_type.value,
            source=rng.choice(["application"] * 4 + ["own_initiative", "police"]),
            received_on=received,
            tier=(Tier.REFERRED if status is CaseStatus.REFERRED else tier).value,
            status=status.value,
            place=Place(
                compound,
                building,
                f"{rng.randint(1, 4)}单元",
                f"{rng.randint(1, 7)}0{rng.randint(1, 4)}",
            ),
            amount=_yuan(case.amount_fen),
            persons_involved=len(parties),
            risk_flags=["may_escalate"] if flagged else [],
            facts=facts,
            # What the applicant asks for: the terms the respondent is to perform.
            requests=[t.text for t in scenario.terms if _term_parties(t.text)[0] == 1],
            parties=parties,
        )
        panel = [(lead.id, PanelRole.LEAD), (recorder.id, PanelRole.RECORDER)]
        if member is not None:
            panel.insert(1, (member.id, PanelRole.MEMBER))
        life = _with_risk(case, _life_of(lived, tier), flagged, lived.agreement is not None)
        escalations = _escalations(case, tier, lived)
        clean = check_case(draft, today=today)
        life = self.subsidy(clean, life, lived, escalations)
        history = CaseHistory(
            panel=tuple(panel),
            escalations=escalations,
            agreement=lived.agreement,
            follow_ups=lived.follow_ups,
            status_history=tuple(lived.steps),
            life=life,
            agents=case.agents,
            participants=case.participants,
            sessions=_sessions(case, lived),
            performance=lived.performance,
            confirmation=_confirmation(case, lived.agreement)
            if lived.agreement is not None
            else Confirmation(),
        )
        return clean, history

    def subsidy(
        self,
        clean: CleanCase,
        life: CaseLife,
        lived: _Lived,
        escalations: tuple[TierMove, ...],
    ) -> CaseLife:
        """The class the committee gave a closed case (`app.services.subsidy.set_case_class`):
        mostly the suggested one, now and then another with its reason; a few cases, most of
        them just ended, still wait for theirs. An oral agreement mostly has its proof, and
        some failed mediations are found useful. A refused case is never paid, so never
        classed."""
        outcome = lived.outcome
        if clean.status not in CLOSED_STATUSES or outcome is None:
            return life
        if outcome.event == CaseEvent.DECLINE:
            return life
        rng = self.decisions
        recent = (self.today - outcome.on).days < RECENT_DAYS
        if rng.random() < (0.6 if recent else 0.03):
            return life
        suggested = _suggested(_facts(clean, life, escalations))
        classes = SCHEME.classes
        chosen, reason = suggested, ""
        if rng.random() < 0.07:
            at = classes.index(suggested)
            if at + 1 < len(classes) and (at == 0 or rng.random() < 0.7):
                chosen, reason = classes[at + 1], rng.choice(HIGHER_REASONS)
            elif at > 0:
                chosen, reason = classes[at - 1], rng.choice(LOWER_REASONS)
        oral = lived.agreement is not None and lived.agreement.form is AgreementForm.ORAL
        heard = lived.day_of(CaseEvent.START_MEDIATION) is not None
        return replace(
            life,
            subsidy_class=chosen.code,
            subsidy_reason=reason,
            subsidy_oral_proof=oral and rng.random() < 0.75,
            subsidy_useful=heard and outcome.event in _UNSUCCESSFUL and rng.random() < 0.3,
        )


#: Cases drawn from one random source. The first `CHUNK` come from the demo's own (so a demo of
#: up to 5,000 cases is what it always was); each further chunk has a source seeded by the
#: demo's seed and its number, so it can be made in another process and still come out the same.
CHUNK = 5_000
YEAR_DAYS = 365
#: A demo spans a year per `CASES_A_YEAR` cases, up to ten: 100,000 cases are ten busy years.
CASES_A_YEAR, MAX_YEARS = 10_000, 10


def _years_for(cases: int) -> int:
    return min(MAX_YEARS, max(1, cases // CASES_A_YEAR))


def _received_days(rng: random.Random, today: date, cases: int) -> list[date]:
    """Registration days, oldest first (numbers are handed out in registration order).

    One year: most cases recent, as a room's work is. Several: a year shaped so among them,
    and the earlier years evenly.
    """
    years = _years_for(cases)
    if years == 1:
        ages = (int(rng.triangular(0, 360, 20)) for _ in range(cases))
    else:
        ages = (
            int(rng.triangular(0, 360, 20))
            if rng.random() * years < 1
            else rng.randint(YEAR_DAYS, YEAR_DAYS * years - 1)
            for _ in range(cases)
        )
    return sorted(today - timedelta(days=age) for age in ages)


@dataclass(frozen=True)
class _Chunk:
    """The cases of one chunk after the first, as another process makes them."""

    seed: int
    number: int
    today: date
    actor: str
    elders: tuple[_Elder, ...]
    #: The index (over the whole demo) of the chunk's first case.
    first: int
    received: tuple[date, ...]
    numbers: tuple[Numbered, ...]
    #: By index within the chunk.
    showcases: dict[int, _Showcase]
    #: The moment stamped on the rows as written.
    now: datetime


def _chunk_rows(chunk: _Chunk) -> RowBatch:
    """One chunk's cases, drawn, checked and laid out as rows (in any process)."""
    rng = random.Random(f"{chunk.seed}/{chunk.number}")
    demo = _Demo(
        rng,
        _People(rng),
        chunk.today,
        chunk.actor,
        list(chunk.elders),
        random.Random(f"{chunk.seed}/{chunk.number}/subsidy"),
    )
    layout = CaseLayout(chunk.actor, chunk.now)
    for j, received in enumerate(chunk.received):
        clean, history = demo.case(chunk.first + j, received, chunk.showcases.get(j, ORDINARY))
        layout.add(clean, chunk.numbers[j], case_uuid=str(uuid.uuid4()), history=history)
    return layout.take()


def fill_demo(
    db: Database,
    cases: int = 60,
    seed: int = 2026,
    today: date | None = None,
    actor: str = DEFAULT_ACTOR,
    workers: int | None = None,
) -> DemoSummary:
    """Add a roster and `cases` cases to the database, in one operation.

    Each case is checked by the validators a typed or imported case goes through and written
    in bulk (`app.services.bulk`). Beyond 5,000 cases the further chunks are made by `workers`
    processes (default: one per core, `bulk.default_workers`; 0 makes them here), with the
    same result.
    """
    today = today or date.today()
    rng = random.Random(seed)
    people = _People(rng)
    with db.operation(actor, "demo.fill") as op:
        session = op.session
        committee = session.scalar(select(Committee).limit(1))
        assert committee is not None
        committee.name, committee.short_name = COMMITTEE
        # Hui families live in the area: art. 8 then asks for a minority member (the roster has).
        committee.area_has_minorities = True
        roster = _mediators(rng, people, today, ROSTER if cases <= CASES_A_YEAR else LARGE_ROSTER)
        session.add_all(roster)
        session.flush()
        relative: MediatorRelation | None = None
        elders = tuple(_Elder(m.id, m.name) for m in roster if m.active)
        demo = _Demo(rng, people, today, op.actor, list(elders), random.Random(f"{seed}/subsidy"))
        received_days = _received_days(rng, today, cases)
        showcases = _pick_showcases(rng, [(today - day).days for day in received_days])
        with paused_gc(), bulk_writing(session, actor=op.actor) as writer:
            numbers = [writer.allocate(day.year) for day in received_days]
            chunks = InOrder(
                _chunk_rows,
                [
                    _Chunk(
                        seed,
                        start // CHUNK,
                        today,
                        op.actor,
                        elders,
                        start,
                        tuple(received_days[start : start + CHUNK]),
                        tuple(numbers[start : start + CHUNK]),
                        {
                            i - start: showcase
                            for i, showcase in showcases.items()
                            if start <= i < start + CHUNK
                        },
                        writer.layout.now,
                    )
                    for start in range(CHUNK, cases, CHUNK)
                ],
                workers,
            )
            try:
                for index, received in enumerate(received_days[:CHUNK]):
                    clean, history = demo.case(index, received, showcases.get(index, ORDINARY))
                    writer.add(
                        clean, case_uuid=str(uuid.uuid4()), number=numbers[index], history=history
                    )
                    if relative is None:
                        relative = _relative(roster[WITH_RELATIVE], clean, history)
                writer.flush()
                for batch in chunks:
                    writer.write(batch)
            finally:
                chunks.close()
        if relative is not None:
            session.add(relative)
        op.note = {"cases_added": cases, "mediators_added": len(roster), "seed": seed}
        # Everything changed: the operation layer also rebuilds the search index.
        op.refresh(Changed(case_list=True, mediators=True, settings=True, due=True))
    index_for_search(db)
    return DemoSummary(mediators=len(roster), cases=cases)
