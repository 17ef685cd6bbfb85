"""Accounts: who is at the keyboard, and what their role lets them see and change.

Accounts are off until someone switches them on (`enable_accounts`, which names the first
administrator): a one-person room works as it always did, every change made by 本机用户. Once
they are on, every operation (app.services.operations) asks `authorise` inside its transaction:
nobody signed in, a locked screen, a deactivated account or a role the table
(app.domain.roles) does not allow is refused in words before anything is written, and the
audit entry's actor is the person signed in.

Who is signed in belongs to the open database (`Database` object), not to a thread: the window's
workers share it, and two databases open in one process (a test, a restore) each have their
own. It lives in a registry here rather than on `Database`, so the program's state about people
stays in this one module.

PINs and passwords are kept only as argon2id hashes (argon2-cffi), never logged, never in an
audit entry. After `FREE_TRIES` wrong ones in a row the next try must wait, longer each time.

Privacy: `may_see_identity` says whether the person signed in sees ID numbers and phones in
full; the read paths mask them otherwise (`shown_detail`, `masked_fields`), and a form filled
from a masked view that comes back unchanged keeps what is stored (`kept_hidden`).
"""

from __future__ import annotations

import threading
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from app.db.models import Account, Case, Committee
from app.domain import roles
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import UserError, ValidationError, clipped
from app.domain.roles import Role
from app.domain.values import mask_id_number, mask_phone
from app.domain.work import AgentDraft, ParticipantDraft
from app.views import CaseDetail, Changed

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session

    from app.services.database import Database

#: A PIN is digits only and at least this long; anything else is a password, at least
#: `MIN_PASSWORD_CHARS` long.
MIN_PIN_DIGITS = 4
MIN_PASSWORD_CHARS = 6
MAX_SECRET_CHARS = 128
MAX_NAME_CHARS = 20
#: Wrong PINs in a row before a try must wait; the first wait, doubled with each further one.
FREE_TRIES = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
#: The window locks after this many minutes without use (the committee's setting).
IDLE_LOCK_RANGE = (1, 240)


@cache
def _hasher() -> PasswordHasher:
    """argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane): ~0.15 s on a slow office PC.

    argon2-cffi's default (64 MiB, 4 lanes) takes ~0.75 s there, every sign-in and every
    unlock, for little: a 4-digit PIN is guessed by its count, not its cost. A hash carries its
    parameters, so one made with others still verifies (and is remade at the next sign-in).
    """
    from argon2 import PasswordHasher  # imported when first needed: ~50 ms

    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class SignedIn:
    """The person signed in to an open database."""

    account_id: int
    name: str
    role: Role
    #: An administrator set the PIN: the window asks the person to choose their own.
    must_change_pin: bool = False
    #: The screen is locked (idle): nothing is done until the PIN is typed again.
    locked: bool = False


@dataclass(frozen=True)
class AccountView:
    """One account as the accounts page lists it (never the PIN's hash)."""

    id: int
    name: str
    role: Role
    active: bool
    must_change_pin: bool
    last_sign_in_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Clearance:
    """What `authorise` decided for one operation: whose name it is recorded under (None: the
    caller's, accounts being off or the operation the program's own) and whether what it
    hands back may show ID numbers and phones in full."""

    actor: str | None
    sees_identity: bool


# ====================================================================== who is signed in

#: Re-entrant: the collector may run `forget` of another database while this thread holds it.
_lock = threading.RLock()
_signed_in: dict[int, tuple[weakref.ref[Database], SignedIn]] = {}

#: Where the credentials come from when an operation needs a person and nobody is signed in:
#: the command line reads them from its options or the environment; the window has none (it
#: shows its sign-in dialog before anything else).
SignInSource = Callable[[], tuple[str, str]]
_source: SignInSource | None = None


def current_user(db: Database) -> SignedIn | None:
    """The person signed in to `db`, if any."""
    with _lock:
        entry = _signed_in.get(id(db))
        if entry is None or entry[0]() is not db:
            return None
        return entry[1]


def _remember(db: Database, person: SignedIn | None) -> None:
    key = id(db)
    with _lock:
        if person is None:
            _signed_in.pop(key, None)
            return

        def forget(reference: weakref.ref[Database]) -> None:
            with _lock:
                if key in _signed_in and _signed_in[key][0] is reference:
                    del _signed_in[key]

        _signed_in[key] = (weakref.ref(db, forget), person)


