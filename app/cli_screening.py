"""Command-line commands of 矛盾纠纷排查: `screening add`, `list`, `show`, `finding`, `remove` and
`report` (the weekly or monthly report to the judicial office, the zero report included);
registered by `app.cli.build_parser`."""

from __future__ import annotations

import argparse
import calendar
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
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
from app.domain.codes import FindingOutcome
from app.domain.errors import UserError

Handler = Callable[[argparse.Namespace], str]

ADD_EPILOG = f"""每项发现写一次，按发现的顺序：
  --resolved 情况      当场化解
  --watch 情况         继续关注
  --case 案件[=情况]   登记为案件：写已登记的案件编号（先在窗口中或用 import 登记），
                       不写情况时用案件的案由
例如：
  {PROG} screening add --on 2026-11-20 --area 幸福里小区1至6号楼 --by 王建国、李秀英 \\
      --resolved "3号楼602与502因漏水争吵，已当场说和" \\
      --case "（2026）飞人调字第12号=5号楼停车位纠纷"
  {PROG} screening add --on 2026-11-27 --area 幸福里小区 --by 王建国    （什么也没发现）"""

REPORT_EPILOG = f"""例如：
  {PROG} screening report --month 2026-11 --pdf 11月排查月报.pdf
  {PROG} screening report --from 2026-11-16 --to 2026-11-22 --json
这段时间有排查、但什么也没发现时，报告就是“零报告”。"""


class _Finding(argparse.Action):
    """--resolved / --watch / --case, kept in the order they were written."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        found = list(getattr(namespace, "findings", None) or [])
        found.append((self.const, str(values)))
        namespace.findings = found


def parse_month(text: str) -> tuple[date, date]:
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", cleaned)
    if not match or not 1 <= int(match[2]) <= 12:
        raise argparse.ArgumentTypeError(f"月份“{text}”不对，请写成 年-月，例如 2026-11")
    first = date(int(match[1]), int(match[2]), 1)
    # The month's own length, not the day before the next month's first: December 9999 has
    # no next month, and the sum ran past the last day a date can hold.
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-commands to `commands`; returns their handlers by name."""
    screening = commands.add_parser(
        "screening",
        help="矛盾纠纷排查：登记排查、列出排查、排查报告（含零报告）",
        description="矛盾纠纷排查：登记每次排查和发现的纠纷，按周或按月向司法所报告",
    )
    sub = screening.add_subparsers(
        dest="screening_command", required=True, metavar="操作", title="操作"
    )
    add = sub.add_parser(
        "add",
        help="登记一次排查",
        description="登记一次排查：日期、范围、排查人，和发现的每一项纠纷怎样处理",
        epilog=ADD_EPILOG,
        formatter_class=ChineseListHelpFormatter,
    )
    add.add_argument(
        "--on", type=parse_day, default=None, metavar="日期", help="排查日期（默认今天）"
    )
    add.add_argument(
        "--area", required=True, metavar="范围", help="排查了哪里，如 幸福里小区1至6号楼"
    )
    add.add_argument("--by", required=True, metavar="姓名", help="排查人，几位用顿号分开")
    add.add_argument("--note", default="", metavar="说明", help="说明（可以不写）")
    for option, outcome, metavar, words in (
        ("--resolved", FindingOutcome.RESOLVED, "情况", "当场化解的一项发现"),
        ("--watch", FindingOutcome.WATCH, "情况", "继续关注的一项发现"),
        ("--case", FindingOutcome.CASE, "案件[=情况]", "登记为案件的一项发现"),
    ):
        add.add_argument(
            option, action=_Finding, const=outcome.value, dest="findings", metavar=metavar,
            help=words,
        )  # fmt: skip
    add.add_argument("--json", action="store_true", help="以 JSON 输出")
    add.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)

    listing = sub.add_parser("list", help="列出排查记录", description="列出排查记录，最近的在前")
    listing.add_argument("--from", dest="start", type=parse_day, default=None, metavar="日期")
    listing.add_argument("--to", dest="end", type=parse_day, default=None, metavar="日期")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")

    show = sub.add_parser("show", help="显示一次排查", description="显示一次排查和它的每项发现")
    show.add_argument("round", metavar="排查", help="排查的序号（screening list 列出）或 uuid")
    show.add_argument("--json", action="store_true", help="以 JSON 输出")

    finding = sub.add_parser(
        "finding",
        help="改一项发现的处理结果",
        description="改一项发现的处理结果，例如继续关注的纠纷后来登记成了案件",
    )
    finding.add_argument("round", metavar="排查", help="排查的序号或 uuid")
    finding.add_argument("position", type=int, metavar="第几项", help="发现的序号，从1开始")
    finding.add_argument(
        "outcome",
        choices=[o.value for o in FindingOutcome],
        metavar="结果",
        help="、".join(f"{o.value}（{o.label}）" for o in FindingOutcome),
    )
    finding.add_argument("--case", default="", metavar="案件", help=f"登记为案件时：{CASE_HELP}")
    finding.add_argument("--note", default=None, metavar="说明", help="说明")
    finding.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)

    remove = sub.add_parser(
        "remove", help="删除记错的一次排查", description="删除记错的一次排查（登记的案件不受影响）"
    )
    remove.add_argument("round", metavar="排查", help="排查的序号或 uuid")
    remove.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)

    report = sub.add_parser(
        "report",
        help="排查报告（周报、月报，含零报告）",
        description="一段时间的矛盾纠纷排查报告：排查次数、发现的纠纷和处理结果；没有发现时是零报告",
        epilog=REPORT_EPILOG,
        formatter_class=ChineseListHelpFormatter,
    )
    report.add_argument("--from", dest="start", type=parse_day, default=None, metavar="日期")
    report.add_argument("--to", dest="end", type=parse_day, default=None, metavar="日期")
    report.add_argument(
        "--month", type=parse_month, default=None, metavar="年-月", help="整月，如 2026-11"
    )
    report.add_argument("--json", action="store_true", help="以 JSON 输出")
    report.add_argument("--pdf", type=Path, default=None, metavar="文件", help="另存为 PDF")
    report.add_argument("--docx", type=Path, default=None, metavar="文件", help="另存为 Word")
    report.set_defaults(usage_error=report.refuse)
    return {"screening": cmd_screening}


