"""Importing whatever a file may hold: broken JSON, cut-off files, and an exported file changed
at random — keys dropped, values of the wrong type, huge or unprintable strings, emoji and rare
characters, right-to-left marks, SQL.

Whatever comes in, the import either succeeds or says in Chinese why not (a `UserError`), never
with another exception; a refused file leaves the database exactly as it was; and what a
successful import stored reads back as it was given (stripped, line breaks as \\n).
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, table

from app.db.models import Base, Committee
from app.domain.errors import UserError
from app.services.database import Database
from app.services.demo import fill_demo
from app.services.exchange import export_data, import_data, import_file
from tests.databases import copied_database

#: The demo's "today", before the real one: every day of its cases is plausible now.
DEMO_TODAY = date(2026, 11, 25)
CJK = re.compile(r"[\u4e00-\u9fff]")
#: What no stored text and no message may hold: controls (but a line break and a tab), the line
#: and paragraph separators, bidirectional overrides, half characters.
UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
#: The longest text field (`app.domain.fields.DOCUMENT`).
LONGEST = 20_000
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Keys whose values are free text (a string, or a list of strings) stored as given.
TEXT_KEYS = frozenset(
    [
        "title",
        "facts",
        "requests",
        "name",
        "address",
        "occupation",
        "ethnicity",
        "legal_representative",
        "compound",
        "building",
        "unit",
        "room",
        "place",
        "reason",
        "notes",
        "note",
        "description",
        "statements",
        "facts_verified",
        "outcome",
        "recorder",
        "mediators_present",
        "parties_present",
        "participants_present",
        "met_with",
        "risks",
        "measures",
        "court",
        "result",
        "text",
        "issues",
        "responsibility",
        "authority",
        "organisation",
        "topic",
        "person_name",
        "languages",
        "declined_reason",
        "extension_reason",
        "risk_measures",
        "outcome_note",
        "dossier_note",
        "subsidy_reason",
        "withdrawn_by",
        "decided_by",
        "actor",
        "area",
        "screened_by",
        "original_name",
        "short_name",
        "number",
    ]
)

NASTY = [
    "'); DROP TABLE cases;--",
    '" OR 1=1 --',
    "\u202e",
    "\u202d李秀英",
    "𠮷",
    "😀👨‍👩‍👧",
    "\x00",
    "\x1b[2J",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\r\n",
    "\r",
    "\n",
    "\t",
    " ",
    "\u3000",
    "\ud800",
    "\udfff",
    "%s%n{0}",
    "<script>alert(1)</script>",
    "\\",
    '"',
    "null",
    "㵘",
    "ｆｕｌｌ１２３",
]


class Huge(str):
    """A pasted page, shown by its length where a failing example is printed."""

    def __repr__(self) -> str:
        return f"<{len(self)} × {self[:1]!r}>"


nasty_text = st.one_of(
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=5).map("".join),
    st.sampled_from(NASTY),
    st.integers(min_value=1, max_value=3).map(lambda n: Huge("纠" * (60_000 * n))),
    st.text(min_size=1, max_size=30),
)
#: Text a person may well type or paste, emoji, rare characters and SQL among it: it must go in
#: exactly as given (where it fits its field).
printable_text = st.one_of(
    st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(
        [
            "'); DROP TABLE cases;--",
            "𠮷𠮷",
            "😀👍",
            "王\u3000建国",
            'O\'Brien "Jr"',
            "ｆｕｌｌ",
            "㵘",
        ]
    ),
)
some_text = st.one_of(printable_text, nasty_text).filter(lambda t: t.strip() != "")
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | nasty_text,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.one_of(st.sampled_from(sorted(TEXT_KEYS)), nasty_text), inner, max_size=3
        )
    ),
    max_leaves=6,
)


# --- The file every example starts from --------------------------------------------------------


class Exported(dict[str, Any]):
    """The file every example starts from; printed short with a failing example."""

    def __repr__(self) -> str:
        return f"<an export of {len(self['cases'])} cases>"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, new_database_file: Path) -> Exported:
    """An export of a small demo with a screening round, as `export` writes it."""
    folder = tmp_path_factory.mktemp("fuzz-import")
    db = copied_database(new_database_file, folder / "demo.db")
    fill_demo(db, cases=5, seed=7, today=DEMO_TODAY)
    data = export_data(db)
    db.close()
    first = data["cases"][0]
    data["screening_rounds"] = [
        {
            "uuid": "5c3d1e2f-8a9b-4c7d-9e1f-2a3b4c5d6e7f",
            "held_on": "2026-11-20",
            "area": "幸福里小区1至6号楼",
            "screened_by": "王建国、李秀英",
            "note": "节前排查",
            "findings": [
                {"description": "", "outcome": "case", "case": first["uuid"], "note": None},
                {"description": "3号楼漏水争吵", "outcome": "watch", "case": None, "note": "再看"},
            ],
        }
    ]
    return Exported(data)


@pytest.fixture
def fresh(tmp_path: Path, new_database_file: Path) -> Iterator[Any]:
    """A new database for each example (hypothesis runs many inside one test)."""
    opened: list[Database] = []

    def make() -> Database:
        db = copied_database(new_database_file, tmp_path / f"{uuid.uuid4().hex}.db")
        opened.append(db)
        return db

    make.__qualname__ = "a new database"
    yield make
    for db in opened:
        db.close()


def state(db: Database) -> dict[str, Any]:
    """Every table's row count, and the committee's settings: what an import may change."""
    with db.reading() as session:
        counts = {
            t.name: session.scalar(select(func.count()).select_from(table(t.name)))
            for t in Base.metadata.sorted_tables
        }
        committee = session.scalars(select(Committee)).one()
        settings_ = {
            c.name: getattr(committee, c.key) for c in Committee.__table__.columns if c.key != "id"
        }
    return {"counts": counts, "committee": settings_}


def assert_a_message_for_a_person(error: UserError) -> None:
    message = error.message
    assert CJK.search(message), message
    assert not UNPRINTABLE.search(message.replace("\n", "")), repr(message[:200])
    assert len(message) < 3000, message[:200]
    message.encode("utf-8")  # shown in a terminal or a dialog: whole characters only


def stored_texts(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) of every text of an export but the draws' explanations, which are the JSON
    the program wrote itself, kept character for character."""
    if isinstance(value, dict):
        for k, inner in value.items():
            if k != "explanation":
                yield from stored_texts(inner, k)
    elif isinstance(value, list):
        for inner in value:
            yield from stored_texts(inner, key)
    elif isinstance(value, str):
        yield key, value


