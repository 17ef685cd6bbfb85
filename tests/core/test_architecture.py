"""The layering rule: the core (`app/`) never imports Qt, so it runs headless everywhere."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def test_app_never_imports_pyside6() -> None:
    modules = sorted(
        ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        for path in APP.rglob("*.py")
        if "migrations" not in path.parts and path.name != "__main__.py"
    )
    assert len(modules) > 15, modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"app/ pulled in Qt or ui: {result.stdout}"


def test_no_app_module_imports_qt_or_ui_even_lazily() -> None:
    """Catches imports inside functions too, which the subprocess check only sees when run."""
    offenders = []
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in {"PySide6", "shiboken6", "ui"}
            ]
    assert offenders == []


def imported_names(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_documents_and_the_domain_never_import_services_or_the_database() -> None:
    """Documents are functions of views (a case, a committee): they neither read nor write
    the database, so a form prints the same from a test, the command line or the window."""
    offenders = [
        f"{path.relative_to(APP)}: {name}"
        for folder in ("documents", "domain")
        for path in (APP / folder).rglob("*.py")
        for name in imported_names(path)
        if name.startswith(("app.services", "app.db", "sqlalchemy"))
    ]
    assert offenders == []


def test_the_window_module_loads_without_the_database_layer() -> None:
    """The window paints before SQLAlchemy, the statistics or pypinyin are imported (start-up
    budget: they load while the database opens, after the first paint)."""
    script = (
        "import sys\n"
        "import ui.main_window\n"
        "heavy = ('sqlalchemy', 'app.services.statistics', 'pypinyin', 'reportlab', 'docx')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "", f"ui.main_window pulled in: {result.stdout}"
