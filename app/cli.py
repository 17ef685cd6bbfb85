"""The command line: `python -m app` / `laoniangjiu-cli`. Same services as the window, no Qt.

Exit status: 0 done; 1 the input or the files are wrong (a Chinese message on stderr says what
and how to fix it, and nothing was written); 2 the command itself was mistyped; 3 a bug
(details in the log file).

Faults of the machine a person can put right are exit 1 too, said in words: a full disk, a
database another program holds, a read-only folder or file, an over-long file name, text that
is not UTF-8. A closed pipe (`cases | head`) ends quietly, and a console that cannot show a
character (GBK on Chinese Windows, which has no 𠮷) shows "?" in its place.
"""

from __future__ import annotations

import argparse
import errno
import io
import json
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from app.domain.codes import FailureRoute, Labelled, ReferralTarget, Tier
from app.domain.errors import UserError, clipped, shown_path
from app.domain.lifecycle import TRANSITIONS, CaseEvent, EventInput, Need
from app.domain.validation import shown_value

if TYPE_CHECKING:
    from app.services.database import Database

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
PROG = "laoniangjiu-cli"
OUTPUT_FORMATS = {".pdf": "pdf", ".docx": "docx"}

#: argparse's error messages (Python 3.11 wording, after "argument X: ") and what to say
#: instead. argparse has no Chinese catalogue, and its English must not reach a volunteer.
_ARGPARSE_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"the following arguments are required: (?P<names>.+)", "缺少{names}。"),
        (r"unrecognized arguments: (?P<value>.+)", "不认识“{value}”，请检查是否打错或多打了。"),
        (
            r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)",
            "{arg}没有“{value}”这一项，可以写的有：{choices}。",
        ),
        (r"invalid int value: (?P<value>.+)", "{arg}要写整数，“{value}”不是整数，例如 120。"),
        (r"invalid \w+ value: (?P<value>.+)", "{arg}的值“{value}”不对。"),
        (r"expected one argument", "{arg}后面要跟一个值。"),
        (r"expected at most one argument", "{arg}后面最多跟一个值。"),
        (r"expected at least one argument", "{arg}后面至少要跟一个值。"),
        (r"expected (?P<count>\d+) arguments?", "{arg}后面要跟{count}个值。"),
        (r"ignored explicit argument (?P<value>.+)", "{arg}后面不能带“{value}”。"),
        (r"not allowed with argument (?P<other>.+)", "{arg}不能和{other}一起用。"),
        (
            r"ambiguous option: (?P<value>\S+) could match (?P<choices>.+)",
            "“{value}”没有写全，可能是：{choices}，请写完整。",
        ),
        (r"one of the arguments (?P<names>.+) is required", "{names}之中要写一个。"),
    )
]
_ARGUMENT = re.compile(r"argument (?P<arg>[^:]+): (?P<rest>.+)", re.DOTALL)


def _unquote(text: str) -> str:
    """'printt' → printt; "'init', 'demo'" → init、demo (argparse quotes values with repr)."""
    parts = [part.strip() for part in text.split(",")]
    bare = [p[1:-1] if len(p) >= 2 and p[0] == p[-1] and p[0] in "'\"" else p for p in parts]
    return "、".join(bare)


#: A message this program wrote itself (a value's type check, a rule between options) is Chinese
#: from its first character; argparse's own messages all start in English.
_OWN_MESSAGE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“].*", re.DOTALL)


def translate_argparse_error(message: str) -> str:
    """argparse's English error in Chinese; one it does not know becomes a general sentence."""
    arg = "这一项"
    about_argument = _ARGUMENT.fullmatch(message)
    if about_argument:
        arg, message = about_argument["arg"], about_argument["rest"]
    if _OWN_MESSAGE.fullmatch(message):
        return message if about_argument is None else f"{arg}：{message}"
    for pattern, chinese in _ARGPARSE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            values = {k: _unquote(v) for k, v in match.groupdict().items()}
            return chinese.format(arg=arg, **values)
    return "有参数写错了。"


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Help text with a Chinese “用法：” line."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseListHelpFormatter(ChineseHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Chinese help whose description and epilog keep their lines (a list of codes)."""


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse that speaks Chinese: usage, help, section titles and every error message."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs["add_help"] = False  # argparse's own -h says "show this help message and exit"
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "要写的内容"
        self._optionals.title = "选项"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="显示这份说明，然后退出"
        )

    def error(self, message: str) -> NoReturn:
        self.refuse(translate_argparse_error(message))

    def refuse(self, chinese: str) -> NoReturn:
        """A usage error in Chinese: also a rule between options that argparse cannot state."""
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE,
            f"命令写得不对：{printable(chinese)}\n请加 --help 查看用法，例如 {self.prog} --help\n",
        )


