"""Command-line search: `search TEXT [--json] [--limit N] [--status …] …`; registered by
`app.cli.build_parser`. ID numbers and phones are printed masked."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli import PROG, _json, _open, parse_day
from app.domain.codes import CaseStatus, DisputeType, Labelled, Source, Tier
from app.domain.errors import UserError

Handler = Callable[[argparse.Namespace], str]

#: The filters taking codes or labels: option, enum, what it is called.
CODED = (
    ("status", CaseStatus, "办理状态"),
    ("type", DisputeType, "纠纷类型"),
    ("tier", Tier, "层级"),
    ("source", Source, "案件来源"),
)


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-command to `commands`; returns its handler by name."""
    search = commands.add_parser(
        "search",
        help="查找案件（姓名、拼音首字母、电话后四位、编号、地址、事实中的词）",
        description=(
            "按案件编号、当事人姓名（全名、其中一两个字或拼音首字母，如 lxy 找李秀英）、"
            "身份证号或电话的一部分（如电话后四位）、地址、案情和协议中的词（至少三个字）查找案件，"
            "几个词用空格分开时须同时符合；新的案件在前。身份证号和电话只显示部分数字。"
        ),
        epilog=f"例如：{PROG} search lxy 5678 --status mediating",
    )
    search.add_argument("text", nargs="+", metavar="文字", help="要查找的文字，可写几个词")
    search.add_argument("--json", action="store_true", help="以 JSON 输出")
    search.add_argument(
        "--limit", type=int, default=50, metavar="件数", help="最多列出多少件（默认 50）"
    )
    for option, enum, label in CODED:
        search.add_argument(
            f"--{option}",
            action="append",
            default=[],
            metavar=label,
            help=f"只看这种{label}（代码或名称，可写几次）：{_choices(enum)}",
        )
    search.add_argument(
        "--mediator", default=None, metavar="调解员", help="只看这位调解员参加的（姓名或 uuid）"
    )
    search.add_argument(
        "--from", dest="start", type=parse_day, default=None, metavar="日期", help="受理日期不早于"
    )
    search.add_argument(
        "--to", dest="end", type=parse_day, default=None, metavar="日期", help="受理日期不晚于"
    )
    return {"search": cmd_search}


def _choices(enum: type[Labelled]) -> str:
    return "、".join(f"{m.value}（{m.label}）" for m in enum)


def code_of(enum: type[Labelled], given: str, label: str) -> str:
    """A code written as its code or its Chinese label."""
    text = given.strip()
    for member in enum:
        if text in (member.value, member.label):
            return member.value
    raise UserError(f"没有“{text}”这种{label}。可以写：{_choices(enum)}")


def cmd_search(args: argparse.Namespace) -> str:
    from app.domain.pinyin import is_initials_query
    from app.services.search import LONG, SearchFilters, search, split_terms

    if args.limit < 1:
        raise UserError("--limit 应是 1 或更大的整数。")
    db = _open(args)
    codes = {
        option: frozenset(code_of(enum, v, label) for v in getattr(args, option))
        for option, enum, label in CODED
    }
    mediator_id = None
    if args.mediator:
        from app.services.mediators import find_mediator

        with db.reading() as session:
            mediator_id = find_mediator(session, args.mediator).id
    filters = SearchFilters(
        statuses=codes["status"],
        dispute_types=codes["type"],
        tiers=codes["tier"],
        sources=codes["source"],
        mediator_id=mediator_id,
        received_from=args.start,
        received_to=args.end,
    )
    text = " ".join(args.text)
    hits = search(db, text, filters, limit=args.limit)
    if args.json:
        return _json(
            [
                {
                    "number": h.number,
                    "uuid": h.uuid,
                    "title": h.title,
                    "status": h.status.value,
                    "tier": h.tier.value,
                    "dispute_type": h.dispute_type.value,
                    "received_on": h.received_on.isoformat(),
                    "parties": list(h.parties),
                    "matched": [
                        {"name": m.name, "id_number": m.id_number, "phone": m.phone}
                        for m in h.matched
                    ],
                    "found_in": list(h.found_in),
                }
                for h in hits
            ]
        )
    if not hits:
        short = [t for t in split_terms(text) if len(t) < LONG and not is_initials_query(t)]
        hint = (
            f"一两个字的词（{'、'.join(short)}）只在当事人姓名和案件编号中查找；"
            "案情、申请事项和协议中的词请写三个字以上。"
            if short
            else ""
        )
        return f"没有找到符合“{text}”的案件。{hint}"
    lines = []
    for h in hits:
        lines.append(
            f"{h.number}\t{h.received_on:%Y-%m-%d}\t{h.status.label}\t{h.title}"
            f"\t{'、'.join(h.parties)}"
        )
        for m in h.matched:
            shown = "，".join(
                part
                for part in (
                    f"身份证号 {m.id_number}" if m.id_number else "",
                    f"电话 {m.phone}" if m.phone else "",
                )
                if part
            )
            lines.append(f"  当事人 {m.name}" + (f"（{shown}）" if shown else ""))
        if h.found_in:
            lines.append(f"  找到的地方：{'、'.join(h.found_in)}")
    more = f"（只列出前{args.limit}件，可用 --limit 列出更多）" if len(hits) == args.limit else ""
    lines.append(f"共找到{len(hits)}件{more}")
    return "\n".join(lines)
