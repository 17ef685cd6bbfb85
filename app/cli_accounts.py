"""`user on|off|add|reset|list|deactivate|pin`: accounts from the command line, and `delete`:
cases whose retention period has ended; registered by `app.cli.build_parser`.

With accounts on, every other command acts as a person: named by the environment variable
LAONIANGJIU_USER, with their PIN in LAONIANGJIU_PIN or typed (not shown) when asked. A new PIN
(`user add`, `user reset`, `user pin`) is typed twice, or given in LAONIANGJIU_NEW_PIN by a
script; `user on` names the first administrator, whose PIN is the one they will sign in with
(LAONIANGJIU_PIN, or typed twice). A PIN is never printed.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.cli import PROG, _json, _open
from app.domain.errors import UserError
from app.domain.roles import Role, parse_role
from app.services import accounts

if TYPE_CHECKING:
    from app.services.database import Database

Handler = Callable[[argparse.Namespace], str]

USER_ENV = "LAONIANGJIU_USER"
PIN_ENV = "LAONIANGJIU_PIN"
NEW_PIN_ENV = "LAONIANGJIU_NEW_PIN"

NEED_USER = (
    "已启用账号，请先登录：命令行请用 --user 姓名 指明操作人（脚本中可设置环境变量 "
    f"{USER_ENV} 和 {PIN_ENV}），例如 {USER_ENV}=王秀兰 {PROG} cases"
)
_ROLES = "、".join(f"{r.value}（{r.label}）" for r in Role)


def role_argument(text: str) -> Role:
    try:
        return parse_role(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_commands(commands: Any) -> dict[str, Handler]:
    """Add `user` to `commands`; returns its handler by name. From here on operations that need
    a person sign in as the environment says (`environment_credentials`)."""
    accounts.use_sign_in_source(environment_credentials)
    user = commands.add_parser(
        "user",
        help="账号：启用或关闭，添加账号、重设PIN、列出",
        description="几个人共用这台电脑时，每人用自己的账号和PIN登录，按角色办事："
        "管理员管账号和设置，调解员办案，记录员登记和记录（看到的身份证号、电话是隐去一部分的）",
    )
    actions = user.add_subparsers(dest="user_command", required=True, metavar="操作", title="操作")

    on = actions.add_parser(
        "on",
        help="启用账号，并设置第一位管理员",
        description="启用账号：写上管理员的姓名，再输入两次他（她）的PIN",
        epilog=f"例如：{PROG} user on 王秀兰",
    )
    on.add_argument("name", metavar="姓名", help="管理员的姓名")

    actions.add_parser(
        "off",
        help="关闭账号（管理员）：回到一个人使用",
        description="关闭账号：以后不用登录，所有操作记在“本机用户”名下；账号保留，可以再启用",
        epilog=f"例如：{USER_ENV}=王秀兰 {PROG} user off",
    )

    add = actions.add_parser(
        "add",
        help="添加账号（管理员）",
        description="添加一个账号，再输入两次这个人的PIN（至少4位数字，或至少6个字符的密码）",
        epilog=f"例如：{PROG} user add 李建国 --role 调解员",
    )
    add.add_argument("name", metavar="姓名", help="这个人的姓名")
    add.add_argument(
        "--role", type=role_argument, required=True, metavar="角色", help=f"角色：{_ROLES}"
    )

    reset = actions.add_parser(
        "reset",
        help="重设别人的PIN（管理员）",
        description="给忘了PIN的人重设一个；他（她）下次登录后要换成自己的PIN",
        epilog=f"例如：{PROG} user reset 李建国",
    )
    reset.add_argument("name", metavar="姓名", help="要重设PIN的人")

    listing = actions.add_parser(
        "list", help="列出账号", description="列出账号：姓名、角色、是否在用、上次登录的时间"
    )
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")

    stop = actions.add_parser(
        "deactivate",
        help="停用账号（管理员）",
        description="停用一个账号：这个人不能再登录；他（她）做过的事仍记在他（她）名下",
        epilog=f"例如：{PROG} user deactivate 李建国",
    )
    stop.add_argument("name", metavar="姓名", help="要停用的人")

    actions.add_parser(
        "pin",
        help="修改自己的PIN",
        description="修改自己的PIN：先登录（用原来的PIN），再输入两次新的PIN",
        epilog=f"例如：{USER_ENV}=李建国 {PROG} user pin",
    )
    delete = commands.add_parser(
        "delete",
        help="删除保管期限届满的案件（管理员）",
        description="删除案件和它的一切：当事人、记录、协议、附件文件、检索中的这一条，"
        "以及以前的操作记录里记下的当事人信息（这些记录只留下谁在什么时候做了什么，"
        "显示为“已按保存期限删除”，操作记录照样核对无误）。不能撤销；删除这一条操作记录只记"
        "案件编号。删除以前做的备份和导出的文件里仍有这个案件，请另行处理（见 docs/accounts.md）",
        epilog=f"例如：{PROG} delete （2016）飞人调字第3号 （2016）飞人调字第4号",
    )
    delete.add_argument("cases", nargs="+", metavar="案件", help="案件编号、uuid 或序号")
    delete.add_argument("--yes", action="store_true", help="不再询问，直接删除（脚本中用）")
    return {"user": cmd_user, "delete": cmd_delete}


# ====================================================================== PINs


def _typed(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise UserError(
            "这里要输入PIN，但没有可以输入的终端。请在命令行窗口里运行，"
            f"或在脚本中用环境变量 {PIN_ENV}（新的PIN用 {NEW_PIN_ENV}）给出。"
        )
    return getpass.getpass(prompt)


def _from_environment(variable: str) -> str | None:
    given = os.environ.get(variable)
    if given is not None and not given:
        raise UserError(f"环境变量 {variable} 是空的，请在里面写上PIN。")
    return given


def sign_in_pin(name: str) -> str:
    """The PIN of the person signing in: the environment's, or typed once."""
    given = _from_environment(PIN_ENV)
    return given if given is not None else _typed(f"请输入“{name}”的PIN（输入时不显示）：")


