"""Realistic, reproducible demo data: a Lao Niangjiu room's roster and a year of cases.

Everything comes from one `random.Random(seed)`, so the same seed and reference day give the
same database. Names, compounds and disputes are the kind the seed report describes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from sqlalchemy import select

from app.db.models import Committee, Mediator, MediatorSpecialty
from app.domain.codes import CaseStatus, DisputeType, PanelRole, PartyRole, Tier
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.rules import check_agreement, check_case
from app.domain.validation import credit_code_check_char, resident_id_check_char
from app.domain.values import Place
from app.services.cases import CaseHistory, add_case
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

#: (type, title pattern, facts pattern, terms[(text, has_amount)]). Each term opens with the
#: party who performs it (申请人 or 被申请人): `_term_parties` reads obligor and obligee from it.
SCENARIOS: list[tuple[DisputeType, str, str, list[tuple[str, bool]]]] = [
    (
        DisputeType.NEIGHBOURHOOD,
        "楼上渗水纠纷",
        "{b}楼上住户卫生间防水层老化，多次向楼下渗水，造成楼下天花板、墙面受损，双方因维修和赔偿问题发生争执。",
        [
            ("被申请人于协议签订后十日内请专业人员修复卫生间防水层", False),
            ("被申请人赔偿申请人天花板、墙面维修费用", True),
        ],
    ),
    (
        DisputeType.NEIGHBOURHOOD,
        "噪音扰邻纠纷",
        "{b}住户夜间经常大声播放音乐、拖动家具，影响邻居休息，邻居多次敲门劝说未果，双方发生口角。",
        [
            ("被申请人保证每晚十点后不再大声播放音乐、拖动家具", False),
            ("被申请人向申请人当面赔礼道歉", False),
        ],
    ),
    (
        DisputeType.NEIGHBOURHOOD,
        "车位占用纠纷",
        "{c}内一方长期将车辆停放在另一方购买的固定车位上，经物业劝说仍不挪车，双方多次争吵。",
        [
            ("被申请人于三日内将车辆移出申请人车位，今后不再占用", False),
            ("被申请人补偿申请人停车费用", True),
        ],
    ),
    (
        DisputeType.NEIGHBOURHOOD,
        "宠物扰民纠纷",
        "{b}住户饲养的大型犬未拴绳，在楼道内吠叫并惊吓老人，邻居要求处理遭拒。",
        [
            ("被申请人外出遛狗时必须拴绳，不在楼道内逗留", False),
            ("被申请人承担申请人就医检查费用", True),
        ],
    ),
    (
        DisputeType.NEIGHBOURHOOD,
        "楼道堆物纠纷",
        "{b}楼道公共区域被一户长期堆放杂物、废品，影响通行和消防安全，邻居多次提出意见。",
        [("被申请人于七日内清理楼道内堆放的杂物", False)],
    ),
    (
        DisputeType.NEIGHBOURHOOD,
        "装修扰民纠纷",
        "{b}住户装修时在午休和夜间施工，且装修中损坏了邻居家的墙面。",
        [
            ("被申请人装修施工时间限定在每日8:00—12:00、14:00—18:00", False),
            ("被申请人赔偿申请人墙面修复费用", True),
        ],
    ),
    (
        DisputeType.MARRIAGE_FAMILY,
        "赡养老人纠纷",
        "申请人年迈多病，子女之间因赡养费分担和轮流照顾问题互相推诿，老人生活困难。",
        [
            ("被申请人每月向申请人支付赡养费", True),
            ("被申请人与其他子女按月轮流照顾申请人，每人一个月", False),
        ],
    ),
    (
        DisputeType.MARRIAGE_FAMILY,
        "家庭财产纠纷",
        "兄弟姐妹之间因父母留下的房屋居住和使用问题发生争执，多次吵闹。",
        [("被申请人向申请人支付房屋使用补偿款", True)],
    ),
    (
        DisputeType.PROPERTY_MANAGEMENT,
        "物业服务纠纷",
        "业主认为物业公司长期未维修小区电梯和路灯，拒交物业费，物业公司催缴引发矛盾。",
        [
            ("被申请人于一个月内完成电梯检修和路灯维修", False),
            ("申请人于维修完成后补交物业费", True),
        ],
    ),
    (
        DisputeType.DAMAGES,
        "高空坠物损害赔偿纠纷",
        "{b}楼上住户阳台花盆坠落，砸坏停放在楼下的电动车。",
        [("被申请人赔偿申请人电动车维修费用", True)],
    ),
    (
        DisputeType.CONTRACT,
        "房屋租赁纠纷",
        "租户提前退租，房东以违约为由拒不退还押金，双方发生争执。",
        [("被申请人退还申请人押金", True)],
    ),
    (
        DisputeType.LABOUR,
        "拖欠工资纠纷",
        "申请人在小区便民超市工作三个月，超市以经营困难为由拖欠工资。",
        [("被申请人分两次付清拖欠工资", True)],
    ),
]


@dataclass(frozen=True)
class DemoSummary:
    mediators: int
    cases: int


class _People:
    """Makes up residents with valid ID numbers, phones and addresses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(
        self, role: PartyRole, today: date, min_age: int = 25, max_age: int = 85
    ) -> PartyDraft:
        rng = self.rng
        female = rng.random() < 0.5
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
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
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            address=address,
            occupation=rng.choice(OCCUPATIONS),
        )


