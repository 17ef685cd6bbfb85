"""The real program started as a user starts it, on a virtual X screen (xvfb-run), not offscreen.

Also: every character the windows show is drawn by a bundled font, so a PC without Chinese
fonts shows Chinese, not boxes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.services.cases import count_cases
from app.services.database import open_database
from tests.conftest import ROOT, artifacts_dir
from tests.ui.conftest import show_at_screen_size
from ui import style


def start_under_xvfb(
    tmp_path: Path, *options: str, text_scale: int = 100
) -> subprocess.CompletedProcess[str]:
    """Start the program on a 1366×768 virtual screen, with its settings (the saved text size)
    in a folder of the test's own, so neither the person's settings nor another test's count."""
    xvfb = shutil.which("xvfb-run")
    assert xvfb, "xvfb-run is missing: run `scripts/debian-deps.sh test` (make test does)"
    config = tmp_path / "config"
    settings = config / style.ORGANISATION / f"{style.APPLICATION}.conf"
    settings.parent.mkdir(parents=True)
    settings.write_text(f"[General]\n{style.SETTINGS_KEY}={text_scale}\n", encoding="utf-8")
    env = dict(os.environ, TMPDIR=str(tmp_path), XDG_CONFIG_HOME=str(config))
    env.pop("QT_QPA_PLATFORM", None)  # the real X11 (xcb) platform, as on a desktop
    command = [xvfb, "-a", "-s", "-screen 0 1366x768x24", sys.executable, "-m", "ui", *options]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


@pytest.mark.parametrize("text_scale", [100, 200])
def test_window_opens_on_demo_data_under_xvfb(tmp_path: Path, text_scale: int) -> None:
    picture = artifacts_dir("screenshots") / f"start-xvfb-demo-{text_scale}.png"
    picture.unlink(missing_ok=True)
    done = start_under_xvfb(
        tmp_path,
        "--demo",
        "--exit-after-paint",
        "--screenshot",
        str(picture),
        text_scale=text_scale,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = dict(field.split("=") for field in done.stdout.split() if "=" in field)
    assert float(report["painted_ms"]) > 0 and float(report["rss_mb"]) > 0

    demo = tmp_path / "laoniangjiu-demo" / "demo.db"
    db = open_database(demo)
    try:
        assert count_cases(db) == 120
    finally:
        db.close()

    image = QImage(str(picture))
    assert not image.isNull()
    assert image.width() <= 1366 and image.height() <= 768
    # Not an empty grey rectangle: the list's dark text is there.
    dark = sum(
        1
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
        if QColor(image.pixel(x, y)).lightness() < 80
    )
    assert dark > 500


def test_a_database_that_cannot_be_opened_is_explained(tmp_path: Path) -> None:
    # A file that is not a database: the program says so and stops, changing nothing. (With
    # --exit-after-paint the message goes to stderr; a person sees it in a message box.)
    broken = tmp_path / "坏文件.db"
    broken.write_bytes(b"this is not a database" * 100)
    before = broken.read_bytes()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--db", str(broken), "--exit-after-paint"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert "数据库" in done.stderr
    assert broken.read_bytes() == before


def missing_characters(widget: QWidget) -> set[str]:
    """Characters in the visible text that none of the bundled fonts can draw."""
    metrics = [QFontMetrics(QFont(family)) for family in style.FONT_FAMILIES]
    missing: set[str] = set()
    for child in widget.findChildren(QWidget):
        if not isinstance(child, QLabel | QPushButton) or not child.isVisible():
            continue
        for char in child.text():
            if char.isspace() or char == "\u2060":
                continue
            if not any(m.inFontUcs4(ord(char)) for m in metrics):
                missing.add(char)
    return missing


def test_bundled_fonts_draw_every_character_shown(window, qtbot) -> None:
    assert set(style.FONT_FAMILIES) <= set(style.registered_families())
    assert missing_characters(window) == set()
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    assert missing_characters(dialog) == set()
    page = show_at_screen_size(qtbot, window.make_case_page(window.model.row(0).id))
    assert missing_characters(page) == set()


def test_rare_name_characters_are_in_a_bundled_font() -> None:
    metrics = [QFontMetrics(QFont(family)) for family in style.FONT_FAMILIES]
    for char in "王𠮷阿卜杜热合曼·买买提":
        assert any(m.inFontUcs4(ord(char)) for m in metrics), char
