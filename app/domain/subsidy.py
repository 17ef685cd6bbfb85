"""以案定补 — the committee's per-case subsidy scheme, the class it suggests for a case, and the
claim of a period, computed exactly in fen.

Mediators are volunteers paid a lost-time allowance per case (People's Mediation Law art. 16).
The scheme is a committee setting (stored as JSON on the committee row):

- **classes** from the simplest to the most serious (简易 / 一般 / 疑难复杂 / 重大 by default), each
  with its amount in fen and the facts that suggest it: an amount involved, a number of persons,
  the tier it was handled at, dispute types. A case is suggested the most serious class whose
  condition any fact meets; the committee decides, with a reason when it departs from that.
- **an oral agreement** is paid `oral_share` of its class when there is proof of it (a recording,
  a signed register, witnesses), nothing without;
- **mediation that failed but was useful** (the committee says so) is paid `useful_share` of its
  class; other unsuccessful mediation is not paid; a declined case never;
- **the panel** shares the case's amount by role: `lead_share`, `member_share` and
  `recorder_share`, which add up to exactly 1. Several members divide the members' share
  equally; a role the panel does not have gives its share to the roles it has, in proportion
  to their shares, so the whole amount is always paid out.

Rounding, so that the shares of one case add up to the case's amount to the fen:

1. the case's amount is its class amount times the share for how it ended (1, `oral_share` or
   `useful_share`), exact as a fraction, then rounded half up to the fen;
2. each panel member's exact share of that amount (a fraction of fen) is rounded down to the
   fen; the fen left over (fewer than the number of members) go one each to the members with
   the largest remainders — ties to the lead first, then members, then the recorder, each in
   the order the panel lists them (the largest-remainder or Hamilton method).

Nothing here reads the database: the service hands in plain `ClaimCase` values.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from app.domain.codes import DisputeType, Labelled, PanelRole, Tier
from app.domain.dossier import DossierItem
from app.domain.errors import UserError, ValidationError, ValidationErrors
from app.domain.money import format_yuan, from_fen, parse_money, to_fen
from app.domain.tiers import tier_rank

#: The stored `dispute_case.subsidy_class` column is String(20).
CODE_MAX = 20
LABEL_MAX = 20
MAX_CLASSES = 10
#: A class's amount at most 100,000 元 (雅安's highest is 3,000 元): beyond it is a typo.
MAX_AMOUNT_FEN = 10_000_000
SCHEME_VERSION = 1
#: Tiers a suggestion may name: the community's own (a case referred out was last handled at
#: the tier it left from).
SUGGESTION_TIERS = (Tier.BUILDING, Tier.COURTYARD, Tier.COMMUNITY)
_ROLE_ORDER = (PanelRole.LEAD, PanelRole.MEMBER, PanelRole.RECORDER)
#: How a held case's problem with its dossier begins (the missing items follow).
DOSSIER_GAP = "卷宗不完整，缺："
_CODE_SHAPE = re.compile(r"[a-z][a-z0-9_]*")


class Ending(Labelled):
    """How a case's mediation ended, as the claim sees it."""

    WRITTEN = "written", "达成书面协议"
    ORAL = "oral", "达成口头协议"
    UNSUCCESSFUL = "unsuccessful", "调解未成（调解不成、终止、撤回或移交）"
    DECLINED = "declined", "不予受理"


class Basis(Labelled):
    """What a case is paid for."""

    WRITTEN = "written", "书面协议"
    ORAL = "oral", "口头协议（有证明）"
    USEFUL = "useful", "调解不成但有成效"


# ================================================================== the scheme