def imported(db: Database, data: Any) -> bool:
    """Import `data`; True when it went in, False when it was refused (and changed nothing).

    What went in is bounded and printable, as every field of a form is: a text that is not
    was let through by the import without its check.
    """
    before = state(db)
    try:
        import_data(db, data)
    except UserError as error:
        assert_a_message_for_a_person(error)
        assert state(db) == before
        return False
    for key, text in stored_texts(export_data(db)):
        assert not UNPRINTABLE.search(text.replace("\r", "")), (key, text[:80])
        assert len(text) <= LONGEST, (key, len(text))
    return True


# --- Mutations ---------------------------------------------------------------------------------

Path_ = tuple[Any, ...]


def paths(value: Any, here: Path_ = ()) -> Iterator[Path_]:
    yield here
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, (*here, index))


def text_paths(value: Any) -> list[Path_]:
    """Where a free text sits (a text key's value or an item of its list), None or a string."""
    found = []
    for path in paths(value):
        key = next((p for p in reversed(path) if isinstance(p, str)), None)
        if key not in TEXT_KEYS or path[:1] == ("format",):
            continue
        at = get(value, path)
        if isinstance(at, str) or (at is None and isinstance(path[-1], str)):
            found.append(path)
    return found


def get(value: Any, path: Path_) -> Any:
    for step in path:
        value = value[step]
    return value


