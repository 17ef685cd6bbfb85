"""Checking what a volunteer types: required text, resident ID numbers, credit codes, phones.

Every failure is a `ValidationError` whose message says, in plain Chinese, what is wrong and
how to put it right with an example, because the person reading it may be seventy years old
and has no one to ask. Check characters are named in the message: knowing the expected one
helps find a mistyped digit, and the algorithms are public anyway.

Input is normalised with NFKC first, so digits and letters typed in full-width mode by a
Chinese input method (“１１０１…”, “Ｘ”) are read as the ASCII they look like.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date

from app.domain.codes import Sex
from app.domain.errors import ValidationError, clipped

#: Builds the error for the field being checked, so helpers need not carry field and label.
_Fail = Callable[[str], ValidationError]

# --- Text ------------------------------------------------------------------------------------

#: Characters no text may hold: C0 and C1 controls (NUL, ESC of terminal escapes, DEL…), the
#: Unicode line and paragraph separators, the bidirectional overrides and isolates (which can
#: make a printed line read backwards), and lone surrogates (half a character: no character at
#: all, and not encodable as UTF-8). Line breaks and tabs are dealt with apart: a multi-line
#: field keeps them.
_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 but tab and line breaks, DEL, C1
    r"\u2028\u2029"  # line and paragraph separators
    r"\u202a-\u202e\u2066-\u2069]"  # bidirectional embeddings, overrides and isolates
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LINE_BREAK_OR_TAB = re.compile(r"[\t\n\r]")
#: Callers that do not say whether a field is multi-line (older ones, given only a limit): a
#: field that holds more than one line of a form does.
ONE_LINE_MAX = 200

CONTROL_PROBLEM = "不能含有控制字符（例如从别处复制来的看不见的符号），请删掉后重新输入"
BROKEN_PROBLEM = "有无法识别的字符（可能是复制时损坏的文字），请删掉后重新输入"
ONE_LINE_PROBLEM = "只能写一行，不能换行或含有制表符，请把内容写在同一行里"


def normalise_line_breaks(text: str) -> str:
    """Windows (\\r\\n) and old Mac (\\r) line breaks as the \\n every other part of the
    program splits on."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_characters(text: str, field: str, label: str, *, multiline: bool) -> str:
    """`text` if every character may be stored and printed; a `ValidationError` otherwise.

    Control characters are invisible on screen but break the Word file a form is printed to,
    and an ESC sequence or a line break shown in a terminal list forges what the list says.
    The message says where the character is, never what the text is: the person can find it
    and the log cannot leak the text. Emoji and characters beyond the BMP (𠮷) are ordinary
    characters here.
    """
    match = _SURROGATE.search(text)
    if match:
        raise ValidationError(field, label, f"{BROKEN_PROBLEM}（在第{match.start() + 1}个字处）")
    match = _FORBIDDEN.search(text)
    if match:
        raise ValidationError(field, label, f"{CONTROL_PROBLEM}（在第{match.start() + 1}个字处）")
    if not multiline:
        match = _LINE_BREAK_OR_TAB.search(text)
        if match:
            raise ValidationError(
                field, label, f"{ONE_LINE_PROBLEM}（在第{match.start() + 1}个字处）"
            )
    return text


def shown_value(value: object, limit: int = 20) -> str:
    """A value as a message may quote it: cut to a few characters and with anything unprintable
    (a control character, a line break, half a character) shown as “?”, so a message can
    neither print a pasted page nor carry a terminal escape."""
    text = value if isinstance(value, str) else str(value)
    text = clipped(text, limit)
    return _LINE_BREAK_OR_TAB.sub("?", _FORBIDDEN.sub("?", _SURROGATE.sub("?", text)))


def _one_line(multiline: bool | None, max_length: int) -> bool:
    return max_length <= ONE_LINE_MAX if multiline is None else not multiline


