"""The case exchange format (docs/exchange-format.md): export writes version 4; import reads 1–4.

Version 2 carries a case's whole life: its status history, sessions, invited participants,
agents, attachments (their particulars, not their content), obligation schedules with their
instalments and payments, the judicial confirmation and the follow-ups in full. Version 3 adds
the roster's particulars (absences, training, relations and the rest) and how each panel was
formed: recusals, the draws with their explanations, and the party who chose a mediator; and
the dossier's own facts: each attachment's kind and party, the day the rights notice was given,
the 卷宗情况说明, with the committee's page layout. Version 4 adds 以案定补 and 矛盾纠纷排查: the
committee's subsidy scheme, each case's subsidy class with its reason and the two findings the
claim pays for, and the screening rounds with their findings (a finding registered as a case
names it by uuid). Older files are read as before; a version 1 case gets one "import" step as
its status history.

Import is all-or-nothing: the whole file is checked first, and one wrong value rejects it with a
Chinese message naming the case (index and title), the field and what is wrong. A uuid already
in the database is reported and skipped, never duplicated or overwritten.
"""

from __future__ import annotations

import json
import re
import uuid as uuid_module
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    Case,
    Committee,
    ElderCategoryRow,
    Mediator,
    ScreeningFinding,
    ScreeningRound,
)
from app.domain.codes import (
    AttachmentKind,
    AuthorityKind,
    CaseStatus,
    DisputeType,
    DrawKind,
    FailureRoute,
    FindingOutcome,
    Labelled,
    PanelChoice,
    PanelMode,
    PanelRole,
    ParticipantKind,
    ReferralTarget,
    RelationKind,
    RiskLevel,
    Satisfaction,
    SessionKind,
    Sex,
    Tier,
)
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import ImportFileError, UserError, ValidationError, ValidationErrors
from app.domain.fields import clean_text
from app.domain.lifecycle import CLOSED_STATUSES, CaseEvent, next_status
from app.domain.money import parse_exchange_money, to_fen
from app.domain.numbering import (
    check_case_number,
    check_committee_name,
    check_short_name,
    parse_number,
)
from app.domain.panel import MAX_MEMBERS, PanelSizes
from app.domain.roster import (
    FIELDS,
    MAX_CASE_LIMIT,
    MAX_TRAINING_HOURS,
    AbsenceDraft,
    MediatorDraft,
    RelationDraft,
    TrainingDraft,
    check_mediator,
)
from app.domain.rules import (
    CleanAgreement,
    CleanCase,
    check_agreement,
    check_case,
    check_case_day,
    choose,
    optional_text,
)
from app.domain.schedule import Instalment as ScheduleInstalment
from app.domain.schedule import Schedule, ScheduleKind, validate_schedule
from app.domain.screening import (
    MAX_FINDINGS,
    RoundDraft,
    check_round,
)
from app.domain.subsidy import CODE_MAX, Scheme
from app.domain.tiers import (
    check_escalation_day,
    check_escalation_decided_by,
    check_escalation_reason,
)
from app.domain.validation import check_phone, check_resident_id, require_text, shown_value
from app.domain.values import Place
from app.services.bulk import (
    CaseLayout,
    CaseWriter,
    DrawRow,
    InOrder,
    Numbered,
    RecusalRow,
    RowBatch,
    bulk_writing,
    index_for_search,
    paused_gc,
)
from app.services.cases import (
    AgentRecord,
    AttachmentRecord,
    CaseHistory,
    CaseLife,
    Confirmation,
    PanelSeat,
    ParticipantRecord,
    SessionRecord,
    StatusStep,
    TermPerformance,
    TierMove,
    Visit,
    committee_row,
)
from app.services.database import DEFAULT_COMMITTEE_NAME, DEFAULT_SHORT_NAME, Database
from app.services.exchange_export import (
    FORMAT,
    VERSION,
    _money,
    export_data,
    export_file,
)
from app.services.files import os_problem
from app.services.mediators import fill_mediator
from app.services.operations import DEFAULT_ACTOR
from app.services.subsidy import stored_scheme
from app.views import Changed

E = TypeVar("E", bound=Labelled)

#: Every version import reads, oldest first; the newest is the one export writes (`VERSION`).
READABLE_VERSIONS = (1, 2, 3, 4)
#: The spellings of a uuid import takes: hyphenated or 32 bare digits, perhaps in braces or as a
#: urn (after case and surrounding blanks are set aside). `fullmatch`, never `^…$`: a `$`
#: also matches before a final line break, so "…950e\n" passed and was kept as 37 characters.
_UUID = re.compile(
    r"(?:urn:uuid:)?(?P<brace>\{)?"
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})"
    r"(?(brace)\})"
)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


#: Events of the status history: the life cycle's, and the steps that are not table moves.
HISTORY_EVENTS: dict[str, str] = {
    "register": "登记",
    "import": "导入",
    **{e.value: e.label for e in CaseEvent},
    "amend": "归档后更正",
}


# ====================================================================== import


@dataclass
class ImportReport:
    """What an import did: added counts and what was skipped because its uuid already exists."""

    cases_added: int = 0
    mediators_added: int = 0
    skipped_cases: list[str] = field(default_factory=list)
    skipped_mediators: list[str] = field(default_factory=list)
    #: What became of the file's committee, when it differs from the database's.
    committee_note: str = ""
    #: Attachments recorded from the file: their particulars only, the files travel apart.
    attachments_added: int = 0
    rounds_added: int = 0
    #: "2026-11-20 幸福里小区" of each screening round already in the database.
    skipped_rounds: list[str] = field(default_factory=list)
    #: Subsidy classes of new cases that the database's scheme does not have: code → cases.
    unknown_classes: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"导入完成：新增案件{self.cases_added}件，新增调解员{self.mediators_added}名。"]
        if self.rounds_added:
            lines.append(f"新增矛盾纠纷排查记录{self.rounds_added}次。")
        if self.committee_note:
            lines.append(self.committee_note)
        if self.unknown_classes:
            codes = "、".join(f"“{code}”" for code in self.unknown_classes)
            lines.append(
                f"{sum(self.unknown_classes.values())}件案件的补贴类别（{codes}）不在本数据库的"
                "补贴办法中，已原样导入；申报补贴时这些案件暂缓申报，请在案件页“卷宗”中重新确定"
                "类别，或在“以案定补”中把这些类别加回补贴办法。"
            )
        if self.attachments_added:
            lines.append(
                f"案件附件{self.attachments_added}个只导入了登记信息（文件名、大小、类别、说明）；"
                "交换文件不带附件本身，请把附件文件另行拷贝过来。"
            )
        if self.skipped_mediators:
            lines.append(
                f"已存在而跳过的调解员{len(self.skipped_mediators)}名："
                + "、".join(self.skipped_mediators)
            )
        if self.skipped_cases:
            lines.append(
                f"已存在而跳过的案件{len(self.skipped_cases)}件：" + "、".join(self.skipped_cases)
            )
        if self.skipped_rounds:
            lines.append(
                f"已存在而跳过的排查记录{len(self.skipped_rounds)}次："
                + "、".join(self.skipped_rounds)
            )
        return "\n".join(lines)


#: The Chinese name of every key of the format, so a message says 受理日期（received_on), not
#: just the key (which a volunteer cannot read) or just the label (which is not in the file).
#: They are also the one list of each object's keys: `_keys` below adds only the versions.
TOP_LABELS = {
    "format": "文件格式",
    "version": "版本号",
    "committee": "调解委员会",
    "mediators": "调解员名单",
    "cases": "案件列表",
    "screening_rounds": "矛盾纠纷排查记录",
    "identity_masked": "身份证号和电话已掩去",
}
COMMITTEE_LABELS = {
    "name": "委员会名称",
    "short_name": "简称",
    "case_limit": "每位调解员最多同时办理的案件数",
    "panel_sizes": "各层级调解员组的人数",
    "area_has_minorities": "本地区是否有少数民族居住",
    "page_layout": "文书版式",
    "subsidy_scheme": "补贴办法",
}
PLACE_LABELS = {"compound": "小区", "building": "楼", "unit": "单元", "room": "室"}
MEDIATOR_LABELS = {
    "uuid": "唯一标识",
    "name": "姓名",
    "sex": "性别",
    "ethnicity": FIELDS["ethnicity"].label,
    "birth_date": "出生日期",
    "elder_category": "五老类别",
    "phone": "联系电话",
    "address": "住址",
    "specialties": "擅长的纠纷类型",
    "languages": FIELDS["languages"].label,
    "active": "是否在岗",
    "committee_member": "是否" + FIELDS["committee_member"].label,
    "case_limit": "最多同时办理的案件数",
    "notes": "备注",
    "absences": "外出",
    "trainings": "培训",
    "relations": "需回避的关系",
}
ABSENCE_LABELS = {"from": "开始日期", "to": "结束日期", "reason": "外出原因"}
TRAINING_LABELS = {"on": "培训日期", "topic": "培训内容", "minutes": "时长"}
RELATION_LABELS = {
    "person_name": "对方姓名",
    "kind": "关系",
    "id_number": "对方身份证号",
    "phone": "对方电话",
    "notes": "说明",
}
CASE_LABELS = {
    "uuid": "唯一标识",
    "number": "案件编号",
    "title": "案由",
    "dispute_type": "纠纷类型",
    "source": "案件来源",
    "received_on": "受理日期",
    "accepted_on": "决定受理的日期",
    "declined_reason": "不予受理的理由",
    "tier": "化解层级",
    "tier_resolved": "化解成功的层级",
    "status": "办理状态",
    "place": "发生地点",
    "amount": "涉及金额",
    "persons_involved": "涉及人数",
    "risk_flags": "风险",
    "risk_level": "预警等级",
    "risk_measures": "预防措施",
    "police_reported_on": "报告公安机关的日期",
    "escalation_prevented": "是否防止了激化",
    "facts": "纠纷简要情况",
    "requests": "申请事项",
    "parties": "当事人",
    "participants": "参与调解的其他人员",
    "panel": "调解员组",
    "recusals": "回避申请",
    "panel_draws": "调解员组的组成经过",
    "escalations": "层级变更",
    "mediation_extended_to": "调解期限延长至",
    "extension_reason": "延长调解期限的理由",
    "sessions": "调查和调解记录",
    "agreement": "调解协议",
    "performed_on": "履行完毕的日期",
    "follow_ups": "回访",
    "outcome_note": "结果说明",
    "closed_on": "结案日期",
    "archived_at": "归档时间",
    "rights_notified_on": "告知权利义务的日期",
    "dossier_note": "卷宗情况说明",
    "subsidy_class": "补贴类别",
    "subsidy_reason": "确定补贴类别的理由",
    "subsidy_useful": "是否调解不成但有成效",
    "subsidy_oral_proof": "口头协议是否有证明材料",
    "status_history": "办理经过",
    "attachments": "附件",
}
PARTY_LABELS = {
    "role": "身份",
    "kind": "类别",
    "name": "姓名或单位名称",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "phone": "联系电话",
    "address": "住址",
    "occupation": "职业或职务",
    "credit_code": "统一社会信用代码",
    "legal_representative": "法定代表人",
    "agents": "委托代理人",
}
AGENT_LABELS = {
    "name": "代理人姓名",
    "phone": "联系电话",
    "authority_kind": "授权类型",
    "authorised_on": "授权日期",
    "authority": "代理权限",
}
PARTICIPANT_LABELS = {
    "name": "姓名",
    "kind": "身份",
    "organisation": "单位或与当事人的关系",
    "phone": "联系电话",
}
PANEL_LABELS = {
    "mediator": "调解员",
    "role": "角色",
    "chosen_by": "产生方式",
    "reason": "说明",
    "chosen_by_party": "选定这位调解员的当事人",
}
RECUSAL_LABELS = {
    "mediator": "被申请回避的调解员",
    "party": "申请回避的当事人",
    "on": "申请日期",
    "reason": "回避理由",
}
DRAW_LABELS = {
    "draw_no": "第几次组成",
    "kind": "组成方式",
    "mode": "产生方式",
    "at": "时间",
    "actor": "经办人",
    "reason": "原因",
    "explanation": "抽选说明",
}
ESCALATION_LABELS = {
    "from": "原层级",
    "to": "新层级",
    "on": "变更日期",
    "reason": "原因",
    "decided_by": "决定人",
}
SESSION_LABELS = {
    "kind": "记录类别",
    "held_at": "时间",
    "place": "地点",
    "mediators_present": "到场的调解员",
    "parties_present": "到场的当事人",
    "participants_present": "到场的其他人员",
    "recorder": "记录人",
    "statements": "各方陈述",
    "facts_verified": "查明的事实",
    "outcome": "结果",
}
AGREEMENT_LABELS = {
    "form": "协议形式",
    "reached_on": "达成日期",
    "facts": "纠纷主要事实",
    "issues": "争议事项",
    "responsibility": "各方责任",
    "terms": "协议条款",
    "confirmation": "司法确认",
}
CONFIRMATION_LABELS = {
    "applied_on": "申请日期",
    "court": "受理法院",
    "result": "确认结果",
    "decided_on": "裁定日期",
}
TERM_LABELS = {
    "text": "内容",
    "obligor": "履行人",
    "obligee": "权利人",
    "amount": "金额",
    "due": "履行期限",
    "performed_on": "履行日期",
    "schedule": "履行方式",
    "day_of_month": "每月履行日",
    "starts_on": "开始日期",
    "until": "截止日期",
    "instalments": "分期",
    "payments": "履行记录",
}
INSTALMENT_LABELS = {"due": "履行期限", "amount": "金额"}
PAYMENT_LABELS = {"on": "履行日期", "amount": "履行金额", "note": "说明"}
FOLLOW_UP_LABELS = {
    "on": "回访日期",
    "by": "回访人",
    "met_with": "回访对象",
    "performed": "是否已履行",
    "satisfaction": "满意度",
    "risks": "遗留风险",
    "measures": "采取的措施",
    "notes": "回访情况",
}
STATUS_LABELS = {
    "event": "办理事项",
    "from": "原状态",
    "to": "新状态",
    "on": "日期",
    "actor": "经办人",
    "reason": "原因",
    "withdrawn_by": "撤回人",
    "referred_to": "移交给",
    "routes": "告知当事人的途径",
}
ATTACHMENT_LABELS = {
    "sha256": "文件校验值",
    "original_name": "文件名",
    "size": "文件大小",
    "added_at": "添加时间",
    "description": "说明",
    "kind": "材料类别",
    "party": "所属当事人",
}
ROUND_LABELS = {
    "uuid": "唯一标识",
    "held_on": "排查日期",
    "area": "排查范围",
    "screened_by": "排查人",
    "note": "说明",
    "findings": "排查发现",
}
FINDING_LABELS = {
    "description": "情况",
    "outcome": "处理结果",
    "case": "登记的案件",
    "note": "说明",
}