def put(value: Any, path: Path_, new: Any) -> None:
    get(value, path[:-1])[path[-1]] = new


def drop(value: Any, path: Path_) -> None:
    parent = get(value, path[:-1])
    if isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])


#: One change: where (an index into the file's paths, taken modulo their number), how, with
#: what value and, to add a key, which. Drawn apart from the file, so a change is the same
#: each time hypothesis replays it.
changes = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10**6),
        st.sampled_from(["drop", "replace", "replace", "duplicate", "add key"]),
        json_values,
        st.one_of(st.sampled_from(sorted(TEXT_KEYS)), nasty_text),
    ),
    min_size=1,
    max_size=3,
)


def mutated(base: dict[str, Any], how: list[tuple[int, str, Any, str]]) -> dict[str, Any]:
    """The file with `how`'s changes of its structure or values."""
    data = copy.deepcopy(base)
    for where, what, value, key in how:
        everywhere = [p for p in paths(data) if p]
        if not everywhere:
            break
        path = everywhere[where % len(everywhere)]
        if what == "drop":
            drop(data, path)
        elif what == "replace":
            put(data, path, copy.deepcopy(value))
        elif what == "duplicate":
            parent = get(data, path[:-1])
            if isinstance(parent, list):
                parent.append(copy.deepcopy(parent[path[-1]]))
            else:
                put(data, path, [get(data, path), copy.deepcopy(get(data, path))])
        elif isinstance(target := get(data, path), dict):
            target[key] = copy.deepcopy(value)
    return data


