"""`audit verify`: walk the audit chain and name the first entry that does not hold; registered
by `app.cli.build_parser`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli import PROG, _json, _open
from app.domain.errors import UserError

Handler = Callable[[argparse.Namespace], str]


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-command to `commands`; returns its handler by name."""
    audit = commands.add_parser(
        "audit",
        help="核对操作记录：每一条是否完整、未被改动",
        description="操作记录一条接一条地记着前一条的校验码，核对它就知道有没有记录在本程序之外被改动或删除",
    )
    sub = audit.add_subparsers(dest="audit_command", required=True, metavar="操作", title="操作")
    verify = sub.add_parser(
        "verify",
        help="逐条核对操作记录",
        description="逐条核对操作记录；有记录被改动或删除时，说出是哪一条，并以非零值退出",
        epilog=f"例如：{PROG} audit verify",
    )
    verify.add_argument("--json", action="store_true", help="以 JSON 输出")
    return {"audit": cmd_audit}


def cmd_audit(args: argparse.Namespace) -> str:
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
        return _json({"ok": True, "entries": check.entries})
    return check.message
