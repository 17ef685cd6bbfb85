"""Message boxes in plain Chinese with verb buttons; the safe choice is always the default.

Every window calls these through the module (`messages.show_error(...)`), so a test can
replace them and never block on a modal box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    from ui.widgets import paragraph_html

    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    # Escaped plain text shown as rich text, for 1.5× line spacing (rule 3).
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(paragraph_html(text))
    return box


def show_error(parent: QWidget | None, text: str, title: str = "没有完成") -> None:
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.addButton("知道了", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_info(parent: QWidget | None, text: str, title: str = "完成") -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.addButton("知道了", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str, no: str = "取消") -> bool:
    """Ask before something that cannot be taken back; `yes` names the action."""
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    do_it = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is do_it
