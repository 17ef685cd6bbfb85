"""Command-line commands of the roster; registered by `app.cli.build_parser`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_commands(commands: Any) -> dict[str, Callable[[argparse.Namespace], str]]:
    """Add this module's sub-commands to `commands`; returns their handlers by name."""
    return {}
