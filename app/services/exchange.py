"""The case exchange format, version 1 (shared/exchange-format.md): export and import.

Import is all-or-nothing: the whole file is checked first, and one wrong value rejects it with a
Chinese message naming the case (index and title), the field and what is wrong. A uuid already
in the database is reported and skipped, never duplicated or overwritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import (
    Agreement,
    Case,
    Committee,
    ElderCategoryRow,
    Mediator,
    MediatorSpecialty,
)
from app.domain.codes import DisputeType, Labelled, PanelRole, Satisfaction, Sex, Tier
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import ImportFileError, UserError, ValidationError, ValidationErrors
from app.domain.money import from_fen, parse_exchange_money
from app.domain.rules import (
    CleanAgreement,
    CleanCase,
    check_agreement,
    check_case,
    check_mediator_birth_date,
    choose,
)
from app.domain.validation import check_phone, require_text
from app.domain.values import Place
from app.services.cases import CaseHistory, add_case, reserve_numbers
from app.services.database import DEFAULT_COMMITTEE_NAME, DEFAULT_SHORT_NAME, Database
from app.services.files import os_problem, write_atomically
from app.services.operations import DEFAULT_ACTOR
from app.views import Changed

E = TypeVar("E", bound=Labelled)

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
    #: What became of the file's committee, when it differs from the database's.
    committee_note: str = ""

    def summary(self) -> str:
        lines = [f"导入完成：新增案件{self.cases_added}件，新增调解员{self.mediators_added}名。"]
        if self.committee_note:
            lines.append(self.committee_note)
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


#: The Chinese name of every key of the format, so a message says 受理日期（received_on), not
#: just the key (which a volunteer cannot read) or just the label (which is not in the file).
TOP_LABELS = {
    "format": "文件格式",
    "version": "版本号",
    "committee": "调解委员会",
    "mediators": "调解员名单",
    "cases": "案件列表",
}
COMMITTEE_LABELS = {"name": "委员会名称", "short_name": "简称"}
PLACE_LABELS = {"compound": "小区", "building": "楼", "unit": "单元", "room": "室"}
MEDIATOR_LABELS = {
    "uuid": "唯一标识",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "elder_category": "五老类别",
    "phone": "联系电话",
    "address": "住址",
    "specialties": "擅长的纠纷类型",
    "active": "是否在岗",
}
CASE_LABELS = {
    "uuid": "唯一标识",
    "number": "案件编号",
    "title": "案由",
    "dispute_type": "纠纷类型",
    "source": "案件来源",
    "received_on": "受理日期",
    "tier": "化解层级",
    "status": "办理状态",
    "place": "发生地点",
    "amount": "涉及金额",
    "persons_involved": "涉及人数",
    "risk_flags": "风险",
    "facts": "纠纷简要情况",
    "requests": "申请事项",
    "parties": "当事人",
    "panel": "调解员组",
    "escalations": "层级变更",
    "agreement": "调解协议",
    "follow_ups": "回访",
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
}
PANEL_LABELS = {"mediator": "调解员", "role": "角色"}
ESCALATION_LABELS = {"from": "原层级", "to": "新层级", "on": "变更日期", "reason": "原因"}
AGREEMENT_LABELS = {
    "form": "协议形式",
    "reached_on": "达成日期",
    "facts": "纠纷主要事实",
    "responsibility": "各方责任",
    "terms": "协议条款",
}
TERM_LABELS = {
    "text": "内容",
    "obligor": "履行人",
    "obligee": "权利人",
    "amount": "金额",
    "due": "履行期限",
    "performed_on": "履行日期",
}
FOLLOW_UP_LABELS = {
    "on": "回访日期",
    "by": "回访人",
    "performed": "是否已履行",
    "satisfaction": "满意度",
    "notes": "回访情况",
}
NOTHING_CHANGED = "导入失败，数据库没有任何改动。"


class _Where:
    """Where in the file a value sits, for messages: 第2个案件“楼上渗水纠纷”的……"""

    def __init__(self, prefix: str, labels: Mapping[str, str] | None = None) -> None:
        self.prefix = prefix
        self.labels = labels or {}

    def name(self, key: str) -> str:
        """受理日期（received_on）: the Chinese name with the key as the file writes it."""
        label = self.labels.get(key)
        return f"{label}（{key}）" if label else f"“{key}”"

    def inner(self, extra: str, labels: Mapping[str, str]) -> _Where:
        return _Where(self.prefix + extra, labels)

    def fail(self, problem: str) -> ImportFileError:
        return ImportFileError(f"{NOTHING_CHANGED}{self.prefix}{problem}")

    def invalid(
        self, error: ValidationError, key: str | None = None, more: str = ""
    ) -> ImportFileError:
        """A checked field's error, with the field's key so it can be found in the file."""
        return self.fail(f"{error.message}（在文件中是 {key or error.field}）{more}")


def _shown(value: Any) -> str:
    """A value as the file writes it (true, 1.5, [..]): never Python's None or True."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


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