def require_text(
    value: str | None,
    field: str,
    label: str,
    *,
    max_length: int = ONE_LINE_MAX,
    example: str = "",
    multiline: bool | None = None,
) -> str:
    """Strip a required text field; blank, overlong or unprintable text is refused.

    The length limit keeps a pasted document from landing in a one-line field, where it would
    overflow every printed form. `example` shows what belongs in the field, because "cannot
    be empty" alone does not tell a first-time user what to write. `multiline`: whether line
    breaks and tabs belong in the field (`app.domain.fields` says so for each field); left
    out, a field longer than one line of a form (`ONE_LINE_MAX`) is taken to be multi-line.
    """
    text = normalise_line_breaks(value or "").strip()
    if not text:
        raise ValidationError(
            field, label, f"不能为空，请填写，例如 {example}" if example else "不能为空，请填写"
        )
    if len(text) > max_length:
        raise ValidationError(
            field,
            label,
            f"太长了：最多{max_length}个字，现在有{len(text)}个字，请删减一些",
        )
    return check_characters(text, field, label, multiline=not _one_line(multiline, max_length))


def text_within(
    value: str | None,
    field: str,
    label: str,
    *,
    max_length: int = ONE_LINE_MAX,
    multiline: bool | None = None,
) -> str:
    """An optional text field stripped, within `max_length` and printable ("" when blank)."""
    text = normalise_line_breaks(value or "").strip()
    if len(text) > max_length:
        raise ValidationError(
            field, label, f"最多{max_length}个字，现在有{len(text)}个字，请删减一些"
        )
    return check_characters(text, field, label, multiline=not _one_line(multiline, max_length))