def build_parser() -> argparse.ArgumentParser:
    from app.paths import default_database_path  # only named: --help makes no folder

    parser = ChineseArgumentParser(
        prog=PROG,
        description="老娘舅 人民调解案件管理（命令行）",
        epilog=f"例如：{PROG} --db 我的案件.db cases",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="文件",
        help=f"数据库文件（默认：{default_database_path()}）",
    )
    parser.add_argument(
        "--user",
        default=None,
        metavar="姓名",
        help="启用账号后：以谁的身份操作（PIN 在提示时输入，脚本中用环境变量 LAONIANGJIU_PIN）",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令", title="命令")

    init = commands.add_parser("init", help="新建一个空数据库", description="新建一个空数据库")
    init.add_argument(
        "--committee",
        default=None,
        metavar="全称",
        help="调解委员会全称，如 飞机场社区人民调解委员会",
    )
    init.add_argument("--short-name", default=None, metavar="简称", help="编号用的简称，如 飞")

    demo = commands.add_parser(
        "demo", help="在空数据库中填入演示数据", description="在空数据库中填入演示数据"
    )
    demo.add_argument("--cases", type=int, default=120, metavar="数量", help="案件数量（默认 120）")
    demo.add_argument(
        "--seed", type=int, default=2026, metavar="数字", help="随机种子，相同种子得到相同数据"
    )

    imp = commands.add_parser(
        "import",
        help="从交换文件（JSON）导入调解员和案件",
        description="从交换文件（JSON）导入调解员和案件，要么全部导入，要么一件也不导入",
    )
    imp.add_argument("file", type=Path, metavar="文件", help="交换文件，例如 案件.json")

    exp = commands.add_parser(
        "export",
        help="把全部调解员和案件导出为交换文件（JSON）",
        description="把全部调解员和案件导出为交换文件（JSON）。文件里有居民的身份证号和电话，"
        "交给不需要看号码的人时请加 --mask；掩去号码的文件导入时，号码都是空的。"
        "启用账号以后，角色不能查看完整号码的人（记录员）导出的文件总是掩去号码的，"
        "加不加 --mask 都一样",
        epilog=f"例如：{PROG} export 案件.json；{PROG} export 交街道.json --mask",
    )
    exp.add_argument("file", type=Path, metavar="文件", help="保存到的文件，例如 案件.json")
    exp.add_argument(
        "--mask",
        action="store_true",
        help="掩去身份证号和电话（例如 110105********002X、139****1111），"
        '文件开头注明 "identity_masked": true',
    )

    cases = commands.add_parser("cases", help="列出案件", description="列出案件")
    cases.add_argument("--json", action="store_true", help="以 JSON 输出")

    printing = commands.add_parser(
        "print",
        help="打印文书到 PDF 或 Word 文件",
        description="打印案件的文书到 PDF 或 Word 文件，或打印空白表给当事人手写",
        epilog=PRINT_EPILOG,
        formatter_class=ChineseListHelpFormatter,
    )
    printing.add_argument(
        "form",
        nargs="?",
        metavar="文书",
        help=(
            "文书代码（print --list 列出全部），如 agreement、investigation；"
            "dossier 打印整本卷宗；blank 打印空白表"
        ),
    )
    printing.add_argument(
        "case", nargs="?", metavar="案件", help="案件编号或 uuid；打印空白表时写文书代码"
    )
    printing.add_argument(
        "--format",
        choices=["pdf", "docx"],
        default=None,
        help="pdf 或 docx（Word）；不写时按 -o 文件名的结尾决定，没有结尾时是 pdf",
    )
    # Not required by argparse: `print --list` writes no file (cmd_print asks for it).
    printing.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="文件",
        help="保存到的文件，例如 协议.pdf",
    )
    printing.add_argument(
        "--item",
        type=int,
        default=None,
        metavar="序号",
        help="调查记录、调解记录、回访记录打印哪一次，授权委托书打印哪一位代理人（不写：最近一次、第一位）",
    )
    printing.add_argument("--list", action="store_true", help="列出可以打印的文书和它们的代码")
    printing.set_defaults(usage_error=printing.refuse)

    due = commands.add_parser(
        "due",
        help="列出到期和逾期的事项（待办）",
        description="列出所有案件中已经逾期、或七天内到期的事项，最紧急的在前",
    )
    due.add_argument(
        "--on", type=parse_day, default=None, metavar="日期", help="按哪一天计算（默认今天）"
    )
    due.add_argument("--json", action="store_true", help="以 JSON 输出")

    case = commands.add_parser(
        "case", help="查看或办理一个案件", description="查看一个案件的全部情况，或办理一步"
    )
    case_commands = case.add_subparsers(
        dest="case_command", required=True, metavar="操作", title="操作"
    )
    show = case_commands.add_parser(
        "show",
        help="显示案件的全部情况和操作记录",
        description="显示案件的当事人、调解员、层级、办理经过、协议和履行情况、回访、风险和操作记录",
    )
    show.add_argument("case", metavar="案件", help=CASE_HELP)
    show.add_argument("--json", action="store_true", help="以 JSON 输出（身份证号完整）")

    escalate = case_commands.add_parser(
        "escalate",
        help="移交上一级（院落、社区或社区以外）",
        description="把案件移交上一级：楼栋 → 院落 → 社区 → 社区以外，只能向上",
        epilog=f"例如：{PROG} case escalate （2026）飞人调字第12号 --to courtyard "
        "--reason 涉及两个单元",
    )
    escalate.add_argument("case", metavar="案件", help=CASE_HELP)
    escalate.add_argument(
        "--to",
        required=True,
        choices=[t.value for t in Tier],
        metavar="层级",
        help="courtyard（院落）、community（社区）或 referred（移交社区以外，要写 --target）",
    )
    escalate.add_argument("--reason", required=True, metavar="原因", help="为什么要移交")
    escalate.add_argument(
        "--target",
        choices=[t.value for t in ReferralTarget],
        default=None,
        metavar="部门",
        help=f"移交社区以外时接收的部门：{_codes(ReferralTarget)}",
    )
    escalate.add_argument("--on", type=parse_day, default=None, metavar="日期", help=ON_HELP)
    escalate.add_argument("--by", default="", metavar="姓名", help="决定移交的人（默认为经办人）")
    escalate.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)
    escalate.set_defaults(usage_error=escalate.refuse)

    event = case_commands.add_parser(
        "event",
        help="办理一步：受理、开始调解、调解不成、归档……",
        description="办理案件的一步；案件当前状态不允许、或缺少需要的内容时，不做任何改动并说明原因",
        epilog=_events_epilog(),
        formatter_class=ChineseListHelpFormatter,
    )
    event.add_argument("case", metavar="案件", help=CASE_HELP)
    event.add_argument(
        "event",
        choices=[e.value for e in CaseEvent],
        metavar="事项",
        help="要办理的事项代码，见下面的列表",
    )
    event.add_argument("--reason", default="", metavar="原因", help="原因或说明")
    event.add_argument("--on", type=parse_day, default=None, metavar="日期", help=ON_HELP)
    event.add_argument("--withdrawn-by", default="", metavar="姓名", help="撤回申请的当事人")
    event.add_argument(
        "--target",
        choices=[t.value for t in ReferralTarget],
        default=None,
        metavar="部门",
        help=f"移交给哪个部门：{_codes(ReferralTarget)}",
    )
    event.add_argument(
        "--routes",
        type=parse_routes,
        default=None,
        metavar="途径",
        help=f"调解不成时已告知当事人的途径，用逗号分开：{_codes(FailureRoute)}",
    )
    event.add_argument("--actor", default=None, metavar="姓名", help=ACTOR_HELP)
    event.set_defaults(usage_error=event.refuse)
    # The roster's and the panels' commands live beside this module, each in its own file.
    from app import (
        cli_accounts,
        cli_audit,
        cli_backup,
        cli_dossier,
        cli_panels,
        cli_roster,
        cli_screening,
        cli_search,
        cli_stats,
        cli_subsidy,
    )

    for module in (
        cli_roster,
        cli_panels,
        cli_dossier,
        cli_subsidy,
        cli_screening,
        cli_search,
        cli_stats,
        cli_audit,
        cli_backup,
        cli_accounts,
    ):
        COMMANDS.update(module.add_commands(commands))
    return parser


