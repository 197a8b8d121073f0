"""citations.lock (SPEC §5): new citations recorded, changed paragraphs reported as stale
with old and new text, ``--frozen`` strict and read-only, ``lock`` accepts the new text."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.pipeline import CheckOptions, check_site
from tests.conftest import MakeSite
from tests.sitefiles import brief

BRIEF = brief(
    "Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n\n"
    "In Istanbul traf man sich [@quelle#istanbul].\n"
)
P1_OLD = 'Der Status der Territorien sei "unbestreitbar und nicht verhandelbar", sagte Peskow.'


def lock_keys(site: Path) -> list[str]:
    return list(json.loads((site / "citations.lock").read_text("utf-8"))["citations"])


def edit_source(site: Path, old: str, new: str) -> None:
    path = site / "content/quelle.md"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def locked_then_changed(make_site: MakeSite) -> Path:
    """A locked site whose ``quelle#istanbul`` paragraph has since gained a word."""
    site = make_site({"briefs/b.md": BRIEF})
    main(["lock", "--site", str(site)])
    edit_source(site, "Istanbul trafen", "Istanbul trafen sich")
    return site


def codes(site: Path, frozen: bool = False) -> list[tuple[str, str, int]]:
    result = check_site(site, CheckOptions(frozen=frozen))
    return [(d.code, d.severity.value, d.span.line) for d in result.diagnostics]


