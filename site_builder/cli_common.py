"""What every command of the command line shares: exit statuses, the usage error, how
diagnostics are printed to a stream (coloured on a terminal only), and what a closed
pipe (``check | head -1``) does to the exit status."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from .cache import open_cache
from .diagnostics import Diagnostic
from .language import ENGLISH, LANGUAGES, Language, choose_language, load_language
from .load.config import site_language
from .report_lines import text_report

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2). Its text may be a
    ``Message``: ``cli.main`` prints it in the command's language."""


class ClosedPipeError(Exception):
    """The reader of the command's output went away (``check | head -1``) after the
    command had found what it reports; ``status`` is the exit status that finding deserves."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@contextlib.contextmanager
def printing(status: int) -> Iterator[None]:
    """Print, inside the block, the findings of a command whose exit status is ``status``:
    a reader that leaves early must not turn content errors into success (exit 0), as an
    uncaught broken pipe would, nor show a traceback."""
    try:
        yield
        # A pipe is block-buffered: without this flush a closed one would show only at
        # interpreter exit, as "Exception ignored ... BrokenPipeError" and exit status 120.
        sys.stdout.flush()
    except BrokenPipeError as exc:
        raise ClosedPipeError(status) from exc


def stop_printing() -> None:
    """Send what is still buffered for stdout and stderr to /dev/null: their reader is gone,
    and flushing into the closed pipe at exit would print a complaint of its own."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)


def print_problems(
    problems: Sequence[Diagnostic],
    stream: TextIO,
    site: Path | None,
    language: Language = ENGLISH,
) -> None:
    """``problems`` as text in ``language``, each with the line of ``site``'s file it
    points at."""
    for shown in text_report(problems, site, use_colour(stream), language):
        print(shown, file=stream)


LANGUAGE_VARIABLE = "SITE_BUILDER_LANG"  # --lang for every command, e.g. in a shell profile


def add_language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of diagnostics: de or en (default: $SITE_BUILDER_LANG, else a German "
        "locale, else the site's language)",
    )


def output_language(
    option: str | None, site: Path, environ: Mapping[str, str], remember: bool = False
) -> Language:
    """The language a command prints diagnostics in: ``--lang`` (``option``), else
    ``SITE_BUILDER_LANG``, else the locale or the site's ``language`` (``choose_language``).
    ``remember``: the site's language may be kept in the site's build cache
    (``config.site_language``); for the commands that use the cache anyway, and only
    when it is there already, so that a mistyped ``--site`` gets no cache folder."""

    def site_language_of_site() -> str:
        return site_language(site, open_cache(site) if remember else None)

    return language_for(option, environ, site_language_of_site)


def language_for(
    option: str | None, environ: Mapping[str, str], site_language: Callable[[], str | None]
) -> Language:
    """``output_language`` for a site whose ``language`` ``site_language`` tells (``init``:
    the site it is about to create)."""
    chosen = option or environ.get(LANGUAGE_VARIABLE) or None
    if chosen is not None and chosen not in LANGUAGES:
        raise UsageError(
            f"{LANGUAGE_VARIABLE} must be one of {', '.join(LANGUAGES)}, not '{chosen}'"
        )
    return load_language(choose_language(chosen, environ, site_language))


def use_colour(stream: TextIO) -> bool:
    """Colour on a terminal only; ``NO_COLOR`` (any value) turns it off, ``FORCE_COLOR`` on."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()
