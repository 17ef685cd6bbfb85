"""Command-line commands of 以案定补: the claim sheet of a period (`subsidy --from … --to …`), a
case's class (`subsidy class`) and the committee's scheme (`subsidy scheme`); registered by
`app.cli.build_parser`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import (
    ACTOR_HELP,
    CASE_HELP,
    PROG,
    ChineseListHelpFormatter,
    _actor,
    _json,
    _open,
    parse_day,
)
from app.domain.errors import UserError

Handler = Callable[[argparse.Namespace], str]

EPILOG = f"""例如：
  {PROG} subsidy --from 2026-10-01 --to 2026-12-31
  {PROG} subsidy --from 2026-10-01 --to 2026-12-31 --xlsx 补贴申报表.xlsx --pdf 补贴申报表.pdf
  {PROG} subsidy class （2026）飞人调字第12号
  {PROG} subsidy class （2026）飞人调字第12号 疑难复杂 --reason 涉及四户，调解五次
  {PROG} subsidy scheme --show
  {PROG} subsidy scheme --set 补贴办法.json
补贴办法的写法见 docs/subsidy.md。"""


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-commands to `commands`; returns their handlers by name."""
    subsidy = commands.add_parser(
        "subsidy",
        help="以案定补：补贴申报表、案件的补贴类别、补贴办法",
        description=(
            "以案定补：列出一段时间内调解结束的案件应得的补贴（每位调解员和合计），"
            "卷宗不完整或没有确定类别的案件单独列出并说明怎样补齐"
        ),
        epilog=EPILOG,
        formatter_class=ChineseListHelpFormatter,
    )
    subsidy.add_argument(
        "--from", dest="start", type=parse_day, default=None, metavar="日期", help="开始日期"
    )
    subsidy.add_argument(
        "--to", dest="end", type=parse_day, default=None, metavar="日期", help="结束日期"
    )
    subsidy.add_argument("--json", action="store_true", help="以 JSON 输出")
    subsidy.add_argument("--xlsx", type=Path, default=None, metavar="文件", help="另存为 Excel")
    subsidy.add_argument("--pdf", type=Path, default=None, metavar="文件", help="另存为 PDF")
    subsidy.add_argument("--docx", type=Path, default=None, metavar="文件", help="另存为 Word")
    subsidy.set_defaults(usage_error=subsidy.refuse)
    sub = subsidy.add_subparsers(dest="subsidy_command", metavar="操作", title="操作")

    one = sub.add_parser(
        "class",
        help="查看或确定一个案件的补贴类别",
        description=(
            "不写类别：显示案件的补贴类别和建议的类别及理由；写类别：确定类别。"
            "与建议不同时要写 --reason。只有调解已经结束的案件才能确定类别。"
        ),
    )
    one.add_argument("case", metavar="案件", help=CASE_HELP)
    one.add_argument(
        "cls", nargs="?", default=None, metavar="类别", help="类别名称或代码，如 一般 或 general"
    )
    one.add_argument("--reason", default="", metavar="理由", help="与建议的类别不同的理由")
    one.add_argument("--clear", action="store_true", help="取消已确定的类别（改回待定）")
    useful = one.add_mutually_exclusive_group()
    useful.add_argument(
        "--useful", dest="useful", action="store_const", const=True, default=None,
        help="调解不成，但认定为“调解不成但有成效”",
    )  # fmt: skip
    useful.add_argument(
        "--not-useful", dest="useful", action="store_const", const=False,
        help="取消“调解不成但有成效”",
    )  # fmt: skip
    proof = one.add_mutually_exclusive_group()
    proof.add_argument(
        "--oral-proof", dest="oral_proof", action="store_const", const=True, default=None,
        help="口头协议有证明材料（录音、签字的登记表或证人）",
    )  # fmt: skip
    proof.add_argument(
        "--no-oral-proof", dest="oral_proof", action="store_const", const=False,
        help="口头协议没有证明材料",
    )  # fmt: skip
    one.add_argument("--json", action="store_true", help="以 JSON 输出")
    one.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)
    one.set_defaults(usage_error=one.refuse)

    scheme = sub.add_parser(
        "scheme",
        help="查看或设定补贴办法",
        description="补贴办法：各类别的金额和建议条件、口头协议和调解不成的比例、各角色的分配比例",
    )
    what = scheme.add_mutually_exclusive_group()
    what.add_argument("--show", action="store_true", help="以 JSON 显示现在的补贴办法（默认）")
    what.add_argument("--set", type=Path, default=None, metavar="文件", help="从 JSON 文件设定")
    what.add_argument("--reset", action="store_true", help="恢复程序默认的补贴办法")
    scheme.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)
    return {"subsidy": cmd_subsidy}


def cmd_subsidy(args: argparse.Namespace) -> str:
    command = getattr(args, "subsidy_command", None)
    if command == "class":
        return cmd_class(args)
    if command == "scheme":
        return cmd_scheme(args)
    return cmd_sheet(args)


def cmd_sheet(args: argparse.Namespace) -> str:
    from app.services.subsidy import check_period, claim_data, claim_sheet, save_claim

    if args.start is None or args.end is None:
        args.usage_error(
            "缺少--from和--to：要写明申报的期间，例如 subsidy --from 2026-10-01 --to 2026-12-31"
        )
    check_period(args.start, args.end)
    db = _open(args)
    sheet = claim_sheet(db, args.start, args.end)
    saved: list[str] = []
    for fmt, target in (("xlsx", args.xlsx), ("pdf", args.pdf), ("docx", args.docx)):
        if target is not None:
            if target.suffix.lower() != f".{fmt}":
                raise UserError(
                    f"--{fmt} 的文件名“{target.name}”应以 .{fmt} 结尾，例如 补贴申报表.{fmt}。"
                )
            path = save_claim(db, args.start, args.end, fmt, target)
            saved.append(f"已保存补贴申报表：{path}")
    if args.json:
        return _json(claim_data(sheet))
    return "\n".join([*sheet_lines(sheet), *saved])


