"""The statistics: every figure of a fixture of hand-built cases against the answers worked out
by hand (tests/core/statistics_cases.py), the cases behind each figure, the dashboard, the
register, the street view, the command line and the Excel and PDF sheets."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from app.cli import main
from app.db.models import Case
from app.domain.codes import CaseStatus, DisputeType, Source, Tier
from app.domain.errors import UserError
from app.domain.statistics import (
    SHEET_COLUMNS,
    Figure,
    FigureRef,
    Figures,
    Period,
    PeriodKind,
    Statistics,
    combine,
    last_months,
    parse_month,
    parse_quarter,
    parse_year,
    percent,
    sheet_rows,
)
from app.services.database import Database, open_database
from app.services.exchange import import_data
from app.services.statistics import (
    dashboard,
    figure_case_ids,
    monthly_intake,
    period_statistics,
    register_rows,
    tier_picture,
)
from app.services.statistics_sheet import (
    FIRST_ROW,
    write_register_xlsx,
    write_statistics_pdf,
    write_statistics_xlsx,
)
from app.services.street import street_statistics
from tests.conftest import artifacts_dir
from tests.core.statistics_cases import (
    BEHIND,
    C1,
    COMMITTEE,
    EXPECTED,
    PERIOD,
    YEAR,
    another_committee,
    crowded_panel,
    exchange_data,
    write_file,
)


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_database(tmp_path_factory.mktemp("statistics") / "fixture.db")
    import_data(db, exchange_data())
    yield db
    db.close()


@pytest.fixture(scope="module")
def quarter(fixture_db: Database) -> Statistics:
    return period_statistics(fixture_db, PERIOD)


def case_ids(db: Database) -> dict[str, int]:
    """C1 … C14 → the case's id (the fixture numbers its cases …第n号)."""
    with db.reading() as session:
        rows = session.execute(select(Case.number, Case.id)).all()
    return {f"C{number.split('第')[1].rstrip('号')}": case_id for number, case_id in rows}


# ---------------------------------------------------------------------------------------------
# Every figure


def test_every_figure_of_the_quarter_is_the_hand_count(quarter: Statistics) -> None:
    assert quarter.committee == COMMITTEE
    assert quarter.total == EXPECTED


@pytest.mark.parametrize("figure", list(Figure), ids=lambda f: f.value)
def test_the_cases_behind_every_figure(fixture_db: Database, figure: Figure) -> None:
    ids = case_ids(fixture_db)
    behind = figure_case_ids(fixture_db, PERIOD, FigureRef(figure))
    assert {k for k, v in ids.items() if v in behind} == BEHIND[figure.value]
    assert len(behind) == len(set(behind))
    if figure not in (Figure.PERSONS, Figure.AMOUNT):
        assert len(behind) == EXPECTED.get(figure)


def test_the_rates(quarter: Statistics) -> None:
    total = quarter.total
    assert total.success_rate == Decimal("62.5")  # 5 of 8
    assert total.performance_rate == Decimal("60.0")  # 3 of 5
    assert total.follow_up_rate == Decimal("20.0")  # 1 of 5
    assert quarter.tier_picture().low_tier_share == Decimal("80.0")  # 4 of 5


def test_the_tier_picture(fixture_db: Database, quarter: Statistics) -> None:
    picture = quarter.tier_picture()
    assert (picture.building, picture.courtyard, picture.community, picture.left) == (2, 2, 1, 1)
    assert tier_picture(fixture_db, PERIOD) == picture
    ids = case_ids(fixture_db)
    settled_in_courtyard = figure_case_ids(
        fixture_db, PERIOD, FigureRef(Figure.SUCCEEDED, tier_resolved=Tier.COURTYARD.value)
    )
    assert sorted(settled_in_courtyard) == sorted([ids["C2"], ids["C12"]])
    still_open = figure_case_ids(fixture_db, PERIOD, FigureRef(Figure.RECEIVED, tier_resolved=""))
    assert still_open == [ids["C5"], ids["C6"], ids["C8"]]  # withdrawn, declined, mediating