@dataclass(frozen=True)
class CaseClass:
    """One class of the scheme: its amount and the facts that suggest it (None: not a test)."""

    code: str
    label: str
    amount_fen: int
    min_amount_fen: int | None = None
    min_persons: int | None = None
    min_tier: Tier | None = None
    dispute_types: tuple[DisputeType, ...] = ()

    @property
    def amount(self) -> Decimal:
        return from_fen(self.amount_fen)

    def conditions(self) -> list[str]:
        """The suggestion's conditions in words: 涉及金额满50,000.00元 …"""
        out: list[str] = []
        if self.min_amount_fen is not None:
            out.append(f"涉及金额满{format_yuan(from_fen(self.min_amount_fen))}元")
        if self.min_persons is not None:
            out.append(f"涉及{self.min_persons}人以上")
        if self.min_tier is not None:
            out.append(f"在{self.min_tier.label}一级或更高层级化解")
        if self.dispute_types:
            out.append("纠纷类型为" + "、".join(t.label for t in self.dispute_types))
        return out

    def describe(self) -> str:
        """“一般”200.00元（涉及金额满5,000.00元，或涉及3人以上）"""
        conditions = self.conditions()
        tail = f"（{'，或'.join(conditions)}）" if conditions else ""
        return f"“{self.label}”{format_yuan(self.amount)}元{tail}"

    def met_by(self, facts: CaseFacts) -> tuple[str, ...]:
        """The reasons `facts` meet this class's conditions (empty: none is met)."""
        reasons: list[str] = []
        if (
            self.min_amount_fen is not None
            and facts.amount_fen is not None
            and facts.amount_fen >= self.min_amount_fen
        ):
            reasons.append(
                f"涉及金额{format_yuan(from_fen(facts.amount_fen))}元，"
                f"满“{self.label}”的{format_yuan(from_fen(self.min_amount_fen))}元"
            )
        if (
            self.min_persons is not None
            and facts.persons is not None
            and facts.persons >= self.min_persons
        ):
            reasons.append(f"涉及{facts.persons}人，满“{self.label}”的{self.min_persons}人")
        if self.min_tier is not None and tier_rank(facts.tier) >= tier_rank(self.min_tier):
            reasons.append(
                f"在{facts.tier.label}一级化解，达到“{self.label}”的{self.min_tier.label}一级"
            )
        if facts.dispute_type in self.dispute_types:
            reasons.append(f"{facts.dispute_type.label}纠纷属于“{self.label}”的纠纷类型")
        return tuple(reasons)


DEFAULT_CLASSES: tuple[CaseClass, ...] = (
    CaseClass("simple", "简易", 10_000),
    CaseClass("general", "一般", 20_000, min_amount_fen=500_000, min_persons=3),
    CaseClass(
        "complex",
        "疑难复杂",
        30_000,
        min_amount_fen=5_000_000,
        min_persons=10,
        min_tier=Tier.COMMUNITY,
        dispute_types=(DisputeType.REQUISITION_DEMOLITION, DisputeType.MEDICAL),
    ),
    CaseClass("major", "重大", 50_000, min_amount_fen=50_000_000, min_persons=30),
)


