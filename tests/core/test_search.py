"""Search: names whole, in part and by pinyin initials, phones by their last 4 digits, ID
numbers, places and words of the facts, requests and agreement; filters; the plain-table
fallback gives the same answers; the index follows every change made through the services."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from app.db import fts
from app.db.models import AuditEntry, Party
from app.domain.codes import CaseStatus
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.pinyin import MAX_LENGTH, MAX_VARIANTS, name_initials
from app.domain.validation import resident_id_check_char
from app.domain.values import Place, mask_phone
from app.services.cases import CaseQuery, count_cases, list_cases, register_case, save_agreement
from app.services.database import open_database
from app.services.people import update_case
from app.services.search import SearchFilters, search, split_terms
from app.services.search_index import ensure_index, rebuild_index

TODAY = date(2026, 11, 25)


def resident_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


ZENG_ID = resident_id("41070319800101123")
LI_ID = resident_id("41070319751224456")


@dataclass
class Cases:
    leak: int  # 曾庆红 v 单田芳: water from upstairs, 平原小区8号楼2单元304
    parking: int  # 李秀英 v 张行: a parking space, an agreement
    company: int  # 解缙 v 新乡市安居物业服务有限公司


def fill(db) -> Cases:  # type: ignore[no-untyped-def]
    leak, _ = register_case(
        db,
        CaseDraft(
            title="楼上渗水纠纷",
            received_on=date(2026, 10, 2),
            place=Place(compound="平原小区", building="8号楼", unit="2单元", room="304"),
            facts="楼上卫生间防水层老化，多次向楼下渗水。",
            requests=["赔偿天花板维修费用"],
            parties=[
                PartyDraft(role="applicant", name="曾庆红", phone="13912344321", id_number=ZENG_ID),
                PartyDraft(role="respondent", name="单田芳", phone="0373-5605811"),
            ],
        ),
        today=date(2026, 10, 2),
    )
    parking, _ = register_case(
        db,
        CaseDraft(
            title="车位占用纠纷",
            dispute_type="property_management",
            source="own_initiative",
            tier="courtyard",
            received_on=date(2026, 11, 1),
            facts="被申请人长期占用申请人的固定车位。",
            parties=[
                PartyDraft(role="applicant", name="李秀英", phone="13800005678", id_number=LI_ID),
                PartyDraft(role="respondent", name="张行", phone="13700001234"),
            ],
        ),
        today=date(2026, 11, 1),
    )
    save_agreement(
        db,
        parking.id,
        AgreementDraft(
            form="written",
            reached_on=date(2026, 11, 10),
            terms=[TermDraft(text="张行于十日内把车移走", obligor=1, obligee=0)],
        ),
    )
    company, _ = register_case(
        db,
        CaseDraft(
            title="物业服务纠纷",
            dispute_type="property_management",
            received_on=date(2026, 11, 20),
            parties=[
                PartyDraft(role="applicant", name="解缙", phone="13600009999"),
                PartyDraft(
                    role="respondent",
                    kind="organization",
                    name="新乡市安居物业服务有限公司",
                    phone="0373-3331234",
                    credit_code="91410700MA44XXXX0H",
                    legal_representative="刘建华",
                ),
            ],
        ),
        today=date(2026, 11, 20),
    )
    return Cases(leak=leak.id, parking=parking.id, company=company.id)


@pytest.fixture(params=["fts5", "plain"])
def cases(request, db) -> Cases:  # type: ignore[no-untyped-def]
    """Three known cases, searched through the FTS5 index and through the plain fallback."""
    if request.param == "plain":
        with db.transaction() as session:
            fts.recreate_search_index(session.connection(), plain=True)
    with db.reading() as session:
        assert fts.is_fts(session.connection()) == (request.param == "fts5")
    return fill(db)


def found(db, text: str, **filters) -> list[int]:  # type: ignore[no-untyped-def]
    return [hit.case_id for hit in search(db, text, SearchFilters(**filters))]


# ---------------------------------------------------------------- names


def test_a_name_by_one_two_and_more_characters(db, cases) -> None:
    assert found(db, "曾") == [cases.leak]
    assert found(db, "庆红") == [cases.leak]
    assert found(db, "曾庆红") == [cases.leak]
    assert found(db, "秀") == [cases.parking]
    assert found(db, "李秀英") == [cases.parking]
    assert found(db, "安居物业") == [cases.company]
    assert found(db, "刘建华") == [cases.company]  # the company's legal representative
    assert found(db, "没有这个人") == []


def test_pinyin_initials_read_surnames_as_surnames(db, cases) -> None:
    assert found(db, "zqh") == [cases.leak]  # 曾 zēng, not céng
    assert found(db, "cqh") == []
    assert found(db, "stf") == [cases.leak]  # 单 shàn, not dān
    assert found(db, "dtf") == []
    assert found(db, "xj") == [cases.company]  # 解 xiè
    assert found(db, "lxy") == [cases.parking]
    assert found(db, "LXY") == [cases.parking]
    # 行 is xíng or háng: both readings find 张行.
    assert found(db, "zx") == [cases.parking]
    assert found(db, "zh") == [cases.parking]
    # One letter: the start of a name's initials; newest first.
    assert found(db, "z") == [cases.parking, cases.leak]


def test_initials_are_stored_on_the_party(db, cases) -> None:
    with db.reading() as session:
        stored = {n: i for n, i in session.execute(select(Party.name, Party.name_initials))}
    assert stored["曾庆红"] == "zqh|zqg"  # 红 is also read gōng
    assert stored["单田芳"] == "stf"
    assert stored["张行"] == "zx|zh"
    assert stored["新乡市安居物业服务有限公司"].startswith("xxsajwyfwyxgs")


# ---------------------------------------------------------------- numbers, places, words


def test_a_phone_by_its_last_four_digits(db, cases) -> None:
    assert found(db, "4321") == [cases.leak]
    assert found(db, "5678") == [cases.parking]
    assert found(db, "5811") == [cases.leak]  # a landline 0373-5605811
    assert found(db, "0373-5605811") == [cases.leak]
    assert found(db, "03735605811") == [cases.leak]


def test_an_id_number_by_a_part(db, cases) -> None:
    assert found(db, "19800101") == [cases.leak]
    assert found(db, LI_ID[-6:]) == [cases.parking]
    assert found(db, LI_ID) == [cases.parking]


def test_the_case_number(db, cases) -> None:
    hits = search(db, "")
    by_id = {h.case_id: h.number for h in hits}
    number = by_id[cases.parking]
    assert found(db, number) == [cases.parking]
    seq = re.search(r"第(\d+)号", number)
    assert seq is not None
    assert cases.parking in found(db, f"第{seq.group(1)}号")


def test_words_of_the_facts_requests_and_agreement(db, cases) -> None:
    assert found(db, "防水层") == [cases.leak]  # the facts
    assert found(db, "天花板") == [cases.leak]  # a request
    assert found(db, "把车移走") == [cases.parking]  # an agreement term
    assert found(db, "十日内") == [cases.parking]
    assert found(db, "渗水纠纷") == [cases.leak]  # the title


def test_an_address(db, cases) -> None:
    assert found(db, "平原小区") == [cases.leak]
    assert found(db, "8号楼2单元") == [cases.leak]
    assert found(db, "304室") == [cases.leak]
    assert found(db, "平原小区 304") == [cases.leak]


def test_terms_are_intersected_short_and_long(db, cases) -> None:
    assert found(db, "曾 防水层") == [cases.leak]
    assert found(db, "曾 把车移走") == []
    assert found(db, "zqh 4321") == [cases.leak]
    assert found(db, "李 张") == [cases.parking]
    assert found(db, "李，张") == [cases.parking]


SYNTAX = ('"', '""', "AND", "a OR b", "*", "李*", "(", "NEAR(曾 单)", "曾^", "-", "%", "_", "\\")


def test_typed_text_is_never_query_syntax(db, cases) -> None:
    for text in SYNTAX:
        search(db, text)  # no error
    assert found(db, "曾%") == []
    assert found(db, "%") == []
    assert found(db, '"曾庆红"') == []  # the quotes are part of what is looked for


def test_full_width_letters_and_digits(db, cases) -> None:
    assert found(db, "ＬＸＹ") == [cases.parking]
    assert found(db, "４３２１") == [cases.leak]
    assert split_terms("  李  ，张 李 ") == ["李", "张"]


# ---------------------------------------------------------------- what a hit shows


def test_hits_show_masked_id_numbers_and_phones(db, cases) -> None:
    (hit,) = search(db, "曾庆红")
    assert hit.parties == ("曾庆红", "单田芳")
    assert [m.name for m in hit.matched] == ["曾庆红"]
    assert hit.matched[0].id_number == ZENG_ID[:6] + "********" + ZENG_ID[-4:]
    assert hit.matched[0].phone == "139****4321"
    assert "当事人姓名" in hit.found_in
    (by_phone,) = search(db, "5811")
    assert [(m.name, m.phone) for m in by_phone.matched] == [("单田芳", "0373-***5811")]
    every = repr(search(db, "")) + repr(search(db, "zqh")) + repr(search(db, "19800101"))
    for whole in (ZENG_ID, LI_ID, "13912344321", "13800005678", "5605811"):
        assert whole not in every
    assert mask_phone("13800005678") == "138****5678"


def test_where_a_term_was_found(db, cases) -> None:
    (hit,) = search(db, "防水层")
    assert hit.found_in == ("案情、申请事项或协议",)
    assert hit.matched == ()
    (hit,) = search(db, "平原小区")
    assert hit.found_in == ("地址",)


# ---------------------------------------------------------------- filters


def test_filters(db, cases) -> None:
    assert found(db, "", statuses=frozenset({"registered"})) == [
        cases.company,
        cases.parking,
        cases.leak,
    ]
    assert found(db, "", dispute_types=frozenset({"property_management"})) == [
        cases.company,
        cases.parking,
    ]
    assert found(db, "", tiers=frozenset({"courtyard"})) == [cases.parking]
    assert found(db, "", sources=frozenset({"own_initiative"})) == [cases.parking]
    assert found(db, "", received_from=date(2026, 11, 1)) == [cases.company, cases.parking]
    assert found(db, "", received_to=date(2026, 10, 31)) == [cases.leak]
    assert found(db, "z", received_to=date(2026, 10, 31)) == [cases.leak]
    assert found(db, "z", tiers=frozenset({"building"})) == [cases.leak]
    assert found(db, "纠纷", statuses=frozenset({"archived"})) == []


def test_the_mediator_filter(demo_db) -> None:
    from app.db.models import PanelMember

    with demo_db.reading() as session:
        mediator_id, case_id = session.execute(
            select(PanelMember.mediator_id, PanelMember.case_id).limit(1)
        ).one()
        expected = set(
            session.scalars(
                select(PanelMember.case_id).where(PanelMember.mediator_id == mediator_id)
            )
        )
    hits = found(demo_db, "", mediator_id=mediator_id)
    assert case_id in hits and set(hits) == expected


def test_limit_and_newest_first(demo_db) -> None:
    hits = search(demo_db, "", limit=10)
    assert len(hits) == 10
    keys = [(h.received_on, h.case_id) for h in hits]
    assert keys == sorted(keys, reverse=True)
    assert search(demo_db, "", limit=0) == []


# ---------------------------------------------------------------- the list agrees


def test_the_case_list_filters_by_the_same_rules(db, cases) -> None:
    for text in ("zqh", "曾", "4321", "防水层", "李 张", "没有这个人"):
        listed = [r.id for r in list_cases(db, CaseQuery(text=text))]
        assert listed == found(db, text), text
        assert count_cases(db, CaseQuery(text=text)) == len(listed)
    query = CaseQuery(text="z", tiers=frozenset({"building"}))
    assert [r.id for r in list_cases(db, query)] == [cases.leak]


# ---------------------------------------------------------------- kept up to date


def test_an_edit_through_the_services_is_found_at_once(db, cases) -> None:
    from app.services.cases import get_case

    detail = get_case(db, cases.parking)
    li = detail.parties[0]
    renamed = CaseDraft(
        title=detail.title,
        dispute_type=detail.dispute_type.value,
        source=detail.source.value,
        received_on=detail.received_on,
        tier=detail.tier.value,
        status=detail.status.value,
        facts="对方的车停在消防通道上",
        parties=[
            PartyDraft(
                id=p.id,
                role=p.role.value,
                kind=p.kind.value,
                name="王秀英" if p.id == li.id else p.name,
                id_number=p.id_number,
                phone=p.phone,
            )
            for p in detail.parties
        ],
    )
    update_case(db, cases.parking, renamed, today=TODAY)
    assert found(db, "李秀英") == []
    assert found(db, "lxy") == []
    assert found(db, "王秀英") == [cases.parking]
    assert found(db, "wxy") == [cases.parking]
    assert found(db, "王") == [cases.parking]
    assert found(db, "消防通道") == [cases.parking]
    assert found(db, "固定车位") == []
    with db.reading() as session:
        assert session.scalar(select(Party.name_initials).where(Party.id == li.id)) == "wxy"
        # The derived initials are not something a person changed: not in the audit entry.
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "case.update"
    assert "王秀英" in entry.after and "name_initials" not in entry.after + entry.before


def test_an_event_keeps_the_row(db, cases) -> None:
    from app.domain.lifecycle import CaseEvent
    from app.services.case_life import apply_event

    apply_event(db, cases.leak, CaseEvent.ACCEPT, on=date(2026, 10, 3), today=TODAY)
    assert found(db, "防水层", statuses=frozenset({CaseStatus.ACCEPTED.value})) == [cases.leak]


def test_an_empty_index_is_filled_when_the_database_opens(tmp_path) -> None:
    path = tmp_path / "old.db"
    db = open_database(path)
    try:
        ids = fill(db)
        # As a file upgraded from schema 0006 (or filled in bulk) is: cases, no index rows, no
        # initials.
        with db.transaction() as session:
            fts.clear(session.connection())
            session.execute(Party.__table__.update().values(name_initials=""))
    finally:
        db.close()
    db = open_database(path)
    try:
        with db.reading() as session:
            assert not fts.is_empty(session.connection())
            initials = select(Party.name_initials).where(Party.name == "单田芳")
            assert session.scalar(initials) == "stf"
        assert found(db, "防水层") == [ids.leak]
        assert found(db, "zqh") == [ids.leak]
        assert ensure_index(db) is None  # already there: nothing done
    finally:
        db.close()


def test_search_fills_an_empty_index_itself(db, cases) -> None:
    with db.transaction() as session:
        fts.clear(session.connection())
    assert found(db, "防水层") == [cases.leak]


def test_rebuild_gives_the_same_rows(db, cases) -> None:
    with db.reading() as session:
        before = fts.rows_of(session.connection(), [cases.leak, cases.parking, cases.company])
    with db.transaction() as session:
        rebuilt = rebuild_index(session, chunk=2)
    assert rebuilt.cases == 3 and rebuilt.initials_updated == 0
    with db.reading() as session:
        after = fts.rows_of(session.connection(), [cases.leak, cases.parking, cases.company])
    assert after == before


def test_an_import_rebuilds_the_index(db, tmp_path) -> None:
    from app.services.exchange import export_data, import_data

    fill(db)
    data = export_data(db)
    other = open_database(tmp_path / "other.db")
    try:
        import_data(other, json.loads(json.dumps(data)))
        assert len(search(other, "zqh")) == 1
        assert len(search(other, "防水层")) == 1
    finally:
        other.close()


# ---------------------------------------------------------------- pinyin


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("曾庆红", "zqh"),
        ("单田芳", "stf"),
        ("解缙", "xj"),
        ("查良镛", "zly"),
        ("仇英", "qy"),
        ("区家麟", "ojl"),
        ("朴树", "ps"),
        ("覃雪", "qx"),
        ("缪斯", "ms"),
        ("尉迟恭", "ycg"),
        ("万俟卨", "mqx"),
        ("长孙无忌", "zswj"),
        ("盖聂", "gn"),
        ("翟欣", "zx"),
        ("黑明", "hm"),
        ("种师道", "csd"),
        ("员半千", "ybq"),
        ("召忠", "sz"),
        ("繁钦", "pq"),
        ("能静", "nj"),
        ("冼星海", "xxh"),
        ("洗玉", "xy"),
        ("秘书", "bs"),
        ("折克行", "skx"),
        ("李秀英", "lxy"),
        ("王芳", "wf"),
    ],
)
def test_surnames_read_as_surnames(name: str, initials: str) -> None:
    assert name_initials(name).split("|")[0] == initials
    assert all(v.startswith(initials[0]) for v in name_initials(name).split("|"))


def test_polyphonic_given_names_give_every_reading() -> None:
    assert name_initials("乐嘉") == "yj|lj"  # 乐 is yuè or lè as a surname
    assert name_initials("张行") == "zx|zh"
    assert set(name_initials("单单").split("|")) >= {"sd", "ss", "sc"}
    long = name_initials("重庆长安汽车股份有限公司行长", person=False)
    assert len(long.split("|")) <= MAX_VARIANTS and len(long) <= MAX_LENGTH
    assert long.split("|")[0].startswith("zqzaqcgf")


def test_latin_digits_and_marks() -> None:
    assert name_initials("Tom Smith") == "tomsmith"
    assert name_initials("ＴＯＭ") == "tom"
    assert name_initials("王2") == "w2"
    assert name_initials("阿依古丽·买买提").split("|")[0] == "ayglmmt"
    assert name_initials("") == ""
    assert name_initials("  ") == ""


# ---------------------------------------------------------------- the command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from app.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_search_command(db, capsys) -> None:  # type: ignore[no-untyped-def]
    fill(db)
    path = str(db.path)
    code, out, _ = run(capsys, "--db", path, "search", "zqh")
    assert code == 0
    assert "楼上渗水纠纷" in out and "曾庆红" in out and "共找到1件" in out
    assert ZENG_ID not in out and "13912344321" not in out
    assert ZENG_ID[:6] + "********" + ZENG_ID[-4:] in out and "139****4321" in out
    code, out, _ = run(capsys, "--db", path, "search", "曾", "防水层", "--json")
    data = json.loads(out)
    assert [h["title"] for h in data] == ["楼上渗水纠纷"]
    assert data[0]["matched"] == [
        {
            "name": "曾庆红",
            "id_number": ZENG_ID[:6] + "********" + ZENG_ID[-4:],
            "phone": "139****4321",
        }
    ]
    assert ZENG_ID not in out
    code, out, _ = run(capsys, "--db", path, "search", "调字", "--status", "已登记", "--limit", "2")
    assert code == 0 and "共找到2件（只列出前2件" in out
    code, out, _ = run(capsys, "--db", path, "search", "调字", "--tier", "courtyard", "--json")
    assert [h["title"] for h in json.loads(out)] == ["车位占用纠纷"]
    code, out, _ = run(capsys, "--db", path, "search", "没有这个人")
    assert code == 0 and "没有找到" in out and "三个字" not in out
    code, out, _ = run(capsys, "--db", path, "search", "渗水")  # two characters: names only
    assert code == 0 and "没有找到" in out and "三个字以上" in out
    code, _, err = run(capsys, "--db", path, "search", "李", "--status", "没有这种")
    assert code == 1 and "办理状态" in err


def test_many_matches_are_walked_by_date_with_the_same_answers(db, cases, monkeypatch) -> None:
    import app.services.search as service

    texts = ("z", "zx", "曾", "李 张", "防水层", "调字", "纠纷 z", "没有这个人")
    before = {t: found(db, t) for t in texts}
    assert before["调字"] == [cases.company, cases.parking, cases.leak]
    monkeypatch.setattr(service, "MANY", 0)  # every search now counts as one of many matches
    assert {t: found(db, t) for t in texts} == before
    assert found(db, "调字", tiers=frozenset({"building"})) == [cases.company, cases.leak]


def test_a_latin_name(db) -> None:  # type: ignore[no-untyped-def]
    case, _ = register_case(
        db,
        CaseDraft(
            title="租赁纠纷",
            received_on=date(2026, 11, 3),
            parties=[
                PartyDraft(role="applicant", name="Tom Smith", phone="13500001111"),
                PartyDraft(role="respondent", name="王小明"),
            ],
        ),
        today=date(2026, 11, 3),
    )
    for text in ("t", "to", "tom", "TOM", "smith", "Tom Smith", "wxm"):
        assert found(db, text) == [case.id], text
    assert found(db, "sm") == []  # two letters: the start of a name or its initials