def test_by_dispute_type(quarter: Statistics) -> None:
    rows = {g.key: g.figures for g in quarter.by_type()}
    assert list(rows) == [t.value for t in DisputeType]  # every type, in the sheet's order
    neighbourhood = rows[DisputeType.NEIGHBOURHOOD.value]
    assert (neighbourhood.received, neighbourhood.accepted) == (6, 5)  # C1 C2 C6 C8 C9 C14
    assert (neighbourhood.mediated, neighbourhood.succeeded, neighbourhood.failed) == (4, 2, 1)
    assert rows[DisputeType.DAMAGES.value] == Figures(
        mediated=1,
        succeeded=1,
        written=1,
        persons=2,
        amount=2_000_000,
        confirmation_applied=1,
        confirmed=1,
        performed=1,
    )
    assert rows[DisputeType.MEDICAL.value].is_empty()


def test_by_source(quarter: Statistics) -> None:
    rows = {g.key: g.figures for g in quarter.by_source()}
    assert rows[Source.APPLICATION.value].received == 10
    assert rows[Source.OWN_INITIATIVE.value].received == 1
    assert rows[Source.COURT.value].received == 1
    assert rows[Source.POLICE.value].received == 0  # C7 came in December
    assert rows[Source.POLICE.value].succeeded == 1


def test_by_tier_resolved(quarter: Statistics) -> None:
    rows = {g.key: g.figures for g in quarter.by_tier()}
    assert rows[Tier.BUILDING.value].succeeded == 2
    assert rows[Tier.BUILDING.value].terminated == 1  # C9
    assert rows[Tier.COURTYARD.value].failed == 1  # C14
    assert rows[Tier.REFERRED.value].referred == 1
    assert rows[""].received == 3  # open, withdrawn, declined: no tier resolved


def test_by_mediator_a_case_counts_for_each_of_its_panel(
    fixture_db: Database, quarter: Statistics
) -> None:
    rows = {g.label: g for g in quarter.mediators}
    wang, li, zhao = rows["王建国"], rows["李淑芬"], rows["赵德胜"]
    # 王建国: C1 C3 C7 C9 (and C13, outside); 李淑芬: C2 C4 C8 C10 C11; 赵德胜: C1 C7.
    assert (wang.figures.received, wang.figures.mediated, wang.figures.succeeded) == (3, 4, 2)
    assert (li.figures.received, li.figures.mediated, li.figures.succeeded) == (5, 2, 2)
    assert (zhao.figures.received, zhao.figures.mediated, zhao.figures.succeeded) == (1, 2, 2)
    assert wang.note == "老党员"
    ids = case_ids(fixture_db)
    behind = figure_case_ids(fixture_db, PERIOD, FigureRef(Figure.MEDIATED, mediator_id=wang.ref))
    assert sorted(behind) == sorted(ids[k] for k in ("C1", "C3", "C7", "C9"))


def test_by_elder_category_a_case_counts_once(fixture_db: Database, quarter: Statistics) -> None:
    rows = {g.key: g.figures for g in quarter.categories}
    # 老党员: C1 (two of them on its panel, counted once), C3, C7, C9.
    assert (rows["party_member"].received, rows["party_member"].mediated) == (3, 4)
    assert rows["party_member"].persons == 2 + 4 + 2 + 2
    assert (rows["teacher"].received, rows["teacher"].succeeded) == (5, 2)
    ids = case_ids(fixture_db)
    behind = figure_case_ids(
        fixture_db, PERIOD, FigureRef(Figure.RECEIVED, category="party_member")
    )
    assert behind == [ids["C1"], ids["C9"], ids["C3"]]  # in the order received


def groups_count_their_cases(db: Database, statistics: Statistics) -> None:
    """Every figure of every mediator and category is the number of cases behind it (listed
    with EXISTS, one case once), and its persons and amount those cases' own."""
    with db.reading() as session:
        sums = {
            i: (p or 0, a or 0)
            for i, p, a in session.execute(select(Case.id, Case.persons_involved, Case.amount_fen))
        }
    groups = [(g, FigureRef(Figure.RECEIVED, mediator_id=g.ref)) for g in statistics.mediators]
    groups += [(g, FigureRef(Figure.RECEIVED, category=g.key)) for g in statistics.categories]
    for group, ref in groups:
        for figure in Figure:
            behind = figure_case_ids(db, PERIOD, dataclasses.replace(ref, figure=figure))
            if figure is Figure.PERSONS:
                assert group.figures.persons == sum(sums[i][0] for i in behind), group.label
            elif figure is Figure.AMOUNT:
                assert group.figures.amount == sum(sums[i][1] for i in behind), group.label
            else:
                assert group.figures.get(figure) == len(behind), (group.label, figure)