@dataclass(frozen=True)
class Scheme:
    """The committee's 以案定补 scheme; `Scheme()` is the program's default."""

    classes: tuple[CaseClass, ...] = DEFAULT_CLASSES
    #: An oral agreement with proof is paid this share of its class.
    oral_share: Fraction = Fraction(1, 2)
    #: Failed but useful mediation is paid this share of its class.
    useful_share: Fraction = Fraction(1, 2)
    lead_share: Fraction = Fraction(1, 2)
    member_share: Fraction = Fraction(3, 10)
    recorder_share: Fraction = Fraction(1, 5)

    def __post_init__(self) -> None:
        check_scheme(self)

    @property
    def role_shares(self) -> dict[PanelRole, Fraction]:
        return {
            PanelRole.LEAD: self.lead_share,
            PanelRole.MEMBER: self.member_share,
            PanelRole.RECORDER: self.recorder_share,
        }

    def find(self, code_or_label: str | None) -> CaseClass | None:
        """The class with this code or label; None for none."""
        text = (code_or_label or "").strip()
        for c in self.classes:
            if text in (c.code, c.label):
                return c
        return None

    def label_of(self, code: str | None) -> str:
        found = self.find(code)
        return found.label if found else (code or "")

    def class_names(self) -> str:
        """简易、一般、疑难复杂、重大"""
        return "、".join(c.label for c in self.classes)

    def share_for(self, basis: Basis) -> Fraction:
        return {
            Basis.WRITTEN: Fraction(1),
            Basis.ORAL: self.oral_share,
            Basis.USEFUL: self.useful_share,
        }[basis]

    # ------------------------------------------------------------------ JSON

    def to_data(self) -> dict[str, Any]:
        classes = []
        for c in self.classes:
            entry: dict[str, Any] = {
                "code": c.code,
                "label": c.label,
                "amount": _yuan(c.amount_fen),
            }
            if c.min_amount_fen is not None:
                entry["amount_at_least"] = _yuan(c.min_amount_fen)
            if c.min_persons is not None:
                entry["persons_at_least"] = c.min_persons
            if c.min_tier is not None:
                entry["tier_at_least"] = c.min_tier.value
            if c.dispute_types:
                entry["dispute_types"] = [t.value for t in c.dispute_types]
            classes.append(entry)
        return {
            "version": SCHEME_VERSION,
            "classes": classes,
            "oral_agreement_with_proof": str(self.oral_share),
            "failed_but_useful": str(self.useful_share),
            "roles": {
                "lead": str(self.lead_share),
                "member": str(self.member_share),
                "recorder": str(self.recorder_share),
            },
        }

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_data(), ensure_ascii=False, indent=indent, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> Scheme:
        """The scheme a JSON text describes ("" is the default); every problem is reported at
        once (`ValidationErrors`), each naming its place in the file in Chinese."""
        if not text.strip():
            return cls()
        try:
            data = json.loads(text)
        except ValueError as error:
            raise UserError(
                f"补贴办法不是有效的 JSON（第{getattr(error, 'lineno', '?')}行附近有错），"
                "请对照 docs/subsidy.md 的例子检查括号、引号和逗号。"
            ) from None
        return cls.from_data(data)

    @classmethod
    def from_data(cls, data: object) -> Scheme:
        errors: list[ValidationError] = []
        if not isinstance(data, dict):
            raise ValidationErrors(
                [ValidationError("scheme", "补贴办法", "应是一个 JSON 对象（用 { } 括起来）")]
            )
        known = {"version", "classes", "oral_agreement_with_proof", "failed_but_useful", "roles"}
        for key in data:
            if key not in known:
                errors.append(
                    ValidationError(
                        str(key),
                        f"“{key}”",
                        "不认识这一项，可以写的有：" + "、".join(sorted(known)),
                    )
                )
        version = data.get("version", SCHEME_VERSION)
        if version != SCHEME_VERSION:
            errors.append(
                ValidationError(
                    "version",
                    "版本（version）",
                    f"只能是{SCHEME_VERSION}，这份文件可能来自更新的程序",
                )
            )
        classes: list[CaseClass] = []
        raw_classes = data.get("classes")
        if not isinstance(raw_classes, list) or not raw_classes:
            errors.append(
                ValidationError(
                    "classes", "案件类别（classes）", "要列出至少一个类别，从简单到复杂"
                )
            )
            raw_classes = []
        for i, entry in enumerate(raw_classes):
            found = _class_from(entry, i, errors)
            if found is not None:
                classes.append(found)
        oral = _fraction_in(
            data, "oral_agreement_with_proof", "口头协议的比例", Fraction(1, 2), errors
        )
        useful = _fraction_in(
            data, "failed_but_useful", "调解不成但有成效的比例", Fraction(1, 2), errors
        )
        roles = data.get("roles", {})
        if not isinstance(roles, dict):
            errors.append(
                ValidationError("roles", "分配比例（roles）", '应写成 {"lead": "1/2", …}')
            )
            roles = {}
        for key in roles:
            if key not in ("lead", "member", "recorder"):
                errors.append(
                    ValidationError(
                        f"roles.{key}",
                        f"分配比例“{key}”",
                        "只能写 lead（主持人）、member（调解员）、recorder（记录人）",
                    )
                )
        defaults = Scheme()
        lead = _fraction_in(
            roles, "lead", "主持人的分配比例", defaults.lead_share, errors, "roles."
        )
        member = _fraction_in(
            roles, "member", "调解员的分配比例", defaults.member_share, errors, "roles."
        )
        recorder = _fraction_in(
            roles, "recorder", "记录人的分配比例", defaults.recorder_share, errors, "roles."
        )
        if len(classes) == len(raw_classes):  # the list's places are the file's
            errors += class_problems(tuple(classes))
        errors += share_problems(oral, useful, lead, member, recorder)
        if errors:
            raise ValidationErrors(errors)
        return cls(tuple(classes), oral, useful, lead, member, recorder)


