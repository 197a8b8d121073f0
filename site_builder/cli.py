"""The ``site-builder`` command line. Parses options, calls one pipeline function, prints.

Exit status: 0 success, 1 content errors, 2 usage or configuration error.

Every command starts a new process, so what this module imports is paid by every run:
the parser is built from cheap modules, and each command imports the stages it runs
when it runs (``serve`` its server, ``check`` its checker, ``anchors`` the loaders).
A build that finds nothing changed thus never imports the loaders or the renderer.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import os
import re
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .cli_common import (
    EXIT_CONTENT,
    EXIT_OK,
    EXIT_USAGE,
    ClosedPipeError,
    UsageError,
    add_language_option,
    output_language,
    print_problems,
    printing,
    stop_printing,
    use_colour,
)
from .create.import_cli import add_import
from .create.init_cli import add_init, init_language
from .diagnostics import Diagnostic
from .language import ENGLISH, Language
from .load.base_url import base_url_problem
from .load.config import ConfigError, load_config
from .lock.lock import LockWriteError
from .lock.lock_cli import add_lock, add_reanchor
from .messages import Message, exception_text, msg, msg_n
from .names import shown
from .output.write import OutputBusyError, OutputFolderError, OutputWriteError, left_as_it_was
from .pipeline import (
    BuildOptions,
    BuildResult,
    CheckOptions,
    CheckResult,
    build_site,
)
from .progress import Progress, progress_for
from .report import FORMATS, format_github, format_json, printable, summary
from .report_lines import text_report
from .search.search_error import SearchIndexError

# The cycle collector's young generation, in new objects (Python's default: 700). A build
# makes millions of short-lived, cycle-free objects; collecting every 700 of them cost a
# quarter of the site index's time at 20,000 pages. Memory stays bounded: collections still
# run, less often.
_GC_YOUNG_THRESHOLD = 50_000


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    gc.set_threshold(_GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    try:
        args.report_language = _language(args)
        status: int = args.run(args)
        with printing(status):
            pass  # flushes stdout while a closed pipe still keeps ``status``
        return status
    except ConfigError as exc:
        print_problems(exc.problems, sys.stderr, getattr(args, "site", None), args.report_language)
        return EXIT_USAGE
    except (UsageError, LockWriteError) as exc:
        # (A wrong SITE_BUILDER_LANG fails before a language is chosen: said in English.)
        language = getattr(args, "report_language", ENGLISH)
        error = msg("site-builder: error: {message}", message=exception_text(exc))
        print(language(error), file=sys.stderr)
        return EXIT_USAGE
    except ClosedPipeError as exc:
        # The reader went away (`check | head -1`): stop quietly, as Unix tools do, with
        # the status the content deserves (a CI step piping into head still fails).
        stop_printing()
        return exc.status
    except BrokenPipeError:
        # Printed outside `printing`: only commands that cannot fail do (new, schema,
        # serve's messages), so success is what they deserve.
        stop_printing()
        return EXIT_OK


def _language(args: argparse.Namespace) -> Language:
    """The language of diagnostics and status lines: ``init`` speaks the language of the
    site it creates; other commands without a site (``schema``) print no words to translate."""
    if args.command == "init":
        return init_language(args, os.environ)
    if not hasattr(args, "site"):
        return ENGLISH
    # ``build``, ``check`` and ``serve`` use the build cache unless ``--no-cache``.
    remember = not getattr(args, "no_cache", True)
    return output_language(args.lang, args.site, os.environ, remember)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Static site generator for sourced news briefs: every statement cites a "
        "paragraph of a stored source, and the builder proves it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site folder (default: the current folder)",
    )
    add_language_option(site)
    shared = _shared_options()
    _add_check(commands, [site, shared["report"], shared["check"]])
    _add_build(commands, [site, shared["report"], shared["check"], shared["render"]])
    _add_serve(commands, [site, shared["check"], shared["render"]])
    add_lock(commands, site)
    add_reanchor(commands, site)
    _add_anchors(commands, site)
    _add_new(commands, site)
    add_import(commands, site)
    _add_schema(commands)
    add_init(commands)
    return parser


def _shared_options() -> dict[str, argparse.ArgumentParser]:
    """Options several commands share, so they read and mean the same everywhere:
    ``report`` (how problems are printed), ``check`` (how strictly), ``render`` (what is
    built)."""
    report = argparse.ArgumentParser(add_help=False)
    report.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="how to print problems: text (default), json, github (Actions annotations)",
    )
    check = argparse.ArgumentParser(add_help=False)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--frozen",
        action="store_true",
        help="never write citations.lock; a stale or missing entry is an error",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="neither use nor update the build cache (.site-builder-cache/build/)",
    )
    render = argparse.ArgumentParser(add_help=False)
    render.add_argument("--drafts", action="store_true", help="include drafts")
    render.add_argument(
        "--base-url", metavar="URL", type=_base_url, help="override base_url of site.yaml"
    )
    render.add_argument(
        "--no-search", action="store_true", help="skip the search index (quicker builds)"
    )
    return {"report": report, "check": check, "render": render}


def _add_check(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    check = commands.add_parser(
        "check",
        parents=parents,
        help="validate the site, no output",
        description="Check every source and brief; report all problems.",
    )
    check.set_defaults(run=run_check)


def _add_build(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    build = commands.add_parser(
        "build",
        parents=parents,
        help="check, render and write the site",
        description="Check the site; when it has no errors, render it into the output "
        "folder. The previous output stays in place until the new one is complete.",
    )
    build.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: public/ in the site)"
    )
    build.add_argument(
        "--allow-stale",
        action="store_true",
        help="publish even though a cited paragraph changed since it was checked (each "
        "stale citation is printed); for emergencies",
    )
    build.add_argument(
        "--check-links",
        action="store_true",
        help="check every internal link and fragment before writing (holds every page in "
        "memory at once: on a very large site, run it in CI rather than on every build)",
    )
    build.set_defaults(run=run_build)


def _add_serve(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    serve_command = commands.add_parser(
        "serve",
        parents=parents,
        help="build, serve on localhost, rebuild on change",
        description="Build the site into .site-builder-cache/serve/ (not public/), serve it "
        "on http://127.0.0.1:PORT/ under its base_url path, rebuild when content/, briefs/, "
        "pages/, templates/, site.yaml or citations.lock change, or when a scheduled brief's "
        "publish_at passes, and reload open pages. A content error shows in the terminal and "
        "over the page; the last good build stays served.",
    )
    serve_command.add_argument(
        "--port", type=_port, default=8000, metavar="N", help="port (default 8000; 0: any free)"
    )
    serve_command.add_argument(
        "--poll",
        action="store_true",
        help="notice changes by polling the files every 0.3 s, for network mounts and "
        "container bind mounts, where file system events do not arrive",
    )
    serve_command.set_defaults(run=run_serve)


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0–65535): '{value}'")
    return int(value)


def _add_anchors(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], site: argparse.ArgumentParser
) -> None:
    anchors = commands.add_parser(
        "anchors",
        parents=[site],
        help="list a source's anchors with each paragraph's start",
        description="List the anchors of SOURCE, to write citations such as [@SOURCE#p3].",
    )
    anchors.add_argument("source", metavar="SOURCE", help="source id, e.g. kreml-gebiete")
    anchors.add_argument("--grep", metavar="WORD", help="only paragraphs containing WORD")
    anchors.set_defaults(run=run_anchors)


def _add_new(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], site: argparse.ArgumentParser
) -> None:
    new = commands.add_parser(
        "new",
        parents=[site],
        help="create a brief with front matter",
        description="Create briefs/<slug>.md as a draft.",
    )
    new.add_argument("title", metavar="TITLE", help='the headline, e.g. "Kreml schließt aus"')
    new.add_argument("--date", metavar="YYYY-MM-DD", help="publication date (default: today)")
    new.set_defaults(run=run_new)


def _add_schema(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of front matter",
        description="Print the JSON Schema of brief, source or page "
        "front matter, for editors' YAML tooling.",
    )
    schema.add_argument("kind", choices=("brief", "source", "page"))
    schema.set_defaults(run=run_schema)


def run_check(args: argparse.Namespace) -> int:
    from .check.quick_check import check_quickly  # noqa: PLC0415 (see the module docstring)

    options = CheckOptions(
        strict=args.strict,
        frozen=args.frozen,
        use_cache=not args.no_cache,
        clock=build_clock(os.environ),
    )
    result = check_quickly(args.site, options, _progress())
    status = EXIT_CONTENT if result.errors else EXIT_OK
    with printing(status):
        _report(result, args.format, args.site, args.report_language)
        if result.lock_changes:
            recorded = msg_n(
                "citations.lock: recorded {n} citation change; commit it with the briefs",
                "citations.lock: recorded {n} citation changes; commit it with the briefs",
                result.lock_changes,
            )
            _tell(recorded, args.format, args.report_language)
    return status


def run_build(args: argparse.Namespace) -> int:
    options = _build_options(
        args, out=args.out, check_links=args.check_links, allow_stale=args.allow_stale
    )
    try:
        result = build_site(args.site, options, _progress())
    except OutputBusyError as exc:
        busy = msg("{reason}; nothing was written or deleted", reason=exception_text(exc))
        raise UsageError(busy) from exc
    except OutputFolderError as exc:
        refused = msg("--out: {reason}; nothing was written or deleted", reason=exception_text(exc))
        raise UsageError(refused) from exc
    except SearchIndexError as exc:
        out = args.out or args.site / "public"
        failed = msg(
            "search index: {reason}; {left} ('build --no-search' builds without it)",
            reason=exception_text(exc),
            left=left_as_it_was(out),
        )
        raise UsageError(failed) from exc
    except OutputWriteError as exc:
        out = args.out or args.site / "public"
        raise UsageError(
            msg("could not write {out}: {reason}", out=out, reason=exception_text(exc))
        ) from exc
    status = EXIT_OK if result.written else EXIT_CONTENT
    with printing(status):
        _report_build(result, args)
    return status


def _report_build(result: BuildResult, args: argparse.Namespace) -> None:
    _report(result.check, args.format, args.site, args.report_language)
    language = args.report_language
    for broken in result.broken_links:
        _tell(msg("broken link: {link}", link=broken), args.format, language)
    if not result.written:
        _tell(_not_built(result.out), args.format, language)
        return
    if args.allow_stale and result.check.diagnostics:
        _tell_published_stale(result.check.diagnostics, args.format, language)
    built = msg_n(
        "built {n} file into {out}", "built {n} files into {out}", result.files, out=result.out
    )
    _tell(built, args.format, language)


def _tell_published_stale(
    diagnostics: Sequence[Diagnostic], output_format: str, language: Language
) -> None:
    """The line after a build published despite stale citations (``--allow-stale``)."""
    from .lock.stale import STALE_CODES  # noqa: PLC0415 (see the module docstring)

    stale = sum(1 for d in diagnostics if d.code in STALE_CODES)
    if stale:
        published = msg_n(
            "published with {n} stale citation (--allow-stale): review it with "
            "'site-builder review' and build again",
            "published with {n} stale citations (--allow-stale): review them with "
            "'site-builder review' and build again",
            stale,
        )
        _tell(published, output_format, language)


def _tell(message: str, output_format: str, language: Language) -> None:
    """A line saying what a command did ("built …", "not built: …", "citations.lock: …"),
    in ``language``: on stdout, after the report it closes, in the order it was printed; on
    stderr beside ``--format json``, whose document must stand alone on stdout for the
    tools that read it."""
    print(language(message), file=sys.stderr if output_format == "json" else sys.stdout)


def _not_built(out: Path) -> Message:
    """The closing line of a build that wrote nothing: a first build (no ``out`` yet) has
    no previous output to leave as it was."""
    if out.exists() or out.is_symlink():
        return msg("not built: {out} was left as it was", out=out)
    return msg("not built: nothing was written to {out}", out=out)


def _build_options(args: argparse.Namespace, **only_build: Any) -> BuildOptions:
    """The options ``build`` and ``serve`` share (see ``_shared_options``), plus ``only_build``."""
    return BuildOptions(
        drafts=args.drafts,
        base_url=args.base_url,
        strict=args.strict,
        frozen=args.frozen,
        search=not args.no_search,
        clock=build_clock(os.environ),
        use_cache=not args.no_cache,
        **only_build,
    )


def run_serve(args: argparse.Namespace) -> int:
    from .serve.serve import Console, PortError, ServeOptions, serve  # noqa: PLC0415 (see the module docstring)
    from .serve.watch import WatchOptions  # noqa: PLC0415 (see the module docstring)

    # A preview shows the site despite stale citations (warnings), unless --frozen.
    # A preview is served under a path and publishes nothing: no relative-base-url warning.
    build = _build_options(args, allow_stale=not args.frozen, warn_relative_base_url=False)
    console = Console(
        say=_say, colour=use_colour(sys.stdout), progress=_progress, language=args.report_language
    )
    # A fixed clock (SOURCE_DATE_EPOCH) stays fixed: the preview shows what build makes.
    clock = None if "SOURCE_DATE_EPOCH" in os.environ else wall_clock
    options = ServeOptions(build, args.port, WatchOptions(poll=args.poll), clock)
    _stop_like_ctrl_c()
    try:
        serve(args.site, options, console)
    except OutputFolderError as exc:
        raise UsageError(
            msg("cannot build for serve: {reason}", reason=exception_text(exc))
        ) from exc
    except PortError as exc:
        raise UsageError(msg("--port: {reason}", reason=exception_text(exc))) from exc
    except KeyboardInterrupt:
        _say(args.report_language(msg("stopped")))
    return EXIT_OK


def _stop_like_ctrl_c() -> None:
    """SIGTERM (``kill``, a process manager, an IDE's stop button) and SIGHUP (the terminal
    closed) stop ``serve`` as Ctrl-C does: the build in progress finishes and the last
    build's record is stored, so the next session starts from it. Python's default for
    both ends the process at once."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):  # (Windows has neither SIGHUP nor this SIGTERM)
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(ValueError):  # (not the main thread: defaults stay)
                signal.signal(number, stop)