def normalised(text: str) -> str:
    """What the program keeps of a text: line breaks as \\n, blanks around it stripped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def found_again(exported_data: dict[str, Any], original: dict[str, Any], path: Path_) -> Any:
    """The value at `path` of `original` in a later export: a case, mediator or round is found
    by its uuid (a changed name may reorder a list)."""
    head, index, *rest = path
    if head in ("cases", "mediators", "screening_rounds") and isinstance(index, int):
        wanted = original[head][index]["uuid"]
        record = next(r for r in exported_data[head] if r["uuid"] == wanted)
        return get(record, tuple(rest))
    return get(exported_data, path)


# --- The properties ----------------------------------------------------------------------------


@FUZZ
@given(how=changes)
def test_a_randomly_changed_file_imports_or_is_refused_cleanly(fresh, exported, how) -> None:  # type: ignore[no-untyped-def]
    imported(fresh(), mutated(exported, how))


@FUZZ
@given(data=st.data())
def test_random_text_anywhere_is_stored_exactly_or_refused(fresh, exported, data) -> None:  # type: ignore[no-untyped-def]
    changed = copy.deepcopy(exported)
    where = data.draw(
        st.lists(st.sampled_from(text_paths(exported)), min_size=1, max_size=3, unique=True)
    )
    texts = {path: data.draw(some_text) for path in where}
    for path, text in texts.items():
        put(changed, path, text)
    db = fresh()
    if not imported(db, changed):
        return
    again = export_data(db)
    for path, text in texts.items():
        if path == ("committee", "short_name") or path[0] == "committee":
            # Adopted only by a database without a committee of its own: compare if adopted.
            continue
        assert found_again(again, exported, path) == normalised(text), path


@FUZZ
@given(
    text=some_text,
    key=st.sampled_from(["title", "facts", "name", "address", "statements", "reason"]),
)
def test_the_same_text_in_any_text_field_of_one_case(fresh, exported, text: str, key: str) -> None:  # type: ignore[no-untyped-def]
    """Each text field of the first case that has `key`, given `text`: stored as is, or the
    whole file refused."""
    changed = copy.deepcopy(exported)
    where = [p for p in text_paths(changed) if p[:2] == ("cases", 0) and key in p]
    for path in where:
        put(changed, path, text)
    db = fresh()
    if imported(db, changed):
        again = export_data(db)
        for path in where:
            assert found_again(again, exported, path) == normalised(text), path


def the_file(data: dict[str, Any]) -> str:
    """As `export` lays it out, which import reads a case at a time."""
    return json.dumps(data, ensure_ascii=False, indent=2)


@FUZZ
@given(data=st.data())
def test_a_cut_off_or_damaged_file_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    fresh, exported, tmp_path, data
) -> None:
    raw = the_file(exported).encode("utf-8")
    how = data.draw(st.sampled_from(["cut", "cut", "bytes", "splice", "encoding"]))
    if how == "cut":
        content = raw[: data.draw(st.integers(min_value=0, max_value=len(raw) - 1))]
    elif how == "bytes":
        at = data.draw(st.integers(min_value=0, max_value=len(raw)))
        content = raw[:at] + data.draw(st.binary(min_size=1, max_size=40)) + raw[at:]
    elif how == "splice":
        start = data.draw(st.integers(min_value=0, max_value=len(raw)))
        end = data.draw(st.integers(min_value=start, max_value=min(len(raw), start + 400)))
        content = raw[:start] + raw[end:] + raw[start:end]
    else:
        codec = data.draw(st.sampled_from(["utf-16", "gb18030", "latin-1"]))
        content = the_file(exported).encode(codec, errors="replace")
    path = tmp_path / f"{uuid.uuid4().hex}.json"
    path.write_bytes(content)
    db = fresh()
    before = state(db)
    try:
        import_file(db, path)
    except UserError as error:
        assert_a_message_for_a_person(error)
        assert state(db) == before
    else:  # a change that left valid JSON of the same data (a splice of equal pieces)
        assert json.loads(content.decode("utf-8-sig")) is not None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n",
        b"null",
        b"[]",
        b'"laoniangjiu"',
        b"{",
        b"[" * 100_000,
        b'{"format": "laoniangjiu-exchange", "version": ' + b"9" * 5000 + b"}",
        b'{"format": "laoniangjiu-exchange", "version": NaN}',
        b'{"format": "laoniangjiu-exchange", "version": 4, "cases": [NaN, Infinity]}',
        b'{"format": "laoniangjiu-exchange", "version": 4, "cases": "\\ud800"}',
        b'{"format": "laoniangjiu-exchange", "version": 4, "mediators": [{"name": 1}]}',
        b'{"format": "laoniangjiu-exchange", "version": 4, "cases": [[]]}',
        b"\xef\xbb\xbf\xff\xfe",
        b'{"format": "laoniangjiu-exchange", "version": 4, "format": "x"}',
    ],
    ids=lambda c: repr(c[:30]),
)
def test_files_that_are_no_exchange_file_are_refused(fresh, tmp_path: Path, content: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    db = fresh()
    before = state(db)
    with pytest.raises(UserError) as caught:
        import_file(db, path)
    assert_a_message_for_a_person(caught.value)
    assert state(db) == before


def test_a_file_given_twice_or_with_its_uuids_respelled_adds_nothing_more(fresh, exported) -> None:  # type: ignore[no-untyped-def]
    db = fresh()
    import_data(db, copy.deepcopy(exported))
    once = state(db)["counts"]
    respelled = copy.deepcopy(exported)
    for record in respelled["cases"] + respelled["mediators"] + respelled["screening_rounds"]:
        record["uuid"] = "{" + record["uuid"].upper() + "}\n"
    report = import_data(db, respelled)
    assert (report.cases_added, report.mediators_added, report.rounds_added) == (0, 0, 0)
    counts = state(db)["counts"]
    assert {k: v for k, v in counts.items() if k != "audit_log"} == {
        k: v for k, v in once.items() if k != "audit_log"
    }
