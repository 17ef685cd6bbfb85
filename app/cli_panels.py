"""Command-line commands of the panels: `panel draw` and `fairness`; registered by
`app.cli.build_parser`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from app.cli import ACTOR_HELP, CASE_HELP, ON_HELP, _actor, _codes, _json, _open, parse_day
from app.domain.codes import PanelMode
from app.domain.panel import Proposal

Handler = Callable[[argparse.Namespace], str]


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-commands to `commands`; returns their handlers by name."""
    panel = commands.add_parser(
        "panel",
        help="为案件抽选调解员",
        description="为案件抽选调解员，并说明每位调解员入选或不能参加的原因",
    )
    panel_commands = panel.add_subparsers(
        dest="panel_command", required=True, metavar="操作", title="操作"
    )
    draw = panel_commands.add_parser(
        "draw",
        help="抽选调解员（--dry-run 只看不记）",
        description=(
            "按案件的层级、纠纷类型和名册抽选调解员。同一案件、同一名册、同一抽选次数，"
            "结果总是相同；重新抽选要写明原因，并记入操作记录。"
        ),
    )
    draw.add_argument("case", metavar="案件", help=CASE_HELP)
    draw.add_argument("--dry-run", action="store_true", help="只显示抽选结果，不记录")
    draw.add_argument(
        "--draw", type=int, default=None, metavar="次数", help="第几次抽选（默认：下一次）"
    )
    draw.add_argument(
        "--mode",
        choices=[m.value for m in PanelMode],
        default=PanelMode.COMMITTEE.value,
        metavar="方式",
        help=f"产生方式：{_codes(PanelMode)}",
    )
    draw.add_argument("--reason", default="", metavar="原因", help="重新抽选的原因")
    draw.add_argument("--on", type=parse_day, default=None, metavar="日期", help=ON_HELP)
    draw.add_argument("--json", action="store_true", help="以 JSON 输出")
    draw.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)

    fairness = commands.add_parser(
        "fairness",
        help="调解员分案是否均衡",
        description="一段时间内每位调解员、每个类别参与的案件数，以及分布是否均衡",
    )
    fairness.add_argument(
        "--from",
        dest="start",
        type=parse_day,
        default=None,
        metavar="日期",
        help="开始日期（默认：一年前）",
    )
    fairness.add_argument(
        "--to",
        dest="end",
        type=parse_day,
        default=None,
        metavar="日期",
        help="结束日期（默认：今天）",
    )
    fairness.add_argument("--json", action="store_true", help="以 JSON 输出")
    return {"panel": cmd_panel, "fairness": cmd_fairness}


def proposal_text(p: Proposal, recorded: bool) -> str:
    head = "已记录" if recorded else "抽选结果（未记录）"
    lines = [f"{p.case_number} 第{p.draw_no}次抽选，{p.mode.label}——{head}"]
    for s in p.seats:
        lines.append(f"  {s.role.label}：{s.name}——{s.reason_text()}")
    lines += [f"  ！{w}" for w in p.warnings]
    if p.others:
        lines.append("其他调解员：")
        for v in p.others:
            head_word = "不能参加" if v.excluded else "未选中"
            lines.append(f"  {v.name}：{head_word}——{v.reason_text()}")
    return "\n".join(lines)


def cmd_panel_draw(args: argparse.Namespace) -> str:
    from app.services.panels import propose_panel, record_draw

    db = _open(args)
    mode = PanelMode(args.mode)
    if args.dry_run:
        proposal = propose_panel(db, args.case, draw_no=args.draw, mode=mode, on=args.on)
    else:
        (proposal, _detail), _ = record_draw(
            db,
            args.case,
            draw_no=args.draw,
            mode=mode,
            reason=args.reason,
            on=args.on,
            actor=_actor(args),
        )
    if args.json:
        data = json.loads(proposal.to_json())
        data["case_number"] = proposal.case_number
        data["recorded"] = not args.dry_run
        return _json(data)
    return proposal_text(proposal, recorded=not args.dry_run)


def cmd_panel(args: argparse.Namespace) -> str:
    return {"draw": cmd_panel_draw}[args.panel_command](args)


def cmd_fairness(args: argparse.Namespace) -> str:
    from app.services.panels import fairness_report

    end = args.end or date.today()
    start = args.start or end - timedelta(days=365)
    report = fairness_report(_open(args), start, end)
    if args.json:
        return _json(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "cases": report.cases,
                "seats": report.total_seats,
                "mean": round(report.mean, 2),
                "lowest": report.lowest,
                "highest": report.highest,
                "variation_pct": report.variation_pct,
                "mediators": [
                    {
                        "uuid": s.key,
                        "name": s.name,
                        "cases": s.cases,
                        "from_mean_pct": s.from_mean_pct,
                    }
                    for s in report.mediators
                ],
                "categories": [
                    {
                        "code": s.key,
                        "label": s.name,
                        "cases": s.cases,
                        "from_mean_pct": s.from_mean_pct,
                    }
                    for s in report.categories
                ],
            }
        )
    lines = [
        report.summary(),
        "调解员：",
        *(_share(s.name, s.cases, s.from_mean_pct) for s in report.mediators),
    ]
    lines += ["类别：", *(_share(s.name, s.cases, s.from_mean_pct) for s in report.categories)]
    return "\n".join(lines)


def _share(name: str, cases: int, pct: int) -> str:
    sign = "+" if pct > 0 else ""
    return f"  {name}\t{cases}件\t与平均相比{sign}{pct}%"