def _yuan(fen: int) -> str:
    return format_yuan(from_fen(fen), grouped=False)


def check_scheme(scheme: Scheme) -> None:
    """Refuse a scheme that cannot be applied: every problem at once (`ValidationErrors`)."""
    errors = class_problems(scheme.classes) + share_problems(
        scheme.oral_share,
        scheme.useful_share,
        scheme.lead_share,
        scheme.member_share,
        scheme.recorder_share,
    )
    if errors:
        raise ValidationErrors(errors)


def class_problems(classes: tuple[CaseClass, ...]) -> list[ValidationError]:
    """What is wrong with the classes, each named by its place in the list."""
    errors: list[ValidationError] = []
    if not classes:
        errors.append(ValidationError("classes", "案件类别", "要有至少一个类别"))
    if len(classes) > MAX_CLASSES:
        errors.append(ValidationError("classes", "案件类别", f"最多{MAX_CLASSES}个类别"))
    codes = [c.code for c in classes]
    labels = [c.label for c in classes]
    for i, c in enumerate(classes):
        where, name = f"classes[{i}]", f"第{i + 1}个类别"
        if not _CODE_SHAPE.fullmatch(c.code) or len(c.code) > CODE_MAX:
            errors.append(
                ValidationError(
                    f"{where}.code",
                    f"{name}的代码",
                    f"“{c.code}”不行：用小写英文字母、数字和下划线，字母开头，"
                    f"最多{CODE_MAX}个字符，例如 general",
                )
            )
        if codes.count(c.code) > 1 and codes.index(c.code) < i:
            errors.append(ValidationError(f"{where}.code", f"{name}的代码", f"“{c.code}”重复了"))
        if not c.label.strip() or len(c.label) > LABEL_MAX:
            errors.append(
                ValidationError(
                    f"{where}.label", f"{name}的名称", f"要写名称，最多{LABEL_MAX}个字，例如“一般”"
                )
            )
        elif labels.count(c.label) > 1 and labels.index(c.label) < i:
            errors.append(ValidationError(f"{where}.label", f"{name}的名称", f"“{c.label}”重复了"))
        if not 0 <= c.amount_fen <= MAX_AMOUNT_FEN:
            errors.append(
                ValidationError(
                    f"{where}.amount",
                    f"“{c.label}”的补贴金额",
                    f"应在0到{format_yuan(from_fen(MAX_AMOUNT_FEN))}元之间",
                )
            )
        if i and c.amount_fen < classes[i - 1].amount_fen:
            errors.append(
                ValidationError(
                    f"{where}.amount",
                    f"“{c.label}”的补贴金额",
                    f"不能低于前一个类别“{classes[i - 1].label}”"
                    f"（{format_yuan(classes[i - 1].amount)}元）：类别要从简单到复杂排列",
                )
            )
        if c.min_amount_fen is not None and c.min_amount_fen < 0:
            errors.append(
                ValidationError(f"{where}.amount_at_least", f"“{c.label}”的金额条件", "不能是负数")
            )
        if c.min_persons is not None and c.min_persons < 1:
            errors.append(
                ValidationError(f"{where}.persons_at_least", f"“{c.label}”的人数条件", "至少是1人")
            )
        if c.min_tier is not None and c.min_tier not in SUGGESTION_TIERS:
            errors.append(
                ValidationError(
                    f"{where}.tier_at_least",
                    f"“{c.label}”的层级条件",
                    "只能是 building（楼栋）、courtyard（院落）或 community（社区）",
                )
            )
    return errors


