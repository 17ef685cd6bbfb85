"""`backup`, `restore`, `check` and `backups`: backing up, restoring and checking the database
from the command line; registered by `app.cli.build_parser`.

A password is typed twice (not shown) for an encrypted backup, once to restore one; a script
gives it in the environment variable LAONIANGJIU_BACKUP_PASSWORD instead.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import PROG, ChineseListHelpFormatter, _default_database, _open
from app.domain.errors import UserError, shown_path
from app.services.backup_crypto import PASSWORD_ENV

if TYPE_CHECKING:
    from app.services.accounts import SignedIn

Handler = Callable[[argparse.Namespace], str]


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add this module's sub-commands to `commands`; returns their handlers by name."""
    backup = commands.add_parser(
        "backup",
        help="备份数据库和附件（可以备份到U盘，可以加密码）",
        description=(
            "把数据库和全部附件备份成一个文件，做好后读回来逐一核对。"
            "不写 -o 时放在数据库旁边的 backups 文件夹里。"
        ),
        epilog=(
            f"例如：{PROG} backup -o /media/U盘 --encrypt\n"
            f"脚本里可以用环境变量 {PASSWORD_ENV} 给出密码，就不用输入了。"
        ),
        formatter_class=ChineseListHelpFormatter,
    )
    backup.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="文件夹",
        help="备份放到哪个文件夹，例如U盘（默认：数据库旁边的 backups 文件夹）",
    )
    backup.add_argument(
        "--encrypt", action="store_true", help="用密码加密备份（忘记密码就再也打不开）"
    )
    restore = commands.add_parser(
        "restore",
        help="从备份恢复数据库和附件",
        description=(
            "先核对备份并显示里面有什么（备份时间、案件数、最新的案件），确认后再恢复；"
            "现在的数据库先另存到 backups 文件夹。恢复前请关闭老娘舅的窗口。"
            "启用账号后只有管理员能恢复。"
        ),
        epilog=f"例如：{PROG} restore backups/laoniangjiu-auto-20261125-093000.zip",
    )
    restore.add_argument("file", type=Path, metavar="备份文件", help="要恢复的备份文件")
    restore.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    commands.add_parser(
        "check",
        help="全面检查数据库是否完好",
        description=(
            "逐页检查数据库文件、检查记录之间的引用、逐条核对操作记录；"
            "发现问题时说明是什么问题，并指出可以用来恢复的最新完好备份"
        ),
        epilog=f"例如：{PROG} check",
    )
    commands.add_parser(
        "backups",
        help="列出 backups 文件夹里的备份",
        description=(
            "列出数据库旁边 backups 文件夹里的备份（自动备份、手动备份、恢复前另存的数据库）"
        ),
    )
    return {
        "backup": cmd_backup,
        "restore": cmd_restore,
        "check": cmd_check,
        "backups": cmd_backups,
    }


def _database_path(args: argparse.Namespace, *, create: bool = False) -> Path:
    path: Path = args.db if args.db is not None else _default_database(create)
    return path


def _password(*, twice: bool) -> str:
    """The backup password: from the environment, or typed (not shown) at the terminal."""
    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        if not given:
            raise UserError(f"环境变量 {PASSWORD_ENV} 是空的，请在里面写上备份的密码。")
        return given
    if not sys.stdin.isatty():
        raise UserError(
            "这里要输入备份的密码，但没有可以输入的终端。请在命令行窗口里运行，"
            f"或用环境变量 {PASSWORD_ENV} 给出密码。"
        )
    first = getpass.getpass("请输入备份的密码（输入时不显示）：")
    if not twice:
        return first
    second = getpass.getpass("请再输入一次，核对一下：")
    if first != second:
        raise UserError("两次输入的密码不一样，备份没有做。请重新运行，仔细输入两次同样的密码。")
    return first


def cmd_backup(args: argparse.Namespace) -> str:
    from app.services.backup import LOST_PASSWORD_WARNING, check_password, make_backup

    password = None
    if args.encrypt:
        if os.environ.get(PASSWORD_ENV) is None:
            print(LOST_PASSWORD_WARNING, file=sys.stderr, flush=True)
        password = _password(twice=True)
        check_password(password)
    db = _open(args)
    return make_backup(db, args.output, password=password, reason="manual").message


def cmd_restore(args: argparse.Namespace) -> str:
    from app.services.backup import BackupInfo, check_may_restore, is_encrypted, restore_backup

    file: Path = args.file
    try:
        encrypted = is_encrypted(file)
    except FileNotFoundError:
        raise UserError(
            f"找不到备份文件“{shown_path(file)}”，请检查文件名和所在的文件夹。"
        ) from None
    except OSError:
        encrypted = False  # restore_backup says what is wrong with the file
    target = _database_path(args, create=True)
    # Who restores is settled before a backup password is asked for.
    person = _signed_in_to(target, args)
    check_may_restore(target, person)
    password = _password(twice=False) if encrypted else None
    shown: list[str] = []

    def confirm(info: BackupInfo) -> bool:
        summary = f"{info.summary()}\n恢复到：{target}"
        if args.yes:
            shown.append(summary)
            return True
        print(summary, flush=True)
        if not sys.stdin.isatty():
            raise UserError(
                "没有恢复，什么也没有改动：要确认才能恢复。请在命令后面加 --yes，"
                f"例如 {PROG} restore {file} --yes"
            )
        answer = input("恢复以后现在的数据库会被替换（它会先另存一份）。确定要恢复吗？（是/否）")
        return answer.strip().lower() in ("是", "y", "yes", "确定", "好")

    result = restore_backup(file, target, password, confirm=confirm, person=person)
    if result is None:
        return "没有恢复，什么也没有改动。"
    return "\n".join([*shown, result.message])


def _signed_in_to(target: Path, args: argparse.Namespace) -> SignedIn | None:
    """With accounts on in the database a restore would replace, the person the command names
    (--user, or LAONIANGJIU_USER and LAONIANGJIU_PIN), signed in to that database; restore
    then checks there that they are one of its administrators. None with accounts off."""
    from app.cli_accounts import sign_in_for_command
    from app.services import accounts
    from app.services.backup import accounts_on_in
    from app.services.database import open_database

    if not accounts_on_in(target):
        return None
    db = open_database(target, create=False)
    try:
        sign_in_for_command(db, getattr(args, "user", None))
        return accounts.current_user(db)
    finally:
        db.close()


def cmd_check(args: argparse.Namespace) -> str:
    from app.services.backup import check_database

    report = check_database(_database_path(args))
    if not report.sound:
        raise UserError(report.text)
    return report.text


def cmd_backups(args: argparse.Namespace) -> str:
    from app.services.backup import backups_folder, list_backups

    database = _database_path(args)
    found = list_backups(database)
    folder = backups_folder(database.expanduser().absolute())
    if not found:
        return f"备份文件夹“{folder}”里还没有这个数据库的备份。"
    kinds = {"auto": "自动", "manual": "手动", "before-restore": "恢复前另存"}
    lines = []
    for info in found:
        made = f"{info.made_at:%Y-%m-%d %H:%M}" if info.made_at else "时间不明"
        held = f"案件{info.cases}件" if info.cases is not None else ""
        if info.newest_case:
            held += f"，最新{info.newest_case}"
        lines.append(
            "\t".join(
                part
                for part in (
                    made,
                    kinds.get(info.reason, info.reason or "备份"),
                    "加密" if info.encrypted else "",
                    held,
                    info.path.name,
                )
                if part
            )
        )
    lines.append(f"共{len(found)}份，在“{folder}”。要恢复哪一份：{PROG} restore 备份文件")
    return "\n".join(lines)
