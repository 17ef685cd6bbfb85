"""Command-line commands of the statistics: `stats` (a period's figures, as text, JSON, Excel or
PDF; `--street` for several committees' exchange files side by side) and `register` (the
monthly register of cases as Excel); registered by `app.cli.build_parser`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from app.cli import _json, _open, parse_day
from app.domain.errors import UserError
from app.domain.statistics import (
    UNITS,
    Figure,
    Figures,
    Group,
    Period,
    Rate,
    Statistics,
    parse_month,
    parse_quarter,
    parse_year,
    percent_text,
)

Handler = Callable[[argparse.Namespace], str]

STATS_EPILOG = """例如：
  laoniangjiu-cli stats --quarter 2026-Q1
  laoniangjiu-cli stats --from 2026-01-01 --to 2026-06-30 --xlsx 统计表.xlsx --pdf 统计表.pdf
  laoniangjiu-cli stats --year 2026 --json
  laoniangjiu-cli stats --month 2026-03 --street 飞机场社区.json 铁西社区.json
不写时间时统计今年。各项数字怎样计算，见 docs/statistics.md。"""


def _period_type(parse: Callable[[str], Period]) -> Callable[[str], Period]:
    def read(text: str) -> Period:
        try:
            return parse(text)
        except UserError as error:
            raise argparse.ArgumentTypeError(error.message) from None

    return read


def _add_period(command: Any) -> None:
    command.add_argument(
        "--from", dest="start", type=parse_day, default=None, metavar="日期", help="开始日期"
    )
    command.add_argument(
        "--to", dest="end", type=parse_day, default=None, metavar="日期", help="结束日期"
    )
    command.add_argument(
        "--month",
        type=_period_type(parse_month),
        default=None,
        metavar="年-月",
        help="一个月，如 2026-03",
    )
    command.add_argument(
        "--quarter",
        type=_period_type(parse_quarter),
        default=None,
        metavar="年-Q季度",
        help="一个季度，如 2026-Q1",
    )
    command.add_argument(
        "--year", type=_period_type(parse_year), default=None, metavar="年", help="一年，如 2026"
    )


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-commands to `commands`; returns their handlers by name."""
    from app.cli import ChineseListHelpFormatter

    stats = commands.add_parser(
        "stats",
        help="统计一段时间的案件数字（可存为 Excel 或 PDF）",
        description=(
            "统计一段时间内的收案、受理、调解、调解成功（书面/口头）、调解不成、撤回、移出社区、"
            "成功率，按纠纷类型、来源、化解层级、调解员和五老类别分列，以及防止激化、涉及人数和"
            "金额、司法确认、履行率、回访率。"
        ),
        epilog=STATS_EPILOG,
        formatter_class=ChineseListHelpFormatter,
    )
    _add_period(stats)
    stats.add_argument("--json", action="store_true", help="以 JSON 输出")
    stats.add_argument("--xlsx", type=Path, default=None, metavar="文件", help="存为 Excel 统计表")
    stats.add_argument("--pdf", type=Path, default=None, metavar="文件", help="存为 PDF 统计表")
    stats.add_argument(
        "--street",
        nargs="+",
        type=Path,
        default=None,
        metavar="交换文件",
        help="街道汇总：读取几个社区的交换文件（只读），并列统计并合计；不用 --db",
    )
    stats.set_defaults(usage_error=stats.refuse)

    register = commands.add_parser(
        "register",
        help="一个月的案件登记台账（Excel）",
        description="把一个月内登记的案件列成台账，存为 Excel 文件",
    )
    register.add_argument(
        "--month",
        type=_period_type(parse_month),
        required=True,
        metavar="年-月",
        help="哪个月，如 2026-03",
    )
    register.add_argument("--xlsx", type=Path, required=True, metavar="文件", help="存到哪个文件")
    register.set_defaults(usage_error=register.refuse)
    return {"stats": cmd_stats, "register": cmd_register}


def period_of(args: argparse.Namespace, today: date | None = None) -> Period:
    """The period the options name (one of them), or this year."""
    today = today or date.today()
    named = [p for p in (args.month, args.quarter, args.year) if p is not None]
    custom = args.start is not None or args.end is not None
    if len(named) + custom > 1:
        args.usage_error("--from/--to、--month、--quarter、--year 只能写一种")
    if named:
        return named[0]
    if custom:
        if args.start is None or args.end is None:
            args.usage_error("--from 和 --to 要一起写，例如 --from 2026-01-01 --to 2026-03-31")
        return Period.custom(args.start, args.end)
    return Period.year(today.year)


