"""`make bench`: figures for a demo database beside the budgets of the design guide.

Not a test: it never fails on a slow machine, it prints a table for a person to read (and for the
issue notes). Fresh-process figures run in subprocesses so imports and font loading count.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import io
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select

from app.db.models import Agent, Agreement, Case, FollowUp, MediationSession, Party
from app.domain.codes import AgreementForm, CaseStatus
from app.services.database import Database

ROOT = Path(__file__).resolve().parents[2]

FIRST_PRINT = r"""
import io, json, sys, time
t0 = time.perf_counter()
from app.services.database import open_database
from app.services.printing import print_agreement
db = open_database(sys.argv[1])
t1 = time.perf_counter()
print_agreement(db, sys.argv[2], sys.argv[3], sys.argv[4])
t2 = time.perf_counter()
print(json.dumps({"open_ms": (t1 - t0) * 1000, "first_ms": (t2 - t1) * 1000}))
"""

PRINT_MEMORY = r"""
import json, sys
from app.services.database import open_database
from app.services.printing import print_agreement
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
db = open_database(sys.argv[1])
before = rss()
print_agreement(db, sys.argv[2], "pdf", sys.argv[3] + ".pdf")
print_agreement(db, sys.argv[2], "docx", sys.argv[3] + ".docx")
print(json.dumps({"core_before_mb": before, "core_after_mb": rss()}))
"""

# The window's process as a volunteer has it: main window painted, then the agreement printed
# as PDF and as Word (the same service the case page calls from its worker thread).
WINDOW_PRINT_MEMORY = r"""
import json, sys
from PySide6.QtWidgets import QApplication
import ui
from ui import style
from ui.main import rss_mb
from ui.main_window import MainWindow
from app.services.database import open_database
from app.services.printing import print_agreement
app = QApplication([])
style.setup_application(app)
db = open_database(sys.argv[1])
window = MainWindow(db)
window.resize(1366, 768)
window.show()
for _ in range(5):
    app.processEvents()
shown = rss_mb()
print_agreement(db, sys.argv[2], "pdf", sys.argv[3] + ".pdf")
print_agreement(db, sys.argv[2], "docx", sys.argv[3] + ".docx")
app.processEvents()
print(json.dumps({"shown_mb": shown, "printed_mb": rss_mb()}))
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def run_json(args: list[str], env: dict[str, str] | None = None) -> dict:
    out = subprocess.run(
        args, capture_output=True, text=True, cwd=ROOT, env=env, check=True, timeout=300
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def row(what: str, figure: str, budget: str) -> str:
    return f"| {what} | {figure} | {budget} |"


def timed(call: Callable[[Any], object], items: Sequence[Any]) -> list[float]:
    """Milliseconds of `call(item)` for each item after the first, which only warms up."""
    call(items[0])
    times = []
    for item in items[1:]:
        t = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - t) * 1000)
    return times


def spread(times: list[float]) -> str:
    return f"{statistics.median(times):.1f} / {percentile(times, 95):.1f} ms"