def _keys(
    labels: Mapping[str, str], added: Mapping[int, set[str]] | None = None, since: int = 1
) -> dict[int, frozenset[str]]:
    """The keys an object may have in each version of the format.

    They are its labels' keys, less those a later version `added`; an object first written in
    version `since` is in no earlier file (its parent's key is refused there first).
    """
    later = added or {}
    return {
        version: frozenset(
            key
            for key in labels
            if not any(key in keys for v, keys in later.items() if v > version)
        )
        for version in READABLE_VERSIONS
        if version >= since
    }


TOP_KEYS = _keys(TOP_LABELS, {4: {"screening_rounds", "identity_masked"}})
#: The keys whose values `export --mask` masks (app.services.exchange_export).
MASKED_KEYS = frozenset({"id_number", "phone"})
COMMITTEE_KEYS = _keys(
    COMMITTEE_LABELS,
    {3: {"case_limit", "panel_sizes", "area_has_minorities", "page_layout"}, 4: {"subsidy_scheme"}},
)
PLACE_KEYS = _keys(PLACE_LABELS)
MEDIATOR_KEYS = _keys(
    MEDIATOR_LABELS,
    {
        2: {"notes"},
        3: {
            "ethnicity",
            "languages",
            "committee_member",
            "case_limit",
            "absences",
            "trainings",
            "relations",
        },
    },
)
ABSENCE_KEYS = _keys(ABSENCE_LABELS, since=3)
TRAINING_KEYS = _keys(TRAINING_LABELS, since=3)
RELATION_KEYS = _keys(RELATION_LABELS, since=3)
CASE_KEYS = _keys(
    CASE_LABELS,
    {
        2: {
            "accepted_on",
            "declined_reason",
            "tier_resolved",
            "risk_level",
            "risk_measures",
            "police_reported_on",
            "escalation_prevented",
            "participants",
            "mediation_extended_to",
            "extension_reason",
            "sessions",
            "performed_on",
            "outcome_note",
            "closed_on",
            "archived_at",
            "status_history",
            "attachments",
        },
        3: {"recusals", "panel_draws", "rights_notified_on", "dossier_note"},
        4: {"subsidy_class", "subsidy_reason", "subsidy_useful", "subsidy_oral_proof"},
    },
)
PARTY_KEYS = _keys(PARTY_LABELS, {2: {"agents"}})
AGENT_KEYS = _keys(AGENT_LABELS, since=2)
PARTICIPANT_KEYS = _keys(PARTICIPANT_LABELS, since=2)
PANEL_KEYS = _keys(PANEL_LABELS, {2: {"chosen_by", "reason"}, 3: {"chosen_by_party"}})
RECUSAL_KEYS = _keys(RECUSAL_LABELS, since=3)
DRAW_KEYS = _keys(DRAW_LABELS, since=3)
ESCALATION_KEYS = _keys(ESCALATION_LABELS, {2: {"decided_by"}})
SESSION_KEYS = _keys(SESSION_LABELS, since=2)
AGREEMENT_KEYS = _keys(AGREEMENT_LABELS, {2: {"issues", "confirmation"}})
CONFIRMATION_KEYS = _keys(CONFIRMATION_LABELS, since=2)
TERM_KEYS = _keys(
    TERM_LABELS,
    {2: {"schedule", "day_of_month", "starts_on", "until", "instalments", "payments"}},
)
INSTALMENT_KEYS = _keys(INSTALMENT_LABELS, since=2)
PAYMENT_KEYS = _keys(PAYMENT_LABELS, since=2)
FOLLOW_UP_KEYS = _keys(FOLLOW_UP_LABELS, {2: {"met_with", "risks", "measures"}})
STATUS_KEYS = _keys(STATUS_LABELS, since=2)
ATTACHMENT_KEYS = _keys(ATTACHMENT_LABELS, {3: {"kind", "party"}}, since=2)
ROUND_KEYS = _keys(ROUND_LABELS, since=4)
FINDING_KEYS = _keys(FINDING_LABELS, since=4)

NOTHING_CHANGED = "导入失败，数据库没有任何改动。"


class _Where:
    """Where in the file a value sits, for messages: 第2个案件“楼上渗水纠纷”的……

    It also knows the file's version, which decides the keys an object may have.
    """

    def __init__(
        self, prefix: str, labels: Mapping[str, str] | None = None, version: int = VERSION
    ) -> None:
        self.prefix = prefix
        self.labels = labels or {}
        self.version = version

    def name(self, key: str) -> str:
        """受理日期（received_on）: the Chinese name with the key as the file writes it."""
        label = self.labels.get(key)
        return f"{label}（{key}）" if label else f"“{key}”"

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def inner(self, extra: str, labels: Mapping[str, str]) -> _Where:
        return _Where(self.prefix + extra, labels, self.version)

    def fail(self, problem: str) -> ImportFileError:
        return ImportFileError(f"{NOTHING_CHANGED}{self.prefix}{problem}")

    def invalid(
        self, error: ValidationError, key: str | None = None, more: str = ""
    ) -> ImportFileError:
        """A checked field's error, with the field's key so it can be found in the file."""
        return self.fail(f"{error.message}（在文件中是 {key or error.field}）{more}")


def _shown(value: Any) -> str:
    """A value as the file writes it (true, 1.5, [..]): never Python's None or True; cut short
    and with anything unprintable as “?”, so a message never repeats a pasted page or carries a
    terminal escape."""
    if isinstance(value, str):
        return shown_value(value)
    try:
        # The start is enough: a value of a hundred thousand items is never shown whole.
        text = json.dumps(value[:3] if isinstance(value, list) else value, ensure_ascii=False)
    except (RecursionError, ValueError):  # nested thousands deep
        text = "[…]"
    return shown_value(text)


def _keys_shown(keys: list[str]) -> str:
    """Unknown keys named in a message: a few, each cut short."""
    named = "、".join(shown_value(k) for k in keys[:5])
    return named + (f"等{len(keys)}个" if len(keys) > 5 else "")