CASE_HELP = "案件编号（如 （2026）飞人调字第12号）、uuid 或序号"
ON_HELP = "办理的日期，写成 年-月-日，如 2026-11-05（默认今天）"
ACTOR_HELP = (
    "经办人姓名，记入操作记录（默认：本机用户；启用账号后记的是登录的人，这里写的另记为经办人）"
)

#: What an event's needs ask for on the command line.
_NEED_OPTIONS = {
    Need.REASON: "--reason",
    Need.WITHDRAWN_BY: "--withdrawn-by",
    Need.REFERRED_TO: "--target",
    Need.ROUTES: "--routes",
}


def _codes(enum: type[Labelled]) -> str:
    return "、".join(f"{m.value}（{m.label}）" for m in enum)


def event_options(event: CaseEvent) -> list[str]:
    """The options an event needs in any status (its rows' needs the person types in)."""
    needs = {n for row in TRANSITIONS if row.event is event for n in row.needs}
    return [_NEED_OPTIONS[n] for n in Need if n in needs and n in _NEED_OPTIONS]


def _events_epilog() -> str:
    width = max(len(e.value) for e in CaseEvent)
    lines = ["事项代码："]
    for e in CaseEvent:
        needs = event_options(e)
        lines.append(
            f"  {e.value:<{width}}  {e.label}" + (f"  要写 {'、'.join(needs)}" if needs else "")
        )
    lines.append("")
    lines.append(
        f"例如：{PROG} case event （2026）飞人调字第12号 fail --routes court,arbitration "
        "--reason 双方分歧过大"
    )
    return "\n".join(lines)


