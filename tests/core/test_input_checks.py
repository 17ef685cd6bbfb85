"""The checks every form makes are made on every other way in too: an exchange file, the case's
moves, the panel, attachments, corrections, subsidies, the roster and the screening register.

Each test here is a way a text or a day slipped past the one table of fields
(`app.domain.fields`) or the plausible-date checks: stored with a control character, cut
without a word, in the future, or — for uuids — stored in a second spelling that let the same
case be imported twice.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import Attachment, Case, Escalation, Mediator, StatusChange
from app.domain.codes import PanelRole, ReferralTarget, Tier
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import ImportFileError, UserError, ValidationError, ValidationErrors
from app.domain.lifecycle import CaseEvent, EventInput
from app.domain.roster import MediatorDraft
from app.domain.screening import FindingDraft, RoundDraft, check_round
from app.services.case_life import apply_event, escalate, extend_mediation
from app.services.cases import get_case, register_case
from app.services.exchange import canonical_uuid, import_data
from app.services.mediators import save_category, save_mediator
from app.services.panels import ManualSeat, override_panel, record_recusal
from app.services.people import add_panel_member, update_case
from app.services.sittings import add_attachment
from app.services.subsidy import set_case_class
from tests.core.test_exchange import MEDIATOR_UUID, a_case, db_digest, exchange_file

TODAY = date.today()
CASE_UUID = "7c9e6679-7425-40de-944b-e07fc1f90001"
ESC = "\x1b[2J"


def case_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.reading() as session:
        return session.scalar(select(func.count(Case.id))) or 0


def refused_import(db, data: dict) -> str:  # type: ignore[no-untyped-def]
    """The message of an import that must be refused, after checking it wrote nothing."""
    before = db_digest(db)
    with pytest.raises(ImportFileError) as caught:
        import_data(db, data)
    assert db_digest(db) == before
    return caught.value.message


def v4(cases: list[dict]) -> dict:
    data = exchange_file(cases)
    data["version"] = 4
    return data


# --- Uuids: one spelling, so the same case is never imported twice ---------------------------


@pytest.mark.parametrize(
    "variant",
    [
        CASE_UUID + "\n",
        " " + CASE_UUID + "\t",
        CASE_UUID.upper(),
        "{" + CASE_UUID + "}",
        "urn:uuid:" + CASE_UUID,
        CASE_UUID.replace("-", ""),
    ],
    ids=["line break", "blanks", "capitals", "braces", "urn", "bare digits"],
)
def test_a_uuid_spelled_otherwise_is_the_same_case_and_is_skipped(db, variant: str) -> None:  # type: ignore[no-untyped-def]
    import_data(db, exchange_file([a_case(1)]))
    report = import_data(db, exchange_file([a_case(1, uuid=variant)]))
    assert report.cases_added == 0 and len(report.skipped_cases) == 1
    assert case_count(db) == 1


def test_a_uuid_with_a_line_break_is_stored_in_its_one_form(db) -> None:  # type: ignore[no-untyped-def]
    data = exchange_file([a_case(1, uuid=CASE_UUID.upper() + "\n")])
    data["mediators"][0]["uuid"] = "{" + MEDIATOR_UUID.upper() + "}"
    data["cases"][0]["panel"][0]["mediator"] = MEDIATOR_UUID + "\n"
    import_data(db, data)
    with db.reading() as session:
        assert list(session.scalars(select(Case.uuid))) == [CASE_UUID]
        assert list(session.scalars(select(Mediator.uuid))) == [MEDIATOR_UUID]
    # And the original file afterwards is seen as the same case and the same mediator.
    report = import_data(db, exchange_file([a_case(1)]))
    assert report.cases_added == 0 and report.mediators_added == 0


@pytest.mark.parametrize(
    "text",
    [
        CASE_UUID + "0",
        CASE_UUID[:-1] + "_",
        "7c9e6679_7425_40de_944b_e07fc1f90001",
        "{" + CASE_UUID,
        CASE_UUID + "\x00",
        "",
    ],
)
def test_anything_else_is_no_uuid(text: str) -> None:
    assert canonical_uuid(text) is None


def test_a_wrong_uuid_is_named_cut_short_and_without_controls(db) -> None:  # type: ignore[no-untyped-def]
    message = refused_import(db, exchange_file([a_case(1, uuid=ESC + "x" * 5000)]))
    assert "唯一标识（uuid）格式不对" in message
    assert "\x1b" not in message and "x" * 50 not in message


# --- An exchange file is checked as the forms check --------------------------------------------


@pytest.mark.parametrize(
    "number, expected",
    [
        ("（2026）飞人调字第1\x00号", "案件编号：不能含有控制字符"),
        ("（2026）飞人调字\n第1号", "案件编号：只能写一行"),
        ("（2026）飞人调字第1号" + "号" * 60, "案件编号：太长了：最多60个字"),
    ],
)
def test_a_case_number_in_a_file_is_checked(db, number: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert expected in refused_import(db, exchange_file([a_case(1, number=number)]))


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda m: m["address"].update(compound="铁西\x00小区"), "小区：不能含有控制字符"),
        (lambda m: m.update(name="王" * 51), "姓名：太长了：最多50个字"),
        (lambda m: m.update(notes="备" * 1001), "备注：最多1000个字"),
        (lambda m: m.update(languages=f"普通话{ESC}"), "语言或方言：不能含有控制字符"),
    ],
)
def test_a_mediator_in_a_file_is_checked_as_the_roster_form_checks(db, change, expected) -> None:  # type: ignore[no-untyped-def]
    data = v4([])
    change(data["mediators"][0])
    assert expected in refused_import(db, data)


def escalation(**fields: object) -> dict:
    return a_case(
        1, escalations=[{"from": "building", "to": "community", "on": "2026-03-05"} | fields]
    )


@pytest.mark.parametrize(
    "case, expected",
    [
        (escalation(reason=f"未果{ESC}"), "移交原因：不能含有控制字符"),
        (escalation(reason="未" * 2001), "移交原因：最多2000个字"),
        (escalation(decided_by="王" * 51), "决定人：最多50个字"),
        (escalation(on="2026-03-01"), "早于这件纠纷的受理日期2026-03-02"),
        (escalation(on=(TODAY + timedelta(days=30)).isoformat()), "还没到，不能晚于今天"),
    ],
    ids=["control", "long reason", "long name", "before receipt", "to come"],
)
def test_an_escalation_in_a_file_is_checked_as_escalate_checks(db, case, expected) -> None:  # type: ignore[no-untyped-def]
    assert expected in refused_import(db, v4([case]))


def later(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def with_history(case: dict, day: str) -> dict:
    case["status_history"] = [
        {"event": "register", "from": None, "to": "registered", "on": "2026-03-02"},
        {"event": "accept", "from": "registered", "to": "accepted", "on": day},
        {"event": "start_mediation", "from": "accepted", "to": "mediating", "on": day},
        {"event": "reach_agreement", "from": "mediating", "to": "agreement_reached", "on": day},
    ]
    return case


def sitting(held_at: str) -> dict:
    return a_case(
        1,
        sessions=[
            {
                "kind": "mediation",
                "held_at": held_at,
                "mediators_present": ["王建国"],
                "parties_present": ["李秀英"],
            }
        ],
    )


@pytest.mark.parametrize(
    "case, expected",
    [
        (with_history(a_case(1), later(30)), "办理经过第2步：日期：" + later(30)),
        (sitting(f"{later(30)}T09:00:00+08:00"), "还没到，不能晚于今天"),
        (sitting("2026-02-20T09:00:00+08:00"), "早于这件纠纷的受理日期"),
        (sitting("0001-01-01T00:00:00+08:00"), "应是带时区的时间"),
        (
            a_case(1, follow_ups=[{"on": later(30), "by": MEDIATOR_UUID}]),
            "回访：回访日期：" + later(30),
        ),
    ],
    ids=["status step to come", "sitting to come", "sitting before receipt", "year 1", "visit"],
)
def test_the_days_of_a_cases_life_in_a_file_are_plausible(db, case, expected) -> None:  # type: ignore[no-untyped-def]
    assert expected in refused_import(db, v4([case]))


def test_a_payment_to_come_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    case = a_case(1, status="performing")
    case["agreement"]["terms"][0]["payments"] = [{"on": later(30), "amount": "100.00"}]
    assert "履行日期：" + later(30) + "还没到" in refused_import(db, v4([case]))


def test_a_sitting_recorded_in_another_time_zone_on_the_day_of_receipt_is_kept(db) -> None:  # type: ignore[no-untyped-def]
    # 07:00 in Beijing on the day of receipt is the evening before in UTC, as export writes it.
    report = import_data(db, v4([sitting("2026-03-01T23:00:00+00:00")]))
    assert report.cases_added == 1


def test_the_first_step_may_be_dated_before_a_corrected_day_of_receipt(db) -> None:  # type: ignore[no-untyped-def]
    case = with_history(a_case(1, received_on="2026-03-04"), "2026-03-05")
    assert import_data(db, v4([case])).cases_added == 1


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("notes", "已履行\x07", "回访情况：不能含有控制字符"),
        ("notes", "访" * 5001, "回访情况：最多5000个字"),
        ("met_with", "李\n秀英", "回访对象：只能写一行"),
    ],
)
def test_a_follow_up_in_a_file_is_checked(db, field: str, value: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    case = a_case(1)
    case["follow_ups"][0][field] = value
    assert expected in refused_import(db, v4([case]))


@pytest.mark.parametrize(
    "committee, expected",
    [
        ({"name": "飞机场\x00社区人民调解委员会", "short_name": "飞"}, "调解委员会名称：不能含有"),
        ({"name": "飞机场社区人民调解委员会", "short_name": "飞\n"}, None),
        (
            {"name": "飞机场社区人民调解委员会", "short_name": "飞\t机"},
            "调解委员会简称：只能写一行",
        ),
    ],
)
def test_the_committee_of_a_file_is_checked_as_init_checks(db, committee, expected) -> None:  # type: ignore[no-untyped-def]
    data = exchange_file([])
    data["committee"] = committee
    if expected is None:  # a stray line break at the end is only space around the name
        import_data(db, data)
        return
    assert expected in refused_import(db, data)


def test_a_screening_round_in_a_file_is_checked(db) -> None:  # type: ignore[no-untyped-def]
    data = v4([])
    data["screening_rounds"] = [
        {
            "uuid": "5c3d1e2f-8a9b-4c7d-9e1f-2a3b4c5d6e7f",
            "held_on": "2026-03-01",
            "area": "铁西\x00小区",
            "screened_by": "王建国",
            "findings": [],
        }
    ]
    assert "排查范围：不能含有控制字符" in refused_import(db, data)


def test_a_message_about_a_file_never_repeats_a_huge_or_unprintable_value(db) -> None:  # type: ignore[no-untyped-def]
    for case in (
        a_case(1, received_on="2026-03-02" + "9" * 100_000),
        a_case(1, **{"x" * 100_000: 1}),
        a_case(1, dispute_type=ESC + "y" * 100_000),
        a_case(1, title="楼" * 100_000 + ESC, status="?"),
    ):
        message = refused_import(db, exchange_file([case]))
        assert len(message) < 1000 and "\x1b" not in message


# --- The case's moves --------------------------------------------------------------------------


def registered(db) -> int:  # type: ignore[no-untyped-def]
    draft = CaseDraft(
        title="楼上渗水纠纷",
        received_on=TODAY - timedelta(days=20),
        parties=[
            PartyDraft(role="applicant", name="李秀英"),
            PartyDraft(role="respondent", name="张伟"),
        ],
    )
    detail, _ = register_case(db, draft)
    return detail.id


def refused(db, call, *args, **kwargs) -> UserError:  # type: ignore[no-untyped-def]
    before = db_digest(db)
    with pytest.raises(UserError) as caught:
        call(*args, **kwargs)
    assert db_digest(db) == before
    return caught.value


@pytest.mark.parametrize(
    "event, given, expected",
    [
        (CaseEvent.DECLINE, EventInput(reason="不\x00符合"), "原因：不能含有控制字符"),
        (CaseEvent.DECLINE, EventInput(reason="因" * 5001), "原因：最多5000个字"),
        (CaseEvent.WITHDRAW, EventInput(withdrawn_by="李" * 101), "撤回申请的当事人：最多100个字"),
        (
            CaseEvent.REFER,
            EventInput(reason="因" * 2001, referred_to=ReferralTarget.COURT),
            "移交原因：最多2000个字",
        ),
    ],
    ids=["control", "long reason", "long name", "refer reason longer than an escalation's"],
)
def test_an_events_texts_are_checked_and_refused_ones_write_nothing(
    db, event, given, expected
) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    if event in (CaseEvent.WITHDRAW, CaseEvent.REFER):
        apply_event(db, case, CaseEvent.ACCEPT)
    assert expected in refused(db, apply_event, db, case, event, given).message


def test_an_events_reason_is_kept_stripped_and_whole(db) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    detail, _ = apply_event(db, case, CaseEvent.DECLINE, EventInput(reason="  不属于\n调解范围 \n"))
    with db.reading() as session:
        reasons = list(
            session.scalars(select(StatusChange.reason).where(StatusChange.event == "decline"))
        )
    assert reasons == ["不属于\n调解范围"] == [detail.declined_reason]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"reason": f"涉及多栋楼{ESC}"}, "移交原因：不能含有控制字符"),
        ({"reason": "涉" * 2001}, "移交原因：太长了：最多2000个字"),
        ({"reason": "涉及多栋楼", "decided_by": "王" * 51}, "决定人：最多50个字"),
        ({"reason": "涉及多栋楼", "actor": "王\x00"}, "办理人：不能含有控制字符"),
    ],
)
def test_an_escalations_texts_are_checked(db, kwargs: dict, expected: str) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    assert expected in refused(db, escalate, db, case, Tier.COURTYARD, **kwargs).message


def test_an_extensions_reason_is_checked(db) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    apply_event(db, case, CaseEvent.ACCEPT)
    to = TODAY + timedelta(days=60)
    error = refused(db, extend_mediation, db, case, to, "双方同意\x00延长")
    assert "延长原因：不能含有控制字符" in error.message


# --- The panel ---------------------------------------------------------------------------------


def a_mediator(db, name: str = "王建国") -> int:  # type: ignore[no-untyped-def]
    view, _ = save_mediator(db, MediatorDraft(name=name, phone="13900000000"))
    return view.id


def test_the_panels_reasons_are_checked(db) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    mediator = a_mediator(db)
    error = refused(db, record_recusal, db, case, mediator, "是对方的\x00亲戚")
    assert "回避理由：不能含有控制字符" in error.message
    seats = [ManualSeat(mediator, PanelRole.LEAD)]
    error = refused(db, override_panel, db, case, seats, f"当事人共同选定{ESC}")
    assert "人工调整的原因：不能含有控制字符" in error.message
    error = refused(db, add_panel_member, db, case, mediator, PanelRole.LEAD, reason="指\x00定")
    assert "选任理由：不能含有控制字符" in error.message
    error = refused(db, add_panel_member, db, case, mediator, PanelRole.LEAD, chosen_by="lottery")
    assert "产生方式" in error.message


# --- Attachments -------------------------------------------------------------------------------


def test_an_attachments_description_is_kept_whole_or_refused(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    photo = tmp_path / "漏水.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    add_attachment(db, case, photo, "说" * 1500)  # was cut to 1000 without a word
    with db.reading() as session:
        assert [len(d) for d in session.scalars(select(Attachment.description))] == [1500]
    error = refused(db, add_attachment, db, case, photo, "说" * 2001)
    assert isinstance(error, ValidationError) and "最多2000个字" in error.message


def test_a_file_name_with_a_line_break_is_refused_with_what_to_do(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    odd = tmp_path / "收据\n1.jpg"
    odd.write_bytes(b"a receipt")
    error = refused(db, add_attachment, db, case, odd)
    assert "文件名" in error.message and "改个名字" in error.message


# --- Corrections, subsidies, the roster, screening -----------------------------------------------


def edit_draft(db, case: int) -> CaseDraft:  # type: ignore[no-untyped-def]
    d = get_case(db, case)
    return CaseDraft(
        title=d.title,
        dispute_type=d.dispute_type.value,
        source=d.source.value,
        received_on=d.received_on,
        tier=d.tier.value,
        status=d.status.value,
        parties=[PartyDraft(id=p.id, role=p.role.value, name=p.name) for p in d.parties],
    )


def test_an_amendments_reason_is_checked(db) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    error = refused(db, update_case, db, case, edit_draft(db, case), amendment_reason="更正\x00")
    assert "更正原因：不能含有控制字符" in error.message


def test_the_day_of_receipt_is_not_moved_after_an_escalation(db) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    escalate(db, case, Tier.COURTYARD, "涉及两个单元", on=TODAY - timedelta(days=10))
    draft = edit_draft(db, case)
    draft.received_on = TODAY - timedelta(days=5)
    error = refused(db, update_case, db, case, draft)
    assert "不能晚于案件第一次办理的日期" in error.message and "层级变更" in error.message
    with db.reading() as session:
        assert session.scalar(select(func.count(Escalation.id))) == 1


def test_a_subsidy_reason_is_checked(db) -> None:  # type: ignore[no-untyped-def]
    case = registered(db)
    apply_event(db, case, CaseEvent.DECLINE, EventInput(reason="不属于调解范围"))
    error = refused(db, set_case_class, db, case, "simple", "理由\x00写在这里")
    assert "理由：不能含有控制字符" in error.message


def test_a_categorys_name_is_checked(db) -> None:  # type: ignore[no-untyped-def]
    error = refused(db, save_category, db, f"退役军人{ESC}")
    assert "类别名称：不能含有控制字符" in error.message


@pytest.mark.parametrize(
    "draft, expected",
    [
        (
            RoundDraft(TODAY, area="铁西\x00小区", screened_by="王建国"),
            "排查范围：不能含有控制字符",
        ),
        (
            RoundDraft(TODAY, area="铁西小区", screened_by="王建国", note="说\x1b明"),
            "说明：不能含有",
        ),
        (
            RoundDraft(
                TODAY, "铁西小区", "王建国", findings=[FindingDraft(description="漏\x00水")]
            ),
            "第1项排查发现的情况：不能含有控制字符",
        ),
        (
            RoundDraft(
                TODAY, "铁西小区", "王建国", findings=[FindingDraft("漏水", note="备" * 2001)]
            ),
            "第1项排查发现的说明：最多2000个字",
        ),
    ],
)
def test_a_screening_rounds_texts_are_checked(draft: RoundDraft, expected: str) -> None:
    with pytest.raises(ValidationErrors) as caught:
        check_round(draft, TODAY)
    assert expected in caught.value.message


def test_a_screening_area_is_kept_as_typed() -> None:
    clean = check_round(
        RoundDraft(TODAY, area=" 幸福里  小区 ", screened_by="王建国、李秀英"), TODAY
    )
    assert (clean.area, clean.screened_by) == ("幸福里  小区", "王建国、李秀英")


def test_nothing_here_changed_the_file_it_was_given(db) -> None:  # type: ignore[no-untyped-def]
    data = exchange_file([a_case(1, uuid=CASE_UUID + "\n")])
    kept = copy.deepcopy(data)
    import_data(db, data)
    assert data == kept


# --- What the command line found: numbers and days past what a program can hold ----------------


@pytest.mark.parametrize("ref", ["9" * 30, "²", "١٢", "-1", "\x1b[2J" + "x" * 100])
def test_a_case_named_by_something_that_is_no_id_is_not_found(db, ref: str) -> None:  # type: ignore[no-untyped-def]
    from app.domain.errors import NotFoundError

    registered(db)
    with pytest.raises(NotFoundError) as caught:
        get_case(db, ref)
    assert "\x1b" not in caught.value.message and "x" * 50 not in caught.value.message


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31), date(1989, 12, 31)])
def test_the_due_list_of_a_day_nobody_can_mean_is_refused(db, day: date) -> None:  # type: ignore[no-untyped-def]
    from app.services.due import due_items

    with pytest.raises(ValidationError) as caught:
        due_items(db, day)
    assert "请核对年份" in caught.value.message


def test_a_search_for_more_cases_than_sqlite_can_count_lists_them_all(db) -> None:  # type: ignore[no-untyped-def]
    from app.services.search import search

    registered(db)
    assert len(search(db, "", limit=10**30)) == 1


def test_a_draw_number_typed_wrong_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    from app.services.panels import record_draw

    case = registered(db)
    a_mediator(db)
    error = refused(db, record_draw, db, case, draw_no=10**20)
    assert "抽选次数最多9999" in error.message and "下一次抽选是第1次" in error.message
    record_draw(db, case, draw_no=3)  # drawn again twice in the window before saving


def test_december_of_the_last_year_is_a_month_like_any() -> None:
    from app.cli_screening import parse_month
    from app.domain.screening import period_kind

    assert parse_month("9999-12") == (date(9999, 12, 1), date(9999, 12, 31))
    assert period_kind(date(9999, 12, 1), date(9999, 12, 31)) == "monthly"
    assert period_kind(date(2026, 2, 1), date(2026, 2, 28)) == "monthly"
    assert period_kind(date(2026, 11, 16), date(2026, 11, 22)) == "weekly"
    assert period_kind(date(2026, 11, 1), date(2026, 11, 29)) == "custom"