# ---------------------------------------------------------------------------------------------
# JSON


def money_text(fen: int) -> str:
    from app.domain.money import from_fen

    return str(from_fen(fen))


def figures_json(figures: Figures) -> dict[str, Any]:
    """Every figure by its code (money as "26300.00", as the exchange format writes it) and
    the rates as "71.4" (percent) or null."""
    out: dict[str, Any] = {k.value: figures.get(k) for k in Figure}
    out[Figure.AMOUNT.value] = money_text(figures.amount)
    for rate in (Rate.SUCCESS, Rate.PERFORMANCE, Rate.FOLLOW_UP):
        value = figures.rate(rate)
        out[rate.value] = None if value is None else str(value)
    return out


def _groups_json(groups: tuple[Group, ...], key: str = "code") -> list[dict[str, Any]]:
    return [
        {
            key: g.key,
            "label": g.label,
            **({"category": g.note} if g.note else {}),
            "figures": figures_json(g.figures),
        }
        for g in groups
    ]


def statistics_json(stats: Statistics) -> dict[str, Any]:
    tiers = stats.tier_picture()
    share = tiers.low_tier_share
    return {
        "committee": stats.committee,
        "period": {
            "from": stats.period.start.isoformat(),
            "to": stats.period.end.isoformat(),
            "kind": stats.period.kind.value,
            "label": stats.period.label,
        },
        "figures": figures_json(stats.total),
        "tiers": {
            "building": tiers.building,
            "courtyard": tiers.courtyard,
            "community": tiers.community,
            "left_community": tiers.left,
            Rate.LOW_TIER.value: None if share is None else str(share),
        },
        "by_dispute_type": _groups_json(stats.by_type()),
        "by_source": _groups_json(stats.by_source()),
        "by_tier_resolved": _groups_json(stats.by_tier()),
        "mediators": _groups_json(stats.mediators, key="uuid"),
        "categories": _groups_json(stats.categories),
    }


# ---------------------------------------------------------------------------------------------
# Text


def _count(figure: Figure, figures: Figures) -> str:
    if figure is Figure.AMOUNT:
        return f"{figure.label}{money_text(figures.amount)}元"
    return f"{figure.label}{figures.get(figure)}{UNITS.get(figure, '件')}"


def statistics_text(stats: Statistics) -> str:
    f = stats.total
    tiers = stats.tier_picture()
    period = stats.period
    span = "" if period.label == period.span_text else f"（{period.span_text}）"
    lines = [
        f"{stats.committee} {period.label}{span}",
        "  ".join(_count(k, f) for k in (Figure.RECEIVED, Figure.ACCEPTED, Figure.MEDIATED)),
        f"{_count(Figure.SUCCEEDED, f)}（{_count(Figure.WRITTEN, f)}，{_count(Figure.ORAL, f)}）"
        f"  {Rate.SUCCESS.label}{percent_text(f.success_rate)}",
        "  ".join(
            _count(k, f)
            for k in (
                Figure.FAILED,
                Figure.TERMINATED,
                Figure.WITHDRAWN,
                Figure.REFERRED,
                Figure.DECLINED,
            )
        ),
        "  ".join(_count(k, f) for k in (Figure.PREVENTED, Figure.PERSONS, Figure.AMOUNT)),
        "  ".join(
            (
                _count(Figure.CONFIRMATION_APPLIED, f),
                _count(Figure.CONFIRMED, f),
                f"{_count(Figure.PERFORMED, f)}（{Rate.PERFORMANCE.label}"
                f"{percent_text(f.performance_rate)}）",
                _count(Figure.VOLUNTARY, f),
                f"{_count(Figure.FOLLOWED_UP, f)}（{Rate.FOLLOW_UP.label}"
                f"{percent_text(f.follow_up_rate)}）",
            )
        ),
        f"三级化解：楼栋{tiers.building}件  院落{tiers.courtyard}件  社区{tiers.community}件  "
        f"移出社区{tiers.left}件  {Rate.LOW_TIER.label}{percent_text(tiers.low_tier_share)}",
    ]

    def breakdown(title: str, groups: tuple[Group, ...]) -> None:
        shown = [g for g in groups if not g.figures.is_empty()]
        if not shown:
            return
        lines.append(f"{title}：")
        for g in shown:
            name = f"{g.label}（{g.note}）" if g.note else g.label
            x = g.figures
            lines.append(
                f"  {name}\t收案{x.received}  调解{x.mediated}  成功{x.succeeded}"
                f"  成功率{percent_text(x.success_rate)}"
            )

    breakdown("按纠纷类型", stats.by_type())
    breakdown("按案件来源", stats.by_source())
    breakdown("调解员", stats.mediators)
    breakdown("五老类别", stats.categories)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Commands