def share_problems(
    oral: Fraction, useful: Fraction, lead: Fraction, member: Fraction, recorder: Fraction
) -> list[ValidationError]:
    """What is wrong with the shares: each within 0..1, the roles' adding up to exactly 1."""
    errors: list[ValidationError] = []
    for key, label, value in (
        ("oral_agreement_with_proof", "口头协议的比例", oral),
        ("failed_but_useful", "调解不成但有成效的比例", useful),
        ("roles.lead", "主持人的分配比例", lead),
        ("roles.member", "调解员的分配比例", member),
        ("roles.recorder", "记录人的分配比例", recorder),
    ):
        if not 0 <= value <= 1:
            errors.append(ValidationError(key, label, "应在0到1之间，例如 1/2 或 50%"))
    total = lead + member + recorder
    if total != 1:
        errors.append(
            ValidationError(
                "roles",
                "分配比例",
                f"主持人、调解员、记录人的比例加起来应正好是1（现在是{fraction_text(total)}），"
                "例如 1/2、3/10、1/5",
            )
        )
    if lead <= 0:
        errors.append(
            ValidationError("roles.lead", "主持人的分配比例", "要大于0：每个案件都有主持人")
        )
    return errors


def fraction_text(value: Fraction) -> str:
    """1/2 → 50%; 1/3 → 1/3 (a share that is no whole per cent is said as a fraction)."""
    percent = value * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    if (percent * 10).denominator == 1:
        return f"{Decimal(percent.numerator) / Decimal(percent.denominator)}%"
    return str(value)


def parse_fraction(value: object, field_name: str, label: str) -> Fraction:
    """A share as a person writes it: "1/2", "0.5", "50%", 1 — exact, never a float."""
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if isinstance(value, bool) or not text:
        raise ValidationError(field_name, label, "要写一个比例，例如 1/2、0.5 或 50%")
    try:
        if text.endswith("%"):
            result = Fraction(Decimal(text[:-1])) / 100
        elif "/" in text:
            top, _, bottom = text.partition("/")
            result = Fraction(int(top), int(bottom))
        else:
            result = Fraction(Decimal(text))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise ValidationError(
            field_name, label, f"“{value}”不是比例，请写成 1/2、0.5 或 50%"
        ) from None
    if not 0 <= result <= 1:
        raise ValidationError(field_name, label, f"“{value}”应在0到1之间（0%到100%）")
    return result


def _fraction_in(
    data: Mapping[str, object],
    key: str,
    label: str,
    default: Fraction,
    errors: list[ValidationError],
    prefix: str = "",
) -> Fraction:
    if key not in data:
        return default
    try:
        return parse_fraction(data[key], prefix + key, f"{label}（{key}）")
    except ValidationError as error:
        errors.append(error)
        return default


def _class_from(entry: object, i: int, errors: list[ValidationError]) -> CaseClass | None:
    where, name = f"classes[{i}]", f"第{i + 1}个类别"
    if not isinstance(entry, dict):
        errors.append(ValidationError(where, name, '应写成 {"code": …, "label": …, "amount": …}'))
        return None
    known = {
        "code",
        "label",
        "amount",
        "amount_at_least",
        "persons_at_least",
        "tier_at_least",
        "dispute_types",
    }
    for key in entry:
        if key not in known:
            errors.append(
                ValidationError(
                    f"{where}.{key}",
                    f"{name}的“{key}”",
                    "不认识这一项，可以写的有：" + "、".join(sorted(known)),
                )
            )
    before = len(errors)
    code = entry.get("code")
    label = entry.get("label")
    if not isinstance(code, str) or not code.strip():
        errors.append(
            ValidationError(f"{where}.code", f"{name}的代码（code）", '要写，例如 "general"')
        )
    if not isinstance(label, str) or not label.strip():
        errors.append(
            ValidationError(f"{where}.label", f"{name}的名称（label）", '要写，例如 "一般"')
        )
    amount = _money_in(
        entry, "amount", f"{where}.amount", f"{name}的补贴金额（amount）", errors, True
    )
    at_least = _money_in(
        entry, "amount_at_least", f"{where}.amount_at_least", f"{name}的金额条件", errors
    )
    persons = entry.get("persons_at_least")
    if persons is not None and (isinstance(persons, bool) or not isinstance(persons, int)):
        errors.append(
            ValidationError(f"{where}.persons_at_least", f"{name}的人数条件", "要写整数，例如 3")
        )
        persons = None
    tier: Tier | None = None
    if entry.get("tier_at_least") is not None:
        try:
            tier = Tier(str(entry["tier_at_least"]))
        except ValueError:
            errors.append(
                ValidationError(
                    f"{where}.tier_at_least",
                    f"{name}的层级条件",
                    "只能是 building（楼栋）、courtyard（院落）或 community（社区）",
                )
            )
    types: list[DisputeType] = []
    raw_types = entry.get("dispute_types", [])
    if not isinstance(raw_types, list):
        errors.append(
            ValidationError(
                f"{where}.dispute_types", f"{name}的纠纷类型", '应写成列表，例如 ["medical"]'
            )
        )
        raw_types = []
    for t in raw_types:
        found = next((d for d in DisputeType if str(t) in (d.value, d.label)), None)
        if found is None:
            errors.append(
                ValidationError(
                    f"{where}.dispute_types",
                    f"{name}的纠纷类型",
                    f"没有“{t}”这种纠纷类型，可以写："
                    + "、".join(f"{d.value}（{d.label}）" for d in DisputeType),
                )
            )
        elif found not in types:
            types.append(found)
    if len(errors) > before or amount is None:
        return None
    assert isinstance(code, str) and isinstance(label, str)
    return CaseClass(code.strip(), label.strip(), amount, at_least, persons, tier, tuple(types))