def spaced(values: Sequence[Any], count: int) -> list[Any]:
    """`count` values picked evenly over the whole sequence (old cases and new ones)."""
    step = max(1, len(values) // count)
    return list(values[::step][:count])


#: Saves, 待办 builds, panel draws and case pages timed; one more of each warms up first.
SAVES, DUE_RUNS, PAGES, DRAWS = 100, 20, 20, 50
#: Prints of each form, and of the whole dossier in each format; one more warms up first.
FORM_RUNS, DOSSIER_RUNS = 20, 5


def rich_case(db: Database) -> tuple[int, str]:
    """The first demo case with every paper to print: a written agreement, sittings of both
    kinds, a follow-up visit and a party's agent (id and number)."""

    def sitting(kind: str) -> Any:
        return exists().where(MediationSession.case_id == Case.id, MediationSession.kind == kind)

    wanted = [
        Agreement.form == AgreementForm.WRITTEN.value,
        sitting("mediation"),
        exists().where(FollowUp.case_id == Case.id),
        sitting("investigation"),
        exists().where(Party.case_id == Case.id, Agent.party_id == Party.id),
    ]
    with db.reading() as session:
        for count in range(len(wanted), 0, -1):  # the fullest there is in a small demo
            found = session.execute(
                select(Case.id, Case.number)
                .join(Agreement, Agreement.case_id == Case.id)
                .where(*wanted[:count])
                .order_by(Case.id)
                .limit(1)
            ).first()
            if found is not None:
                return found[0], found[1]
    raise SystemExit("the demo has no case with an agreement")


def form_rows(db: Database, work: Path, case_id: int) -> list[str]:
    """Every form of the registry printed as PDF for one case (print_form, warm: the case
    loaded, the form built, rendered and written, an agreement's print recorded), beside
    rendering and writing a one-paragraph PDF the same way."""
    from app.documents import render
    from app.documents.forms.registry import FORMS
    from app.documents.tree import Document, Paragraph
    from app.services.files import write_atomically
    from app.services.printing import print_form

    one = Document("一段文字", (Paragraph("本页只有一段文字：生成一份 PDF 文件的起码开销。"),))
    floor = spread(
        timed(
            lambda _: write_atomically(work / "floor.pdf", lambda h: render(one, "pdf", h)),
            range(FORM_RUNS + 1),
        )
    )
    rows = []
    for spec in FORMS.values():
        times = timed(
            lambda _, key=spec.key: print_form(db, key, case_id, "pdf", work / f"{key}.pdf"),
            range(FORM_RUNS + 1),
        )
        rows.append(
            row(
                f"form {spec.key} {spec.name} PDF, warm p50 / p95 ({len(times)} runs)",
                f"{spread(times)}; "
                + ("floor as above" if rows else f"floor, a one-paragraph PDF: {floor}"),
                "p95 ≤ 100 ms",
            )
        )
    return rows


def dossier_rows(db: Database, work: Path, case_id: int) -> list[str]:
    """The whole dossier of one case (print_dossier) as PDF, beside rendering its forms alone
    (what the assembly cannot do without); and as Word, for information."""
    from pypdf import PdfReader

    from app.documents import render
    from app.documents.dossier import papers_of
    from app.services.database import get_committee
    from app.services.detail import get_case
    from app.services.printing import print_dossier

    documents = papers_of(get_case(db, case_id), get_committee(db))

    def forms_alone(_: object) -> None:
        for document in documents:
            render(document, "pdf", io.BytesIO())

    floor = timed(forms_alone, range(DOSSIER_RUNS + 1))
    times = {
        fmt: timed(
            lambda _, fmt=fmt: print_dossier(db, case_id, fmt, work / f"dossier.{fmt}"),
            range(DOSSIER_RUNS + 1),
        )
        for fmt in ("pdf", "docx")
    }
    pages = len(PdfReader(str(work / "dossier.pdf")).pages)
    return [
        row(
            f"dossier PDF (print_dossier), {pages} pages, p50 / p95 ({DOSSIER_RUNS} runs)",
            f"{spread(times['pdf'])}; floor, its {len(documents)} forms rendered alone: "
            f"{spread(floor)}",
            "≤ 1 s",
        ),
        row(
            f"dossier DOCX (print_dossier), p50 / p95 ({DOSSIER_RUNS} runs)",
            f"{spread(times['docx'])} (it lays out the PDF first, for the page numbers)",
            "— (for information)",
        ),
    ]


def save_rows(db: Database, today: date) -> list[str]:
    """Saving a case through the operation layer, beside a bare INSERT + COMMIT (the fsync)."""
    from app.services.cases import register_case
    from app.services.detail import get_case
    from app.services.people import update_case
    from ui.register_dialog import case_draft

    with db.reading() as session:
        ids = session.scalars(
            select(Case.id).where(Case.status != CaseStatus.ARCHIVED.value).order_by(Case.id)
        ).all()
    chosen = spaced(ids, SAVES + 1)
    forms = [case_draft(get_case(db, case_id)) for case_id in chosen]
    # New cases as the registration form hands them over: a demo case typed in again.
    new = [
        dataclasses.replace(
            form,
            status=CaseStatus.REGISTERED.value,
            parties=[dataclasses.replace(p, id=None) for p in form.parties],
        )
        for form in forms
    ]
    for n, form in enumerate(forms):  # the correction: the first party's phone
        form.parties[0].phone = f"139{n:08d}"
    registered = timed(lambda draft: register_case(db, draft, today=today), new)
    corrected = timed(
        lambda pair: update_case(db, *pair, today=today), list(zip(chosen, forms, strict=True))
    )

    floor_db = sqlite3.connect(db.path, isolation_level=None)
    floor_db.execute("PRAGMA synchronous=FULL")  # the file is in WAL already, as the app has it
    floor_db.execute("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, note TEXT)")

    def insert(_: object) -> None:
        floor_db.execute("BEGIN")
        floor_db.execute("INSERT INTO bench_floor (note) VALUES ('x')")
        floor_db.execute("COMMIT")

    floor = spread(timed(insert, range(SAVES + 1)))
    floor_db.close()
    return [
        row(
            f"save a case: register_case (new), p50 / p95 ({len(registered)} saves)",
            f"{spread(registered)}; floor, bare INSERT + COMMIT: {floor}",
            "p95 ≤ 50 ms",
        ),
        row(
            f"save a case: update_case (correct a phone), p50 / p95 ({len(corrected)} saves)",
            f"{spread(corrected)}; floor as above",
            "p95 ≤ 50 ms",
        ),
    ]


def draw_rows(work: Path, today: date) -> list[str]:
    """Drawing a panel over a 60-elder roster, beside reading the roster; and the spread of
    1,000 drawn cases over 15 equally available elders."""
    from app.domain.drafts import CaseDraft, PartyDraft
    from app.domain.roster import MediatorDraft
    from app.services.cases import register_case
    from app.services.database import open_database
    from app.services.mediators import save_mediator
    from app.services.panels import propose_panel
    from tests.core.test_panel_draw import simulate

    db = open_database(work / "roster60.db")
    categories = ["party_member", "cadre", "teacher", "model_worker", "police"]
    for i in range(60):
        save_mediator(
            db,
            MediatorDraft(
                name=f"调解员{i + 1}",
                sex="female" if i % 2 else "male",
                elder_category=categories[i % 5],
                compound=["铁西小区", "平原小区", "新华苑"][i % 3],
                building=f"{i % 12 + 1}号楼",
                unit=f"{i % 4 + 1}单元",
                specialties=["neighbourhood"] if i % 3 == 0 else ["marriage_family"],
            ),
            today=today,
        )
    case, _ = register_case(
        db,
        CaseDraft(
            title="楼上渗水纠纷",
            received_on=today,
            tier="community",
            parties=[
                PartyDraft(role="applicant", name="李秀英", address="铁西小区5号楼4单元102室"),
                PartyDraft(role="respondent", name="张伟", address="铁西小区5号楼4单元202室"),
            ],
        ),
        today=today,
    )
    times = timed(lambda n: propose_panel(db, case.id, draw_no=n, on=today), range(1, DRAWS + 2))
    bare = sqlite3.connect(db.path)
    floor = timed(lambda _: bare.execute("SELECT * FROM mediator").fetchall(), range(DRAWS + 1))
    bare.close()
    db.close()
    counts = simulate(1000, 15)
    mean = statistics.fmean(counts)
    worst = max(abs(c - mean) / mean for c in counts)
    return [
        row(
            f"draw a panel over 60 elders (propose_panel), p50 / p95 ({DRAWS} draws)",
            f"{spread(times)}; floor, bare SELECT of the roster: {spread(floor)}",
            "≤ 50 ms",
        ),
        row(
            "1,000 cases over 15 equal elders: cases each, min / mean / max",
            f"{min(counts)} / {mean:.1f} / {max(counts)} (largest deviation {worst:.1%})",
            "each within ±25% of the mean",
        ),
    ]


def page_row(db: Database, work: Path) -> str:
    """Opening case pages with agreements (text size 100%), beside loading the case alone."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    import ui  # noqa: F401 — the PySide6 guard, before any Qt call
    from app.services.detail import get_case
    from ui import style
    from ui.case_page import CasePage
    from ui.wheel_guard import install_wheel_guard

    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):  # not the user's
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(work))

    def quiet(_mode: object, _context: object, text: str) -> None:
        if "propagateSizeHints" not in text:  # offscreen has no window manager to tell sizes
            print(text, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication([])
    style.setup_application(app)
    install_wheel_guard(app)  # as the program's start does
    style.apply_scale(100, save=False)
    with db.reading() as session:
        ids = session.scalars(select(Agreement.case_id).order_by(Agreement.case_id)).all()
    chosen = spaced(ids, PAGES + 1)
    pages: list[CasePage] = []

    def open_page(case_id: int) -> None:
        pages.append(CasePage(db, case_id))
        pages[-1].show()
        QApplication.processEvents()

    loading = timed(lambda case_id: get_case(db, case_id), chosen)
    opening = timed(open_page, chosen)
    for page in pages:
        page.close()
        page.deleteLater()
    QApplication.processEvents()
    return row(
        f"open a case page (with agreement) until shown and laid out, p50 / p95 "
        f"({len(opening)} cases)",
        f"{spread(opening)}; floor, get_case alone: {spread(loading)}",
        "≤ 150 ms",
    )


# ---------------------------------------------------------------- 1,000, 10,000, 100,000 cases

#: The sorts the case list offers (ui/case_table_model.py COLUMNS), as the SQL orders them.
LIST_SORTS = {
    "received_on": "received_on",
    "number": "number_year, number_seq, number",
    "title": "title",
    "status": "status",
    "tier": "tier",
}
#: The window's first page (ui/case_table_model.PAGE_SIZE).
PAGE = 200
LIST_RUNS = 20


@dataclasses.dataclass
class Scale:
    """What one database size measured, for the rows and the growth table."""

    cases: int
    rows: list[str] = dataclasses.field(default_factory=list)
    #: name → (measured, floor) in the unit of the growth table (s or ms), for growth.
    figures: dict[str, tuple[float, float | None]] = dataclasses.field(default_factory=dict)


def ratio(measured: float, floor: float | None) -> str:
    return f"×{measured / floor:.1f}" if floor else "—"


def vacuum_into_s(db_path: Path, target: Path) -> float:
    """Seconds for SQLite alone to write the same database (`VACUUM INTO` a new file)."""
    target.unlink(missing_ok=True)
    bare = sqlite3.connect(db_path)
    started = time.perf_counter()
    bare.execute("VACUUM INTO ?", (str(target),))
    elapsed = time.perf_counter() - started
    bare.close()
    target.unlink(missing_ok=True)
    return elapsed


def build_rows(scale: Scale, db_path: Path, built_s: float) -> None:
    """The demo's build (fill_demo: cases drawn, checked as import checks them, written in
    bulk, the search index filled) beside SQLite writing the same database by itself."""
    floor = vacuum_into_s(db_path, db_path.with_name("vacuum.db"))
    scale.figures["demo build (s)"] = (built_s, floor)
    scale.rows.append(
        row(
            f"demo --cases {scale.cases}: built (fill_demo, search index included)",
            f"{built_s:.1f} s; floor, SQLite writing the same file (VACUUM INTO): {floor:.1f} s "
            f"({ratio(built_s, floor)})",
            "≤ 60 s at 100,000 cases",
        )
    )


def import_rows(scale: Scale, db: Database, work: Path) -> None:
    """Export the demo, import the file into an empty database, beside parsing the file and
    writing the database with SQLite alone."""
    from app.services.database import open_database
    from app.services.exchange import export_file, import_file

    exported = work / f"export-{scale.cases}.json"
    started = time.perf_counter()
    export_file(db, exported)
    export_s = time.perf_counter() - started
    target = work / f"imported-{scale.cases}.db"
    imported = open_database(target)
    started = time.perf_counter()
    report = import_file(imported, exported)
    import_s = time.perf_counter() - started
    imported.close()
    text = exported.read_text(encoding="utf-8")
    gc.disable()  # the floor at its fastest: no collections over the parsed values
    started = time.perf_counter()
    json.loads(text)
    parse_s = time.perf_counter() - started
    gc.enable()
    del text
    write_s = vacuum_into_s(target, work / "vacuum.db")
    floor = parse_s + write_s
    scale.figures["import (s)"] = (import_s, floor)
    size_mb = exported.stat().st_size / 2**20
    scale.rows.append(
        row(
            f"import {report.cases_added} cases from an export ({size_mb:.0f} MB), search index "
            "included",
            f"{import_s:.1f} s; floor, json.loads of the file {parse_s:.1f} s + SQLite writing "
            f"the same file {write_s:.1f} s ({ratio(import_s, floor)}); export took "
            f"{export_s:.1f} s (no budget)",
            "≤ 60 s at 100,000 cases",
        )
    )
    exported.unlink()
    for leftover in work.glob(f"imported-{scale.cases}.db*"):
        leftover.unlink()


def list_rows(scale: Scale, db: Database) -> None:
    """The case list's first page as the window reads it (the count, then 200 rows with their
    parties) under each sort, both ways, and with a common and a rare status filter, beside
    raw SQLite reading the same rows."""
    from app.services.cases import count_cases, list_cases
    from app.views import CaseQuery

    bare = sqlite3.connect(db.path)
    columns = "id, uuid, number, title, status, tier, received_on, dispute_type"

    def raw_page(order: str, where: str = "", args: Sequence[str] = ()) -> None:
        bare.execute(f"SELECT count(*) FROM dispute_case {where}", args).fetchone()
        ids = [
            r[0]
            for r in bare.execute(
                f"SELECT {columns} FROM dispute_case {where} ORDER BY {order} LIMIT {PAGE}", args
            ).fetchall()
        ]
        marks = ", ".join("?" * len(ids))
        bare.execute(
            f"SELECT case_id, name FROM party WHERE case_id IN ({marks}) "
            "ORDER BY case_id, position",
            ids,
        ).fetchall()

    worst = (0.0, 0.0)
    for sort, order in LIST_SORTS.items():
        parts = []
        for descending in (True, False):
            query = CaseQuery(sort=sort, descending=descending)
            way = " DESC" if descending else ""
            sql_order = ", ".join(f"{c}{way}" for c in order.split(", ")) + f", id{way}"
            times = timed(
                lambda _, q=query: (count_cases(db, q), list_cases(db, q, 0, PAGE)),
                range(LIST_RUNS + 1),
            )
            floor = timed(lambda _, o=sql_order: raw_page(o), range(LIST_RUNS + 1))
            p95, floor95 = percentile(times, 95), percentile(floor, 95)
            worst = max(worst, (p95, floor95))
            parts.append(
                f"{'desc' if descending else 'asc'} {spread(times)} "
                f"(floor {floor95:.1f}, {ratio(p95, floor95)})"
            )
        scale.rows.append(
            row(
                f"case list first page, sort by {sort} ({scale.cases} cases), p50 / p95 "
                f"({LIST_RUNS} runs)",
                "; ".join(parts),
                "≤ 100 ms",
            )
        )
    scale.figures["list first page, slowest sort p95 (ms)"] = worst
    for status in ("archived", "mediating"):
        query = CaseQuery(statuses=frozenset({status}))
        times = timed(
            lambda _, q=query: (count_cases(db, q), list_cases(db, q, 0, PAGE)),
            range(LIST_RUNS + 1),
        )
        floor = timed(
            lambda _, s=status: raw_page("received_on DESC, id DESC", "WHERE status = ?", (s,)),
            range(LIST_RUNS + 1),
        )
        count = count_cases(db, query)
        scale.rows.append(
            row(
                f"case list first page, status {status} only ({count} of {scale.cases}), "
                "newest first, p50 / p95",
                f"{spread(times)}; floor, raw SQLite: {spread(floor)} "
                f"({ratio(percentile(times, 95), percentile(floor, 95))})",
                "≤ 100 ms",
            )
        )
    bare.close()


#: The rows 待办 reads, as raw SQLite (the same filters as app.services.due): its floor.
DUE_FLOOR_SQL = (
    """SELECT c.id, c.number, c.status, c.accepted_on, c.mediation_extended_to, c.performed_on,
        a.form, a.reached_on, a.confirmation_applied_on
    FROM dispute_case c LEFT JOIN agreement a ON a.case_id = c.id
    WHERE c.status IN ('agreement_reached', 'performing')
    OR c.status IN ('accepted', 'mediating') AND (c.mediation_extended_to <= :soon
        OR c.mediation_extended_to IS NULL AND c.accepted_on <= :month_before)
    OR c.status = 'performed' AND c.performed_on <= :follow_up AND NOT EXISTS (
        SELECT 1 FROM follow_up f WHERE f.case_id = c.id AND f."on" >= c.performed_on)
    OR c.status IN ('agreement_reached', 'performing', 'performed', 'followed_up')
        AND c.id IN (SELECT case_id FROM agreement WHERE reached_on >= :recent)
        AND a.form = 'written' AND a.confirmation_applied_on IS NULL""",
    """SELECT a.case_id, o.* FROM obligation o JOIN agreement a ON o.agreement_id = a.id
    JOIN dispute_case c ON a.case_id = c.id
    WHERE c.status IN ('agreement_reached', 'performing') AND o.obligor_party_id IS NOT NULL""",
    """SELECT i.obligation_id, i.due_on, i.amount_fen FROM instalment i
    JOIN obligation o ON i.obligation_id = o.id JOIN agreement a ON o.agreement_id = a.id
    JOIN dispute_case c ON a.case_id = c.id
    WHERE c.status IN ('agreement_reached', 'performing')""",
    """SELECT p.obligation_id, p."on", p.amount_fen FROM payment p
    JOIN obligation o ON p.obligation_id = o.id JOIN agreement a ON o.agreement_id = a.id
    JOIN dispute_case c ON a.case_id = c.id
    WHERE c.status IN ('agreement_reached', 'performing')""",
    """SELECT f.case_id, max(f."on") FROM follow_up f JOIN dispute_case c ON f.case_id = c.id
    WHERE c.status = 'performed' GROUP BY f.case_id""",
)


def due_rows(scale: Scale, db: Database, today: date) -> None:
    """The 待办 list over every case, beside raw SQLite reading the rows it is made from."""
    from datetime import timedelta

    from app.services.due import due_items

    items = due_items(db, today)
    times = timed(lambda _: due_items(db, today), range(DUE_RUNS + 1))
    bare = sqlite3.connect(db.path)
    args = {
        "soon": (today + timedelta(days=7)).isoformat(),
        "month_before": (today + timedelta(days=7 - 28)).isoformat(),
        "follow_up": (today + timedelta(days=7 - 30)).isoformat(),
        "recent": (today - timedelta(days=30)).isoformat(),
    }

    def floor_run(_: object) -> None:
        for sql in DUE_FLOOR_SQL:
            bare.execute(sql, args).fetchall()

    floor = timed(floor_run, range(DUE_RUNS + 1))
    bare.close()
    p50, floor50 = statistics.median(times), statistics.median(floor)
    scale.figures["待办 p50 (ms)"] = (p50, floor50)
    scale.rows.append(
        row(
            f"build 待办 (due_items): {len(items)} items ({scale.cases} cases), p50 / p95 "
            f"({DUE_RUNS} runs)",
            f"{spread(times)}; floor, raw SQLite reading its rows: {spread(floor)} "
            f"(p50 {ratio(p50, floor50)})",
            "≤ 100 ms",
        )
    )


def statistics_rows(scale: Scale, db: Database, today: date) -> None:
    """The dashboard and a year's statistics (app.services.statistics, when it is there),
    beside raw SQLite counting the year's cases by status, type, tier and source."""
    try:
        from app.domain import statistics as domain
        from app.services import statistics as service
    except ImportError:
        return
    dashboard = getattr(service, "dashboard", None)
    yearly = getattr(service, "period_statistics", None)
    period_type = getattr(domain, "Period", None)
    bare = sqlite3.connect(db.path)
    year = (f"{today.year}-01-01", f"{today.year}-12-31")
    dashboard_floor = timed(
        lambda _: (
            bare.execute("SELECT status, count(*) FROM dispute_case GROUP BY status").fetchall(),
            bare.execute(
                "SELECT tier_resolved, count(*) FROM dispute_case "
                "WHERE closed_on BETWEEN ? AND ? GROUP BY tier_resolved",
                year,
            ).fetchall(),
        ),
        range(RUNS_STATS + 1),
    )
    year_floor = timed(
        lambda _: bare.execute(
            "SELECT status, dispute_type, tier, source, count(*), sum(amount_fen), "
            "sum(persons_involved) FROM dispute_case WHERE received_on BETWEEN ? AND ? "
            "GROUP BY status, dispute_type, tier, source",
            year,
        ).fetchall(),
        range(RUNS_STATS + 1),
    )
    bare.close()
    if dashboard is not None:
        times = timed(lambda _: dashboard(db, today), range(RUNS_STATS + 1))
        p95, floor95 = percentile(times, 95), percentile(dashboard_floor, 95)
        scale.figures["dashboard p95 (ms)"] = (p95, floor95)
        scale.rows.append(
            row(
                f"dashboard (statistics.dashboard) ({scale.cases} cases), p50 / p95",
                f"{spread(times)}; floor, raw counts by status and tier: "
                f"{spread(dashboard_floor)} ({ratio(p95, floor95)})",
                "≤ 100 ms",
            )
        )
    if yearly is not None and period_type is not None:
        period = period_type.containing(domain.PeriodKind.YEAR, today)
        times = timed(lambda _: yearly(db, period), range(RUNS_STATS + 1))
        p95, floor95 = percentile(times, 95), percentile(year_floor, 95)
        scale.figures["a year's statistics p95 (ms)"] = (p95, floor95)
        scale.rows.append(
            row(
                f"a year's statistics (statistics.period_statistics {today.year}) "
                f"({scale.cases} cases), p50 / p95",
                f"{spread(times)}; floor, raw count of the year's cases by status, type, tier "
                f"and source: {spread(year_floor)} ({ratio(p95, floor95)})",
                "≤ 100 ms",
            )
        )


