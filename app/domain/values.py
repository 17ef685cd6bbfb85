"""Small value types shared by drafts, views and documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Place:
    """A structured address down to the room: 小区 / 楼 / 单元 / 室."""

    compound: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""

    def text(self) -> str:
        room = self.room
        if room and not room.endswith(("室", "号")):
            room += "室"
        return f"{self.compound}{self.building}{self.unit}{room}"

    def is_empty(self) -> bool:
        return not (self.compound or self.building or self.unit or self.room)


def age_on(birth_date: date, on: date) -> int:
    """Full years of age on a given day."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)