def _money_in(
    entry: Mapping[str, object],
    key: str,
    field_name: str,
    label: str,
    errors: list[ValidationError],
    required: bool = False,
) -> int | None:
    value = entry.get(key)
    if value is None:
        if required:
            errors.append(ValidationError(field_name, label, '要写金额（元），例如 "200.00"'))
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.append(ValidationError(field_name, label, '要写金额（元），例如 "200.00"'))
        return None
    try:
        return to_fen(parse_money(str(value), field_name, label))
    except ValidationError as error:
        errors.append(error)
        return None


# ================================================================== suggestion


@dataclass(frozen=True)
class CaseFacts:
    """What the suggestion looks at: the amount and persons involved, the highest tier the
    community handled the case at, and its dispute type."""

    amount_fen: int | None
    persons: int | None
    tier: Tier
    dispute_type: DisputeType


def suggest_class(scheme: Scheme, facts: CaseFacts) -> tuple[CaseClass, tuple[str, ...]]:
    """The most serious class whose conditions a fact meets, and why; else the first class."""
    for c in reversed(scheme.classes[1:]):
        reasons = c.met_by(facts)
        if reasons:
            return c, reasons
    first = scheme.classes[0]
    return first, (f"金额、人数、层级和纠纷类型都没有达到更高类别的条件，按“{first.label}”",)


# ================================================================== the claim


@dataclass(frozen=True)
class Seat:
    """A mediator on a case's panel."""

    mediator_id: int
    name: str
    role: PanelRole


@dataclass(frozen=True)
class ClaimCase:
    """One case whose mediation ended in the period, as the service read it."""

    case_id: int
    number: str
    title: str
    ended_on: date
    ending: Ending
    #: The class the committee decided (None: not yet decided).
    class_code: str | None
    suggested: CaseClass
    suggestion_reasons: tuple[str, ...] = ()
    reason: str = ""
    oral_proof: bool = False
    useful: bool = False
    panel: tuple[Seat, ...] = ()
    #: The dossier's missing items (`app.domain.dossier.missing_items`).
    missing: tuple[DossierItem, ...] = ()


@dataclass(frozen=True)
class Share:
    mediator_id: int
    name: str
    role: PanelRole
    amount_fen: int


@dataclass(frozen=True)
class ClaimLine:
    """A case claimed: its class, what it is paid for (and the share of the class that pays),
    its amount and each mediator's share."""

    case: ClaimCase
    case_class: CaseClass
    basis: Basis
    share: Fraction
    amount_fen: int
    shares: tuple[Share, ...]

    @property
    def basis_text(self) -> str:
        """书面协议 / 口头协议（有证明），按50% …"""
        if self.share == 1:
            return self.basis.label
        return f"{self.basis.label}，按{fraction_text(self.share)}"


