"""The ``import`` command: options, reading FILE or stdin, and what it prints.

The command line builds its parser from this module on every run, so the importer
(trafilatura, the loaders) is imported when ``import`` runs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import stat
import sys
from pathlib import Path

from ..cli_common import EXIT_OK, UsageError, printing
from ..load.limits import MAX_FILE_BYTES
from ..messages import exception_text, msg


def add_import(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], site: argparse.ArgumentParser
) -> None:
    command = commands.add_parser(
        "import",
        parents=[site],
        help="store a saved article (HTML page or plain text) as a source",
        description="Store a saved article as content/<id>.md, its words kept verbatim: an "
        "HTML page (main text, title, outlet, author, date and URL found in the page) or "
        "plain text (paragraphs separated by blank lines). Options override what the page "
        "says. Never overwrites; prints the new source's anchors.",
    )
    command.add_argument("file", metavar="FILE", help="the saved article; - reads stdin")
    command.add_argument("--title", metavar="TEXT", help="headline (required for plain text)")
    command.add_argument(
        "--outlet", metavar="NAME", help="where it appeared (this or --url is required)"
    )
    command.add_argument(
        "--url", metavar="URL", help="address of the article (default for HTML: its canonical URL)"
    )
    command.add_argument(
        "--author", metavar="NAME", action="append", help="who wrote it (repeat for several)"
    )
    command.add_argument(
        "--published", metavar="DATE", help="when it appeared: YYYY, YYYY-MM, YYYY-MM-DD"
    )
    command.add_argument("--language", metavar="CODE", help="language of the article, e.g. de")
    command.add_argument(
        "--kind", metavar="KIND", help="original, agency, aggregator, press-release or official"
    )
    command.add_argument(
        "--retrieved", metavar="YYYY-MM-DD", help="when it was saved (default: today)"
    )
    command.add_argument(
        "--id", metavar="ID", help="source id and file name (default: from the title)"
    )
    command.add_argument(
        "--as",
        dest="input_kind",
        choices=("html", "text"),
        help="read FILE as html or text (default: decided by its content)",
    )
    command.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from ..anchors import anchor_lines, find_source  # noqa: PLC0415 (see the module docstring)
    from .import_source import ImportOptions, SourceImportError, import_source  # noqa: PLC0415 (see the module docstring)

    if not args.site.is_dir():
        raise UsageError(msg("--site: {site} is not a folder", site=args.site))
    name = "stdin" if args.file == "-" else args.file
    data = read_stdin() if args.file == "-" else read_file(Path(args.file))
    given = {
        "title": args.title,
        "outlet": args.outlet,
        "url": args.url,
        "authors": tuple(args.author) if args.author else None,
        "published": args.published,
        "language": args.language,
        "kind": args.kind,
        "retrieved": args.retrieved,
    }
    options = ImportOptions(
        fields={key: value for key, value in given.items() if value is not None},
        source_id=args.id,
        input_kind=args.input_kind,
    )
    try:
        imported = import_source(args.site, data, name, options, datetime.date.today())
    except SourceImportError as exc:
        raise UsageError(exception_text(exc)) from exc
    language = args.report_language
    for note in imported.notes:
        print(language(msg("note: {note}", note=note)), file=sys.stderr)
    found = find_source(args.site, imported.source_id)
    with printing(EXIT_OK):
        if not isinstance(found, str):
            for line in anchor_lines(found[0]):
                print(line)
        created = msg(
            "created {path} (cite it as [@{id}#p1])", path=imported.path, id=imported.source_id
        )
        print(language(created))
    return EXIT_OK


def read_file(path: Path) -> bytes:
    """The bytes of ``path``, a regular file of at most 1 MiB (one more byte is read to
    tell a larger file; a pipe or device is refused, it could block or never end)."""
    try:
        # Asked before opening: opening a pipe waits for a writer.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise UsageError(msg("{path} is not a regular file", path=path))
        with path.open("rb") as stream:
            return _limited(stream.read(MAX_FILE_BYTES + 1), str(path))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(msg("cannot read {path}: {reason}", path=path, reason=reason)) from exc


def read_stdin() -> bytes:
    return _limited(sys.stdin.buffer.read(MAX_FILE_BYTES + 1), "stdin")


def _limited(data: bytes, name: str) -> bytes:
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(
            msg(
                "{name} is over 1 MiB; an article is read up to {limit:,} bytes",
                name=name,
                limit=MAX_FILE_BYTES,
            )
        )
    return data
