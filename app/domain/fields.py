"""Every free-text field the program stores, described once: its label, whether it may run over
several lines, and how long it may be.

A field that is checked reads its limit from here (`TEXT_FIELDS`), so the form, the importer and
the messages cannot disagree about how long a name may be. The limits are generous for what the
field is for and small enough that a pasted page cannot land in a one-line field, where it
would overflow every printed form; the long texts of a record (statements, facts, reasons)
allow a few pages. Keys are ``record.field``: ``"party.address"``, ``"session.statements"``.

`clean_text` is the one check every text goes through: characters first (see
`app.domain.validation.check_characters`), then length, then whether it may be left blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from app.domain.validation import require_text, text_within

#: A name of a person: 50 characters hold any Chinese name, a transliterated foreign one too.
NAME = 50
#: What fits on one line of a form: a court, a relation, a topic, a short reason.
LINE = 200
#: A reason or a description of a few paragraphs.
REASON = 2000
#: The longer texts of a record: facts, an outcome, a decision's reasons.
LONG = 5000
#: A whole transcript or dossier note: the statements of a sitting run to pages.
DOCUMENT = 20000


@dataclass(frozen=True)
class TextField:
    """One free-text field: how it is called in messages, how long it may be, whether a line
    break (and a tab) belongs in it, and an example shown when it is left blank."""

    label: str
    max_length: int
    multiline: bool = False
    example: str = ""


def _single(label: str, max_length: int = LINE, example: str = "") -> TextField:
    return TextField(label, max_length, False, example)


def _lines(label: str, max_length: int, example: str = "") -> TextField:
    return TextField(label, max_length, True, example)


_TABLE: dict[str, TextField] = {
    # The case as registered (受理登记表) and as it goes on.
    # Not 40: a committee's own pattern with its short name may make a longer number, and every
    # number the program made must read back from its own export (`numbering.check_pattern`).
    "case.number": _single("案件编号", 60, "（2026）飞人调字第12号"),
    "case.title": _single("纠纷名称（案由）", 100, "楼上渗水纠纷"),
    "case.compound": _single("小区", 60),
    "case.building": _single("楼栋", 30),
    "case.unit": _single("单元", 30),
    "case.room": _single("房号", 30),
    "case.facts": _lines("纠纷简要情况", LONG),
    # One request per line on the form; each is one line of the application's numbered list.
    "case.request": _single("申请事项", 500, "要求对方赔偿维修费800元"),
    "case.declined_reason": _lines("不予受理的原因", LONG),
    "case.extension_reason": _lines("延长原因", REASON),
    "case.risk_measures": _lines("预防措施", REASON),
    "case.outcome_note": _lines("调解结果说明", LONG),
    "case.dossier_note": _lines("卷宗情况说明", DOCUMENT),
    "case.subsidy_reason": _lines("确定补贴类别的理由", 500),
    "case.amendment_reason": _lines("更正原因", REASON),
    # Parties: an organisation's registered name can be long (…有限公司…分公司).
    "party.person_name": _single("姓名", NAME, "李秀英"),
    "party.organisation_name": _single("单位名称", 100, "新乡市安居物业服务有限公司"),
    "party.ethnicity": _single("民族", 20),
    "party.address": _single("住址", LINE),
    "party.occupation": _single("职业或职务", 100),
    "party.legal_representative": _single("法定代表人", NAME),
    "agent.name": _single("代理人姓名", NAME),
    "agent.authority": _lines("代理权限", 1000),
    "participant.name": _single("姓名", NAME),
    "participant.organisation": _single("单位或与当事人的关系", 100),
    # Sittings: those present are names, one per line.
    "session.place": _single("地点", LINE),
    "session.mediators_present": _lines("调解员", REASON),
    "session.parties_present": _lines("到场当事人", REASON),
    "session.participants_present": _lines("其他参加人", REASON),
    "session.recorder": _single("记录人", NAME),
    "session.statements": _lines("各方陈述", DOCUMENT),
    "session.facts_verified": _lines("查明的事实", DOCUMENT),
    "session.outcome": _lines("结果", LONG),
    # The agreement.
    "agreement.facts": _lines("纠纷主要事实", LONG),
    "agreement.issues": _lines("争议事项", LONG),
    "agreement.responsibility": _lines("各方责任", LONG),
    "term.text": _lines("内容", REASON, "被申请人于十日内赔偿申请人维修费800元"),
    "payment.note": _single("说明", 500),
    "follow_up.met_with": _single("回访对象", LINE),
    "follow_up.risks": _lines("遗留风险", REASON),
    "follow_up.measures": _lines("采取的措施", REASON),
    "follow_up.notes": _lines("回访情况", LONG),
    "confirmation.court": _single("受理法院", 100),
    "confirmation.result": _single("确认结果", 100),
    "risk.measures": _lines("预防措施", REASON),
    # Moves of the case: the status table's events and the tiers.
    "event.reason": _lines("原因", LONG),
    "event.withdrawn_by": _single("撤回申请的当事人", 100),
    "event.actor": _single("办理人", NAME),
    "escalation.reason": _lines("移交原因", REASON, "涉及多栋楼"),
    "escalation.decided_by": _single("决定人", NAME),
    # The panel and the files of a case.
    "recusal.reason": _lines("回避理由", REASON),
    "draw.reason": _lines("原因", REASON),
    # Why a mediator sits on the panel: the draw's own words, a change by hand or the
    # committee's designation.
    "panel.reason": _lines("选任理由", REASON),
    "attachment.description": _lines("说明", REASON),
    "attachment.original_name": _single("文件名", 255),
    # The roster (调解员名册).
    "mediator.name": _single("姓名", NAME, "王建国"),
    "mediator.ethnicity": _single("民族", 20),
    "mediator.compound": _single("小区", 60),
    "mediator.building": _single("楼栋", 30),
    "mediator.unit": _single("单元", 30),
    "mediator.room": _single("房号", 30),
    "mediator.languages": _single("语言或方言", LINE),
    "mediator.notes": _lines("备注", 1000),
    "absence.reason": _single("外出原因", LINE),
    "training.topic": _single("培训内容", LINE),
    "relation.person_name": _single("对方姓名", NAME),
    "relation.notes": _single("说明", LINE),
    "elder_category.label": _single("类别名称", 40),
    # Screening for disputes (矛盾纠纷排查).
    "round.area": _single("排查范围", LINE),
    "round.screened_by": _single("排查人", LINE),
    "round.note": _lines("说明", REASON),
    "finding.description": _lines("情况", REASON),
    "finding.note": _lines("说明", REASON),
    # The committee's settings.
    "committee.name": _single("调解委员会名称", 100, "飞机场社区人民调解委员会"),
    "committee.short_name": _single("调解委员会简称", 20, "飞"),
    "committee.number_pattern": _single("案件编号格式", 100),
    "committee.address": _single("地址", LINE),
}

#: Read-only: a limit changed at run time would make two checks of one field disagree.
TEXT_FIELDS: Mapping[str, TextField] = MappingProxyType(_TABLE)


def text_field(key: str) -> TextField:
    """The description of `key` (``"party.address"``); a key not in the table is a bug."""
    return TEXT_FIELDS[key]


def max_length(key: str) -> int:
    return TEXT_FIELDS[key].max_length


def clean_text(
    value: str | None,
    key: str,
    *,
    field: str | None = None,
    label: str | None = None,
    required: bool = False,
) -> str:
    """`value` checked as the field `key` says and stripped; a `ValidationError` otherwise.

    `field` is the machine path the form puts the message beside (the part after the dot of
    `key` unless given, e.g. ``"parties[0].name"`` from an enclosing record); `label` replaces
    the table's label where the form calls the field otherwise (调查人 for 调解员 on an
    investigation record).
    """
    spec = TEXT_FIELDS[key]
    name = field if field is not None else key.rpartition(".")[2]
    shown = label if label is not None else spec.label
    if required:
        return require_text(
            value,
            name,
            shown,
            max_length=spec.max_length,
            example=spec.example,
            multiline=spec.multiline,
        )
    return text_within(value, name, shown, max_length=spec.max_length, multiline=spec.multiline)