@dataclass(frozen=True)
class HeldCase:
    """A case that would be paid but cannot be claimed yet, with every reason and what to do.

    `amount_fen` is what it would be paid once put right (None while its class is unknown).
    """

    case: ClaimCase
    problems: tuple[str, ...]
    missing: tuple[DossierItem, ...]
    amount_fen: int | None = None


@dataclass(frozen=True)
class UnpaidCase:
    """A case that ended in the period and is not paid under the scheme, and why."""

    case: ClaimCase
    reason: str


@dataclass(frozen=True)
class MediatorTotal:
    mediator_id: int
    name: str
    cases: int
    as_lead: int
    as_member: int
    as_recorder: int
    amount_fen: int


@dataclass(frozen=True)
class ClaimSheet:
    """以案定补补贴申报表 of a period: what is claimed, per mediator and in total; what is held
    back and why; what is not paid and why."""

    start: date
    end: date
    scheme: Scheme
    lines: tuple[ClaimLine, ...] = ()
    mediators: tuple[MediatorTotal, ...] = ()
    held: tuple[HeldCase, ...] = ()
    unpaid: tuple[UnpaidCase, ...] = ()
    committee: str = ""
    total_fen: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_fen", sum(line.amount_fen for line in self.lines))

    @property
    def held_fen(self) -> int:
        return sum(h.amount_fen or 0 for h in self.held)

    def summary(self) -> str:
        """本期申报案件3件，补贴合计600.00元；暂缓申报2件；不计补贴1件。"""
        text = (
            f"本期申报案件{len(self.lines)}件，补贴合计{format_yuan(from_fen(self.total_fen))}元"
            f"，涉及调解员{len(self.mediators)}名"
        )
        if self.held:
            text += f"；暂缓申报{len(self.held)}件（补齐后可申报"
            text += f"{format_yuan(from_fen(self.held_fen))}元）" if self.held_fen else "）"
        if self.unpaid:
            text += f"；不计补贴{len(self.unpaid)}件"
        return text + "。"


def basis_of(scheme: Scheme, case: ClaimCase) -> Basis | str:
    """What the case is paid for, or why it is not paid."""
    if case.ending is Ending.WRITTEN:
        return Basis.WRITTEN
    if case.ending is Ending.ORAL:
        if not case.oral_proof:
            return "口头协议没有证明材料（录音、签字的登记表或证人）：按补贴办法不计补贴"
        if scheme.oral_share == 0:
            return "补贴办法对口头协议不计补贴"
        return Basis.ORAL
    if case.ending is Ending.UNSUCCESSFUL:
        if not case.useful:
            return "调解未成，也没有认定为“调解不成但有成效”：不计补贴"
        if scheme.useful_share == 0:
            return "补贴办法对调解不成的案件不计补贴"
        return Basis.USEFUL
    return "不予受理的案件不计补贴"


def case_amount(scheme: Scheme, case_class: CaseClass, basis: Basis) -> int:
    """The class amount times the share for `basis`, rounded half up to the fen."""
    return round_half_up(case_class.amount_fen * scheme.share_for(basis))


def round_half_up(value: Fraction) -> int:
    """The nearest whole fen, a half fen upwards (amounts are never negative)."""
    whole, rest = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * rest >= value.denominator else 0)


def split(amount_fen: int, panel: Sequence[Seat], scheme: Scheme) -> tuple[Share, ...]:
    """Each panel member's share of `amount_fen`, in whole fen adding up to it exactly (see the
    module's rounding rule), in the panel's order."""
    return _shares(panel, split_fen(amount_fen, tuple(seat.role for seat in panel), scheme))


def _shares(panel: Sequence[Seat], fen: Sequence[int]) -> tuple[Share, ...]:
    return tuple(Share(s.mediator_id, s.name, s.role, f) for s, f in zip(panel, fen, strict=True))


