"""Fixtures for the window tests: a fresh demo database per test, fonts, no modal boxes."""

from __future__ import annotations

import json
import os

# Before Qt is imported anywhere: no real screen is needed (the Makefile sets it too).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QWidget

import ui  # noqa: F401 — applies the PySide6 reference guard before any Qt call
from app.services.database import Database, open_database
from app.services.demo import fill_demo
from tests.databases import copied_database

if TYPE_CHECKING:
    from ui.main import StartUp

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "artifacts" / "screenshots"
SCREEN = (1366, 768)


def virtual_screen(size: tuple[int, int]) -> str:
    """The offscreen platform with one screen of this size at 96 dpi (its own is 800×800).

    Offscreen, the available area is the whole screen (there is no taskbar); the frame of a
    window is nothing, so what the dialogs keep for a real one is room to spare here.
    """
    folder = HERE.parents[1] / "artifacts" / "qt"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / f"offscreen-{size[0]}x{size[1]}.json"
    screen = {"name": "virtual", "x": 0, "y": 0, "width": size[0], "height": size[1]}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    # Written aside and renamed: test runs side by side never read half a file.
    part = config.with_suffix(f".{os.getpid()}.part")
    part.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    part.replace(config)
    return f"offscreen:configfile={config}"


# Before the application is made: the screen Qt pretends to have is the 1366×768 of the
# mediation rooms' PCs.
if os.environ.setdefault("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = virtual_screen(SCREEN)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform warns that it cannot pass size limits to a window manager (it
    # has none); that warning says nothing about the program.
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints"))


@pytest.fixture(scope="session", autouse=True)
def private_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Settings (the text size) go to a temporary folder, never to the real user's."""
    folder = str(tmp_path_factory.mktemp("settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


@pytest.fixture(scope="session")
def styled_app(qapp: QApplication, private_settings: None) -> QApplication:
    from ui import style
    from ui.wheel_guard import install_wheel_guard

    style.setup_application(qapp)
    install_wheel_guard(qapp)  # as the program's start does
    return qapp


@pytest.fixture(autouse=True)
def normal_text_size(styled_app: QApplication) -> Iterator[None]:
    from ui import style

    style.apply_scale(100, save=False)
    yield
    style.apply_scale(100, save=False)


@dataclass
class Boxes:
    """What the program would have shown in message boxes (nothing modal blocks a test)."""

    errors: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    answer: bool = True


@pytest.fixture(autouse=True)
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    from ui import messages

    seen = Boxes()

    def confirm(parent: QWidget | None, title: str, text: str, yes: str, no: str = "") -> bool:
        seen.questions.append(f"{title}\n{text}\n{yes}")
        return seen.answer

    monkeypatch.setattr(messages, "show_error", lambda p, text, title="": seen.errors.append(text))
    monkeypatch.setattr(messages, "show_info", lambda p, text, title="": seen.infos.append(text))
    monkeypatch.setattr(messages, "confirm", confirm)
    return seen


@pytest.fixture(scope="session")
def demo_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built by the real migrations with 30 demo cases, copied for each test."""
    path = tmp_path_factory.mktemp("ui-template") / "t.db"
    database = open_database(path)
    fill_demo(database, 30, seed=1)
    database.close()
    return path


@pytest.fixture
def db(tmp_path: Path, demo_database_file: Path) -> Iterator[Database]:
    """A new database of its own for each test, with 30 demo cases."""
    database = copied_database(demo_database_file, tmp_path / "t.db")
    yield database
    database.close()


@dataclass
class Opened:
    paths: list[Path] = field(default_factory=list)

    def __call__(self, path: Path) -> bool:
        self.paths.append(path)
        return True


@pytest.fixture
def opened() -> Opened:
    """Stands in for the PDF reader / Word: records what would have been opened."""
    return Opened()


@pytest.fixture
def window(qtbot, db: Database, opened: Opened):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    main = MainWindow(db, opener=opened)
    qtbot.addWidget(main)
    main.resize(*SCREEN)
    main.show()
    qtbot.waitExposed(main)
    return main


def show_at_screen_size(qtbot, widget: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    """Shown as on a 1366×768 screen: a window that big; a dialog as it sized itself to fit."""
    qtbot.addWidget(widget)
    if not isinstance(widget, QDialog):
        widget.resize(*SCREEN)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def screenshot(widget: QWidget, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    QApplication.processEvents()
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as a person does: ASCII as key presses, Chinese as the characters an input
    method delivers (QTest's key tables know only ASCII)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    widget.setFocus()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                widget,
                Qt.Key.Key_unknown,
                char,
                Qt.KeyboardModifier.NoModifier,
            )


def save_through_print_dialog(qtbot, page, fmt: str) -> Path:  # type: ignore[no-untyped-def]
    """Press the page's 打印协议, wait for the preview, save as `fmt`; the path saved to."""
    from PySide6.QtCore import Qt

    from ui.print_dialog import PrintDialog

    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, PrintDialog), "打印协议 did not open the print dialog"
    qtbot.waitUntil(lambda: dialog.preview_path is not None and not dialog.is_busy(), timeout=30000)
    button = dialog.pdf_button if fmt == "pdf" else dialog.word_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=30000)
    saved = dialog.last_saved
    dialog.reject()
    return saved


class Started:
    """One start of the program in this test's process: its `StartUp` and the exit codes it
    asked for."""

    def __init__(self, startup: StartUp, codes: list[int]) -> None:
        self.startup = startup
        self.codes = codes


@pytest.fixture
def start(qtbot, styled_app: QApplication) -> Iterator:  # type: ignore[no-untyped-def]
    """Starts the program's start-up in this process on a database file (`start(path)`); at
    the end a sign-in step still open is left, and the window is closed as a person closes it
    (the exit backup first)."""
    import gc

    from ui.main import StartUp, parse_args

    made: list[Started] = []

    def starter(path: Path) -> Started:
        codes: list[int] = []
        args, _ = parse_args(["--db", str(path)])
        startup = StartUp(args, styled_app, quit=codes.append)
        startup.start()
        started = Started(startup, codes)
        made.append(started)
        return started

    yield starter
    for started in made:
        window = started.startup.window
        if started.startup.dialog is not None:
            started.startup.dialog.done(QDialog.DialogCode.Rejected)
        if window is not None and window.idle_lock is not None:
            window.idle_lock.stop()
        if window is not None and window.auto_backup is not None and window.db is not None:
            backups = window.auto_backup
            window.close()
            qtbot.waitUntil(lambda b=backups: b.exit_done, timeout=30000)
        started.startup.close()
        if window is not None:  # closed here, not by qtbot: it must outlive its exit backup
            window.hide()
            window.deleteLater()
    gc.unfreeze()  # the start froze what it built; a test process lets it go again
