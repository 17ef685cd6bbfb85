"""备份与恢复: backups from the window, and the work in the background they need.

- `AutoBackup`: the automatic backup after the day's first saved change and at exit
  (`app.services.backup.backup_if_due`), in the background; a failure is said in words.
- `BackupDialog` (更多 → 备份与恢复……): a backup to a chosen folder or USB stick, optionally
  with a password; the automatic backups beside the database, each of which can be restored;
  a restore from any backup file; the full check of the database.
- `BackupWork`: what this dialog and the recovery dialog of the start share: work in the
  background with a moving bar and words, and the way to a restore — the backup is checked
  and what it holds shown, a password asked for when it has one, and the person asked before
  the database is replaced.

All backup work (backups, checks, restores) runs in one worker thread of its own, one job
after the other: a restore never starts while an automatic backup is still copying the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import (
    QObject,
    QRunnable,
    QSettings,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserError
from ui import errors, messages
from ui.screen_fit import fit_to_screen
from ui.style import current_scale
from ui.widgets import (
    FormGrid,
    SpacedLabel,
    button,
    heading,
    hint,
    notice,
    paragraph,
    scroll_area,
    set_notice_kind,
    wide_enough,
)

if TYPE_CHECKING:
    from app.services.accounts import SignedIn
    from app.services.backup import BackupInfo, RestoreResult
    from app.services.database import Database

#: The backup dialog's width at normal text size (px).
WIDTH = 960
#: A note saying what the window waits for appears once the work takes this long (ms).
WAIT_NOTE_DELAY_MS = 300
#: A restore first lets what still reads the old file finish (a search of the list) (ms).
READERS_WAIT_MS = 30_000
#: The folder the last backup to a chosen folder went to (a USB stick): offered again.
FOLDER_KEY = "backup/folder"
BACKUP_FILES = "老娘舅的备份 (*.zip *.lnjbak *.db);;所有文件 (*)"
KINDS = {"auto": "自动备份", "manual": "手动备份", "before-restore": "恢复前另存的数据库"}
RESTORE_CONSEQUENCE = (
    "恢复以后，数据库里的内容就换成这份备份里的：这份备份做好以后登记和修改的内容不在里面。"
    "现在的数据库会先另存一份到“backups”文件夹，需要时可以用它再恢复回去。"
)

Work = Callable[[], Any]
FileAsker = Callable[[QWidget | None, Path], Path | None]
FolderAsker = Callable[[QWidget | None, Path], Path | None]
#: (parent, backup file, what was wrong with the last password or "") → password or None.
PasswordAsker = Callable[[QWidget | None, Path, str], str | None]


# ====================================================================== the background


_pool: QThreadPool | None = None


def backup_pool() -> QThreadPool:
    """The one worker thread of all backup work: its jobs run one after the other."""
    global _pool
    if _pool is None or not shiboken6.isValid(_pool):
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


class TaskSignals(QObject):
    done = Signal(object)
    #: A UserError: what went wrong in words (a bug is logged and told as the apology).
    failed = Signal(object)


class BackupTask(QRunnable):
    """`work()` in the backup thread; its result or its error comes back by a signal,
    delivered in the window's thread (which made `signals`)."""

    def __init__(self, work: Work) -> None:
        super().__init__()
        self.work = work
        self.signals = TaskSignals()
        self.setAutoDelete(False)  # kept until its answer has arrived (`_running`)

    def run(self) -> None:
        try:
            result = self.work()
        except UserError as error:
            self.signals.failed.emit(error)
        except Exception as error:  # a bug: logged (never any personal data), told in words
            errors.log_exception(type(error), error, error.__traceback__)
            self.signals.failed.emit(UserError(errors.apology()))
        else:
            self.signals.done.emit(result)


#: Tasks whose answer has not arrived yet (nothing else may be holding them).
_running: set[BackupTask] = set()


def run_in_background(
    receiver: QObject,
    work: Work,
    on_done: Callable[[Any], object],
    on_failed: Callable[[UserError], object],
) -> BackupTask:
    """Run `work` in the backup thread; `on_done(result)` or `on_failed(error)` follows in
    the window's thread, while `receiver` still exists."""
    task = BackupTask(work)

    def deliver(handler: Callable[[Any], object], value: object) -> None:
        _running.discard(task)
        if shiboken6.isValid(receiver):
            handler(value)

    task.signals.done.connect(lambda result: deliver(on_done, result))
    task.signals.failed.connect(lambda error: deliver(on_failed, error))
    _running.add(task)
    backup_pool().start(task)
    return task


