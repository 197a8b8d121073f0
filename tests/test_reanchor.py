"""Anchors that move are followed, visibly (SPEC §5): ``anchor-moved`` says where a cited
positional anchor's paragraph went, ``reanchor`` rewrites exactly those citations (only the
anchor's characters) and updates the lock, and a paragraph that moved and changed is never
followed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.lock.lock_workflow import moved_keys, plan_lock, settle_lock
from site_builder.pipeline import CheckOptions, check_site
from tests.conftest import MakeSite
from tests.sitefiles import brief

SOURCE = """\
---
title: Quelle
outlet: Testagentur
---
Erster Absatz über den Kreml.

Zweiter Absatz über Istanbul.

Dritter Absatz über die Türkei.

Vierter Absatz über Riad.
"""
BRIEF = brief(
    "Der Kreml äußerte sich [@quelle#p1].\n\n"
    "In Istanbul traf man sich [@quelle#p2; @quelle#p4].\n\n"
    "Die Türkei vermittelt [@quelle#p3].\n"
)


def diagnostics(site: Path) -> list[tuple[str, str, str]]:
    result = check_site(site, CheckOptions(frozen=True))
    return [(str(d.span), d.code, d.message) for d in result.diagnostics]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().out.splitlines()


def rewrite_source(site: Path, paragraphs: list[str]) -> None:
    head = SOURCE.split("---\n", 2)
    body = "\n\n".join(paragraphs) + "\n"
    (site / "content/quelle.md").write_text(f"---\n{head[1]}---\n{body}", "utf-8")


def locked_site(make_site: MakeSite, brief_text: str = BRIEF) -> Path:
    site = make_site({"content/quelle.md": SOURCE, "briefs/b.md": brief_text})
    assert main(["lock", "--site", str(site)]) == 0
    return site


P1, P2, P3, P4 = (
    "Erster Absatz über den Kreml.",
    "Zweiter Absatz über Istanbul.",
    "Dritter Absatz über die Türkei.",
    "Vierter Absatz über Riad.",
)


def test_a_paragraph_inserted_above_moves_every_anchor_below_and_reanchor_follows(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = locked_site(make_site)
    capsys.readouterr()
    rewrite_source(site, ["Korrektur: ein neuer erster Absatz.", P1, P2, P3, P4])
    assert diagnostics(site) == [
        (
            "briefs/b.md:5:25",
            "anchor-moved",
            "quelle#p1 now reads as #p2: a paragraph was inserted above it",
        ),
        (
            "briefs/b.md:7:28",
            "anchor-moved",
            "quelle#p2 now reads as #p3: a paragraph was inserted above it",
        ),
        (
            "briefs/b.md:7:40",
            "anchor-moved",
            "quelle#p4 now reads as #p5: a paragraph was inserted above it",
        ),
        (
            "briefs/b.md:9:24",
            "anchor-moved",
            "quelle#p3 now reads as #p4: a paragraph was inserted above it",
        ),
    ]
    before = (site / "briefs/b.md").read_bytes()
    code, out = run(capsys, "reanchor", "--site", str(site))
    assert (code, out) == (
        0,
        [
            "reanchored briefs/b.md:5: quelle#p1 → #p2",
            "reanchored briefs/b.md:7: quelle#p2 → #p3",
            "reanchored briefs/b.md:7: quelle#p4 → #p5",
            "reanchored briefs/b.md:9: quelle#p3 → #p4",
            "reanchor: rewrote 4 citations in 1 brief and updated citations.lock; "
            "'site-builder check' shows what is left",
        ],
    )
    after = (site / "briefs/b.md").read_bytes()
    assert after == (
        before.replace(b"#p3]", b"#p4]")
        .replace(b"#p4]", b"#p5]", 1)
        .replace(b"#p2;", b"#p3;")
        .replace(b"#p1]", b"#p2]")
    )
    assert diagnostics(site) == []
    lock = json.loads((site / "citations.lock").read_text("utf-8"))["citations"]
    assert {key: entry["text"] for key, entry in lock.items()} == {
        "quelle#p2": P1,
        "quelle#p3": P2,
        "quelle#p4": P3,
        "quelle#p5": P4,
    }


def test_a_paragraph_deleted_above_moves_anchors_up(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = locked_site(make_site, brief("Die Türkei vermittelt [@quelle#p3].\n"))
    rewrite_source(site, [P2, P3, P4])
    assert diagnostics(site) == [
        (
            "briefs/b.md:5:24",
            "anchor-moved",
            "quelle#p3 now reads as #p2: a paragraph above it was removed",
        )
    ]
    capsys.readouterr()
    assert run(capsys, "reanchor", "--site", str(site))[0] == 0
    assert (site / "briefs/b.md").read_text("utf-8").endswith("vermittelt [@quelle#p2].\n")
    assert diagnostics(site) == []


def test_two_swapped_paragraphs_are_named_as_swapped_and_both_followed(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = locked_site(make_site)
    rewrite_source(site, [P1, P3, P2, P4])
    found = diagnostics(site)
    assert [message for _, code, message in found if code == "anchor-moved"] == [
        "quelle#p2 now reads as #p3: the paragraphs #p2 and #p3 changed places",
        "quelle#p3 now reads as #p2: the paragraphs #p2 and #p3 changed places",
    ]
    capsys.readouterr()
    assert run(capsys, "reanchor", "--site", str(site))[0] == 0
    text = (site / "briefs/b.md").read_text("utf-8")
    assert "[@quelle#p3; @quelle#p4]" in text
    assert "vermittelt [@quelle#p2]" in text
    assert diagnostics(site) == []


def test_a_paragraph_that_moved_and_changed_is_never_followed(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = locked_site(make_site, brief("Die Türkei vermittelt [@quelle#p3].\n"))
    rewrite_source(site, ["Neu.", P1, P2, P3.replace("Türkei", "Türkei weiterhin"), P4])
    [(_, code, _)] = diagnostics(site)
    assert code == "stale-citation"
    capsys.readouterr()
    code, out = run(capsys, "reanchor", "--site", str(site))
    assert (code, out) == (0, ["reanchor: no cited paragraph moved; nothing to rewrite"])
    assert (site / "briefs/b.md").read_text("utf-8").endswith("[@quelle#p3].\n")


def test_an_explicit_name_needs_no_reanchor(make_site: MakeSite) -> None:
    named = SOURCE.replace("über Istanbul.", "über Istanbul. ^istanbul")
    site = make_site(
        {"content/quelle.md": named, "briefs/b.md": brief("Istanbul [@quelle#istanbul].\n")}
    )
    assert main(["lock", "--site", str(site)]) == 0
    (site / "content/quelle.md").write_text(named.replace("---\nErster", "---\nNeu.\n\nErster"))
    assert diagnostics(site) == []


def test_the_hint_says_how_to_follow_and_how_to_pin(make_site: MakeSite) -> None:
    site = locked_site(make_site, brief("Die Türkei vermittelt [@quelle#p3].\n"))
    rewrite_source(site, [P2, P3, P4])
    [moved] = check_site(site, CheckOptions()).diagnostics
    assert (moved.severity.value, moved.hint) == (
        "warning",
        "run 'site-builder reanchor' to cite #p2; a ^name at the end of the source paragraph "
        "pins it for good",
    )


def test_reanchor_keeps_line_endings_and_permissions_of_the_brief(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    crlf = brief("Es ging um „die Türkei“ [@quelle#p3].\n\nKreml [@quelle#p1].\n").replace(
        "\n", "\r\n"
    )
    site = locked_site(make_site, crlf)
    os.chmod(site / "briefs/b.md", 0o640)
    rewrite_source(site, [P2, P3, P4, P1])
    capsys.readouterr()
    assert run(capsys, "reanchor", "--site", str(site))[0] == 0
    expected = crlf.replace("#p3]", "#p2]").replace("#p1]", "#p4]").encode("utf-8")
    assert (site / "briefs/b.md").read_bytes() == expected
    assert stat.S_IMODE((site / "briefs/b.md").stat().st_mode) == 0o640
    assert [p.name for p in (site / "briefs").iterdir()] == ["b.md"]  # no temporary file left


def test_a_move_onto_an_anchor_whose_own_citation_changed_is_held(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """p1's text moved to p2, but p2 is cited too and its own paragraph changed: locking p2
    with p1's text would accept that change unseen, so the move waits."""
    site = locked_site(make_site, brief("Kreml [@quelle#p1].\n\nIstanbul [@quelle#p2].\n"))
    rewrite_source(site, ["Neu.", P1, P2.replace("Istanbul", "Ankara"), P3, P4])
    capsys.readouterr()
    code, out = run(capsys, "reanchor", "--site", str(site))
    assert code == 1
    assert out[0] == (
        "not followed: quelle#p1: quelle#p2 is cited too and its paragraph changed; settle "
        "that citation first, then run 'site-builder reanchor' again"
    )
    assert (site / "briefs/b.md").read_text("utf-8").endswith("Istanbul [@quelle#p2].\n")
    assert [code for _, code, _ in diagnostics(site)] == ["anchor-moved", "stale-citation"]