def _expect_object(
    value: Any, keys: Mapping[int, frozenset[str]], where: _Where, what: str
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.fail(f"{what}应是一个对象（用大括号 {{ }} 括起来）。")
    allowed = keys.get(where.version, frozenset())
    unknown = sorted(set(value) - allowed)
    if not unknown:
        return value
    # The first later version that has every one of them: the version the file was written to.
    newer = [
        v
        for v in READABLE_VERSIONS
        if v > where.version and set(unknown) <= keys.get(v, frozenset())
    ]
    if newer:
        raise where.fail(
            f"{what}中的“{_keys_shown(unknown)}”是第{newer[0]}版格式才有的字段，"
            f'而文件写的是第{where.version}版（"version": {where.version}）。'
            f'如果文件是按第{newer[0]}版写的，请把版本号改为 "version": {newer[0]}；'
            "否则请删去这些字段。"
        )
    raise where.fail(
        f"{what}中有不认识的字段“{_keys_shown(unknown)}”。交换文件只能包含第{where.version}版"
        "格式规定的字段，请检查拼写。"
    )


def _list(value: Any, where: _Where, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise where.fail(f"{where.name(key)}应是一个列表（用方括号 [ ] 括起来）。")
    return value


def _text(value: Any, where: _Where, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise where.fail(f"{where.name(key)}应是文字（用引号括起来），现在是{_shown(value)}。")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800": no character at all
        raise where.fail(f"{where.name(key)}中有无法识别的字符，请检查这一项。") from None
    return value


def _checked_text(
    value: Any, where: _Where, key: str, limit: int, *, required: bool = False
) -> str:
    """Text stripped and within `limit` characters; `required`: not blank either."""
    raw = _text(value, where, key)
    try:
        if required:
            return require_text(raw, key, where.label(key), max_length=limit)
        return optional_text(raw, key, where.label(key), limit)
    except ValidationError as error:
        raise where.invalid(error, key) from None


def _phone(value: Any, where: _Where, key: str = "phone") -> str:
    raw = _text(value, where, key)
    if not raw.strip():
        return ""
    try:
        return check_phone(raw, key, where.label(key))
    except ValidationError as error:
        raise where.invalid(error, key) from None


def _date_value(value: Any, where: _Where, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise where.fail(
        f"{where.name(key)}应是有效日期，写成 YYYY-MM-DD，例如 2026-03-02，现在是{_shown(value)}。"
    )


def _required_date(value: Any, where: _Where, key: str, example: str = "2026-03-05") -> date:
    day = _date_value(value, where, key)
    if day is None:
        raise where.fail(f"缺少{where.name(key)}，例如 {example}。")
    return day


def _timestamp(value: Any, where: _Where, key: str) -> datetime | None:
    """A moment with its offset from UTC, returned in UTC."""
    if value is None:
        return None
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except (ValueError, OverflowError):  # 0001-01-01T00:00+08:00 is before year 1 in UTC
            pass
    raise where.fail(
        f"{where.name(key)}应是带时区的时间，写成 YYYY-MM-DDTHH:MM:SS+08:00，"
        f"例如 2026-03-10T14:30:00+08:00（北京时间），现在是{_shown(value)}。"
    )


def _required_timestamp(value: Any, where: _Where, key: str) -> datetime:
    moment = _timestamp(value, where, key)
    if moment is None:
        raise where.fail(f"缺少{where.name(key)}，例如 2026-03-10T14:30:00+08:00。")
    return moment


def _money_text(value: Any, where: _Where, key: str) -> str:
    """The amount as the file writes it, refused unless it is a plain "1250.50"."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise where.fail(
            f'{where.name(key)}必须写成带引号的文字，例如 "1250.50"，不能写成数字{_shown(value)}。'
        )
    try:
        parse_exchange_money(value, key, where.labels.get(key, "金额"))
    except ValidationError as error:
        raise where.fail(f"{where.name(key)}：{error.problem}。") from None
    return value


def _fen(value: Any, where: _Where, key: str) -> int | None:
    """An amount of the file in fen; None when absent."""
    text = _money_text(value, where, key)
    return to_fen(parse_exchange_money(text)) if text else None


def _int_or_none(value: Any, where: _Where, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.fail(f"{where.name(key)}应是整数（不带引号），现在是{_shown(value)}。")
    return value


def _bool_or_none(value: Any, where: _Where, key: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise where.fail(f"{where.name(key)}应是 true（是）或 false（否），现在是{_shown(value)}。")


def canonical_uuid(text: str) -> str | None:
    """`text` as the one form a uuid is stored in (36 characters, lower case, hyphenated), or
    None when it is no uuid.

    Every uuid of a file is compared in this form, so the same case written in capitals, in
    braces or with a stray line break is the same case and is skipped, not imported twice.
    """
    bare = text.strip().lower()
    if not _UUID.fullmatch(bare):
        return None
    return str(uuid_module.UUID(bare))


def _uuid(value: Any, where: _Where, key: str = "uuid") -> str:
    shape = "应是36位的唯一标识，例如 0f8fad5b-d9cb-469f-a165-70867728950e"
    if value is None:
        raise where.fail(f"缺少{where.name(key)}，{shape}。")
    found = canonical_uuid(value) if isinstance(value, str) else None
    if found is None:
        raise where.fail(f"{where.name(key)}格式不对，{shape}，现在是{shown_value(value)}。")
    return found


def _canonical_keys(stored: Iterable[str]) -> set[str]:
    """Uuids kept in the database as the file's are compared (an older import may have kept
    one with a trailing line break)."""
    return {canonical_uuid(u) or u for u in stored}


def _clean(value: Any, where: _Where, key: str, field_key: str, *, required: bool = False) -> str:
    """A text of the file checked as the program's one table of fields says (`field_key`, such
    as "escalation.reason"): stripped, bounded, printable; refused with the file's key named."""
    raw = _text(value, where, key)
    try:
        return clean_text(raw, field_key, field=key, label=where.labels.get(key), required=required)
    except ValidationError as error:
        raise where.invalid(error, key) from None


def _place_value(value: Any, where: _Where, key: str) -> Place:
    if value is None:
        return Place()
    data = _expect_object(value, PLACE_KEYS, where, where.name(key))
    inside = where.inner(f"{where.name(key)}中的", PLACE_LABELS)
    return Place(*(_text(data.get(k), inside, k) for k in ("compound", "building", "unit", "room")))


def _choice(enum: type[E], value: Any, where: _Where, key: str) -> E:
    code = None if value is None else _text(value, where, key)  # a code is always text
    try:
        return choose(enum, code, key, where.labels.get(key, key))
    except ValidationError as error:
        raise where.invalid(error, key) from None


def _optional_choice(enum: type[E], value: Any, where: _Where, key: str) -> E | None:
    return None if value is None else _choice(enum, value, where, key)


def _names(value: Any, where: _Where, key: str) -> str:
    """A list of names of a sitting's record, kept one per line: each a name as the form takes
    it, and all of them within the field's limit (`session.<key>`)."""
    names = []
    for item in _list(value, where, key):
        if any(c in _text(item, where, key).strip() for c in "\r\n"):
            raise where.fail(f"{where.name(key)}中每个名字单独写一项，名字里不能换行。")
        name = _clean(item, where, key, "party.person_name")
        if name:
            names.append(name)
    return _clean("\n".join(names), where, key, f"session.{key}")


@dataclass
class _MediatorIn:
    uuid: str
    #: Every field checked, as the roster form would hold it.
    draft: MediatorDraft

    @property
    def name(self) -> str:
        return self.draft.name


@dataclass(frozen=True)
class _SeatIn:
    mediator: str
    role: PanelRole
    chosen_by: str
    reason: str
    #: The index of the party who chose this mediator, if one did.
    party: int | None = None


@dataclass(frozen=True)
class _RecusalIn:
    mediator: str
    #: The index of the party who asked, None when the record does not say.
    party: int | None
    on: date
    reason: str


@dataclass(frozen=True)
class _DrawIn:
    draw_no: int
    kind: str
    mode: str
    at: datetime
    actor: str
    reason: str
    explanation: str


@dataclass
class _CaseIn:
    uuid: str
    number: str | None
    clean: CleanCase
    panel: list[_SeatIn]
    escalations: list[TierMove]
    agreement: CleanAgreement | None
    #: (mediator uuid or None, the visit without its mediator id)
    follow_ups: list[tuple[str | None, Visit]]
    #: Everything else of the case's life, ready for `CaseHistory`.
    life: CaseLife = field(default_factory=CaseLife)
    status_history: tuple[StatusStep, ...] = ()
    agents: tuple[AgentRecord, ...] = ()
    participants: tuple[ParticipantRecord, ...] = ()
    sessions: tuple[SessionRecord, ...] = ()
    attachments: tuple[AttachmentRecord, ...] = ()
    performance: tuple[TermPerformance, ...] = ()
    confirmation: Confirmation = field(default_factory=Confirmation)
    recusals: tuple[_RecusalIn, ...] = ()
    draws: tuple[_DrawIn, ...] = ()


def _refuse(problem: str) -> ImportFileError:
    return ImportFileError(f"{problem}数据库没有任何改动。")


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _refuse(f"找不到文件“{path}”，请检查文件名和所在文件夹。") from None
    except OSError as error:
        raise _refuse(f"无法读取文件“{path}”：{os_problem(error)}。") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(
            f"文件“{path.name}”不是 UTF-8 编码的文字文件，可能选错了文件或文件已损坏。"
        ) from None
    if not text or text.isspace():  # not strip(): that copies a whole 800 MB file
        raise _refuse(
            f"文件是空的：“{path.name}”里面什么也没有。请确认选对了文件，"
            "交换文件是由“导出”（export）生成的。"
        )
    return text


def _parse(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _refuse(
            f"文件“{path.name}”不是有效的交换文件：第{error.lineno}行第{error.colno}列格式有误"
            "（文件可能不完整或被改坏了）。"
        ) from None
    except (RecursionError, ValueError):  # brackets nested thousands deep, a 5000-digit number
        raise _refuse(
            f"文件“{path.name}”不是有效的交换文件：内容的结构不对"
            "（括号套得太深或数字太长，文件可能被改坏了）。"
        ) from None


def _read_file(path: Path) -> Any:
    return _parse(_read_text(path), path)


#: How `write_json` lays out the case list (indent 2): each case an object at indent 4. The
#: strings of a JSON text hold no raw line breaks, so these occur nowhere else in such a file.
_CASES_OPEN = '\n  "cases": [\n    {'
_CASES_CLOSE = "\n  ]"
_BETWEEN_CASES = "\n    },\n    {"
_CASES_HERE = "\x00cases"


def _split_export(text: str) -> tuple[Any, list[str]] | None:
    """The file's top object without its cases, and each case's JSON text apart: a large
    export read a hundred times faster than parsing it whole here, as each case is parsed
    where it is checked (`_check_chunk`, in several processes).

    Only for a file laid out as `export` writes it; None for any other (it is then parsed
    whole). Whether the split was right is proved as it goes: the rest of the file must parse
    with the list's place marked, and each case's text must parse by itself, or the file is
    read the usual way (`_SplitFailed`). A JSON array whose elements each parse is the list
    of them, so the cases are exactly those the whole file holds.
    """
    start = text.find(_CASES_OPEN)
    if start < 0:
        return None
    body_start = start + len(_CASES_OPEN) - 1  # at the first case's "{"
    end = text.find(_CASES_CLOSE, body_start)
    if end < 0:
        return None
    try:
        # The mark written as JSON writes it: a raw control character is no JSON.
        marked = json.dumps(_CASES_HERE)
        top = json.loads(f'{text[:start]}\n  "cases": {marked}{text[end + 4 :]}')
    except (RecursionError, ValueError):  # JSONDecodeError is a ValueError
        return None
    if not isinstance(top, dict) or top.get("cases") != _CASES_HERE:
        return None
    # Split in place (a copy of the cases first would hold an 800 MB file three times over);
    # the roster before them is laid out the same way, so its pieces are left out.
    every = text.split(_BETWEEN_CASES)
    before, after = text.count(_BETWEEN_CASES, 0, body_start), text.count(_BETWEEN_CASES, end)
    pieces = every[before : len(every) - after]
    step = len(_BETWEEN_CASES)
    first_at = sum(len(piece) + step for piece in every[:before])
    last_at = first_at + sum(len(piece) + step for piece in pieces[:-1])
    if len(pieces) == 1:
        pieces[0] = pieces[0][body_start + 1 - first_at : end - first_at]
    else:
        pieces[0] = pieces[0][body_start + 1 - first_at :]
        pieces[-1] = pieces[-1][: end - last_at]
    if not pieces[-1].endswith("\n    }"):
        return None
    pieces[-1] = pieces[-1].removesuffix("\n    }")
    return top, pieces  # each the inside of one case's braces


class _SplitFailed(Exception):
    """A case's text did not parse by itself: the file is read again, whole."""


def _readable() -> str:
    """第1版、第2版和第3版"""
    *older, newest = (f"第{v}版" for v in READABLE_VERSIONS)
    return f"{'、'.join(older)}和{newest}" if older else newest


def _check_header(data: Any) -> tuple[dict[str, Any], int]:
    """The file's top object and its version, refused unless this program can read it."""
    where = _Where("", TOP_LABELS)
    if not isinstance(data, dict):
        raise where.fail(
            "这不是老娘舅的案件交换文件（文件内容应是用大括号 { } 括起来的一个对象）。"
        )
    data = _expect_object(data, TOP_KEYS, where, "文件")
    if data.get("format") != FORMAT:
        raise where.fail(f"这不是老娘舅的案件交换文件（文件格式 format 应为“{FORMAT}”）。")
    version = data.get("version")
    *older, newest = (str(v) for v in READABLE_VERSIONS)
    numbers = f"{'、'.join(older)} 或 {newest}" if older else newest
    if version is None:
        raise where.fail(
            f'文件缺少版本号（version），第{VERSION}版的文件应写 "version": {VERSION}。'
        )
    if isinstance(version, bool) or not isinstance(version, int):
        raise where.fail(
            f"版本号（version）应是数字 {numbers}（不带引号，也不带小数点），"
            f"现在是 {json.dumps(version, ensure_ascii=False)}。"
        )
    if version > VERSION:
        raise where.fail(
            f"这个文件是第{version}版格式，由更新版本的程序导出；本程序只能读取{_readable()}。"
            "请先把程序升级到最新版本，再导入这个文件。"
        )
    if version not in READABLE_VERSIONS:
        raise where.fail(f"版本号（version）应是数字 {numbers}，现在是 {version}。")
    # Checked above against the newest version, before the file's was known: a later
    # version's list (screening_rounds in a version 3 file) is refused only now.
    _expect_object(data, TOP_KEYS, _Where("", TOP_LABELS, version), "文件")
    masked = data.get("identity_masked", False)
    if not isinstance(masked, bool):
        raise where.fail(
            f"“身份证号和电话已掩去”（identity_masked）应写 true 或 false（不带引号），"
            f"现在是 {shown_value(json.dumps(masked, ensure_ascii=False))}。"
        )
    if masked:
        data = _without_masked_numbers(data)
    return data, version


def _without_masked_numbers(value: Any) -> Any:
    """A file `export --mask` wrote, its masked ID numbers and phones (110105********002X,
    139****1111) left empty: a masked number is no number — it would print on an agreement
    and fail every check of one — and the rest of the file is read as any other."""
    if isinstance(value, dict):
        return {
            key: ""
            if key in MASKED_KEYS and isinstance(item, str) and "*" in item
            else _without_masked_numbers(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_masked_numbers(item) for item in value]
    return value


def _category_choices(categories: Mapping[str, str]) -> str:
    return "、".join(f"{label}（{code}）" for code, label in categories.items())


#: The file's key for a field `check_mediator` names otherwise.
_MEDIATOR_KEYS = {"from_on": "from", "to_on": "to", "hours": "minutes"}


def _mediator_key(field_name: str) -> str:
    """compound → address.compound, absences[0].from_on → absences[0].from: where the field
    `check_mediator` names sits in the file."""
    if field_name in ("compound", "building", "unit", "room"):
        return f"address.{field_name}"
    head, dot, tail = field_name.partition(".")
    return f"{head}.{_MEDIATOR_KEYS.get(tail, tail)}" if dot else field_name


def _mediator_in(
    index: int, value: Any, categories: Mapping[str, str], version: int
) -> _MediatorIn:
    name_hint = value.get("name") if isinstance(value, dict) else None
    named = f"“{shown_value(name_hint)}”" if isinstance(name_hint, str) else ""
    where = _Where(
        f"第{index + 1}名调解员{named}：",
        MEDIATOR_LABELS,
        version,
    )
    data = _expect_object(value, MEDIATOR_KEYS, where, "调解员")
    today = date.today()
    category = data.get("elder_category")
    if category is not None and (not isinstance(category, str) or category not in categories):
        raise where.fail(
            f"五老类别（elder_category）“{_shown(category)}”不在本委员会的类别中，"
            f"请从这些中选择：{_category_choices(categories)}。"
        )
    sex = data.get("sex")
    if sex is not None:
        _choice(Sex, sex, where, "sex")
    specialties = [
        _choice(DisputeType, s, where, "specialties").value
        for s in _list(data.get("specialties"), where, "specialties")
    ]
    active = _bool_or_none(data.get("active"), where, "active")
    mediator_uuid = _uuid(data.get("uuid"), where)
    place = _place_value(data.get("address"), where, "address")
    # A version 1 or 2 file has none of the new keys: they give the roster form's defaults.
    given = MediatorDraft(
        name=_text(data.get("name"), where, "name"),
        sex=sex or "",
        ethnicity=_text(data.get("ethnicity"), where, "ethnicity"),
        birth_date=_date_value(data.get("birth_date"), where, "birth_date"),
        elder_category=category or "",
        compound=place.compound,
        building=place.building,
        unit=place.unit,
        room=place.room,
        phone=_text(data.get("phone"), where, "phone"),
        specialties=list(dict.fromkeys(specialties)),  # in the file's order, once each
        languages=_text(data.get("languages"), where, "languages"),
        active=True if active is None else active,
        committee_member=bool(
            _bool_or_none(data.get("committee_member"), where, "committee_member")
        ),
        case_limit=_case_limit(data.get("case_limit"), where, "（null，按委员会的设定）"),
        notes=_text(data.get("notes"), where, "notes"),
        absences=_absences_in(data, where),
        trainings=_trainings_in(data, where, today),
        relations=_relations_in(data, where, today),
    )
    # The roster form's own check, so a file cannot bring what the form would refuse.
    try:
        draft = check_mediator(given, categories=set(categories), today=today)
    except ValidationErrors as errors:
        first = errors.errors[0]
        more = f"（另有{len(errors.errors) - 1}处错误）" if len(errors.errors) > 1 else ""
        raise where.invalid(first, _mediator_key(first.field), more) from None
    return _MediatorIn(mediator_uuid, draft)


def _case_limit(value: Any, where: _Where, when_empty: str = "") -> int | None:
    """The most open cases at once: 1 to `MAX_CASE_LIMIT`; None where it may be left out."""
    limit = _int_or_none(value, where, "case_limit")
    if limit is not None and not 1 <= limit <= MAX_CASE_LIMIT:
        empty = f"，或者不填{when_empty}" if when_empty else ""
        raise where.fail(
            f"{where.name('case_limit')}应是1到{MAX_CASE_LIMIT}之间的整数{empty}，现在是{limit}。"
        )
    return limit


def _absences_in(data: dict[str, Any], where: _Where) -> list[AbsenceDraft]:
    absences = []
    for index, value in enumerate(_list(data.get("absences"), where, "absences")):
        a_where = where.inner(f"第{index + 1}次外出：", ABSENCE_LABELS)
        a = _expect_object(value, ABSENCE_KEYS, a_where, "外出")
        start = _required_date(a.get("from"), a_where, "from")
        end = _required_date(a.get("to"), a_where, "to")
        if end < start:
            raise a_where.fail(
                f"{a_where.name('to')}{end}早于{a_where.name('from')}{start}，请核对。"
                "只外出一天的，两个日期写同一天。"
            )
        reason = _clean(a.get("reason"), a_where, "reason", "absence.reason")
        absences.append(AbsenceDraft(start, end, reason))
    return absences


#: A training of more minutes than this is a typing mistake (as on the roster form).
MAX_TRAINING_MINUTES = MAX_TRAINING_HOURS * 60


def _trainings_in(data: dict[str, Any], where: _Where, today: date) -> list[TrainingDraft]:
    trainings = []
    for index, value in enumerate(_list(data.get("trainings"), where, "trainings")):
        t_where = where.inner(f"第{index + 1}次培训：", TRAINING_LABELS)
        t = _expect_object(value, TRAINING_KEYS, t_where, "培训")
        on = _required_date(t.get("on"), t_where, "on")
        if on > today:
            raise t_where.fail(f"{t_where.name('on')}{on}还没到，培训以后才能登记，请核对。")
        topic = _clean(t.get("topic"), t_where, "topic", "training.topic", required=True)
        minutes = _int_or_none(t.get("minutes"), t_where, "minutes")
        if minutes is None or not 0 < minutes <= MAX_TRAINING_MINUTES:
            raise t_where.fail(
                f"{t_where.name('minutes')}应是培训的分钟数，1到{MAX_TRAINING_MINUTES}之间的整数，"
                f"例如 120（2小时）、90（1.5小时），现在是{_shown(minutes)}。"
            )
        trainings.append(TrainingDraft(on, topic, minutes=minutes))
    return trainings


def _relations_in(data: dict[str, Any], where: _Where, today: date) -> list[RelationDraft]:
    relations = []
    for index, value in enumerate(_list(data.get("relations"), where, "relations")):
        r_where = where.inner(f"第{index + 1}项需回避的关系：", RELATION_LABELS)
        r = _expect_object(value, RELATION_KEYS, r_where, "需回避的关系")
        name = _clean(
            r.get("person_name"), r_where, "person_name", "relation.person_name", required=True
        )
        kind = _choice(RelationKind, r.get("kind"), r_where, "kind")
        id_number = _text(r.get("id_number"), r_where, "id_number").strip().upper()
        if id_number:
            try:
                id_number = check_resident_id(
                    id_number, "id_number", r_where.label("id_number"), today=today
                )
            except ValidationError as error:
                raise r_where.invalid(error, "id_number") from None
        relations.append(
            RelationDraft(
                person_name=name,
                kind=kind.value,
                id_number=id_number,
                phone=_phone(r.get("phone"), r_where),
                notes=_clean(r.get("notes"), r_where, "notes", "relation.notes"),
            )
        )
    return relations


def _party_where(where: _Where, index: int) -> _Where:
    return where.inner(f"第{index + 1}位当事人：", PARTY_LABELS)


def _party_draft(p_value: Any, where: _Where) -> PartyDraft:
    p = _expect_object(p_value, PARTY_KEYS, where, "当事人")
    sex = p.get("sex")
    return PartyDraft(
        role=_text(p.get("role"), where, "role"),
        kind=_text(p.get("kind"), where, "kind") or "person",
        name=_text(p.get("name"), where, "name"),
        sex=None if sex is None else _text(sex, where, "sex"),
        ethnicity=_text(p.get("ethnicity"), where, "ethnicity"),
        birth_date=_date_value(p.get("birth_date"), where, "birth_date"),
        id_number=_text(p.get("id_number"), where, "id_number"),
        phone=_text(p.get("phone"), where, "phone"),
        address=_text(p.get("address"), where, "address"),
        occupation=_text(p.get("occupation"), where, "occupation"),
        credit_code=_text(p.get("credit_code"), where, "credit_code"),
        legal_representative=_text(p.get("legal_representative"), where, "legal_representative"),
    )


def _case_draft(data: dict[str, Any], where: _Where) -> CaseDraft:
    parties = [
        _party_draft(p, _party_where(where, i))
        for i, p in enumerate(_list(data.get("parties"), where, "parties"))
    ]
    return CaseDraft(
        title=_text(data.get("title"), where, "title"),
        dispute_type=_text(data.get("dispute_type"), where, "dispute_type"),
        source=_text(data.get("source"), where, "source"),
        received_on=_date_value(data.get("received_on"), where, "received_on"),
        tier=_text(data.get("tier"), where, "tier"),
        status=_text(data.get("status"), where, "status") or "registered",
        place=_place_value(data.get("place"), where, "place"),
        amount=_money_text(data.get("amount"), where, "amount"),
        persons_involved=_int_or_none(data.get("persons_involved"), where, "persons_involved"),
        risk_flags=[
            _text(f, where, "risk_flags")
            for f in _list(data.get("risk_flags"), where, "risk_flags")
        ],
        facts=_text(data.get("facts"), where, "facts"),
        requests=[
            _text(r, where, "requests") for r in _list(data.get("requests"), where, "requests")
        ],
        parties=parties,
    )


def _agents_in(data: dict[str, Any], where: _Where) -> tuple[AgentRecord, ...]:
    """Every party's agents (the parties' shape is already checked)."""
    agents = []
    for p_index, party in enumerate(_list(data.get("parties"), where, "parties")):
        p_where = _party_where(where, p_index)
        for a_index, a_value in enumerate(_list(party.get("agents"), p_where, "agents")):
            a_where = p_where.inner(f"第{a_index + 1}位委托代理人：", AGENT_LABELS)
            a = _expect_object(a_value, AGENT_KEYS, a_where, "委托代理人")
            kind = a.get("authority_kind")
            authority_kind = (
                AuthorityKind.GENERAL
                if kind is None
                else _choice(AuthorityKind, kind, a_where, "authority_kind")
            )
            authority = _clean(a.get("authority"), a_where, "authority", "agent.authority")
            if authority_kind is AuthorityKind.SPECIAL and not authority:
                raise a_where.fail(
                    "特别授权（special）要写明代理权限（authority），例如 "
                    "代为承认、放弃、变更调解请求，代为签署调解协议。"
                )
            agents.append(
                AgentRecord(
                    party=p_index,
                    name=_clean(a.get("name"), a_where, "name", "agent.name", required=True),
                    phone=_phone(a.get("phone"), a_where),
                    authority_kind=authority_kind.value,
                    authorised_on=_date_value(a.get("authorised_on"), a_where, "authorised_on"),
                    authority=authority,
                )
            )
    return tuple(agents)


def _known_mediator(value: Any, where: _Where, key: str, mediators: set[str]) -> str:
    mediator = _uuid(value, where, key)
    if mediator not in mediators:
        raise where.fail(f"调解员“{mediator}”既不在文件的调解员名单中，也不在数据库中。")
    return mediator


def _panel_in(
    data: dict[str, Any], where: _Where, mediators: set[str], parties: list[PartyDraft]
) -> list[_SeatIn]:
    panel: list[_SeatIn] = []
    for m_index, m_value in enumerate(_list(data.get("panel"), where, "panel")):
        m_where = where.inner(f"调解员组第{m_index + 1}项：", PANEL_LABELS)
        m = _expect_object(m_value, PANEL_KEYS, m_where, "调解员组成员")
        mediator = _known_mediator(m.get("mediator"), m_where, "mediator", mediators)
        if any(mediator == seat.mediator for seat in panel):
            raise m_where.fail(f"调解员“{mediator}”在调解员组中出现了两次，请删去一次。")
        role = _choice(PanelRole, m.get("role"), m_where, "role")
        chosen = m.get("chosen_by")
        chosen_by = (
            PanelChoice.COMMITTEE
            if chosen is None
            else _choice(PanelChoice, chosen, m_where, "chosen_by")
        )
        reason = _clean(m.get("reason"), m_where, "reason", "panel.reason")
        party = _int_or_none(m.get("chosen_by_party"), m_where, "chosen_by_party")
        _party_index(party, m_where, "chosen_by_party", parties)
        if party is not None and chosen_by is not PanelChoice.PARTIES:
            raise m_where.fail(
                f"只有当事人选定的调解员才写{m_where.name('chosen_by_party')}：请把"
                f"{m_where.name('chosen_by')}写成 {PanelChoice.PARTIES.value}"
                f"（{PanelChoice.PARTIES.label}），或删去 chosen_by_party。"
            )
        panel.append(_SeatIn(mediator, role, chosen_by.value, reason, party))
    return panel


def _recusals_in(
    data: dict[str, Any], where: _Where, mediators: set[str], parties: list[PartyDraft]
) -> tuple[_RecusalIn, ...]:
    recusals = []
    for index, value in enumerate(_list(data.get("recusals"), where, "recusals")):
        r_where = where.inner(f"第{index + 1}次申请回避：", RECUSAL_LABELS)
        r = _expect_object(value, RECUSAL_KEYS, r_where, "回避申请")
        mediator = _known_mediator(r.get("mediator"), r_where, "mediator", mediators)
        party = _int_or_none(r.get("party"), r_where, "party")
        _party_index(party, r_where, "party", parties)
        on = _required_date(r.get("on"), r_where, "on")
        reason = _clean(r.get("reason"), r_where, "reason", "recusal.reason")
        recusals.append(_RecusalIn(mediator, party, on, reason))
    return tuple(recusals)


def _draws_in(data: dict[str, Any], where: _Where) -> tuple[_DrawIn, ...]:
    draws: list[_DrawIn] = []
    for index, value in enumerate(_list(data.get("panel_draws"), where, "panel_draws")):
        d_where = where.inner(f"第{index + 1}次组成调解员组：", DRAW_LABELS)
        d = _expect_object(value, DRAW_KEYS, d_where, "调解员组的组成记录")
        # A change by hand keeps the number of the draw it changes (0 before any draw).
        draw_no = _int_or_none(d.get("draw_no"), d_where, "draw_no")
        if draw_no is None or draw_no < 0:
            raise d_where.fail(
                f"{d_where.name('draw_no')}应是第几次抽选（1、2……；抽选以前的人工调整是0），"
                f"现在是{_shown(draw_no)}。"
            )
        explanation = _text(d.get("explanation"), d_where, "explanation")
        if explanation.strip() and not isinstance(_json_or_none(explanation), dict):
            raise d_where.fail(
                f"{d_where.name('explanation')}应是程序抽选时保存的说明原文"
                "（大括号 { } 括起来的 JSON 文字），现在无法读取，文件可能被改坏了。"
            )
        draws.append(
            _DrawIn(
                draw_no=draw_no,
                kind=_choice(DrawKind, d.get("kind"), d_where, "kind").value,
                mode=_choice(PanelMode, d.get("mode"), d_where, "mode").value,
                at=_required_timestamp(d.get("at"), d_where, "at"),
                actor=_checked_text(d.get("actor"), d_where, "actor", 60),
                reason=_clean(d.get("reason"), d_where, "reason", "draw.reason"),
                # The record as it stood, character for character: never stripped or rewritten.
                explanation=explanation,
            )
        )
    return tuple(draws)


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _escalations_in(
    data: dict[str, Any], where: _Where, received_on: date, today: date
) -> list[TierMove]:
    """The tier moves, each checked as `escalate` checks one: a day between the case's
    receipt and today, a reason and a name within their fields (a move of an older file may
    have no reason)."""
    escalations: list[TierMove] = []
    for e_index, e_value in enumerate(_list(data.get("escalations"), where, "escalations")):
        e_where = where.inner(f"第{e_index + 1}次层级变更：", ESCALATION_LABELS)
        e = _expect_object(e_value, ESCALATION_KEYS, e_where, "层级变更")
        from_tier = _choice(Tier, e.get("from"), e_where, "from")
        to_tier = _choice(Tier, e.get("to"), e_where, "to")
        on = _required_date(e.get("on"), e_where, "on")
        reason = _text(e.get("reason"), e_where, "reason")
        decided_by = _text(e.get("decided_by"), e_where, "decided_by")
        try:
            on = check_escalation_day(on, received_on=received_on, today=today)
            reason = check_escalation_reason(reason, required=False)
            decided_by = check_escalation_decided_by(decided_by)
        except ValidationError as error:
            raise e_where.invalid(error) from None
        escalations.append(TierMove(from_tier, to_tier, on, reason, decided_by))
    return escalations


def _party_index(value: int | None, where: _Where, key: str, parties: list[PartyDraft]) -> None:
    """In a file a term names its parties by index: say which numbers there are to use."""
    if value is None or 0 <= value < len(parties):
        return
    meaning = "，".join(f"{i}是{p.name or f'第{i + 1}位当事人'}" for i, p in enumerate(parties))
    raise where.fail(
        f"{where.name(key)}应是当事人的序号，即0到{len(parties) - 1}之间的整数（{meaning}），"
        f"现在是{value}。"
    )


#: The keys of the file for the fields `validate_schedule` names.
_SCHEDULE_KEYS = {"amount_fen": "amount", "start": "starts_on"}


def _schedule_key(field_name: str) -> str:
    """instalments[1].amount_fen → instalments[1].amount: the key as the file writes it."""
    head, dot, tail = field_name.partition(".")
    if dot:
        return f"{head}.{_SCHEDULE_KEYS.get(tail, tail)}"
    return _SCHEDULE_KEYS.get(head, head)


def _term_in(
    t_value: Any, where: _Where, parties: list[PartyDraft], since: date, today: date
) -> tuple[TermDraft, TermPerformance]:
    """One term and how it is performed; `since`: the day performance can start."""
    t = _expect_object(t_value, TERM_KEYS, where, "协议条款")
    obligor = _int_or_none(t.get("obligor"), where, "obligor")
    obligee = _int_or_none(t.get("obligee"), where, "obligee")
    _party_index(obligor, where, "obligor", parties)
    _party_index(obligee, where, "obligee", parties)
    draft = TermDraft(
        text=_text(t.get("text"), where, "text"),
        obligor=obligor,
        obligee=obligee,
        amount=_money_text(t.get("amount"), where, "amount"),
        due=_date_value(t.get("due"), where, "due"),
        performed_on=_date_value(t.get("performed_on"), where, "performed_on"),
    )
    kind = (
        ScheduleKind.ONE_OFF
        if t.get("schedule") is None
        else _choice(ScheduleKind, t.get("schedule"), where, "schedule")
    )
    instalments = []
    for i_index, i_value in enumerate(_list(t.get("instalments"), where, "instalments")):
        i_where = where.inner(f"第{i_index + 1}期：", INSTALMENT_LABELS)
        i = _expect_object(i_value, INSTALMENT_KEYS, i_where, "分期")
        instalments.append(
            ScheduleInstalment(
                _required_date(i.get("due"), i_where, "due", "2026-04-01"),
                _fen(i.get("amount"), i_where, "amount"),
            )
        )
    amount_fen = to_fen(parse_exchange_money(draft.amount)) if draft.amount else None
    payments_raw = _list(t.get("payments"), where, "payments")
    if obligor is None and (kind is not ScheduleKind.ONE_OFF or payments_raw):
        raise where.fail(
            "这一条没有写明履行人（obligor），不是需要履行的义务，"
            "不能有履行方式（schedule）或履行记录（payments）。"
        )
    # What the schedule alone decides; a one-off's amount and due are the term's own, checked
    # with the agreement as in version 1.
    schedule = Schedule(
        kind,
        due=draft.due if kind is ScheduleKind.RECURRING else None,
        amount_fen=amount_fen if kind is ScheduleKind.RECURRING else None,
        instalments=tuple(instalments),
        day_of_month=_int_or_none(t.get("day_of_month"), where, "day_of_month"),
        start=_date_value(t.get("starts_on"), where, "starts_on"),
        until=_date_value(t.get("until"), where, "until"),
    )
    try:
        validate_schedule(schedule)
    except ValidationError as error:
        raise where.invalid(error, _schedule_key(error.field)) from None
    if kind is ScheduleKind.INSTALMENTS:
        if draft.due is not None:
            raise where.fail(
                f"分期履行的条款不填{where.name('due')}，每期的期限写在分期（instalments）中。"
            )
        # The term's amount is the sum of the parts, as the program keeps it.
        total = sum(i.amount_fen or 0 for i in instalments) or None
        if draft.amount and amount_fen != total:
            should = f"应为各期金额之和 {_money(total)}" if total else "应不填（各期都没有金额）"
            raise where.fail(f"分期履行的{where.name('amount')}{should}，现在是{draft.amount}。")
        draft = replace(draft, amount=_money(total) or "")
    money = schedule.is_money if kind is ScheduleKind.INSTALMENTS else amount_fen is not None
    payments = []
    for p_index, p_value in enumerate(payments_raw):
        p_where = where.inner(f"履行记录第{p_index + 1}项：", PAYMENT_LABELS)
        p = _expect_object(p_value, PAYMENT_KEYS, p_where, "履行记录")
        on = _required_date(p.get("on"), p_where, "on", "2026-04-01")
        if on < since:
            raise p_where.fail(
                f"{p_where.name('on')}不能早于协议达成的日期（{since:%Y-%m-%d}），现在是{on}。"
            )
        try:
            check_case_day(on, "on", p_where.label("on"), received_on=since, today=today)
        except ValidationError as error:
            raise p_where.invalid(error) from None
        paid = _fen(p.get("amount"), p_where, "amount")
        if money and not paid:
            raise p_where.fail(
                f'这一条是支付金钱的义务，{p_where.name("amount")}应是大于0的金额，例如 "600.00"。'
            )
        if not money and paid is not None:
            raise p_where.fail(
                f"这一条不是支付金钱的义务，不填{p_where.name('amount')}，只写履行日期和说明。"
            )
        payments.append((on, paid, _clean(p.get("note"), p_where, "note", "payment.note")))
    performance = TermPerformance(
        schedule_kind=kind.value,
        day_of_month=schedule.day_of_month,
        starts_on=schedule.start,
        until=schedule.until,
        instalments=tuple((i.due, i.amount_fen) for i in instalments),
        payments=tuple(payments),
    )
    return draft, performance


def _confirmation_in(value: Any, where: _Where, reached_on: date | None) -> Confirmation:
    if value is None:
        return Confirmation()
    c_where = where.inner("司法确认：", CONFIRMATION_LABELS)
    c = _expect_object(value, CONFIRMATION_KEYS, c_where, "司法确认")
    confirmation = Confirmation(
        applied_on=_date_value(c.get("applied_on"), c_where, "applied_on"),
        court=_clean(c.get("court"), c_where, "court", "confirmation.court"),
        result=_clean(c.get("result"), c_where, "result", "confirmation.result"),
        decided_on=_date_value(c.get("decided_on"), c_where, "decided_on"),
    )
    applied, decided = confirmation.applied_on, confirmation.decided_on
    if applied is None:
        if confirmation.court or confirmation.result or decided:
            raise c_where.fail("写了法院或结果，也要写申请日期（applied_on），例如 2026-04-02。")
        return confirmation
    if reached_on is not None and applied < reached_on:
        raise c_where.fail(
            f"申请日期（applied_on）不能早于协议达成的日期（{reached_on:%Y-%m-%d}），现在是{applied}。"
        )
    if decided is not None and decided < applied:
        raise c_where.fail(f"裁定日期（decided_on）不能早于申请日期（{applied:%Y-%m-%d}）。")
    return confirmation


def _agreement_in(
    data: dict[str, Any], where: _Where, parties: list[PartyDraft], clean: CleanCase, today: date
) -> tuple[CleanAgreement | None, tuple[TermPerformance, ...], Confirmation]:
    if data.get("agreement") is None:
        return None, (), Confirmation()
    a_where = where.inner("调解协议：", AGREEMENT_LABELS)
    a = _expect_object(data["agreement"], AGREEMENT_KEYS, a_where, "调解协议")
    reached_on = _date_value(a.get("reached_on"), a_where, "reached_on")
    since = reached_on or clean.received_on
    terms = [
        _term_in(t, a_where.inner(f"第{i + 1}条：", TERM_LABELS), parties, since, today)
        for i, t in enumerate(_list(a.get("terms"), a_where, "terms"))
    ]
    draft = AgreementDraft(
        form=_text(a.get("form"), a_where, "form") or "written",
        reached_on=reached_on,
        facts=_text(a.get("facts"), a_where, "facts"),
        issues=_text(a.get("issues"), a_where, "issues"),
        responsibility=_text(a.get("responsibility"), a_where, "responsibility"),
        terms=[term for term, _ in terms],
    )
    try:
        agreement = check_agreement(draft, len(parties), received_on=clean.received_on)
    except ValidationErrors as errors:
        raise a_where.invalid(errors.errors[0]) from None
    confirmation = _confirmation_in(a.get("confirmation"), a_where, reached_on)
    return agreement, tuple(p for _, p in terms), confirmation


def _follow_ups_in(
    data: dict[str, Any], where: _Where, mediators: set[str], received_on: date, today: date
) -> list[tuple[str | None, Visit]]:
    follow_ups = []
    for f_index, f_value in enumerate(_list(data.get("follow_ups"), where, "follow_ups")):
        f_where = where.inner(f"第{f_index + 1}次回访：", FOLLOW_UP_LABELS)
        f = _expect_object(f_value, FOLLOW_UP_KEYS, f_where, "回访")
        on = _required_date(f.get("on"), f_where, "on", "2026-04-10")
        try:
            check_case_day(on, "on", f_where.label("on"), received_on=received_on, today=today)
        except ValidationError as error:
            raise f_where.invalid(error) from None
        by = _uuid(f.get("by"), f_where, "by") if f.get("by") is not None else None
        if by is not None and by not in mediators:
            raise f_where.fail(f"回访人“{by}”不在调解员名单中。")
        satisfaction = _optional_choice(
            Satisfaction, f.get("satisfaction"), f_where, "satisfaction"
        )
        visit = Visit(
            on=on,
            mediator_id=None,
            performed=_bool_or_none(f.get("performed"), f_where, "performed"),
            satisfaction=satisfaction.value if satisfaction else None,
            notes=_clean(f.get("notes"), f_where, "notes", "follow_up.notes"),
            met_with=_clean(f.get("met_with"), f_where, "met_with", "follow_up.met_with"),
            risks=_clean(f.get("risks"), f_where, "risks", "follow_up.risks"),
            measures=_clean(f.get("measures"), f_where, "measures", "follow_up.measures"),
        )
        follow_ups.append((by, visit))
    return follow_ups


def _status_label(status: CaseStatus | None) -> str:
    return f"“{status.label}”（{status.value}）" if status else "没有状态（null）"


def _status_history_in(
    data: dict[str, Any], where: _Where, status: CaseStatus, received_on: date, today: date
) -> tuple[StatusStep, ...]:
    """The recorded moves, refused unless they are moves the life cycle makes, in order, each
    on a day between the case's receipt and today."""
    steps: list[StatusStep] = []
    for s_index, s_value in enumerate(_list(data.get("status_history"), where, "status_history")):
        s_where = where.inner(f"办理经过第{s_index + 1}步：", STATUS_LABELS)
        s = _expect_object(s_value, STATUS_KEYS, s_where, "办理经过")
        event = _text(s.get("event"), s_where, "event")
        if event not in HISTORY_EVENTS:
            allowed = "、".join(f"{label}（{code}）" for code, label in HISTORY_EVENTS.items())
            raise s_where.fail(
                f"办理事项（event）“{shown_value(event)}”不在可选范围内，请从这些中选择：{allowed}。"
            )
        before = _optional_choice(CaseStatus, s.get("from"), s_where, "from")
        after = _choice(CaseStatus, s.get("to"), s_where, "to")
        on = _required_date(s.get("on"), s_where, "on")
        label = HISTORY_EVENTS[event]
        if event in ("register", "import"):
            if before is not None or (event == "register" and after is not CaseStatus.REGISTERED):
                raise s_where.fail(
                    f"“{label}”（{event}）是案件的第一步：原状态（from）应为 null"
                    + (
                        "，新状态（to）应为“已登记”（registered）。"
                        if event == "register"
                        else "。"
                    )
                )
        elif event == "amend":
            if before is not after:
                raise s_where.fail("“归档后更正”（amend）不改变状态：原状态和新状态应相同。")
        elif before is None or next_status(before, CaseEvent(event)) is not after:
            raise s_where.fail(
                f"“{label}”（{event}）不能让案件从{_status_label(before)}变为{_status_label(after)}。"
            )
        if steps:
            previous = steps[-1]
            if before is not previous.to_status:
                raise s_where.fail(
                    f"原状态（from）应是上一步的新状态{_status_label(previous.to_status)}，"
                    f"现在是{_status_label(before)}。"
                )
            if on < previous.on:
                raise s_where.fail(
                    f"日期（on）{on}早于上一步的日期{previous.on}，办理经过应按先后顺序记录。"
                )
        elif before is not None:
            raise s_where.fail("办理经过应从“登记”（register）或“导入”（import）开始。")
        # The first step is dated the day the case was received as registered; a later
        # correction of that day leaves the step where it was, so only its future is wrong.
        first = event in ("register", "import")
        try:
            check_case_day(
                on,
                "on",
                s_where.label("on"),
                received_on=min(on, received_on) if first else received_on,
                today=today,
            )
        except ValidationError as error:
            raise s_where.invalid(error) from None
        referred = _optional_choice(ReferralTarget, s.get("referred_to"), s_where, "referred_to")
        routes = [
            _choice(FailureRoute, r, s_where, "routes").value
            for r in _list(s.get("routes"), s_where, "routes")
        ]
        steps.append(
            StatusStep(
                event=event,
                from_status=before,
                to_status=after,
                on=on,
                actor=_checked_text(s.get("actor"), s_where, "actor", 60),
                reason=_clean(s.get("reason"), s_where, "reason", "event.reason"),
                withdrawn_by=_clean(
                    s.get("withdrawn_by"), s_where, "withdrawn_by", "event.withdrawn_by"
                ),
                referred_to=referred.value if referred else None,
                routes=tuple(sorted(set(routes))),
            )
        )
    if steps and steps[-1].to_status is not status:
        raise where.fail(
            f"办理状态（status）是{_status_label(status)}，而办理经过（status_history）的最后一步"
            f"是{_status_label(steps[-1].to_status)}，两者应一致。"
        )
    return tuple(steps)


def _participants_in(data: dict[str, Any], where: _Where) -> tuple[ParticipantRecord, ...]:
    participants = []
    for index, value in enumerate(_list(data.get("participants"), where, "participants")):
        p_where = where.inner(f"第{index + 1}位参与调解的人员：", PARTICIPANT_LABELS)
        p = _expect_object(value, PARTICIPANT_KEYS, p_where, "参与调解的人员")
        participants.append(
            ParticipantRecord(
                name=_clean(p.get("name"), p_where, "name", "participant.name", required=True),
                kind=_choice(ParticipantKind, p.get("kind"), p_where, "kind").value,
                organisation=_clean(
                    p.get("organisation"), p_where, "organisation", "participant.organisation"
                ),
                phone=_phone(p.get("phone"), p_where),
            )
        )
    return tuple(participants)


#: The widest offsets from UTC of any place's clocks (Kiribati, Baker Island).
_EASTMOST, _WESTMOST = timedelta(hours=14), timedelta(hours=-12)


def _sitting_day(held_at: datetime, where: _Where, received_on: date, today: date) -> None:
    """A sitting held between the case's receipt and today. Its day depends on the clock it is
    read by, and the file may come from a computer in another time zone: it is refused only
    when it is wrong on every clock — too early even where the day is furthest on, or to
    come even where it is furthest behind."""
    try:
        earliest, latest = (held_at + _EASTMOST).date(), (held_at + _WESTMOST).date()
    except OverflowError:  # the first or last moment a clock can show: no day of a case
        earliest = latest = held_at.date()
    try:
        check_case_day(
            earliest,
            "held_at",
            where.label("held_at"),
            received_on=received_on,
            today=date.max - timedelta(days=2),
        )
        check_case_day(
            latest,
            "held_at",
            where.label("held_at"),
            received_on=min(latest, received_on),
            today=today,
        )
    except ValidationError as error:
        raise where.invalid(error) from None


def _sessions_in(
    data: dict[str, Any], where: _Where, received_on: date, today: date
) -> tuple[SessionRecord, ...]:
    sessions = []
    for index, value in enumerate(_list(data.get("sessions"), where, "sessions")):
        s_where = where.inner(f"第{index + 1}份调查或调解记录：", SESSION_LABELS)
        s = _expect_object(value, SESSION_KEYS, s_where, "调查或调解记录")
        held_at = _required_timestamp(s.get("held_at"), s_where, "held_at")
        _sitting_day(held_at, s_where, received_on, today)
        sessions.append(
            SessionRecord(
                kind=_choice(SessionKind, s.get("kind"), s_where, "kind").value,
                held_at=held_at,
                place=_clean(s.get("place"), s_where, "place", "session.place"),
                mediators_present=_names(s.get("mediators_present"), s_where, "mediators_present"),
                parties_present=_names(s.get("parties_present"), s_where, "parties_present"),
                participants_present=_names(
                    s.get("participants_present"), s_where, "participants_present"
                ),
                recorder=_clean(s.get("recorder"), s_where, "recorder", "session.recorder"),
                statements=_clean(s.get("statements"), s_where, "statements", "session.statements"),
                facts_verified=_clean(
                    s.get("facts_verified"), s_where, "facts_verified", "session.facts_verified"
                ),
                outcome=_clean(s.get("outcome"), s_where, "outcome", "session.outcome"),
            )
        )
    return tuple(sessions)


def _attachments_in(
    data: dict[str, Any], where: _Where, parties: list[PartyDraft]
) -> tuple[AttachmentRecord, ...]:
    """The files' particulars; an identity proof without its party is taken as it is (a record
    from before files named their party): the dossier check then still asks for that party's."""
    attachments = []
    for index, value in enumerate(_list(data.get("attachments"), where, "attachments")):
        a_where = where.inner(f"第{index + 1}个附件：", ATTACHMENT_LABELS)
        a = _expect_object(value, ATTACHMENT_KEYS, a_where, "附件")
        digest = _text(a.get("sha256"), a_where, "sha256").lower()
        if not _SHA256.match(digest):
            raise a_where.fail(
                "文件校验值（sha256）应是64位的十六进制数字（0-9 和 a-f），"
                f"现在是{_shown(a.get('sha256'))}。"
            )
        size = _int_or_none(a.get("size"), a_where, "size")
        if size is None or size < 0:
            raise a_where.fail(
                f"文件大小（size）应是文件的字节数（0或正整数），现在是{_shown(size)}。"
            )
        kind = a.get("kind")
        party = _int_or_none(a.get("party"), a_where, "party")
        _party_index(party, a_where, "party", parties)
        attachments.append(
            AttachmentRecord(
                sha256=digest,
                original_name=_clean(
                    a.get("original_name"),
                    a_where,
                    "original_name",
                    "attachment.original_name",
                    required=True,
                ),
                size=size,
                added_at=_required_timestamp(a.get("added_at"), a_where, "added_at"),
                description=_clean(
                    a.get("description"), a_where, "description", "attachment.description"
                ),
                kind=(
                    AttachmentKind.OTHER
                    if kind is None
                    else _choice(AttachmentKind, kind, a_where, "kind")
                ).value,
                party=party,
            )
        )
    return tuple(attachments)


#: The shape `app.domain.subsidy` gives a class's code (the stored column holds 20 characters).
_CLASS_CODE = re.compile(r"[a-z][a-z0-9_]*")
#: The classes of the program's default scheme, code → label: a file read without a database.
DEFAULT_SCHEME_CLASSES = {c.code: c.label for c in Scheme().classes}


def _subsidy_in(
    data: dict[str, Any], where: _Where, status: CaseStatus, classes: Mapping[str, str]
) -> tuple[str | None, str, bool, bool]:
    """(class, reason, useful, oral proof) of 以案定补, checked as `set_case_class` checks them.

    A code that is not among `classes` (the scheme the database goes by after the import) is
    kept: a committee may drop a class after deciding cases with it, and the claim sheet then
    holds such a case back until its class is decided again; the import summary names them.
    Whether "useful" suits a failed case and "oral proof" an oral agreement is not checked:
    the claim looks at each only where it applies, and an amended agreement may change form.
    """
    value = data.get("subsidy_class")
    code = None if value is None else _text(value, where, "subsidy_class").strip() or None
    if code is not None and (not _CLASS_CODE.fullmatch(code) or len(code) > CODE_MAX):
        named = {label: c for c, label in classes.items()}
        choices = "、".join(f"{label}（{c}）" for c, label in classes.items())
        if code in named:
            raise where.fail(
                f"{where.name('subsidy_class')}要写类别的代码，不写名称：“{code}”请写成 "
                f"{named[code]}。"
            )
        raise where.fail(
            f"{where.name('subsidy_class')}“{shown_value(code)}”不是类别的代码（小写英文字母、数字和下划线，"
            f"字母开头，最多{CODE_MAX}个字符）。本委员会补贴办法的类别有：{choices}。"
        )
    reason = _clean(data.get("subsidy_reason"), where, "subsidy_reason", "case.subsidy_reason")
    useful = bool(_bool_or_none(data.get("subsidy_useful"), where, "subsidy_useful"))
    proof = bool(_bool_or_none(data.get("subsidy_oral_proof"), where, "subsidy_oral_proof"))
    if reason and code is None:
        raise where.fail(
            f"写了{where.name('subsidy_reason')}，却没有{where.name('subsidy_class')}："
            "请补上类别，或删去理由。"
        )
    given = [
        key
        for key, on in (
            ("subsidy_class", code is not None),
            ("subsidy_useful", useful),
            ("subsidy_oral_proof", proof),
        )
        if on
    ]
    if given and status not in CLOSED_STATUSES:
        raise where.fail(
            f"{where.name(given[0])}要在调解结束以后才能确定，而办理状态（status）是"
            f"{_status_label(status)}：请删去这一项，或核对办理状态。"
        )
    return code, reason, useful, proof


def _life_in(
    data: dict[str, Any], where: _Where, clean: CleanCase, classes: Mapping[str, str]
) -> CaseLife:
    accepted_on = _date_value(data.get("accepted_on"), where, "accepted_on")
    if accepted_on is not None and accepted_on < clean.received_on:
        raise where.fail(
            f"决定受理的日期（accepted_on）不能早于受理日期（received_on）{clean.received_on}，"
            f"现在是{accepted_on}。"
        )
    notified_on = _date_value(data.get("rights_notified_on"), where, "rights_notified_on")
    if notified_on is not None and notified_on < clean.received_on:
        raise where.fail(
            f"{where.name('rights_notified_on')}不能早于受理日期（received_on）"
            f"{clean.received_on}，现在是{notified_on}。"
        )
    risk_level = _optional_choice(RiskLevel, data.get("risk_level"), where, "risk_level")
    prevented = _bool_or_none(data.get("escalation_prevented"), where, "escalation_prevented")
    subsidy_class, subsidy_reason, useful, oral_proof = _subsidy_in(
        data, where, clean.status, classes
    )
    return CaseLife(
        accepted_on=accepted_on,
        declined_reason=_clean(
            data.get("declined_reason"), where, "declined_reason", "case.declined_reason"
        ),
        tier_resolved=_optional_choice(Tier, data.get("tier_resolved"), where, "tier_resolved"),
        mediation_extended_to=_date_value(
            data.get("mediation_extended_to"), where, "mediation_extended_to"
        ),
        extension_reason=_clean(
            data.get("extension_reason"), where, "extension_reason", "case.extension_reason"
        ),
        risk_level=risk_level.value if risk_level else None,
        risk_measures=_clean(
            data.get("risk_measures"), where, "risk_measures", "case.risk_measures"
        ),
        police_reported_on=_date_value(data.get("police_reported_on"), where, "police_reported_on"),
        escalation_prevented=bool(prevented),
        outcome_note=_clean(data.get("outcome_note"), where, "outcome_note", "case.outcome_note"),
        performed_on=_date_value(data.get("performed_on"), where, "performed_on"),
        closed_on=_date_value(data.get("closed_on"), where, "closed_on"),
        archived_at=_timestamp(data.get("archived_at"), where, "archived_at"),
        rights_notified_on=notified_on,
        dossier_note=_clean(data.get("dossier_note"), where, "dossier_note", "case.dossier_note"),
        subsidy_class=subsidy_class,
        subsidy_reason=subsidy_reason,
        subsidy_useful=useful,
        subsidy_oral_proof=oral_proof,
    )


def _case_where(index: int, title: Any, version: int = VERSION) -> _Where:
    named = shown_value(title.strip()) if isinstance(title, str) else ""
    return _Where(f"第{index + 1}个案件{f'“{named}”' if named else ''}：", CASE_LABELS, version)


def _case_in(
    index: int,
    value: Any,
    mediator_uuids: set[str],
    version: int,
    classes: Mapping[str, str] = DEFAULT_SCHEME_CLASSES,
) -> _CaseIn:
    """One case checked; `classes`: the subsidy classes (code → label) it may be given."""
    where = _case_where(index, value.get("title") if isinstance(value, dict) else None, version)
    data = _expect_object(value, CASE_KEYS, where, "案件")
    case_uuid = _uuid(data.get("uuid"), where)
    number = data.get("number")
    if number is not None:
        if not isinstance(number, str) or not number.strip():
            raise where.fail("案件编号（number）应是文字，或省略由程序自动编号。")
        try:
            number = check_case_number(_text(number, where, "number"))
        except ValidationError as error:
            raise where.invalid(error, "number") from None
    today = date.today()
    draft = _case_draft(data, where)
    try:
        clean = check_case(draft, today)
    except ValidationErrors as errors:
        more = f"（另有{len(errors.errors) - 1}处错误）" if len(errors.errors) > 1 else ""
        raise where.invalid(errors.errors[0], more=more) from None
    received_on = clean.received_on
    agreement, performance, confirmation = _agreement_in(data, where, draft.parties, clean, today)
    # An older file has none of the keys its version lacks: they give the defaults.
    return _CaseIn(
        case_uuid,
        number,
        clean,
        _panel_in(data, where, mediator_uuids, draft.parties),
        _escalations_in(data, where, received_on, today),
        agreement,
        _follow_ups_in(data, where, mediator_uuids, received_on, today),
        life=_life_in(data, where, clean, classes),
        status_history=_status_history_in(data, where, clean.status, received_on, today),
        agents=_agents_in(data, where),
        participants=_participants_in(data, where),
        sessions=_sessions_in(data, where, received_on, today),
        attachments=_attachments_in(data, where, draft.parties),
        performance=performance,
        confirmation=confirmation,
        recusals=_recusals_in(data, where, mediator_uuids, draft.parties),
        draws=_draws_in(data, where),
    )


@dataclass(frozen=True)
class _FindingIn:
    description: str
    outcome: FindingOutcome
    #: The uuid of the case it was registered as; None for one resolved or watched, or whose
    #: case was deleted since.
    case: str | None
    note: str
    where: _Where


@dataclass(frozen=True)
class _RoundIn:
    uuid: str
    held_on: date
    area: str
    screened_by: str
    note: str
    findings: tuple[_FindingIn, ...]

    @property
    def name(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.area}"


def _round_in(index: int, value: Any, version: int, today: date) -> _RoundIn:
    """One screening round checked as the screening form checks it; its findings' cases are
    looked up once the file's cases are in (`_add_rounds`)."""
    hint = value if isinstance(value, dict) else {}
    said = shown_value(
        " ".join(
            v.strip() for v in (hint.get("held_on"), hint.get("area")) if isinstance(v, str)
        ).strip(),
        40,
    )
    where = _Where(
        f"第{index + 1}次矛盾纠纷排查{f'（{said}）' if said else ''}：", ROUND_LABELS, version
    )
    r = _expect_object(value, ROUND_KEYS, where, "排查记录")
    round_uuid = _uuid(r.get("uuid"), where)
    held_on = _required_date(r.get("held_on"), where, "held_on", "2026-11-20")
    findings_raw = _list(r.get("findings"), where, "findings")
    try:
        clean = check_round(
            RoundDraft(
                held_on=held_on,
                area=_text(r.get("area"), where, "area"),
                screened_by=_text(r.get("screened_by"), where, "screened_by"),
                note=_text(r.get("note"), where, "note"),
            ),
            today,
        )
    except ValidationErrors as errors:
        more = f"（另有{len(errors.errors) - 1}处错误）" if len(errors.errors) > 1 else ""
        raise where.invalid(errors.errors[0], more=more) from None
    if len(findings_raw) > MAX_FINDINGS:
        raise where.fail(
            f"{where.name('findings')}最多{MAX_FINDINGS}项（现在是{len(findings_raw)}项），"
            "一次排查发现得更多的，请分几次记。"
        )
    findings = tuple(
        _finding_in(f, where.inner(f"第{n + 1}项排查发现：", FINDING_LABELS))
        for n, f in enumerate(findings_raw)
    )
    return _RoundIn(round_uuid, held_on, clean.area, clean.screened_by, clean.note, findings)


def _finding_in(value: Any, where: _Where) -> _FindingIn:
    f = _expect_object(value, FINDING_KEYS, where, "排查发现")
    outcome = _choice(FindingOutcome, f.get("outcome"), where, "outcome")
    case = None if f.get("case") is None else _uuid(f.get("case"), where, "case")
    description = _clean(f.get("description"), where, "description", "finding.description")
    if case is not None and outcome is not FindingOutcome.CASE:
        raise where.fail(
            f"{where.name('outcome')}是“{outcome.label}”（{outcome.value}）的发现不登记案件：请删去"
            f"{where.name('case')}，或把处理结果写成 {FindingOutcome.CASE.value}"
            f"（{FindingOutcome.CASE.label}）。"
        )
    # Registered as a case, it may go without words: the case's title stands for them, as on
    # the form. One of a case deleted since (its case null) keeps its own.
    if not description and case is None:
        raise where.fail(
            f"缺少{where.name('description')}：请写明发现了什么纠纷，"
            "例如“3号楼602与502因漏水争吵”。"
        )
    note = _clean(f.get("note"), where, "note", "finding.note")
    return _FindingIn(description, outcome, case, note, where)


def _rounds_in(data: dict[str, Any], version: int, today: date) -> list[_RoundIn]:
    where = _Where("", TOP_LABELS, version)
    rounds = [
        _round_in(i, r, version, today)
        for i, r in enumerate(_list(data.get("screening_rounds"), where, "screening_rounds"))
    ]
    seen: set[str] = set()
    for i, r in enumerate(rounds):
        if r.uuid in seen:
            raise _Where(f"第{i + 1}次矛盾纠纷排查（{r.name}）：").fail(
                "uuid 与文件中另一次排查重复。"
            )
        seen.add(r.uuid)
    return rounds


#: Enough uuids for one `IN (…)`, well within SQLite's limit of bound parameters.
_LOOKUP = 900


def _add_rounds(session: Session, rounds: list[_RoundIn], report: ImportReport) -> None:
    """Write the rounds not yet in the database, each finding on the case it names (one of the
    file's, just written, or one the database had)."""
    existing = _canonical_keys(session.scalars(select(ScreeningRound.uuid)))
    new = [r for r in rounds if r.uuid not in existing]
    report.skipped_rounds = [r.name for r in rounds if r.uuid in existing]
    wanted = sorted({f.case for r in new for f in r.findings if f.case is not None})
    cases: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), _LOOKUP):
        chunk = wanted[start : start + _LOOKUP]
        for row in session.execute(
            select(Case.uuid, Case.id, Case.title).where(Case.uuid.in_(chunk))
        ):
            cases[row.uuid] = (row.id, row.title)
    for r in new:
        findings = []
        for position, f in enumerate(r.findings, start=1):
            found = cases.get(f.case) if f.case is not None else None
            if f.case is not None and found is None:
                raise f.where.fail(f"案件“{f.case}”既不在文件的案件中，也不在数据库中。")
            findings.append(
                ScreeningFinding(
                    position=position,
                    description=f.description or (found[1] if found else ""),
                    outcome=f.outcome.value,
                    case_id=found[0] if found else None,
                    note=f.note,
                )
            )
        session.add(
            ScreeningRound(
                uuid=r.uuid,
                held_on=r.held_on,
                area=r.area,
                screened_by=r.screened_by,
                note=r.note,
                findings=findings,
            )
        )
        report.rounds_added += 1
    session.flush()


def import_file(
    db: Database, path: Path | str, actor: str = DEFAULT_ACTOR, *, workers: int | None = None
) -> ImportReport:
    """Import an exchange file: everything, or nothing with a message saying why."""
    path = Path(path)
    with paused_gc():
        text = _read_text(path)
        split = _split_export(text)
        if split is not None:
            del text  # the cases' texts hold it all again
            try:
                return import_data(db, split[0], actor, workers=workers, case_texts=split[1])
            except _SplitFailed:  # rolled back; the whole file parsed gives the right message
                text = _read_text(path)
        return import_data(db, _parse(text, path), actor, workers=workers)


@dataclass(frozen=True)
class _CommitteeIn:
    name: str
    short_name: str
    #: The panel settings; None where the file does not say (an older file never does).
    case_limit: int | None = None
    panel_sizes: str | None = None
    area_has_minorities: bool | None = None
    page_layout: str | None = None
    #: The subsidy scheme as the database keeps it (`Scheme.to_json`); None: not said.
    subsidy_scheme: str | None = None


def _committee_in(data: dict[str, Any], version: int) -> _CommitteeIn | None:
    where = _Where("", TOP_LABELS, version)
    if data.get("committee") is None:
        return None
    committee = _expect_object(data["committee"], COMMITTEE_KEYS, where, "调解委员会（committee）")
    inside = where.inner("调解委员会（committee）中的", COMMITTEE_LABELS)
    # Left out or blank, the database keeps its own (`_settle_name`); given, each is checked as
    # `init` checks it, since it is printed at the head of every form and in every number.
    name = _text(committee.get("name"), inside, "name").strip()
    short_name = _text(committee.get("short_name"), inside, "short_name").strip()
    try:
        name = check_committee_name(name) if name else ""
        short_name = check_short_name(short_name) if short_name else ""
    except ValidationError as error:
        raise inside.invalid(error) from None
    return _CommitteeIn(
        name,
        short_name,
        case_limit=_case_limit(committee.get("case_limit"), inside),
        panel_sizes=_panel_sizes(committee.get("panel_sizes"), inside),
        area_has_minorities=_bool_or_none(
            committee.get("area_has_minorities"), inside, "area_has_minorities"
        ),
        page_layout=_page_layout(committee.get("page_layout"), inside),
        subsidy_scheme=_subsidy_scheme(committee.get("subsidy_scheme"), inside),
    )


def _subsidy_scheme(value: Any, where: _Where) -> str | None:
    """The scheme's JSON as `update_scheme` stores it, refused with its first problem named.

    Checked whole by the scheme's own rules, as `subsidy scheme --set` checks a file: a
    scheme that cannot be applied would only fail later, at the claim.
    """
    if value is None:
        return None
    key = "subsidy_scheme"
    if not isinstance(value, dict):
        raise where.fail(
            f"{where.name(key)}应是一个对象（用大括号 {{ }} 括起来），写法与补贴办法文件相同"
            f"（见 docs/subsidy.md），现在是{_shown(value)}。"
        )
    try:
        scheme = Scheme.from_data(value)
        text = scheme.to_json()
        text.encode("utf-8")
    except ValidationErrors as errors:
        first = errors.errors[0]
        more = f"（另有{len(errors.errors) - 1}处错误）" if len(errors.errors) > 1 else ""
        raise where.fail(
            f"{where.name(key)}中{first.message}（在文件中是 {key}.{first.field}）{more}"
        ) from None
    except UnicodeEncodeError:  # a lone surrogate in a class's name
        raise where.fail(f"{where.name(key)}中有无法识别的字符，请检查这一项。") from None
    return text


#: The layouts of the printed forms, by their code in the file.
PAGE_LAYOUTS = {"standard": "普通版式", "gbt9704": "GB/T 9704 公文版式"}


def _page_layout(value: Any, where: _Where) -> str | None:
    if value is None:
        return None
    code = _text(value, where, "page_layout")
    if code not in PAGE_LAYOUTS:
        allowed = "、".join(f"{label}（{c}）" for c, label in PAGE_LAYOUTS.items())
        raise where.fail(
            f"{where.name('page_layout')}“{shown_value(code)}”不在可选范围内，请从这些中选择：{allowed}。"
        )
    return code


def _panel_sizes(value: Any, where: _Where) -> str | None:
    """The JSON text of `PanelSizes` as the file has it, refused unless a draw can read all of it.

    The draw quietly takes the defaults for what it cannot read, so a slip here would change
    every panel without a word; refusing it is kinder.
    """
    if value is None:
        return None
    text = _text(value, where, "panel_sizes")
    if not text.strip():
        return ""
    tiers = "、".join(f"{t.label}（{t.value}）" for t in Tier)
    example = '{"community": {"members": 1, "recorder": true}}'
    shape = (
        f"{where.name('panel_sizes')}应是一段写在引号里的 JSON 文字，按层级写除主持人以外的"
        f"调解员人数（members，0到{MAX_MEMBERS}）和是否设记录人（recorder），例如 {example}；"
        f"层级可以是{tiers}。"
    )
    sizes = _json_or_none(text)
    if not isinstance(sizes, dict):
        raise where.fail(f"{shape}现在无法读取。")
    codes = {t.value for t in Tier}
    for tier, seats in sizes.items():
        members = seats.get("members", 0) if isinstance(seats, dict) else None
        if (
            tier not in codes
            or not isinstance(seats, dict)
            or set(seats) - {"members", "recorder"}
            or isinstance(members, bool)
            or not isinstance(members, int)
            or not 0 <= members <= MAX_MEMBERS
            or not isinstance(seats.get("recorder", False), bool)
        ):
            raise where.fail(f"{shape}其中“{shown_value(tier)}”一项不对。")
    return text


def _settle_committee(session: Session, given: _CommitteeIn | None, has_cases: bool) -> str:
    """Adopt the file's committee only if the database has none of its own; say what happened.

    The database's committee names the numbers already handed out and every printed form,
    so an import never renames it behind the user's back.
    """
    committee = session.scalar(select(Committee).limit(1))
    if committee is None or given is None:
        return ""
    return (
        _settle_name(committee, given, has_cases)
        + _settle_panel_settings(committee, given, has_cases)
        + _settle_page_layout(committee, given, has_cases)
        + _settle_subsidy_scheme(committee, given, has_cases)
    )


def _settle_name(committee: Committee, given: _CommitteeIn, has_cases: bool) -> str:
    name = given.name or committee.name
    short_name = given.short_name or committee.short_name
    if (name, short_name) == (committee.name, committee.short_name):
        return ""
    never_named = (committee.name, committee.short_name) == (
        DEFAULT_COMMITTEE_NAME,
        DEFAULT_SHORT_NAME,
    )
    if never_named and not has_cases:
        committee.name, committee.short_name = name, short_name
        return f"本数据库还没有设置调解委员会，已采用文件中的“{name}”（简称“{short_name}”）。"
    return (
        f"文件中的委员会是“{name}”（简称“{short_name}”），"
        f"本数据库保留“{committee.name}”（简称“{committee.short_name}”）。"
        "如需改名，请用 init --committee 全称 --short-name 简称。"
    )


def _settle_panel_settings(committee: Committee, given: _CommitteeIn, has_cases: bool) -> str:
    """Adopt the file's panel settings while the database has no cases; else say they differ.

    They decide every draw: once cases were drawn under the database's own, an import that
    changed them would make those panels look as if drawn under other rules.
    """
    limit = committee.case_limit if given.case_limit is None else given.case_limit
    sizes = committee.panel_sizes if given.panel_sizes is None else given.panel_sizes
    minorities = (
        committee.area_has_minorities
        if given.area_has_minorities is None
        else given.area_has_minorities
    )
    same = (
        limit == committee.case_limit
        and PanelSizes.from_json(sizes) == PanelSizes.from_json(committee.panel_sizes)
        and minorities == committee.area_has_minorities
    )
    if same:
        return ""
    what = (
        "调解员组设置（每位调解员最多同时办理的案件数、各层级调解员组的人数、是否有少数民族居住）"
    )
    if not has_cases:
        committee.case_limit, committee.panel_sizes = limit, sizes
        committee.area_has_minorities = minorities
        return f"本数据库还没有案件，已采用文件中的{what}。"
    return f"文件中的{what}与本数据库不同，本数据库已有案件，保留自己的设置。"


def _settle_page_layout(committee: Committee, given: _CommitteeIn, has_cases: bool) -> str:
    """Adopt the file's page layout while the database has no cases, as the panel settings.

    Once the database has cases, their papers were printed in its own layout, and a paper
    printed again should look like the one the parties signed.
    """
    layout = given.page_layout
    if layout is None or layout == committee.page_layout:
        return ""
    if not has_cases:
        committee.page_layout = layout
        return f"本数据库还没有案件，已采用文件中的文书版式（{PAGE_LAYOUTS[layout]}）。"
    kept = PAGE_LAYOUTS.get(committee.page_layout, committee.page_layout)
    return (
        f"文件中的文书版式（{PAGE_LAYOUTS[layout]}）与本数据库的（{kept}）不同，"
        "本数据库已有案件，保留自己的设置。"
    )


def _settle_subsidy_scheme(committee: Committee, given: _CommitteeIn, has_cases: bool) -> str:
    """Adopt the file's subsidy scheme while the database has no cases, as the panel settings.

    The classes of the database's cases were decided under its own scheme, and the claim pays
    them by it: a scheme changed by an import would change what those cases are paid.
    """
    text = given.subsidy_scheme
    if text is None or text == committee.subsidy_scheme:
        return ""
    # The same scheme in effect: "" (the defaults) and the defaults written out in full.
    same = Scheme.from_json(text) == stored_scheme(committee.subsidy_scheme)
    if not has_cases:
        committee.subsidy_scheme = text  # written out even when the same: it was set
        return "" if same else "本数据库还没有案件，已采用文件中的补贴办法（以案定补）。"
    if same:
        return ""
    return "文件中的补贴办法（以案定补）与本数据库不同，本数据库已有案件，保留自己的设置。"


def _add_mediators(
    session: Session, mediators: list[_MediatorIn], existing: dict[str, int], report: ImportReport
) -> dict[str, int]:
    ids = dict(existing)
    for m in mediators:
        if m.uuid in existing:
            report.skipped_mediators.append(m.name)
            continue
        row = Mediator(uuid=m.uuid)
        fill_mediator(row, m.draft)
        session.add(row)
        session.flush()
        ids[m.uuid] = row.id
        report.mediators_added += 1
    return ids


def _history(c: _CaseIn, mediator_ids: dict[str, int]) -> CaseHistory:
    return CaseHistory(
        panel=tuple(
            PanelSeat(mediator_ids[s.mediator], s.role, s.chosen_by, s.reason) for s in c.panel
        ),
        escalations=tuple(c.escalations),
        agreement=c.agreement,
        follow_ups=tuple(
            replace(visit, mediator_id=mediator_ids[by] if by else None)
            for by, visit in c.follow_ups
        ),
        status_history=c.status_history,
        life=c.life,
        agents=c.agents,
        participants=c.participants,
        sessions=c.sessions,
        attachments=c.attachments,
        performance=c.performance,
        confirmation=c.confirmation,
    )


#: Cases of a file checked and laid out together, in this process or another (`InOrder`).
IMPORT_CHUNK = 5_000
#: From this many cases on, worker processes check the chunks (below, this process does).
PARALLEL_FROM = 2 * IMPORT_CHUNK
#: What a case without a number of its own holds until the import numbers it, at the end.
_UNNUMBERED = "\x00unnumbered:"


@dataclass(frozen=True)
class _Chunk:
    """Cases of a file to check and lay out, with everything that needs no database."""

    #: The index in the file of the first case.
    first: int
    cases: list[Any]
    version: int
    #: Every mediator a case may name (the file's and the database's): uuid → id.
    mediator_ids: dict[str, int]
    #: Cases already in the database: checked, then skipped.
    existing: frozenset[str]
    #: The committee's number pattern and short name, to read a number's year and sequence.
    pattern: str
    short_name: str
    actor: str
    now: datetime
    #: The cases are the JSON texts inside their braces (`_split_export`), not yet parsed.
    texts: bool = False
    #: The file says its ID numbers and phones are masked: those of each case text are left
    #: empty once it is parsed (`_without_masked_numbers`; parsed cases already are).
    masked: bool = False
    #: The subsidy classes of the scheme the database goes by after the import: code → label.
    classes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SCHEME_CLASSES))