def use_sign_in_source(source: SignInSource | None) -> None:
    """Let operations sign in on demand with `source`'s name and PIN (the command line)."""
    global _source
    _source = source


def _signed_in_on_demand(db: Database) -> SignedIn | None:
    person = current_user(db)
    if person is None and _source is not None and accounts_enabled(db):
        name, pin = _source()
        person = sign_in(db, name, pin)
    return person


# ====================================================================== settings


def accounts_enabled(db: Database) -> bool:
    with db.reading() as session:
        return bool(session.scalar(select(Committee.accounts_enabled).limit(1)))


def never_set_up(db: Database) -> bool:
    """A new database nobody has worked in yet: no account ever made and no case registered
    (the window's first start then asks whether one person or several use the PC)."""
    with db.reading() as session:
        if session.scalar(select(Account.id).limit(1)) is not None:
            return False
        return session.scalar(select(Case.id).limit(1)) is None


def idle_lock_minutes(db: Database) -> int:
    """After how many idle minutes the window locks (accounts on)."""
    with db.reading() as session:
        minutes = session.scalar(select(Committee.idle_lock_minutes).limit(1))
    return int(minutes or 10)


def set_idle_lock(db: Database, minutes: int, *, actor: str = "") -> Changed:
    low, high = IDLE_LOCK_RANGE
    if not low <= minutes <= high:
        raise ValidationError(
            "idle_lock_minutes", "自动锁定", f"应在{low}到{high}分钟之间，例如10分钟"
        )
    with db.operation(actor, "account.settings") as op:
        committee = _committee(op.session)
        op.track("committee", None, lambda: {"idle_lock_minutes": committee.idle_lock_minutes})
        committee.idle_lock_minutes = minutes
        op.refresh(Changed(settings=True))
    return op.outcome[1]


def _committee(session: Session) -> Committee:
    committee = session.scalar(select(Committee).limit(1))
    if committee is None:
        raise UserError("数据库中还没有调解委员会信息，请先初始化。")
    return committee


# ====================================================================== checking what is typed


def check_name(name: str) -> str:
    cleaned = unicodedata.normalize("NFKC", name).strip()
    if not cleaned:
        raise ValidationError("name", "姓名", "请填写姓名，例如“王秀兰”")
    if any(unicodedata.category(c).startswith("C") for c in cleaned):
        raise ValidationError("name", "姓名", "不能有控制字符，请重新输入")
    if len(cleaned) > MAX_NAME_CHARS:
        raise ValidationError(
            "name", "姓名", f"最多{MAX_NAME_CHARS}个字，现在是“{clipped(cleaned, 30)}”"
        )
    return cleaned


def check_pin(pin: str) -> str:
    """A PIN of at least 4 digits, or a password of at least 6 characters; full-width digits
    typed with a Chinese input method count as digits. Never echoed back."""
    cleaned = unicodedata.normalize("NFKC", pin)
    if any(unicodedata.category(c).startswith("C") for c in cleaned):
        raise ValidationError("pin", "PIN", "不能有控制字符，请重新输入")
    if len(cleaned) > MAX_SECRET_CHARS:
        raise ValidationError("pin", "PIN", f"最多{MAX_SECRET_CHARS}个字符")
    digits = cleaned.isascii() and cleaned.isdigit()
    if (digits and len(cleaned) < MIN_PIN_DIGITS) or (
        not digits and len(cleaned) < MIN_PASSWORD_CHARS
    ):
        raise ValidationError(
            "pin",
            "PIN",
            f"至少要{MIN_PIN_DIGITS}位数字，或者用至少{MIN_PASSWORD_CHARS}个字符的密码"
            "（字母、数字都可以）",
        )
    return cleaned


def _hash(pin: str) -> str:
    return _hasher().hash(check_pin(pin))


def _verifies(pin_hash: str, pin: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(pin_hash, unicodedata.normalize("NFKC", pin)))
    except (VerificationError, InvalidHashError):
        return False


def _audited(account: Account) -> dict[str, Any]:
    """An account's fields in its audit entries: never the hash."""
    return {
        "name": account.name,
        "role": account.role,
        "active": account.active,
        "must_change_pin": account.must_change_pin,
        "failed_attempts": account.failed_attempts,
    }


