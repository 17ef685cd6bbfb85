"""Case numbers such as （2026）飞人调字第12号, from a configurable pattern.

The pattern has three placeholders: ``{year}``, ``{short}`` (the committee's short name) and
``{seq}`` (the sequence within the year, restarting each January). Allocation happens in the
database layer, inside the saving transaction; this module only formats and parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import ValidationError
from app.domain.fields import clean_text, max_length

DEFAULT_PATTERN = "（{year}）{short}人调字第{seq}号"
_PLACEHOLDERS = ("{year}", "{short}", "{seq}")
#: The longest sequence `parse_number` reads back (seven digits).
_LONGEST_SEQ = 9_999_999


@dataclass(frozen=True)
class NumberParts:
    year: int
    seq: int


def check_pattern(pattern: str) -> str:
    """A pattern must contain each placeholder exactly once, or numbers could collide; like
    every text it is bounded and printable (it is printed on every cover)."""
    pattern = clean_text(pattern, "committee.number_pattern", required=True)
    for placeholder in _PLACEHOLDERS:
        if pattern.count(placeholder) != 1:
            raise ValidationError(
                "number_pattern",
                "案件编号格式",
                f"必须且只能包含一次{placeholder}，例如 {DEFAULT_PATTERN}",
            )
    # Every number the pattern makes must fit where a case number is kept and be read back
    # from an export: with the longest short name and sequence there may be.
    longest = format_number(pattern, "飞" * max_length("committee.short_name"), 9999, _LONGEST_SEQ)
    room = max_length("case.number") - (len(longest) - len(_bare(pattern)))
    if len(longest) > max_length("case.number"):
        raise ValidationError(
            "number_pattern",
            "案件编号格式",
            f"除了{{year}}{{short}}{{seq}}以外最多{room}个字，现在有{len(_bare(pattern))}个字，"
            f"否则编号太长，请删减一些，例如 {DEFAULT_PATTERN}",
        )
    return pattern


def _bare(pattern: str) -> str:
    """The pattern's own words, without its placeholders."""
    for placeholder in _PLACEHOLDERS:
        pattern = pattern.replace(placeholder, "")
    return pattern


def check_case_number(number: str, field: str = "number", label: str = "案件编号") -> str:
    """A case number given rather than allocated (from an exchange file or another system):
    one line, printable, no longer than a cover has room for."""
    return clean_text(number, "case.number", field=field, label=label, required=True)


def check_short_name(short_name: str) -> str:
    """The committee's short name, which goes into every case number (（2026）飞人调字第1号)."""
    return clean_text(short_name, "committee.short_name", field="short_name", required=True)


def check_committee_name(name: str) -> str:
    """The committee's full name, printed at the head of every form."""
    return clean_text(name, "committee.name", field="name", required=True)


def format_number(pattern: str, short_name: str, year: int, seq: int) -> str:
    return (
        pattern.replace("{year}", str(year))
        .replace("{short}", short_name)
        .replace("{seq}", str(seq))
    )


def parse_number(pattern: str, short_name: str, number: str) -> NumberParts | None:
    """The year and sequence of a number written with this pattern, or None if it is foreign."""
    regex = re.escape(pattern)
    regex = regex.replace(re.escape("{year}"), r"(?P<year>\d{4})")
    regex = regex.replace(re.escape("{short}"), re.escape(short_name))
    regex = regex.replace(re.escape("{seq}"), r"(?P<seq>\d{1,7})")
    match = re.fullmatch(regex, number.strip())
    if not match:
        return None
    return NumberParts(int(match["year"]), int(match["seq"]))