def test_a_brief_edited_since_the_check_is_left_alone(make_site: MakeSite) -> None:
    site = locked_site(make_site, brief("Die Türkei vermittelt [@quelle#p3].\n"))
    rewrite_source(site, [P2, P3, P4])
    plan = plan_lock(site)
    edited = brief("Die Türkei vermittelt weiter [@quelle#p3].\n")
    (site / "briefs/b.md").write_text(edited, "utf-8")
    outcome = settle_lock(site, plan, follow=moved_keys(plan))
    assert outcome.rewritten == ()
    assert outcome.refused == (
        "briefs/b.md: the file changed since it was checked (run 'site-builder reanchor' "
        "again); not changed",
    )
    assert (site / "briefs/b.md").read_text("utf-8") == edited
    assert [code for _, code, _ in diagnostics(site)] == ["anchor-moved"]


def test_a_wrong_paragraph_number_is_named_with_the_corrected_citation(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/quelle.md": SOURCE,
            "briefs/b.md": brief("Es ging um „die Türkei“ [@quelle#p2].\n"),
        }
    )
    [problem] = check_site(site, CheckOptions()).diagnostics
    assert (problem.code, problem.message, problem.hint, problem.details) == (
        "quote-not-found",
        "quoted text „die Türkei“ does not stand in quelle#p2; the quote stands in quelle#p3",
        "cite [@quelle#p3] instead of [@quelle#p2]",
        (),
    )


def test_an_anchor_past_the_last_paragraph_is_followed_too(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = locked_site(make_site, brief("Riad [@quelle#p4].\n"))
    rewrite_source(site, [P2, P3, P4])
    assert [(code, message) for _, code, message in diagnostics(site)] == [
        ("anchor-moved", "quelle#p4 now reads as #p3: a paragraph above it was removed"),
        ("unknown-anchor", "source 'quelle' has no anchor 'p4' (it has p1–p3)"),
    ]
    capsys.readouterr()
    assert run(capsys, "reanchor", "--site", str(site))[0] == 0
    assert diagnostics(site) == []
