"""Hand-built cases for the statistics, as an exchange file, with every figure worked out by hand.

The period is the first quarter of 2026 (2026-01-01 to 2026-03-31). Mediators: 王建国 and 赵德胜
(老党员), 李淑芬 (老教师).

  C1  邻里 申请     received 01-05, accepted 01-06, written agreement 01-20, performed 02-10,
                    visited 02-20; building; 2 persons, 1000.00; escalation prevented;
                    王建国 + 赵德胜 (two 老党员 on one panel)
  C2  邻里 主动     received and accepted 01-10, oral agreement 01-12, not performed; courtyard;
                    3 persons; visited 04-05 (after the quarter); 李淑芬
  C3  婚姻家庭 申请  received 02-01, accepted 02-02, failed 02-20; community; 4 persons,
                    5000.00; escalation prevented; 王建国
  C4  合同 法院      received 02-15, accepted 02-16, referred out 03-01; 李淑芬
  C5  物业 申请     received 03-01, withdrawn before acceptance 03-02
  C6  邻里 申请     received 03-05, declined 03-05
  C7  损害赔偿 公安  received 2025-12-20, accepted 2025-12-22 (before the quarter), written
                    agreement 01-08, judicial confirmation applied 01-15 and confirmed 02-01,
                    performed 02-15, archived (history kept); community; 2 persons, 20000.00;
                    赵德胜 + 王建国
  C8  邻里 申请     received 03-20, accepted 03-25, still in mediation; 李淑芬
  C9  邻里 申请     received 01-15, accepted 01-16, terminated 01-30, archived (history kept);
                    building; 2 persons; 王建国
  C10 劳动争议 申请  received 03-28, accepted 04-02, oral agreement 04-10 (both after the
                    quarter); building; 李淑芬
  C11 其他 申请     received 02-10, accepted 02-11, oral agreement 02-20, performed 03-10,
                    archived, imported without its history; building; 2 persons, 300.00; 李淑芬
  C12 房屋宅基地 申请 received 01-25, accepted 01-26, written agreement 02-05, archived without
                    history nor performance day; courtyard; no panel
  C13 邻里 申请     received 2025-11-01, failed 2025-12-15: nothing in the quarter
  C14 邻里 申请     received 02-03, accepted 02-04, an agreement drafted (dated 02-10) but
                    mediation failed 02-25, archived (history kept: it ended 调解不成); 2 persons

The quarter: received 12 (all but C7, C13); accepted 9 (C1 C2 C3 C4 C8 C9 C11 C12 C14);
declined 1 (C6); succeeded 5 (C1 C2 C7 C11 C12: written C1 C7 C12, oral C2 C11); failed 2
(C3 C14); terminated 1 (C9); withdrawn 1 (C5); referred 1 (C4); mediated 8; success rate 62.5%;
prevented 2 (C1 C3); persons 17 (2+3+4+2+2+2+0+2); amount 26300.00 (1000+5000+20000+300);
confirmation applied 1 and confirmed 1 (C7); performed 3 (C1 C7 C11: 60.0%); voluntary 2
(C1 C11); followed up 1 (C1: 20.0%). Tiers: building 2 (C1 C11), courtyard 2 (C2 C12),
community 1 (C7), left the community 1 (C4); building and courtyard 80.0%.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from app.domain.statistics import Figures, Period

PERIOD = Period.quarter(2026, 1)
YEAR = Period.year(2026)
COMMITTEE = "测试社区人民调解委员会"

WANG = "0f8fad5b-d9cb-469f-a165-708677289501"
LI = "0f8fad5b-d9cb-469f-a165-708677289502"
ZHAO = "0f8fad5b-d9cb-469f-a165-708677289503"

#: The quarter's figures (amount in fen).
EXPECTED = Figures(
    received=12,
    accepted=9,
    declined=1,
    mediated=8,
    succeeded=5,
    written=3,
    oral=2,
    failed=2,
    terminated=1,
    withdrawn=1,
    referred=1,
    prevented=2,
    persons=17,
    amount=2_630_000,
    confirmation_applied=1,
    confirmed=1,
    performed=3,
    voluntary=2,
    followed_up=1,
)
#: The cases behind each figure of the quarter.
BEHIND: dict[str, set[str]] = {
    "received": {"C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9", "C10", "C11", "C12", "C14"},
    "accepted": {"C1", "C2", "C3", "C4", "C8", "C9", "C11", "C12", "C14"},
    "declined": {"C6"},
    "mediated": {"C1", "C2", "C3", "C7", "C9", "C11", "C12", "C14"},
    "succeeded": {"C1", "C2", "C7", "C11", "C12"},
    "written": {"C1", "C7", "C12"},
    "oral": {"C2", "C11"},
    "failed": {"C3", "C14"},
    "terminated": {"C9"},
    "withdrawn": {"C5"},
    "referred": {"C4"},
    "prevented": {"C1", "C3"},
    "persons": {"C1", "C2", "C3", "C7", "C9", "C11", "C12", "C14"},
    "amount": {"C1", "C2", "C3", "C7", "C9", "C11", "C12", "C14"},
    "confirmation_applied": {"C7"},
    "confirmed": {"C7"},
    "performed": {"C1", "C7", "C11"},
    "voluntary": {"C1", "C11"},
    "followed_up": {"C1"},
}


def _mediator(uuid: str, name: str, sex: str, category: str) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "name": name,
        "sex": sex,
        "birth_date": "1955-04-02",
        "elder_category": category,
        "phone": "13900000000",
        "specialties": ["neighbourhood"],
        "active": True,
    }


def _parties(n: int) -> list[dict[str, Any]]:
    return [
        {"role": "applicant", "kind": "person", "name": f"申请人{n}", "sex": "female"},
        {"role": "respondent", "kind": "person", "name": f"被申请人{n}", "sex": "male"},
    ]


def _step(event: str, before: str | None, after: str, on: str) -> dict[str, Any]:
    return {"event": event, "from": before, "to": after, "on": on}


def _case(n: int, **fields: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "uuid": f"7c9e6679-7425-40de-944b-e07fc1f9{n:04d}",
        "number": f"（{fields['received_on'][:4]}）测人调字第{n}号",
        "title": f"统计用案件{n}",
        "dispute_type": "neighbourhood",
        "source": "application",
        "tier": "building",
        "status": "registered",
        "parties": _parties(n),
        "requests": ["请求调解"],
        "facts": "双方发生纠纷。",
    }
    case.update(fields)
    return case


def _agreement(form: str, reached_on: str, **more: Any) -> dict[str, Any]:
    return {
        "form": form,
        "reached_on": reached_on,
        "facts": "经调解双方同意。",
        "terms": [{"text": "双方互相谅解，不再追究"}],
        **more,
    }


def _panel(*members: str) -> list[dict[str, Any]]:
    return [
        {"mediator": uuid, "role": "lead" if i == 0 else "member"} for i, uuid in enumerate(members)
    ]


def _visit(on: str, by: str) -> dict[str, Any]:
    return {"on": on, "by": by, "performed": True, "satisfaction": "satisfied", "notes": "已履行"}


def exchange_data() -> dict[str, Any]:
    """The fixture as an exchange file (version 3)."""
    cases = [
        _case(
            1,
            received_on="2026-01-05",
            accepted_on="2026-01-06",
            status="performed",
            tier="building",
            tier_resolved="building",
            persons_involved=2,
            amount="1000.00",
            escalation_prevented=True,
            agreement=_agreement("written", "2026-01-20"),
            performed_on="2026-02-10",
            closed_on="2026-02-10",
            follow_ups=[_visit("2026-02-20", WANG)],
            panel=_panel(WANG, ZHAO),
        ),
        _case(
            2,
            source="own_initiative",
            received_on="2026-01-10",
            accepted_on="2026-01-10",
            status="agreement_reached",
            tier="courtyard",
            tier_resolved="courtyard",
            persons_involved=3,
            agreement=_agreement("oral", "2026-01-12"),
            follow_ups=[_visit("2026-04-05", LI)],
            panel=_panel(LI),
        ),
        _case(
            3,
            dispute_type="marriage_family",
            received_on="2026-02-01",
            accepted_on="2026-02-02",
            status="failed",
            tier="community",
            tier_resolved="community",
            persons_involved=4,
            amount="5000.00",
            escalation_prevented=True,
            closed_on="2026-02-20",
            panel=_panel(WANG),
        ),
        _case(
            4,
            dispute_type="contract",
            source="court",
            received_on="2026-02-15",
            accepted_on="2026-02-16",
            status="referred",
            tier="referred",
            tier_resolved="referred",
            closed_on="2026-03-01",
            panel=_panel(LI),
        ),
        _case(
            5,
            dispute_type="property_management",
            received_on="2026-03-01",
            status="withdrawn",
            closed_on="2026-03-02",
        ),
        _case(
            6,
            received_on="2026-03-05",
            status="declined",
            declined_reason="不属于人民调解的范围，已告知当事人向法院起诉",
            closed_on="2026-03-05",
        ),
        _case(
            7,
            dispute_type="damages",
            source="police",
            received_on="2025-12-20",
            accepted_on="2025-12-22",
            status="archived",
            tier="community",
            tier_resolved="community",
            persons_involved=2,
            amount="20000.00",
            agreement=_agreement(
                "written",
                "2026-01-08",
                confirmation={
                    "applied_on": "2026-01-15",
                    "court": "测试区人民法院",
                    "result": "裁定确认调解协议有效",
                    "decided_on": "2026-02-01",
                },
            ),
            performed_on="2026-02-15",
            closed_on="2026-02-15",
            archived_at="2026-02-28T09:00:00Z",
            panel=_panel(ZHAO, WANG),
            status_history=[
                _step("register", None, "registered", "2025-12-20"),
                _step("accept", "registered", "accepted", "2025-12-22"),
                _step("start_mediation", "accepted", "mediating", "2025-12-22"),
                _step("reach_agreement", "mediating", "agreement_reached", "2026-01-08"),
                _step("complete_performance", "agreement_reached", "performed", "2026-02-15"),
                _step("archive", "performed", "archived", "2026-02-28"),
            ],
        ),
        _case(
            8,
            received_on="2026-03-20",
            accepted_on="2026-03-25",
            status="mediating",
            panel=_panel(LI),
        ),
        _case(
            9,
            received_on="2026-01-15",
            accepted_on="2026-01-16",
            status="archived",
            tier="building",
            tier_resolved="building",
            persons_involved=2,
            closed_on="2026-01-30",
            archived_at="2026-02-05T09:00:00Z",
            panel=_panel(WANG),
            status_history=[
                _step("register", None, "registered", "2026-01-15"),
                _step("accept", "registered", "accepted", "2026-01-16"),
                _step("start_mediation", "accepted", "mediating", "2026-01-16"),
                _step("terminate", "mediating", "terminated", "2026-01-30"),
                _step("archive", "terminated", "archived", "2026-02-05"),
            ],
        ),
        _case(
            10,
            dispute_type="labour",
            received_on="2026-03-28",
            accepted_on="2026-04-02",
            status="agreement_reached",
            tier="building",
            tier_resolved="building",
            agreement=_agreement("oral", "2026-04-10"),
            panel=_panel(LI),
        ),
        _case(
            11,
            dispute_type="other",
            received_on="2026-02-10",
            accepted_on="2026-02-11",
            status="archived",
            tier="building",
            tier_resolved="building",
            persons_involved=2,
            amount="300.00",
            agreement=_agreement("oral", "2026-02-20"),
            performed_on="2026-03-10",
            closed_on="2026-03-10",
            archived_at="2026-03-15T09:00:00Z",
            panel=_panel(LI),
        ),
        _case(
            12,
            dispute_type="housing_homestead",
            received_on="2026-01-25",
            accepted_on="2026-01-26",
            status="archived",
            tier="courtyard",
            tier_resolved="courtyard",
            agreement=_agreement("written", "2026-02-05"),
            archived_at="2026-03-01T09:00:00Z",
        ),
        _case(
            13,
            received_on="2025-11-01",
            accepted_on="2025-11-02",
            status="failed",
            tier="building",
            tier_resolved="building",
            closed_on="2025-12-15",
            panel=_panel(WANG),
        ),
        _case(
            14,
            received_on="2026-02-03",
            accepted_on="2026-02-04",
            status="archived",
            tier="courtyard",
            tier_resolved="courtyard",
            persons_involved=2,
            agreement=_agreement("written", "2026-02-10"),
            closed_on="2026-02-25",
            archived_at="2026-03-02T09:00:00Z",
            status_history=[
                _step("register", None, "registered", "2026-02-03"),
                _step("accept", "registered", "accepted", "2026-02-04"),
                _step("start_mediation", "accepted", "mediating", "2026-02-04"),
                _step("fail", "mediating", "failed", "2026-02-25"),
                _step("archive", "failed", "archived", "2026-03-02"),
            ],
        ),
    ]
    return {
        "format": "laoniangjiu-exchange",
        "version": 3,
        "committee": {"name": COMMITTEE, "short_name": "测"},
        "mediators": [
            _mediator(WANG, "王建国", "male", "party_member"),
            _mediator(LI, "李淑芬", "female", "teacher"),
            _mediator(ZHAO, "赵德胜", "male", "party_member"),
        ],
        "cases": cases,
    }


#: A fourth mediator, 老党员 too, on C3's panel in `crowded_panel`.
SUN = "0f8fad5b-d9cb-469f-a165-708677289504"


def crowded_panel() -> dict[str, Any]:
    """The fixture with C3 (failed 02-20, 4 persons, 5000.00) heard by four: 王建国, 赵德胜 and
    孙玉兰 — three 老党员 — and 李淑芬 (老教师).

    老党员 still count C3 once, so their figures are the fixture's; 老教师 gain C3 (received 6,
    mediated 3, failed 1, persons 3 + 4 + 2); 孙玉兰 has C3 alone."""
    data = copy.deepcopy(exchange_data())
    data["mediators"].append(_mediator(SUN, "孙玉兰", "female", "party_member"))
    c3 = next(c for c in data["cases"] if c["uuid"].endswith("0003"))
    c3["panel"] = _panel(WANG, ZHAO, SUN, LI)
    return data


def write_file(path: Path, data: dict[str, Any] | None = None) -> Path:
    path.write_text(
        json.dumps(data or exchange_data(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return path


def another_committee() -> dict[str, Any]:
    """A second committee for the street view: the same cases under other uuids and numbers,
    less C1 (so its figures are the fixture's less C1's)."""
    data = copy.deepcopy(exchange_data())
    data["committee"] = {"name": "第二社区人民调解委员会", "short_name": "二"}
    data["cases"] = [c for c in data["cases"] if not c["uuid"].endswith("0001")]
    for c in data["cases"]:
        c["uuid"] = c["uuid"][:-5] + "9" + c["uuid"][-4:]
        c["number"] = c["number"].replace("测", "二")
    for m in data["mediators"]:
        m["uuid"] = m["uuid"][:-3] + "9" + m["uuid"][-2:]
    uuids = {m["uuid"][-2:]: m["uuid"] for m in data["mediators"]}
    for c in data["cases"]:
        for seat in c.get("panel", []):
            seat["mediator"] = uuids[seat["mediator"][-2:]]
        for visit in c.get("follow_ups", []):
            visit["by"] = uuids[visit["by"][-2:]]
    return data


#: C1's figures in the quarter (what the second committee lacks).
C1 = Figures(
    received=1,
    accepted=1,
    mediated=1,
    succeeded=1,
    written=1,
    prevented=1,
    persons=2,
    amount=100_000,
    performed=1,
    voluntary=1,
    followed_up=1,
)
