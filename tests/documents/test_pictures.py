"""Pictures of the printed agreement and the oral agreement register for a person to look at
(artifacts/documents/).

Not a layout assertion beyond "it renders and rasterises": the pages are meant to be looked at.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import pytest

from app.documents.docx import render_docx
from app.documents.forms.agreement import build_agreement
from app.documents.forms.oral_agreement import build_oral_agreement
from app.documents.pdf import render_pdf
from app.domain.values import Place
from app.services.views import CaseDetail, CommitteeInfo

from .conftest import ARTIFACTS, with_parties

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils not installed"
)


@needs_pdftoppm
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


@needs_pdftoppm
def test_save_oral_register_pictures(
    oral_case: CaseDetail,
    three_party_case: CaseDetail,
    blank_case: CaseDetail,
    committee: CommitteeInfo,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("oral-agreement-*"):
        old.unlink()
    assert oral_case.agreement is not None
    long_facts = dataclasses.replace(
        oral_case,
        agreement=dataclasses.replace(
            oral_case.agreement, facts="甲乙双方因楼上渗水发生争执，经多次协商未果。" * 50
        ),
    )
    placed = dataclasses.replace(
        three_party_case, place=Place("飞机场社区", "3号楼", "2单元", "401")
    )
    for name, subject in (
        ("two", oral_case),
        ("three", placed),  # an organisation, and the place on record
        ("blank", dataclasses.replace(blank_case, parties=())),  # room to write by hand
        ("eight", with_parties(oral_case, 4, 4)),  # signatures over a page break
        ("long-facts", long_facts),  # a row longer than a page, split with its label
    ):
        doc = build_oral_agreement(subject, committee)
        pdf = ARTIFACTS / f"oral-agreement-{name}.pdf"
        render_pdf(doc, pdf)
        render_docx(doc, ARTIFACTS / f"oral-agreement-{name}.docx")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / f"oral-agreement-{name}")],
            check=True,
        )
        assert sorted(ARTIFACTS.glob(f"oral-agreement-{name}-*.png")), name