@dataclass
class _Checked:
    """A chunk checked: its rows, and what the import checks across chunks."""

    batch: RowBatch
    #: (index in the file, uuid, number or None, title) of each case checked, skipped or not.
    cases: list[tuple[int, str, str | None, str]] = field(default_factory=list)
    #: (case id within the batch, year received) of each new case without a number.
    unnumbered: list[tuple[int, int]] = field(default_factory=list)
    attachments: int = 0
    #: The chunk's first wrong value; the cases before it are laid out.
    error: ImportFileError | None = None
    #: A case's text did not parse by itself (`_SplitFailed`).
    split_failed: bool = False
    #: New cases' subsidy classes that are not among the chunk's `classes`: code → cases.
    unknown_classes: dict[str, int] = field(default_factory=dict)


def _check_chunk(chunk: _Chunk) -> _Checked:
    """Check a chunk's cases one by one, as import always has, and lay out the new ones."""
    layout = CaseLayout(chunk.actor, chunk.now)
    checked = _Checked(layout.batch)
    known = set(chunk.mediator_ids)
    for j, value in enumerate(chunk.cases):
        i = chunk.first + j
        if chunk.texts:
            try:
                value = json.loads("{" + value + "}")
            except (RecursionError, ValueError):
                checked.split_failed = True
                break
            if chunk.masked:
                value = _without_masked_numbers(value)
        try:
            c = _case_in(i, value, known, chunk.version, chunk.classes)
        except ImportFileError as error:
            checked.error = error
            break
        checked.cases.append((i, c.uuid, c.number, c.clean.title))
        if c.uuid in chunk.existing:
            continue
        if c.number:
            parts = parse_number(chunk.pattern, chunk.short_name, c.number)
            numbered = (
                Numbered(c.number, parts.year, parts.seq)
                if parts
                else Numbered(c.number, None, None)
            )
        else:
            numbered = Numbered(_UNNUMBERED + c.uuid, None, None)
        try:
            layout.add(
                c.clean,
                numbered,
                case_uuid=c.uuid,
                history=_history(c, chunk.mediator_ids),
                # How the panel was formed: the party who chose a mediator, recusals, draws.
                chosen_by_party=[s.party for s in c.panel],
                recusals=[
                    RecusalRow(chunk.mediator_ids[r.mediator], r.party, r.on, r.reason)
                    for r in c.recusals
                ],
                draws=[
                    DrawRow(d.draw_no, d.kind, d.mode, d.at, d.actor, d.reason, d.explanation)
                    for d in c.draws
                ],
            )
        except UserError as error:  # rolled back with the whole import by the transaction
            checked.error = _case_where(i, c.clean.title).fail(error.message)
            break
        if not c.number:
            checked.unnumbered.append((layout.batch.cases, c.clean.received_on.year))
        checked.attachments += len(c.attachments)
        code = c.life.subsidy_class
        if code is not None and code not in chunk.classes:
            checked.unknown_classes[code] = checked.unknown_classes.get(code, 0) + 1
    checked.batch = layout.take()
    return checked