def split_fen(amount_fen: int, roles: Sequence[PanelRole], scheme: Scheme) -> tuple[int, ...]:
    """`split`'s fen for a panel of these roles, in their order: the shares depend on nothing
    else of the panel."""
    if not roles:
        return ()
    shares = scheme.role_shares
    present = set(roles)
    weight = sum((shares[r] for r in present), Fraction(0))
    count = {r: sum(1 for role in roles if role is r) for r in present}
    if weight == 0:  # a panel without a lead and only roles the scheme pays nothing
        exact = [Fraction(amount_fen, len(roles)) for _ in roles]
    else:
        exact = [amount_fen * shares[r] / weight / count[r] for r in roles]
    floors = [e.numerator // e.denominator for e in exact]
    left = amount_fen - sum(floors)
    rank = sorted(
        range(len(roles)),
        key=lambda i: (-(exact[i] - floors[i]), _ROLE_ORDER.index(roles[i]), i),
    )
    for i in rank[:left]:
        floors[i] += 1
    return tuple(floors)


def claim(
    scheme: Scheme,
    cases: Iterable[ClaimCase],
    start: date,
    end: date,
    *,
    committee: str = "",
) -> ClaimSheet:
    """The claim sheet of the period from `cases` (those whose mediation ended in it).

    A period's thousands of cases come to a handful of classes and bases, and of amounts and
    panels' roles: each case's amount and each split of an amount among roles is worked out
    once (exact fractions are slow) and looked up for the other cases."""
    lines: list[ClaimLine] = []
    held: list[HeldCase] = []
    unpaid: list[UnpaidCase] = []
    amounts: dict[tuple[int, Basis], int] = {}
    splits: dict[tuple[int, tuple[str, ...]], tuple[int, ...]] = {}
    for case in sorted(cases, key=lambda c: (c.ended_on, c.number)):
        basis = basis_of(scheme, case)
        if not isinstance(basis, Basis):  # (a Basis is a str too: asked this way round)
            unpaid.append(UnpaidCase(case, basis))
            continue
        problems: list[str] = []
        chosen = scheme.find(case.class_code) if case.class_code else None
        if case.class_code is None:
            problems.append(
                f"还没有确定补贴类别（建议“{case.suggested.label}”）：在案件页“卷宗”中确定类别"
            )
        elif chosen is None:
            problems.append(
                f"补贴类别“{case.class_code}”已不在补贴办法中：请重新确定类别"
                f"（可选：{scheme.class_names()}）"
            )
        if not case.panel:
            problems.append("没有记录调解员：在“调解员”页指定调解员后才能申报")
        if case.missing:
            problems.append(DOSSIER_GAP + "、".join(i.name for i in case.missing))
        amount = None
        if chosen is not None:
            # The amount depends on the class's amount and the basis alone.
            amount = amounts.get((chosen.amount_fen, basis))
            if amount is None:
                amount = amounts[chosen.amount_fen, basis] = case_amount(scheme, chosen, basis)
        if problems:
            held.append(HeldCase(case, tuple(problems), case.missing, amount))
            continue
        assert chosen is not None and amount is not None
        roles = tuple(seat.role for seat in case.panel)
        # Keyed by the roles' codes: a str hashes faster than the enum member.
        key = (amount, tuple(str(role) for role in roles))
        fen = splits.get(key)
        if fen is None:
            fen = splits[key] = split_fen(amount, roles, scheme)
        share = scheme.share_for(basis)
        lines.append(ClaimLine(case, chosen, basis, share, amount, _shares(case.panel, fen)))
    return ClaimSheet(
        start,
        end,
        scheme,
        tuple(lines),
        totals(lines),
        tuple(held),
        tuple(unpaid),
        committee,
    )


def totals(lines: Iterable[ClaimLine]) -> tuple[MediatorTotal, ...]:
    """Each mediator's cases (by role) and amount, the largest amount first, then by name."""
    found: dict[int, dict[str, Any]] = {}
    for line in lines:
        for share in line.shares:
            entry = found.setdefault(
                share.mediator_id,
                {"name": share.name, "cases": 0, "lead": 0, "member": 0, "recorder": 0, "fen": 0},
            )
            entry["cases"] += 1
            entry[share.role.value] += 1
            entry["fen"] += share.amount_fen
    rows = [
        MediatorTotal(mid, e["name"], e["cases"], e["lead"], e["member"], e["recorder"], e["fen"])
        for mid, e in found.items()
    ]
    return tuple(sorted(rows, key=lambda r: (-r.amount_fen, r.name, r.mediator_id)))
