"""The operation layer: one transaction, one audit entry, archived cases refused."""

from __future__ import annotations

import ast
import json
from datetime import UTC, date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.db.models import AuditEntry, Case, Obligation
from app.domain.codes import CaseStatus
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import UserError, ValidationErrors
from app.services.cases import get_case, register_case, save_agreement
from app.services.database import update_committee
from app.services.exchange import export_data, import_data
from app.services.operations import DEFAULT_ACTOR, canonical_json, changed_fields

APP = Path(__file__).resolve().parents[2] / "app"
TODAY = date(2026, 11, 25)


def draft() -> CaseDraft:
    return CaseDraft(
        title="楼上渗水纠纷",
        received_on=date(2026, 11, 2),
        parties=[
            PartyDraft(role="applicant", name="李秀英", phone="13900001111"),
            PartyDraft(role="respondent", name="张伟"),
        ],
    )


def an_agreement(amount: str = "800", text: str = "被申请人赔偿申请人维修费") -> AgreementDraft:
    return AgreementDraft(
        form="written",
        reached_on=date(2026, 11, 20),
        terms=[TermDraft(text=text, obligor=1, obligee=0, amount=amount, due=date(2026, 12, 1))],
    )


def audit(db) -> list[AuditEntry]:
    with db.reading() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_registering_writes_one_entry_with_actor_time_and_fields(db) -> None:
    before = len(audit(db))
    detail, changed = register_case(db, draft(), today=TODAY)
    entries = audit(db)[before:]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.actor, entry.action, entry.entity) == (DEFAULT_ACTOR, "case.register", "case")
    assert entry.entity_uuid == detail.uuid
    assert entry.at.tzinfo is not None and entry.at.utcoffset().total_seconds() == 0
    assert json.loads(entry.before) == {}
    after = json.loads(entry.after)
    assert after["title"] == "楼上渗水纠纷"
    assert after["status"] == "registered"
    assert any(k.endswith(".name") and v == "李秀英" for k, v in after.items())
    assert changed.cases == frozenset({detail.id}) and changed.case_list and changed.due


def test_an_edit_records_only_what_changed_and_keeps_the_obligation_id(db) -> None:
    detail, _ = register_case(db, draft(), today=TODAY)
    save_agreement(db, detail.uuid, an_agreement("800"))
    with db.reading() as session:
        ids = list(session.scalars(select(Obligation.id)))
    edited = an_agreement("950")
    edited.terms[0].id = ids[0]
    save_agreement(db, detail.uuid, edited)
    with db.reading() as session:
        assert list(session.scalars(select(Obligation.id))) == ids
    entry = audit(db)[-1]
    assert entry.action == "agreement.save"
    assert json.loads(entry.before) == {f"obligations.{ids[0]}.amount_fen": 80000}
    assert json.loads(entry.after) == {f"obligations.{ids[0]}.amount_fen": 95000}


def test_a_refused_change_writes_nothing(db) -> None:
    detail, _ = register_case(db, draft(), today=TODAY)
    count = len(audit(db))
    with pytest.raises(ValidationErrors):
        save_agreement(db, detail.uuid, an_agreement(text=""))
    assert len(audit(db)) == count
    assert get_case(db, detail.uuid).agreement is None


def test_an_archived_case_refuses_every_change_naming_it(db) -> None:
    detail, _ = register_case(db, draft(), today=TODAY)
    with db.transaction() as session:
        session.execute(
            update(Case).where(Case.id == detail.id).values(status=CaseStatus.ARCHIVED.value)
        )
    count = len(audit(db))
    with pytest.raises(UserError, match=detail.number.replace("（", r"\（").replace("）", r"\）")):
        save_agreement(db, detail.uuid, an_agreement())
    assert len(audit(db)) == count


def test_registration_accepts_only_the_initial_status(db) -> None:
    late = draft()
    late.status = "mediating"
    with pytest.raises(UserError, match="已登记"):
        register_case(db, late, today=TODAY)


def test_timestamps_come_back_in_utc(db) -> None:
    detail, _ = register_case(db, draft(), today=TODAY)
    assert detail.created_at is not None and detail.created_at.tzinfo == UTC
    assert detail.updated_at is not None and detail.updated_at.tzinfo == UTC


def test_settings_import_and_demo_are_operations_too(db) -> None:
    count = len(audit(db))
    update_committee(db, name="铁西社区人民调解委员会", short_name="铁")
    entry = audit(db)[-1]
    assert entry.action == "committee.update"
    assert json.loads(entry.after) == {"name": "铁西社区人民调解委员会", "short_name": "铁"}
    register_case(db, draft(), today=TODAY)
    data = export_data(db)
    data["cases"][0]["uuid"] = "7c9e6679-7425-40de-944b-e07fc1f90001"
    data["cases"][0]["number"] = None
    report = import_data(db, data)
    assert report.cases_added == 1
    entries = audit(db)[count:]
    assert [e.action for e in entries] == ["committee.update", "case.register", "exchange.import"]
    assert json.loads(entries[-1].after)["cases_added"] == 1


def test_canonical_json_sorts_keys_and_refuses_floats() -> None:
    assert canonical_json({"b": 1, "a": "李"}) == '{"a":"李","b":1}'
    before, after = changed_fields({"a": 1, "b": 2, "gone": 3}, {"a": 1, "b": 5, "new": None})
    assert before == {"b": 2, "gone": 3}
    assert after == {"b": 5, "new": None}


def test_no_service_writes_the_audit_table_by_hand() -> None:
    """Entries are made by the audit chain alone, and the chain is appended to by operations."""
    writers, appenders = [], []
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "id", None) == "AuditEntry":
                writers.append(path.relative_to(APP).as_posix())
            if getattr(node.func, "attr", None) == "append" and (
                getattr(getattr(node.func, "value", None), "id", None) == "audit"
            ):
                appenders.append(path.relative_to(APP).as_posix())
    assert writers == ["services/audit.py"]
    assert appenders == ["services/operations.py"]


def test_no_service_opens_its_own_write_transaction() -> None:
    """`db.transaction()` belongs to the operation layer; services write through operations."""
    users = []
    for path in (APP / "services").rglob("*.py"):
        if "transaction()" in path.read_text(encoding="utf-8"):
            users.append(path.name)
    assert sorted(users) == ["operations.py"]


def test_documents_never_import_a_service() -> None:
    offenders = []
    for path in (APP / "documents").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = ""
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module
            elif isinstance(node, ast.Import):
                module = ",".join(a.name for a in node.names)
            if "app.services" in module:
                offenders.append(f"{path.name}: {module}")
    assert offenders == []


@pytest.mark.parametrize("actor", ["\x1b[2J王", "王" * 51, "李\n秀英"])
def test_a_name_given_as_the_actor_is_checked_like_any_name(db, actor: str) -> None:
    """A control character or a page of text given as --actor would be stored in the log and
    in every export (whose import then refuses it); it is refused, and nothing is written."""
    from app.domain.errors import ValidationError

    with db.reading() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValidationError, match="办理人"):
        update_committee(db, follow_up_days=20, actor=actor)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