def _view(account: Account) -> AccountView:
    return AccountView(
        id=account.id,
        name=account.name,
        role=Role(account.role),
        active=account.active,
        must_change_pin=account.must_change_pin,
        last_sign_in_at=account.last_sign_in_at,
        created_at=account.created_at,
    )


def _named(session: Session, name: str) -> Account:
    account = session.scalar(select(Account).where(Account.name == name))
    if account is None:
        raise UserError(f"没有叫“{clipped(name, 20)}”的账号，请核对姓名。")
    return account


# ============================================================= switching accounts on and off


def enable_accounts(db: Database, admin_name: str, pin: str, *, actor: str = "") -> SignedIn:
    """Switch accounts on with `admin_name` as administrator, and sign them in.

    The first time this makes the administrator's account. Switched on again later, an
    administrator who already has an account proves it with their PIN.
    """
    name = check_name(admin_name)
    if accounts_enabled(db):
        raise UserError("账号已经启用了。要添加账号，请用“添加账号”。")
    with db.reading() as session:
        existing = session.scalar(select(Account).where(Account.name == name))
        known = (
            (existing.id, existing.role, existing.active, existing.pin_hash) if existing else None
        )
    new_hash: str | None = None
    if known is not None:
        _, role, active, pin_hash = known
        if role != Role.ADMIN.value or not active:
            raise UserError(f"“{name}”的账号不是在用的管理员账号，请换一位管理员，或另起一个名字。")
        if not _verifies(pin_hash, pin):
            raise UserError(f"“{name}”的PIN不对。启用账号需要这位管理员原来的PIN。")
    else:
        new_hash = _hash(pin)  # before the transaction: hashing takes a moment
    with db.operation(actor, "account.enable") as op:
        committee = _committee(op.session)
        op.track("committee", None, lambda: {"accounts_enabled": committee.accounts_enabled})
        account = op.session.scalar(select(Account).where(Account.name == name))
        if account is None:  # (accounts are stopped, never deleted: `known` is still there)
            account = Account(name=name, role=Role.ADMIN.value, pin_hash=new_hash or _hash(pin))
            op.session.add(account)
            op.note = {"admin_added": name}
        committee.accounts_enabled = True
        account.last_sign_in_at = datetime.now(UTC)
        op.session.flush()
        op.result = SignedIn(account.id, account.name, Role.ADMIN)
        op.refresh(Changed(settings=True))
    person: SignedIn = op.outcome[0]
    _remember(db, person)
    return person


def disable_accounts(db: Database, *, actor: str = "") -> Changed:
    """Switch accounts off (administrator): the room works as one person's again. The
    accounts are kept, to be used again when accounts are switched back on."""
    with db.operation(actor, "account.disable") as op:
        committee = _committee(op.session)
        op.track("committee", None, lambda: {"accounts_enabled": committee.accounts_enabled})
        committee.accounts_enabled = False
        op.refresh(Changed(settings=True, case_list=True))
    _remember(db, None)
    return op.outcome[1]


# ====================================================================== managing accounts


def add_account(
    db: Database, name: str, role: Role | str, pin: str, *, actor: str = ""
) -> tuple[AccountView, Changed]:
    """A new account (administrator), with the PIN the person will sign in with."""
    name = check_name(name)
    the_role = role if isinstance(role, Role) else _role(role)
    if not accounts_enabled(db):
        raise UserError("账号还没有启用。请先启用账号并设置管理员，再添加其他人。")
    pin_hash = _hash(pin)  # before the transaction: hashing takes a moment
    with db.operation(actor, "account.add") as op:
        if op.session.scalar(select(Account.id).where(Account.name == name)) is not None:
            raise UserError(f"已经有叫“{name}”的账号了。同名的人请加上区分，例如“王秀兰（二）”。")
        account = Account(name=name, role=the_role.value, pin_hash=pin_hash)
        op.session.add(account)
        op.session.flush()
        op.track("account", None, lambda: _audited(account), new=True)
        op.result = _view(account)
        op.refresh(Changed(settings=True))
    return op.outcome


def _role(text: str) -> Role:
    try:
        return roles.parse_role(text)
    except ValueError as error:
        raise ValidationError("role", "角色", str(error)) from None


