"""The load stage never lets one bad file (or a bug) hide the problems of the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder import pipeline
from site_builder.pipeline import CheckOptions, check_site
from tests.conftest import MakeSite
from tests.sitefiles import brief


def test_a_loader_bug_becomes_a_diagnostic_and_other_files_are_still_checked(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(
        {"briefs/a.md": brief("Text [@quelle#p9].\n"), "briefs/b.md": brief("Text [@quelle#p1].\n")}
    )
    real = pipeline.load_brief

    def broken_on_b(path: str, data: bytes, md: object) -> object:
        if path == "briefs/b.md":
            raise ValueError("boom")
        return real(path, data, md)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_brief", broken_on_b)
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