def _save(stats: Statistics, args: argparse.Namespace) -> list[str]:
    from app.services.statistics_sheet import write_statistics_pdf, write_statistics_xlsx

    saved = []
    if args.xlsx is not None:
        saved.append(f"已保存 Excel 统计表：{write_statistics_xlsx(stats, args.xlsx)}")
    if args.pdf is not None:
        saved.append(f"已保存 PDF 统计表：{write_statistics_pdf(stats, args.pdf)}")
    return saved


def _check_suffixes(args: argparse.Namespace) -> None:
    for option, path, suffix in (("--xlsx", args.xlsx, ".xlsx"), ("--pdf", args.pdf, ".pdf")):
        if path is not None and path.suffix.lower() != suffix:
            raise UserError(
                f"{option} 的文件名应以 {suffix} 结尾，例如 {option} 统计表{suffix}，"
                f"现在是“{path.name}”。"
            )


def cmd_stats(args: argparse.Namespace) -> str:
    period = period_of(args)
    _check_suffixes(args)
    if args.street:
        return _street(args, period)
    from app.services.statistics import period_statistics

    stats = period_statistics(_open(args), period)
    saved = _save(stats, args)
    if args.json:
        if saved:
            import sys

            print("\n".join(saved), file=sys.stderr)
        return _json(statistics_json(stats))
    return "\n".join([statistics_text(stats), *saved])


def _street(args: argparse.Namespace, period: Period) -> str:
    from app.services.street import street_statistics

    if args.db:
        args.usage_error("街道汇总（--street）只读交换文件，不用 --db")
    view = street_statistics(args.street, period)
    saved = _save(view.total, args)
    if args.json:
        return _json(
            {
                "period": statistics_json(view.total)["period"],
                "committees": [
                    {"file": str(path), **statistics_json(s)}
                    for path, s in zip(view.files, view.committees, strict=True)
                ],
                "total": statistics_json(view.total),
            }
        )
    columns = (
        Figure.RECEIVED,
        Figure.ACCEPTED,
        Figure.MEDIATED,
        Figure.SUCCEEDED,
        Figure.FAILED,
        Figure.REFERRED,
    )
    head = "\t".join(["社区", *(k.label for k in columns), Rate.SUCCESS.label, "楼栋、院落化解"])
    lines = [f"街道汇总 {period.label}（{period.span_text}）", head]
    for s in (*view.committees, view.total):
        f = s.total
        tiers = s.tier_picture()
        lines.append(
            "\t".join(
                [
                    s.committee,
                    *(str(f.get(k)) for k in columns),
                    percent_text(f.success_rate),
                    f"{tiers.building + tiers.courtyard}（{percent_text(tiers.low_tier_share)}）",
                ]
            )
        )
    return "\n".join([*lines, *saved])


def cmd_register(args: argparse.Namespace) -> str:
    from app.services.database import get_committee
    from app.services.statistics import register_rows
    from app.services.statistics_sheet import write_register_xlsx

    if args.xlsx.suffix.lower() != ".xlsx":
        raise UserError(
            f"--xlsx 的文件名应以 .xlsx 结尾，例如 --xlsx 台账.xlsx，现在是“{args.xlsx.name}”。"
        )
    db = _open(args)
    period: Period = args.month
    rows = register_rows(db, period)
    path = write_register_xlsx(rows, period, get_committee(db).name, args.xlsx)
    return f"已保存{period.label}的案件登记台账（{len(rows)}件）：{path}"