def reset_pin(db: Database, name: str, new_pin: str, *, actor: str = "") -> AccountView:
    """Give someone who forgot their PIN a new one (administrator); they are asked to choose
    their own at the next sign-in, and the wait after wrong tries is lifted."""
    pin_hash = _hash(new_pin)
    person = current_user(db)
    with db.operation(actor, "account.reset_pin") as op:
        account = _named(op.session, check_name(name))
        op.track("account", None, lambda: _audited(account))
        account.pin_hash = pin_hash
        # Someone else's PIN, now known to the administrator: the person chooses their own.
        account.must_change_pin = person is None or person.account_id != account.id
        account.failed_attempts = 0
        account.last_failed_at = None
        op.note = {"pin_reset": True}
        op.session.flush()
        op.result = _view(account)
        op.refresh(Changed(settings=True))
    view: AccountView = op.outcome[0]
    return view


def change_pin(db: Database, old_pin: str, new_pin: str, *, actor: str = "") -> None:
    """The person signed in chooses a new PIN, giving the one they have."""
    person = current_user(db)
    if person is None:
        raise UserError("请先登录，再修改自己的PIN。")
    with db.reading() as session:
        stored = session.get(Account, person.account_id)
        pin_hash = stored.pin_hash if stored is not None else ""
    if not _verifies(pin_hash, old_pin):
        raise ValidationError("old_pin", "原来的PIN", "不对，请再输入一次")
    new_hash = _hash(new_pin)
    with db.operation(actor, "account.change_pin") as op:
        account = op.session.get(Account, person.account_id)
        if account is None:
            raise UserError("这个账号已被删除，请找管理员。")
        op.track("account", None, lambda: _audited(account))
        account.pin_hash = new_hash
        account.must_change_pin = False
        op.note = {"pin_changed": True}
    _remember(db, replace(person, must_change_pin=False))


def list_accounts(db: Database) -> list[AccountView]:
    """Every account, in use first, then by name (the sign-in dialog offers the names)."""
    with db.reading() as session:
        rows = session.scalars(select(Account).order_by(Account.active.desc(), Account.name))
        return [_view(a) for a in rows]


def deactivate(db: Database, name: str, *, actor: str = "") -> AccountView:
    """Stop an account (administrator): the person can no longer sign in; what they did keeps
    their name. The last administrator in use cannot be stopped."""
    with db.operation(actor, "account.deactivate") as op:
        account = _named(op.session, check_name(name))
        op.track("account", None, lambda: _audited(account))
        if account.active and account.role == Role.ADMIN.value:
            admins = op.session.scalar(
                select(func.count())
                .select_from(Account)
                .where(Account.role == Role.ADMIN.value, Account.active.is_(True))
            )
            if (admins or 0) <= 1:
                raise UserError(f"“{account.name}”是唯一的管理员，不能停用。请先添加另一位管理员。")
        account.active = False
        op.session.flush()
        op.result = _view(account)
        op.refresh(Changed(settings=True))
    view: AccountView = op.outcome[0]
    person = current_user(db)
    if person is not None and person.account_id == view.id:
        _remember(db, None)
    return view


# ====================================================================== signing in and out


def wait_after(failed_attempts: int) -> timedelta:
    """How long the next try must wait after this many wrong PINs in a row."""
    if failed_attempts < FREE_TRIES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** (failed_attempts - FREE_TRIES), LONGEST_WAIT)


