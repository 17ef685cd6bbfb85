"""Saving from the window: one helper runs the change, and every open view hears of it.

Long work runs off the window's thread while the window waits; what goes wrong is shown where
the person can act on it; what was committed is broadcast, so the case list and an open case
page show it without anyone pressing a refresh.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import UserError, ValidationError, ValidationErrors
from app.services.cases import get_case
from app.services.database import get_committee, update_committee
from app.views import Changed
from tests.ui.conftest import show_at_screen_size, type_text
from tests.ui.test_case_page import case_with, page_text
from tests.ui.test_register_dialog import GOOD_ID, fill_form
from ui import errors
from ui.agreement_dialog import AgreementDialog
from ui.case_page import CasePage
from ui.operations import operation_bus, reset_operation_bus, run_operation
from ui.register_dialog import RegisterDialog


@pytest.fixture(autouse=True)
def fresh_bus() -> Iterator[None]:
    """Each test listens to a bus of its own: no window of an earlier test hears it."""
    reset_operation_bus()
    yield
    reset_operation_bus()


@pytest.fixture
def heard() -> list[tuple[Changed, object]]:
    seen: list[tuple[Changed, object]] = []
    operation_bus().operation_done.connect(lambda changed, origin: seen.append((changed, origin)))
    return seen


@pytest.fixture
def form(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    widget = QWidget()
    column = QVBoxLayout(widget)
    widget.button = QPushButton("保存")  # type: ignore[attr-defined]
    column.addWidget(widget.button)  # type: ignore[attr-defined]
    widget.resize(600, 400)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def wait_notes(widget: QWidget, text: str) -> list[QLabel]:
    return [
        label
        for label in widget.window().findChildren(QLabel)
        if label.accessibleName() == text and label.isVisible()
    ]


# ---------------------------------------------------------------- threads


def test_work_in_a_thread_runs_off_the_window_and_is_delivered_back(qtbot, form, heard) -> None:
    window_thread = threading.get_ident()
    release = threading.Event()
    ran_in: list[int] = []
    done_in: list[int] = []
    results: list[object] = []
    changed = Changed(cases=frozenset({7}), case_list=True)

    def slow_import(count: int, *, label: str) -> tuple[str, Changed]:
        ran_in.append(threading.get_ident())
        release.wait(timeout=10)
        return f"{label}{count}件", changed

    def done(result: object) -> None:
        done_in.append(threading.get_ident())
        results.append(result)

    handle = run_operation(
        form,
        slow_import,
        3,
        label="导入了",
        on_done=done,
        origin=form,
        in_thread=True,
        wait_text="正在导入……",
    )
    # While it works: busy cursor, no second click, and after a moment a note saying why.
    assert not handle.done
    assert not form.isEnabled() and not form.button.isEnabled()  # type: ignore[attr-defined]
    assert QApplication.overrideCursor() is not None
    qtbot.waitUntil(lambda: bool(wait_notes(form, "正在导入……")), timeout=5000)
    assert heard == [] and results == []

    with qtbot.waitSignal(handle.finished, timeout=10000):
        release.set()
    assert ran_in and ran_in[0] != window_thread
    assert handle.worker_thread == ran_in[0]
    assert done_in == [window_thread]
    assert results == ["导入了3件"]
    assert heard == [(changed, form)]
    assert handle.succeeded and handle.changed == changed
    assert form.isEnabled() and QApplication.overrideCursor() is None
    assert wait_notes(form, "正在导入……") == []


def test_a_real_service_in_a_thread_writes_the_database(qtbot, window, heard) -> None:
    handle = run_operation(
        window, update_committee, window.db, name="铁西社区人民调解委员会", in_thread=True
    )
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    assert handle.succeeded, handle.error
    assert handle.worker_thread != threading.get_ident()
    assert get_committee(window.db).name == "铁西社区人民调解委员会"
    assert heard and heard[0][0].settings
    assert window.windowTitle() == "老娘舅 — 铁西社区人民调解委员会"  # the window heard it
    assert window.isEnabled()


def test_an_error_in_a_thread_is_shown_in_the_window_thread(qtbot, form, boxes, heard) -> None:
    shown_in: list[int] = []
    boxes_before = len(boxes.errors)

    def refuse() -> tuple[None, Changed]:
        raise UserError("文件里的案件编号重复了，请检查后再导入。")

    def fields(found: list[ValidationError]) -> None:
        shown_in.append(threading.get_ident())

    handle = run_operation(form, refuse, in_thread=True, on_fields=fields)
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    assert boxes.errors[boxes_before:] == ["文件里的案件编号重复了，请检查后再导入。"]
    assert shown_in == [] and heard == []
    assert form.isEnabled() and QApplication.overrideCursor() is None


# ---------------------------------------------------------------- the broadcast


def test_the_broadcast_reaches_every_listener(form) -> None:
    first: list[tuple[Changed, object]] = []
    second: list[tuple[Changed, object]] = []
    operation_bus().operation_done.connect(lambda c, o: first.append((c, o)))
    operation_bus().operation_done.connect(lambda c, o: second.append((c, o)))
    changed = Changed(cases=frozenset({3}), due=True)
    order: list[str] = []
    operation_bus().operation_done.connect(lambda c, o: order.append("broadcast"))

    handle = run_operation(
        form, lambda: ("好了", changed), on_done=lambda r: order.append(r), origin="登记"
    )
    assert handle.done and handle.succeeded and handle.result == "好了"
    assert first == [(changed, "登记")] and second == [(changed, "登记")]
    assert order == ["broadcast", "好了"]  # the views are up to date before on_done runs
    assert operation_bus() is operation_bus()


# ---------------------------------------------------------------- what goes wrong


def test_a_user_error_is_a_plain_box_with_its_message(form, boxes, heard) -> None:
    message = "案件2026-001已归档，不能再修改。"
    done: list[object] = []

    def refuse() -> tuple[None, Changed]:
        raise UserError(message)

    handle = run_operation(form, refuse, on_done=done.append, on_fields=done.append)
    assert boxes.errors == [message]
    assert done == [] and heard == []
    assert handle.done and not handle.succeeded and isinstance(handle.error, UserError)


def test_validation_errors_go_beside_the_fields_and_nothing_is_broadcast(
    form, boxes, heard
) -> None:
    wrong = [
        ValidationError("title", "纠纷名称", "必须填写"),
        ValidationError("parties[0].phone", "第1位当事人联系电话", "应为11位数字"),
    ]
    shown: list[list[ValidationError]] = []

    def refuse() -> tuple[None, Changed]:
        raise ValidationErrors(wrong)

    run_operation(form, refuse, on_fields=shown.append)
    assert shown == [wrong]
    assert boxes.errors == [] and heard == []

    # One error alone goes the same way, as a list of one.
    single = ValidationError("amount", "涉及金额", "最多两位小数")

    def refuse_one() -> tuple[None, Changed]:
        raise single

    run_operation(form, refuse_one, on_fields=shown.append)
    assert shown[-1] == [single]


def test_validation_errors_without_fields_are_listed_in_a_box(form, boxes, heard) -> None:
    def refuse() -> tuple[None, Changed]:
        raise ValidationErrors(
            [
                ValidationError("name", "调解员姓名", "必须填写"),
                ValidationError("phone", "电话", "不对"),
            ]
        )

    run_operation(form, refuse, error_title="没有保存")
    assert boxes.errors == ["调解员姓名：必须填写\n电话：不对"]
    assert heard == []


def test_a_bug_is_logged_and_apologised_for(form, boxes, heard, monkeypatch) -> None:
    logged: list[BaseException] = []
    monkeypatch.setattr(errors, "log_exception", lambda kind, error, tb: logged.append(error))

    def broken() -> tuple[None, Changed]:
        raise KeyError("party")

    run_operation(form, broken)
    assert len(logged) == 1 and isinstance(logged[0], KeyError)
    assert boxes.errors == [errors.apology()]
    assert heard == []


# ---------------------------------------------------------------- the open views


def test_a_registered_case_shows_in_the_open_list_without_a_refresh(qtbot, window) -> None:
    before = window.model.total
    # A dialog of its own, not opened by the list's button: only the broadcast tells the list.
    dialog = show_at_screen_size(qtbot, RegisterDialog(window.db))
    fill_form(qtbot, dialog, GOOD_ID)
    dialog.save_button.click()
    assert dialog.result_case is not None and dialog.changed is not None
    assert window.model.total == before + 1
    assert window.model.row(0).id == dialog.result_case.id
    assert window.model.row(0).title == "楼道堆物纠纷"
    assert window.total_label.text().startswith(f"共{before + 1}件")


def test_an_open_case_page_reads_its_case_again_and_no_other(qtbot, db, opened) -> None:
    case_id = case_with(db, agreement=False)
    other_id = case_with(db, agreement=True)
    page = show_at_screen_size(qtbot, CasePage(db, case_id, opener=opened))
    other = show_at_screen_size(qtbot, CasePage(db, other_id, opener=opened))
    other_loads: list[int] = []
    original = other.load
    other.load = lambda: (other_loads.append(1), original())  # type: ignore[method-assign]
    assert "尚未录入协议" in page_text(page)

    # The agreement is saved in a dialog that is no child of the page.
    dialog = show_at_screen_size(qtbot, AgreementDialog(db, get_case(db, case_id)))
    term = dialog.terms[0]
    type_text(qtbot, term.text, "被申请人清理楼道杂物")
    term.obligor.setCurrentIndex(2)
    term.obligee.setCurrentIndex(1)
    dialog.save_button.click()
    assert dialog.changed is not None
    assert page.case.agreement is not None
    assert "被申请人清理楼道杂物" in page_text(page)
    assert other_loads == []

    # An import or the demo changes more than is worth naming: every page reads again.
    everything = Changed(case_list=True, mediators=True, settings=True, due=True)
    run_operation(None, lambda: (None, everything))
    assert other_loads == [1]