def test_every_group_counts_the_cases_behind_it(fixture_db: Database, quarter: Statistics) -> None:
    groups_count_their_cases(fixture_db, quarter)


def test_three_of_a_category_on_one_panel_count_the_case_once(
    quarter: Statistics, tmp_path: Path
) -> None:
    db = open_database(tmp_path / "crowded.db")
    try:
        import_data(db, crowded_panel())
        crowded = period_statistics(db, PERIOD)
        rows = {g.key: g.figures for g in crowded.categories}
        party, teacher = rows["party_member"], rows["teacher"]
        assert party == {g.key: g.figures for g in quarter.categories}["party_member"]
        assert (party.received, party.mediated, party.failed, party.persons) == (3, 4, 1, 10)
        assert (teacher.received, teacher.mediated, teacher.failed) == (6, 3, 1)
        assert teacher.persons == 3 + 4 + 2
        sun = next(g for g in crowded.mediators if g.label == "孙玉兰")
        assert (sun.figures.received, sun.figures.failed, sun.figures.amount) == (1, 1, 500_000)
        assert crowded.total == EXPECTED  # the panel changes no case's own figures
        groups_count_their_cases(db, crowded)
    finally:
        db.close()


def test_the_cases_behind_a_figure_of_one_group(fixture_db: Database) -> None:
    ids = case_ids(fixture_db)
    ref = FigureRef(Figure.SUCCEEDED, dispute_type=DisputeType.NEIGHBOURHOOD.value)
    assert figure_case_ids(fixture_db, PERIOD, ref) == [ids["C1"], ids["C2"]]
    ref = FigureRef(Figure.RECEIVED, source=Source.OWN_INITIATIVE.value)
    assert figure_case_ids(fixture_db, PERIOD, ref) == [ids["C2"]]
    assert ref.describe() == "收案 · 主动调解"


def test_the_year_counts_what_came_after_the_quarter(fixture_db: Database) -> None:
    year = period_statistics(fixture_db, YEAR).total
    # C10 accepted 04-02 and settled orally 04-10; C2 visited 04-05.
    assert (year.received, year.accepted, year.succeeded, year.oral) == (12, 10, 6, 3)
    assert year.followed_up == 2
    assert year.mediated == 9


def test_a_month(fixture_db: Database) -> None:
    march = period_statistics(fixture_db, Period.month(2026, 3)).total
    assert march == Figures(received=4, accepted=1, declined=1, withdrawn=1, referred=1)


def test_a_custom_period_of_one_day(fixture_db: Database) -> None:
    one_day = period_statistics(fixture_db, Period.custom(date(2026, 1, 8), date(2026, 1, 8)))
    # C7's agreement, reached that day; performed later, by the end of no such period.
    assert one_day.total == Figures(mediated=1, succeeded=1, written=1, persons=2, amount=2_000_000)


def test_a_period_without_cases(fixture_db: Database) -> None:
    empty = period_statistics(fixture_db, Period.year(2030))
    assert empty.total.is_empty()
    assert empty.total.success_rate is None
    assert len(empty.by_type()) == len(DisputeType)


def test_statistics_follow_a_case_moved_in_the_window(tmp_path: Path) -> None:
    """A case registered and accepted through the services (not an import) counts too."""
    from app.domain.drafts import CaseDraft, PartyDraft
    from app.domain.lifecycle import CaseEvent
    from app.services.case_life import apply_event
    from app.services.cases import register_case

    db = open_database(tmp_path / "t.db")
    today = date(2026, 5, 20)
    draft = CaseDraft(
        title="楼道堆物纠纷",
        dispute_type=DisputeType.NEIGHBOURHOOD.value,
        source=Source.APPLICATION.value,
        received_on=date(2026, 5, 18),
        tier=Tier.BUILDING.value,
        parties=[
            PartyDraft(role="applicant", kind="person", name="张三"),
            PartyDraft(role="respondent", kind="person", name="李四"),
        ],
    )
    detail, _ = register_case(db, draft, today=today)
    apply_event(db, detail.id, CaseEvent.ACCEPT, on=today, today=today)
    may = period_statistics(db, Period.month(2026, 5)).total
    assert (may.received, may.accepted) == (1, 1)
    assert dashboard(db, today).month_received == 1
    db.close()


# ---------------------------------------------------------------------------------------------
# Dashboard and charts


