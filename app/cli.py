"""The command line: `python -m app` / `laoniangjiu-cli`. Same services as the window, no Qt.

Exit status: 0 done; 1 the input or the files are wrong (a Chinese message on stderr says what
and how to fix it, and nothing was written); 2 the command itself was mistyped; 3 a bug
(details in the log file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from app.domain.errors import UserError

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse that explains a mistyped command in Chinese."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"命令写得不对：{message}\n请加 --help 查看用法。\n")


def build_parser() -> argparse.ArgumentParser:
    from app.paths import default_database_path

    parser = ChineseArgumentParser(
        prog="laoniangjiu-cli", description="老娘舅 人民调解案件管理（命令行）"
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"数据库文件（默认：{default_database_path()}）",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    init = commands.add_parser("init", help="新建一个空数据库")
    init.add_argument(
        "--committee", default=None, help="调解委员会全称，如 飞机场社区人民调解委员会"
    )
    init.add_argument("--short-name", default=None, help="编号用的简称，如 飞")

    demo = commands.add_parser("demo", help="在空数据库中填入演示数据")
    demo.add_argument("--cases", type=int, default=120, help="案件数量（默认 120）")
    demo.add_argument("--seed", type=int, default=2026, help="随机种子，相同种子得到相同数据")

    imp = commands.add_parser("import", help="从交换文件（JSON）导入调解员和案件")
    imp.add_argument("file", type=Path)

    exp = commands.add_parser("export", help="把全部调解员和案件导出为交换文件（JSON）")
    exp.add_argument("file", type=Path)

    cases = commands.add_parser("cases", help="列出案件")
    cases.add_argument("--json", action="store_true", help="以 JSON 输出")

    printing = commands.add_parser("print", help="打印文书到 PDF 或 Word 文件")
    printing.add_argument("form", choices=["agreement"], help="文书：agreement 人民调解协议书")
    printing.add_argument("case", help="案件编号或 uuid")
    printing.add_argument("--format", choices=["pdf", "docx"], default=None)
    printing.add_argument("-o", "--output", type=Path, required=True, help="保存到的文件")
    return parser


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from app.paths import default_database_path
    from app.services.database import open_database

    return open_database(args.db or default_database_path())


def cmd_init(args: argparse.Namespace) -> str:
    from app.services.database import update_committee

    db = _open(args)
    if args.committee or args.short_name:
        update_committee(db, name=args.committee, short_name=args.short_name)
    return f"数据库已就绪：{db.path}"


def cmd_demo(args: argparse.Namespace) -> str:
    from app.services.demo import fill_demo
    from app.services.exchange import case_count

    if not 1 <= args.cases <= 200_000:
        raise UserError("案件数量应在 1 到 200000 之间。")
    db = _open(args)
    if case_count(db):
        raise UserError(
            f"数据库“{db.path}”中已经有案件，演示数据只能填入空数据库，以免和真实案件混在一起。"
            "请用 --db 指定一个新文件。"
        )
    summary = fill_demo(db, cases=args.cases, seed=args.seed)
    return f"已生成演示数据：调解员{summary.mediators}名，案件{summary.cases}件。数据库：{db.path}"


def cmd_import(args: argparse.Namespace) -> str:
    from app.services.exchange import import_file

    return import_file(_open(args), args.file).summary()


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
        for r in rows
    ]
    lines.append(f"共{len(rows)}件")
    return "\n".join(lines)


def cmd_print(args: argparse.Namespace) -> str:
    from app.services.printing import print_agreement

    fmt = args.format or args.output.suffix.lstrip(".").lower()
    if fmt not in ("pdf", "docx"):
        raise UserError(
            "请用 --format pdf 或 --format docx 指定格式，或让输出文件以 .pdf / .docx 结尾。"
        )
    path = print_agreement(_open(args), args.case, fmt, args.output)
    return f"已保存人民调解协议书：{path}"


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
