"""The codes of the exchange format with their Chinese labels.

Codes are English and stable (they are stored and exchanged); labels are what the user sees.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Self


class Labelled(StrEnum):
    """A code with a Chinese label; `label` is what every screen and form shows."""

    label: str

    if TYPE_CHECKING:
        # Calling the class looks a member up by its code (the enum metaclass does that);
        # the two-argument `__new__` below only builds the members from `code, label`.
        def __new__(cls, value: object) -> Self: ...

    else:

        def __new__(cls, code: str, label: str) -> Labelled:
            member = str.__new__(cls, code)
            member._value_ = code
            member.label = label
            return member

    @classmethod
    def from_code(cls, code: str) -> Labelled:
        return cls(code)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Tier(Labelled):
    """三级化解 — where a dispute is handled; `REFERRED` means outside the community."""

    BUILDING = "building", "楼栋"
    COURTYARD = "courtyard", "院落"
    COMMUNITY = "community", "社区"
    REFERRED = "referred", "移交社区以外"


class DisputeType(Labelled):
    """纠纷类型 — the statistics categories."""

    MARRIAGE_FAMILY = "marriage_family", "婚姻家庭"
    NEIGHBOURHOOD = "neighbourhood", "邻里"
    HOUSING_HOMESTEAD = "housing_homestead", "房屋宅基地"
    CONTRACT = "contract", "合同"
    PRODUCTION_BUSINESS = "production_business", "生产经营"
    DAMAGES = "damages", "损害赔偿"
    LAND_FOREST = "land_forest", "山林土地"
    REQUISITION_DEMOLITION = "requisition_demolition", "征地拆迁"
    ENVIRONMENT = "environment", "环境污染"
    LABOUR = "labour", "劳动争议"
    VILLAGE_AFFAIRS = "village_affairs", "村务管理"
    TRAFFIC = "traffic", "道路交通事故"
    MEDICAL = "medical", "医疗"
    PROPERTY_MANAGEMENT = "property_management", "物业"
    OTHER = "other", "其他"


class Source(Labelled):
    """案件来源."""

    APPLICATION = "application", "当事人申请"
    OWN_INITIATIVE = "own_initiative", "主动调解"
    COURT = "court", "法院委托/移交"
    POLICE = "police", "公安移交"
    GOVERNMENT = "government", "政府部门移交"
    OTHER = "other", "其他"


class CaseStatus(Labelled):
    """The case life cycle (domain.md)."""

    REGISTERED = "registered", "已登记"
    ACCEPTED = "accepted", "已受理"
    DECLINED = "declined", "不予受理"
    MEDIATING = "mediating", "调解中"
    AGREEMENT_REACHED = "agreement_reached", "达成协议"
    FAILED = "failed", "调解不成"
    WITHDRAWN = "withdrawn", "撤回申请"
    TERMINATED = "terminated", "终止调解"
    REFERRED = "referred", "已移交"
    PERFORMING = "performing", "履行中"
    PERFORMED = "performed", "履行完毕"
    FOLLOWED_UP = "followed_up", "已回访"
    ARCHIVED = "archived", "已归档"


class ReferralTarget(Labelled):
    """Where a case referred out of the committee goes (移交)."""

    STREET_OFFICE = "street_office", "街道办事处"
    JUDICIAL_OFFICE = "judicial_office", "司法所"
    COURT = "court", "人民法院"
    POLICE = "police", "公安机关"
    OTHER = "other", "其他部门"


class FailureRoute(Labelled):
    """The routes the parties are told of when mediation fails (art. 26)."""

    ARBITRATION = "arbitration", "仲裁"
    ADMINISTRATIVE = "administrative", "行政途径"
    COURT = "court", "向人民法院起诉"


class PartyRole(Labelled):
    APPLICANT = "applicant", "申请人"
    RESPONDENT = "respondent", "被申请人"
    THIRD_PARTY = "third_party", "第三人"


class PartyKind(Labelled):
    PERSON = "person", "自然人"
    ORGANIZATION = "organization", "单位"


class Sex(Labelled):
    MALE = "male", "男"
    FEMALE = "female", "女"


class ElderCategory(Labelled):
    """五老 — the default categories; a committee may rename them and add its own."""

    PARTY_MEMBER = "party_member", "老党员"
    CADRE = "cadre", "老干部"
    TEACHER = "teacher", "老教师"
    MODEL_WORKER = "model_worker", "老先进"
    POLICE = "police", "老民警"
    OTHER = "other", "其他"


class PanelRole(Labelled):
    LEAD = "lead", "主持人"
    MEMBER = "member", "调解员"
    RECORDER = "recorder", "记录人"


class AgreementForm(Labelled):
    WRITTEN = "written", "书面协议"
    ORAL = "oral", "口头协议"


class RiskFlag(Labelled):
    MAY_ESCALATE = "may_escalate", "可能激化"
    GROUP_DISPUTE = "group_dispute", "群体性纠纷"
    VULNERABLE_PARTY = "vulnerable_party", "涉及老人、残疾人或未成年人"
    VIOLENCE_RISK = "violence_risk", "有暴力倾向"


class Satisfaction(Labelled):
    SATISFIED = "satisfied", "满意"
    NEUTRAL = "neutral", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class SessionKind(Labelled):
    """A sitting on record: an investigation (调查记录) or a mediation session (调解记录)."""

    MEDIATION = "mediation", "调解"
    INVESTIGATION = "investigation", "调查"


class ParticipantKind(Labelled):
    """Someone at a session who is neither party nor mediator (art. 20: invited to help)."""

    RELATIVE = "relative", "亲属"
    NEIGHBOUR = "neighbour", "邻居"
    WITNESS = "witness", "证人"
    EXPERT = "expert", "专业人士"
    OFFICIAL = "official", "单位或部门人员"
    OTHER = "other", "其他人员"


class AuthorityKind(Labelled):
    """What a party's agent (委托代理人) may do: general, or special (may agree and sign)."""

    GENERAL = "general", "一般授权"
    SPECIAL = "special", "特别授权"