def wrappable(text: str) -> str:
    """A path in the text may break after each folder name (a long path never runs off the
    side of a window)."""
    return text.replace("/", "/\u200b").replace("\\", "\\\u200b")


def when_words(moment: datetime | None) -> str:
    if moment is None:
        return "时间不详"
    shown = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{shown.year}年{shown.month}月{shown.day}日 {shown:%H:%M}"


def backup_words(info: BackupInfo) -> str:
    """One backup in a line: "2026年11月25日 09:30　自动备份　案件30件，最新的是…"."""
    parts = [when_words(info.made_at), KINDS.get(info.reason, "备份")]
    if info.cases is not None:
        newest = f"，最新的是{info.newest_case}" if info.newest_case else ""
        parts.append(f"案件{info.cases}件{newest}")
    elif info.encrypted:
        parts.append("加了密码")
    return "　".join(parts)


# ====================================================================== automatic backups


class WaitNote(QFrame):
    """Words and a moving bar over the bottom of a window while it waits for a backup; shown
    only once the wait is long enough to be noticed."""

    def __init__(self, window: QWidget, text: str) -> None:
        super().__init__(window)
        self.setObjectName("wait_note")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.words = notice(text, "ok")
        self.words.setAccessibleName(text)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # moving: working, no percentage to guess
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(text)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 12, 12, 12)
        column.addWidget(self.words)
        column.addWidget(self.bar)
        self.hide()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._appear)
        self.timer.start(WAIT_NOTE_DELAY_MS)

    def _appear(self) -> None:
        window = self.parentWidget()
        if window is None:
            return
        width = min(max(window.width() * 2 // 3, 320), window.width())
        tall = self.heightForWidth(width)  # the wrapped words' own height at that width
        self.setFixedSize(width, tall if tall > 0 else self.sizeHint().height())
        self.move((window.width() - width) // 2, max(0, window.height() - self.height() - 24))
        self.raise_()
        self.show()

    def end(self) -> None:
        if shiboken6.isValid(self):
            self.timer.stop()
            self.hide()
            self.deleteLater()


class AutoBackup(QObject):
    """The automatic backups of the window's database (into `backups/` beside it).

    `after_change(db)` after each committed change: the first one of the day makes the day's
    backup in the background, and for the rest of the day no more is done for that database.
    `at_exit(db, then)` when the window closes: a backup if anything changed since the last
    one, "正在备份……" on the window meanwhile, then `then()`. A failure is told in words; it
    never keeps the program from closing.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        #: The day each database (by its file) was last looked after.
        self.done_on: dict[Path, date] = {}
        self.busy = False
        self.exit_started = False
        self.exit_done = False
        #: The backups made, and what went wrong, since the window opened.
        self.made: list[Path] = []
        self.problems: list[str] = []

    def after_change(self, db: Database, today: date | None = None) -> None:
        today = today or date.today()
        if self.exit_started or self.busy or self.done_on.get(db.path) == today:
            return
        self.busy = True
        self.done_on[db.path] = today  # a failure is not retried at every change: exit does

        def work() -> Path | None:
            from app.services import backup

            made = backup.backup_if_due(db, today)
            return made.path if made is not None else None

        run_in_background(self, work, self._made, self._failed_after_change)

    def _made(self, path: Path | None) -> None:
        self.busy = False
        if path is not None:
            self.made.append(path)

    def _failed_after_change(self, error: UserError) -> None:
        self.busy = False
        self.problems.append(error.message)
        messages.show_error(
            self.window,
            f"今天的自动备份没有做成：{error.message}\n"
            "刚才保存的内容已经保存好了。关闭程序时会再备份一次；也可以在“更多”→“备份与恢复”里"
            "把备份做到U盘上。",
            "自动备份没有做成",
        )

    def at_exit(self, db: Database, then: Callable[[], object]) -> None:
        if self.exit_started:
            return
        self.exit_started = True
        note = WaitNote(self.window, "正在备份，请稍候……备份做好以后，程序会自己关闭。")
        self.window.setEnabled(False)  # nothing new is saved while the last backup is made

        def work() -> Path | None:
            from app.services import backup

            made = backup.backup_if_due(db, date.today(), at_exit=True)
            return made.path if made is not None else None

        def finished() -> None:
            self.exit_done = True
            if shiboken6.isValid(self.window):
                then()

        def made(path: Path | None) -> None:
            note.end()
            if path is not None:
                self.made.append(path)
            finished()

        def failed(error: UserError) -> None:
            note.end()
            self.problems.append(error.message)
            if not shiboken6.isValid(self.window):
                finished()
                return
            self.window.setEnabled(True)  # the box is answered in an enabled window
            messages.show_error(
                self.window,
                f"关闭前的自动备份没有做成：{error.message}\n"
                "已经保存的案件都还在数据库里，程序照常关闭；下次打开程序、保存改动以后会再备份。",
                "自动备份没有做成",
            )
            finished()

        run_in_background(self, work, made, failed)


# ====================================================================== asking


def settings_folder() -> Path | None:
    value = QSettings().value(FOLDER_KEY, "")
    folder = Path(value) if isinstance(value, str) and value else None
    return folder if folder is not None and folder.is_dir() else None


def choose_folder(parent: QWidget | None, start: Path) -> Path | None:
    """Where to put a backup (a USB stick): the system's folder chooser, in Chinese."""
    chosen = QFileDialog.getExistingDirectory(
        parent, "选择把备份放到哪个文件夹（例如U盘）", str(start)
    )
    return Path(chosen) if chosen else None


def ask_backup_file(parent: QWidget | None, start: Path) -> Path | None:
    chosen, _filter = QFileDialog.getOpenFileName(
        parent, "选择要恢复的备份文件", str(start), BACKUP_FILES
    )
    return Path(chosen) if chosen else None


class PasswordDialog(QDialog):
    """The password of an encrypted backup; what was wrong with the last one beside it."""

    def __init__(self, parent: QWidget | None, file: Path, problem: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("输入备份的密码")
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName("备份的密码")
        form = FormGrid()
        self.entry = form.add("备份的密码", self.field)
        if problem:
            self.entry.error.show_message(problem)
        self.open_button = button("打开这份备份", primary=True)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._open)
        cancel = button("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addStretch(1)
        buttons.addWidget(cancel, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(12)
        layout.addWidget(
            paragraph(
                wrappable(
                    f"这份备份加了密码：{file}\n请输入备份时设的密码"
                    "（注意大小写、中文还是英文输入法，以及大写锁定键）。"
                )
            )
        )
        layout.addWidget(form)
        layout.addLayout(buttons)
        fit_to_screen(self, width=760 * current_scale() // 100, fill_height=False)
        self.field.setFocus()

    def _open(self) -> None:
        if not self.field.text():
            self.entry.error.show_message("请输入密码，例如备份时写在纸上的那个。")
            self.field.setFocus()
            return
        self.accept()

    def password(self) -> str:
        return self.field.text()


def type_password(parent: QWidget | None, file: Path, problem: str) -> str | None:
    dialog = PasswordDialog(parent, file, problem)
    try:
        return dialog.password() if dialog.exec() else None
    finally:
        dialog.deleteLater()


# ====================================================================== the shared dialog


class FittingScroll(QScrollArea):
    """A scroll area that asks for the height its words need at the width they will have
    (`planned_width`), so a dialog sized to its contents shows them whole; it scrolls only
    when the screen is too small for them. (Not height-for-width itself: a layout would then
    keep it at that height and squeeze the buttons below it instead.)"""

    def __init__(self, planned_width: int = 0) -> None:
        super().__init__()
        self.planned_width = planned_width

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        content = self.widget()
        width = self.planned_width or self.viewport().width()
        if content is None or width <= 0:
            return hint
        frame = 2 * self.frameWidth()
        return QSize(width, content.heightForWidth(width - frame) + frame)


def fitting_scroll(content: QWidget, planned_width: int) -> FittingScroll:
    area = FittingScroll(planned_width)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area


class BackupWork(QDialog):
    """What the backup dialog and the recovery dialog share: work in the background with a
    moving bar and words (its buttons off meanwhile, closing waits until it is done), and the
    way to a restore. A subclass puts `busy_row` in its layout and does `restore`."""

    def __init__(
        self,
        parent: QWidget | None,
        database_path: Path,
        *,
        ask_file: FileAsker | None = None,
        ask_password: PasswordAsker | None = None,
    ) -> None:
        super().__init__(parent)
        self.database_path = database_path
        self.ask_file: FileAsker = ask_file or ask_backup_file
        self.ask_password: PasswordAsker = ask_password or type_password
        self.task: BackupTask | None = None
        self.status = SpacedLabel("")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("正在处理")
        self.busy_row = QWidget()
        row = QHBoxLayout(self.busy_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addWidget(self.status, 1)
        row.addWidget(self.bar, 1, Qt.AlignmentFlag.AlignVCenter)
        self.busy_row.hide()

    # ------------------------------------------------------------ the background

    def work_buttons(self) -> list[QPushButton]:
        """The buttons that are off while the dialog works."""
        return []

    def is_busy(self) -> bool:
        return self.task is not None

    def start(
        self,
        work: Work,
        done: Callable[[Any], object],
        words: str,
        failed: Callable[[UserError], object] | None = None,
    ) -> None:
        self.status.set_text(words)
        self.busy_row.show()
        for widget in self.work_buttons():
            widget.setEnabled(False)

        def finish(handler: Callable[[Any], object], value: object) -> None:
            self.task = None
            self.busy_row.hide()
            for widget in self.work_buttons():
                widget.setEnabled(True)
            handler(value)

        self.task = run_in_background(
            self,
            work,
            lambda result: finish(done, result),
            lambda error: finish(failed or self.show_failure, error),
        )

    def show_failure(self, error: UserError) -> None:
        messages.show_error(self, error.message, "没有完成")

    def reject(self) -> None:
        if self.is_busy():  # a backup or a restore is still writing
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.is_busy():
            return
        super().done(result)

    # ------------------------------------------------------------ the way to a restore

    def backups_start_folder(self) -> Path:
        from app.services.backup import backups_folder

        folder = backups_folder(self.database_path)
        return folder if folder.is_dir() else Path.home()

    def may_restore(self) -> bool:
        """Whether the person here may restore at all, said before a file or a password is
        asked for (the restore itself asks again)."""
        return True

    def choose_backup(self) -> None:
        """选择其他备份 / 从备份恢复: a file chosen, then looked at."""
        if self.is_busy() or not self.may_restore():
            return
        file = self.ask_file(self, self.backups_start_folder())
        if file is not None:
            self.look_at(file)

    def look_at(self, file: Path, password: str | None = None) -> None:
        """Check the backup whole and show what it holds; ask before restoring it."""
        from app.services.backup import describe_backup

        if not self.may_restore():
            return

        self.start(
            lambda: describe_backup(file, password),
            lambda info: self._looked_at(info, password),
            "正在核对这份备份，请稍候……",
            lambda error: self._look_failed(file, error),
        )

    def _looked_at(self, info: BackupInfo, password: str | None) -> None:
        if info.needs_password:
            self._ask_for_password(info.path, "")
            return
        if info.sound is False:
            messages.show_error(
                self,
                f"{wrappable(info.summary())}\n\n这份备份不能用来恢复。请换一份备份，"
                "例如更早的自动备份，或U盘上的备份。",
                "这份备份不能用",
            )
            return
        if self.confirm_restore(info):
            self.restore(info.path, password)

    def _look_failed(self, file: Path, error: UserError) -> None:
        from app.services.backup import WrongPassword

        if isinstance(error, WrongPassword):
            self._ask_for_password(file, error.message)
        else:
            messages.show_error(self, error.message, "没有打开这份备份")

    def _ask_for_password(self, file: Path, problem: str) -> None:
        password = self.ask_password(self, file, problem)
        if password:
            self.look_at(file, password)

    def confirm_restore(self, info: BackupInfo) -> bool:
        return messages.confirm(
            self,
            "从备份恢复",
            f"{wrappable(info.summary())}\n\n{RESTORE_CONSEQUENCE}",
            "从这个备份恢复",
            "取消",
        )

    def restore(self, file: Path, password: str | None) -> None:
        raise NotImplementedError


# ====================================================================== 备份与恢复


@dataclass(frozen=True)
class Reopened:
    """What a restore from the open window came to: the restore (or why not), and the
    database opened again (the restored one, or the old one untouched)."""

    result: RestoreResult | None
    problem: str
    db: Database | None
    reopen_problem: str = ""


def restore_and_reopen(
    file: Path, target: Path, password: str | None, person: SignedIn | None = None
) -> Reopened:
    """In the backup thread: restore `file` over `target` (which nobody holds open any
    more) as `person` (with accounts on, an administrator), then open `target` again,
    whichever it now is."""
    from app.services.backup import restore_backup
    from app.services.database import open_database

    # What still reads the old file in the background (a search of the list) ends first.
    QThreadPool.globalInstance().waitForDone(READERS_WAIT_MS)
    result: RestoreResult | None = None
    problem = ""
    try:
        result = restore_backup(file, target, password, person=person)
    except UserError as error:
        problem = error.message
    except Exception as error:  # a bug: logged; the database is opened again all the same
        errors.log_exception(type(error), error, error.__traceback__)
        problem = errors.apology()
    try:
        return Reopened(result, problem, open_database(target, create=False))
    except UserError as error:
        return Reopened(result, problem, None, error.message)


class BackupDialog(BackupWork):
    """更多 → 备份与恢复……

    `release()` makes the window let go of its database before a restore replaces the file;
    `reattach(db)` gives it the database opened again afterwards.
    """

    def __init__(
        self,
        parent: QWidget | None,
        db: Database,
        *,
        release: Callable[[], object] | None = None,
        reattach: Callable[[Database], object] | None = None,
        ask_folder: FolderAsker | None = None,
        ask_file: FileAsker | None = None,
        ask_password: PasswordAsker | None = None,
    ) -> None:
        super().__init__(parent, db.path, ask_file=ask_file, ask_password=ask_password)
        from app.services.backup import LOST_PASSWORD_WARNING, backups_folder

        self.db = db
        self.release: Callable[[], object] = release or db.close
        self.reattach: Callable[[Database], object] = reattach or (lambda _db: None)
        self.ask_folder: FolderAsker = ask_folder or choose_folder
        #: What the last backup to a chosen folder made (its file).
        self.last_backup: Path | None = None
        self.setWindowTitle("备份与恢复")

        # -------------------------------------------------------- to a USB stick
        self.encrypt = QCheckBox("加密：要用密码才能打开和恢复（备份到U盘时最好加密）")
        self.encrypt.setAccessibleName("加密备份")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("密码")
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again.setAccessibleName("再输入一次密码")
        self.passwords = FormGrid()
        self.password_field = self.passwords.add(
            "密码", self.password, "至少8个字符，字母、数字、汉字都可以"
        )
        self.again_field = self.passwords.add("再输入一次", self.password_again)
        self.warning = notice(f"⚠ {LOST_PASSWORD_WARNING}", "error")
        self.warning.setAccessibleName("忘记密码的后果")
        self.backup_button = button("立即备份到……", primary=True)
        self.backup_button.setDefault(True)
        self.backup_button.setToolTip("选择一个文件夹（例如U盘），把数据库和全部附件备份到那里")
        self.backup_button.clicked.connect(self.back_up)
        self.encrypt.toggled.connect(self._show_passwords)
        self.password.returnPressed.connect(self.back_up)
        self.password_again.returnPressed.connect(self.back_up)

        # -------------------------------------------------------- the automatic ones
        self.automatic_intro = hint(
            wrappable(
                f"自动备份放在数据库旁边的文件夹里：{backups_folder(db.path)}\n"
                "每天第一次保存改动以后、关闭程序时各备份一次；保留最近7天每天一份、"
                "最近4周每周一份、最近12个月每月一份。自动备份和数据库在同一块硬盘上，"
                "所以还要定期备份到U盘。"
            )
        )
        self.list_box = QWidget()
        self.list_column = QVBoxLayout(self.list_box)
        self.list_column.setContentsMargins(0, 0, 0, 0)
        self.list_column.setSpacing(6)
        self.restore_buttons: list[tuple[BackupInfo, QPushButton]] = []

        # -------------------------------------------------------- restore and check
        self.restore_button = button("从备份恢复……")
        self.restore_button.setToolTip("选择一个备份文件（例如U盘上的），看过里面有什么再恢复")
        self.restore_button.clicked.connect(self.choose_backup)
        self.check_button = button("检查数据库")
        self.check_button.setToolTip("逐页检查数据库文件，并逐条核对操作记录")
        self.check_button.clicked.connect(self.check)

        self.result_notice = notice("", "ok")
        self.result_notice.hide()
        self.close_button = button("关闭")
        self.close_button.clicked.connect(self.reject)

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 12, 0)
        column.setSpacing(10)
        # What the last backup, check or restore came to: first thing in sight.
        column.addWidget(self.result_notice)
        column.addWidget(heading("备份到U盘或别的文件夹"))
        column.addWidget(
            paragraph(
                "插好U盘，按“立即备份到……”，选择U盘。数据库和全部附件会备份成一个文件，"
                "做好后读回来逐一核对。建议每周至少备份一次到U盘，U盘不要和电脑放在一起。"
            )
        )
        column.addWidget(self.encrypt)
        column.addWidget(self.passwords)
        column.addWidget(self.warning)
        backup_row = QHBoxLayout()
        backup_row.addWidget(self.backup_button, 0, Qt.AlignmentFlag.AlignVCenter)
        backup_row.addStretch(1)
        column.addLayout(backup_row)
        column.addSpacing(8)
        column.addWidget(heading("这台电脑上的备份"))
        column.addWidget(self.automatic_intro)
        column.addWidget(self.list_box)
        column.addSpacing(8)
        column.addWidget(heading("恢复和检查"))
        column.addWidget(
            paragraph(
                "要用U盘上或别处的备份恢复，按“从备份恢复……”，选择备份文件："
                "先显示备份里有什么，问过您才恢复。“检查数据库”逐页检查数据库文件，"
                "并逐条核对操作记录。"
            )
        )
        tools = QHBoxLayout()
        tools.setSpacing(12)
        tools.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignVCenter)
        tools.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignVCenter)
        tools.addStretch(1)
        column.addLayout(tools)
        column.addStretch(1)
        self.body_area = scroll_area(body)
        self.body_area.setFrameShape(QFrame.Shape.NoFrame)

        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(10)
        layout.addWidget(self.body_area, 1)
        layout.addWidget(self.busy_row)
        layout.addLayout(bottom)
        self._show_passwords(False)
        self.show_backups()
        wide_enough(self.body_area)
        # About as many characters to a line at every text size (as the screen allows).
        fit_to_screen(self, width=WIDTH * current_scale() // 100)
        self.backup_button.setFocus()

    def work_buttons(self) -> list[QPushButton]:
        return [
            self.backup_button,
            self.restore_button,
            self.check_button,
            self.close_button,
            *(b for _, b in self.restore_buttons),
        ]

    def _show_passwords(self, on: bool) -> None:
        self.passwords.setVisible(on)
        self.warning.setVisible(on)
        for field in (self.password_field, self.again_field):
            field.error.clear_message()
        if on:
            self.password.setFocus()

    def _tell(self, text: str, kind: str = "ok") -> None:
        self.result_notice.set_text(wrappable(text))
        set_notice_kind(self.result_notice, kind)
        self.result_notice.show()
        self.body_area.verticalScrollBar().setValue(0)  # the words at the top, in sight

    # ------------------------------------------------------------ the list

    def show_backups(self) -> None:
        """The backups in the folder beside the database, newest first, each restorable."""
        from app.services.backup import list_backups

        while self.list_column.count():
            entry = self.list_column.takeAt(0)
            layout = entry.layout() if entry is not None else None
            widgets = [entry.widget()] if entry is not None else []
            if layout is not None:
                while layout.count():
                    inner = layout.takeAt(0)
                    widgets.append(inner.widget() if inner is not None else None)
            for widget in widgets:
                if widget is not None:
                    widget.setParent(None)
                    widget.deleteLater()
        self.restore_buttons = []
        found = list_backups(self.db.path)
        if not found:
            self.list_column.addWidget(
                paragraph("还没有自动备份。今天第一次保存改动以后，程序会自动备份一次。")
            )
        for info in found:
            words = backup_words(info)
            line = QHBoxLayout()
            line.setSpacing(12)
            label = SpacedLabel(words)
            label.setToolTip(wrappable(str(info.path)))
            use = button("用这份恢复")
            use.setAccessibleName(f"用这份恢复：{words}")
            use.setToolTip("先核对这份备份、显示里面有什么，问过您才恢复")
            use.clicked.connect(lambda _=False, f=info.path: self.look_at(f))
            line.addWidget(label, 1)
            line.addWidget(use, 0, Qt.AlignmentFlag.AlignVCenter)
            self.list_column.addLayout(line)
            self.restore_buttons.append((info, use))

    # ------------------------------------------------------------ a backup to a folder

    def back_up(self) -> None:
        """立即备份到……: the passwords checked first (beside their fields), then a folder."""
        from app.services.backup import check_password, make_backup

        if self.is_busy():
            return
        password: str | None = None
        if self.encrypt.isChecked():
            for field in (self.password_field, self.again_field):
                field.error.clear_message()
            first, second = self.password.text(), self.password_again.text()
            try:
                check_password(first)
            except UserError:
                self.password_field.error.show_message(
                    "密码至少要8个字符，例如：xiuying2026；字母、数字、汉字都可以。"
                )
                self.password.setFocus()
                return
            if first != second:
                self.again_field.error.show_message(
                    "两次输入的密码不一样，请在这里再输入一次上面的密码。"
                )
                self.password_again.setFocus()
                return
            password = first
        start = settings_folder() or Path.home()
        folder = self.ask_folder(self, start)
        if folder is None:
            return
        db = self.db
        self.start(
            lambda: make_backup(db, folder, password=password, reason="manual"),
            lambda result: self._backed_up(result, folder),
            "正在备份，请稍候……（不要拔下U盘）",
        )

    def _backed_up(self, result: Any, folder: Path) -> None:
        QSettings().setValue(FOLDER_KEY, str(folder))
        self.last_backup = result.path
        self.password.clear()
        self.password_again.clear()
        self._tell(f"✔ {result.message}")
        self.close_button.setFocus()

    def _sign_in_again(self, db: Database) -> None:
        """The database opened again is another file (the restored one): with accounts on in
        it, its own accounts say who may work, so the person signs in to it; nobody signing
        in leaves the window with nothing to do, and it closes."""
        from PySide6.QtWidgets import QDialog

        from app.services import accounts
        from ui.sign_in_dialog import SignInDialog

        if not accounts.accounts_enabled(db):
            return
        dialog = SignInDialog(self, db)
        signed_in = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not signed_in:
            window = self.parentWidget()
            QTimer.singleShot(0, window.close if window is not None else self.reject)

    # ------------------------------------------------------------ checking

    def check(self) -> None:
        from app.services.backup import check_database

        if self.is_busy():
            return
        path = self.db.path
        self.start(lambda: check_database(path), self._checked, "正在检查数据库，请稍候……")

    def _checked(self, result: Any) -> None:
        sound = bool(result.sound)
        self._tell(("✔ " if sound else "⚠ ") + result.text, "ok" if sound else "error")
        self.check_button.setFocus()

    # ------------------------------------------------------------ restoring

    def may_restore(self) -> bool:
        """With accounts on, only an administrator restores (a restore replaces every case,
        account and audit entry at once): refused here before a file is even chosen."""
        from app.services import accounts
        from app.services.backup import check_may_restore

        try:
            check_may_restore(self.db.path, accounts.current_user(self.db))
        except UserError as error:
            messages.show_error(self, error.message, "不能从备份恢复")
            return False
        return True

    def restore(self, file: Path, password: str | None) -> None:
        """The window lets go of the database; the backup goes in its place; the database
        (the restored one, or the old one if the restore could not be done) opens again."""
        from app.services import accounts

        target = self.db.path
        person = accounts.current_user(self.db)
        self.result_notice.hide()
        self.release()
        self.start(
            lambda: restore_and_reopen(file, target, password, person),
            self._restored,
            "正在恢复，请稍候……（不要关闭电脑）",
        )

    def _restored(self, outcome: Reopened) -> None:
        if outcome.db is not None:
            self.db = outcome.db
            self._sign_in_again(outcome.db)
            self.reattach(outcome.db)
        if outcome.result is not None:
            self._tell(f"✔ {outcome.result.message}")
        elif outcome.problem:
            messages.show_error(self, outcome.problem, "没有恢复")
        if outcome.db is None:
            messages.show_error(
                self,
                f"数据库没能重新打开：{outcome.reopen_problem}\n请关闭老娘舅，再打开一次。",
                "数据库没有打开",
            )
            self.close_button.setFocus()
            for widget in self.work_buttons():
                widget.setEnabled(widget is self.close_button)
            return
        self.show_backups()
        self.close_button.setFocus()
