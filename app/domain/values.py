"""Small value types shared by drafts, views and documents."""

from __future__ import annotations

import re
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


_BUILDING_UNIT = re.compile(
    r"(?P<building>\d+)\s*(?:号楼|号院|栋|幢|号)\s*(?:(?P<unit>\d+)\s*单元)?\s*(?:(?P<room>\d+)\s*[室号]?)?"
)
#: Where a compound's name ends in an address: …铁西小区, …飞机场家属院, …新华苑.
_COMPOUND_END = (
    "小区",
    "家属院",
    "大院",
    "院",
    "苑",
    "花园",
    "公寓",
    "大厦",
    "新村",
    "村",
    "园",
    "里",
)
#: The province, city, district or town before a compound's name; the 区 of 小区 or 社区 is not
#: a district.
_AREA_PREFIX = re.compile(r"^.*(?:省|自治区|市|(?<![小社园])区|县|镇|乡|街道)")


def place_from_address(address: str) -> Place:
    """The compound, building, unit and room read out of a written address, as far as it says.

    "河南省新乡市卫滨区铁西小区5号楼4单元102室" → 铁西小区 / 5号楼 / 4单元 / 102室. What the
    address does not say stays empty.
    """
    text = "".join(address.split())
    match = _BUILDING_UNIT.search(text)
    if match is None:
        return Place()
    before = text[: match.start()]
    compound = _AREA_PREFIX.sub("", before) if before.endswith(_COMPOUND_END) else ""
    unit = match.group("unit")
    room = match.group("room")
    return Place(
        compound,
        f"{match.group('building')}号楼",
        f"{unit}单元" if unit else "",
        f"{room}室" if room else "",
    )


def _number(text: str) -> str:
    digits = re.search(r"\d+", text)
    return digits.group(0).lstrip("0") if digits else text.strip()


def same_building_and_unit(a: Place, b: Place) -> bool:
    """Next-door neighbours: the same building and unit, in the same compound as far as known.

    A compound left out on either side counts as the same: for stepping aside from a case a
    neighbour wrongly suspected costs less than a neighbour missed.
    """
    if not (a.building and a.unit and b.building and b.unit):
        return False
    if (_number(a.building), _number(a.unit)) != (_number(b.building), _number(b.unit)):
        return False
    ca, cb = a.compound.strip(), b.compound.strip()
    return not ca or not cb or ca == cb or ca in cb or cb in ca


def mask_id_number(number: str) -> str:
    """The first 6 and last 4 characters, as every list shows an ID number (PIPL: never whole)."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else number


def mask_phone(number: str) -> str:
    """A phone as lists show it: 138****5678, 0373-***5811 (the area code and last 4 digits
    stay, enough to tell two numbers apart, not to call one); an extension stays as it is."""
    main, mark, extension = number.partition("转")
    if "-" in main:
        area, _, local = main.partition("-")
        masked = f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    elif len(main) > 7:
        masked = f"{main[:3]}{'*' * (len(main) - 7)}{main[-4:]}"
    else:
        masked = f"{'*' * max(len(main) - 4, 0)}{main[-4:]}"
    return f"{masked}{mark}{extension}"