def _squeeze(value: str | None) -> str:
    """NFKC-normalise and drop every kind of whitespace, which people type inside long numbers."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- Resident ID card (GB 11643) --------------------------------------------------------------

RESIDENT_ID_EXAMPLE = "11010519491231002X"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_EARLIEST_BIRTH_YEAR = 1900


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def resident_id_birth_date(value: str) -> date:
    """The birth date encoded in digits 7–14 of an already checked ID number."""
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def resident_id_sex(value: str) -> Sex:
    """The sex encoded in the 17th digit (odd for men, even for women) of a checked ID number."""
    return Sex.MALE if int(value[16]) % 2 else Sex.FEMALE


def check_resident_id(
    value: str,
    field: str = "id_number",
    label: str = "身份证号",
    *,
    sex: Sex | None = None,
    birth_date: date | None = None,
    today: date | None = None,
) -> str:
    """Check an 18-character resident ID number and return it normalised (capital X).

    When the form also has the person's sex or birth date, they must agree with the number:
    a disagreement almost always means one of them was typed wrong, and an agreement printed
    with a wrong ID number is hard to enforce.
    """
    number = _squeeze(value).upper()

    def fail(problem: str) -> ValidationError:
        return ValidationError(field, label, problem)

    _check_id_shape(number, fail)
    if number[0] not in "12345678":
        raise fail(
            f"前6位是地区代码，第1位应为1到8，这里是“{number[0]}”，"
            f"请核对，例如 {RESIDENT_ID_EXAMPLE}"
        )
    encoded_birth = _check_id_birth_date(number, today or date.today(), fail)
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise fail(f"最后一位校验码不对，应为{expected}，请核对是否有数字输错")
    encoded_sex = resident_id_sex(number)
    if sex is not None and Sex(sex) != encoded_sex:
        raise fail(
            f"第17位表示性别，这个号码是{encoded_sex.label}性，但性别填的是{Sex(sex).label}，请核对"
        )
    if birth_date is not None and birth_date != encoded_birth:
        raise fail(
            f"第7到14位是出生日期，这个号码是{_chinese_date(encoded_birth)}出生，"
            f"但出生日期填的是{_chinese_date(birth_date)}，请核对"
        )
    return number


def _check_id_shape(number: str, fail: _Fail) -> None:
    """Length and character set, with the position of the first wrong character."""
    shape = f"前17位是数字，最后一位是数字或X，例如 {RESIDENT_ID_EXAMPLE}"
    if not number:
        raise fail(f"不能为空，请填写18位身份证号，{shape}")
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise fail(f"这是旧的15位号码，请填写身份证上现在的18位号码，{shape}")
    if len(number) != 18:
        raise fail(f"应为18位，现在是{len(number)}位，请核对是否多打或少打了，{shape}")
    if not _ID_SHAPE.fullmatch(number):
        position, char = _first_bad_id_char(number)
        raise fail(f"第{position}位“{shown_value(char)}”不对：{shape}")


def _first_bad_id_char(number: str) -> tuple[int, str]:
    for index, char in enumerate(number):
        allowed = "0123456789X" if index == 17 else "0123456789"
        if char not in allowed:
            return index + 1, char
    raise AssertionError("called on a well-formed number")


def _check_id_birth_date(number: str, today: date, fail: _Fail) -> date:
    """Digits 7–14 must be a real date, not before 1900 and not after today."""
    digits = number[6:14]
    where = "出生日期部分（第7到14位）"
    try:
        born = resident_id_birth_date(number)
    except ValueError:
        raise fail(f"{where}{digits}不是有效日期，应为年月日共8位，例如 19491231，请核对") from None
    if born.year < _EARLIEST_BIRTH_YEAR:
        raise fail(f"{where}{digits}早于{_EARLIEST_BIRTH_YEAR}年，请核对年份")
    if born > today:
        raise fail(f"{where}{digits}是{_chinese_date(born)}，还没有到，请核对")
    return born


# --- Unified social credit code (GB 32100) ----------------------------------------------------

CREDIT_CODE_EXAMPLE = "91350100M000100Y43"
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES = {char: index for index, char in enumerate(_CREDIT_CHARS)}
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: Letters the code never uses, with the digit they are usually mistaken for.
_CREDIT_LOOKALIKES = {"I": "1", "O": "0", "S": "5", "Z": "2"}


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 MOD 31 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(char not in _CREDIT_VALUES for char in first17):
        raise ValueError("need exactly 17 characters of the credit-code alphabet")
    total = sum(_CREDIT_VALUES[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def check_credit_code(
    value: str, field: str = "credit_code", label: str = "统一社会信用代码"
) -> str:
    """Check an organisation's 18-character credit code; returns it upper-cased."""
    code = _squeeze(value).upper()
    shape = f"由数字和大写字母组成，例如 {CREDIT_CODE_EXAMPLE}"
    if not code:
        raise ValidationError(field, label, f"不能为空，请填写18位代码，{shape}")
    if len(code) != 18:
        raise ValidationError(
            field, label, f"应为18位，现在是{len(code)}位，请核对是否多打或少打了，{shape}"
        )
    for index, char in enumerate(code):
        if char not in _CREDIT_VALUES:
            raise ValidationError(field, label, _bad_credit_char(index + 1, char, shape))
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            field, label, f"最后一位校验码不对，应为{expected}，请核对是否有字符输错"
        )
    return code


def _bad_credit_char(position: int, char: str, shape: str) -> str:
    """Say why a character is not allowed, naming the digit a look-alike letter probably was."""
    if char in _CREDIT_LOOKALIKES:
        digit = _CREDIT_LOOKALIKES[char]
        return f"第{position}位“{char}”不对：代码里不用字母{char}，多半应为数字{digit}，请核对"
    if char == "V":
        return f"第{position}位“V”不对：代码里不用字母V，请对照证照核对这一位"
    return f"第{position}位“{shown_value(char)}”不对，只能是数字或大写字母，{shape}"


# --- Telephone numbers ------------------------------------------------------------------------

MOBILE_EXAMPLE = "13812345678"
LANDLINE_EXAMPLE = "0373-1234567"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_COUNTRY_PREFIXES = ("+86", "0086")
#: Separators people type inside a number: spaces (already squeezed out), dashes, brackets.
_SEPARATORS = re.compile(r"[-‐‑‒–—―()\[\]]+")
_EXTENSION_WORD = re.compile(r"(?:转|分机|ext\.?|x)([0-9]{1,6})$", re.IGNORECASE)