def parse_day(text: str) -> date:
    """A date as the command line takes it: 2026-11-05 (full-width digits are read too)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned):
            raise ValueError(cleaned)
        year, month, day = (int(part) for part in cleaned.split("-"))
        return date(year, month, day)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期“{text}”不对，请写成 年-月-日，例如 2026-11-05"
        ) from None


def parse_routes(text: str) -> frozenset[FailureRoute]:
    """ "court,arbitration" → the routes; a Chinese comma or 、 separates as well."""
    parts = [p.strip() for p in re.split(r"[,，、]", unicodedata.normalize("NFKC", text))]
    routes: set[FailureRoute] = set()
    for part in parts:
        if not part:
            continue
        try:
            routes.add(FailureRoute(part))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"没有“{part}”这种途径，可以写的有：{_codes(FailureRoute)}，"
                "几种之间用逗号分开，例如 court,arbitration"
            ) from None
    if not routes:
        raise argparse.ArgumentTypeError(
            f"请写明告知当事人的途径：{_codes(FailureRoute)}，例如 court"
        )
    return frozenset(routes)


def _open(args: argparse.Namespace, *, create: bool = False, **naming: str | None) -> Database:
    """The database of --db; only the commands that fill a database may create the file.

    A database the command creates, and the folders made for it, are removed again if the
    command then fails (`main`): a failed import into a new folder leaves nothing behind.
    """
    from app.services.database import open_database

    path = args.db if args.db is not None else _default_database(create)
    if create:
        _run.made.extend(p for p in _missing(path) if p not in _run.made)
    db = open_database(path, create=create, **naming)
    _run.opened.append(db)
    from app.cli_accounts import sign_in_for_command

    sign_in_for_command(db, getattr(args, "user", None))
    return db


def _default_database(create: bool) -> Path:
    """The database in the data folder, which only a command that creates makes; a data
    folder that cannot be used is said in words, with --db as the way round it."""
    from app import paths

    if create or paths.data_dir_path().exists():
        try:
            paths.data_dir()
        except OSError as error:
            raise paths.unusable_data_dir(error) from error
    return paths.default_database_path()


def _missing(path: Path) -> list[Path]:
    """The folders above `path` that do not exist yet, outermost first, then `path` itself."""
    try:
        path = path.expanduser().absolute()
        return [p for p in (*reversed(path.parents), path) if not p.exists()]
    except OSError:  # a name the system refuses: open_database says so
        return []


@dataclass
class _Run:
    """What one command opened, and what it created to be removed again if it fails."""

    opened: list[Database] = field(default_factory=list)
    made: list[Path] = field(default_factory=list)

    def finish(self, failed: bool) -> None:
        for db in self.opened:
            with suppress(Exception):
                db.close()
        if not failed:
            return
        created = {db.path for db in self.opened if db.created}
        for path in reversed(self.made):
            with suppress(OSError):
                if path.is_dir():
                    path.rmdir()  # only an empty one: nothing else was put there
                elif path.resolve() in created:  # the database this command built
                    for suffix in ("", "-wal", "-shm", "-journal"):
                        path.with_name(path.name + suffix).unlink(missing_ok=True)


_run = _Run()


def cmd_init(args: argparse.Namespace) -> str:
    from app.domain.numbering import check_committee_name, check_short_name
    from app.services.database import get_committee, update_committee

    # Checked before any file is made; a new database gets them with its committee row.
    name = check_committee_name(args.committee) if args.committee is not None else None
    short = check_short_name(args.short_name) if args.short_name is not None else None
    db = _open(args, create=True, committee_name=name, short_name=short)
    info = get_committee(db)
    if (name is not None and info.name != name) or (short is not None and info.short_name != short):
        update_committee(db, name=name, short_name=short)  # an existing database renamed
    return f"数据库已就绪：{db.path}"


def cmd_demo(args: argparse.Namespace) -> str:
    from app.services.demo import fill_demo
    from app.services.exchange import case_count

    if not 1 <= args.cases <= 200_000:
        raise UserError("案件数量应在 1 到 200000 之间。")
    db = _open(args, create=True)
    if case_count(db):
        raise UserError(
            f"数据库“{db.path}”中已经有案件，演示数据只能填入空数据库，以免和真实案件混在一起。"
            "请用 --db 指定一个新文件。"
        )
    summary = fill_demo(db, cases=args.cases, seed=args.seed)
    return f"已生成演示数据：调解员{summary.mediators}名，案件{summary.cases}件。数据库：{db.path}"


def cmd_import(args: argparse.Namespace) -> str:
    from app.services.exchange import import_file

    return import_file(_open(args, create=True), args.file).summary()


def cmd_export(args: argparse.Namespace) -> str:
    from app.services.exchange_export import export_file, must_mask

    db = _open(args)
    masked = must_mask(db, args.mask)
    count = export_file(db, args.file, mask=masked)
    if not masked:
        return f"已导出案件{count}件到“{args.file}”。"
    why = "" if args.mask else "您的角色不能查看完整的号码，"
    return f"已导出案件{count}件到“{args.file}”，{why}身份证号和电话已掩去。"


def cmd_cases(args: argparse.Namespace) -> str:
    from app.services.cases import count_cases, list_cases

    db = _open(args)
    rows = list_cases(db, limit=count_cases(db))
    if args.json:
        return json.dumps(
            [
                {
                    "number": r.number,
                    "uuid": r.uuid,
                    "title": r.title,
                    "status": r.status.value,
                    "tier": r.tier.value,
                    "received_on": r.received_on.isoformat(),
                }
                for r in rows
            ],
            ensure_ascii=False,
            indent=2,
        )
    lines = [
        f"{r.number}\t{r.received_on:%Y-%m-%d}\t{r.status.label}\t{r.tier.label}\t{r.title}"
        f"\t{r.uuid}"
        for r in rows
    ]
    lines.append(f"共{len(rows)}件")
    return "\n".join(lines)


def output_format(given: str | None, output: Path) -> str:
    """pdf or docx: as --format says, else as the output file's name ends (pdf if it has no end).

    A format that contradicts the name is refused: a Word file called .pdf would not open.
    """
    suffix = output.suffix.lower()
    if given is None:
        if not suffix:
            return "pdf"
        if suffix in OUTPUT_FORMATS:
            return OUTPUT_FORMATS[suffix]
        raise UserError(
            f"不知道“{output.name}”要保存成哪种文件。请让文件名以 .pdf 或 .docx 结尾，"
            f"例如 -o 协议.pdf，或写明 --format pdf 或 --format docx。"
        )
    if suffix and suffix != f".{given}":
        raise UserError(
            f"--format {given} 和文件名“{output.name}”的结尾“{suffix}”对不上，文件会打不开。"
            f"请改成一致，例如 --format {given} -o {output.stem}.{given}，"
            "或者不写 --format，让程序按文件名的结尾决定。"
        )
    return given


PRINT_EPILOG = f"""例如：
  {PROG} print --list
  {PROG} print agreement （2026）飞人调字第12号 -o 协议.pdf
  {PROG} print investigation （2026）飞人调字第12号 --item 40 -o 调查记录.docx
  {PROG} print blank application -o 申请书.pdf