def _say(message: str) -> None:
    # Flushed at once: serve runs for hours, and its messages must show as they happen.
    print(message, flush=True)


def _progress() -> Progress:
    """Progress of long stages on a terminal (stderr), nothing in CI or a pipe."""
    return progress_for(sys.stderr, os.environ)


def _base_url(value: str) -> str:
    """``--base-url``: a plain http(s) URL or path (argparse reports a bad one, exit 2)."""
    problem = base_url_problem(value, path_allowed=True)
    if problem is not None:
        raise argparse.ArgumentTypeError(
            f"must be an http(s) URL or a path such as /news/, not '{printable(shown(value))}': "
            f"{problem}"
        )
    return value if value.endswith("/") else value + "/"


def wall_clock() -> datetime.datetime:
    """Now, to the second (what a build's clock is when ``SOURCE_DATE_EPOCH`` is not set)."""
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def build_clock(environ: Mapping[str, str]) -> datetime.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` (reproducible builds) when it is set."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return wall_clock()
    problem = UsageError(
        msg("SOURCE_DATE_EPOCH must be whole seconds since 1970, not '{value}'", value=value)
    )
    if not re.fullmatch(r"[0-9]+", value, flags=re.ASCII):
        raise problem  # str.isdigit() would take '²', which int() refuses
    try:
        return datetime.datetime.fromtimestamp(int(value), datetime.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise problem from exc


def run_anchors(args: argparse.Namespace) -> int:
    from .anchors import anchor_lines, find_source  # noqa: PLC0415 (see the module docstring)

    found = find_source(args.site, args.source)
    if isinstance(found, str):
        raise UsageError(found)
    source, errors = found
    status = EXIT_CONTENT if errors else EXIT_OK
    with printing(status):
        for line in anchor_lines(source, args.grep):
            print(line)
        if errors:  # the list may lack text (nesting too deep, Markdown too costly): say why
            print_problems(errors, sys.stderr, args.site, args.report_language)
            incomplete = msg(
                "{path} has errors: its paragraphs may be incomplete", path=source.path
            )
            print(args.report_language(incomplete), file=sys.stderr)
    return status


def run_new(args: argparse.Namespace) -> int:
    from .create.new_brief import create_brief  # noqa: PLC0415 (see the module docstring)

    # A mistyped --site must not become a new folder with one brief in it: the folder must
    # be a site by the rule every other command applies (ConfigError: exit 2, nothing made).
    load_config(args.site)
    created = create_brief(args.site, args.title, args.date)
    if isinstance(created, str):
        raise UsageError(created)
    language = args.report_language
    print(
        language(
            msg(
                "created {path} (a draft: set 'draft: false' to publish)",
                path=created.as_posix(),
            )
        )
    )
    print(
        language(
            msg(
                "write the body; cite sources as [@source#p1] ('site-builder anchors "
                "SOURCE' lists paragraphs)"
            )
        )
    )
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    from .load.schema import front_matter_schema  # noqa: PLC0415 (see the module docstring)

    print(json.dumps(front_matter_schema(args.kind), ensure_ascii=False, indent=2))
    return EXIT_OK


def _report(result: CheckResult, output_format: str, site: Path, language: Language) -> None:
    briefs, sources = result.briefs, result.sources
    if output_format == "json":
        print(format_json(result.diagnostics, {"briefs": briefs, "sources": sources}, language))
        return
    if output_format == "github":
        for diagnostic in result.diagnostics:
            print(format_github(diagnostic, language))
    else:
        for shown in text_report(result.diagnostics, site, use_colour(sys.stdout), language):
            print(shown)
    print(summary(result.diagnostics, briefs, sources, language))
