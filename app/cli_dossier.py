"""Command-line commands of the dossier: `dossier check` and `verify`; registered by
`app.cli.build_parser`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli import CASE_HELP, _json, _open

Handler = Callable[[argparse.Namespace], str]


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-commands to `commands`; returns their handlers by name."""
    dossier = commands.add_parser(
        "dossier", help="卷宗：检查是否完整", description="检查案件卷宗的必备材料是否齐全"
    )
    sub = dossier.add_subparsers(
        dest="dossier_command", required=True, metavar="操作", title="操作"
    )
    check = sub.add_parser(
        "check",
        help="检查卷宗是否完整",
        description="列出卷宗的每一项必备材料：齐全的打 ✓，缺少的打 ✗ 并说明怎样补齐",
    )
    check.add_argument("case", metavar="案件", help=CASE_HELP)
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    verify = commands.add_parser(
        "verify",
        help="核验一份打印的协议是否与档案一致",
        description=(
            "输入协议上印的核验码（例如 7M2QK-9XD4A），说明这份文书是否与档案记录一致、何时打印"
        ),
    )
    verify.add_argument("code", metavar="核验码", help="协议上印的10位核验码")
    return {"dossier": cmd_dossier, "verify": cmd_verify}


def cmd_verify(args: argparse.Namespace) -> str:
    from app.services.verification import verify

    verdict = verify(_open(args), args.code)
    if not verdict.matches:
        from app.domain.errors import UserError

        raise UserError(verdict.message())
    return verdict.message()


def cmd_dossier_check(args: argparse.Namespace) -> str:
    from app.domain.dossier import missing_items
    from app.services.dossier import dossier_check

    case, items = dossier_check(_open(args), args.case)
    if args.json:
        return _json(
            {
                "case_number": case.number,
                "complete": not missing_items(items),
                "items": [
                    {"key": i.key, "name": i.name, "present": i.present, "what_to_do": i.what_to_do}
                    for i in items
                ],
            }
        )
    gaps = missing_items(items)
    head = f"{case.number}：卷宗齐全。" if not gaps else f"{case.number}：卷宗还缺{len(gaps)}项。"
    return "\n".join([head, *(i.line() for i in items)])


def cmd_dossier(args: argparse.Namespace) -> str:
    return {"check": cmd_dossier_check}[args.dossier_command](args)