def _duration(wait: timedelta) -> str:
    seconds = max(1, round(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds}秒"
    return f"{-(-seconds // 60)}分钟"


def sign_in(db: Database, name: str, pin: str, *, now: datetime | None = None) -> SignedIn:
    """Sign `name` in to `db` with their PIN; the person signed in before is signed out.

    A wrong PIN is counted (in the database, so a new start of the program does not clear
    it); after `FREE_TRIES` wrong ones the next try must wait, longer each time.
    """
    now = now or datetime.now(UTC)
    cleaned = unicodedata.normalize("NFKC", name).strip()
    if not cleaned or not pin:
        raise UserError("请输入姓名和PIN。")
    with db.reading() as session:
        account = session.scalar(select(Account).where(Account.name == cleaned))
        known = (
            (account.active, account.pin_hash, account.failed_attempts, account.last_failed_at)
            if account is not None
            else None
        )
    if known is None:
        raise UserError("姓名或PIN不对，请再试一次。")
    active, pin_hash, failed, last_failed = known
    if not active:
        raise UserError(f"“{cleaned}”的账号已停用。请找管理员。")
    if last_failed is not None:
        ready = last_failed + wait_after(failed)
        if now < ready:
            raise UserError(f"PIN输错的次数太多了，请{_duration(ready - now)}后再试。")
    # Outside the transaction: hashing takes a moment, and the write lock is not held for it.
    right = _verifies(pin_hash, pin)
    renewed = None
    if right and _stale(pin_hash):
        renewed = _hasher().hash(unicodedata.normalize("NFKC", pin))
    with db.operation(cleaned, "account.sign_in") as op:
        row = _named(op.session, cleaned)
        op.track("account", None, lambda: _audited(row))
        if right:
            row.failed_attempts = 0
            row.last_failed_at = None
            row.last_sign_in_at = now
            if renewed is not None:
                row.pin_hash = renewed
        else:
            row.failed_attempts += 1
            row.last_failed_at = now
        op.note = {"signed_in": right}
        op.session.flush()
        person = SignedIn(row.id, row.name, Role(row.role), row.must_change_pin)
        failures = row.failed_attempts
    if not right:
        left = FREE_TRIES - failures
        hint = (
            f"再错{left}次就要等一会儿才能再试。"
            if left > 0
            else f"请{_duration(wait_after(failures))}后再试。"
        )
        raise UserError(f"姓名或PIN不对。{hint}忘了PIN请找管理员重设。")
    _remember(db, person)
    return person


def _stale(pin_hash: str) -> bool:
    from argon2.exceptions import InvalidHashError

    try:
        return bool(_hasher().check_needs_rehash(pin_hash))
    except InvalidHashError:
        return False


def sign_out(db: Database) -> None:
    """Nobody is signed in to `db` any more (with accounts on, nothing can be changed)."""
    _remember(db, None)


def lock(db: Database) -> None:
    """The screen locks (idle): operations are refused until `unlock` with the same PIN."""
    person = current_user(db)
    if person is not None:
        _remember(db, replace(person, locked=True))


def unlock(db: Database, pin: str, *, now: datetime | None = None) -> SignedIn:
    """Continue as the person who was signed in, after typing their PIN again."""
    person = current_user(db)
    if person is None:
        raise UserError("没有人登录，请先登录。")
    return sign_in(db, person.name, pin, now=now)


# ============================================================= what the operation layer asks

_NOBODY = "已启用账号，请先登录，再做这项操作。"


def before_operation(db: Database, name: str) -> None:
    """Outside the operation's transaction: sign in on demand (the command line), since
    signing in is itself a write and would wait for the transaction's lock."""
    if name not in roles.OPEN_OPERATIONS:
        _signed_in_on_demand(db)


def authorise(session: Session, db: Database, name: str) -> Clearance:
    """Whether the operation `name` may run now, inside its transaction (so another copy of
    the program switching accounts on, or stopping this account, is seen): refused in words
    if not; else under whose name it is recorded."""
    if not session.scalar(select(Committee.accounts_enabled).limit(1)):
        return Clearance(actor=None, sees_identity=True)
    person = current_user(db)
    if name in roles.OPEN_OPERATIONS:
        # The program's upkeep under the person signed in, if any; signing in under the
        # name of the one signing in (the caller's).
        if person is None or name == "account.sign_in":
            return Clearance(actor=None, sees_identity=False)
        return Clearance(actor=person.name, sees_identity=roles.sees_identity(person.role))
    if person is None:
        raise UserError(_NOBODY)
    if person.locked:
        raise UserError("已锁定：请输入PIN继续使用。")
    account = session.get(Account, person.account_id)
    if account is None or not account.active:
        _remember(db, None)
        raise UserError(f"“{person.name}”的账号已停用，不能再操作。请找管理员。")
    role = Role(account.role)
    if role is not person.role:  # changed by another copy of the program
        _remember(db, replace(person, role=role))
    if not roles.may(role, name):
        raise UserError(roles.refusal(role, name))
    return Clearance(actor=account.name, sees_identity=roles.sees_identity(role))


def may(db: Database, name: str) -> bool:
    """Whether the person signed in may carry out operation `name` now (the window hides or
    greys what they may not do; the operation layer refuses it anyway)."""
    if not accounts_enabled(db):
        return True
    person = current_user(db)
    return person is not None and not person.locked and roles.may(person.role, name)


# ====================================================================== privacy


def may_see_identity(db: Database) -> bool:
    """Whether what the person signed in reads may show ID numbers and phones in full: yes with
    accounts off (one person's room) and for a role that sees them; no for the others and
    when nobody is signed in."""
    if not accounts_enabled(db):
        return True
    person = _signed_in_on_demand(db)
    return person is not None and not person.locked and roles.sees_identity(person.role)


def masked_detail(detail: CaseDetail) -> CaseDetail:
    """The case with every ID number and phone masked (parties, their agents, participants)."""
    return replace(
        detail,
        parties=tuple(
            replace(
                p,
                id_number=mask_id_number(p.id_number),
                phone=mask_phone(p.phone),
                agents=tuple(replace(a, phone=mask_phone(a.phone)) for a in p.agents),
            )
            for p in detail.parties
        ),
        participants=tuple(replace(x, phone=mask_phone(x.phone)) for x in detail.participants),
    )


def shown_detail(db: Database, detail: CaseDetail) -> CaseDetail:
    """`detail` as the person signed in may see it."""
    return detail if may_see_identity(db) else masked_detail(detail)


def masked_result(result: Any) -> Any:
    """What an operation hands back, with every case in it masked (a case, or a tuple holding
    one: the panel draw's proposal and case)."""
    if isinstance(result, CaseDetail):
        return masked_detail(result)
    if isinstance(result, tuple) and any(isinstance(r, CaseDetail) for r in result):
        return tuple(masked_detail(r) if isinstance(r, CaseDetail) else r for r in result)
    return result


def masked_value(key: str, value: Any) -> Any:
    """A stored field (an audit entry's ``parties.12.phone``) as a masked view shows it."""
    if not isinstance(value, str) or not value:
        return value
    last = key.rsplit(".", 1)[-1]
    if last == "id_number":
        return mask_id_number(value)
    if last == "phone":
        return mask_phone(value)
    return value


def masked_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """An audit entry's fields with ID numbers and phones masked."""
    return {key: masked_value(key, value) for key, value in fields.items()}


def unmasked(stored: str, given: str, mask: Callable[[str], str]) -> str:
    """What was typed — or what is stored, when what came back is exactly its masked form: a
    form filled from a masked view and sent back as it was leaves the value unchanged."""
    return stored if stored and given == mask(stored) else given


def kept_hidden(case: Case, draft: CaseDraft) -> CaseDraft:
    """`draft` with each existing party's masked ID number and phone, sent back unchanged,
    put back to what is stored (a 记录员 corrects an address without seeing the ID number)."""
    stored = {p.id: p for p in case.parties}
    parties = []
    for given in draft.parties:
        old = stored.get(given.id) if given.id is not None else None
        if old is not None:
            given = replace(
                given,
                id_number=unmasked(old.id_number, given.id_number, mask_id_number),
                phone=unmasked(old.phone, given.phone, mask_phone),
            )
        parties.append(given)
    return replace(draft, parties=parties)


def kept_hidden_agent(case: Case, draft: AgentDraft) -> AgentDraft:
    """An agent's masked phone sent back unchanged keeps the stored one."""
    for party in case.parties:
        for agent in party.agents:
            if draft.id is not None and agent.id == draft.id:
                return replace(draft, phone=unmasked(agent.phone, draft.phone, mask_phone))
    return draft


def kept_hidden_participant(case: Case, draft: ParticipantDraft) -> ParticipantDraft:
    """A participant's masked phone sent back unchanged keeps the stored one."""
    for row in case.participants:
        if draft.id is not None and row.id == draft.id:
            return replace(draft, phone=unmasked(row.phone, draft.phone, mask_phone))
    return draft


def typed_only(party: PartyDraft, typed_id_number: str, typed_phone: str) -> PartyDraft:
    """A returning party offered to a role that may not see identity: the ID number and phone
    only where they are what was typed to find them, else left empty, to be typed from the
    person's card (a masked value could not be saved)."""
    return replace(
        party,
        id_number=party.id_number if party.id_number == typed_id_number else "",
        phone=party.phone if party.phone == typed_phone else "",
    )
