"""app.documents stays Qt-free and imports its heavy libraries only to render."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import app.documents
import app.documents.forms.agreement, app.documents.forms.oral_agreement
import app.documents.text, app.documents.tree, app.documents.layout, app.documents.linebreak
lazy = [m for m in ("reportlab", "docx") if m in sys.modules]
import app.documents.fonts, app.documents.pdf, app.documents.docx, app.documents.rlfixes
print(",".join(lazy), "PySide6" in sys.modules)
"""


def test_no_qt_and_lazy_renderers() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], check=True, capture_output=True, text=True
    )
    assert result.stdout.split() == ["False"]  # nothing heavy before rendering, and no Qt
