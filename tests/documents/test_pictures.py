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
from app.documents.tree import Document
from app.domain.values import Place
from app.views import CaseDetail, CommitteeInfo

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
    assert case.agreement is not None
    long_facts = dataclasses.replace(
        case,
        agreement=dataclasses.replace(case.agreement, facts="甲乙双方因楼上渗水发生争执。" * 60),
    )
    save_pictures(
        "agreement",
        [
            ("two", build_agreement(case, committee)),
            ("three", build_agreement(three_party_case, committee)),
            ("blank", build_agreement(blank_case, committee)),
            # signatures over a page break
            ("eight", build_agreement(with_parties(case, 4, 4), committee)),
            # a text longer than a page under its heading
            ("long-facts", build_agreement(long_facts, committee)),
        ],
    )


@needs_pdftoppm
def test_save_oral_register_pictures(
    oral_case: CaseDetail,
    three_party_case: CaseDetail,
    blank_case: CaseDetail,
    committee: CommitteeInfo,
) -> None:
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
    save_pictures(
        "oral-agreement",
        [
            ("two", build_oral_agreement(oral_case, committee)),
            # an organisation, and the place on record
            ("three", build_oral_agreement(placed, committee)),
            # room to write by hand
            ("blank", build_oral_agreement(dataclasses.replace(blank_case, parties=()), committee)),
            # signatures over a page break
            ("eight", build_oral_agreement(with_parties(oral_case, 4, 4), committee)),
            # a row longer than a page, split with its label
            ("long-facts", build_oral_agreement(long_facts, committee)),
        ],
    )


def save_pictures(prefix: str, documents: list[tuple[str, Document]]) -> None:
    """Render each document to PDF and DOCX in artifacts/documents/ and its PDF pages to PNG."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{prefix}-*"):
        old.unlink()
    for name, doc in documents:
        stem = ARTIFACTS / f"{prefix}-{name}"
        pdf = stem.with_suffix(".pdf")
        render_pdf(doc, pdf)
        render_docx(doc, stem.with_suffix(".docx"))
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(stem)], check=True)
        assert sorted(ARTIFACTS.glob(f"{prefix}-{name}-*.png")), name
