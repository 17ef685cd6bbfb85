"""Errors meant for the person at the keyboard.

A `UserError` carries a Chinese message that says what is wrong and how to fix it; anything
else that escapes a service is a bug and is logged as such.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `message` is Chinese and shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """One field's value is wrong.

    `field` is the machine path of the field (``"parties[0].id_number"``) so a form can put the
    message beside the right widget; `label` is the Chinese name of the field; `message` says
    what is wrong and how to fix it and already names the field.
    """

    def __init__(self, field: str, label: str, problem: str) -> None:
        self.field = field
        self.label = label
        self.problem = problem
        super().__init__(f"{label}：{problem}")

    def within(self, prefix_field: str, prefix_label: str) -> ValidationError:
        """The same error seen from an enclosing record (e.g. a party inside a case)."""
        return ValidationError(
            f"{prefix_field}.{self.field}", f"{prefix_label}{self.label}", self.problem
        )


class ValidationErrors(UserError):
    """Several fields are wrong at once; a form shows each beside its field."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.message for e in errors))


class NotFoundError(UserError):
    """The case, mediator or file asked for does not exist."""


class DatabaseNewerError(UserError):
    """The database file was written by a newer version of the program."""


class ImportFileError(UserError):
    """An exchange file cannot be imported; nothing was written."""


def clipped(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, marked with …: a message never echoes a whole value
    (a file name of 300 characters, a pasted page of text)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_path(path: object, limit: int = 40) -> str:
    """A path as a message shows it: the folder's end and the name, each cut if very long."""
    text = str(path)
    folder, sep, name = text.rpartition("/" if "/" in text else "\\")
    if len(folder) > 2 * limit:
        folder = "…" + folder[-(2 * limit - 1) :]
    return f"{folder}{sep}{clipped(name, limit)}"
