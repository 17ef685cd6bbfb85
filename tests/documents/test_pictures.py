"""Pictures of the printed agreement for a person to look at (artifacts/documents/).

Not a layout assertion beyond "it renders and rasterises": the pages are meant to be looked at.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import pytest

from app.documents.docx import render_docx
from app.documents.forms.agreement import build_agreement
from app.documents.pdf import render_pdf
from app.services.views import CaseDetail, CommitteeInfo

from .conftest import ARTIFACTS, with_parties


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_save_page_pictures(
    case: CaseDetail,
    three_party_case: CaseDetail,
    blank_case: CaseDetail,
    committee: CommitteeInfo,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("agreement-*"):
        old.unlink()
    assert case.agreement is not None
    long_facts = dataclasses.replace(
        case,
        agreement=dataclasses.replace(case.agreement, facts="甲乙双方因楼上渗水发生争执。" * 60),
    )
    for name, subject in (
        ("two", case),
        ("three", three_party_case),
        ("blank", blank_case),
        ("eight", with_parties(case, 4, 4)),  # signatures over a page break
        ("long-facts", long_facts),  # a text longer than a page under its heading
    ):
        doc = build_agreement(subject, committee)
        pdf = ARTIFACTS / f"agreement-{name}.pdf"
        render_pdf(doc, pdf)
        render_docx(doc, ARTIFACTS / f"agreement-{name}.docx")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / f"agreement-{name}")],
            check=True,
        )
        pages = sorted(ARTIFACTS.glob(f"agreement-{name}-*.png"))
        assert pages, name