class _Unique:
    """Uuids and case numbers must each be used once, in the file and beside the database.

    Told the cases in file order, it keeps the first clash. A case whose uuid is already in the
    database is skipped (and listed), so its number is not checked.
    """

    def __init__(self, existing: set[str], existing_numbers: set[str]) -> None:
        self.existing = existing
        self._existing_numbers = existing_numbers
        self._seen: set[str] = set()
        self._numbers: set[str] = set()
        self.clash: ImportFileError | None = None
        #: (title, uuid) of each case skipped.
        self.skipped: list[tuple[str, str]] = []

    def check(self, cases: list[tuple[int, str, str | None, str]]) -> None:
        for i, case_uuid, number, title in cases:
            if self.clash is not None:
                return
            if case_uuid in self._seen:
                self.clash = _case_where(i, title).fail("uuid 与文件中另一个案件重复。")
                return
            self._seen.add(case_uuid)
            if case_uuid in self.existing:
                self.skipped.append((title, case_uuid))
                continue
            if not number:
                continue
            if number in self._existing_numbers or number in self._numbers:
                self.clash = _case_where(i, title).fail(
                    f"案件编号“{number}”已被其他案件使用，编号不能重复。"
                )
                return
            self._numbers.add(number)


def _add_cases(
    writer: CaseWriter, chunks: Iterable[_Checked], unique: _Unique, report: ImportReport
) -> None:
    """Check every case, in file order, and write the new ones; number those that came
    without a number once every number of the file is claimed.

    The first wrong value is reported, else the first clash of uuids or numbers, as when the
    whole file was checked before anything was written: what was written is rolled back with
    the transaction.
    """
    unnumbered: list[tuple[int, int]] = []
    for checked in chunks:
        if checked.split_failed:
            raise _SplitFailed
        if checked.error is not None:
            raise checked.error
        unique.check(checked.cases)
        if unique.clash is not None:
            continue  # checking goes on: a wrong value further on is reported first
        # The file's own numbers first, so none of them is handed to a case that has none.
        writer.reserve(n for _, u, n, _t in checked.cases if n and u not in unique.existing)
        shift = writer.write(checked.batch)
        unnumbered.extend((shift + case, year) for case, year in checked.unnumbered)
        report.cases_added += checked.batch.cases
        report.attachments_added += checked.attachments
        for code, count in checked.unknown_classes.items():
            report.unknown_classes[code] = report.unknown_classes.get(code, 0) + count
    if unique.clash is not None:
        raise unique.clash
    writer.renumber([(case_id, writer.allocate(year)) for case_id, year in unnumbered])