def test_the_dashboard(fixture_db: Database) -> None:
    board = dashboard(fixture_db, date(2026, 3, 15))
    counts = dict(board.by_status)
    assert list(counts) == list(CaseStatus)
    assert counts[CaseStatus.MEDIATING] == 1  # C8
    assert counts[CaseStatus.AGREEMENT_REACHED] == 2  # C2 C10
    assert counts[CaseStatus.FAILED] == 2  # C3 C13
    assert counts[CaseStatus.ARCHIVED] == 5  # C7 C9 C11 C12 C14
    assert board.total == 14
    assert board.open_cases == 1
    assert board.month == Period.month(2026, 3)
    assert board.month_received == 4  # C5 C6 C8 C10
    tiers = board.tiers  # the year 2026: C10 settled at the building in April
    assert (tiers.building, tiers.courtyard, tiers.community, tiers.left) == (3, 2, 1, 1)


def test_monthly_intake(fixture_db: Database) -> None:
    months = monthly_intake(fixture_db, date(2026, 3, 31), months=4)
    assert [(m.label, m.count) for m in months] == [
        ("2025年12月", 1),
        ("2026年1月", 4),
        ("2026年2月", 4),
        ("2026年3月", 4),
    ]


# ---------------------------------------------------------------------------------------------
# Periods and the pure parts