不写 --item 时，调查记录、调解记录、回访记录打印最近一次，授权委托书打印第一位代理人；
出错信息里列出这个案件可以写的序号。"""


def cmd_print(args: argparse.Namespace) -> str:
    from app.services import printing

    if args.list:
        if args.form or args.output or args.item is not None:
            args.usage_error("--list 只列出文书，不能和文书、案件、-o 或 --item 一起写")
        from app.documents.forms.registry import form_names

        return "\n".join(f"{key}\t{name}" for key, name in form_names())
    if args.form is None:
        args.usage_error("缺少文书和案件，例如 print agreement （2026）飞人调字第12号 -o 协议.pdf")
    if args.case is None:
        args.usage_error("缺少案件" if args.form != "blank" else "缺少要打印的空白文书代码")
    if args.output is None:
        args.usage_error("缺少-o/--output。")
    fmt = output_format(args.format, args.output)
    if args.form == "dossier":
        if args.item is not None:
            args.usage_error("整本卷宗不用写 --item")
        return printing.print_dossier(_open(args), args.case, fmt, args.output).message
    printing.form_spec(args.case if args.form == "blank" else args.form)  # before the database
    if args.form == "blank":
        if args.item is not None:
            args.usage_error("空白表不用写 --item")
        from app.services.database import get_committee

        committee = get_committee(_open(args))
        return printing.print_blank(args.case, fmt, args.output, committee).message
    if args.form in ("agreement", "oral_agreement"):
        _wording_hints(_open(args), args.case)
    if args.form == "agreement" and args.item is None:  # as it always printed
        return printing.print_agreement(_open(args), args.case, fmt, args.output).message
    saved = printing.print_form(
        _open(args), args.form, args.case, fmt, args.output, item_id=args.item
    )
    return saved.message


def _wording_hints(db: Any, case_ref: str) -> None:
    """The wording check before an agreement is printed: on stderr, never stopping the print."""
    from app.domain.agreement_check import check_agreement_wording
    from app.services.detail import get_case

    case = get_case(db, case_ref)
    for hint in check_agreement_wording(case.agreement, case.parties):
        print(f"提醒：{hint}", file=sys.stderr)


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def cmd_due(args: argparse.Namespace) -> str:
    from app.services.due import due_items

    on = args.on or date.today()
    items = due_items(_open(args), on)
    if args.json:
        return _json(
            [
                {
                    "case_number": i.case_number,
                    "case_id": i.case_id,
                    "kind": i.kind.value,
                    "on": i.on.isoformat(),
                    "days_late": i.days_late,
                    "overdue": i.overdue,
                    "what": i.what,
                    "ref": i.ref,
                }
                for i in items
            ]
        )
    if not items:
        return f"没有到期或逾期的事项（按{on:%Y-%m-%d}计算）"
    lines = [
        f"{i.case_number}\t{i.kind.label}\t{i.on:%Y-%m-%d}"
        f"\t{f'逾期{i.days_late}天' if i.overdue else '未逾期'}\t{i.what}"
        for i in items
    ]
    late = sum(1 for i in items if i.overdue)
    lines.append(f"共{len(items)}项，其中逾期{late}项（按{on:%Y-%m-%d}计算）")
    return "\n".join(lines)


def cmd_case_show(args: argparse.Namespace) -> str:
    from app.services.case_report import case_report, case_text

    db = _open(args)
    if args.json:
        return _json(case_report(db, args.case, date.today()))
    return case_text(db, args.case, date.today())


def _actor(args: argparse.Namespace) -> str:
    from app.services.operations import DEFAULT_ACTOR

    return (args.actor or "").strip() or DEFAULT_ACTOR


def cmd_case_escalate(args: argparse.Namespace) -> str:
    from app.services.case_life import apply_event, escalate

    to = Tier(args.to)
    if to is Tier.REFERRED:
        if args.target is None:
            args.usage_error(
                "移交社区以外（--to referred）要用 --target 写明接收的部门："
                f"{_codes(ReferralTarget)}，例如 --target judicial_office"
            )
        by = args.by.strip()
        if by and args.actor and by != args.actor.strip():
            args.usage_error(
                "移交社区以外时，决定移交的人记为经办人：--by 和 --actor 只写一个，或者写同一个人"
            )
        target = ReferralTarget(args.target)
        detail, _ = apply_event(
            _open(args),
            args.case,
            CaseEvent.REFER,
            EventInput(reason=args.reason, referred_to=target),
            on=args.on,
            actor=by or _actor(args),
        )
        return f"已移交{target.label}：案件{detail.number}现在是“{detail.status.label}”。"
    if args.target is not None:
        args.usage_error("--target 只在移交社区以外（--to referred）时写")
    detail, _ = escalate(
        _open(args),
        args.case,
        to,
        args.reason,
        on=args.on,
        decided_by=args.by,
        actor=_actor(args),
    )
    move = detail.escalations[-1]
    return (
        f"已移交：案件{detail.number}从“{move.from_tier.label}”移交到“{move.to_tier.label}”，"
        f"决定人：{move.decided_by}。"
    )


def cmd_case_event(args: argparse.Namespace) -> str:
    from app.services.case_life import apply_event

    event = CaseEvent(args.event)
    wanted = event_options(event)
    given = {
        "--withdrawn-by": bool(args.withdrawn_by),
        "--target": args.target is not None,
        "--routes": args.routes is not None,
    }
    for option, present in given.items():
        if present and option not in wanted:
            args.usage_error(f"“{event.label}”（{event.value}）不用写 {option}")
    detail, _ = apply_event(
        _open(args),
        args.case,
        event,
        EventInput(
            reason=args.reason,
            withdrawn_by=args.withdrawn_by,
            referred_to=ReferralTarget(args.target) if args.target else None,
            routes=args.routes or frozenset(),
        ),
        on=args.on,
        actor=_actor(args),
    )
    return f"已办理“{event.label}”：案件{detail.number}现在是“{detail.status.label}”。"


CASE_COMMANDS = {
    "show": cmd_case_show,
    "escalate": cmd_case_escalate,
    "event": cmd_case_event,
}


def cmd_case(args: argparse.Namespace) -> str:
    return CASE_COMMANDS[args.case_command](args)


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "import": cmd_import,
    "export": cmd_export,
    "cases": cmd_cases,
    "print": cmd_print,
    "due": cmd_due,
    "case": cmd_case,
}


def main(argv: Sequence[str] | None = None) -> int:
    global _run
    _tolerant_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    _run = _Run()
    failed = True
    try:
        _refuse_undecodable(parser, args)
        text = COMMANDS[args.command](args)
        failed = False
    except UserError as error:
        _say(f"错误：{error.message}")
        return EXIT_USER_ERROR
    except Exception as error:
        problem = _users_to_fix(error, args)
        if problem is not None:
            _say(f"错误：{problem.message}")
            return EXIT_USER_ERROR
        # A bug, not the user's doing: keep the details for the maintainer.
        from app.logs import log_exception
        from app.paths import log_path

        where = log_exception("command line")
        told = (
            f"详细信息已写入：{where}"
            if where is not None
            else f"详细信息没能写入日志文件（{log_path()}），请把刚才的命令告诉维护人员"
        )
        _say(f"程序出错了，这不是您的操作问题，数据没有改动。{told}")
        return EXIT_BUG
    finally:
        _run.finish(failed)
    return _print_out(text)


#: What the system answers that the person can put right (a full disk, a name too long…).
_USERS_OS_ERRORS = {
    errno.ENOSPC,
    getattr(errno, "EDQUOT", errno.ENOSPC),
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENAMETOOLONG,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.EIO,
    errno.EBUSY,
}


def _users_to_fix(error: Exception, args: argparse.Namespace) -> UserError | None:
    """A fault of the machine that escaped the services, when the person can put it right."""
    if isinstance(error, OSError):
        if error.errno not in _USERS_OS_ERRORS:
            return None
        from app.services.files import os_problem

        name = f"“{shown_path(error.filename)}”：" if error.filename else ""
        return UserError(f"{name}{os_problem(error)}。")
    if type(error).__module__.split(".")[0] not in ("sqlalchemy", "sqlite3"):
        return None
    from app.paths import default_database_path
    from app.services.database import database_problem

    return database_problem(error, args.db or default_database_path())


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_undecodable(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Text that came in as bytes that are not UTF-8 (a script or console set to GBK) holds
    characters no file, database or printer can take: refused before anything runs."""
    for dest, value in vars(args).items():
        values = value if isinstance(value, list | tuple) else (value,)
        if any(isinstance(v, str) and _SURROGATE.search(v) for v in values):
            label = _labels(parser).get(dest, dest)
            raise UserError(
                f"“{label}”里有无法识别的字符：传来的文字不是 UTF-8 编码（可能是终端、脚本或"
                "快捷方式的编码设置不对）。请把编码改成 UTF-8，或重新输入这段文字。"
            )


