"""The case exchange format, version 1 (shared/exchange-format.md): export and import.

Import is all-or-nothing: the whole file is checked first, and one wrong value rejects it with a
Chinese message naming the case (index and title), the field and what is wrong. A uuid already
in the database is reported and skipped, never duplicated or overwritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db.models import (
    Agreement,
    Case,
    Committee,
    ElderCategoryRow,
    Mediator,
    MediatorSpecialty,
)
from app.domain.codes import DisputeType, PanelRole, Satisfaction, Sex, Tier
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import ImportFileError, ValidationError, ValidationErrors
from app.domain.money import from_fen
from app.domain.rules import CleanAgreement, CleanCase, check_agreement, check_case, choose
from app.domain.validation import check_phone, require_text
from app.domain.values import Place
from app.services.audit import record
from app.services.cases import CaseHistory, add_case
from app.services.database import Database
from app.services.files import write_atomically

FORMAT = "laoniangjiu-exchange"
VERSION = 1
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

TOP_KEYS = {"format", "version", "committee", "mediators", "cases"}
COMMITTEE_KEYS = {"name", "short_name"}
PLACE_KEYS = {"compound", "building", "unit", "room"}
MEDIATOR_KEYS = {
    "uuid",
    "name",
    "sex",
    "birth_date",
    "elder_category",
    "phone",
    "address",
    "specialties",
    "active",
}
CASE_KEYS = {
    "uuid",
    "number",
    "title",
    "dispute_type",
    "source",
    "received_on",
    "tier",
    "status",
    "place",
    "amount",
    "persons_involved",
    "risk_flags",
    "facts",
    "requests",
    "parties",
    "panel",
    "escalations",
    "agreement",
    "follow_ups",
}
PARTY_KEYS = {
    "role",
    "kind",
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "address",
    "occupation",
    "credit_code",
    "legal_representative",
}
PANEL_KEYS = {"mediator", "role"}
ESCALATION_KEYS = {"from", "to", "on", "reason"}
AGREEMENT_KEYS = {"form", "reached_on", "facts", "responsibility", "terms"}
TERM_KEYS = {"text", "obligor", "obligee", "amount", "due", "performed_on"}
FOLLOW_UP_KEYS = {"on", "by", "performed", "satisfaction", "notes"}


# ====================================================================== export


def _place(compound: str, building: str, unit: str, room: str) -> dict[str, str] | None:
    place = {"compound": compound, "building": building, "unit": unit, "room": room}
    return place if any(place.values()) else None


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(fen: int | None) -> str | None:
    return str(from_fen(fen)) if fen is not None else None


def export_data(db: Database) -> dict[str, Any]:
    """Every committee setting, mediator and case that version 1 carries, as JSON-ready data."""
    with db.reading() as session:
        committee = session.scalar(select(Committee).limit(1))
        mediators = session.scalars(
            select(Mediator).options(selectinload(Mediator.specialties)).order_by(Mediator.id)
        ).all()
        uuid_of = {m.id: m.uuid for m in mediators}
        cases = session.scalars(
            select(Case)
            .options(
                selectinload(Case.parties),
                selectinload(Case.requests),
                selectinload(Case.risk_flags),
                selectinload(Case.panel),
                selectinload(Case.escalations),
                selectinload(Case.agreement).selectinload(Agreement.obligations),
                selectinload(Case.follow_ups),
            )
            .order_by(Case.id)
        ).all()
        return {
            "format": FORMAT,
            "version": VERSION,
            "committee": {"name": committee.name, "short_name": committee.short_name}
            if committee
            else None,
            "mediators": [
                {
                    "uuid": m.uuid,
                    "name": m.name,
                    "sex": m.sex,
                    "birth_date": _date(m.birth_date),
                    "elder_category": m.elder_category,
                    "phone": m.phone or None,
                    "address": _place(m.compound, m.building, m.unit, m.room),
                    "specialties": [s.dispute_type for s in m.specialties],
                    "active": m.active,
                }
                for m in mediators
            ],
            "cases": [_export_case(c, uuid_of) for c in cases],
        }


def _export_case(case: Case, uuid_of: dict[int, str]) -> dict[str, Any]:
    parties = sorted(case.parties, key=lambda p: p.position)
    index_of = {p.id: i for i, p in enumerate(parties)}
    agreement = None
    if case.agreement is not None:
        a = case.agreement
        agreement = {
            "form": a.form,
            "reached_on": _date(a.reached_on),
            "facts": a.facts or None,
            "responsibility": a.responsibility or None,
            "terms": [
                {
                    "text": o.text,
                    "obligor": index_of.get(o.obligor_party_id) if o.obligor_party_id else None,
                    "obligee": index_of.get(o.obligee_party_id) if o.obligee_party_id else None,
                    "amount": _money(o.amount_fen),
                    "due": _date(o.due_on),
                    "performed_on": _date(o.performed_on),
                }
                for o in a.obligations
            ],
        }
    return {
        "uuid": case.uuid,
        "number": case.number,
        "title": case.title,
        "dispute_type": case.dispute_type,
        "source": case.source,
        "received_on": _date(case.received_on),
        "tier": case.tier,
        "status": case.status,
        "place": _place(case.compound, case.building, case.unit, case.room),
        "amount": _money(case.amount_fen),
        "persons_involved": case.persons_involved,
        "risk_flags": sorted(f.flag for f in case.risk_flags),
        "facts": case.facts or None,
        "requests": [r.text for r in case.requests],
        "parties": [
            {
                "role": p.role,
                "kind": p.kind,
                "name": p.name,
                "sex": p.sex,
                "ethnicity": p.ethnicity or None,
                "birth_date": _date(p.birth_date),
                "id_number": p.id_number or None,
                "phone": p.phone or None,
                "address": p.address or None,
                "occupation": p.occupation or None,
                "credit_code": p.credit_code or None,
                "legal_representative": p.legal_representative or None,
            }
            for p in parties
        ],
        "panel": [{"mediator": uuid_of[m.mediator_id], "role": m.role} for m in case.panel],
        "escalations": [
            {"from": e.from_tier, "to": e.to_tier, "on": _date(e.on), "reason": e.reason or None}
            for e in case.escalations
        ],
        "agreement": agreement,
        "follow_ups": [
            {
                "on": _date(f.on),
                "by": uuid_of.get(f.mediator_id) if f.mediator_id else None,
                "performed": f.performed,
                "satisfaction": f.satisfaction,
                "notes": f.notes or None,
            }
            for f in case.follow_ups
        ],
    }


def write_json(data: Any, path: Path) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))


def export_file(db: Database, path: Path | str) -> int:
    """Export everything to `path`; returns the number of cases written."""
    data = export_data(db)
    write_json(data, Path(path))
    return len(data["cases"])


# ====================================================================== import


@dataclass
class ImportReport:
    """What an import did: added counts and what was skipped because its uuid already exists."""

    cases_added: int = 0
    mediators_added: int = 0
    skipped_cases: list[str] = field(default_factory=list)
    skipped_mediators: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"导入完成：新增案件{self.cases_added}件，新增调解员{self.mediators_added}名。"]
        if self.skipped_mediators:
            lines.append(
                f"已存在而跳过的调解员{len(self.skipped_mediators)}名："
                + "、".join(self.skipped_mediators)
            )
        if self.skipped_cases:
            lines.append(
                f"已存在而跳过的案件{len(self.skipped_cases)}件：" + "、".join(self.skipped_cases)
            )
        return "\n".join(lines)


class _Where:
    """Where in the file a value sits, for messages: 第2个案件“楼上渗水纠纷”的……"""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def fail(self, problem: str) -> ImportFileError:
        return ImportFileError(f"导入失败，数据库没有任何改动。{self.prefix}{problem}")


def _expect_object(value: Any, allowed: set[str], where: _Where, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.fail(f"{what}应是一个对象（用大括号 {{ }} 括起来）。")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise where.fail(
            f"{what}中有不认识的字段“{'、'.join(unknown)}”。交换文件只能包含第1版格式规定的字段，"
            "请检查拼写。"
        )
    return value


def _list(value: Any, where: _Where, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise where.fail(f"“{what}”应是一个列表（用方括号 [ ] 括起来）。")
    return value


def _text(value: Any, where: _Where, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise where.fail(
            f"“{what}”应是文字（用引号括起来），现在是{json.dumps(value, ensure_ascii=False)}。"
        )
    return value


def _date_value(value: Any, where: _Where, what: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise where.fail(f"“{what}”应是有效日期，写成 YYYY-MM-DD，例如 2026-03-02，现在是“{value}”。")


def _money_text(value: Any, where: _Where, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise where.fail(f'“{what}”的金额必须写成带引号的文字，例如 "1250.50"，不能写成数字。')
    return value


def _int_or_none(value: Any, where: _Where, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.fail(f"“{what}”应是整数，现在是“{value}”。")
    return value


def _bool_or_none(value: Any, where: _Where, what: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise where.fail(f"“{what}”应是 true 或 false，现在是“{value}”。")


def _uuid(value: Any, where: _Where) -> str:
    if not isinstance(value, str) or not _UUID.match(value.lower()):
        raise where.fail(f"唯一标识“uuid”缺失或格式不对（应如 3f2b…-…，共36位），现在是“{value}”。")
    return value.lower()


def _place_value(value: Any, where: _Where, what: str) -> Place:
    if value is None:
        return Place()
    data = _expect_object(value, PLACE_KEYS, where, what)
    return Place(
        *(
            _text(data.get(k), where, f"{what}.{k}")
            for k in ("compound", "building", "unit", "room")
        )
    )


@dataclass
class _MediatorIn:
    uuid: str
    name: str
    sex: str | None
    birth_date: date | None
    elder_category: str | None
    phone: str
    place: Place
    specialties: list[str]
    active: bool


@dataclass
class _CaseIn:
    uuid: str
    number: str | None
    clean: CleanCase
    panel: list[tuple[str, PanelRole]]
    escalations: list[tuple[Tier, Tier, date, str]]
    agreement: CleanAgreement | None
    follow_ups: list[tuple[date, str | None, bool | None, str | None, str]]


def _read_file(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"找不到文件“{path}”，请检查文件名和所在文件夹。") from None
    except OSError as error:
        raise ImportFileError(f"无法读取文件“{path}”：{error.strerror}。") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"文件“{path.name}”不是 UTF-8 编码的文字文件，可能选错了文件或文件已损坏。"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"文件“{path.name}”不是有效的交换文件：第{error.lineno}行第{error.colno}列格式有误"
            "（文件可能不完整或被改坏了）。数据库没有任何改动。"
        ) from None


def _check_header(data: Any) -> dict[str, Any]:
    where = _Where("")
    data = _expect_object(data, TOP_KEYS, where, "文件")
    if data.get("format") != FORMAT:
        raise where.fail(f"这不是老娘舅的案件交换文件（format 应为“{FORMAT}”）。")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise where.fail("文件缺少版本号（version）。")
    if version > VERSION:
        raise where.fail(
            f"这个文件是第{version}版格式，由更新版本的程序导出；本程序只认识第{VERSION}版。"
            "请先把程序升级到最新版本。"
        )
    if version < 1:
        raise where.fail(f"版本号 {version} 无效。")
    return data


def _mediator_in(index: int, value: Any, categories: set[str]) -> _MediatorIn:
    name_hint = value.get("name") if isinstance(value, dict) else None
    where = _Where(
        f"第{index + 1}名调解员{f'“{name_hint}”' if isinstance(name_hint, str) else ''}："
    )
    data = _expect_object(value, MEDIATOR_KEYS, where, "调解员")
    try:
        name = require_text(_text(data.get("name"), where, "name"), "name", "姓名", max_length=60)
        sex = data.get("sex")
        if sex is not None:
            choose(Sex, sex, "sex", "性别")
        category = data.get("elder_category")
        if category is not None and category not in categories:
            raise ValidationError(
                "elder_category",
                "五老类别",
                f"“{category}”不在本委员会的类别中：{'、'.join(sorted(categories))}",
            )
        phone = _text(data.get("phone"), where, "phone")
        phone = check_phone(phone) if phone.strip() else ""
        specialties = [
            choose(DisputeType, s, "specialties", "擅长纠纷类型").value
            for s in _list(data.get("specialties"), where, "specialties")
        ]
    except ValidationError as error:
        raise where.fail(error.message) from None
    active = _bool_or_none(data.get("active"), where, "active")
    return _MediatorIn(
        uuid=_uuid(data.get("uuid"), where),
        name=name,
        sex=sex,
        birth_date=_date_value(data.get("birth_date"), where, "birth_date"),
        elder_category=category,
        phone=phone,
        place=_place_value(data.get("address"), where, "address"),
        specialties=list(dict.fromkeys(specialties)),
        active=True if active is None else active,
    )


def _case_in(index: int, value: Any, mediator_uuids: set[str]) -> _CaseIn:
    title_hint = value.get("title") if isinstance(value, dict) else None
    where = _Where(
        f"第{index + 1}个案件{f'“{title_hint}”' if isinstance(title_hint, str) else ''}："
    )
    data = _expect_object(value, CASE_KEYS, where, "案件")
    case_uuid = _uuid(data.get("uuid"), where)
    number = data.get("number")
    if number is not None and (not isinstance(number, str) or not number.strip()):
        raise where.fail("案件编号（number）应是文字，或省略由程序自动编号。")
    parties: list[PartyDraft] = []
    for p_index, p_value in enumerate(_list(data.get("parties"), where, "parties")):
        p_where = _Where(f"{where.prefix}第{p_index + 1}位当事人：")
        p = _expect_object(p_value, PARTY_KEYS, p_where, "当事人")
        parties.append(
            PartyDraft(
                role=_text(p.get("role"), p_where, "role"),
                kind=_text(p.get("kind"), p_where, "kind") or "person",
                name=_text(p.get("name"), p_where, "name"),
                sex=p.get("sex") if p.get("sex") is None else _text(p.get("sex"), p_where, "sex"),
                ethnicity=_text(p.get("ethnicity"), p_where, "ethnicity"),
                birth_date=_date_value(p.get("birth_date"), p_where, "birth_date"),
                id_number=_text(p.get("id_number"), p_where, "id_number"),
                phone=_text(p.get("phone"), p_where, "phone"),
                address=_text(p.get("address"), p_where, "address"),
                occupation=_text(p.get("occupation"), p_where, "occupation"),
                credit_code=_text(p.get("credit_code"), p_where, "credit_code"),
                legal_representative=_text(
                    p.get("legal_representative"), p_where, "legal_representative"
                ),
            )
        )
    draft = CaseDraft(
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
    try:
        clean = check_case(draft)
    except ValidationErrors as errors:
        raise where.fail(
            errors.errors[0].message
            + (f"（另有{len(errors.errors) - 1}处错误）" if len(errors.errors) > 1 else "")
        ) from None

    panel: list[tuple[str, PanelRole]] = []
    for m_index, m_value in enumerate(_list(data.get("panel"), where, "panel")):
        m_where = _Where(f"{where.prefix}调解员组第{m_index + 1}项：")
        m = _expect_object(m_value, PANEL_KEYS, m_where, "调解员组成员")
        mediator = _uuid(m.get("mediator"), m_where)
        if mediator not in mediator_uuids:
            raise m_where.fail(f"调解员“{mediator}”既不在文件的调解员名单中，也不在数据库中。")
        try:
            role = choose(PanelRole, m.get("role"), "role", "角色")
        except ValidationError as error:
            raise m_where.fail(error.message) from None
        panel.append((mediator, role))

    escalations: list[tuple[Tier, Tier, date, str]] = []
    for e_index, e_value in enumerate(_list(data.get("escalations"), where, "escalations")):
        e_where = _Where(f"{where.prefix}第{e_index + 1}次层级变更：")
        e = _expect_object(e_value, ESCALATION_KEYS, e_where, "层级变更")
        try:
            from_tier = choose(Tier, e.get("from"), "from", "原层级")
            to_tier = choose(Tier, e.get("to"), "to", "新层级")
        except ValidationError as error:
            raise e_where.fail(error.message) from None
        on = _date_value(e.get("on"), e_where, "on")
        if on is None:
            raise e_where.fail("缺少变更日期（on）。")
        escalations.append((from_tier, to_tier, on, _text(e.get("reason"), e_where, "reason")))

    agreement = None
    if data.get("agreement") is not None:
        a_where = _Where(f"{where.prefix}调解协议：")
        a = _expect_object(data["agreement"], AGREEMENT_KEYS, a_where, "调解协议")
        terms = []
        for t_index, t_value in enumerate(_list(a.get("terms"), a_where, "terms")):
            t_where = _Where(f"{a_where.prefix}第{t_index + 1}条：")
            t = _expect_object(t_value, TERM_KEYS, t_where, "协议条款")
            terms.append(
                TermDraft(
                    text=_text(t.get("text"), t_where, "text"),
                    obligor=_int_or_none(t.get("obligor"), t_where, "obligor"),
                    obligee=_int_or_none(t.get("obligee"), t_where, "obligee"),
                    amount=_money_text(t.get("amount"), t_where, "amount"),
                    due=_date_value(t.get("due"), t_where, "due"),
                    performed_on=_date_value(t.get("performed_on"), t_where, "performed_on"),
                )
            )
        agreement_draft = AgreementDraft(
            form=_text(a.get("form"), a_where, "form") or "written",
            reached_on=_date_value(a.get("reached_on"), a_where, "reached_on"),
            facts=_text(a.get("facts"), a_where, "facts"),
            responsibility=_text(a.get("responsibility"), a_where, "responsibility"),
            terms=terms,
        )
        try:
            agreement = check_agreement(agreement_draft, len(parties))
        except ValidationErrors as errors:
            raise a_where.fail(errors.errors[0].message) from None

    follow_ups = []
    for f_index, f_value in enumerate(_list(data.get("follow_ups"), where, "follow_ups")):
        f_where = _Where(f"{where.prefix}第{f_index + 1}次回访：")
        f = _expect_object(f_value, FOLLOW_UP_KEYS, f_where, "回访")
        on = _date_value(f.get("on"), f_where, "on")
        if on is None:
            raise f_where.fail("缺少回访日期（on）。")
        by = _uuid(f.get("by"), f_where) if f.get("by") is not None else None
        if by is not None and by not in mediator_uuids:
            raise f_where.fail(f"回访人“{by}”不在调解员名单中。")
        satisfaction = f.get("satisfaction")
        if satisfaction is not None:
            try:
                choose(Satisfaction, satisfaction, "satisfaction", "满意度")
            except ValidationError as error:
                raise f_where.fail(error.message) from None
        follow_ups.append(
            (
                on,
                by,
                _bool_or_none(f.get("performed"), f_where, "performed"),
                satisfaction,
                _text(f.get("notes"), f_where, "notes"),
            )
        )
    return _CaseIn(
        case_uuid,
        number.strip() if number else None,
        clean,
        panel,
        escalations,
        agreement,
        follow_ups,
    )


def import_file(db: Database, path: Path | str) -> ImportReport:
    """Import an exchange file: everything, or nothing with a message saying why."""
    return import_data(db, _read_file(Path(path)))


def import_data(db: Database, data: Any) -> ImportReport:
    data = _check_header(data)
    where = _Where("")
    committee_data = data.get("committee")
    if committee_data is not None:
        committee_data = _expect_object(committee_data, COMMITTEE_KEYS, where, "调解委员会")
    mediators_raw = _list(data.get("mediators"), where, "mediators")
    cases_raw = _list(data.get("cases"), where, "cases")

    with db.transaction() as session:
        categories = set(session.scalars(select(ElderCategoryRow.code)))
        existing_mediators = {u: i for u, i in session.execute(select(Mediator.uuid, Mediator.id))}
        existing_cases = set(session.scalars(select(Case.uuid)))
        existing_numbers = set(session.scalars(select(Case.number)))

        # 1. Check everything before writing anything.
        mediators = [_mediator_in(i, m, categories) for i, m in enumerate(mediators_raw)]
        seen: set[str] = set()
        for i, m in enumerate(mediators):
            if m.uuid in seen:
                raise _Where(f"第{i + 1}名调解员“{m.name}”：").fail(
                    "uuid 与文件中另一名调解员重复。"
                )
            seen.add(m.uuid)
        known_mediators = seen | set(existing_mediators)
        cases = [_case_in(i, c, known_mediators) for i, c in enumerate(cases_raw)]
        seen = set()
        numbers: set[str] = set()
        for i, c in enumerate(cases):
            case_where = _Where(f"第{i + 1}个案件“{c.clean.title}”：")
            if c.uuid in seen:
                raise case_where.fail("uuid 与文件中另一个案件重复。")
            seen.add(c.uuid)
            if c.uuid in existing_cases or not c.number:
                continue
            if c.number in existing_numbers or c.number in numbers:
                raise case_where.fail(f"案件编号“{c.number}”已被其他案件使用，编号不能重复。")
            numbers.add(c.number)

        # 2. Write.
        report = ImportReport()
        if committee_data and not existing_cases:
            committee = session.scalar(select(Committee).limit(1))
            if committee is not None:
                committee.name = (
                    _text(committee_data.get("name"), where, "committee.name") or committee.name
                )
                committee.short_name = (
                    _text(committee_data.get("short_name"), where, "committee.short_name")
                    or committee.short_name
                )
        mediator_ids = dict(existing_mediators)
        for m in mediators:
            if m.uuid in existing_mediators:
                report.skipped_mediators.append(m.name)
                continue
            row = Mediator(
                uuid=m.uuid,
                name=m.name,
                sex=m.sex,
                birth_date=m.birth_date,
                elder_category=m.elder_category,
                phone=m.phone,
                compound=m.place.compound,
                building=m.place.building,
                unit=m.place.unit,
                room=m.place.room,
                active=m.active,
                notes="",
                specialties=[MediatorSpecialty(dispute_type=s) for s in m.specialties],
            )
            session.add(row)
            session.flush()
            mediator_ids[m.uuid] = row.id
            report.mediators_added += 1
        for c in cases:
            if c.uuid in existing_cases:
                report.skipped_cases.append(f"{c.clean.title}（{c.uuid}）")
                continue
            history = CaseHistory(
                panel=tuple((mediator_ids[u], role) for u, role in c.panel),
                escalations=tuple(c.escalations),
                agreement=c.agreement,
                follow_ups=tuple(
                    (on, mediator_ids[by] if by else None, performed, satisfaction, notes)
                    for on, by, performed, satisfaction, notes in c.follow_ups
                ),
            )
            add_case(session, c.clean, case_uuid=c.uuid, number=c.number, history=history)
            report.cases_added += 1
        session.flush()
        record(
            session,
            "import",
            "file",
            None,
            f"cases={report.cases_added} mediators={report.mediators_added} "
            f"skipped={len(report.skipped_cases)}",
        )
    return report


def case_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count(Case.id))) or 0


__all__ = ["ImportReport", "export_data", "export_file", "import_data", "import_file"]