def test_periods() -> None:
    assert Period.quarter(2026, 1).label == "2026年第一季度"
    assert Period.quarter(2026, 4).span_text == "2026年10月1日至2026年12月31日"
    assert Period.month(2024, 2).end == date(2024, 2, 29)
    assert Period.year(2026).label == "2026年"
    assert Period.custom(date(2026, 3, 5), date(2026, 4, 2)).label == "2026年3月5日至2026年4月2日"
    assert Period.containing(PeriodKind.QUARTER, date(2026, 8, 9)) == Period.quarter(2026, 3)
    assert parse_month("2026-3") == Period.month(2026, 3)
    assert parse_quarter("2026-Q2") == parse_quarter("2026Q2") == parse_quarter("2026-2")
    assert parse_year("２０２６") == Period.year(2026)
    assert last_months(date(2026, 2, 10), 3).start == date(2025, 12, 1)
    assert Period.quarter(2026, 1).months() == [(2026, 1), (2026, 2), (2026, 3)]
    with pytest.raises(UserError, match="不能早于"):
        Period.custom(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(UserError, match="2026-03"):
        parse_month("2026-13")


def test_percent_rounds_half_up_and_says_nothing_of_nothing() -> None:
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3
    assert percent(0, 0) is None


def test_combine_adds_committees_up(quarter: Statistics) -> None:
    both = combine([quarter, quarter], "合计")
    assert both.total == quarter.total + quarter.total
    assert len(both.mediators) == 2 * len(quarter.mediators)
    assert {g.key: g.figures for g in both.categories}["teacher"].received == 10


# ---------------------------------------------------------------------------------------------
# The command line


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # a usage error: argparse exits
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def figures_of(data: dict[str, object]) -> Figures:
    values = dict(data)
    values["amount"] = int(Decimal(str(values["amount"])) * 100)
    return Figures(**{k.value: int(str(values[k.value])) for k in Figure})


def test_stats_json_on_an_imported_file_gives_the_hand_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.db"
    source = write_file(tmp_path / "fixture.json")
    assert run_cli(capsys, "--db", str(db), "import", str(source))[0] == 0
    code, out, err = run_cli(capsys, "--db", str(db), "stats", "--quarter", "2026-Q1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert figures_of(data["figures"]) == EXPECTED
    assert data["figures"]["amount"] == "26300.00"
    assert data["figures"]["success_rate"] == "62.5"
    assert data["tiers"] == {
        "building": 2,
        "courtyard": 2,
        "community": 1,
        "left_community": 1,
        "low_tier_share": "80.0",
    }
    assert data["period"] == {
        "from": "2026-01-01",
        "to": "2026-03-31",
        "kind": "quarter",
        "label": "2026年第一季度",
    }
    assert {m["label"]: m["figures"]["mediated"] for m in data["mediators"]} == {
        "王建国": 4,
        "李淑芬": 2,
        "赵德胜": 2,
    }
    same = run_cli(
        capsys, "--db", str(db), "stats", "--from", "2026-01-01", "--to", "2026-03-31", "--json"
    )[1]
    assert json.loads(same)["figures"] == data["figures"]


def test_stats_as_text_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    run_cli(capsys, "--db", str(db), "import", str(write_file(tmp_path / "f.json")))
    xlsx, pdf = tmp_path / "统计表.xlsx", tmp_path / "统计表.pdf"
    code, out, err = run_cli(
        capsys,
        "--db",
        str(db),
        "stats",
        "--quarter",
        "2026-Q1",
        "--xlsx",
        str(xlsx),
        "--pdf",
        str(pdf),
    )
    assert code == 0, err
    assert "收案12件" in out and "调解成功率62.5%" in out and "涉及金额26300.00元" in out
    assert xlsx.stat().st_size > 0 and pdf.read_bytes().startswith(b"%PDF")
    code, out, err = run_cli(
        capsys,
        "--db",
        str(db),
        "register",
        "--month",
        "2026-02",
        "--xlsx",
        str(tmp_path / "台账.xlsx"),
    )
    assert code == 0, err
    assert "（4件）" in out  # received in February: C3 C4 C11 C14


def test_stats_refuses_two_periods_and_a_wrong_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.db"
    run_cli(capsys, "--db", str(db), "init")
    code, _out, err = run_cli(
        capsys, "--db", str(db), "stats", "--month", "2026-03", "--year", "2026"
    )
    assert code == 2 and "只能写一种" in err
    code, _out, err = run_cli(capsys, "--db", str(db), "stats", "--from", "2026-01-01")
    assert code == 2 and "--to" in err
    code, _out, err = run_cli(capsys, "--db", str(db), "stats", "--xlsx", str(tmp_path / "a.xls"))
    assert code == 1 and ".xlsx" in err
    code, _out, err = run_cli(capsys, "--db", str(db), "stats", "--month", "2026-13")
    assert code == 2 and "年-月" in err


# ---------------------------------------------------------------------------------------------
# The register


def test_the_register_of_a_month(fixture_db: Database) -> None:
    rows = register_rows(fixture_db, Period.month(2026, 2))
    assert [r.number for r in rows] == [
        "（2026）测人调字第3号",
        "（2026）测人调字第4号",
        "（2026）测人调字第11号",
        "（2026）测人调字第14号",
    ]
    c3 = rows[0]
    assert (c3.applicants, c3.respondents, c3.mediators) == ("申请人3", "被申请人3", "王建国")
    assert c3.outcome is not None and c3.outcome.label == "调解不成"
    assert rows[3].outcome is not None and rows[3].outcome.label == "调解不成"  # archived
    assert rows[2].outcome_on == date(2026, 2, 20)  # the agreement's day, not performance's


def test_the_register_as_excel(fixture_db: Database, tmp_path: Path) -> None:
    rows = register_rows(fixture_db, Period.month(2026, 2))
    path = write_register_xlsx(rows, Period.month(2026, 2), COMMITTEE, tmp_path / "台账.xlsx")
    sheet = load_workbook(path).active
    assert sheet is not None
    assert str(sheet["A1"].value) == f"{COMMITTEE}案件登记台账（2026年2月）"
    numbers = [sheet.cell(r, 2).value for r in range(4, 4 + len(rows))]
    assert numbers == [r.number for r in rows]
    assert Decimal(str(sheet.cell(4, 17).value)) == Decimal("5000.00")  # C3's amount
    assert sheet.page_setup.orientation == "landscape"


# ---------------------------------------------------------------------------------------------
# The Excel and PDF sheets


def sheet_figures(path: Path) -> dict[str, dict[str, object]]:
    """Each row of the reopened 统计表, by its label: the values by column key."""
    sheet = load_workbook(path)["统计表"]
    out: dict[str, dict[str, object]] = {}
    row = FIRST_ROW
    while sheet.cell(row, 1).value:
        label = str(sheet.cell(row, 1).value)
        out[label] = {c.key: sheet.cell(row, k).value for k, c in enumerate(SHEET_COLUMNS, start=2)}
        row += 1
    return out


def test_the_excel_sheet_holds_the_same_figures(quarter: Statistics, tmp_path: Path) -> None:
    path = write_statistics_xlsx(quarter, tmp_path / "统计表.xlsx", made_on=date(2026, 4, 1))
    reopened = sheet_figures(path)
    total = reopened["合计"]
    for figure in Figure:
        if figure.value in total and figure is not Figure.AMOUNT:
            assert total[figure.value] == EXPECTED.get(figure), figure
    assert Decimal(str(total["amount"])) == Decimal("26300.00")
    assert abs(float(str(total["success_rate"])) - 0.625) < 1e-9
    assert total["source_0"] == 10 and total["source_1"] == 1 and total["source_2"] == 1
    expected_rows = {row.label: row.values for row in sheet_rows(quarter)}
    assert set(reopened) == set(expected_rows)
    neighbourhood = reopened["邻里"]
    assert (neighbourhood["received"], neighbourhood["succeeded"]) == (6, 2)
    assert reopened["医疗"]["success_rate"] == "—"
    book = load_workbook(path)
    assert book.sheetnames == ["统计表", "调解员", "说明"]
    main_sheet = book["统计表"]
    assert main_sheet.page_setup.orientation == "landscape"
    assert main_sheet.page_setup.fitToWidth == 1
    last = get_column_letter(len(SHEET_COLUMNS) + 1)
    assert f"A1:{last}1" in [str(r) for r in main_sheet.merged_cells.ranges]
    assert main_sheet.print_title_rows == "$4:$5"


def test_the_pdf_sheet(quarter: Statistics, tmp_path: Path) -> None:
    folder = artifacts_dir("documents")
    path = write_statistics_pdf(quarter, folder / "statistics-sheet.pdf", made_on=date(2026, 4, 1))
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text was not read")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in ("人民调解案件统计表", "2026年第一季度", COMMITTEE, "62.5%", "26300.00"):
        assert words in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "841.89 x 595.2" in info  # A4 landscape
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(path), str(folder / "statistics-sheet")],
            check=True,
        )


