"""The load stage never lets one bad file (or a bug) hide the problems of the others."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest

from site_builder.load import load
from site_builder.load.discover import discover
from site_builder.pipeline import CheckOptions, check_site
from tests.conftest import MakeSite
from tests.sitefiles import brief


def test_a_loader_bug_becomes_a_diagnostic_and_other_files_are_still_checked(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(
        {"briefs/a.md": brief("Text [@quelle#p9].\n"), "briefs/b.md": brief("Text [@quelle#p1].\n")}
    )
    real = load.LOADERS["brief"]

    def broken_on_b(path: str, data: bytes, md: object) -> object:
        if path == "briefs/b.md":
            raise ValueError("boom")
        return real(path, data, md)  # type: ignore[arg-type]

    monkeypatch.setitem(load.LOADERS, "brief", broken_on_b)
    result = check_site(site, CheckOptions())
    assert [(d.code, str(d.span), d.message) for d in result.diagnostics] == [
        (
            "unknown-anchor",
            "briefs/a.md:5:7",
            "source 'quelle' has no anchor 'p9' (it has p1–p4, istanbul)",
        ),
        (
            "internal-error",
            "briefs/b.md:1:1",
            "site-builder failed on this file (ValueError: boom)",
        ),
    ]


def test_unreadable_file_is_a_diagnostic(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"briefs/b.md": brief("Text [@quelle#p1].\n")})
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == "b.md":
            raise PermissionError(13, "Permission denied")
        return real(self)

    # chmod would not stop root, which CI runs as; refuse the read itself instead.
    monkeypatch.setattr(Path, "read_bytes", denied)
    result = check_site(site, CheckOptions())
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("unreadable-file", "cannot read the file: Permission denied")
    ]


def test_links_leading_out_of_the_site_are_reported_not_read(
    make_site: MakeSite, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "geheim.md").write_text(brief("Text [@quelle#p9].\n"), "utf-8")
    site = make_site({"briefs/b.md": brief("Text [@quelle#p1].\n")})
    (site / "briefs/link.md").symlink_to(outside / "geheim.md")
    (site / "briefs/ordner").symlink_to(outside)
    (site / "briefs/innen.md").symlink_to(site / "briefs/b.md")
    result = check_site(site, CheckOptions())
    assert [(d.code, d.span.path) for d in result.diagnostics] == [
        ("outside-site", "briefs/link.md"),
        ("outside-site", "briefs/ordner"),
    ]
    assert [b.path for b in result.corpus.briefs] == ["briefs/b.md", "briefs/innen.md"]


def test_parallel_load_gives_the_same_documents_and_problems_in_the_same_order(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"briefs/b{n:03}.md": brief(f"Text {n} [@quelle#p{n % 6}].\n") for n in range(30)}
    site = make_site(files)
    found, _ = discover(site)
    monkeypatch.setattr(load, "_CHUNK", 4)  # many jobs, shared by the workers
    sequential = load.load_documents(site, found, workers=1)
    monkeypatch.setattr(load, "PARALLEL_FROM", 0)
    parallel = load.load_documents(site, found, workers=2)
    assert parallel == sequential
    assert [b.path for b in parallel.briefs] == sorted(files)
    jobs = [(site, "brief", tuple(found.briefs))]
    assert load._load_in_parallel(jobs, 2) == [load.load_chunk(jobs[0])]  # no silent fallback


def test_parallel_load_falls_back_to_this_process_when_workers_fail(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"briefs/b.md": brief("Text [@quelle#p1].\n")})
    found, _ = discover(site)

    def no_processes(*args: object, **kwargs: object) -> object:
        raise OSError("no processes here")

    # (``load`` imports the pool when it forks: patched where it is imported from)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
    monkeypatch.setattr(load, "PARALLEL_FROM", 0)
    loaded = load.load_documents(site, found, workers=2)
    assert ([s.id for s in loaded.sources], [b.slug for b in loaded.briefs], loaded.problems) == (
        ["quelle"],
        ["b"],
        [],
    )