def _mediators(rng: random.Random, people: _People, today: date) -> list[Mediator]:
    categories = ["party_member", "cadre", "teacher", "model_worker", "police"]
    specialties = {
        "party_member": ["neighbourhood", "property_management"],
        "cadre": ["contract", "labour"],
        "teacher": ["marriage_family", "neighbourhood"],
        "model_worker": ["damages", "neighbourhood"],
        "police": ["damages", "traffic"],
    }
    roster = []
    for i in range(12):
        category = categories[i % 5]
        p = people.person(PartyRole.APPLICANT, today, 60, 78)
        compound = COMPOUNDS[i % len(COMPOUNDS)]
        roster.append(
            Mediator(
                uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                name=p.name,
                sex=p.sex,
                birth_date=p.birth_date,
                elder_category=category,
                phone=p.phone,
                compound=compound,
                building=f"{rng.randint(1, 12)}号楼",
                unit=f"{rng.randint(1, 4)}单元",
                room=f"{rng.randint(1, 7)}0{rng.randint(1, 4)}",
                active=i != 11,
                notes="",
                specialties=[
                    MediatorSpecialty(dispute_type=s, position=n)
                    for n, s in enumerate(specialties[category])
                ],
            )
        )
    return roster


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
    """Older cases are further along their life."""
    if age_days < 10:
        return rng.choice([CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING])
    if age_days < 40:
        return rng.choice(
            [CaseStatus.MEDIATING, CaseStatus.AGREEMENT_REACHED, CaseStatus.PERFORMING]
        )
    roll = rng.random()
    if roll < 0.08:
        return CaseStatus.FAILED
    if roll < 0.12:
        return CaseStatus.WITHDRAWN
    if roll < 0.16:
        return CaseStatus.REFERRED
    return rng.choice([CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP, CaseStatus.ARCHIVED])


TIER_ORDER = [Tier.BUILDING, Tier.COURTYARD, Tier.COMMUNITY, Tier.REFERRED]
ESCALATION_REASONS = {
    Tier.COURTYARD: "楼栋长调解未果，双方同意提交院落调解",
    Tier.COMMUNITY: "院落调解未果，提交社区老娘舅工作室",
    Tier.REFERRED: "涉及专业鉴定，移交街道司法所",
}
PERFORMED = {CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP, CaseStatus.ARCHIVED}
HAS_AGREEMENT = {
    CaseStatus.AGREEMENT_REACHED,
    CaseStatus.PERFORMING,
    CaseStatus.PERFORMED,
    CaseStatus.FOLLOWED_UP,
    CaseStatus.ARCHIVED,
}


