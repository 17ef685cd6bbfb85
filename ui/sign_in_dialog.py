"""Signing in and the PINs: the sign-in at the start, setting up the first administrator,
choosing one's own PIN, and the question the first start asks (one person, or several taking
turns at this PC).

Each dialog does its one service call itself (`attempt`): a field that is wrong gets its words
beside it, anything else the person can fix goes on the dialog's own error line — never a box
on top of a box — and what was typed stays, except a wrong PIN, which is emptied to be typed
again. Signing in hashes the PIN (argon2id, ~0.15 s): short enough for the window's thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserError, ValidationError, ValidationErrors
from app.services import accounts
from ui import errors
from ui.screen_fit import fit_to_screen
from ui.style import current_scale
from ui.widgets import ErrorLabel, Field, FormGrid, button, heading, paragraph

if TYPE_CHECKING:
    from app.services.accounts import SignedIn
    from app.services.database import Database

T = TypeVar("T")

#: The dialogs' width at normal text size (px); they grow with the text.
WIDTH = 620
PIN_HINT = (
    f"至少{accounts.MIN_PIN_DIGITS}位数字，例如生日以外的好记的数；"
    f"也可以用至少{accounts.MIN_PASSWORD_CHARS}个字符的密码"
)
#: QSettings: the data folders whose first start already asked "one person or several?".
ASKED_KEY = "accounts/asked"


def pin_edit(name: str) -> QLineEdit:
    """A field whose characters show as dots; no suggestions of the input method remember it."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setInputMethodHints(
        Qt.InputMethodHint.ImhHiddenText
        | Qt.InputMethodHint.ImhSensitiveData
        | Qt.InputMethodHint.ImhNoPredictiveText
    )
    edit.setAccessibleName(name)
    edit.setMaxLength(accounts.MAX_SECRET_CHARS)
    return edit


