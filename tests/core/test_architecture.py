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
