"""Who may do what once accounts are on: the three roles of a mediation room and one table of
the operations each may carry out.

The roles follow how a community room divides its work:
- 管理员 (administrator): the person in charge of the program — accounts, the committee's
  settings, the roster import, the subsidy scheme, imports and deleting a case whose retention
  period has ended — and everything else;
- 调解员 (mediator): casework and its decisions — accepting and closing cases, the panel, the
  agreement and its performance schedule, escalation, the risk level;
- 记录员 (the full-time staff or grid worker who does the typing): registers cases and their
  people, writes down sittings, follow-ups, payments and screening rounds, adds attachments,
  prints — but decides nothing about the case, does not change a panel, and sees ID numbers and
  phones masked. (Not 书记员: that is a court's title, and in a community it reads like the
  Party secretary, 书记. The panel's 记录人 is this same person's seat at a sitting.)

The table is keyed by the operation's name as the services pass it to `db.operation`; a name
missing from it is refused for everyone but the administrator, so a new operation is placed
here when it is written (a test reads every name the services use).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.codes import Labelled
from app.domain.lifecycle import CaseEvent


class Role(Labelled):
    """An account's role (the label is what screens and messages say)."""

    ADMIN = "admin", "管理员"
    MEDIATOR = "mediator", "调解员"
    CLERK = "clerk", "记录员"


def parse_role(text: str) -> Role:
    """A role as a person writes it: its code (clerk) or its name (记录员)."""
    cleaned = text.strip()
    for role in Role:
        if cleaned in (role.value, role.label):
            return role
    choices = "、".join(f"{r.label}（{r.value}）" for r in Role)
    raise ValueError(f"没有“{cleaned[:20]}”这种角色，可以写的有：{choices}")


@dataclass(frozen=True)
class Permission:
    """Who may carry out one operation; `what` completes "记录员不能…" in a refusal."""

    what: str
    roles: frozenset[Role]


_EVERYONE = frozenset(Role)
_CASEWORK = frozenset({Role.MEDIATOR, Role.ADMIN})
_ADMIN = frozenset({Role.ADMIN})

#: Operations that run with nobody signed in: the program's own upkeep at opening (it changes
#: nothing a person typed) and signing in itself.
OPEN_OPERATIONS = frozenset({"committee.create", "search.index", "account.sign_in"})

#: The roles that see ID numbers and phones in full on screens and in lists (a printed legal
#: paper always carries them in full: the parties sign it).
SEES_IDENTITY = frozenset({Role.ADMIN, Role.MEDIATOR})


def _rows(roles: frozenset[Role], what: str, *names: str) -> dict[str, Permission]:
    return {name: Permission(what, roles) for name in names}