def _labels(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each value's name as the command line spells it: --reason, or a positional's 案件."""
    labels: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                labels.update(_labels(sub))
        elif action.option_strings:
            labels[action.dest] = max(action.option_strings, key=len)
        elif isinstance(action.metavar, str):
            labels[action.dest] = action.metavar
    return labels


def _tolerant_console() -> None:
    """Output that never fails for what it cannot show, and no standard stream left closed."""
    if os.name == "posix":
        for descriptor in (0, 1, 2):
            try:
                os.fstat(descriptor)
            except OSError:
                # Closed (`cases >&-`): the next file opened would get this number, and what
                # is printed would land in it. /dev/null takes the place.
                with suppress(OSError):
                    os.open(os.devnull, os.O_RDWR)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


#: A quoted value longer than a message should repeat.
_LONG_QUOTE = re.compile(r"“([^”]{41,})”")


def printable(message: str) -> str:
    """A message as a terminal may show it: each quoted value cut short, and anything that is
    not plain text shown as “?” — an escape sequence could rewrite the screen, a right-to-left
    mark turn the line around. Most messages quote what was typed (argparse's always do), so
    this is done here once, for every message of every command."""
    message = _LONG_QUOTE.sub(lambda m: f"“{clipped(m[1])}”", message)
    return "\n".join(shown_value(line, len(line)) for line in message.split("\n"))


def _say(text: str) -> None:
    """A line on stderr; a console that is gone (closed, a pipe nobody reads) takes nothing."""
    if sys.stderr is not None:
        with suppress(OSError, ValueError):
            print(printable(text), file=sys.stderr, flush=True)


def _print_out(text: str) -> int:
    out = sys.stdout
    if out is None:  # no output at all (closed, or a program started without a console)
        return EXIT_OK
    try:
        print(text, file=out)
        out.flush()
    except (BrokenPipeError, ValueError):
        _quiet_stdout()  # `… | head` stopped reading: nothing went wrong
    except OSError as error:
        if sys.platform == "win32" and error.errno == errno.EINVAL:  # Windows' closed pipe
            _quiet_stdout()
            return EXIT_OK
        from app.services.files import os_problem

        _quiet_stdout()
        _say(f"错误：输出没有写完：{os_problem(error)}。")
        return EXIT_USER_ERROR
    return EXIT_OK


def _quiet_stdout() -> None:
    """What is still buffered goes nowhere, so leaving the program raises nothing more."""
    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
