"""Progress of long stages: counted by the pipeline, drawn only on a terminal outside CI."""

from __future__ import annotations

import io

import pytest

from site_builder.cli import main
from site_builder.load.discover import discover
from site_builder.load.load import load_documents
from site_builder.pipeline import BuildOptions, build_site
from site_builder.progress import TerminalProgress, is_ci, no_progress, progress_for
from tests.conftest import MakeSite
from tests.sitefiles import brief

GOOD = brief("Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n")


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.calls.append((stage, done, total))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_loading_reports_files_loaded_chunk_by_chunk(make_site: MakeSite) -> None:
    site = make_site({f"briefs/b{i}.md": GOOD for i in range(3)})
    files, _ = discover(site)
    recorder = Recorder()
    loaded = load_documents(site, files, workers=1, progress=recorder)
    assert (len(loaded.sources), len(loaded.briefs)) == (1, 3)
    # One chunk of sources, one of briefs: counts only grow, and end at the total.
    assert recorder.calls == [
        ("loading files", 0, 4),
        ("loading files", 1, 4),
        ("loading files", 4, 4),
    ]


def test_loading_in_worker_processes_reports_the_same_totals(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("site_builder.load.load.PARALLEL_FROM", 2)
    site = make_site({f"briefs/b{i}.md": GOOD for i in range(3)})
    files, _ = discover(site)
    recorder = Recorder()
    load_documents(site, files, workers=2, progress=recorder)
    assert recorder.calls[0] == ("loading files", 0, 4)
    assert recorder.calls[-1] == ("loading files", 4, 4)


def test_a_build_reports_its_stages_in_order(make_site: MakeSite) -> None:
    site = make_site({"briefs/a.md": GOOD})
    recorder = Recorder()
    build_site(site, BuildOptions(), recorder)
    assert [call for call in recorder.calls if call[0] != "loading files"] == [
        ("indexing for search", 0, 1),
        ("indexing for search", 1, 1),
        ("rendering and writing files", 0, 1),
        ("rendering and writing files", 1, 1),
    ]


def test_progress_is_silent_when_not_a_terminal_or_in_ci() -> None:
    assert progress_for(io.StringIO(), {}) is no_progress
    assert progress_for(Terminal(), {"CI": "true"}) is no_progress
    assert isinstance(progress_for(Terminal(), {}), TerminalProgress)
    assert isinstance(progress_for(Terminal(), {"CI": "false"}), TerminalProgress)
    assert [is_ci({"CI": value}) for value in ("1", "true", "", "0", "false")] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_commands_print_no_progress_into_a_pipe(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/a.md": GOOD})
    assert main(["build", "--site", str(site)]) == 0
    assert main(["check", "--site", str(site)]) == 0
    captured = capsys.readouterr()
    assert "\r" not in captured.out + captured.err
    assert "loading" not in captured.out + captured.err


def test_terminal_progress_waits_before_drawing_then_rate_limits_and_erases() -> None:
    stream, clock = Terminal(), Clock()
    progress = TerminalProgress(stream, delay=0.5, interval=0.1, clock=clock)
    progress("loading files", 0, 1000)
    clock.now += 0.4
    progress("loading files", 200, 1000)
    assert stream.getvalue() == ""  # a quick build shows nothing
    clock.now += 0.2
    progress("loading files", 400, 1000)
    clock.now += 0.05
    progress("loading files", 600, 1000)  # too soon after the last line
    clock.now += 0.1
    progress("loading files", 800, 1000)
    progress("loading files", 1000, 1000)
    progress("rendering pages", 0, 1)
    progress("rendering pages", 1, 1)
    assert stream.getvalue().split("\r") == [
        "",
        "\033[Kloading files 400/1000",
        "\033[Kloading files 800/1000",
        "\033[K",
        "\033[Krendering pages…",
        "\033[K",
    ]


def test_terminal_progress_draws_nothing_for_a_quick_build() -> None:
    stream, clock = Terminal(), Clock()
    progress = TerminalProgress(stream, clock=clock)
    for done in range(0, 5):
        progress("loading files", done, 4)
    progress("rendering pages", 0, 1)
    progress("rendering pages", 1, 1)
    assert stream.getvalue() == ""
