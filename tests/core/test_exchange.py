"""The exchange format: faithful round trips, all-or-nothing imports, clear refusals."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import ImportFileError
from app.services.cases import get_case
from app.services.database import open_database
from app.services.exchange import export_data, export_file, import_data, import_file

MEDIATOR_UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def exchange_file(cases: list[dict]) -> dict:
    return {
        "format": "laoniangjiu-exchange",
        "version": 1,
        "committee": {"name": "飞机场社区人民调解委员会", "short_name": "飞"},
        "mediators": [
            {
                "uuid": MEDIATOR_UUID,
                "name": "王建国",
                "sex": "male",
                "birth_date": "1953-04-02",
                "elder_category": "party_member",
                "phone": "13900000000",
                "address": {
                    "compound": "铁西小区",
                    "building": "3号楼",
                    "unit": "2单元",
                    "room": "402",
                },
                "specialties": ["neighbourhood", "marriage_family"],
                "active": True,
            }
        ],
        "cases": cases,
    }


def a_case(n: int, **changes) -> dict:
    case = {
        "uuid": f"7c9e6679-7425-40de-944b-e07fc1f9{n:04d}",
        "number": None,
        "title": f"楼上渗水纠纷{n}",
        "dispute_type": "neighbourhood",
        "source": "application",
        "received_on": "2026-03-02",
        "tier": "building",
        "status": "agreement_reached",
        "place": {"compound": "铁西小区", "building": "3号楼", "unit": "2单元", "room": "302"},
        "amount": "1250.50",
        "persons_involved": 2,
        "risk_flags": ["may_escalate"],
        "facts": "楼上卫生间漏水。",
        "requests": ["赔偿维修费用", "修复防水层"],
        "parties": [
            {
                "role": "applicant",
                "kind": "person",
                "name": "李秀英",
                "sex": "female",
                "ethnicity": "汉族",
                "birth_date": "1949-12-31",
                "id_number": "11010519491231002X",
                "phone": "13800000000",
                "address": "新乡市卫滨区铁西小区3号楼2单元302室",
                "occupation": "退休",
            },
            {
                "role": "respondent",
                "kind": "organization",
                "name": "新乡市安居物业服务有限公司",
                "credit_code": "91350100M000100Y43",
                "legal_representative": "张卫国",
                "address": "新乡市卫滨区",
            },
        ],
        "panel": [{"mediator": MEDIATOR_UUID, "role": "lead"}],
        "escalations": [
            {"from": "building", "to": "community", "on": "2026-03-05", "reason": "未果"}
        ],
        "agreement": {
            "form": "written",
            "reached_on": "2026-03-20",
            "facts": "漏水",
            "responsibility": "物业负责",
            "terms": [
                {
                    "text": "赔偿维修费",
                    "obligor": 1,
                    "obligee": 0,
                    "amount": "1250.50",
                    "due": "2026-04-01",
                    "performed_on": None,
                }
            ],
        },
        "follow_ups": [
            {
                "on": "2026-04-10",
                "by": MEDIATOR_UUID,
                "performed": True,
                "satisfaction": "satisfied",
                "notes": "已履行",
            }
        ],
    }
    case.update(changes)
    return case


def db_digest(db) -> str:
    return hashlib.sha256(json.dumps(export_data(db), sort_keys=True).encode()).hexdigest()


def test_export_then_import_into_an_empty_database_gives_the_same_data(demo_db, tmp_path) -> None:
    path = tmp_path / "all.json"
    assert export_file(demo_db, path) == 40
    fresh = open_database(tmp_path / "fresh.db")
    report = import_file(fresh, path)
    assert (report.cases_added, report.mediators_added) == (40, 12)
    assert export_data(fresh) == export_data(demo_db)


def test_every_version_1_field_survives(db) -> None:
    data = exchange_file([a_case(1, number="（2026）飞人调字第12号")])
    import_data(db, data)
    exported = export_data(db)
    # Omitted optional fields come back as null, which the format treats as the same.
    party_keys = exported["cases"][0]["parties"][0].keys()
    for party in data["cases"][0]["parties"]:
        party.update({k: party.get(k) for k in party_keys})
    assert exported["cases"] == data["cases"]
    # Specialties come back in the file's order (the spec's example is not in code order).
    assert exported["mediators"][0]["specialties"] == ["neighbourhood", "marriage_family"]
    assert exported["mediators"] == data["mediators"]
    assert exported["committee"] == data["committee"]


def test_imported_numbers_are_never_handed_out_again(db) -> None:
    from datetime import date

    from app.domain.drafts import CaseDraft, PartyDraft
    from app.services.cases import register_case

    import_data(db, exchange_file([a_case(1, number="（2026）飞人调字第12号")]))
    new = register_case(
        db,
        CaseDraft(
            title="新案",
            received_on=date(2026, 5, 1),
            parties=[
                PartyDraft(role="applicant", name="甲"),
                PartyDraft(role="respondent", name="乙"),
            ],
        ),
        today=date(2026, 11, 25),
    )[0]
    assert new.number == "（2026）飞人调字第13号"


def test_rare_names_come_through_intact(db) -> None:
    case = a_case(1)
    case["parties"][0]["name"] = "王𠮷"
    case["parties"][1] = {"role": "respondent", "kind": "person", "name": "阿卜杜热合曼·买买提"}
    import_data(db, exchange_file([case]))
    detail = get_case(db, case["uuid"])
    assert [p.name for p in detail.parties] == ["王𠮷", "阿卜杜热合曼·买买提"]


def test_one_bad_id_number_rejects_the_whole_file_naming_case_and_field(demo_db) -> None:
    before = db_digest(demo_db)
    bad = a_case(2, title="车位占用纠纷")
    bad["parties"][0]["id_number"] = "110105194912310021"  # check character should be X
    with pytest.raises(ImportFileError) as caught:
        import_data(demo_db, exchange_file([a_case(1), bad, a_case(3)]))
    message = caught.value.message
    assert "第2个案件“车位占用纠纷”" in message
    assert "身份证号" in message and "校验码" in message
    assert "没有任何改动" in message
    assert db_digest(demo_db) == before


def test_duplicate_uuids_are_reported_and_skipped_not_overwritten(db) -> None:
    import_data(db, exchange_file([a_case(1)]))
    changed = a_case(1, title="改过的标题")
    report = import_data(db, exchange_file([changed, a_case(2)]))
    assert report.cases_added == 1 and report.mediators_added == 0
    assert len(report.skipped_cases) == 1 and "改过的标题" in report.skipped_cases[0]
    assert report.skipped_mediators == ["王建国"]
    assert get_case(db, a_case(1)["uuid"]).title == "楼上渗水纠纷1"
    assert "跳过" in report.summary()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["cases"][0].update(colour="red"), "不认识的字段“colour”"),
        (lambda d: d.update(version=2), "第2版"),
        (lambda d: d.update(format="other"), "不是老娘舅的案件交换文件"),
        (lambda d: d["cases"][0].update(amount=1250.5), "带引号"),
        (lambda d: d["cases"][0].update(received_on="2026/03/02"), "YYYY-MM-DD"),
        (lambda d: d["cases"][0].update(tier="street"), "化解层级"),
        (
            lambda d: d["cases"][0]["panel"][0].update(
                mediator="0f8fad5b-d9cb-469f-a165-000000000000"
            ),
            "调解员",
        ),
        (lambda d: d["cases"][0]["agreement"]["terms"][0].update(obligor=7), "履行人"),
        (lambda d: d["cases"].append(copy.deepcopy(d["cases"][0])), "uuid 与文件中另一个案件重复"),
    ],
)
def test_bad_files_are_refused_with_a_reason(db, mutate, expected: str) -> None:
    data = exchange_file([a_case(1)])
    mutate(data)
    with pytest.raises(ImportFileError) as caught:
        import_data(db, data)
    assert expected in caught.value.message
    assert export_data(db)["cases"] == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b'{"format": "laoniangjiu-exchange", ', "格式有误"), (b"\xff\xfe\x00garbage", "UTF-8")],
)
def test_corrupt_files_are_refused(db, tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        import_file(db, path)
    assert expected in caught.value.message


names = st.text(
    alphabet=st.sampled_from(list("王李张刘陈杨赵黄周吴秀英建国𠮷㵘·阿卜杜热合曼买提")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip("·") == s)
amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(applicant=names, respondent=names, amount=amounts, facts=st.text(max_size=200))
def test_round_trip_property(tmp_path_factory, applicant, respondent, amount, facts) -> None:
    folder = tmp_path_factory.mktemp("rt")
    source = open_database(folder / "a.db")
    case = a_case(1, facts=facts or None, amount=str(amount))
    case["parties"][0].update(name=applicant, id_number=None, sex=None, birth_date=None)
    case["parties"][1] = {"role": "respondent", "kind": "person", "name": respondent}
    case["parties"][1].update(
        {
            k: None
            for k in (
                "sex",
                "ethnicity",
                "birth_date",
                "id_number",
                "phone",
                "address",
                "occupation",
                "credit_code",
                "legal_representative",
            )
        }
    )
    case["parties"][1]["kind"] = "person"
    case["agreement"]["terms"][0]["amount"] = str(amount)
    import_data(source, exchange_file([case]))
    target = open_database(folder / "b.db")
    import_data(target, export_data(source))
    assert export_data(target) == export_data(source)
    source.close()
    target.close()


# --- numbers ---------------------------------------------------------------------------------


def test_numbers_in_the_file_are_reserved_before_new_ones_are_allocated(db) -> None:
    """Case 1 has no number and comes first: it must not take the number case 2 carries."""
    data = exchange_file([a_case(1), a_case(2, number="（2026）飞人调字第1号")])
    assert import_data(db, data).cases_added == 2
    numbers = {c["uuid"]: c["number"] for c in export_data(db)["cases"]}
    assert numbers[a_case(2)["uuid"]] == "（2026）飞人调字第1号"
    assert numbers[a_case(1)["uuid"]] == "（2026）飞人调字第2号"


def test_a_failure_while_writing_names_the_case_and_changes_nothing(db, monkeypatch) -> None:
    from app.domain.errors import UserError
    from app.services import exchange

    real_add_case = exchange.add_case

    def add_case(session, clean, **kwargs):  # type: ignore[no-untyped-def]
        if clean.title == "楼上渗水纠纷2":
            raise UserError("案件编号“（2026）飞人调字第1号”已被其他案件使用，编号不能重复。")
        return real_add_case(session, clean, **kwargs)

    monkeypatch.setattr(exchange, "add_case", add_case)
    with pytest.raises(ImportFileError) as caught:
        import_data(db, exchange_file([a_case(1), a_case(2)]))
    assert "第2个案件“楼上渗水纠纷2”" in caught.value.message
    assert "没有任何改动" in caught.value.message
    assert export_data(db)["cases"] == [] and export_data(db)["mediators"] == []


# --- the committee ---------------------------------------------------------------------------


def test_the_databases_committee_is_kept_and_the_difference_reported(db) -> None:
    from app.services.database import get_committee, update_committee

    update_committee(db, name="铁西社区人民调解委员会", short_name="铁")
    report = import_data(db, exchange_file([a_case(1)]))
    committee = get_committee(db)
    assert (committee.name, committee.short_name) == ("铁西社区人民调解委员会", "铁")
    assert "文件中的委员会是“飞机场社区人民调解委员会”" in report.summary()
    assert "本数据库保留“铁西社区人民调解委员会”" in report.summary()
    assert export_data(db)["cases"][0]["number"] == "（2026）铁人调字第1号"


def test_a_database_without_a_committee_adopts_the_files(db) -> None:
    from app.services.database import get_committee

    report = import_data(db, exchange_file([a_case(1)]))
    assert get_committee(db).name == "飞机场社区人民调解委员会"
    assert "已采用文件中的“飞机场社区人民调解委员会”" in report.summary()
    again = import_data(db, exchange_file([a_case(2)]))
    assert again.committee_note == ""


# --- refusals ----------------------------------------------------------------------------------


def set_party(index: int, **fields):  # type: ignore[no-untyped-def]
    return lambda d: d["cases"][0]["parties"][index].update(fields)


def set_term(**fields):  # type: ignore[no-untyped-def]
    return lambda d: d["cases"][0]["agreement"]["terms"][0].update(fields)


def set_mediator(**fields):  # type: ignore[no-untyped-def]
    return lambda d: d["mediators"][0].update(fields)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        # fields that belong to the other kind of party are refused, not dropped
        (set_party(0, credit_code="91350100M000100Y43"), "第1位当事人（李秀英）的统一社会信用代码"),
        (set_party(0, legal_representative="张卫国"), "第1位当事人（李秀英）的法定代表人"),
        (
            set_party(1, id_number="11010519491231002X"),
            "第2位当事人（新乡市安居物业服务有限公司）的身份证号",
        ),
        (set_party(1, sex="male"), "的性别：单位没有这一项"),
        (set_party(1, birth_date="1980-01-01"), "的出生日期：单位没有这一项"),
        (set_party(1, ethnicity="汉族"), "的民族：单位没有这一项"),
        # money is a plain decimal string
        (lambda d: d["cases"][0].update(amount="1e3"), "涉及金额（amount）：“1e3”的写法不对"),
        (lambda d: d["cases"][0].update(amount="￥1,250元"), "例如 1250.50"),
        (lambda d: d["cases"][0].update(amount="1,250.50"), "写法不对"),
        (lambda d: d["cases"][0].update(amount="9" * 40), "金额太大"),
        (lambda d: d["cases"][0].update(amount="-5"), "不能是负数，例如 1250.50"),
        (set_term(amount="12.345"), "金额（amount）：最多精确到分"),
        (set_term(amount="1e40"), "写法不对"),
        # Chinese names with the keys, never Python's None
        (
            lambda d: d["cases"][0].update(received_on="2026-02-30"),
            "受理日期（received_on）应是有效日期",
        ),
        (lambda d: d["cases"][0]["place"].update(street="x"), "发生地点（place）中有不认识的字段"),
        (lambda d: d["cases"][0].update(amount=1250.5), "涉及金额（amount）必须写成带引号的文字"),
        (lambda d: d["cases"][0]["panel"][0].pop("role"), "角色：没有填写"),
        (lambda d: d["cases"][0].pop("uuid"), "缺少唯一标识（uuid）"),
        (
            lambda d: d["cases"][0].update(persons_involved="2"),
            "涉及人数（persons_involved）应是整数",
        ),
        (set_mediator(elder_category="elder"), "老干部（cadre）"),
        (set_mediator(active="yes"), "是否在岗（active）应是 true（是）或 false（否）"),
        # the version is the number 1
        (lambda d: d.update(version="1"), "版本号（version）应是数字 1"),
        (lambda d: d.update(version=1.0), "版本号（version）应是数字 1"),
        (lambda d: d.pop("version"), "缺少版本号"),
        # a term names its parties by index
        (set_term(obligor=2), "履行人（obligor）应是当事人的序号，即0到1之间的整数"),
        (set_term(obligee=-1), "0是李秀英，1是新乡市安居物业服务有限公司"),
        # the agreement rules
        (set_term(obligee=1), "同一位当事人"),
        (set_term(obligor=None), "付款的条款要写明由谁支付"),
        (set_term(due="2026-03-19"), "不能早于协议达成日期2026-03-20"),
        (lambda d: d["cases"][0]["agreement"].update(terms=[]), "协议至少要有一条内容"),
        (
            lambda d: d["cases"][0]["agreement"].update(reached_on="2026-03-01"),
            "受理日期2026-03-02",
        ),
        # mediators are adults, and one sits on a panel once
        (set_mediator(birth_date="2099-01-01"), "还没到"),
        (set_mediator(birth_date="2020-01-01"), "人民调解员应是年满18周岁的成年人"),
        (lambda d: d["cases"][0]["panel"].append(dict(d["cases"][0]["panel"][0])), "出现了两次"),
    ],
)
def test_more_bad_files_are_refused_naming_case_and_field(db, mutate, expected: str) -> None:
    data = exchange_file([a_case(1)])
    mutate(data)
    with pytest.raises(ImportFileError) as caught:
        import_data(db, data)
    message = caught.value.message
    assert expected in message and "没有任何改动" in message
    assert "None" not in message and "重新选择" not in message
    assert export_data(db)["cases"] == [] and export_data(db)["mediators"] == []


def test_a_party_error_names_the_case_and_the_field_in_the_file(db) -> None:
    data = exchange_file([a_case(1)])
    data["cases"][0]["parties"][0]["credit_code"] = "91350100M000100Y43"
    with pytest.raises(ImportFileError) as caught:
        import_data(db, data)
    assert "第1个案件“楼上渗水纠纷1”" in caught.value.message
    assert "parties[0].credit_code" in caught.value.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "文件是空的"),
        (b"  \n", "文件是空的"),
        (b"[" * 100000, "结构不对"),
        (b'{"version": ' + b"1" * 5000 + b"}", "结构不对"),
    ],
)
def test_empty_and_monstrous_files_are_refused(
    db, tmp_path: Path, content: bytes, expected
) -> None:
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        import_file(db, path)
    assert expected in caught.value.message and "没有任何改动" in caught.value.message


def test_a_folder_is_not_an_exchange_file(db, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as caught:
        import_file(db, tmp_path)
    assert "这是一个文件夹，不是文件" in caught.value.message
    assert "Is a directory" not in caught.value.message


def test_demo_terms_say_who_performs_them(demo_db) -> None:
    """Each term opens with its performer: 申请人… is paid by the applicant, not the company."""
    checked = 0
    for case in export_data(demo_db)["cases"]:
        if not case["agreement"]:
            continue
        for term in case["agreement"]["terms"]:
            performer = case["parties"][term["obligor"]]["role"]
            label = {"applicant": "申请人", "respondent": "被申请人"}[performer]
            assert term["text"].startswith(label), term
            assert term["obligee"] != term["obligor"]
            checked += 1
    assert checked > 10


def test_demo_agreements_pass_every_rule(demo_db) -> None:
    from datetime import date

    from app.domain.drafts import AgreementDraft, TermDraft
    from app.domain.rules import check_agreement
    from tests.conftest import TODAY

    for case in export_data(demo_db)["cases"]:
        a = case["agreement"]
        if not a:
            continue
        terms = [
            TermDraft(
                text=t["text"],
                obligor=t["obligor"],
                obligee=t["obligee"],
                amount=t["amount"] or "",
                due=date.fromisoformat(t["due"]) if t["due"] else None,
            )
            for t in a["terms"]
        ]
        draft = AgreementDraft(
            form=a["form"], reached_on=date.fromisoformat(a["reached_on"]), terms=terms
        )
        received = date.fromisoformat(case["received_on"])
        check_agreement(draft, len(case["parties"]), received_on=received, today=TODAY)
        for t in a["terms"]:
            assert t["performed_on"] is None or t["performed_on"] <= TODAY.isoformat()
