"""What the case page's buttons open: each record's fields (`Spec`s) and the service call that
saves them. The page decides which buttons to show; this module knows what each one asks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from app.domain.codes import (
    AttachmentKind,
    AuthorityKind,
    CaseStatus,
    FailureRoute,
    PanelRole,
    ParticipantKind,
    ReferralTarget,
    RiskFlag,
    RiskLevel,
    Satisfaction,
    SessionKind,
    Tier,
)
from app.domain.dossier import check_dossier, missing_text
from app.domain.errors import ValidationError
from app.domain.lifecycle import TRANSITION_INDEX, CaseEvent, EventInput, Need
from app.domain.money import parse_money, to_fen
from app.domain.schedule import Instalment, Schedule, ScheduleKind, validate_schedule
from app.domain.tiers import TIER_ORDER, tier_rank
from app.domain.work import (
    AgentDraft,
    ConfirmationDraft,
    FollowUpDraft,
    ParticipantDraft,
    PaymentDraft,
    RiskDraft,
    SessionDraft,
)
from app.services import case_life, dossier, panels, people, performance, sittings
from app.services.database import Database
from app.services.mediators import list_mediators
from app.views import (
    AgentView,
    CaseDetail,
    FollowUpView,
    ParticipantView,
    SessionView,
    TermView,
)
from ui import drafts
from ui.record_dialog import RecordDialog, Spec

Save = Callable[[dict[str, Any]], Any]


def _dialog(
    parent: QWidget,
    db: Database,
    case: CaseDetail,
    kind: str,
    title: str,
    specs: list[Spec],
    save: Save,
    *,
    item: object = None,
    values: dict[str, Any] | None = None,
    intro: str = "",
    save_text: str = "保存",
) -> RecordDialog:
    return RecordDialog(
        parent,
        title,
        specs,
        save,
        values=values,
        intro=intro,
        save_text=save_text,
        draft_key=drafts.draft_key(db.path, kind, case.id, item),
        database=db.path,
        case_id=case.id,
    )


# --- Events of the status table ---------------------------------------------------------------


def event_dialog(parent: QWidget, db: Database, case: CaseDetail, event: CaseEvent) -> RecordDialog:
    """The date of the move and what the table needs for it (a reason, who withdrew…)."""
    row = TRANSITION_INDEX[(case.status, event)]
    specs = [Spec("on", "日期", "date")]
    if Need.WITHDRAWN_BY in row.needs:
        names = [(p.name, f"{p.role.label}　{p.name}") for p in case.parties]
        specs.append(Spec("withdrawn_by", "撤回申请的当事人", "choice", tuple(names)))
    if Need.REFERRED_TO in row.needs:
        specs.append(Spec("referred_to", "移交给", "choice", tuple(ReferralTarget.choices())))
    if Need.ROUTES in row.needs:
        specs.append(
            Spec(
                "routes",
                "已告知当事人的途径",
                "checks",
                tuple(FailureRoute.choices()),
                hint="调解不成的，应告知当事人可以依法通过仲裁、行政、司法等途径维护权利",
            )
        )
    required = Need.REASON in row.needs
    intro = f"案件现在是“{case.status.label}”，办理后将变为“{row.next.label}”。"
    gaps = missing_text(check_dossier(case)) if event is CaseEvent.ARCHIVE else ""
    if gaps:
        # Archiving an incomplete file is allowed with a reason: it goes into 卷宗情况说明.
        required = True
        intro += (
            f"\n卷宗还缺：{gaps}。最好先补齐；如果仍要归档，请写明原因，原因会写进卷宗情况说明。"
        )
    specs.append(
        Spec(
            "reason",
            "原因" if required else "说明",
            "lines",
            hint="必须填写" if required else "可以不填",
        )
    )

    def save(v: dict[str, Any]) -> Any:
        given = EventInput(
            reason=v.get("reason", ""),
            withdrawn_by=v.get("withdrawn_by") or "",
            referred_to=ReferralTarget(v["referred_to"]) if v.get("referred_to") else None,
            routes=frozenset(FailureRoute(r) for r in v.get("routes", [])),
        )
        return case_life.apply_event(db, case.id, event, given, on=v["on"])

    return _dialog(
        parent,
        db,
        case,
        f"event-{event.value}",
        f"{event.label}　{case.number}",
        specs,
        save,
        values={"on": date.today()},
        save_text=event.label,
        intro=intro,
    )


def escalate_dialog(parent: QWidget, db: Database, case: CaseDetail) -> RecordDialog:
    higher = [
        t for t in TIER_ORDER if t is not Tier.REFERRED and tier_rank(t) > tier_rank(case.tier)
    ]
    specs = [
        Spec("to", "移交到", "choice", tuple((t.value, t.label) for t in higher)),
        Spec("on", "日期", "date"),
        Spec("reason", "移交原因", "lines", hint="必须填写，例如：涉及两个院落，需要社区协调"),
        Spec("decided_by", "决定人", "text", hint="例如：调委会主任 刘芳"),
    ]

    def save(v: dict[str, Any]) -> Any:
        return case_life.escalate(
            db, case.id, Tier(v["to"]), v["reason"], on=v["on"], decided_by=v["decided_by"]
        )

    return _dialog(
        parent,
        db,
        case,
        "escalate",
        f"移交上一级　{case.number}",
        specs,
        save,
        values={"on": date.today()},
        save_text="移交",
        intro=f"案件现在在“{case.tier.label}”。琐事不出楼，小事不出院，大事不出社区。",
    )


def extension_dialog(parent: QWidget, db: Database, case: CaseDetail) -> RecordDialog:
    specs = [
        Spec("to", "延长至", "date"),
        Spec("reason", "双方同意延长的情况", "lines", hint="必须填写"),
    ]

    def save(v: dict[str, Any]) -> Any:
        return case_life.extend_mediation(db, case.id, v["to"], v["reason"])

    values = {"to": case.mediation_extended_to or date.today(), "reason": case.extension_reason}
    return _dialog(
        parent, db, case, "extension", f"延长调解期限　{case.number}", specs, save, values=values
    )


# --- People -----------------------------------------------------------------------------------


def agent_dialog(
    parent: QWidget, db: Database, case: CaseDetail, party_id: int, agent: AgentView | None
) -> RecordDialog:
    specs = [
        Spec("name", "代理人姓名", hint="必须填写"),
        Spec("phone", "联系电话"),
        Spec("authority_kind", "授权类型", "choice", tuple(AuthorityKind.choices())),
        Spec("authorised_on", "授权日期", "optional_date", switch="填写授权日期"),
        Spec("authority", "代理权限", "lines", hint="特别授权要写明，例如：代为签署调解协议"),
    ]
    values: dict[str, Any] = {}
    if agent is not None:
        values = {
            "name": agent.name,
            "phone": agent.phone,
            "authority_kind": agent.authority_kind.value,
            "authorised_on": agent.authorised_on,
            "authority": agent.authority,
        }

    def save(v: dict[str, Any]) -> Any:
        draft = AgentDraft(id=agent.id if agent else None, **v)
        return people.save_agent(db, case.id, party_id, draft)

    return _dialog(
        parent,
        db,
        case,
        f"agent-{party_id}",
        "委托代理人",
        specs,
        save,
        item=agent.id if agent else None,
        values=values,
    )


def participant_dialog(
    parent: QWidget, db: Database, case: CaseDetail, participant: ParticipantView | None
) -> RecordDialog:
    specs = [
        Spec("name", "姓名", hint="必须填写"),
        Spec("kind", "身份", "choice", tuple(ParticipantKind.choices())),
        Spec("organisation", "单位或与当事人的关系", hint="例如：申请人之子、物业公司"),
        Spec("phone", "联系电话"),
    ]
    values: dict[str, Any] = {}
    if participant is not None:
        values = {
            "name": participant.name,
            "kind": participant.kind.value,
            "organisation": participant.organisation,
            "phone": participant.phone,
        }

    def save(v: dict[str, Any]) -> Any:
        draft = ParticipantDraft(id=participant.id if participant else None, **v)
        return people.save_participant(db, case.id, draft)

    return _dialog(
        parent,
        db,
        case,
        "participant",
        "邀请参与调解的人员",
        specs,
        save,
        item=participant.id if participant else None,
        values=values,
    )


def panel_dialog(parent: QWidget, db: Database, case: CaseDetail) -> RecordDialog:
    taken = {m.mediator_id for m in case.panel}
    roster = [
        (m.id, f"{m.name}（{m.elder_category_label}）" if m.elder_category_label else m.name)
        for m in list_mediators(db, active_only=True)
        if m.id not in taken
    ]
    specs = [
        Spec("mediator_id", "调解员", "choice", tuple(roster)),
        Spec("role", "担任", "choice", tuple(PanelRole.choices())),
        Spec(
            "chosen_by",
            "产生方式",
            "choice",
            (("committee", "调委会指定"), ("parties", "当事人选择")),
        ),
    ]
    lead = any(m.role == PanelRole.LEAD for m in case.panel)

    def save(v: dict[str, Any]) -> Any:
        if v["mediator_id"] is None:
            raise ValidationError(
                "mediator_id", "调解员", "名册中没有可以选的调解员，请先添加调解员"
            )
        return people.add_panel_member(
            db, case.id, int(v["mediator_id"]), PanelRole(v["role"]), chosen_by=v["chosen_by"]
        )

    role = PanelRole.MEMBER.value if lead else PanelRole.LEAD.value
    return _dialog(parent, db, case, "panel", "指定调解员", specs, save, values={"role": role})


def recusal_dialog(parent: QWidget, db: Database, case: CaseDetail) -> RecordDialog:
    """A party asks that a mediator step aside (回避): recorded with its reason, honoured."""
    roster = [
        (m.id, f"{m.name}（{m.elder_category_label}）" if m.elder_category_label else m.name)
        for m in list_mediators(db)
    ]
    specs = [
        Spec("mediator_id", "申请回避的调解员", "choice", tuple(roster)),
        Spec("party_id", "提出申请的当事人", "choice", tuple((p.id, p.name) for p in case.parties)),
        Spec("reason", "理由", "lines", hint="必须填写，例如：调解员是对方的亲戚"),
    ]

    def save(v: dict[str, Any]) -> Any:
        if v["mediator_id"] is None:
            raise ValidationError("mediator_id", "调解员", "名册中还没有调解员")
        party = v.get("party_id")
        return panels.record_recusal(
            db,
            case.id,
            int(v["mediator_id"]),
            v.get("reason", ""),
            party_id=int(party) if party is not None else None,
        )

    intro = "记录后这位调解员会退出本案，以后抽选也不会再选到他（她）。"
    return _dialog(parent, db, case, "recusal", "申请回避", specs, save, intro=intro)


def attachment_dialog(parent: QWidget, db: Database, case: CaseDetail, path: str) -> RecordDialog:
    """What a chosen file is, and whose: an identity proof names its party (the dossier check
    looks for one per party)."""
    parties = tuple((p.id, f"{p.role.label}　{p.name}") for p in case.parties)
    specs = [
        Spec("kind", "材料类别", "choice", tuple(AttachmentKind.choices())),
        Spec(
            "party_id",
            "属于哪位当事人",
            "choice",
            ((None, "不属于某一位当事人"), *parties),
            hint="身份证明必须选是哪一位当事人的",
        ),
        Spec("description", "说明", "lines", hint="可以不填，例如：卫生间顶棚渗水照片"),
    ]

    def save(v: dict[str, Any]) -> Any:
        party = v.get("party_id")
        return sittings.add_attachment(
            db,
            case.id,
            path,
            v.get("description", ""),
            kind=AttachmentKind(v["kind"]),
            party_id=int(party) if party is not None else None,
        )

    name = Path(path).name
    return _dialog(
        parent, db, case, "attachment", "添加附件", specs, save, intro=f"要附上的文件：{name}"
    )


def rights_notice_dialog(parent: QWidget, db: Database, case: CaseDetail) -> RecordDialog:
    specs = [Spec("on", "告知日期", "date", hint="当事人签收权利义务告知书的日期")]

    def save(v: dict[str, Any]) -> Any:
        return dossier.record_rights_notice(db, case.id, v["on"])

    value = case.rights_notified_on or date.today()
    return _dialog(
        parent, db, case, "rights-notice", "记下告知日期", specs, save, values={"on": value}
    )


# --- Sittings ---------------------------------------------------------------------------------


def session_dialog(
    parent: QWidget,
    db: Database,
    case: CaseDetail,
    kind: SessionKind,
    session: SessionView | None,
) -> RecordDialog:
    investigation = kind is SessionKind.INVESTIGATION
    panel = "\n".join(m.name for m in case.panel)
    specs = [
        Spec("held_at", "时间", "datetime"),
        Spec("place", "地点", hint="例如：社区调解室"),
        Spec(
            "mediators_present",
            "调查人" if investigation else "调解员",
            "lines",
            lines=2,
            hint="一行写一位",
        ),
        Spec(
            "parties_present",
            "被调查人" if investigation else "到场当事人",
            "lines",
            lines=2,
            hint="一行写一位",
        ),
        Spec(
            "participants_present",
            "其他参加人",
            "lines",
            lines=2,
            hint="邀请参与调解的亲属、邻居、专业人士等，没有可以不填",
        ),
        Spec("recorder", "记录人"),
        Spec("statements", "调查内容（问答）" if investigation else "各方陈述", "lines", lines=6),
        Spec("facts_verified", "查明的事实", "lines", lines=4),
        Spec("outcome", "调查结论" if investigation else "调解结果", "lines", lines=3),
    ]
    values: dict[str, Any] = {
        "held_at": datetime.now().replace(second=0, microsecond=0),
        "mediators_present": panel,
        "parties_present": "\n".join(p.name for p in case.parties),
    }
    if session is not None:
        values = {
            "held_at": session.held_at,
            "place": session.place,
            "mediators_present": session.mediators_present,
            "parties_present": session.parties_present,
            "participants_present": session.participants_present,
            "recorder": session.recorder,
            "statements": session.statements,
            "facts_verified": session.facts_verified,
            "outcome": session.outcome,
        }

    def save(v: dict[str, Any]) -> Any:
        draft = SessionDraft(kind=kind.value, id=session.id if session else None, **v)
        return sittings.save_session(db, case.id, draft)

    title = "调查记录" if investigation else "调解记录"
    return _dialog(
        parent,
        db,
        case,
        f"session-{kind.value}",
        f"{title}　{case.number}",
        specs,
        save,
        item=session.id if session else None,
        values=values,
    )


# --- Performance ------------------------------------------------------------------------------


def _fen_text(fen: int | None) -> str:
    return "" if fen is None else f"{fen / 100:.2f}"


def schedule_dialog(
    parent: QWidget, db: Database, case: CaseDetail, term: TermView
) -> RecordDialog:
    """How the obligation is performed; instalments are typed one per line: date and amount."""
    schedule = term.schedule or Schedule.one_off(term.due, None)
    once, parts, monthly = (
        (ScheduleKind.ONE_OFF,),
        (ScheduleKind.INSTALMENTS,),
        (ScheduleKind.RECURRING,),
    )
    specs = [
        Spec("kind", "履行方式", "choice", tuple(ScheduleKind.choices())),
        Spec("due", "履行期限", "optional_date", switch="约定了期限", shown_when=("kind", once)),
        Spec(
            "amount",
            "金额（元）",
            "money",
            hint="不是付钱的义务不填",
            shown_when=("kind", once),
        ),
        Spec(
            "instalments",
            "分期",
            "lines",
            lines=4,
            hint="一行写一期：日期 金额，例如 2026-11-01 500",
            shown_when=("kind", parts),
        ),
        Spec(
            "monthly_amount",
            "每月金额（元）",
            "money",
            hint="不是付钱的义务不填",
            shown_when=("kind", monthly),
        ),
        Spec("day_of_month", "每月几日前", hint="例如 10", shown_when=("kind", monthly)),
        Spec("start", "从哪天开始", "optional_date", switch="填写", shown_when=("kind", monthly)),
        Spec(
            "until",
            "到哪天为止",
            "optional_date",
            switch="有截止日期",
            hint="长期支付的不填",
            shown_when=("kind", monthly),
        ),
    ]
    values = {
        "kind": schedule.kind.value,
        "due": schedule.due,
        # The term's amount in both: a one-off of 200 turned monthly is usually 200 a month.
        "amount": _fen_text(schedule.amount_fen),
        "monthly_amount": _fen_text(schedule.amount_fen),
        "instalments": "\n".join(
            f"{i.due:%Y-%m-%d} {_fen_text(i.amount_fen)}".strip() for i in schedule.instalments
        ),
        "day_of_month": str(schedule.day_of_month or ""),
        "start": schedule.start or date.today(),
        "until": schedule.until,
    }

    def save(v: dict[str, Any]) -> Any:
        built = _schedule_from(v)
        assert term.id is not None
        return performance.set_schedule(db, case.id, term.id, built)

    return _dialog(
        parent,
        db,
        case,
        "schedule",
        f"第{term.position + 1}项的履行方式",
        specs,
        save,
        item=term.id,
        values=values,
        intro=term.text,
    )


def _schedule_from(v: dict[str, Any]) -> Schedule:
    """The dialog's values as a schedule; errors come back under the dialog's field names."""
    kind = ScheduleKind(v["kind"])
    key = "monthly_amount" if kind is ScheduleKind.RECURRING else "amount"
    amount = None
    if v[key].strip():
        amount = to_fen(parse_money(v[key], key, "金额"))
    if kind is ScheduleKind.ONE_OFF:
        schedule = Schedule.one_off(v["due"], amount)
    elif kind is ScheduleKind.INSTALMENTS:
        parts = []
        for number, line in enumerate(v["instalments"].splitlines(), 1):
            if not line.strip():
                continue
            words = line.replace("，", " ").replace(",", " ").split()
            try:
                day = date.fromisoformat(words[0])
                fen = (
                    to_fen(parse_money(words[1], "instalments", "分期")) if len(words) > 1 else None
                )
            except (ValueError, IndexError):
                raise ValidationError(
                    "instalments",
                    "分期",
                    f"第{number}行“{line.strip()}”看不懂，请写成 2026-11-01 500",
                ) from None
            parts.append(Instalment(day, fen))
        schedule = Schedule.in_instalments(parts)
    else:
        text = v["day_of_month"].strip()
        if not text.isdigit():
            raise ValidationError("day_of_month", "每月几日前", "请填写1到31之间的数字，例如 10")
        if v["start"] is None:
            raise ValidationError("start", "从哪天开始", "请填写从哪一天开始履行")
        schedule = Schedule.monthly(int(text), amount, v["start"], v["until"])
    try:
        validate_schedule(schedule)
    except ValidationError as error:
        field = error.field.split("[")[0].replace("amount_fen", key)
        raise ValidationError(field if field in v else "kind", error.label, error.problem) from None
    return schedule


def payment_dialog(parent: QWidget, db: Database, case: CaseDetail, term: TermView) -> RecordDialog:
    money = term.schedule is not None and term.schedule.is_money
    specs = [Spec("on", "履行日期", "date")]
    if money:
        specs.append(
            Spec("amount", "收到的金额（元）", "money", hint="部分履行的，填写实际收到的金额")
        )
    specs.append(Spec("note", "说明", hint="例如：现金，双方签字确认"))

    def save(v: dict[str, Any]) -> Any:
        assert term.id is not None
        draft = PaymentDraft(on=v["on"], amount=v.get("amount", ""), note=v["note"])
        return performance.record_payment(db, case.id, term.id, draft)

    return _dialog(
        parent,
        db,
        case,
        "payment",
        f"登记履行　第{term.position + 1}项",
        specs,
        save,
        item=term.id,
        values={"on": date.today()},
        intro=term.text,
        save_text="登记",
    )


def follow_up_dialog(
    parent: QWidget, db: Database, case: CaseDetail, visit: FollowUpView | None
) -> RecordDialog:
    roster = [(m.id, m.name) for m in list_mediators(db, active_only=True)]
    specs = [
        Spec("on", "回访日期", "date"),
        Spec("mediator_id", "回访人", "choice", tuple(roster)),
        Spec("met_with", "回访对象", hint="必须填写，例如：申请人李秀英"),
        Spec(
            "performed",
            "履行情况",
            "choice",
            ((None, "未了解"), (True, "已履行"), (False, "未履行")),
        ),
        Spec("satisfaction", "满意程度", "choice", ((None, "未填写"), *Satisfaction.choices())),
        Spec("notes", "回访情况", "lines"),
        Spec("risks", "遗留风险", "lines", lines=2, hint="没有可以不填"),
        Spec("measures", "采取的措施", "lines", lines=2),
    ]
    lead = next((m.mediator_id for m in case.panel if m.role == PanelRole.LEAD), None)
    values: dict[str, Any] = {"on": date.today(), "mediator_id": lead}
    if visit is not None:
        values = {
            "on": visit.on,
            "mediator_id": visit.by_mediator_id,
            "met_with": visit.met_with,
            "performed": visit.performed,
            "satisfaction": visit.satisfaction.value if visit.satisfaction else None,
            "notes": visit.notes,
            "risks": visit.risks,
            "measures": visit.measures,
        }

    def save(v: dict[str, Any]) -> Any:
        draft = FollowUpDraft(id=visit.id if visit else None, **v)
        return performance.save_follow_up(db, case.id, draft)

    return _dialog(
        parent,
        db,
        case,
        "follow-up",
        f"回访　{case.number}",
        specs,
        save,
        item=visit.id if visit else None,
        values=values,
    )


def confirmation_dialog(parent: QWidget, db: Database, case: CaseDetail) -> RecordDialog:
    agreement = case.agreement
    specs = [
        Spec("applied_on", "申请日期", "optional_date", switch="已申请司法确认"),
        Spec("court", "受理法院"),
        Spec("result", "确认结果", hint="例如：确认有效"),
        Spec("decided_on", "裁定日期", "optional_date", switch="法院已裁定"),
    ]
    values = {
        "applied_on": agreement.confirmation_applied_on if agreement else None,
        "court": agreement.confirmation_court if agreement else "",
        "result": agreement.confirmation_result if agreement else "",
        "decided_on": agreement.confirmation_decided_on if agreement else None,
    }

    def save(v: dict[str, Any]) -> Any:
        return performance.save_confirmation(db, case.id, ConfirmationDraft(**v))

    return _dialog(
        parent,
        db,
        case,
        "confirmation",
        "司法确认",
        specs,
        save,
        values=values,
        intro="双方当事人可以自调解协议生效之日起30日内，共同向人民法院申请司法确认。",
    )


def risk_dialog(parent: QWidget, db: Database, case: CaseDetail) -> RecordDialog:
    specs = [
        Spec("flags", "风险", "checks", tuple(RiskFlag.choices())),
        Spec("level", "预警等级", "choice", ((None, "无"), *RiskLevel.choices())),
        Spec("measures", "预防措施", "lines", hint="橙色、红色预警必须填写"),
        Spec("police_reported_on", "报告公安机关", "optional_date", switch="已报告公安机关"),
        Spec("escalation_prevented", "防止激化", "bool", switch="成功防止了纠纷激化"),
    ]
    values = {
        "flags": [f.value for f in case.risk_flags],
        "level": case.risk_level.value if case.risk_level else None,
        "measures": case.risk_measures,
        "police_reported_on": case.police_reported_on,
        "escalation_prevented": case.escalation_prevented,
    }

    def save(v: dict[str, Any]) -> Any:
        return performance.save_risk(db, case.id, RiskDraft(**v))

    return _dialog(parent, db, case, "risk", "风险与预警", specs, save, values=values)


def attachment_add(db: Database, case: CaseDetail, path: str, description: str = "") -> Any:
    return sittings.add_attachment(db, case.id, path, description)


#: What the page's highlighted button does in each status: (label, what).
MAIN_ACTIONS: dict[CaseStatus, tuple[str, str]] = {
    CaseStatus.REGISTERED: ("受理", "event:accept"),
    CaseStatus.ACCEPTED: ("开始调解", "event:start_mediation"),
    CaseStatus.MEDIATING: ("录入协议", "agreement"),
    CaseStatus.AGREEMENT_REACHED: ("登记履行", "payment"),
    CaseStatus.PERFORMING: ("登记履行", "payment"),
    CaseStatus.PERFORMED: ("登记回访", "follow_up"),
    CaseStatus.FOLLOWED_UP: ("归档", "event:archive"),
    CaseStatus.DECLINED: ("归档", "event:archive"),
    CaseStatus.FAILED: ("归档", "event:archive"),
    CaseStatus.WITHDRAWN: ("归档", "event:archive"),
    CaseStatus.TERMINATED: ("归档", "event:archive"),
    CaseStatus.REFERRED: ("归档", "event:archive"),
    CaseStatus.ARCHIVED: ("归档后更正", "amend"),
}


def main_action(case: CaseDetail) -> tuple[str, str]:
    """The next step for this case, as the highlighted button offers it.

    While mediating, once the agreement is entered the next step is to confirm it was reached;
    after performance, once a visit is on record, to mark the follow-up done.
    """
    if case.status is CaseStatus.MEDIATING and case.agreement and case.agreement.terms:
        return ("达成协议", "event:reach_agreement")
    if case.status is CaseStatus.PERFORMED and case.follow_ups:
        return ("回访完成", "event:follow_up")
    if case.status is CaseStatus.AGREEMENT_REACHED and not any(
        t.schedule for t in (case.agreement.terms if case.agreement else ())
    ):
        return ("履行完毕", "event:complete_performance")
    return MAIN_ACTIONS[case.status]