def new_pin(whose: str, variable: str = NEW_PIN_ENV) -> str:
    """A new PIN: from `variable`, or typed twice (not shown) and checked to be the same."""
    given = _from_environment(variable)
    if given is not None:
        return accounts.check_pin(given)
    first = _typed(f"请给“{whose}”设置PIN（至少4位数字，或至少6个字符的密码；输入时不显示）：")
    accounts.check_pin(first)
    if _typed("请再输入一次，核对一下：") != first:
        raise UserError("两次输入的PIN不一样，什么也没有改动。请重新运行，仔细输入两次同样的PIN。")
    return first


# ====================================================================== signing in


def environment_credentials() -> tuple[str, str]:
    """Who the command acts as, when an operation needs a person and nobody is signed in."""
    name = os.environ.get(USER_ENV, "").strip()
    if not name:
        raise UserError(NEED_USER)
    return name, sign_in_pin(name)


def sign_in_for_command(db: Database, user: str | None = None) -> None:
    """With accounts on, sign in the person the command names (`user`, else the environment)
    before it runs; refused in words when it names nobody. Nothing with accounts off."""
    if accounts.current_user(db) is not None or not accounts.accounts_enabled(db):
        return
    name = (user or os.environ.get(USER_ENV, "")).strip()
    if not name:
        raise UserError(NEED_USER)
    accounts.sign_in(db, name, sign_in_pin(name))


# ====================================================================== the commands


def cmd_user(args: argparse.Namespace) -> str:
    db = _open(args)
    if args.user_command == "on":
        return _on(db, args.name)
    sign_in_for_command(db, getattr(args, "user", None))
    command: Callable[[Database, argparse.Namespace], str] = {
        "off": _off,
        "add": _add,
        "reset": _reset,
        "list": _list,
        "deactivate": _deactivate,
        "pin": _pin,
    }[args.user_command]
    return command(db, args)