class AccountDialog(QDialog):
    """Heading, a few words, a form, the error line, and the two buttons of every dialog here."""

    def __init__(
        self,
        parent: QWidget | None,
        db: Database,
        title: str,
        words: str,
        ok_text: str,
        cancel_text: str = "取消",
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(title)
        self.title = heading(title)
        self.words = paragraph(words)
        self.grid = FormGrid()
        self.fields: dict[str, Field] = {}
        self.error = ErrorLabel()
        self.ok_button = button(ok_text, primary=True)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.save)
        self.cancel_button = button(cancel_text)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        middle = Qt.AlignmentFlag.AlignVCenter
        buttons.addWidget(self.ok_button, 0, middle)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button, 0, middle)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 16, 24, 16)
        self.layout_.setSpacing(12)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.words)
        self.layout_.addWidget(self.grid)
        self.layout_.addWidget(self.error)
        self.layout_.addStretch(1)
        self.layout_.addLayout(buttons)

    def finish_layout(self) -> None:
        fit_to_screen(self, width=WIDTH * current_scale() // 100, fill_height=False)

    def add(self, key: str, label: str, widget: QWidget, hint_text: str = "") -> None:
        self.fields[key] = self.grid.add(label, widget, hint_text)

    def save(self) -> None:  # each dialog's own
        raise NotImplementedError

    def clear_errors(self) -> None:
        self.error.clear_message()
        for field in self.fields.values():
            field.error.clear_message()

    def attempt(self, work: Callable[[], T]) -> T | None:
        """`work()`, with what goes wrong said in this dialog; None when it did not succeed."""
        self.clear_errors()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return work()
        except ValidationErrors as many:
            for one in many.errors:
                self.show_error(one)
        except ValidationError as one:
            self.show_error(one)
        except UserError as error:
            self.error.show_message(error.message)
        except Exception as error:  # a bug: logged, and said where to find it
            errors.log_exception(type(error), error, error.__traceback__)
            self.error.show_message(errors.apology())
        finally:
            QGuiApplication.restoreOverrideCursor()
        return None

    def show_error(self, error: ValidationError) -> None:
        key = error.field.rsplit(".", 1)[-1]
        field = self.fields.get(key)
        if field is None:
            self.error.show_message(error.message)
            return
        field.error.show_message(error.problem)
        field.widget.setFocus()

    def add_new_pin(self, label: str = "PIN") -> None:
        """The new PIN, typed twice (its characters never show): `self.pin`, `self.again`."""
        self.pin = pin_edit(label)
        self.again = pin_edit(f"再输入一次{label}")
        self.add("pin", label, self.pin, PIN_HINT)
        self.add("again", "再输入一次", self.again)

    def save_with_new_pin(self, work: Callable[[str], T]) -> T | None:
        """`work(the new PIN)` once it was typed the same twice; the dialog closes when that
        succeeded. What `work` returned, None when it did not succeed."""
        if self.pin.text() != self.again.text():
            self.clear_errors()
            self.fields["again"].error.show_message("两次输入的不一样，请再输入一次")
            self.again.clear()
            self.again.setFocus()
            return None
        pin = self.pin.text()
        done = self.attempt(lambda: work(pin))
        if done is not None:
            self.accept()
        return done


class SignInDialog(AccountDialog):
    """登录: choose one's name and type the PIN. With `locked` the screen was locked while the
    person was away: only their PIN is asked, and everything is as they left it."""

    def __init__(self, parent: QWidget | None, db: Database, *, locked: bool = False) -> None:
        person = accounts.current_user(db)
        self.locked = locked and person is not None
        if self.locked:
            assert person is not None
            title, words, ok = (
                "已锁定",
                f"离开了一会儿，为保护当事人的信息，屏幕已锁定。{person.name}，"
                "请输入PIN继续使用；刚才打开的案件和没写完的内容都还在。",
                "继续使用",
            )
        else:
            title, words, ok = (
                "登录老娘舅",
                "请选择您的姓名，输入您的PIN。忘了PIN，请找管理员重新设一个。",
                "登录",
            )
        super().__init__(parent, db, title, words, ok, "退出程序")
        self.person: SignedIn | None = None
        #: The PIN that signed in, kept only until the start asks for the person's own PIN
        #: after an administrator set it (then emptied).
        self.typed_pin = ""
        self.name = QComboBox()
        self.name.setAccessibleName("姓名")
        active = [a for a in accounts.list_accounts(db) if a.active]
        names = [a.name for a in active]
        if self.locked:
            assert person is not None
            names = [person.name]
        self.name.addItems(names)
        # The one who signed in last is offered first: on most days it is the same person,
        # who then only types the PIN.
        signed_in = [a for a in active if a.last_sign_in_at is not None]
        latest = max(signed_in, key=lambda a: a.last_sign_in_at or a.created_at, default=None)
        offered = person.name if person is not None else latest.name if latest else None
        if offered in names:
            self.name.setCurrentText(offered)
        self.name.setEnabled(not self.locked and len(names) > 1)
        self.pin = pin_edit("PIN")
        self.add("name", "姓名", self.name)
        self.add("pin", "PIN", self.pin)
        self.cancel_button.setToolTip("关闭老娘舅（没有保存的内容下次打开时可以接着写）")
        self.finish_layout()
        self.pin.setFocus()

    def save(self) -> None:
        name, pin = self.name.currentText(), self.pin.text()
        if self.locked:
            person = self.attempt(lambda: accounts.unlock(self.db, pin))
        else:
            person = self.attempt(lambda: accounts.sign_in(self.db, name, pin))
        if person is None:
            self.pin.clear()  # a wrong PIN is typed again from the start
            self.pin.setFocus()
            return
        self.person = person
        self.typed_pin = pin if person.must_change_pin else ""
        self.accept()


class ChangePinDialog(AccountDialog):
    """Choose one's own PIN. After an administrator set it (`must_change_pin`), the PIN just
    typed to sign in is the old one: only the new one is asked, twice."""

    def __init__(self, parent: QWidget | None, db: Database, *, old_pin: str | None = None) -> None:
        forced = old_pin is not None
        words = (
            "管理员给您设的PIN别人也知道。请换一个只有您自己知道的PIN。"
            if forced
            else "先输入现在的PIN，再把新的PIN输入两次。"
        )
        super().__init__(
            parent, db, "设置自己的PIN", words, "保存新PIN", "以后再说" if forced else "取消"
        )
        self.given_old = old_pin
        self.old = pin_edit("现在的PIN")
        if not forced:
            self.add("old_pin", "现在的PIN", self.old)
        self.add_new_pin("新的PIN")
        self.finish_layout()
        (self.pin if forced else self.old).setFocus()

    def save(self) -> None:
        old = self.given_old if self.given_old is not None else self.old.text()

        def change(new: str) -> bool:
            accounts.change_pin(self.db, old, new)
            return True

        self.save_with_new_pin(change)


class SetUpAdminDialog(AccountDialog):
    """Switch accounts on, naming the first administrator (signed in at once)."""

    def __init__(self, parent: QWidget | None, db: Database) -> None:
        super().__init__(
            parent,
            db,
            "设立管理员",
            "管理员一般是调委会主任或专职调解员：可以添加其他人的账号，给忘了PIN的人重新设置。"
            "以后每个人用自己的姓名和PIN登录，谁登记、修改了什么都记在自己名下；"
            "离开电脑一会儿，屏幕会自动锁定。",
            "设立并登录",
        )
        self.person: SignedIn | None = None
        self.name = QLineEdit()
        self.name.setAccessibleName("管理员姓名")
        self.name.setMaxLength(accounts.MAX_NAME_CHARS * 2)  # the service says what is too long
        self.add("name", "管理员姓名", self.name, "例如：王秀兰")
        self.add_new_pin()
        self.finish_layout()
        self.name.setFocus()

    def save(self) -> None:
        name = self.name.text()
        self.person = self.save_with_new_pin(
            lambda pin: accounts.enable_accounts(self.db, name, pin)
        )


class FirstStartQuestion(QDialog):
    """The first start on a data folder: is this PC used by one person, or by several taking
    turns? One person goes on as before (no sign-in); several set up the administrator."""

    def __init__(self, parent: QWidget | None, db: Database) -> None:
        super().__init__(parent)
        self.db = db
        self.person: SignedIn | None = None
        self.setWindowTitle("欢迎使用老娘舅")
        self.alone_button: QPushButton = button("只有我一个人用（不用登录）", primary=True)
        self.alone_button.setDefault(True)
        self.alone_button.clicked.connect(self.accept)
        self.several_button = button("几个人轮流用（设立管理员）")
        self.several_button.clicked.connect(self.set_up)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 16, 24, 16)
        column.setSpacing(12)
        column.addWidget(heading("这台电脑上有几个人用老娘舅？"))
        column.addWidget(
            paragraph(
                "只有一个人用：打开就能用，不用登录。\n"
                "几个人轮流用：每人用自己的姓名和PIN登录，记录员看不到完整的身份证号和电话，"
                "离开电脑一会儿屏幕自动锁定。以后也可以在“更多 → 账号与登录”里改。"
            )
        )
        for widget in (self.alone_button, self.several_button):
            column.addWidget(widget)
        fit_to_screen(self, width=WIDTH * current_scale() // 100, fill_height=False)
        self.alone_button.setFocus()

    def set_up(self) -> None:
        dialog = SetUpAdminDialog(self, self.db)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.person = dialog.person
            self.accept()
        dialog.deleteLater()


def _asked() -> list[str]:
    # Kept as JSON text: a one-item list comes back from QSettings as a plain string.
    value = QSettings().value(ASKED_KEY, "[]")
    try:
        asked = json.loads(str(value))
    except ValueError:
        return []
    return [str(a) for a in asked] if isinstance(asked, list) else []


def was_asked(folder: str) -> bool:
    """Whether the first start on `folder` already asked "one person or several?"."""
    return folder in _asked()


def remember_asked(folder: str) -> None:
    asked = _asked()
    if folder not in asked:
        QSettings().setValue(ASKED_KEY, json.dumps([*asked, folder], ensure_ascii=False))