def sheet_lines(sheet: Any) -> list[str]:
    from app.domain.money import format_yuan, from_fen

    def yuan(fen: int) -> str:
        return f"{format_yuan(from_fen(fen))}元"

    lines = [
        f"以案定补补贴申报表　{sheet.start:%Y-%m-%d} 至 {sheet.end:%Y-%m-%d}（按调解结束的日期）",
        sheet.summary(),
    ]
    if sheet.mediators:
        lines.append("每位调解员：")
        lines += [
            f"  {m.name}\t{m.cases}件（主持{m.as_lead}、调解{m.as_member}、记录{m.as_recorder}）"
            f"\t{yuan(m.amount_fen)}"
            for m in sheet.mediators
        ]
    if sheet.lines:
        lines.append("申报的案件：")
        for line in sheet.lines:
            shares = "、".join(
                f"{s.name}（{s.role.label}）{format_yuan(from_fen(s.amount_fen))}"
                for s in line.shares
            )
            lines.append(
                f"  {line.case.number}\t{line.case.title}\t{line.case_class.label}"
                f"\t{line.basis_text}\t{yuan(line.amount_fen)}：{shares}"
            )
    if sheet.held:
        lines.append("暂缓申报（补齐后再申报）：")
        for held in sheet.held:
            amount = f"\t补齐后{yuan(held.amount_fen)}" if held.amount_fen is not None else ""
            lines.append(f"  {held.case.number}\t{held.case.title}{amount}")
            lines += [f"    - {p}" for p in held.problems if not p.startswith("卷宗不完整")]
            lines += [f"    ✗ {i.name}：{i.what_to_do}" for i in held.missing]
    if sheet.unpaid:
        lines.append("不计补贴：")
        lines += [f"  {u.case.number}\t{u.case.title}\t{u.reason}" for u in sheet.unpaid]
    return lines


def cmd_class(args: argparse.Namespace) -> str:
    from app.services.subsidy import class_decision, set_case_class

    db = _open(args)
    changing = (
        args.cls is not None or args.clear or args.useful is not None or args.oral_proof is not None
    )
    if args.cls is not None and args.clear:
        args.usage_error("写了类别就不用写 --clear；--clear 是把类别改回待定")
    if args.reason and args.cls is None:
        args.usage_error("--reason 要和类别一起写，例如 subsidy class 案件 疑难复杂 --reason …")
    if changing:
        current = class_decision(db, args.case)
        chosen = None if args.clear else (args.cls or current.class_code)
        reason = args.reason if args.cls is not None else current.reason
        decision, _ = set_case_class(
            db,
            args.case,
            chosen,
            reason,
            useful=args.useful,
            oral_proof=args.oral_proof,
            actor=_actor(args),
        )
    else:
        decision = class_decision(db, args.case)
    if args.json:
        return _json(
            {
                "case_number": decision.case_number,
                "closed": decision.closed,
                "ending": decision.ending.value if decision.ending else None,
                "ended_on": decision.ended_on.isoformat() if decision.ended_on else None,
                "class": decision.class_code,
                "class_label": decision.class_label or None,
                "reason": decision.reason,
                "useful": decision.useful,
                "oral_proof": decision.oral_proof,
                "suggested": decision.suggested.code,
                "suggested_label": decision.suggested.label,
                "suggestion_reasons": list(decision.suggestion_reasons),
            }
        )
    head = f"{decision.case_number}：" + ("已记录。" if changing else "")
    return head + decision.summary()


def cmd_scheme(args: argparse.Namespace) -> str:
    from app.domain.subsidy import Scheme
    from app.services.subsidy import subsidy_scheme, update_scheme

    db = _open(args)
    if args.reset:
        update_scheme(db, Scheme(), actor=_actor(args))
        return "已恢复程序默认的补贴办法：\n" + scheme_text(Scheme())
    if args.set is not None:
        try:
            text = args.set.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise UserError(f"找不到文件“{args.set}”，请检查文件名和所在的文件夹。") from None
        except UnicodeDecodeError:
            raise UserError(
                f"“{args.set.name}”不是 UTF-8 编码的文字文件，请用记事本另存为 UTF-8 后再试。"
            ) from None
        except OSError as error:
            from app.services.files import os_problem

            raise UserError(f"读不了“{args.set}”：{os_problem(error)}。") from None
        scheme, _ = update_scheme(db, text, actor=_actor(args))
        return "已设定补贴办法：\n" + scheme_text(scheme)
    return json.dumps(subsidy_scheme(db).to_data(), ensure_ascii=False, indent=2)


def scheme_text(scheme: Any) -> str:
    from app.domain.subsidy import fraction_text

    lines = [f"  {c.describe()}" for c in scheme.classes]
    lines.append(
        f"  口头协议有证明的按{fraction_text(scheme.oral_share)}，"
        f"调解不成但有成效的按{fraction_text(scheme.useful_share)}；"
        f"主持人{fraction_text(scheme.lead_share)}、调解员{fraction_text(scheme.member_share)}、"
        f"记录人{fraction_text(scheme.recorder_share)}"
    )
    return "\n".join(lines)