def _uuid(value: Any, where: _Where, key: str = "uuid") -> str:
    shape = "应是36位的唯一标识，例如 0f8fad5b-d9cb-469f-a165-70867728950e"
    if value is None:
        raise where.fail(f"缺少{where.name(key)}，{shape}。")
    if not isinstance(value, str) or not _UUID.match(value.lower()):
        raise where.fail(f"{where.name(key)}格式不对，{shape}，现在是{_shown(value)}。")
    return value.lower()


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
    def refuse(problem: str) -> ImportFileError:
        return ImportFileError(f"{problem}数据库没有任何改动。")

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise refuse(f"找不到文件“{path}”，请检查文件名和所在文件夹。") from None
    except OSError as error:
        raise refuse(f"无法读取文件“{path}”：{os_problem(error)}。") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse(
            f"文件“{path.name}”不是 UTF-8 编码的文字文件，可能选错了文件或文件已损坏。"
        ) from None
    if not text.strip():
        raise refuse(
            f"文件是空的：“{path.name}”里面什么也没有。请确认选对了文件，"
            "交换文件是由“导出”（export）生成的。"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise refuse(
            f"文件“{path.name}”不是有效的交换文件：第{error.lineno}行第{error.colno}列格式有误"
            "（文件可能不完整或被改坏了）。"
        ) from None
    except (RecursionError, ValueError):  # brackets nested thousands deep, a 5000-digit number
        raise refuse(
            f"文件“{path.name}”不是有效的交换文件：内容的结构不对"
            "（括号套得太深或数字太长，文件可能被改坏了）。"
        ) from None


def _check_header(data: Any) -> dict[str, Any]:
    where = _Where("", TOP_LABELS)
    if not isinstance(data, dict):
        raise where.fail(
            "这不是老娘舅的案件交换文件（文件内容应是用大括号 { } 括起来的一个对象）。"
        )
    data = _expect_object(data, TOP_KEYS, where, "文件")
    if data.get("format") != FORMAT:
        raise where.fail(f"这不是老娘舅的案件交换文件（文件格式 format 应为“{FORMAT}”）。")
    version = data.get("version")
    if version is None:
        raise where.fail(
            f'文件缺少版本号（version），第{VERSION}版的文件应写 "version": {VERSION}。'
        )
    if isinstance(version, bool) or not isinstance(version, int):
        raise where.fail(
            f"版本号（version）应是数字 {VERSION}（不带引号，也不带小数点），"
            f"现在是 {json.dumps(version, ensure_ascii=False)}。"
        )
    if version > VERSION:
        raise where.fail(
            f"这个文件是第{version}版格式，由更新版本的程序导出；本程序只认识第{VERSION}版。"
            "请先把程序升级到最新版本。"
        )
    if version < 1:
        raise where.fail(f"版本号（version）应是数字 {VERSION}，现在是 {version}。")
    return data


def _category_choices(categories: Mapping[str, str]) -> str:
    return "、".join(f"{label}（{code}）" for code, label in categories.items())


def _mediator_in(index: int, value: Any, categories: Mapping[str, str]) -> _MediatorIn:
    name_hint = value.get("name") if isinstance(value, dict) else None
    where = _Where(
        f"第{index + 1}名调解员{f'“{name_hint}”' if isinstance(name_hint, str) else ''}：",
        MEDIATOR_LABELS,
    )
    data = _expect_object(value, MEDIATOR_KEYS, where, "调解员")
    name_text = _text(data.get("name"), where, "name")
    category = data.get("elder_category")
    if category is not None and (not isinstance(category, str) or category not in categories):
        raise where.fail(
            f"五老类别（elder_category）“{_shown(category)}”不在本委员会的类别中，"
            f"请从这些中选择：{_category_choices(categories)}。"
        )
    try:
        name = require_text(name_text, "name", "姓名", max_length=60, example="王建国")
        phone = _text(data.get("phone"), where, "phone")
        phone = check_phone(phone) if phone.strip() else ""
        birth_date = check_mediator_birth_date(
            _date_value(data.get("birth_date"), where, "birth_date"), date.today()
        )
    except ValidationError as error:
        raise where.invalid(error) from None
    sex = data.get("sex")
    if sex is not None:
        _choice(Sex, sex, where, "sex")
    specialties = [
        _choice(DisputeType, s, where, "specialties").value
        for s in _list(data.get("specialties"), where, "specialties")
    ]
    active = _bool_or_none(data.get("active"), where, "active")
    return _MediatorIn(
        uuid=_uuid(data.get("uuid"), where),
        name=name,
        sex=sex,
        birth_date=birth_date,
        elder_category=category,
        phone=phone,
        place=_place_value(data.get("address"), where, "address"),
        specialties=list(dict.fromkeys(specialties)),  # in the file's order, once each
        active=True if active is None else active,
    )


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
        _party_draft(p, where.inner(f"第{i + 1}位当事人：", PARTY_LABELS))
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


def _panel_in(
    data: dict[str, Any], where: _Where, mediators: set[str]
) -> list[tuple[str, PanelRole]]:
    panel: list[tuple[str, PanelRole]] = []
    for m_index, m_value in enumerate(_list(data.get("panel"), where, "panel")):
        m_where = where.inner(f"调解员组第{m_index + 1}项：", PANEL_LABELS)
        m = _expect_object(m_value, PANEL_KEYS, m_where, "调解员组成员")
        mediator = _uuid(m.get("mediator"), m_where, "mediator")
        if mediator not in mediators:
            raise m_where.fail(f"调解员“{mediator}”既不在文件的调解员名单中，也不在数据库中。")
        if any(mediator == u for u, _ in panel):
            raise m_where.fail(f"调解员“{mediator}”在调解员组中出现了两次，请删去一次。")
        panel.append((mediator, _choice(PanelRole, m.get("role"), m_where, "role")))
    return panel


def _escalations_in(data: dict[str, Any], where: _Where) -> list[tuple[Tier, Tier, date, str]]:
    escalations: list[tuple[Tier, Tier, date, str]] = []
    for e_index, e_value in enumerate(_list(data.get("escalations"), where, "escalations")):
        e_where = where.inner(f"第{e_index + 1}次层级变更：", ESCALATION_LABELS)
        e = _expect_object(e_value, ESCALATION_KEYS, e_where, "层级变更")
        from_tier = _choice(Tier, e.get("from"), e_where, "from")
        to_tier = _choice(Tier, e.get("to"), e_where, "to")
        on = _date_value(e.get("on"), e_where, "on")
        if on is None:
            raise e_where.fail("缺少变更日期（on），例如 2026-03-05。")
        escalations.append((from_tier, to_tier, on, _text(e.get("reason"), e_where, "reason")))
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


def _term_draft(t_value: Any, where: _Where, parties: list[PartyDraft]) -> TermDraft:
    t = _expect_object(t_value, TERM_KEYS, where, "协议条款")
    obligor = _int_or_none(t.get("obligor"), where, "obligor")
    obligee = _int_or_none(t.get("obligee"), where, "obligee")
    _party_index(obligor, where, "obligor", parties)
    _party_index(obligee, where, "obligee", parties)
    return TermDraft(
        text=_text(t.get("text"), where, "text"),
        obligor=obligor,
        obligee=obligee,
        amount=_money_text(t.get("amount"), where, "amount"),
        due=_date_value(t.get("due"), where, "due"),
        performed_on=_date_value(t.get("performed_on"), where, "performed_on"),
    )


def _agreement_in(
    data: dict[str, Any], where: _Where, parties: list[PartyDraft], clean: CleanCase
) -> CleanAgreement | None:
    if data.get("agreement") is None:
        return None
    a_where = where.inner("调解协议：", AGREEMENT_LABELS)
    a = _expect_object(data["agreement"], AGREEMENT_KEYS, a_where, "调解协议")
    terms = [
        _term_draft(t, a_where.inner(f"第{i + 1}条：", TERM_LABELS), parties)
        for i, t in enumerate(_list(a.get("terms"), a_where, "terms"))
    ]
    draft = AgreementDraft(
        form=_text(a.get("form"), a_where, "form") or "written",
        reached_on=_date_value(a.get("reached_on"), a_where, "reached_on"),
        facts=_text(a.get("facts"), a_where, "facts"),
        responsibility=_text(a.get("responsibility"), a_where, "responsibility"),
        terms=terms,
    )
    try:
        return check_agreement(draft, len(parties), received_on=clean.received_on)
    except ValidationErrors as errors:
        raise a_where.invalid(errors.errors[0]) from None


def _follow_ups_in(
    data: dict[str, Any], where: _Where, mediators: set[str]
) -> list[tuple[date, str | None, bool | None, str | None, str]]:
    follow_ups = []
    for f_index, f_value in enumerate(_list(data.get("follow_ups"), where, "follow_ups")):
        f_where = where.inner(f"第{f_index + 1}次回访：", FOLLOW_UP_LABELS)
        f = _expect_object(f_value, FOLLOW_UP_KEYS, f_where, "回访")
        on = _date_value(f.get("on"), f_where, "on")
        if on is None:
            raise f_where.fail("缺少回访日期（on），例如 2026-04-10。")
        by = _uuid(f.get("by"), f_where, "by") if f.get("by") is not None else None
        if by is not None and by not in mediators:
            raise f_where.fail(f"回访人“{by}”不在调解员名单中。")
        satisfaction = f.get("satisfaction")
        if satisfaction is not None:
            _choice(Satisfaction, satisfaction, f_where, "satisfaction")
        follow_ups.append(
            (
                on,
                by,
                _bool_or_none(f.get("performed"), f_where, "performed"),
                satisfaction,
                _text(f.get("notes"), f_where, "notes"),
            )
        )
    return follow_ups


def _case_where(index: int, title: Any) -> _Where:
    named = isinstance(title, str) and title.strip()
    return _Where(f"第{index + 1}个案件{f'“{title.strip()}”' if named else ''}：", CASE_LABELS)


def _case_in(index: int, value: Any, mediator_uuids: set[str]) -> _CaseIn:
    where = _case_where(index, value.get("title") if isinstance(value, dict) else None)
    data = _expect_object(value, CASE_KEYS, where, "案件")
    case_uuid = _uuid(data.get("uuid"), where)
    number = data.get("number")
    if number is not None and (not isinstance(number, str) or not number.strip()):
        raise where.fail("案件编号（number）应是文字，或省略由程序自动编号。")
    draft = _case_draft(data, where)
    try:
        clean = check_case(draft)
    except ValidationErrors as errors:
        more = f"（另有{len(errors.errors) - 1}处错误）" if len(errors.errors) > 1 else ""
        raise where.invalid(errors.errors[0], more=more) from None
    return _CaseIn(
        case_uuid,
        number.strip() if number else None,
        clean,
        _panel_in(data, where, mediator_uuids),
        _escalations_in(data, where),
        _agreement_in(data, where, draft.parties, clean),
        _follow_ups_in(data, where, mediator_uuids),
    )


def import_file(db: Database, path: Path | str, actor: str = DEFAULT_ACTOR) -> ImportReport:
    """Import an exchange file: everything, or nothing with a message saying why."""
    return import_data(db, _read_file(Path(path)), actor)


def _committee_in(data: dict[str, Any]) -> tuple[str, str] | None:
    where = _Where("", TOP_LABELS)
    if data.get("committee") is None:
        return None
    committee = _expect_object(data["committee"], COMMITTEE_KEYS, where, "调解委员会（committee）")
    inside = where.inner("调解委员会（committee）中的", COMMITTEE_LABELS)
    name = _text(committee.get("name"), inside, "name").strip()
    short_name = _text(committee.get("short_name"), inside, "short_name").strip()
    if len(name) > 100 or len(short_name) > 20:
        raise inside.fail("委员会名称最多100个字，简称最多20个字，请核对。")
    return name, short_name


def _settle_committee(session: Session, given: tuple[str, str] | None, has_cases: bool) -> str:
    """Adopt the file's committee only if the database has none of its own; say what happened.

    The database's committee names the numbers already handed out and every printed form,
    so an import never renames it behind the user's back.
    """
    committee = session.scalar(select(Committee).limit(1))
    if committee is None or given is None:
        return ""
    name = given[0] or committee.name
    short_name = given[1] or committee.short_name
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


def _check_unique(cases: list[_CaseIn], existing: set[str], existing_numbers: set[str]) -> None:
    """Uuids and case numbers must each be used once, in the file and beside the database.

    A case whose uuid is already in the database is skipped, so its number is not checked.
    """
    seen: set[str] = set()
    numbers: set[str] = set()
    for i, c in enumerate(cases):
        case_where = _case_where(i, c.clean.title)
        if c.uuid in seen:
            raise case_where.fail("uuid 与文件中另一个案件重复。")
        seen.add(c.uuid)
        if c.uuid in existing or not c.number:
            continue
        if c.number in existing_numbers or c.number in numbers:
            raise case_where.fail(f"案件编号“{c.number}”已被其他案件使用，编号不能重复。")
        numbers.add(c.number)


def _add_mediators(
    session: Session, mediators: list[_MediatorIn], existing: dict[str, int], report: ImportReport
) -> dict[str, int]:
    ids = dict(existing)
    for m in mediators:
        if m.uuid in existing:
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
            specialties=[
                MediatorSpecialty(dispute_type=s, position=n) for n, s in enumerate(m.specialties)
            ],
        )
        session.add(row)
        session.flush()
        ids[m.uuid] = row.id
        report.mediators_added += 1
    return ids


