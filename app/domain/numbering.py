"""Case numbers such as （2026）飞人调字第12号, from a configurable pattern.

The pattern has three placeholders: ``{year}``, ``{short}`` (the committee's short name) and
``{seq}`` (the sequence within the year, restarting each January). Allocation happens in the
database layer, inside the saving transaction; this module only formats and parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import ValidationError

DEFAULT_PATTERN = "（{year}）{short}人调字第{seq}号"
_PLACEHOLDERS = ("{year}", "{short}", "{seq}")


@dataclass(frozen=True)
class NumberParts:
    year: int
    seq: int


def check_pattern(pattern: str) -> str:
    """A pattern must contain each placeholder exactly once, or numbers could collide."""
    pattern = pattern.strip()
    for placeholder in _PLACEHOLDERS:
        if pattern.count(placeholder) != 1:
            raise ValidationError(
                "number_pattern",
                "案件编号格式",
                f"必须且只能包含一次{placeholder}，例如 {DEFAULT_PATTERN}",
            )
    return pattern


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