def test_libreoffice_converts_the_workbooks(
    quarter: Statistics, fixture_db: Database, tmp_path: Path
) -> None:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: install libreoffice-calc-nogui to check "
            "that the Excel files open and print"
        )
    stats = write_statistics_xlsx(quarter, tmp_path / "statistics.xlsx")
    rows = register_rows(fixture_db, Period.month(2026, 2))
    register = write_register_xlsx(
        rows, Period.month(2026, 2), COMMITTEE, tmp_path / "register.xlsx"
    )
    out = tmp_path / "converted"
    done = subprocess.run(
        [
            program,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(stats),
            str(register),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    folder = artifacts_dir("documents")
    for name in ("statistics", "register"):
        pdf = out / f"{name}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 0, done.stdout + done.stderr
        if shutil.which("pdftoppm"):
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    str(pdf),
                    str(folder / f"statistics-libreoffice-{name}"),
                ],
                check=True,
            )


# ---------------------------------------------------------------------------------------------
# The street view


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_street_view_reads_the_files_and_adds_them_up(tmp_path: Path) -> None:
    first = write_file(tmp_path / "first.json")
    second = write_file(tmp_path / "second.json", another_committee())
    before = {p: (digest(p), p.stat().st_mtime_ns) for p in (first, second)}
    view = street_statistics([first, second], PERIOD)
    assert [s.committee for s in view.committees] == [COMMITTEE, "第二社区人民调解委员会"]
    assert view.committees[0].total == EXPECTED
    assert view.committees[1].total + C1 == EXPECTED
    assert view.total.total == EXPECTED + view.committees[1].total
    assert view.total.committee == "合计"
    assert {p: (digest(p), p.stat().st_mtime_ns) for p in (first, second)} == before
    assert sorted(q.name for q in tmp_path.iterdir()) == ["first.json", "second.json"]


def test_the_street_view_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_file(tmp_path / "first.json")
    second = write_file(tmp_path / "second.json", another_committee())
    code, out, err = run_cli(
        capsys, "stats", "--quarter", "2026-Q1", "--street", str(first), str(second), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert figures_of(data["committees"][0]["figures"]) == EXPECTED
    second_figures = figures_of(data["committees"][1]["figures"])
    assert second_figures + C1 == EXPECTED
    assert figures_of(data["total"]["figures"]) == EXPECTED + second_figures
    code, out, err = run_cli(capsys, "stats", "--quarter", "2026-Q1", "--street", str(first))
    assert code == 0 and COMMITTEE in out and "合计" in out
    code, _out, err = run_cli(capsys, "stats", "--street", str(tmp_path / "none.json"))
    assert code == 1 and "找不到" in err