def _add_cases(
    session: Session,
    cases: list[tuple[int, _CaseIn]],
    mediator_ids: dict[str, int],
    report: ImportReport,
) -> None:
    """Insert the new cases; `cases` pairs each with its index in the file, for messages."""
    for i, c in cases:
        history = CaseHistory(
            panel=tuple((mediator_ids[u], role) for u, role in c.panel),
            escalations=tuple(c.escalations),
            agreement=c.agreement,
            follow_ups=tuple(
                (on, mediator_ids[by] if by else None, performed, satisfaction, notes)
                for on, by, performed, satisfaction, notes in c.follow_ups
            ),
        )
        try:
            add_case(session, c.clean, case_uuid=c.uuid, number=c.number, history=history)
        except UserError as error:  # rolled back with the whole import by the transaction
            raise _case_where(i, c.clean.title).fail(error.message) from None
        report.cases_added += 1


def import_data(db: Database, data: Any, actor: str = DEFAULT_ACTOR) -> ImportReport:
    data = _check_header(data)
    where = _Where("", TOP_LABELS)
    committee_in = _committee_in(data)
    mediators_raw = _list(data.get("mediators"), where, "mediators")
    cases_raw = _list(data.get("cases"), where, "cases")

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
        cases = [_case_in(i, c, seen | set(existing_mediators)) for i, c in enumerate(cases_raw)]
        new_cases = [(i, c) for i, c in enumerate(cases) if c.uuid not in existing_cases]
        _check_unique(cases, existing_cases, existing_numbers)

        # 2. Write.
        report = ImportReport()
        report.committee_note = _settle_committee(session, committee_in, bool(existing_cases))
        # The file's own numbers first, so none of them is handed to a case that has none.
        reserve_numbers(session, [c.number for _, c in new_cases if c.number])
        mediator_ids = _add_mediators(session, mediators, existing_mediators, report)
        report.skipped_cases = [
            f"{c.clean.title}（{c.uuid}）" for c in cases if c.uuid in existing_cases
        ]
        _add_cases(session, new_cases, mediator_ids, report)
        op.note = {
            "cases_added": report.cases_added,
            "mediators_added": report.mediators_added,
            "cases_skipped": len(report.skipped_cases),
        }
        op.refresh(Changed(case_list=True, mediators=True, settings=True, due=True))
    return report


def case_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count(Case.id))) or 0


__all__ = ["ImportReport", "export_data", "export_file", "import_data", "import_file"]
