"""The work records of a case: investigation and mediation sittings, and attached files.

An attached file is copied into the data folder under the SHA-256 of its content, so it stays
with the case when the original is moved or deleted, the same photo attached twice is stored
once, and a damaged copy can be told from a good one.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

from app.db.models import Attachment, MediationSession
from app.domain.codes import AttachmentKind
from app.domain.errors import NotFoundError, UserError, ValidationError
from app.domain.fields import clean_text
from app.domain.work import SessionDraft, check_session
from app.services.database import Database
from app.services.detail import fresh_detail
from app.services.files import os_problem, write_atomically
from app.services.operations import DEFAULT_ACTOR
from app.views import CaseDetail, Changed

#: A scan or photo is a few MB; a video of a quarrel is not evidence this program should hold.
MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024
_CHUNK = 1024 * 1024


def save_session(
    db: Database,
    case_ref: str | int,
    draft: SessionDraft,
    *,
    actor: str = DEFAULT_ACTOR,
    now: datetime | None = None,
) -> tuple[CaseDetail, Changed]:
    """Add or correct one 调查记录 / 调解记录. `held_at` is local time as typed."""
    now = now or datetime.now()
    with db.operation(actor, "session.save", case=case_ref) as op:
        case = op.the_case
        clean = check_session(draft, since=case.received_on, now=now)
        assert clean.held_at is not None
        row = next((s for s in case.sessions if s.id == clean.id), None) if clean.id else None
        if clean.id is not None and row is None:
            raise NotFoundError("这份记录已被删除，请关闭后重新打开案件。")
        if row is None:
            row = MediationSession()
            case.sessions.append(row)
        held_at = clean.held_at
        row.kind = clean.kind
        row.held_at = (
            held_at.astimezone(UTC) if held_at.tzinfo else held_at.astimezone().astimezone(UTC)
        )
        row.place = clean.place
        row.mediators_present = clean.mediators_present
        row.parties_present = clean.parties_present
        row.participants_present = clean.participants_present
        row.recorder = clean.recorder
        row.statements = clean.statements
        row.facts_verified = clean.facts_verified
        row.outcome = clean.outcome
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome


def remove_session(
    db: Database, case_ref: str | int, session_id: int, *, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    with db.operation(actor, "session.remove", case=case_ref) as op:
        case = op.the_case
        case.sessions = [s for s in case.sessions if s.id != session_id]
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome


# --- Attachments ------------------------------------------------------------------------------


def attachments_folder(db: Database) -> Path:
    """Beside the database file, so a copy of the data folder carries the files too."""
    return db.path.with_name(f"{db.path.stem}-附件")


def stored_path(db: Database, sha256: str) -> Path:
    """Where the content with this hash lives (whether or not it is there)."""
    return attachments_folder(db) / sha256[:2] / sha256


def _store(db: Database, source: Path) -> tuple[str, int]:
    """Copy `source` into the store under its hash; returns (sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with source.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:
                    raise ValidationError(
                        "path",
                        "附件",
                        f"文件超过{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB，太大了；"
                        "请只附照片、扫描件或收据，视频请另行保存",
                    )
        sha = digest.hexdigest()
        target = stored_path(db, sha)
        if target.exists() and target.stat().st_size == size:
            return sha, size
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as handle:
            write_atomically(target, lambda out: shutil.copyfileobj(handle, out, _CHUNK))
    except FileNotFoundError:
        raise UserError(f"找不到文件“{source.name}”，它可能已被移动或删除。请重新选择。") from None
    except IsADirectoryError:
        raise UserError(f"“{source.name}”是文件夹，请选择其中的文件。") from None
    except OSError as error:
        raise UserError(f"无法保存附件“{source.name}”：{os_problem(error)}") from None
    return sha, size


def add_attachment(
    db: Database,
    case_ref: str | int,
    source: Path | str,
    description: str = "",
    *,
    kind: AttachmentKind = AttachmentKind.OTHER,
    party_id: int | None = None,
    actor: str = DEFAULT_ACTOR,
) -> tuple[CaseDetail, Changed]:
    """Keep a copy of a file with the case (a photo of the leak, a receipt, a signed paper);
    an identity proof names the party it belongs to."""
    source = Path(source)
    # Checked before the file is copied: a refused attachment leaves nothing behind.
    description = clean_text(description, "attachment.description", field="description")
    try:
        name = clean_text(source.name, "attachment.original_name", field="path", required=True)
    except ValidationError as error:
        raise ValidationError(
            "path", "附件的文件名", f"{error.problem}；可以先把文件改个名字，再重新选择"
        ) from None
    with db.operation(actor, "attachment.add", case=case_ref) as op:
        case = op.the_case
        if party_id is not None and party_id not in {p.id for p in case.parties}:
            raise UserError("这份材料所属的当事人不在这个案件中，请重新选择。")
        if kind is AttachmentKind.IDENTITY and party_id is None:
            raise ValidationError("party_id", "当事人", "身份证明要选是哪一位当事人的")
        sha, size = _store(db, source)
        case.attachments.append(
            Attachment(
                sha256=sha,
                original_name=name,
                size=size,
                added_at=datetime.now(UTC),
                description=description,
                kind=kind.value,
                party_id=party_id,
            )
        )
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome


def attachment_file(db: Database, sha256: str) -> Path:
    """The stored copy to open; refused with a clear message when it is missing or damaged."""
    path = stored_path(db, sha256)
    if not path.exists():
        raise UserError(
            f"附件文件不在数据文件夹中（{attachments_folder(db)}）。"
            "如果数据文件夹是复制过来的，请把“附件”文件夹也一起复制。"
        )
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != sha256:
        raise UserError("附件文件已损坏（内容与登记时不一致），请从备份中恢复数据文件夹。")
    return path


def remove_attachment(
    db: Database, case_ref: str | int, attachment_id: int, *, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    """Take a file off the case's list; the stored copy stays (other cases may share it, and
    the audit log may name it)."""
    with db.operation(actor, "attachment.remove", case=case_ref) as op:
        case = op.the_case
        case.attachments = [a for a in case.attachments if a.id != attachment_id]
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome
