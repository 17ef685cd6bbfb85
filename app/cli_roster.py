"""Command-line commands of the roster; registered by `app.cli.build_parser`.

`roster import|export|list` and `mediator show`: the roster as an Excel sheet, the roster as
the roster page shows it, and one mediator's record for the yearly review.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import ACTOR_HELP, PROG, _actor, _json, _open
from app.domain.errors import UserError
from app.domain.roster import minutes_to_hours
from app.views import MediatorRecord, MediatorView, RosterRow

if TYPE_CHECKING:
    from app.services.database import Database

Handler = Callable[[argparse.Namespace], str]


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-commands to `commands`; returns their handlers by name."""
    _add_roster(commands)
    _add_mediator(commands)
    return {"roster": cmd_roster, "mediator": cmd_mediator}


def _add_roster(commands: Any) -> None:
    roster = commands.add_parser(
        "roster",
        help="调解员名册：导入或导出 Excel 表格，列出名册",
        description="调解员名册：导入或导出Excel表格（.xlsx），列出名册",
    )
    actions = roster.add_subparsers(
        dest="roster_command", required=True, metavar="操作", title="操作"
    )
    imp = actions.add_parser(
        "import",
        help="从 Excel 表格导入名册（新增或更新调解员）",
        description="从Excel表格（.xlsx）导入名册：编号与已有调解员相同的一行更新这位调解员，"
        "其他行新增调解员。表格中有一处不对，就一名也不导入，并列出每一处要改正的地方",
        epilog=f"例如：{PROG} roster import 名册.xlsx",
    )
    imp.add_argument("file", type=Path, metavar="文件", help="名册表格，例如 名册.xlsx")
    imp.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)

    exp = actions.add_parser(
        "export",
        help="把名册导出为 Excel 表格",
        description="把名册导出为Excel表格（.xlsx）：调解员、外出、培训、回避关系和工作记录"
        "各一张表；改好后可以用 roster import 导回",
        epilog=f"例如：{PROG} roster export 名册.xlsx",
    )
    exp.add_argument("file", type=Path, metavar="文件", help="保存到的文件，例如 名册.xlsx")

    listing = actions.add_parser(
        "list",
        help="列出名册中的调解员",
        description="列出名册中的调解员：类别、电话、在办案件和上限，以及今天能否指派",
        epilog=f"例如：{PROG} roster list --category party_member --available",
    )
    listing.add_argument(
        "--category",
        default=None,
        metavar="类别",
        help="只列出这一类别的调解员：写类别代码或名称，如 party_member 或 老党员",
    )
    listing.add_argument(
        "--available",
        action="store_true",
        help="只列出今天可以指派的调解员（在岗、没有外出、在办案件没有达到上限）",
    )
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")


def _add_mediator(commands: Any) -> None:
    mediator = commands.add_parser(
        "mediator", help="查看一位调解员", description="查看一位调解员的情况和工作记录"
    )
    actions = mediator.add_subparsers(
        dest="mediator_command", required=True, metavar="操作", title="操作"
    )
    show = actions.add_parser(
        "show",
        help="显示调解员的情况、培训、外出和办理的案件",
        description="显示调解员的基本情况、培训、外出、回避关系的条数，办理的案件（按角色和层级），"
        "参加调解的次数、达成的协议和在办的案件",
        epilog=f"例如：{PROG} mediator show 张秀英",
    )
    show.add_argument("mediator", metavar="调解员", help="姓名或编号（uuid）；同名时写编号")
    show.add_argument("--json", action="store_true", help="以 JSON 输出")


# ====================================================================== roster


def cmd_roster_import(args: argparse.Namespace) -> str:
    from app.services.roster_sheet import import_roster

    # Like `import`, this may fill a new database: a roster is what a committee enters first.
    message, _ = import_roster(
        _open(args, create=True), args.file, actor=_actor(args), today=date.today()
    )
    return message


def cmd_roster_export(args: argparse.Namespace) -> str:
    from app.services.roster_sheet import export_roster

    return export_roster(_open(args), args.file)


def _category_code(db: Database, given: str) -> str:
    """The code of a category written as its code or its label."""
    from app.services.mediators import elder_categories

    text = given.strip()
    pairs = elder_categories(db)
    for code, label in pairs:
        if text in (code, label):
            return code
    allowed = "、".join(f"{code}（{label}）" for code, label in pairs)
    raise UserError(f"没有“{text}”这个类别。可以写的有：{allowed}。")


def mediator_json(m: MediatorView) -> dict[str, Any]:
    """A mediator's fields as `roster list --json` and `mediator show --json` give them."""
    return {
        "uuid": m.uuid,
        "name": m.name,
        "sex": m.sex.value if m.sex else None,
        "ethnicity": m.ethnicity,
        "birth_date": m.birth_date.isoformat() if m.birth_date else None,
        "elder_category": m.elder_category,
        "elder_category_label": m.elder_category_label,
        "compound": m.place.compound,
        "building": m.place.building,
        "unit": m.place.unit,
        "room": m.place.room,
        "phone": m.phone,
        "specialties": [s.value for s in m.specialties],
        "languages": m.languages,
        "active": m.active,
        "committee_member": m.committee_member,
        "case_limit": m.case_limit,
        "notes": m.notes,
    }


def _row_json(r: RosterRow) -> dict[str, Any]:
    return mediator_json(r.mediator) | {
        "open_cases": r.open_cases,
        "limit": r.limit,
        "available": not r.unavailable,
        "unavailable": r.unavailable,
    }


def _row_text(r: RosterRow) -> str:
    m = r.mediator
    return "\t".join(
        (
            m.name,
            m.sex.label if m.sex else "",
            m.elder_category_label,
            m.phone,
            f"在办{r.open_cases}/{r.limit}",
            r.unavailable or "可以指派",
            m.uuid,
        )
    )


def cmd_roster_list(args: argparse.Namespace) -> str:
    from app.services.mediators import roster_rows

    db = _open(args)
    category = _category_code(db, args.category) if args.category else None
    rows = roster_rows(db, on=date.today(), category=category, available_only=args.available)
    if args.json:
        return _json([_row_json(r) for r in rows])
    if not rows:
        return "没有符合条件的调解员。" if category or args.available else "名册中还没有调解员。"
    free = sum(1 for r in rows if not r.unavailable)
    return "\n".join([*map(_row_text, rows), f"共{len(rows)}名，今天可以指派{free}名"])


ROSTER_COMMANDS: dict[str, Handler] = {
    "import": cmd_roster_import,
    "export": cmd_roster_export,
    "list": cmd_roster_list,
}


def cmd_roster(args: argparse.Namespace) -> str:
    return ROSTER_COMMANDS[args.roster_command](args)


# ====================================================================== mediator show


def record_json(r: MediatorRecord) -> dict[str, Any]:
    """A mediator's record; the relations only counted, as they hold other people's IDs."""
    minutes = sum(t.minutes for t in r.trainings)
    return {
        "mediator": mediator_json(r.mediator),
        "trainings": [
            {
                "on": t.on.isoformat(),
                "topic": t.topic,
                "minutes": t.minutes,
                "hours": minutes_to_hours(t.minutes),
            }
            for t in r.trainings
        ],
        "training_hours": minutes_to_hours(minutes),
        "absences": [
            {"from_on": a.from_on.isoformat(), "to_on": a.to_on.isoformat(), "reason": a.reason}
            for a in r.absences
        ],
        "relation_count": len(r.relations),
        "cases": r.cases,
        "by_role_and_tier": [
            {"role": c.role.value, "tier": c.tier.value, "cases": c.cases}
            for c in r.by_role_and_tier
        ],
        "sessions_attended": r.sessions_attended,
        "agreements_reached": r.agreements_reached,
        "open_cases": r.open_cases,
        "limit": r.limit,
        "open_case_numbers": [
            {"number": number, "status": status} for number, status in r.open_case_numbers
        ],
    }


def _fields_text(m: MediatorView, limit: int) -> list[str]:
    def pairs(*items: tuple[str, object]) -> str:
        return "  ".join(f"{k}：{v}" for k, v in items if v not in (None, ""))

    own_limit = f"{m.case_limit}件" if m.case_limit else f"{limit}件（委员会的规定）"
    return [
        line
        for line in (
            f"{m.name}" + (f"（{m.elder_category_label}）" if m.elder_category_label else ""),
            f"编号：{m.uuid}",
            pairs(
                ("性别", m.sex.label if m.sex else ""),
                ("民族", m.ethnicity),
                ("出生日期", f"{m.birth_date:%Y-%m-%d}" if m.birth_date else ""),
                ("联系电话", m.phone),
            ),
            pairs(("住址", m.place.text())),
            pairs(("擅长", "、".join(s.label for s in m.specialties))),
            pairs(("语言或方言", m.languages)),
            pairs(
                ("在岗", "是" if m.active else "否"),
                ("调委会委员", "是" if m.committee_member else "否"),
                ("最多同时办理", own_limit),
            ),
            pairs(("备注", m.notes)),
        )
        if line
    ]


def _section(lines: list[str], title: str, body: list[str], empty: str = "无") -> None:
    lines.append("")
    lines.append(f"【{title}】")
    lines.extend(body or [f"  {empty}"])


def _work_text(r: MediatorRecord) -> list[str]:
    lines = [f"  办理案件{r.cases}件"]
    lines += [f"    {c.role.label}·{c.tier.label}：{c.cases}件" for c in r.by_role_and_tier]
    lines.append(f"  参加调解{r.sessions_attended}次，达成协议{r.agreements_reached}件")
    lines.append(f"  在办案件{r.open_cases}件（上限{r.limit}件）")
    lines += [f"    {number}  {status}" for number, status in r.open_case_numbers]
    return lines


def record_text(r: MediatorRecord) -> str:
    """What `mediator show` prints; the relations only counted, as they hold others' IDs."""
    lines = _fields_text(r.mediator, r.limit)
    _section(lines, "工作记录", _work_text(r))
    minutes = sum(t.minutes for t in r.trainings)
    trainings = [
        f"  {t.on:%Y-%m-%d}  {t.topic}  {minutes_to_hours(t.minutes)}小时" for t in r.trainings
    ]
    if trainings:
        trainings.append(f"  合计{minutes_to_hours(minutes)}小时")
    _section(lines, "培训", trainings)
    _section(
        lines,
        "外出",
        [
            f"  {a.from_on:%Y-%m-%d} 至 {a.to_on:%Y-%m-%d}" + (f"  {a.reason}" if a.reason else "")
            for a in r.absences
        ],
    )
    _section(
        lines,
        "回避关系",
        [f"  {len(r.relations)}条（详见 roster export 导出的“回避关系”表）"] if r.relations else [],
    )
    return "\n".join(lines)


def cmd_mediator_show(args: argparse.Namespace) -> str:
    from app.services.mediators import mediator_record

    record = mediator_record(_open(args), args.mediator)
    return _json(record_json(record)) if args.json else record_text(record)


MEDIATOR_COMMANDS: dict[str, Handler] = {"show": cmd_mediator_show}


def cmd_mediator(args: argparse.Namespace) -> str:
    return MEDIATOR_COMMANDS[args.mediator_command](args)