def cmd_screening(args: argparse.Namespace) -> str:
    handlers: dict[str, Handler] = {
        "add": cmd_add,
        "list": cmd_list,
        "show": cmd_show,
        "finding": cmd_finding,
        "remove": cmd_remove,
        "report": cmd_report,
    }
    return handlers[args.screening_command](args)


def _round_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "uuid": r.uuid,
        "held_on": r.held_on.isoformat(),
        "area": r.area,
        "screened_by": r.screened_by,
        "note": r.note,
        "findings": report_data_findings(r),
    }


def report_data_findings(r: Any) -> list[dict[str, Any]]:
    return [
        {
            "position": f.position,
            "description": f.description,
            "outcome": f.outcome.value,
            "case_number": f.case_number or None,
            "case_status": f.case_status or None,
            "note": f.note,
        }
        for f in r.findings
    ]


def _round_text(r: Any) -> str:
    lines = [f"第{r.id}号排查　{r.headline()}"]
    if r.note:
        lines.append(f"  说明：{r.note}")
    lines += [f"  {f.position}. {f.line()}" for f in r.findings]
    return "\n".join(lines)


def cmd_add(args: argparse.Namespace) -> str:
    from app.domain.screening import FindingDraft, RoundDraft
    from app.services.screening import record_round

    findings: list[FindingDraft] = []
    for outcome, text in getattr(args, "findings", None) or []:
        if outcome == FindingOutcome.CASE.value:
            ref, _, description = text.partition("=")
            findings.append(FindingDraft(description.strip(), outcome, case_ref=ref.strip()))
        else:
            findings.append(FindingDraft(text, outcome))
    draft = RoundDraft(
        held_on=args.on or date.today(),
        area=args.area,
        screened_by=args.by,
        note=args.note,
        findings=findings,
    )
    view, _ = record_round(_open(args), draft, actor=_actor(args))
    if args.json:
        return _json(_round_json(view))
    return "已登记排查：\n" + _round_text(view)


def cmd_list(args: argparse.Namespace) -> str:
    from app.services.screening import list_rounds

    if args.start and args.end and args.start > args.end:
        raise UserError("开始日期晚于结束日期，请把两个日期对调。")
    rounds = list_rounds(_open(args), args.start, args.end)
    if args.json:
        return _json([_round_json(r) for r in rounds])
    if not rounds:
        return "还没有排查记录。用 screening add 登记一次排查。"
    return "\n".join([*(_round_text(r) for r in rounds), f"共{len(rounds)}次排查"])


def cmd_show(args: argparse.Namespace) -> str:
    from app.services.screening import get_round

    view = get_round(_open(args), args.round)
    return _json(_round_json(view)) if args.json else _round_text(view)


def cmd_finding(args: argparse.Namespace) -> str:
    from app.services.screening import update_finding

    view, _ = update_finding(
        _open(args),
        args.round,
        args.position,
        args.outcome,
        case_ref=args.case,
        note=args.note,
        actor=_actor(args),
    )
    return "已改正：\n" + _round_text(view)


def cmd_remove(args: argparse.Namespace) -> str:
    from app.services.screening import get_round, remove_round

    db = _open(args)
    view = get_round(db, args.round)
    remove_round(db, view.id, actor=_actor(args))
    return f"已删除排查：{view.headline()}"


def cmd_report(args: argparse.Namespace) -> str:
    from app.services.screening import report_data, save_report, screening_report

    if args.month is not None:
        if args.start or args.end:
            args.usage_error("--month 不能和 --from、--to 一起写")
        start, end = args.month
    else:
        if args.start is None or args.end is None:
            args.usage_error("缺少期间：写 --month 2026-11，或 --from 2026-11-16 --to 2026-11-22")
        start, end = args.start, args.end
    db = _open(args)
    report = screening_report(db, start, end)
    saved: list[str] = []
    for fmt, target in (("pdf", args.pdf), ("docx", args.docx)):
        if target is not None:
            if target.suffix.lower() != f".{fmt}":
                raise UserError(
                    f"--{fmt} 的文件名“{target.name}”应以 .{fmt} 结尾，例如 排查报告.{fmt}。"
                )
            saved.append(f"已保存{report.title}：{save_report(db, start, end, fmt, target)}")
    if args.json:
        return _json(report_data(report))
    lines = [f"{report.title}　{report.period_text()}", report.summary()]
    if report.gaps_text():
        lines.append(report.gaps_text())
    lines += [_round_text(r) for r in report.rounds]
    return "\n".join(lines + saved)
