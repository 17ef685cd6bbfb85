"""更多 → 账号与登录: who may use the program and how.

With accounts off it says what switching them on means and sets up the administrator. With
them on, everyone can choose their own PIN here; an administrator also sees every account and
adds one, gives someone who forgot theirs a new PIN, stops an account, sets after how many
minutes the screen locks, or switches accounts off for a one-person room. The services decide
(the operation layer refuses what a role may not do); this page only offers what the person
signed in may do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.roles import Role
from app.services import accounts
from ui import messages
from ui.screen_fit import fit_to_screen
from ui.sign_in_dialog import AccountDialog, ChangePinDialog, SetUpAdminDialog
from ui.widgets import (
    ErrorLabel,
    button,
    heading,
    hint,
    paragraph,
    scroll_area,
    wide_enough,
)

if TYPE_CHECKING:
    from app.services.accounts import AccountView
    from app.services.database import Database

TITLE = "账号与登录"
HEADERS = ["姓名", "身份", "状态", "上次登录"]
#: The roles as an administrator picks them for a new account: the usual one first.
ROLE_CHOICES = (Role.CLERK, Role.MEDIATOR, Role.ADMIN)
ROLE_WORDS = {
    Role.ADMIN: "管理员：什么都能做，还管账号和设置",
    Role.MEDIATOR: "调解员：办案、定调解小组、写协议，看得到完整的身份证号和电话",
    Role.CLERK: "记录员：登记、记录、打印；身份证号和电话只看到一部分",
}


def state_words(account: AccountView) -> str:
    if not account.active:
        return "已停用"
    if account.must_change_pin:
        return "在用（下次登录要换PIN）"
    return "在用"


def when_words(account: AccountView) -> str:
    moment = account.last_sign_in_at
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else "还没有登录过"


class AddAccountDialog(AccountDialog):
    def __init__(self, parent: QWidget | None, db: Database) -> None:
        super().__init__(
            parent,
            db,
            "添加账号",
            "给新来的同事建一个账号。请把PIN当面告诉他/她；第一次登录时要换成自己的PIN。",
            "添加",
        )
        self.name = QLineEdit()
        self.name.setAccessibleName("姓名")
        self.role = QComboBox()
        self.role.setAccessibleName("身份")
        for role in ROLE_CHOICES:
            self.role.addItem(ROLE_WORDS[role], role.value)
        self.add("name", "姓名", self.name, "例如：李建国")
        self.add("role", "身份", self.role)
        self.add_new_pin()
        self.finish_layout()
        self.name.setFocus()

    def save(self) -> None:
        name, role = self.name.text(), str(self.role.currentData())
        self.save_with_new_pin(lambda pin: accounts.add_account(self.db, name, role, pin))


class ResetPinDialog(AccountDialog):
    def __init__(self, parent: QWidget | None, db: Database, name: str) -> None:
        super().__init__(
            parent,
            db,
            f"给“{name}”重新设置PIN",
            f"{name}忘了PIN时用。设好后请当面告诉他/她；下次登录时要换成自己的PIN。"
            "输错太多次要等待的，也一并解除。",
            "重新设置",
        )
        self.person_name = name
        self.add_new_pin("新的PIN")
        self.finish_layout()
        self.pin.setFocus()

    def save(self) -> None:
        self.save_with_new_pin(lambda pin: accounts.reset_pin(self.db, self.person_name, pin))


class AccountsDialog(QDialog):
    """The accounts page. `changed()` is called after anything here changed who is signed in
    or what they may do (the main window greys its buttons again, the idle lock rereads its
    minutes)."""

    def __init__(
        self, parent: QWidget | None, db: Database, changed: Callable[[], object] | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.changed = changed or (lambda: None)
        self.setWindowTitle(TITLE)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(24, 16, 24, 16)
        self.column.setSpacing(12)
        self.body: QWidget | None = None
        self.table: QTableWidget | None = None
        self.listed: list[AccountView] = []
        self.error = ErrorLabel()
        self.close_button = button("关闭")
        self.close_button.clicked.connect(self.accept)
        self.build()
        fit_to_screen(self)

    # ------------------------------------------------------------ building

    def build(self) -> None:
        """The page as it is now (built again after each change)."""
        if self.body is not None:
            self.column.removeWidget(self.body)
            self.body.deleteLater()
        self.error.setParent(None)
        self.close_button.setParent(None)
        content = QWidget()
        # At large text sizes the page scrolls up and down; 关闭 stays below it, always seen.
        self.body = QWidget()
        outer = QVBoxLayout(self.body)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(12)
        self.area = scroll_area(content)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self.area, 1)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(12)
        inner.addWidget(heading(TITLE))
        self.table = None
        if not accounts.accounts_enabled(self.db):
            self._when_off(inner)
        else:
            person = accounts.current_user(self.db)
            if person is not None:
                inner.addWidget(paragraph(f"现在登录的是：{person.name}（{person.role.label}）"))
            self.pin_button = button("修改我的PIN……")
            self.pin_button.clicked.connect(self.change_own_pin)
            inner.addWidget(self._row(self.pin_button))
            if accounts.may(self.db, "account.add"):
                self._for_admin(inner)
        inner.addWidget(self.error)
        inner.addStretch(1)
        wide_enough(self.area)
        outer.addWidget(self._row(self.close_button, right=True))
        self.column.addWidget(self.body)
        self.close_button.setDefault(True)

    @staticmethod
    def _row(*widgets: QWidget, right: bool = False) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        if right:
            row.addStretch(1)
        for widget in widgets:
            row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        if not right:
            row.addStretch(1)
        return box

    def _when_off(self, inner: QVBoxLayout) -> None:
        inner.addWidget(
            paragraph(
                "现在不用登录：用这台电脑的人都能看、都能改全部案件，记录上都写“本机用户”。\n"
                "几个人轮流用这台电脑时，建议设立管理员，启用登录：每人用自己的姓名和PIN登录，"
                "谁做了什么都记在自己名下；记录员看不到完整的身份证号和电话；"
                "离开电脑一会儿，屏幕自动锁定。"
            )
        )
        self.enable_button = button("设立管理员，启用登录……", primary=True)
        self.enable_button.clicked.connect(self.enable)
        inner.addWidget(self._row(self.enable_button))

    def _for_admin(self, inner: QVBoxLayout) -> None:
        inner.addWidget(heading("全部账号"))
        table = QTableWidget(0, len(HEADERS))
        table.setHorizontalHeaderLabels(HEADERS)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setWordWrap(True)
        self.listed = accounts.list_accounts(self.db)
        table.setRowCount(len(self.listed))
        for r, account in enumerate(self.listed):
            cells = (account.name, account.role.label, state_words(account), when_words(account))
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        # Every account in sight (a room has a handful); more than eight scroll in the table.
        shown = sum(table.rowHeight(r) for r in range(min(len(self.listed), 8)))
        table.setMinimumHeight(
            table.horizontalHeader().sizeHint().height() + shown + 2 * table.frameWidth()
        )
        if self.listed:
            table.selectRow(0)
        self.table = table
        inner.addWidget(table)
        self.add_button = button("添加账号……")
        self.add_button.clicked.connect(self.add_account)
        self.reset_button = button("重新设置PIN……")
        self.reset_button.setToolTip("给表中选中的人重新设置PIN（他/她忘了PIN时）")
        self.reset_button.clicked.connect(self.reset_pin)
        self.stop_button = button("停用账号……")
        self.stop_button.setToolTip("表中选中的人不能再登录；做过的记录仍记在他/她名下")
        self.stop_button.clicked.connect(self.deactivate)
        inner.addWidget(self._row(self.add_button, self.reset_button, self.stop_button))
        inner.addWidget(hint("先在表中点选一个人，再按“重新设置PIN”或“停用账号”。"))

        inner.addWidget(heading("自动锁定"))
        self.minutes = QSpinBox()
        low, high = accounts.IDLE_LOCK_RANGE
        self.minutes.setRange(low, high)
        self.minutes.setSuffix(" 分钟")
        self.minutes.setAccessibleName("多久不用就锁定")
        self.minutes.setValue(accounts.idle_lock_minutes(self.db))
        self.minutes_button = button("保存")
        self.minutes_button.clicked.connect(self.save_minutes)
        words = paragraph("多久不用就锁定屏幕（锁定前20秒会提醒，按任意键就能继续用）：")
        words.setBuddy(self.minutes)
        inner.addWidget(words)
        inner.addWidget(self._row(self.minutes, self.minutes_button))

        inner.addWidget(heading("不再使用登录"))
        self.disable_button = button("关闭登录（只有一个人用）……")
        self.disable_button.clicked.connect(self.disable)
        inner.addWidget(
            hint("关闭后打开程序不用登录，谁都能看、能改全部内容；账号都留着，以后可以再启用。")
        )
        inner.addWidget(self._row(self.disable_button))

    # ------------------------------------------------------------ doing

    def selected(self) -> AccountView | None:
        if self.table is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.error.show_message("请先在表中点选一个人。")
            return None
        return self.listed[rows[0].row()]

    def _after(self, dialog: QDialog) -> bool:
        done = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if done:
            self.rebuild()
        return done

    def rebuild(self) -> None:
        self.error.clear_message()
        self.build()
        self.changed()

    def enable(self) -> None:
        self._after(SetUpAdminDialog(self, self.db))

    def change_own_pin(self) -> None:
        if self._after(ChangePinDialog(self, self.db)):
            messages.show_info(self, "新的PIN已保存，下次登录请用新的PIN。", "PIN已修改")

    def add_account(self) -> None:
        self._after(AddAccountDialog(self, self.db))

    def reset_pin(self) -> None:
        account = self.selected()
        if account is not None:
            self._after(ResetPinDialog(self, self.db, account.name))

    def deactivate(self) -> None:
        account = self.selected()
        if account is None or not account.active:
            if account is not None:
                self.error.show_message(f"“{account.name}”的账号已经停用了。")
            return
        if not messages.confirm(
            self,
            "停用账号",
            f"停用“{account.name}”的账号？停用后他/她不能再登录；做过的记录仍记在他/她名下。",
            "停用这个账号",
        ):
            return
        self._attempt(lambda: accounts.deactivate(self.db, account.name))

    def save_minutes(self) -> None:
        minutes = self.minutes.value()
        if self._attempt(lambda: accounts.set_idle_lock(self.db, minutes)):
            messages.show_info(self, f"以后{minutes}分钟不用就锁定屏幕。", "已保存")

    def disable(self) -> None:
        if messages.confirm(
            self,
            "关闭登录",
            "关闭登录后，打开程序不用登录，用这台电脑的人都能看、能改全部案件，"
            "也能看到完整的身份证号和电话。确定只有一个人用这台电脑吗？",
            "关闭登录",
            "不关闭",
        ):
            self._attempt(lambda: accounts.disable_accounts(self.db))

    def _attempt(self, work: Callable[[], object]) -> bool:
        from app.domain.errors import UserError

        self.error.clear_message()
        try:
            work()
        except UserError as error:
            self.error.show_message(error.message)
            return False
        self.rebuild()
        return True
