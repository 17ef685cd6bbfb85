"""The Word files as LibreOffice prints them (`soffice --headless --convert-to pdf`): as many
pages as the PDF, every ruled line drawn. Pictures of both, page by page, are saved in
artifacts/documents/ (lo-<form>-pdf-N.png, lo-<form>-word-N.png) for a person to compare.

LibreOffice is given the bundled fonts under the names the Word file asks for (宋体, 仿宋,
Times New Roman → AR PL UMing CN; SimSun-ExtB → LXGW WenKai) through a private fontconfig
file, so the comparison is of the layout, not of whatever fonts the machine has.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.documents.docx import render_docx
from app.documents.forms.agreement import build_agreement
from app.documents.forms.oral_agreement import build_oral_agreement
from app.documents.pdf import render_pdf
from app.documents.tree import Document
from app.views import CaseDetail, CommitteeInfo

from .conftest import ARTIFACTS, MM, needs_poppler, pdf_words, with_parties
from .test_fixes_register import typical  # noqa: F401  (a fixture)

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
#: The names the Word file gives its fonts, and the bundled font LibreOffice is to use.
ALIASES = {
    "宋体": "AR PL UMing CN",
    "SimSun": "AR PL UMing CN",
    "仿宋": "AR PL UMing CN",
    "FangSong": "AR PL UMing CN",
    "Times New Roman": "AR PL UMing CN",
    "SimSun-ExtB": "LXGW WenKai",
}


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: install libreoffice-writer-nogui "
            "(scripts/debian-deps.sh test) to compare Word files with the PDFs"
        )
    return found


def fontconfig(folder: Path) -> Path:
    aliases = "\n".join(
        f'  <alias binding="same"><family>{name}</family>'
        f"<prefer><family>{font}</family></prefer></alias>"
        for name, font in ALIASES.items()
    )
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{FONTS}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        f"{aliases}\n</fontconfig>\n",
        encoding="utf-8",
    )
    return config


@dataclasses.dataclass
class Converted:
    pdf: Path  # ours
    word: Path  # LibreOffice's PDF of our Word file


#: The conversions, made once for all the tests of this module (LibreOffice takes seconds).
_CONVERTED: dict[str, Converted] = {}


@pytest.fixture
def converted(
    tmp_path_factory: pytest.TempPathFactory,
    case: CaseDetail,
    three_party_case: CaseDetail,
    blank_case: CaseDetail,
    oral_case: CaseDetail,
    typical: CaseDetail,  # noqa: F811  (the fixture imported above)
    committee: CommitteeInfo,
) -> dict[str, Converted]:
    program = soffice()
    if not _CONVERTED:
        _CONVERTED.update(
            convert(
                program,
                tmp_path_factory.mktemp("libreoffice"),
                (case, three_party_case, blank_case, oral_case, typical),
                committee,
            )
        )
    return _CONVERTED


def convert(
    program: str, work: Path, cases: tuple[CaseDetail, ...], committee: CommitteeInfo
) -> dict[str, Converted]:
    case, three, blank, oral, usual = cases
    gb = dataclasses.replace(committee, page_layout="gbt9704")
    documents: dict[str, Document] = {
        "agreement-two": build_agreement(case, committee),
        "agreement-three": build_agreement(three, committee),
        "agreement-blank": build_agreement(blank, committee),
        "agreement-eight": build_agreement(with_parties(case, 4, 4), committee),
        "agreement-gbt9704": build_agreement(three, gb),
        "oral-typical": build_oral_agreement(usual, committee),
        "oral-two": build_oral_agreement(oral, committee),
        "oral-three": build_oral_agreement(
            dataclasses.replace(three, agreement=oral.agreement), committee
        ),
        "oral-blank": build_oral_agreement(dataclasses.replace(blank, parties=()), committee),
    }
    for name, doc in documents.items():
        render_pdf(doc, work / f"{name}.pdf")
        render_docx(doc, work / f"{name}.docx")
    out = work / "converted"
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(work))}
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *(str(work / f"{name}.docx") for name in documents),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=180,
    )
    result = {name: Converted(work / f"{name}.pdf", out / f"{name}.pdf") for name in documents}
    if shutil.which("pdftoppm"):
        save_pictures(result)
    return result


def save_pictures(result: dict[str, Converted]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("lo-*"):
        old.unlink()
    for name, pair in result.items():
        for kind, path in (("pdf", pair.pdf), ("word", pair.word)):
            stem = ARTIFACTS / f"lo-{name}-{kind}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(stem)], check=True)


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


@pytest.mark.parametrize(
    "name",
    [
        "agreement-two",
        "agreement-three",
        "agreement-blank",
        "agreement-eight",
        "agreement-gbt9704",
        "oral-typical",
        "oral-two",
        "oral-three",
        "oral-blank",
    ],
)
def test_the_word_file_has_as_many_pages_as_the_pdf(
    converted: dict[str, Converted], name: str
) -> None:
    pair = converted[name]
    assert pages(pair.word) == pages(pair.pdf), name


def test_a_typical_register_is_one_page_in_word_too(converted: dict[str, Converted]) -> None:
    assert pages(converted["oral-typical"].word) == 1


@needs_poppler
@pytest.mark.parametrize("name", ["agreement-blank", "oral-blank", "oral-two"])
def test_every_ruled_line_is_drawn(converted: dict[str, Converted], name: str) -> None:
    """The long horizontal rules (ruled lines to write on, table rules): as many in
    LibreOffice's print of the Word file as in the PDF (Word and LibreOffice grouped ruled
    paragraphs into one box, which drew one line for four)."""
    pair = converted[name]
    assert sum(rules(pair.word)) == sum(rules(pair.pdf)), name


def rules(path: Path) -> list[int]:
    """Per page, the horizontal lines at least 80 % of the text width long."""
    out = subprocess.run(
        ["pdftoppm", "-gray", "-r", "60", str(path)], check=True, capture_output=True
    ).stdout
    counts = []
    while out:
        header, out = _pgm(out)
        width, height, pixels = header
        page, out = out[: width * height], out[width * height :]
        long = 0.8 * 156 / 25.4 * 60
        dark = [
            sum(1 for x in range(width) if page[y * width + x] < 160) >= long for y in range(height)
        ]
        counts.append(sum(1 for y in range(height) if dark[y] and (y == 0 or not dark[y - 1])))
        del pixels
    return counts


def _pgm(data: bytes) -> tuple[tuple[int, int, int], bytes]:
    """Read one binary PGM header (P5 width height maxval) off the front of `data`."""
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:
        while data[at : at + 1].isspace():
            at += 1
        start = at
        while not data[at : at + 1].isspace():
            at += 1
        fields.append(data[start:at])
    assert fields[0] == b"P5"
    width, height, maxval = (int(f) for f in fields[1:])
    return (width, height, maxval), data[at + 1 :]


def test_every_form_in_word_as_libreoffice_prints_it(
    tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo
) -> None:
    """Every form of the rich case and blank, as LibreOffice prints its Word file: as many
    pages as the PDF, and both saved as pictures side by side (artifacts/documents/forms-lo/
    <form>-<variant>-pdf-N.png and -word-N.png) for a person to compare."""
    from app.documents import render
    from app.documents.forms.registry import FORMS
    from tests.conftest import TODAY, artifacts_dir

    from .test_forms import rich

    program = soffice()
    rich_case = rich(three_party_case)
    names: list[str] = []
    for key, spec in FORMS.items():
        for variant, case in (("rich", rich_case), ("blank", None)):
            name = f"{key}-{variant}"
            doc = spec.make(case, committee, today=TODAY)
            render(doc, "pdf", tmp_path / f"{name}.pdf")
            render(doc, "docx", tmp_path / f"{name}.docx")
            names.append(name)
    out = tmp_path / "converted"
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(tmp_path))}
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *(str(tmp_path / f"{name}.docx") for name in names),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    if shutil.which("pdftoppm"):
        folder = artifacts_dir("documents", "forms-lo")
        for old in folder.iterdir():
            old.unlink()
        for name in names:
            for kind, path in (("pdf", tmp_path / f"{name}.pdf"), ("word", out / f"{name}.pdf")):
                stem = folder / f"{name}-{kind}"
                subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(stem)], check=True)
    differing = {
        name: (pages(tmp_path / f"{name}.pdf"), pages(out / f"{name}.pdf"))
        for name in names
        if pages(tmp_path / f"{name}.pdf") != pages(out / f"{name}.pdf")
    }
    assert differing == {}


@needs_poppler
@pytest.mark.parametrize("name", ["agreement-two", "agreement-three", "agreement-eight"])
def test_the_signature_lines_stand_where_the_pdf_has_them(
    converted: dict[str, Converted], name: str
) -> None:
    """Each signature line (…（签名）：, …签名：) as far down its page in LibreOffice's print of
    the Word file as in the PDF, measured from the page's first line: the Word file's signature
    rows are as tall as the PDF's, no taller. (Half a millimetre more on each row took the
    signature block of a rich three-party agreement, which just fits the PDF's second page,
    over to a third page, leaving a third of the second one bare.)"""
    pair = converted[name]
    ours, theirs = signature_lines(pair.pdf), signature_lines(pair.word)
    assert [[text for text, _ in page] for page in theirs] == [
        [text for text, _ in page] for page in ours
    ]
    for page_ours, page_theirs in zip(ours, theirs, strict=True):
        for (text, down), (_, down_lo) in zip(page_ours, page_theirs, strict=True):
            assert abs(down_lo - down) < 0.3 * MM, (name, text, down / MM, down_lo / MM)


def signature_lines(path: Path) -> list[list[tuple[str, float]]]:
    """Per page, the words that end a signature label ("签名" and the colon), each with how far
    below the page's first word it stands, in points."""
    pages = []
    for words in pdf_words(path):
        top = min((w.y0 for w in words), default=0.0)
        found = [w for w in words if "签名" in w.text and w.text.endswith("：")]
        pages.append([(w.text, w.y0 - top) for w in sorted(found, key=lambda w: (w.y0, w.x0))])
    return pages
