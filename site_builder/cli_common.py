"""What every command of the command line shares: exit statuses, the usage error, and
how diagnostics are printed to a stream (coloured on a terminal only)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from .diagnostics import Diagnostic
from .report import format_text

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


def print_problems(problems: Sequence[Diagnostic], stream: TextIO) -> None:
    colour = use_colour(stream)
    for problem in problems:
        print(format_text(problem, colour), file=stream)


def use_colour(stream: TextIO) -> bool:
    """Colour on a terminal only; ``NO_COLOR`` (any value) turns it off, ``FORCE_COLOR`` on."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()
