"""The dossier forms as document trees: the registry, which sitting, visit or agent a form
prints, the blanks of a form nobody has filled in, and the wording of what the case records."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.documents import tree
from app.documents.forms import registry
from app.documents.forms.acceptance import SOURCE_CHOICES, build_acceptance, choices
from app.documents.forms.closing_report import result
from app.documents.forms.contents import ContentsEntry, build_contents, page_text
from app.documents.forms.investigation import build_investigation
from app.documents.forms.mediation_record import build_mediation_record, failure_text
from app.documents.forms.power_of_attorney import build_power_of_attorney
from app.documents.text import BLANK_DATE
from app.domain.codes import AgreementForm, CaseStatus, Source
from app.views import AgentView, CaseDetail, CommitteeInfo, StatusChangeView
from tests.conftest import TODAY

from .test_forms import AGENT, rich, sparse
from .test_forms import tree_text as joined

DOSSIER_KEYS = [
    "cover",
    "contents",
    "application",
    "acceptance",
    "rights_notice",
    "power_of_attorney",
    "investigation",
    "mediation_record",
    "agreement",
    "oral_agreement",
    "follow_up",
    "confirmation",
    "closing_report",
    "file_note",
    "back_cover",
]


@pytest.fixture
def rich_case(three_party_case: CaseDetail) -> CaseDetail:
    return rich(three_party_case)


# --- the registry ----------------------------------------------------------------------------


def test_every_form_in_dossier_order_with_its_chinese_name() -> None:
    assert list(registry.FORMS) == DOSSIER_KEYS
    orders = [spec.dossier_order for spec in registry.FORMS.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    names = dict(registry.form_names())
    assert [k for k, _ in registry.form_names()] == DOSSIER_KEYS
    assert names["application"] == "人民调解申请书"
    assert names["acceptance"] == "人民调解受理登记表"
    assert names["rights_notice"] == "人民调解当事人权利义务告知书"
    assert names["mediation_record"] == "人民调解记录"
    assert names["closing_report"] == "人民调解结案报告表"
    assert names["back_cover"] == "封底"
    assert {spec.per for spec in registry.FORMS.values()} == {
        "case",
        "session",
        "follow_up",
        "agent",
    }


@pytest.mark.parametrize("key", DOSSIER_KEYS)
def test_every_form_names_its_document_after_the_form_and_the_case(
    key: str, rich_case: CaseDetail, committee: CommitteeInfo
) -> None:
    spec = registry.FORMS[key]
    doc = spec.make(rich_case, committee, today=TODAY)
    assert doc.title == f"{spec.name} {rich_case.number}"
    assert spec.make(None, committee, today=TODAY).title == spec.name


def test_the_agreement_is_the_oral_register_for_an_oral_agreement(
    oral_case: CaseDetail, case: CaseDetail, committee: CommitteeInfo
) -> None:
    from app.services.printing import is_oral

    spec = registry.FORMS["agreement"]
    assert spec.make(oral_case, committee).blocks[0] == tree.Title("人民调解口头协议登记表")
    assert spec.make(case, committee).blocks[0] == tree.Title("人民调解协议书")
    assert registry.is_oral(oral_case) == is_oral(oral_case) is True
    assert registry.is_oral(case) == is_oral(case) is False


def test_items_and_one_document_for_each(rich_case: CaseDetail, committee: CommitteeInfo) -> None:
    forms = registry.FORMS
    assert [k for k, _ in registry.items(forms["investigation"], rich_case)] == [31]
    assert [k for k, _ in registry.items(forms["mediation_record"], rich_case)] == [32, 33]
    assert registry.items(forms["follow_up"], rich_case)[0][0] == 51
    assert registry.items(forms["power_of_attorney"], rich_case) == [
        (7, f"申请人{rich_case.parties[0].name}的委托代理人{AGENT}")
    ]
    records = registry.documents(forms["mediation_record"], rich_case, committee)
    assert len(records) == 2 and records[0] != records[1]
    assert registry.documents(forms["investigation"], sparse(), committee) == []
    assert len(registry.documents(forms["cover"], sparse(), committee)) == 1


# --- which sitting, visit or agent -----------------------------------------------------------


def test_the_latest_sitting_unless_one_is_named(
    rich_case: CaseDetail, committee: CommitteeInfo
) -> None:
    latest = joined(build_mediation_record(rich_case, committee))
    first = joined(build_mediation_record(rich_case, committee, session_id=32))
    assert "经调解，双方当场达成调解协议。" in latest and "约定三日后再调" not in latest
    assert "约定三日后再调" in first and "楼栋长刘秀芝" in first
    with pytest.raises(LookupError):
        build_mediation_record(rich_case, committee, session_id=31)  # an investigation's id
    with pytest.raises(LookupError):
        build_investigation(rich_case, committee, session_id=99)


def test_a_recorder_who_mediates_signs_once(
    rich_case: CaseDetail, committee: CommitteeInfo
) -> None:
    signatures = build_investigation(rich_case, committee).blocks[-1]
    assert isinstance(signatures, tree.SignatureBlock)
    assert signatures.right == ("调查人周建国（签名）：", "记录人郑秀兰（签名）：")
    assert signatures.left == ("被申请人王𠮷（签名或按指印）：",)


def test_each_agent_has_a_power_of_attorney(
    rich_case: CaseDetail, committee: CommitteeInfo
) -> None:
    other = AgentView(8, "李律师", "13600002222", authorised_on=date(2026, 3, 4))
    respondent = dataclasses.replace(rich_case.parties[1], agents=(other,))
    case = dataclasses.replace(
        rich_case, parties=(rich_case.parties[0], respondent, *rich_case.parties[2:])
    )
    first = joined(build_power_of_attorney(case, committee))
    second = joined(build_power_of_attorney(case, committee, agent_id=8))
    assert AGENT in first and "■特别授权" in first
    assert "李律师" in second and "■一般授权" in second and "2026年3月4日" in second
    assert "委托人王𠮷（签名或按指印）：" in second
    with pytest.raises(LookupError):
        build_power_of_attorney(case, committee, agent_id=99)


# --- blanks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", DOSSIER_KEYS)
def test_a_blank_form_leaves_room_to_write(key: str, committee: CommitteeInfo) -> None:
    doc = registry.FORMS[key].make(None, committee, today=TODAY)
    room = [
        b
        for b in doc.blocks
        if isinstance(b, tree.RuledLines | tree.Table | tree.SignatureBlock)
        or (isinstance(b, tree.PartyBlock) and not any(f.value for r in b.rows for f in r))
        or (isinstance(b, tree.FieldLine) and not b.value)
    ]
    assert room, key
    assert "2026" not in joined(doc)


def test_the_blank_acceptance_form_ticks_nothing(committee: CommitteeInfo) -> None:
    text = joined(build_acceptance(None, committee))
    assert "■" not in text and text.count("□") == len(SOURCE_CHOICES)
    assert "根据当事人申请（主动）并经当事人同意" in text


def test_the_source_on_record_is_ticked_alone() -> None:
    text = choices(SOURCE_CHOICES, Source.POLICE, per_line=2)
    assert text.count("■") == 1 and "■公安机关移交" in text
    assert text.splitlines()[0] == "□当事人申请\u3000□人民调解委员会主动调解"


# --- wording ---------------------------------------------------------------------------------


def test_the_acceptance_sentence_names_both_sides(
    rich_case: CaseDetail, committee: CommitteeInfo
) -> None:
    opening = build_acceptance(rich_case, committee).blocks[2]
    assert opening == tree.Paragraph(
        "2026年3月3日，本委员会受人民法院委托并经当事人同意，调解申请人阿卜杜热合曼·买买提"
        "与被申请人王𠮷及第三人新乡市㵘泉物业服务有限公司之间的邻里纠纷。"
    )


def test_a_failed_mediation_names_the_routes_told(case: CaseDetail) -> None:
    failed = dataclasses.replace(
        case,
        agreement=None,
        status=CaseStatus.FAILED,
        status_history=(
            StatusChangeView(
                "fail",
                "调解不成",
                CaseStatus.MEDIATING,
                CaseStatus.FAILED,
                date(2026, 3, 20),
                reason="双方分歧过大",
                routes=("arbitration", "court"),
            ),
        ),
    )
    said = "调解不成，双方分歧过大。已告知当事人可以通过仲裁、向人民法院起诉等途径解决纠纷。"
    assert failure_text(failed) == said
    assert result(failed) == [said]
    assert failure_text(case) == ""


def test_the_closing_report_says_what_became_of_the_agreement(rich_case: CaseDetail) -> None:
    assert result(rich_case) == [
        "于2026年3月20日达成书面调解协议。",
        "协议已于2026年4月1日履行完毕。",
        "当事人于2026年3月25日向新乡市卫滨区人民法院申请司法确认，2026年4月2日裁定确认调解协议有效。",
    ]
    assert rich_case.agreement is not None
    oral = dataclasses.replace(
        rich_case, agreement=dataclasses.replace(rich_case.agreement, form=AgreementForm.ORAL)
    )
    assert result(oral)[0] == "于2026年3月20日达成口头调解协议。"
    assert result(sparse()) == []


# --- the contents list -----------------------------------------------------------------------


def test_page_numbers_read_first_to_last() -> None:
    assert page_text(3, 1) == "3"
    assert page_text(3, 3) == "3-5"
    assert page_text(None, None) == ""


def test_the_contents_take_the_entries_given(committee: CommitteeInfo, case: CaseDetail) -> None:
    doc = build_contents(
        [("人民调解申请书", 1, 2), ContentsEntry("人民调解记录", 3, 4, "必须")], committee, case
    )
    table = doc.blocks[-1]
    assert isinstance(table, tree.Table)
    assert table.header == ("序号", "文书名称", "页号", "备注")
    assert table.rows == (
        ("1", "人民调解申请书", "1-2", "\u3000"),
        ("2", "人民调解记录", "3-6", "必须"),
    )
    assert table.blank_rows > 0


def test_the_standard_contents_mark_what_is_required(
    oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    table = registry.FORMS["contents"].make(oral_case, committee).blocks[-1]
    assert isinstance(table, tree.Table)
    rows = {row[1]: row[3] for row in table.rows}
    assert rows["人民调解申请书"] == "必须" and rows["授权委托书"] == "按需"
    assert rows["人民调解口头协议登记表"] == "必须" and "人民调解协议书" not in rows
    assert list(rows)[-1] == "封底" and len(rows) == 13


def test_the_cover_dates_run_from_acceptance_to_closing(
    rich_case: CaseDetail, committee: CommitteeInfo
) -> None:
    text = joined(registry.FORMS["cover"].make(rich_case, committee))
    assert "自2026年3月3日\n至2026年4月2日" in text
    assert "阿卜杜热合曼·买买提与王𠮷、新乡市㵘泉物业服务有限公司邻里纠纷" in text
    blank = joined(registry.FORMS["cover"].make(None, committee))
    assert f"自{BLANK_DATE}\n至{BLANK_DATE}" in blank and committee.name in blank