def _on(db: Database, name: str) -> str:
    admin = accounts.check_name(name)
    if accounts.accounts_enabled(db):
        raise UserError("账号已经启用了。要添加账号，请用 user add。")
    person = accounts.enable_accounts(db, admin, new_pin(admin, PIN_ENV))
    return (
        f"已启用账号，管理员是“{person.name}”。以后每条命令都要指明操作人，例如 "
        f"{USER_ENV}={person.name} {PROG} user add 李建国 --role 调解员"
    )


def _off(db: Database, args: argparse.Namespace) -> str:
    accounts.disable_accounts(db)
    return (
        "已关闭账号：以后不用登录，所有操作记在“本机用户”名下。"
        "账号都保留着，可以用 user on 再启用。"
    )


def _add(db: Database, args: argparse.Namespace) -> str:
    name = accounts.check_name(args.name)
    view, _ = accounts.add_account(db, name, args.role, new_pin(name))
    return f"已添加账号“{view.name}”（{view.role.label}）。"


def _reset(db: Database, args: argparse.Namespace) -> str:
    name = accounts.check_name(args.name)
    view = accounts.reset_pin(db, name, new_pin(name))
    return f"已重设“{view.name}”的PIN。请告诉他（她），下次登录后换成自己的PIN（user pin）。"


def _deactivate(db: Database, args: argparse.Namespace) -> str:
    view = accounts.deactivate(db, args.name)
    return f"已停用账号“{view.name}”：这个人不能再登录，做过的事仍记在他（她）名下。"


def _pin(db: Database, args: argparse.Namespace) -> str:
    person = accounts.current_user(db)
    if person is None:  # accounts off: nobody signs in, so there is no PIN of one's own
        raise UserError("账号没有启用，不需要PIN。要启用账号，请用 user on 姓名。")
    accounts.change_pin(db, sign_in_pin(person.name), new_pin(person.name))
    return f"“{person.name}”的PIN已经改好了。"


def _list(db: Database, args: argparse.Namespace) -> str:
    rows = accounts.list_accounts(db)
    enabled = accounts.accounts_enabled(db)
    if args.json:
        return _json(
            {
                "enabled": enabled,
                "accounts": [
                    {
                        "name": a.name,
                        "role": a.role.value,
                        "active": a.active,
                        "must_change_pin": a.must_change_pin,
                        "last_sign_in_at": a.last_sign_in_at.isoformat()
                        if a.last_sign_in_at
                        else None,
                    }
                    for a in rows
                ],
            }
        )
    lines = [f"{a.name}\t{a.role.label}\t{_state(a)}\t{_when(a)}" for a in rows]
    lines.append(f"共{len(rows)}个账号；账号{'已启用' if enabled else '没有启用'}")
    return "\n".join(lines)


def _state(view: accounts.AccountView) -> str:
    if not view.active:
        return "已停用"
    return "在用（PIN待本人更换）" if view.must_change_pin else "在用"


def _when(view: accounts.AccountView) -> str:
    if view.last_sign_in_at is None:
        return "还没有登录过"
    return f"上次登录 {view.last_sign_in_at.astimezone():%Y-%m-%d %H:%M}"


def cmd_delete(args: argparse.Namespace) -> str:
    from app.services.retention import delete_cases

    db = _open(args)
    sign_in_for_command(db, getattr(args, "user", None))
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(
                "没有删除，什么也没有改动：删除要确认。请在命令后面加 --yes，"
                f"例如 {PROG} delete {args.cases[0]} --yes"
            )
        answer = input(f"要删除{len(args.cases)}个案件，删除后不能恢复。确定要删除吗？（是/否）")
        if answer.strip().lower() not in ("是", "y", "yes", "确定"):
            return "没有删除，什么也没有改动。"
    deleted, _ = delete_cases(db, args.cases)
    return "\n".join(d.message for d in deleted)
