"""The Word dossier as LibreOffice prints it: the cover and contents list unnumbered, the papers
numbered 第 1 页 on, and each paper starting on the page its contents row names."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from pypdf import PdfReader

from app.services.database import Database
from app.services.printing import print_dossier

from .test_dossier_pdf import rich_case
from .test_fixes_libreoffice import fontconfig, soffice


def test_the_word_dossier_numbers_its_papers_as_its_contents_list(
    demo_db: Database, tmp_path: Path
) -> None:
    from docx import Document as WordDocument

    program = soffice()
    target = tmp_path / "dossier.docx"
    print_dossier(demo_db, rich_case(demo_db), "docx", target)
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(tmp_path))}
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            str(target),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=180,
    )
    pages = [p.extract_text() for p in PdfReader(tmp_path / "out" / "dossier.pdf").pages]
    numbers = [re.search(r"第\s*(\d+)\s*页", text) for text in pages]
    front = next(k for k, found in enumerate(numbers) if found)
    assert front == 2  # the cover and the contents list carry no number
    for k, found in enumerate(numbers[front:]):
        assert found is not None and int(found.group(1)) == k + 1, (k, found)
    assert not re.search(r"共\s*\d+\s*页", "".join(pages[front:]))  # the whole is the contents'

    table = next(t for t in WordDocument(str(target)).tables if t.rows[0].cells[0].text == "序号")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    for _, title, where, note in (r[:4] for r in rows):
        if not title or note == "另附":
            continue
        first = int(where.split("-")[0])
        shown = "".join(pages[front + first - 1].split())
        assert "".join(title.split())[:6] in shown, (title, first)