def search_rows(scale: Scale, db: Database) -> None:
    """Each kind of search (tests/bench/search_rows.py, the search engineer's), if there."""
    try:
        from tests.bench.search_rows import search_bench_rows
    except ImportError:
        return
    scale.rows.extend(search_bench_rows(db))


def space_row(scale: Scale, db_path: Path) -> None:
    """What takes the space (dbstat): the case tables, their indexes, the search index."""
    bare = sqlite3.connect(db_path)
    bare.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    try:
        pages = bare.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:  # a SQLite without dbstat
        bare.close()
        return
    bare.close()
    groups = {"tables": 0, "indexes": 0, "search index": 0}
    for name, size in pages:
        if name.startswith("case_search"):
            groups["search index"] += size
        elif name.startswith(("ix_", "sqlite_autoindex")):
            groups["indexes"] += size
        else:
            groups["tables"] += size
    total = sum(groups.values())
    biggest = sorted(
        ((n, s) for n, s in pages if not n.startswith(("ix_", "sqlite_", "case_search"))),
        key=lambda p: -p[1],
    )[:4]
    per = scale.cases * 1024
    scale.figures["database KB per case"] = (total / per, None)
    scale.rows.append(
        row(
            f"database size per case ({scale.cases} cases, dbstat)",
            f"{total / per:.2f} KB: tables {groups['tables'] / per:.2f}, their indexes "
            f"{groups['indexes'] / per:.2f}, search index {groups['search index'] / per:.2f}; "
            "largest tables " + ", ".join(f"{n} {s / per:.2f}" for n, s in biggest),
            "≤ 2.5 KB",
        )
    )


