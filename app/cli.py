"""The command line: `python -m app` / `laoniangjiu-cli`. Same services as the window, no Qt.

Exit status: 0 done; 1 the input or the files are wrong (a Chinese message on stderr says what
and how to fix it, and nothing was written); 2 the command itself was mistyped; 3 a bug
(details in the log file).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from app.domain.errors import UserError

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


def translate_argparse_error(message: str) -> str:
    """argparse's English error in Chinese; one it does not know becomes a general sentence."""
    arg = "这一项"
    about_argument = _ARGUMENT.fullmatch(message)
    if about_argument:
        arg, message = about_argument["arg"], about_argument["rest"]
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

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE,
            f"命令写得不对：{translate_argparse_error(message)}\n"
            f"请加 --help 查看用法，例如 {PROG} --help\n",
        )


def build_parser() -> argparse.ArgumentParser:
    from app.paths import default_database_path

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
        description="把全部调解员和案件导出为交换文件（JSON）",
    )
    exp.add_argument("file", type=Path, metavar="文件", help="保存到的文件，例如 案件.json")

    cases = commands.add_parser("cases", help="列出案件", description="列出案件")
    cases.add_argument("--json", action="store_true", help="以 JSON 输出")

    printing = commands.add_parser(
        "print", help="打印文书到 PDF 或 Word 文件", description="打印文书到 PDF 或 Word 文件"
    )
    printing.add_argument(
        "form",
        choices=["agreement"],
        metavar="文书",
        help="agreement（人民调解协议书；口头协议打印人民调解口头协议登记表）",
    )
    printing.add_argument("case", metavar="案件", help="案件编号或 uuid")
    printing.add_argument(
        "--format",
        choices=["pdf", "docx"],
        default=None,
        help="pdf 或 docx（Word）；不写时按 -o 文件名的结尾决定，没有结尾时是 pdf",
    )
    printing.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="文件",
        help="保存到的文件，例如 协议.pdf",
    )
    return parser


def _open(args: argparse.Namespace, *, create: bool = False):  # type: ignore[no-untyped-def]
    """The database of --db; only the commands that fill a database may create the file."""
    from app.paths import default_database_path
    from app.services.database import open_database

    return open_database(args.db or default_database_path(), create=create)


def cmd_init(args: argparse.Namespace) -> str:
    from app.services.database import update_committee

    db = _open(args, create=True)
    if args.committee or args.short_name:
        update_committee(db, name=args.committee, short_name=args.short_name)
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
    from app.services.exchange import export_file

    count = export_file(_open(args), args.file)
    return f"已导出案件{count}件到“{args.file}”。"


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


def cmd_print(args: argparse.Namespace) -> str:
    from app.services.printing import print_agreement

    fmt = output_format(args.format, args.output)
    return print_agreement(_open(args), args.case, fmt, args.output).message


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "import": cmd_import,
    "export": cmd_export,
    "cases": cmd_cases,
    "print": cmd_print,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(COMMANDS[args.command](args))
    except UserError as error:
        print(f"错误：{error.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception:  # a bug, not the user's doing: keep the details for the maintainer
        from app.logs import log_exception

        where = log_exception("command line")
        print(
            f"程序出错了，这不是您的操作问题，数据没有改动。详细信息已写入：{where}",
            file=sys.stderr,
        )
        return EXIT_BUG
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
