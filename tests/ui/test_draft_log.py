"""What the drafts have to say goes into the program's one log, masked like every record there,
not to a logger of its own that no one masks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import logs, paths
from app.domain.errors import UserError
from ui import drafts

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def fresh_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The program's log configured anew for this test's data folder."""

    def forget() -> None:
        log = logging.getLogger(logs.LOGGER_NAME)
        for handler in list(log.handlers):
            log.removeHandler(handler)
            handler.close()

    forget()
    monkeypatch.setattr(logs, "_handler", None)
    yield paths.log_path()
    forget()


def test_a_draft_that_cannot_be_read_is_told_to_the_masked_log(fresh_log: Path) -> None:
    folder = drafts.drafts_dir()
    folder.mkdir(parents=True)
    # A file name is never personal data in the program's own drafts, but a log line is
    # masked whatever it holds: one named after an ID number shows that it went through.
    (folder / f"{ID_NUMBER}.json").write_text("{broken", encoding="utf-8")
    assert drafts.pending(Path("cases.db")) == []
    logs.written()
    text = fresh_log.read_text(encoding="utf-8")
    assert "unreadable draft" in text
    assert ID_NUMBER not in text and "110105********002X" in text


def test_a_draft_not_kept_is_logged_there_too(
    fresh_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drafts, "write_atomically", full_disk)
    drafts.keep("k", "调解记录", Path("cases.db"), None, {"statements": "申请人说"})
    logs.written()
    assert "draft not kept: OSError" in fresh_log.read_text(encoding="utf-8")


def test_a_draft_the_writer_refuses_is_logged_not_shown(
    fresh_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer turns a full disk into a UserError; typing goes on all the same."""

    def refused(*_: object) -> None:
        raise UserError("“x.json”没有保存：磁盘已满，请删除一些不用的文件后再试，或换一个磁盘。")

    monkeypatch.setattr(drafts, "write_atomically", refused)
    drafts.keep("k", "调解记录", Path("cases.db"), None, {"statements": "申请人说"})
    logs.written()
    assert "draft not kept: UserError" in fresh_log.read_text(encoding="utf-8")
