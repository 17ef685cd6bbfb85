"""`audit verify`: walk the audit chain and name the first entry that does not hold; `audit list`:
the entries, an entry blanked when its case was deleted said so; registered by
`app.cli.build_parser`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli import PROG, _json, _open
from app.domain.errors import UserError

Handler = Callable[[argparse.Namespace], str]

#: app.services.audit.ERASED_LABEL, spelt out: building the parser (for --help too) imports
#: no database code.
ERASED = "已按保存期限删除"
#: `audit list --last` at most: more than any log holds, small enough for SQLite's integers.
MOST_SHOWN = 10_000_000

#: The kinds of thing an entry is about, in the volunteer's words.
ENTITY_LABELS = {
    "case": "案件",
    "committee": "调委会",
    "mediator": "调解员",
    "account": "账号",
    "elder_category": "五老类别",
    "screening_round": "排查",
}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应是正整数，例如 50，现在是“{text}”") from None
    if not 1 <= value <= MOST_SHOWN:
        raise argparse.ArgumentTypeError(
            f"应是1到{MOST_SHOWN}之间的整数，例如 50，现在是“{text[:20]}”"
        )
    return value


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-command to `commands`; returns its handler by name."""
    audit = commands.add_parser(
        "audit",
        help="核对、列出操作记录：每一条是否完整、未被改动",
        description="操作记录一条接一条地记着前一条的校验码，核对它就知道有没有记录在本程序之外被改动或删除",
    )
    sub = audit.add_subparsers(dest="audit_command", required=True, metavar="操作", title="操作")
    verify = sub.add_parser(
        "verify",
        help="逐条核对操作记录",
        description="逐条核对操作记录；有记录被改动或删除时，说出是哪一条，并以非零值退出。"
        "保管期限届满、案件被删除后，有关它的记录只留下谁在什么时候做了什么，"
        f"当事人的信息已清除（{ERASED}），这样的记录照样核对无误",
        epilog=f"例如：{PROG} audit verify",
    )
    verify.add_argument("--json", action="store_true", help="以 JSON 输出")
    listing = sub.add_parser(
        "list",
        help="列出操作记录",
        description="列出操作记录：第几条、时间、谁、做了什么、改动了几项"
        f"（不显示改动的内容，内容见 case show）；案件删除后有关它的记录显示“{ERASED}”",
        epilog=f"例如：{PROG} audit list --last 20",
    )
    listing.add_argument(
        "--last", type=_positive, metavar="条数", help="只列出最新的这么多条（默认全部）"
    )
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")
    return {"audit": cmd_audit}


def cmd_audit(args: argparse.Namespace) -> str:
    if args.audit_command == "list":
        return _list(args)
    from app.services.audit import verify

    db = _open(args)
    try:
        with db.reading() as session:
            check = verify(session)
    finally:
        db.close()
    if not check.ok:
        raise UserError(check.message)
    if args.json:
        return _json({"ok": True, "entries": check.entries, "erased": check.erased})
    return check.message


def _list(args: argparse.Namespace) -> str:
    from app.services.audit import history
    from app.services.case_report import local_time, operation_label

    db = _open(args)
    try:
        with db.reading() as session:
            entries = history(session, last=args.last)
    finally:
        db.close()
    if args.json:
        return _json(
            [
                {
                    "id": e.id,
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_uuid": e.entity_uuid,
                    "fields": list(e.fields),
                    "erased": e.erased,
                }
                for e in entries
            ]
        )
    if not entries:
        return "还没有操作记录。"
    lines = []
    for e in entries:
        what = ENTITY_LABELS.get(e.entity, e.entity)
        about = f"  {what}{' ' + e.entity_uuid if e.entity_uuid else ''}" if what else ""
        done = ERASED if e.erased else (f"改动{len(e.fields)}项" if e.fields else "")
        label = operation_label(e.action)
        named = f"{label}（{e.action}）" if label != e.action else e.action
        lines.append(
            f"第{e.id}条  {local_time(e.at)}  {e.actor}  {named}{about}"
            f"{'：' + done if done else ''}"
        )
    return "\n".join(lines)