class RiskLevel(Labelled):
    """预警等级 of a dispute that may turn violent or draw a crowd, lowest first."""

    YELLOW = "yellow", "黄色（一般）"
    ORANGE = "orange", "橙色（较大）"
    RED = "red", "红色（重大）"


class PanelChoice(Labelled):
    """How one mediator came to be on the panel (art. 19)."""

    COMMITTEE = "committee", "调解委员会指定"
    PARTIES = "parties", "当事人选定"


class PanelMode(Labelled):
    """How a whole panel is formed (art. 19): designated, chosen by the parties, or both."""

    COMMITTEE = "committee", "调解委员会指定"
    PARTIES = "parties", "当事人选定"
    MIXED = "mixed", "当事人选定与委员会指定结合"


class DrawKind(Labelled):
    """One forming of a panel on record."""

    DRAW = "draw", "抽选"
    REDRAW = "redraw", "重新抽选"
    OVERRIDE = "override", "人工调整"


class RelationKind(Labelled):
    """A mediator's tie to a person that makes them step aside (回避) from that person's case."""

    RELATIVE = "relative", "亲属"
    NEIGHBOUR = "neighbour", "邻居"
    COLLEAGUE = "colleague", "同事"
    LANDLORD = "landlord", "房东或租户"
    FRIEND = "friend", "朋友"
    BUSINESS = "business", "生意往来"
    OTHER = "other", "其他利害关系"


class AttachmentKind(Labelled):
    """What a file kept with the case is; the dossier check looks for some of them."""

    IDENTITY = "identity", "身份证明"
    APPLICATION = "application", "申请书（签字件）"
    EVIDENCE = "evidence", "证据材料"
    RECEIPT = "receipt", "收据或凭证"
    SIGNED = "signed", "签字的文书"
    PHOTO = "photo", "现场照片"
    OTHER = "other", "其他材料"


class FindingOutcome(Labelled):
    """What became of a dispute found while screening an area (矛盾纠纷排查)."""

    CASE = "case", "登记为案件"
    RESOLVED = "resolved", "当场化解"
    WATCH = "watch", "继续关注"