def check_mobile(value: str, field: str = "phone", label: str = "手机号") -> str:
    """Check a mainland mobile number; returns the bare 11 digits.

    Spaces, dashes and a +86 / 86 country prefix are accepted as typed, because people copy
    numbers from business cards and phone screens that way.
    """
    digits = _SEPARATORS.sub("", _squeeze(value))
    example = f"例如 {MOBILE_EXAMPLE}"
    if not digits:
        raise ValidationError(field, label, f"不能为空，请填写11位手机号，{example}")
    digits = _drop_country_prefix(digits)
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(field, label, f"只能填数字，{example}")
    if len(digits) != 11:
        raise ValidationError(
            field,
            label,
            f"应为11位数字，现在是{len(digits)}位，请核对是否多打或少打了，{example}",
        )
    if not _MOBILE.fullmatch(digits):
        raise ValidationError(field, label, f"应以13到19开头，请核对，{example}")
    return digits


def _drop_country_prefix(digits: str) -> str:
    for prefix in _COUNTRY_PREFIXES:
        if digits.startswith(prefix):
            return digits[len(prefix) :]
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    return digits


def check_phone(value: str, field: str = "phone", label: str = "联系电话") -> str:
    """Check a mobile or a landline number; returns 11 digits or e.g. "0373-1234567转123".

    A landline needs its area code: the program is used across counties, and a local number
    on an agreement without one cannot be dialled from the next town.
    """
    text = _squeeze(value)
    hint = f"请填写11位手机号（例如 {MOBILE_EXAMPLE}）或带区号的座机号（例如 {LANDLINE_EXAMPLE}）"
    if not text:
        raise ValidationError(field, label, f"不能为空，{hint}")
    try:
        return check_mobile(text, field, label)
    except ValidationError:
        pass
    number, extension = _split_extension(text)
    landline = _landline(number)
    if landline is None:
        raise ValidationError(field, label, _phone_problem(number, hint))
    return f"{landline}转{extension}" if extension else landline


def _split_extension(text: str) -> tuple[str, str]:
    """Separate an extension written "转123" or as a last "-123" group after a full number."""
    match = _EXTENSION_WORD.search(text)
    if match:
        return text[: match.start()], match.group(1)
    head, dash, tail = text.rpartition("-")
    if dash and re.fullmatch(r"[0-9]{1,6}", tail) and _landline(head) is not None:
        return head, tail
    return text, ""


def _landline(text: str) -> str | None:
    """A landline written with any separators as "area-local", or None if it is not one.

    Area codes whose second digit is 1 or 2 (010, 020–029) have three digits, all others
    four; this is what lets "03731234567" be split without a table of codes.
    """
    digits = _SEPARATORS.sub("", text)
    if not re.fullmatch(r"0[1-9][0-9]{8,10}", digits):
        return None
    area_length = 3 if digits[1] in "12" else 4
    area, local = digits[:area_length], digits[area_length:]
    if not re.fullmatch(r"[1-9][0-9]{6,7}", local):
        return None
    return f"{area}-{local}"


def _phone_problem(number: str, hint: str) -> str:
    """The most useful thing to say about a number that is neither a mobile nor a landline."""
    digits = _drop_country_prefix(_SEPARATORS.sub("", number))
    if not (digits.isascii() and digits.isdigit()):
        return f"只能填数字，分机号可写成“转123”，{hint}"
    # 13…19 is how every mobile number starts: "1381234" is a mobile number cut short, not a
    # landline without its area code (the sample local number 1234567 starts with 12).
    mobile_like = re.match(r"1[3-9]", digits) is not None
    if not mobile_like and re.fullmatch(r"[1-9][0-9]{6,7}", digits):
        return f"座机号前面要加区号，例如 {LANDLINE_EXAMPLE}"
    if digits.startswith("1"):
        try:
            check_mobile(digits)
        except ValidationError as error:
            return f"手机号{error.problem}"
    return f"号码位数不对，请核对，{hint}"