def test_check_records_new_citations_sorted(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    assert codes(site) == []
    assert lock_keys(site) == ["quelle#istanbul", "quelle#p1"]
    entry = json.loads((site / "citations.lock").read_text("utf-8"))["citations"]["quelle#p1"]
    assert entry["text"] == P1_OLD
    assert entry["fingerprint"].startswith("sha256:")


def test_lock_file_is_byte_identical_on_a_second_run(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    first = (site / "citations.lock").read_bytes()
    assert check_site(site, CheckOptions()).lock_changes == 0
    assert (site / "citations.lock").read_bytes() == first


def test_changed_paragraph_is_a_stale_citation_with_old_and_new_text(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    edit_source(site, "sagte Peskow.", "sagte Kremlsprecher Peskow.")
    result = check_site(site, CheckOptions())
    [stale] = result.diagnostics
    assert (stale.code, stale.severity.value, str(stale.span)) == (
        "stale-citation",
        "warning",
        "briefs/b.md:5:56",
    )
    assert stale.message == (
        "the text of quelle#p1 (content/quelle.md:6) changed since this citation was checked"
    )
    assert stale.details == (
        ("diff", '… und nicht verhandelbar", sagte {+Kremlsprecher+} Peskow.'),
    )


def test_check_never_overwrites_a_stale_entry(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    edit_source(site, "sagte Peskow.", "sagte Kremlsprecher Peskow.")
    check_site(site, CheckOptions())
    assert [d.code for d in check_site(site, CheckOptions()).diagnostics] == ["stale-citation"]


def test_lock_all_accepts_the_new_text(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    edit_source(site, "sagte Peskow.", "sagte Kremlsprecher Peskow.")
    assert main(["lock", "--all", "--site", str(site)]) == 0
    assert codes(site, frozen=True) == []


def test_inserted_paragraph_shifts_positional_anchor_but_not_explicit_one(
    make_site: MakeSite,
) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    edit_source(site, "---\nDer Status", "---\nEin neuer erster Absatz.\n\nDer Status")
    # p1 is now another paragraph: the quote no longer stands there, and the lock notices
    # that the paragraph it locked now stands at p2.
    assert codes(site) == [("quote-not-found", "error", 5), ("anchor-moved", "warning", 5)]


def test_rewrapping_a_paragraph_is_not_a_change(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    edit_source(site, 'verhandelbar", sagte', 'verhandelbar",\n   sagte')
    assert codes(site, frozen=True) == []


def test_frozen_reports_missing_entries_as_errors_and_never_writes(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    assert codes(site, frozen=True) == [
        ("unlocked-citation", "error", 5),
        ("unlocked-citation", "error", 7),
    ]
    assert not (site / "citations.lock").exists()


def test_frozen_makes_stale_citations_errors(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    before = (site / "citations.lock").read_bytes()
    edit_source(site, "Istanbul trafen", "Istanbul trafen sich")
    assert codes(site, frozen=True) == [("stale-citation", "error", 7)]
    assert (site / "citations.lock").read_bytes() == before


def test_uncited_entries_are_dropped_by_check(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    (site / "briefs/b.md").write_text(brief("Nur noch eins [@quelle#p1].\n"), "utf-8")
    check_site(site, CheckOptions())
    assert lock_keys(site) == ["quelle#p1"]


def test_broken_lock_file_is_a_diagnostic_not_a_crash(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF, "citations.lock": '{"version": 1,\n  "citations": [}'})
    result = check_site(site, CheckOptions())
    [problem] = result.diagnostics
    assert (problem.code, str(problem.span)) == ("broken-lock", "citations.lock:2:17")
    assert (site / "citations.lock").read_text() == '{"version": 1,\n  "citations": [}'


def test_check_cli_tells_the_editor_the_lock_changed(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    assert main(["check", "--site", str(site)]) == 0
    assert capsys.readouterr().out.endswith(
        "citations.lock: recorded 2 citation changes; commit it with the briefs\n"
    )


def test_stale_citation_text_output(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = locked_then_changed(make_site)
    capsys.readouterr()
    assert main(["check", "--frozen", "--site", str(site)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "briefs/b.md:7:28: error[stale-citation]: the text of quelle#istanbul "
        "(content/quelle.md:8) changed since this citation was checked",
        "   |",
        " 7 | In Istanbul traf man sich [@quelle#istanbul].",
        "   |                            ^^^^^^^^^^^^^^^^",
        "   = diff: In Istanbul trafen {+sich+} Vertreter der USA und …",
        "   = hint: check the brief against the new text, then accept it: 'site-builder lock "
        "quelle#istanbul' (or review every change: 'site-builder review')",
        "1 error, 0 warnings in 1 brief and 1 source",
    ]


def test_frozen_warns_about_entries_no_brief_cites(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    (site / "briefs/b.md").write_text(brief("Nur noch eins [@quelle#p1].\n"), "utf-8")
    result = check_site(site, CheckOptions(frozen=True))
    assert [(d.code, d.severity.value, d.message) for d in result.diagnostics] == [
        (
            "unused-lock-entry",
            "warning",
            "citations.lock has an entry for quelle#istanbul, which no brief cites",
        )
    ]


def test_lock_file_permissions_follow_the_umask(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    old = os.umask(0o022)
    try:
        check_site(site, CheckOptions())
    finally:
        os.umask(old)
    assert stat.S_IMODE((site / "citations.lock").stat().st_mode) == 0o644
    # No temporary lock file is left behind (the build cache is the only hidden entry).
    hidden = [p.name for p in site.iterdir() if p.name.startswith(".")]
    assert hidden == [".site-builder-cache"]


def test_stale_citation_shows_its_word_diff_in_json_and_github_formats(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = locked_then_changed(make_site)
    capsys.readouterr()
    main(["check", "--format", "json", "--site", str(site)])
    [record] = json.loads(capsys.readouterr().out)["diagnostics"]
    assert record["details"] == [
        {"label": "diff", "text": "In Istanbul trafen {+sich+} Vertreter der USA und …"}
    ]
    main(["check", "--format", "github", "--site", str(site)])
    annotation = capsys.readouterr().out.splitlines()[0]
    assert annotation.startswith("::warning file=briefs/b.md,line=7,col=28,title=stale-citation::")
    assert "%0Adiff: In Istanbul trafen {+sich+} Vertreter der USA und …%0Ahint:" in annotation


def test_stale_citation_diff_is_coloured_as_git_colours_it_on_a_terminal(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    main(["lock", "--site", str(site)])
    edit_source(site, "Istanbul trafen Vertreter", "Istanbul begegneten sich Vertreter")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    capsys.readouterr()
    main(["check", "--site", str(site)])
    assert (
        "   \033[1;34m=\033[0m diff: In Istanbul \033[31m[-trafen-]\033[0m"
        "\033[32m{+begegneten sich+}\033[0m "
        "Vertreter der USA und …"
    ) in capsys.readouterr().out


def test_the_lock_keeps_the_checked_text_of_a_citation_that_no_longer_resolves(
    make_site: MakeSite,
) -> None:
    """A deleted paragraph (or source) makes the citation an error, and the lock keeps the
    text that was checked, so restoring the source brings back a clean check, not a new
    unreviewed entry."""
    site = make_site({"briefs/b.md": BRIEF})
    check_site(site, CheckOptions())
    before = (site / "citations.lock").read_bytes()
    original = (site / "content/quelle.md").read_text("utf-8")
    edit_source(site, "In Istanbul trafen Vertreter der USA und Russlands zusammen. ^istanbul", "")
    assert codes(site) == [("unknown-anchor", "error", 7)]
    assert main(["lock", "--site", str(site)]) == 1  # the content error
    assert (site / "citations.lock").read_bytes() == before
    (site / "content/quelle.md").write_text(original, "utf-8")
    assert codes(site, frozen=True) == []
