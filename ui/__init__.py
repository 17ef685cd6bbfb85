"""The window of the program (PySide6); the logic it calls lives in `app`."""

from ui.pyside_fix import protect_singletons

protect_singletons()