def import_data(
    db: Database,
    data: Any,
    actor: str = DEFAULT_ACTOR,
    *,
    workers: int | None = None,
    case_texts: list[str] | None = None,
) -> ImportReport:
    """Import exchange data: everything, or nothing with a message saying why.

    A large file's cases are checked and laid out by `workers` processes (default: one per
    core; 0: this one), with the same result. `case_texts`: the cases are not in `data` but
    given as the JSON text inside each one's braces (`_split_export`).
    """
    data, version = _check_header(data)
    where = _Where("", TOP_LABELS, version)
    committee_in = _committee_in(data, version)
    # Before any case: they need no database until their findings' cases are looked up.
    rounds = _rounds_in(data, version, date.today())
    mediators_raw = _list(data.get("mediators"), where, "mediators")
    cases_raw: list[Any] = (
        case_texts if case_texts is not None else _list(data.get("cases"), where, "cases")
    )

    with db.operation(actor, "exchange.import") as op:
        session = op.session
        categories = {
            code: label
            for code, label in session.execute(
                select(ElderCategoryRow.code, ElderCategoryRow.label).order_by(
                    ElderCategoryRow.position
                )
            )
        }
        # Compared in the form the file's are read in (`canonical_uuid`).
        existing_mediators = {
            canonical_uuid(u) or u: i
            for u, i in session.execute(select(Mediator.uuid, Mediator.id))
        }
        existing_cases = _canonical_keys(session.scalars(select(Case.uuid)))
        existing_numbers = set(session.scalars(select(Case.number)))

        # 1. The roster checked.
        mediators = [_mediator_in(i, m, categories, version) for i, m in enumerate(mediators_raw)]
        seen: set[str] = set()
        for i, m in enumerate(mediators):
            if m.uuid in seen:
                raise _Where(f"第{i + 1}名调解员“{m.name}”：").fail(
                    "uuid 与文件中另一名调解员重复。"
                )
            seen.add(m.uuid)

        # 2. The committee and the roster written, then each case checked and, if new,
        # written: one transaction, rolled back whole if any case is wrong.
        report = ImportReport()
        report.committee_note = _settle_committee(session, committee_in, bool(existing_cases))
        mediator_ids = _add_mediators(session, mediators, existing_mediators, report)
        committee = committee_row(session)
        # The scheme as settled above: the file's, when this database adopted it.
        classes = {c.code: c.label for c in stored_scheme(committee.subsidy_scheme).classes}
        unique = _Unique(existing_cases, existing_numbers)
        with paused_gc(), bulk_writing(session, actor=op.actor) as writer:
            jobs = [
                _Chunk(
                    start,
                    cases_raw[start : start + IMPORT_CHUNK],
                    version,
                    mediator_ids,
                    frozenset(existing_cases),
                    committee.number_pattern,
                    committee.short_name,
                    op.actor,
                    writer.layout.now,
                    texts=case_texts is not None,
                    masked=data.get("identity_masked") is True,
                    classes=classes,
                )
                for start in range(0, len(cases_raw), IMPORT_CHUNK)
            ]
            chunks = InOrder(_check_chunk, jobs, workers if len(cases_raw) >= PARALLEL_FROM else 0)
            try:
                _add_cases(writer, chunks, unique, report)
            finally:
                chunks.close()
        _add_rounds(session, rounds, report)
        report.skipped_cases = [f"{title}（{case_uuid}）" for title, case_uuid in unique.skipped]
        op.note = {
            "cases_added": report.cases_added,
            "mediators_added": report.mediators_added,
            "cases_skipped": len(report.skipped_cases),
            "rounds_added": report.rounds_added,
            "version": version,
        }
        op.refresh(Changed(case_list=True, mediators=True, settings=True, due=True))
    index_for_search(db)
    return report


def case_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count(Case.id))) or 0


__all__ = ["ImportReport", "export_data", "export_file", "import_data", "import_file"]