def fill_demo(
    db: Database,
    cases: int = 60,
    seed: int = 2026,
    today: date | None = None,
    actor: str = DEFAULT_ACTOR,
) -> DemoSummary:
    """Add a roster and `cases` cases to the database, in one operation."""
    today = today or date.today()
    rng = random.Random(seed)
    people = _People(rng)
    with db.operation(actor, "demo.fill") as op:
        session = op.session
        committee = session.scalar(select(Committee).limit(1))
        assert committee is not None
        committee.name, committee.short_name = COMMITTEE
        roster = _mediators(rng, people, today)
        session.add_all(roster)
        session.flush()
        active = [m for m in roster if m.active]
        # Numbers are handed out in registration order, so register the oldest first.
        received_days = sorted(
            today - timedelta(days=int(rng.triangular(0, 360, 20))) for _ in range(cases)
        )
        for index, received in enumerate(received_days):
            case_type, title, facts, terms = rng.choice(SCENARIOS)
            compound = rng.choice(COMPOUNDS)
            building = f"{rng.randint(1, 12)}号楼"
            applicant = people.person(PartyRole.APPLICANT, today)
            if case_type in (DisputeType.PROPERTY_MANAGEMENT, DisputeType.LABOUR) or (
                case_type == DisputeType.CONTRACT and rng.random() < 0.3
            ):
                org, representative = rng.choice(ORGANIZATIONS)
                body = f"91410703MA{rng.randint(0, 9999999):07d}"
                respondent = PartyDraft(
                    role="respondent",
                    kind="organization",
                    name=org,
                    credit_code=body + credit_code_check_char(body),
                    legal_representative=representative,
                    address=f"河南省新乡市卫滨区{compound}临街商铺",
                    phone="0373-5" + f"{rng.randint(0, 999999):06d}",
                )
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
            amount = rng.choice([300, 450, 800, 1200, 1250.5, 2000, 3600, 5000, 12000])
            age_days = (today - received).days
            status = _status_for(age_days, rng)
            tier = rng.choices([Tier.BUILDING, Tier.COURTYARD, Tier.COMMUNITY], [5, 3, 2])[0]
            if status == CaseStatus.REFERRED:
                tier = Tier.REFERRED
            draft = CaseDraft(
                title=f"{_short(parties[0])}与{_short(parties[1])}{title}",
                dispute_type=case_type.value,
                source=rng.choice(["application"] * 4 + ["own_initiative", "police"]),
                received_on=received,
                tier=tier.value,
                status=status.value,
                place=Place(
                    compound,
                    building,
                    f"{rng.randint(1, 4)}单元",
                    f"{rng.randint(1, 7)}0{rng.randint(1, 4)}",
                ),
                amount=f"{amount:.2f}",
                persons_involved=len(parties),
                risk_flags=["may_escalate"] if rng.random() < 0.15 else [],
                facts=facts.format(b=building, c=compound),
                # What the applicant asks for: the terms the respondent is to perform.
                requests=[t for t, _ in terms if _term_parties(t)[0] == 1],
                parties=parties,
            )
            chosen = rng.sample(active, 3)
            panel = [(chosen[0].id, PanelRole.LEAD), (chosen[2].id, PanelRole.RECORDER)]
            if tier in (Tier.COMMUNITY, Tier.REFERRED):
                panel.insert(1, (chosen[1].id, PanelRole.MEMBER))
            steps = TIER_ORDER[: TIER_ORDER.index(tier) + 1]
            escalations = tuple(
                (a, b, min(today, received + timedelta(days=2 * (i + 1))), ESCALATION_REASONS[b])
                for i, (a, b) in enumerate(pairwise(steps))
            )
            agreement = None
            follow_ups: tuple = ()
            if status in HAS_AGREEMENT:
                reached = min(today, received + timedelta(days=rng.randint(3, 25)))
                performed = status in PERFORMED
                agreement = check_agreement(
                    AgreementDraft(
                        form="oral" if rng.random() < 0.25 else "written",
                        reached_on=reached,
                        facts=draft.facts,
                        responsibility="经调解员释法明理，双方对各自责任达成一致认识。",
                        terms=[
                            TermDraft(
                                text=text,
                                obligor=_term_parties(text)[0],
                                obligee=_term_parties(text)[1],
                                amount=f"{amount:.2f}" if with_amount else "",
                                due=reached + timedelta(days=10),
                                performed_on=min(
                                    today, reached + timedelta(days=rng.randint(1, 10))
                                )
                                if performed
                                else None,
                            )
                            for text, with_amount in terms
                        ],
                    ),
                    len(parties),
                    received_on=received,
                    today=today,
                )
                if status in {CaseStatus.FOLLOWED_UP, CaseStatus.ARCHIVED}:
                    visit = min(today, reached + timedelta(days=20))
                    follow_ups = (
                        (
                            visit,
                            chosen[0].id,
                            True,
                            "satisfied",
                            "双方已按协议履行，邻里关系和睦。",
                        ),
                    )
            history = CaseHistory(
                panel=tuple(panel),
                escalations=escalations,
                agreement=agreement,
                follow_ups=follow_ups,
            )
            add_case(session, check_case(draft, today=today), history=history, actor=op.actor)
        op.note = {"cases_added": cases, "mediators_added": len(roster), "seed": seed}
        op.refresh(Changed(case_list=True, mediators=True, settings=True, due=True))
    return DemoSummary(mediators=len(roster), cases=cases)
