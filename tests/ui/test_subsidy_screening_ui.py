"""以案定补 and 矛盾纠纷排查 in the window: the claim sheet with the incomplete cases apart, its
Excel, a case's class, the scheme; recording a round and the report (the zero report). Each
dialog is checked against the usability rules at 1366×768, at 100 % and 200 % text, with a
screenshot in artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from app.services.database import Database, open_database
from tests.core import subsidy_cases as fixture
from tests.ui.conftest import show_at_screen_size, type_text
from tests.ui.test_usability import check
from ui import style


@pytest.fixture
def period_db(tmp_path: Path) -> Iterator[tuple[Database, dict[str, int]]]:
    database = open_database(tmp_path / "p.db")
    ids = fixture.build(database)
    yield database, ids
    database.close()


def asker(folder: Path):  # type: ignore[no-untyped-def]
    asked: list[tuple[str, Path]] = []

    def ask(parent, fmt: str, suggested: Path) -> Path:  # type: ignore[no-untyped-def]
        asked.append((fmt, suggested))
        return folder / suggested.name

    ask.asked = asked  # type: ignore[attr-defined]
    return ask


def subsidy_dialog(qtbot, db: Database, tmp_path: Path, opened):  # type: ignore[no-untyped-def]
    from ui.subsidy_dialog import SubsidyDialog

    dialog = SubsidyDialog(None, db, today=fixture.TODAY, opener=opened, ask_path=asker(tmp_path))
    show_at_screen_size(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.sheet is not None and not dialog.reading, timeout=10000)
    qtbot.wait(20)  # the rows added to the shown dialog show themselves on the next events
    return dialog


def texts(widget) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from ui.widgets import SpacedLabel

    return "\n".join(
        w.plain_text() if isinstance(w, SpacedLabel) else w.text()
        for w in widget.findChildren(QLabel)
        if w.isVisible()
    )


@pytest.mark.parametrize("scale", [100, 200])
def test_the_claim_sheet_dialog(qtbot, period_db, tmp_path: Path, opened, scale: int) -> None:  # type: ignore[no-untyped-def]
    db, _ = period_db
    style.apply_scale(scale, save=False)
    dialog = subsidy_dialog(qtbot, db, tmp_path, opened)
    assert dialog.period.kind() == "quarter" and dialog.period.near_name() == "本季度"
    assert dialog.chosen_period() == (fixture.START, fixture.END)
    shown = texts(dialog)
    assert "本期申报案件4件，补贴合计650.00元" in shown
    assert "王建国" in shown and "285.00元" in shown
    assert "✗ 被申请人张伟的身份证明：" in shown
    assert "口头协议没有证明材料" in shown
    check(dialog, scale, f"subsidy-{scale}")
    dialog.scroll.verticalScrollBar().setValue(dialog.scroll.verticalScrollBar().maximum())
    check(dialog, scale, f"subsidy-{scale}-held")


def test_the_sheet_saves_as_excel_and_pdf(qtbot, period_db, tmp_path: Path, opened) -> None:  # type: ignore[no-untyped-def]
    db, _ = period_db
    dialog = subsidy_dialog(qtbot, db, tmp_path, opened)
    qtbot.mouseClick(dialog.excel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=10000)
    saved = dialog.last_saved
    assert saved is not None and saved.suffix == ".xlsx"
    assert load_workbook(saved)["补贴汇总"]["B6"].value == "王建国"
    assert dialog.folder_button.isVisible()
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert opened.paths == [saved.parent]
    dialog.last_saved = None
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=10000)
    assert dialog.last_saved.suffix == ".pdf" and dialog.last_saved.stat().st_size > 0


def test_custom_dates_are_counted_on_the_button_and_never_backwards(  # type: ignore[no-untyped-def]
    qtbot, period_db, tmp_path: Path, opened
) -> None:
    db, _ = period_db
    dialog = subsidy_dialog(qtbot, db, tmp_path, opened)
    dialog.period.set_dates(date(2026, 11, 1), date(2026, 11, 30))
    assert (dialog.sheet.start, dialog.sheet.end) == (fixture.START, fixture.END)  # not yet
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.reading and dialog.sheet.start.month == 11, timeout=10000)
    shown = dialog.sheet
    dialog.period.set_dates(date(2026, 11, 30), date(2026, 11, 1))
    assert "结束日期" in dialog.period.problem.plain_text()
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert not dialog.reading and dialog.sheet is shown and dialog.chosen_period() is None
    assert dialog.period.end.hasFocus()
    qtbot.mouseClick(dialog.excel_button, Qt.MouseButton.LeftButton)  # the sheet shown
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=10000)
    assert dialog.last_saved.name == "以案定补补贴申报表-20261101-20261130.xlsx"


def test_a_class_decided_in_its_dialog_moves_the_case_onto_the_claim(  # type: ignore[no-untyped-def]
    qtbot, period_db, tmp_path: Path, opened
) -> None:
    from ui.subsidy_dialog import class_dialog

    db, ids = period_db
    dialog = subsidy_dialog(qtbot, db, tmp_path, opened)
    decide = class_dialog(dialog, db, ids["G"])
    assert decide is not None
    show_at_screen_size(qtbot, decide)
    check(decide, 100, "subsidy-class-100")
    assert decide.values()["class"] == "general"  # the suggestion, preselected
    from ui.widgets import select_code

    select_code(decide.inputs["class"], "major")
    decide.save()
    assert decide.errors.fields["reason"].error.isVisible()  # a departure needs a reason
    type_text(qtbot, decide.inputs["reason"], "三十户参与，群体性纠纷")
    decide.save()
    assert decide.changed is not None
    qtbot.waitUntil(lambda: not dialog.reading and dialog.sheet is not None, timeout=10000)
    qtbot.waitUntil(
        lambda: any(line.case.case_id == ids["G"] for line in dialog.sheet.lines), timeout=10000
    )
    assert "本期申报案件5件，补贴合计1,150.00元" in dialog.status.plain_text()


def test_an_open_case_gets_no_class_dialog(qtbot, period_db, boxes) -> None:  # type: ignore[no-untyped-def]
    from ui.subsidy_dialog import class_dialog

    db, ids = period_db
    assert class_dialog(None, db, ids["L"]) is None
    assert "案件还在办理中" in boxes.errors[-1]


@pytest.mark.parametrize("scale", [100, 200])
def test_the_case_page_shows_the_class_on_the_dossier_tab(
    qtbot, period_db, opened, scale: int
) -> None:  # type: ignore[no-untyped-def]
    from ui.case_page import CasePage
    from ui.subsidy_dialog import SubsidySection

    db, ids = period_db
    style.apply_scale(scale, save=False)
    page = show_at_screen_size(qtbot, CasePage(db, ids["B"], opener=opened, tab="dossier"))
    sections = page.findChildren(SubsidySection)
    assert len(sections) == 1
    assert "补贴类别：“疑难复杂”。建议“一般”" in sections[0].summary.plain_text()
    assert "涉及四户" in sections[0].summary.plain_text()
    page.scroll.ensureWidgetVisible(sections[0], 20, 20)
    qtbot.wait(20)
    check(page, scale, f"case-page-{scale}-subsidy", is_dialog=False)
    open_page = CasePage(db, ids["L"], opener=opened, tab="dossier")
    assert open_page.findChildren(SubsidySection) == []  # still mediating: nothing to decide
    open_page.deleteLater()


@pytest.mark.parametrize("scale", [100, 200])
def test_the_scheme_dialog(qtbot, period_db, scale: int) -> None:  # type: ignore[no-untyped-def]
    from app.services.subsidy import subsidy_scheme
    from ui.subsidy_scheme_dialog import SchemeDialog

    db, _ = period_db
    style.apply_scale(scale, save=False)
    dialog = show_at_screen_size(qtbot, SchemeDialog(None, db))
    assert [b.label.text() for b in dialog.blocks] == ["简易", "一般", "疑难复杂", "重大"]
    assert dialog.lead.text() == "50%" and dialog.member.text() == "30%"
    check(dialog, scale, f"subsidy-scheme-{scale}")
    # Wrong: an amount that is no amount, shares that add up to 110 %.
    dialog.blocks[1].amount.setText("二百")
    dialog.lead.setText("60%")
    dialog.save()
    assert dialog.blocks[1].fields["amount"].error.isVisible()
    assert "加起来应正好是1" in dialog.roles_error.plain_text()
    assert subsidy_scheme(db).classes[1].amount_fen == 20_000  # nothing saved
    check(dialog, scale, f"subsidy-scheme-{scale}-errors")
    dialog.blocks[1].amount.setText("250")
    dialog.lead.setText("1/2")
    dialog.add_class()
    new = dialog.blocks[-1]
    type_text(qtbot, new.label, "特别重大")
    new.amount.setText("800")
    new.min_persons.setText("50")
    dialog.save()
    assert dialog.saved is not None
    saved = subsidy_scheme(db)
    assert saved.classes[1].amount_fen == 25_000
    assert saved.classes[-1].label == "特别重大" and saved.classes[-1].min_persons == 50


# ---------------------------------------------------------------- screening


def screening_dialog(qtbot, db: Database, tmp_path: Path, opened, today: date):  # type: ignore[no-untyped-def]
    from ui.screening_dialog import ScreeningDialog

    dialog = ScreeningDialog(None, db, today=today, opener=opened, ask_path=asker(tmp_path))
    show_at_screen_size(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.report is not None and not dialog.reading, timeout=10000)
    qtbot.wait(20)
    return dialog


@pytest.mark.parametrize("scale", [100, 200])
def test_recording_a_round_with_the_keyboard_and_the_monthly_report(  # type: ignore[no-untyped-def]
    qtbot, period_db, tmp_path: Path, opened, scale: int
) -> None:
    from PySide6.QtTest import QTest

    from ui.screening_dialog import RoundDialog

    db, _ = period_db
    style.apply_scale(scale, save=False)
    today = date(2026, 11, 30)
    dialog = screening_dialog(qtbot, db, tmp_path, opened, today)
    assert "本期没有开展矛盾纠纷排查" in dialog.status.plain_text()
    check(dialog, scale, f"screening-{scale}-empty")

    rounds = RoundDialog(dialog, db, today)
    show_at_screen_size(qtbot, rounds)
    rounds.activateWindow()
    qtbot.waitUntil(rounds.isActiveWindow, timeout=2000)
    assert rounds.area.hasFocus()
    type_text(qtbot, rounds.area, "幸福里小区1至6号楼")
    QTest.keyClick(rounds.area, Qt.Key.Key_Tab)
    assert rounds.screened_by.hasFocus()
    type_text(qtbot, rounds.screened_by, "王建国、李秀英")
    first = rounds.add_finding()
    type_text(qtbot, first.description, "3号楼602与502因漏水争吵")
    second = rounds.add_finding()
    type_text(qtbot, second.description, "6号楼邻里不和")
    second.outcome.setCurrentIndex(1)  # 继续关注
    third = rounds.add_finding()
    third.outcome.setCurrentIndex(2)  # 登记为案件: the case field shows
    assert third.case.isVisible()
    check(rounds, scale, f"screening-round-{scale}")
    rounds.save()  # the third has no case yet
    assert third.fields["case"].error.isVisible()
    assert "登记为案件时" in third.fields["case"].error.plain_text()
    rounds.remove_finding(third)
    rounds.screened_by.setFocus()
    QTest.keyClick(rounds.screened_by, Qt.Key.Key_Return)  # Enter saves
    assert rounds.saved_round is not None and len(rounds.saved_round.findings) == 2
    qtbot.waitUntil(lambda: not dialog.reading and dialog.report is not None, timeout=10000)
    qtbot.waitUntil(lambda: bool(dialog.report.rounds), timeout=10000)
    qtbot.wait(100)  # the rows just made are laid out on the next events
    assert "共排查发现矛盾纠纷2件，其中当场化解1件" in dialog.status.plain_text()
    check(dialog, scale, f"screening-{scale}")
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=10000)
    assert dialog.last_saved.suffix == ".pdf"


def test_a_week_with_nothing_found_is_the_zero_report(
    qtbot, period_db, tmp_path: Path, opened
) -> None:  # type: ignore[no-untyped-def]
    from app.domain.screening import RoundDraft
    from app.services.screening import record_round

    db, _ = period_db
    today = date(2026, 11, 26)
    record_round(
        db, RoundDraft(held_on=date(2026, 11, 24), area="幸福里小区", screened_by="王建国"),
        today=today,
    )  # fmt: skip
    dialog = screening_dialog(qtbot, db, tmp_path, opened, today)
    dialog.period.set_kind("week")
    qtbot.waitUntil(lambda: not dialog.reading and dialog.report is not None, timeout=10000)
    qtbot.waitUntil(lambda: dialog.report.kind == "weekly", timeout=10000)
    assert dialog.report_title.plain_text().startswith("矛盾纠纷排查零报告")
    assert "特此零报告" in dialog.status.plain_text()
    qtbot.mouseClick(dialog.word_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=10000)
    assert dialog.last_saved.suffix == ".docx"


def test_the_class_is_decided_from_the_case_page_and_the_page_reloads(
    qtbot, period_db, opened
) -> None:  # type: ignore[no-untyped-def]
    """The button's own section is rebuilt while its dialog saves: nothing breaks."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.services.subsidy import class_decision
    from ui.case_page import CasePage
    from ui.record_dialog import RecordDialog
    from ui.subsidy_dialog import SubsidySection

    db, ids = period_db
    page = show_at_screen_size(qtbot, CasePage(db, ids["G"], opener=opened, tab="dossier"))
    section = page.findChildren(SubsidySection)[0]
    assert "补贴类别还没有确定" in section.summary.plain_text()
    seen: list[str] = []

    def save_in_the_dialog() -> None:
        top = QApplication.activeModalWidget()
        assert isinstance(top, RecordDialog)
        seen.append(top.windowTitle())
        top.save()  # the suggestion, preselected: no reason needed

    QTimer.singleShot(0, save_in_the_dialog)
    assert section.decide_button is not None
    qtbot.mouseClick(section.decide_button, Qt.MouseButton.LeftButton)
    assert seen == ["确定补贴类别"]
    assert class_decision(db, ids["G"]).class_code == "general"
    qtbot.waitUntil(
        lambda: any(
            "补贴类别：“一般”" in s.summary.plain_text() for s in page.findChildren(SubsidySection)
        ),
        timeout=5000,
    )
