"""The wording check warns on the usual mistakes of an agreement, and stays quiet on a good one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.agreement_check import check_agreement_wording
from app.domain.codes import AgreementForm, PartyKind, PartyRole
from app.domain.schedule import Instalment, Schedule
from app.views import AgreementView, PartyView, TermView

PARTIES = (
    PartyView(1, 0, PartyRole.APPLICANT, PartyKind.PERSON, "李秀英"),
    PartyView(2, 1, PartyRole.RESPONDENT, PartyKind.PERSON, "张伟"),
)


def warnings(*terms: TermView, facts: str = "") -> list[str]:
    agreement = AgreementView(AgreementForm.WRITTEN, date(2026, 11, 1), facts=facts, terms=terms)
    return check_agreement_wording(agreement, PARTIES)


def term(position: int, text: str, **kw: object) -> TermView:
    return TermView(position, text, **kw)  # type: ignore[arg-type]


def test_a_good_agreement_has_no_warning() -> None:
    good = term(0, "由张伟于2026年12月1日前修好卫生间防水。", obligor=1, due=date(2026, 12, 1))
    pay = term(
        1,
        "由张伟向李秀英支付维修费。",
        obligor=1,
        obligee=0,
        amount=Decimal("800"),
        due=date(2026, 12, 1),
    )
    assert warnings(good, pay) == []


def test_vague_and_missing_time_limits() -> None:
    found = warnings(
        term(0, "由张伟尽快修好防水。", obligor=1),
        term(1, "由张伟向李秀英支付维修费。", obligor=1, amount=Decimal("800")),
    )
    assert any("第1项写的是“尽快”" in w for w in found)
    assert any("第2项没有写履行期限" in w for w in found)


def test_confusable_words() -> None:
    found = warnings(
        term(0, "张伟退还订金500元，2026年12月1日前。", obligor=1),
        term(
            1,
            "张伟每月支付儿子赡养费600元。",
            obligor=1,
            schedule=Schedule.monthly(10, 60_000, date(2026, 12, 1)),
        ),
        term(2, "李秀英负责抚养父母，每月10日前。", obligor=0),
    )
    assert any("订金" in w and "定金有担保作用" in w for w in found)
    assert any("第2项说的是对子女的“赡养”" in w for w in found)
    assert any("第3项说的是对父母的“抚养”" in w for w in found)


def test_no_obligor_a_stranger_and_sums_that_do_not_add_up() -> None:
    parts = Schedule.in_instalments(
        [Instalment(date(2026, 12, 1), 50_000), Instalment(date(2027, 1, 1), 40_000)]
    )
    found = warnings(
        term(0, "支付赔偿款，2026年12月1日前。", amount=Decimal("300")),
        term(1, "由王大明于2026年12月1日前搬走杂物。", obligor=1),
        term(2, "由张伟分两期支付。", obligor=1, amount=Decimal("1000"), schedule=parts),
        facts="双方确认赔偿共计1500元。",
    )
    assert any("第1项有金额，但没有写由哪一方支付" in w for w in found)
    assert any("“王大明”不是本案的当事人" in w for w in found)
    assert any("第3项的金额是1000元，但各期加起来是900.00元" in w for w in found)
    assert any("协议写的合计是1500元，但各项金额加起来是1300元" in w for w in found)


def test_the_command_line_prints_the_hints_and_still_prints(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import EXIT_OK, main
    from app.domain.drafts import AgreementDraft, TermDraft
    from app.services.cases import register_case, save_agreement
    from app.services.database import open_database
    from tests.core.test_case_life import draft

    path = tmp_path / "t.db"
    db = open_database(path)
    case, _ = register_case(db, draft(), today=date(2026, 10, 8))
    save_agreement(
        db,
        case.id,
        AgreementDraft(reached_on=date(2026, 10, 9), terms=[TermDraft(text="张伟尽快修好水管。")]),
    )
    db.close()
    out = tmp_path / "a.pdf"
    assert main(["--db", str(path), "print", "agreement", case.number, "-o", str(out)]) == EXIT_OK
    assert out.exists()
    assert "提醒：第1项写的是“尽快”" in capsys.readouterr().err