RUNS_STATS = 20


def measure_scale(
    work: Path, cases: int, today: date, *, imports: bool, keep: bool
) -> tuple[Scale, Database | None, float]:
    """Build a demo of `cases` and measure what grows with the number of cases."""
    from app.services.database import open_database
    from app.services.demo import fill_demo

    scale = Scale(cases)
    db_path = work / f"demo-{cases}.db"
    started = time.perf_counter()
    db = open_database(db_path)
    fill_demo(db, cases=cases, seed=2026, today=today)
    built_s = time.perf_counter() - started
    # As the window does after its start (ui/main.py): what is there stays out of collections.
    gc.collect()
    gc.freeze()
    build_rows(scale, db_path, built_s)
    if imports:
        import_rows(scale, db, work)
    list_rows(scale, db)
    due_rows(scale, db, today)
    statistics_rows(scale, db, today)
    search_rows(scale, db)
    space_row(scale, db_path)
    print(f"… {cases} cases measured", file=sys.stderr, flush=True)
    if keep:
        return scale, db, built_s
    db.close()
    for leftover in work.glob(f"demo-{cases}.db*"):
        leftover.unlink()
    return scale, None, built_s


def growth_table(scales: list[Scale]) -> list[str]:
    """How each figure grows from one database size to the next."""
    names = [n for n in scales[-1].figures if all(n in s.figures for s in scales)]
    head = " | ".join(f"{s.cases:,}" for s in scales)
    steps = " | ".join(f"×{b.cases // a.cases} cases" for a, b in pairwise(scales))
    lines = [f"| what | {head} | {steps} |", "|---" * (1 + 2 * len(scales) - 1) + "|"]
    for name in names:
        cells = []
        for s in scales:
            measured, floor = s.figures[name]
            cells.append(f"{measured:.2f}" + (f" (floor {floor:.2f})" if floor else ""))
        growth = [
            f"×{b.figures[name][0] / a.figures[name][0]:.1f}" if a.figures[name][0] else "—"
            for a, b in pairwise(scales)
        ]
        lines.append(f"| {name} | {' | '.join(cells)} | {' | '.join(growth)} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description="老娘舅 benchmarks")
    parser.add_argument(
        "--cases",
        type=int,
        default=100_000,
        help="the demo every figure is measured on (default 100000)",
    )
    parser.add_argument(
        "--growth",
        default="1000,10000",
        help="smaller demos measured too, for the growth table (default 1000,10000; '' none)",
    )
    parser.add_argument(
        "--no-import",
        action="store_true",
        help="skip exporting and importing each demo (the export of 100,000 cases takes minutes)",
    )
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="laoniangjiu-bench-"))
    try:
        return run(args, work)
    finally:  # the demos, exports and printed files of this run
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    from app.services.cases import list_cases
    from app.views import CaseQuery

    started = time.perf_counter()
    today = date.today()  # the demos' "today"
    smaller = sorted({int(n) for n in args.growth.split(",") if n.strip()} - {args.cases})
    scales = [
        measure_scale(work, n, today, imports=not args.no_import, keep=False)[0]
        for n in smaller
        if n < args.cases
    ]
    largest, db, fill_s = measure_scale(
        work, args.cases, today, imports=not args.no_import, keep=True
    )
    scales.append(largest)
    assert db is not None
    db_path = db.path
    # The window freezes what its start-up built (ui/main.py); the bench does the same with
    # what building the demo left, so full collections walk only what each figure allocates.
    gc.collect()
    gc.freeze()
    # A case with an agreement, two parties or more: the usual two-page agreement.
    performed = CaseQuery(statuses=frozenset({"performed"}))
    case = next(r for r in list_cases(db, performed, 0, 50) if "、" in r.parties)
    rows: list[str] = []

    for fmt, budget_first, budget_warm in (
        ("pdf", "≤ 500 ms", "p95 ≤ 100 ms"),
        ("docx", "—", "p95 ≤ 100 ms"),
    ):
        first = run_json(
            [
                sys.executable,
                "-c",
                FIRST_PRINT,
                str(db_path),
                case.uuid,
                fmt,
                str(work / f"f.{fmt}"),
            ]
        )
        from app.services.printing import print_agreement

        times = timed(
            lambda f: print_agreement(db, case.uuid, f, work / f"warm.{f}"),
            [fmt] * (args.runs + 1),
        )
        rows.append(
            row(
                f"agreement {fmt.upper()}, first in a fresh process",
                f"{first['first_ms']:.0f} ms",
                budget_first,
            )
        )
        rows.append(
            row(
                f"agreement {fmt.upper()}, warm p50 / p95 ({args.runs} runs)",
                spread(times),
                budget_warm,
            )
        )
    rich_id, rich_number = rich_case(db)
    rows.extend(form_rows(db, work, rich_id))
    rows.extend(dossier_rows(db, work, rich_id))

    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    paints = []
    for _ in range(5):
        launched = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "ui", "--db", str(db_path), "--exit-after-paint"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        fields: dict[str, float] = {}
        assert process.stdout is not None
        for line in process.stdout:  # each line is timed as it arrives: wall time from launch
            for part in line.split():
                name, _, value = part.partition("=")
                fields[name] = float(value)
            fields[f"{line.split('=')[0]}_wall"] = (time.perf_counter() - launched) * 1000
        _out, err = process.communicate(timeout=120)
        if "ready_ms" not in fields:
            rows.append(row("window painted after start", f"failed: {err[-200:]!r}", ""))
            break
        paints.append((fields["painted_ms_wall"], fields["ready_ms_wall"], fields["rss_mb"]))
    if paints:
        painted = sorted(p[0] for p in paints)
        ready = sorted(p[1] for p in paints)
        rows.append(
            row(
                "window painted, from launching the process (median / best of 5)",
                f"{statistics.median(painted):.0f} / {painted[0]:.0f} ms",
                "≤ 400 ms",
            )
        )
        rows.append(
            row(
                "case list filled and painted, from launching (median / best of 5)",
                f"{statistics.median(ready):.0f} / {ready[0]:.0f} ms",
                "—",
            )
        )
        rss = statistics.median(p[2] for p in paints)
        rows.append(row("memory after start (list shown)", f"{rss:.0f} MB", "≤ 150 MB idle"))
    memory = run_json(
        [sys.executable, "-c", PRINT_MEMORY, str(db_path), case.uuid, str(work / "m")]
    )
    rows.append(
        row(
            "memory of the core before / after printing PDF and DOCX",
            f"{memory['core_before_mb']:.0f} / {memory['core_after_mb']:.0f} MB",
            "≤ 300 MB after printing",
        )
    )
    window_memory = run_json(
        [sys.executable, "-c", WINDOW_PRINT_MEMORY, str(db_path), case.uuid, str(work / "w")],
        env=env,
    )
    rows.append(
        row(
            "memory of the window process: shown / after printing PDF and DOCX",
            f"{window_memory['shown_mb']:.0f} / {window_memory['printed_mb']:.0f} MB",
            "≤ 150 MB idle, ≤ 300 MB after printing",
        )
    )
    # Last: the saves add cases, and the case pages bring Qt into this process.
    rows.extend(save_rows(db, today))
    rows.extend(draw_rows(work, today))
    rows.append(page_row(db, work))

    print(f"\n老娘舅 benchmarks — demo database of {args.cases} cases (built in {fill_s:.1f} s),")
    print(f"agreement case {case.number}, forms and dossier case {rich_number};")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores", end="")
    print(f", {time.perf_counter() - started:.0f} s in all\n")
    print("| what | measured | budget |")
    print("|---|---|---|")
    for scale in scales:
        print("\n".join(scale.rows))
    print("\n".join(rows))
    if len(scales) > 1:
        print("\nHow the figures grow with the number of cases (ms or s as named):\n")
        print("\n".join(growth_table(scales)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