PERMISSIONS: dict[str, Permission] = {
    # --- the program's own upkeep (see OPEN_OPERATIONS) and accounts
    **_rows(_EVERYONE, "建立调解委员会信息", "committee.create"),
    **_rows(_EVERYONE, "整理检索索引", "search.index"),
    **_rows(_EVERYONE, "登录", "account.sign_in"),
    **_rows(_EVERYONE, "修改自己的PIN", "account.change_pin"),
    **_rows(
        _ADMIN,
        "管理账号",
        "account.enable",
        "account.disable",
        "account.add",
        "account.reset_pin",
        "account.deactivate",
    ),
    **_rows(_ADMIN, "修改自动锁定的时间", "account.settings"),
    # --- the committee's settings and the roster
    **_rows(_ADMIN, "修改调解委员会的设置", "committee.update", "committee.panel_settings"),
    **_rows(_ADMIN, "修改文书的标准文字", "wording.change"),
    **_rows(_ADMIN, "修改调解员的类别", "category.add", "category.rename"),
    **_rows(_ADMIN, "导入调解员名册", "roster.import"),
    **_rows(
        _CASEWORK,
        "修改调解员名册",
        "mediator.add",
        "mediator.edit",
        "mediator.activate",
        "mediator.deactivate",
    ),
    **_rows(_ADMIN, "修改以案定补的标准", "subsidy.scheme"),
    # The class decides what the case's mediators are paid: not theirs to set.
    **_rows(_ADMIN, "确定案件的补贴类别", "subsidy.class"),
    **_rows(_ADMIN, "导入案件", "exchange.import"),
    **_rows(_ADMIN, "填入演示数据", "demo.fill"),
    # Retention: only after the period ends, and only the administrator (app.services.retention).
    **_rows(_ADMIN, "删除案件", "case.delete"),
    # --- registering a case and the people in it: the typing, everyone's
    **_rows(_EVERYONE, "登记案件", "case.register"),
    **_rows(_EVERYONE, "修改案件的登记信息", "case.update"),
    **_rows(_EVERYONE, "删除当事人", "party.remove"),
    **_rows(_EVERYONE, "登记委托代理人", "agent.save", "agent.remove"),
    **_rows(_EVERYONE, "登记参与调解的人员", "participant.save", "participant.remove"),
    # --- writing down what happened: everyone's
    **_rows(_EVERYONE, "填写调查或调解记录", "session.save", "session.remove"),
    **_rows(_EVERYONE, "管理附件", "attachment.add", "attachment.remove"),
    **_rows(_EVERYONE, "登记权利义务告知", "dossier.rights_notice"),
    **_rows(_EVERYONE, "登记履行情况", "payment.record", "payment.remove"),
    **_rows(_EVERYONE, "登记回访", "follow_up.save", "follow_up.remove"),
    **_rows(_EVERYONE, "登记司法确认", "agreement.confirmation"),
    **_rows(
        _EVERYONE, "登记矛盾纠纷排查", "screening.add", "screening.finding", "screening.remove"
    ),
    **_rows(_EVERYONE, "打印文书", "document.print"),
    # --- deciding about the case: the mediators' (and the administrator's)
    **{f"case.{event.value}": Permission(f"办理“{event.label}”", _CASEWORK) for event in CaseEvent},
    **_rows(_CASEWORK, "更正已归档的案件", "case.amend"),
    **_rows(_CASEWORK, "把案件移交上一级", "case.escalate"),
    **_rows(_CASEWORK, "延长调解期限", "case.extend"),
    **_rows(_CASEWORK, "做风险预警", "case.risk"),
    **_rows(
        _CASEWORK,
        "调整调解小组",
        "panel.add",
        "panel.remove",
        "panel.draw",
        "panel.override",
        "panel.recusal",
    ),
    **_rows(_CASEWORK, "填写调解协议", "agreement.save"),
    **_rows(_CASEWORK, "设定履行方式", "obligation.schedule"),
}


def may(role: Role, operation: str) -> bool:
    """Whether `role` may carry out `operation`; an operation not in the table is the
    administrator's alone until it is placed in it."""
    permission = PERMISSIONS.get(operation)
    if permission is None:
        return role is Role.ADMIN
    return role in permission.roles


def sees_identity(role: Role) -> bool:
    """Whether `role` sees ID numbers and phones in full on screen."""
    return role in SEES_IDENTITY


def _who(roles: frozenset[Role]) -> str:
    # The most junior first: "调解员或管理员" reads as the way up.
    named = [r.label for r in (Role.CLERK, Role.MEDIATOR, Role.ADMIN) if r in roles]
    if len(named) <= 1:
        return "".join(named)
    return f"{'、'.join(named[:-1])}或{named[-1]}"


def refusal(role: Role, operation: str) -> str:
    """Why `role` may not carry out `operation`, and who may: a sentence for the person."""
    permission = PERMISSIONS.get(operation)
    if permission is None:
        return f"{role.label}不能做这项操作，请由管理员操作。"
    return f"{role.label}不能{permission.what}，请由{_who(permission.roles)}操作。"
