"""Every free-text field is bounded and printable: a length limit kept with the field's
description in one table, no control characters (line breaks and tabs only where a field runs
over lines), and a message that names the field without quoting what was pasted."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest

from app.domain.codes import DisputeType
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import ImportFileError, ValidationError, ValidationErrors
from app.domain.numbering import check_pattern
from app.domain.roster import FIELDS, MediatorDraft, TrainingDraft, check_mediator
from app.domain.rules import check_agreement, check_case, choose
from app.domain.values import Place
from app.domain.work import (
    AgentDraft,
    FollowUpDraft,
    ParticipantDraft,
    SessionDraft,
    check_agent,
    check_follow_up,
    check_participant,
    check_session,
)
from app.services.exchange import import_data
from tests.core.test_exchange import a_case, exchange_file

TODAY = date(2026, 11, 25)
SINCE = date(2026, 3, 2)
NOW = datetime(2026, 11, 25, 10, 0)
TEN_MB = "纠" * 10_000_000
CONTROL = "不能含有控制字符（例如从别处复制来的看不见的符号），请删掉后重新输入"
#: Each kind of character no text may hold, as it arrives: pasted, or in a file.
UNPRINTABLE = {
    "NUL": "\x00",
    "ESC (a terminal escape)": "\x1b[2J",
    "DEL": "\x7f",
    "a C1 control": "\x85",
    "the line separator": "\u2028",
    "the paragraph separator": "\u2029",
    "a right-to-left override": "\u202e",
    "a left-to-right embedding": "\u202a",
    "a first-strong isolate": "\u2068",
    "a pop directional isolate": "\u2069",
    "a bell": "\x07",
    "a vertical tab": "\x0b",
}


#: Fields that hold a person's or an organisation's name.
NAMES = {
    "name",
    "person_name",
    "organisation_name",
    "recorder",
    "decided_by",
    "legal_representative",
    "withdrawn_by",
    "actor",
}


def a_draft() -> CaseDraft:
    return CaseDraft(
        title="楼上渗水纠纷",
        received_on=date(2026, 3, 2),
        place=Place("铁西小区", "3号楼", "2单元", "302"),
        facts="楼上卫生间漏水。",
        requests=["赔偿维修费用"],
        parties=[
            PartyDraft(role="applicant", name="李秀英", address="铁西小区3号楼2单元302室"),
            PartyDraft(role="respondent", name="王建国"),
        ],
    )


def errors_of(draft: CaseDraft) -> dict[str, str]:
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    return {e.field: e.message for e in caught.value.errors}


# --- The one table ---------------------------------------------------------------------------


def test_every_text_field_is_described_once_with_a_sensible_limit() -> None:
    from app.domain.fields import TEXT_FIELDS

    for key, spec in TEXT_FIELDS.items():
        assert spec.label and 0 < spec.max_length <= 20_000, key
        if key.rpartition(".")[2] in NAMES:
            assert spec.max_length <= 100 and not spec.multiline, key
    assert TEXT_FIELDS["case.number"].max_length == 60
    assert TEXT_FIELDS["case.title"].max_length == 100
    assert TEXT_FIELDS["party.person_name"].max_length == 50
    assert TEXT_FIELDS["party.address"].max_length == 200
    long_texts = ("case.facts", "session.statements", "escalation.reason", "event.reason")
    assert all(TEXT_FIELDS[k].multiline and TEXT_FIELDS[k].max_length >= 2000 for k in long_texts)
    with pytest.raises(TypeError):
        TEXT_FIELDS["case.title"] = TEXT_FIELDS["case.facts"]  # type: ignore[index]


def test_the_roster_takes_its_text_limits_from_the_table() -> None:
    from app.domain.fields import TEXT_FIELDS

    for name in ("name", "compound", "building", "unit", "room", "languages", "notes"):
        spec = TEXT_FIELDS[f"mediator.{name}"]
        assert (FIELDS[name].label, FIELDS[name].limit) == (spec.label, spec.max_length)


# --- Unbounded text --------------------------------------------------------------------------


def test_a_title_is_a_line_not_a_paragraph() -> None:
    draft = a_draft()
    draft.title = "楼" * 101
    assert "最多100个字" in errors_of(draft)["title"]
    draft.title = "楼" * 100
    assert check_case(draft, TODAY).title == draft.title


def test_ten_megabytes_of_requests_or_place_are_refused() -> None:
    draft = a_draft()
    draft.requests = ["赔偿维修费用", TEN_MB]
    draft.place = Place(TEN_MB, "3号楼", "2单元", TEN_MB)
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    errors = sorted((e.field, e.message) for e in caught.value.errors)
    # As the register form shows them: under 发生地点 and under 申请事项.
    assert [field for field, _ in errors] == ["place", "place", "requests"]
    assert errors[0][1].startswith("小区：最多60个字") and errors[1][1].startswith("房号：")
    assert errors[2][1].startswith("第2项申请事项：最多500个字")
    assert all(len(message) < 200 for _, message in errors)


def test_a_case_may_not_list_requests_without_end() -> None:
    draft = a_draft()
    draft.requests = [f"第{i}项请求" for i in range(51)]
    assert "最多50项" in errors_of(draft)["requests"]


def test_a_case_number_pattern_is_bounded() -> None:
    with pytest.raises(ValidationError) as caught:
        check_pattern("（{year}）{short}人调字第{seq}号" + "号" * 10_000)
    assert "最多100个字" in caught.value.message


def test_every_number_a_pattern_makes_fits_and_reads_back() -> None:
    from app.domain.numbering import check_case_number, format_number

    long_but_fine = "{short}人民调解委员会调解协议书（{year}）第{seq}号"
    assert check_pattern(long_but_fine) == long_but_fine
    longest = format_number(long_but_fine, "飞" * 20, 9999, 9_999_999)
    assert check_case_number(longest) == longest
    with pytest.raises(ValidationError) as caught:
        check_pattern("{short}" + "人" * 30 + "（{year}）第{seq}号")
    assert "最多29个字" in caught.value.message


def test_a_given_case_number_is_one_short_printable_line() -> None:
    from app.domain.numbering import check_case_number

    assert check_case_number(" （2026）飞人调字第12号 ") == "（2026）飞人调字第12号"
    for bad, said in (("号" * 61, "最多60个字"), ("（2026）\n飞人调字第12号", "只能写一行")):
        with pytest.raises(ValidationError) as caught:
            check_case_number(bad)
        assert said in caught.value.message


def test_a_session_record_is_bounded_field_by_field() -> None:
    draft = SessionDraft(
        held_at=datetime(2026, 3, 4, 9, 30),
        place=TEN_MB,
        mediators_present="王建国",
        parties_present="李秀英\n" + "张" * 60,
        statements="申" * 20_001,
    )
    with pytest.raises(ValidationErrors) as caught:
        check_session(draft, since=SINCE, now=NOW)
    fields = {e.field: e.message for e in caught.value.errors}
    assert set(fields) == {"place", "parties_present", "statements"}
    assert "每位最多50个字" in fields["parties_present"]


def test_names_of_agents_participants_and_mediators_are_fifty_characters_at_most() -> None:
    long_name = "欧" * 51
    for check in (
        lambda: check_agent(AgentDraft(name=long_name), since=SINCE, today=TODAY),
        lambda: check_participant(ParticipantDraft(name=long_name)),
        lambda: check_mediator(MediatorDraft(name=long_name), categories=set(), today=TODAY),
    ):
        with pytest.raises(ValidationErrors) as caught:
            check()
        assert "最多50个字" in caught.value.errors[0].message


def test_an_import_of_ten_megabyte_requests_is_refused_and_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    case = a_case(1)
    case["requests"] = ["赔偿维修费用", TEN_MB[:1_000_000]]
    with pytest.raises(ImportFileError) as caught:
        import_data(db, exchange_file([case]))
    assert "申请事项" in caught.value.message and "最多500个字" in caught.value.message
    assert len(caught.value.message) < 500


# --- Unprintable text ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(UNPRINTABLE))
def test_control_characters_are_refused_in_every_case_field(kind: str) -> None:
    bad = f"李{UNPRINTABLE[kind]}秀英"
    draft = a_draft()
    draft.title = bad
    draft.facts = bad
    draft.requests = [bad]
    draft.place = Place(bad, "3号楼", "2单元", "302")
    draft.parties[0].name = bad
    draft.parties[0].address = bad
    errors = errors_of(draft)
    assert set(errors) == {
        "title",
        "facts",
        "requests",
        "place",
        "parties[0].name",
        "parties[0].address",
    }
    for message in errors.values():
        assert CONTROL in message and "第2个字" in message
        assert UNPRINTABLE[kind] not in message


def test_a_lone_surrogate_is_refused_not_stored() -> None:
    draft = a_draft()
    draft.facts = "楼上\ud800漏水"
    assert "无法识别的字符" in errors_of(draft)["facts"]


def test_line_breaks_and_tabs_belong_only_in_multi_line_fields() -> None:
    draft = a_draft()
    draft.title = "楼上\n渗水纠纷"
    draft.parties[0].name = "李\t秀英"
    errors = errors_of(draft)
    assert set(errors) == {"title", "parties[0].name"}
    assert all("只能写一行" in m for m in errors.values())

    draft = a_draft()
    draft.facts = "第一段\r\n第二段\r第三段\t（附表）"
    assert check_case(draft, TODAY).facts == "第一段\n第二段\n第三段\t（附表）"


def test_emoji_and_characters_beyond_the_bmp_stay() -> None:
    draft = a_draft()
    draft.title = "𠮷野家门口占道纠纷👍"
    draft.parties[0].name = "𠮷田"
    # A family emoji is joined with ZERO WIDTH JOINER, which is no control character.
    draft.facts = "双方握手言和👨\u200d👩\u200d👧。"
    clean = check_case(draft, TODAY)
    assert (clean.title, clean.parties[0].name) == ("𠮷野家门口占道纠纷👍", "𠮷田")
    assert clean.facts == draft.facts


def test_agreement_terms_and_records_of_work_refuse_control_characters() -> None:
    agreement = AgreementDraft(
        reached_on=date(2026, 3, 20),
        issues="维修\x1b[31m费用",
        terms=[TermDraft(text="赔偿\x00维修费800元")],
    )
    with pytest.raises(ValidationErrors) as caught:
        check_agreement(agreement, 2, received_on=SINCE, today=TODAY)
    assert {e.field for e in caught.value.errors} == {"terms[0].text", "issues"}
    visit = FollowUpDraft(on=date(2026, 4, 1), mediator_id=1, met_with="李秀英\u202e")
    with pytest.raises(ValidationErrors) as caught:
        check_follow_up(visit, since=SINCE, today=TODAY)
    assert CONTROL in caught.value.errors[0].message


def test_roster_fields_refuse_control_characters() -> None:
    draft = MediatorDraft(
        name="王建国",
        compound="铁西\x00小区",
        notes="第一行\n第二行",
        trainings=[TrainingDraft(on=date(2026, 3, 1), topic="调解\x1b技巧", hours="2")],
    )
    with pytest.raises(ValidationErrors) as caught:
        check_mediator(draft, categories=set(), today=TODAY)
    assert {e.field for e in caught.value.errors} == {"compound", "trainings[0].topic"}


def test_the_committee_settings_are_bounded_and_printable() -> None:
    from app.domain.numbering import check_committee_name, check_short_name

    with pytest.raises(ValidationError):
        check_pattern("（{year}）{short}\x1b人调字第{seq}号")
    with pytest.raises(ValidationError):
        check_short_name("飞" * 21)
    with pytest.raises(ValidationError):
        check_committee_name("飞机场社区\n人民调解委员会")
    assert check_short_name(" 飞 ") == "飞"


def test_event_and_escalation_texts_are_bounded_and_printable() -> None:
    from app.domain.lifecycle import EventInput
    from app.domain.rules import check_event_input
    from app.domain.tiers import check_escalation_reason

    given = EventInput(reason="  双方\r\n都不同意  ", withdrawn_by="李秀英")
    assert check_event_input(given).reason == "双方\n都不同意"
    with pytest.raises(ValidationErrors) as caught:
        check_event_input(EventInput(reason="拒\x00绝", withdrawn_by="李" * 101))
    assert {e.field for e in caught.value.errors} == {"reason", "withdrawn_by"}
    with pytest.raises(ValidationError):
        check_escalation_reason(TEN_MB)
    with pytest.raises(ValidationError):
        check_escalation_reason("涉及\x1b多栋楼")
    assert check_escalation_reason("涉及多栋楼\n需社区协调") == "涉及多栋楼\n需社区协调"


def test_an_import_with_an_escape_in_a_name_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    case = a_case(1)
    case["parties"][0]["name"] = "李秀英\x1b[2K\r伪造的一行"
    with pytest.raises(ImportFileError) as caught:
        import_data(db, exchange_file([case]))
    assert "姓名" in caught.value.message and "控制字符" in caught.value.message
    assert "\x1b" not in caught.value.message


# --- Never the whole value back --------------------------------------------------------------


def test_an_unknown_code_is_quoted_cut_short_and_without_controls() -> None:
    with pytest.raises(ValidationError) as caught:
        choose(DisputeType, "x" * 100_000 + "\x1b[2J", "dispute_type", "纠纷类型")
    quoted = caught.value.message.split("”")[0]
    assert len(quoted) < 30 and "\x1b" not in caught.value.message


def test_an_overlong_value_is_counted_not_quoted() -> None:
    draft = a_draft()
    draft.facts = "秘" * 5001
    message = errors_of(draft)["facts"]
    assert "最多5000个字，现在有5001个字" in message and "秘秘" not in message


def test_the_draft_is_left_as_typed() -> None:
    draft = a_draft()
    draft.title = "楼上\x00渗水"
    before = copy.deepcopy(draft)
    errors_of(draft)
    assert draft == before
