"""A changed source is reviewed, never waved through (SPEC §5): ``lock SOURCE#ANCHOR``
accepts exactly what it names, ``lock --all`` lists what it accepts, a bare ``lock``
accepts no changed paragraph (without a terminal it lists them and exits 1; on a terminal
it walks through them), and ``build`` refuses to publish a stale citation."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.lock.lock_workflow import plan_lock
from site_builder.lock.review import review_changes
from site_builder.pipeline import CheckOptions, check_site
from tests.conftest import MakeSite
from tests.sitefiles import brief

BRIEF = brief(
    "Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n\n"
    "In Istanbul traf man sich [@quelle#istanbul].\n"
)
LOCK = "citations.lock"


def locked(site: Path) -> dict[str, str]:
    citations = json.loads((site / LOCK).read_text("utf-8"))["citations"]
    return {key: entry["text"] for key, entry in citations.items()}


def edit(site: Path, path: str, old: str, new: str) -> None:
    file = site / path
    text = file.read_text("utf-8")
    assert old in text
    file.write_text(text.replace(old, new), "utf-8")


@pytest.fixture
def changed_site(make_site: MakeSite) -> Path:
    """A locked site whose two cited paragraphs have since changed one word each."""
    site = make_site({"briefs/b.md": BRIEF})
    assert main(["lock", "--site", str(site)]) == 0
    edit(site, "content/quelle.md", "sagte Peskow.", "sagte Kremlsprecher Peskow.")
    edit(site, "content/quelle.md", "In Istanbul trafen", "In Istanbul trafen sich")
    return site


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().out.splitlines()


def test_bare_lock_without_a_terminal_accepts_nothing_and_lists_every_change(
    changed_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (changed_site / LOCK).read_bytes()
    code, out = run(capsys, "lock", "--site", str(changed_site))
    assert code == 1
    assert (changed_site / LOCK).read_bytes() == before
    assert out == [
        "2 cited paragraphs changed since the citations were checked; none was accepted:",
        "quelle#istanbul (content/quelle.md:8) changed:",
        "  In Istanbul trafen {+sich+} Vertreter der USA und …",
        "  cited in briefs/b.md:7: In Istanbul traf man sich.",
        "quelle#p1 (content/quelle.md:6) changed:",
        '  … und nicht verhandelbar", sagte {+Kremlsprecher+} Peskow.',
        "  cited in briefs/b.md:5: Der Status sei „unbestreitbar und nicht verhandelbar“.",
        "review them on a terminal: 'site-builder review'; or check each brief and accept the "
        "change: 'site-builder lock quelle#istanbul'",
        "citations.lock: 2 cited paragraphs locked; 2 changes waiting for review",
    ]


def test_bare_lock_records_new_citations_and_drops_unused_ones_while_a_change_waits(
    changed_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(changed_site, "briefs/b.md", "[@quelle#istanbul]", "[@quelle#p3]")
    edit(changed_site, "briefs/b.md", "man sich", "man sich in der Ukraine")
    old_p1 = locked(changed_site)["quelle#p1"]
    code, out = run(capsys, "lock", "--site", str(changed_site))
    assert code == 1
    assert out[-1] == (
        "citations.lock: 2 cited paragraphs locked (1 new citation recorded, 1 unused entry "
        "dropped); 1 change waiting for review"
    )
    assert locked(changed_site) == {
        "quelle#p1": old_p1,
        "quelle#p3": "Die Ukraine weist die Erklärung des Kremls zurück.",
    }


def test_lock_with_a_name_accepts_exactly_that_citation(
    changed_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "lock", "quelle#p1", "--site", str(changed_site))
    assert code == 0
    assert out == [
        'accepted quelle#p1 (content/quelle.md:6): … und nicht verhandelbar", sagte '
        "{+Kremlsprecher+} Peskow.",
        "still to review: quelle#istanbul ('site-builder review')",
        "citations.lock: 2 cited paragraphs locked (1 change accepted); 1 change waiting for "
        "review",
    ]
    assert [d.code for d in check_site(changed_site, CheckOptions(frozen=True)).diagnostics] == [
        "stale-citation"
    ]
    assert "Kremlsprecher" in locked(changed_site)["quelle#p1"]
    assert "sich" not in locked(changed_site)["quelle#istanbul"]


@pytest.mark.parametrize("written", ["[@quelle#istanbul]", "@quelle#istanbul"])
def test_a_name_may_be_written_as_in_the_brief(
    changed_site: Path, capsys: pytest.CaptureFixture[str], written: str
) -> None:
    assert run(capsys, "lock", written, "--site", str(changed_site))[0] == 0
    assert "sich" in locked(changed_site)["quelle#istanbul"]
    assert "Kremlsprecher" not in locked(changed_site)["quelle#p1"]


def test_a_name_no_brief_cites_is_a_usage_error_and_changes_nothing(
    changed_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (changed_site / LOCK).read_bytes()
    assert main(["lock", "quelle#istanbull", "--site", str(changed_site)]) == 2
    assert capsys.readouterr().err == (
        "site-builder: error: no brief cites quelle#istanbull; did you mean 'quelle#istanbul'? "
        "'site-builder review' lists the changed citations\n"
    )
    assert (changed_site / LOCK).read_bytes() == before


def test_an_unchanged_name_is_said_to_be_unchanged(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    run(capsys, "lock", "--site", str(site))
    code, out = run(capsys, "lock", "quelle#p1", "--site", str(site))
    assert (code, out[0]) == (0, "quelle#p1 is unchanged since it was checked; nothing to accept")


def test_names_and_all_together_are_a_usage_error(
    changed_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lock", "--all", "quelle#p1", "--site", str(changed_site)]) == 2
    assert "not both" in capsys.readouterr().err


def test_lock_all_accepts_every_change_and_lists_each(
    changed_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "lock", "--all", "--site", str(changed_site))
    assert code == 0
    assert out == [
        "accepted quelle#istanbul (content/quelle.md:8): In Istanbul trafen {+sich+} Vertreter "
        "der USA und …",
        'accepted quelle#p1 (content/quelle.md:6): … und nicht verhandelbar", sagte '
        "{+Kremlsprecher+} Peskow.",
        "citations.lock: 2 cited paragraphs locked (2 changes accepted)",
    ]
    assert check_site(changed_site, CheckOptions(frozen=True)).diagnostics == ()


def test_lock_all_leaves_a_moved_anchor_to_reanchor(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": brief("Man traf sich in Istanbul [@quelle#p2].\n")})
    run(capsys, "lock", "--site", str(site))
    edit(site, "content/quelle.md", "---\nDer Status", "---\nEin neuer Absatz.\n\nDer Status")
    code, out = run(capsys, "lock", "--all", "--site", str(site))
    assert (code, out) == (
        0,
        [
            "still to review: quelle#p2 ('site-builder review')",
            "citations.lock: 1 cited paragraph locked; 1 change waiting for review",
        ],
    )
    [moved] = check_site(site, CheckOptions(frozen=True)).diagnostics
    assert (moved.code, moved.message) == (
        "anchor-moved",
        "quelle#p2 now reads as #p3: a paragraph was inserted above it",
    )


CONFLICT = '{\n<<<<<<< HEAD\n  "version": 1,\n=======\n  "version": 2,\n>>>>>>> branch\n}\n'


def test_a_broken_lock_is_kept_until_lock_all_writes_it_anew(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": BRIEF, LOCK: CONFLICT})
    code, out = run(capsys, "lock", "--site", str(site))
    assert code == 1
    assert out[0].startswith(
        "citations.lock:2:1: error[broken-lock]: citations.lock cannot be read"
    )
    assert "git checkout citations.lock" in out[-1]
    assert (site / LOCK).read_text("utf-8") == CONFLICT
    assert run(capsys, "lock", "--all", "--site", str(site))[0] == 0
    assert sorted(locked(site)) == ["quelle#istanbul", "quelle#p1"]


# The review on a terminal.


def test_the_review_asks_until_it_understands_and_stops_at_the_end_of_input(
    changed_site: Path,
) -> None:
    plan = plan_lock(changed_site)
    answers = iter(["vielleicht", "j"])
    said: list[str] = []
    decisions = review_changes(
        plan.changed, lambda _prompt: next(answers, None), said.append, False
    )
    assert decisions.accepted == {"quelle#istanbul"}
    assert decisions.stopped
    assert "please answer with one of the letters in brackets" in said


class Terminal:
    """``site-builder`` run on a pseudo-terminal, as an editor runs it."""

    def __init__(self, *args: str) -> None:
        self.master, follower = pty.openpty()
        env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "site_builder", *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
            close_fds=True,
        )
        os.close(follower)
        self.seen = ""
        self._mark = 0  # where the next ``expect`` starts looking

    def expect(self, text: str, timeout: float = 30.0) -> str:
        """Read until ``text`` is printed (after what earlier calls expected); what was
        printed since the previous call."""
        deadline = time.monotonic() + timeout
        while text not in self.seen[self._mark :]:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{text!r} not printed; got:\n{self.seen}"
            assert self._read(remaining), f"{text!r} not printed before the end:\n{self.seen}"
        start, self._mark = self._mark, self.seen.index(text, self._mark) + len(text)
        return self.seen[start : self._mark]

    def _read(self, timeout: float) -> bool:
        """Add what the program printed within ``timeout`` to ``seen``; False at its end."""
        if not select.select([self.master], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the program ended and closed the terminal
            return False
        self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return bool(chunk)

    def answer(self, text: str) -> None:
        os.write(self.master, text.encode() + b"\n")

    def finish(self) -> int:
        """Wait for the program to end; its exit status (all it printed is in ``seen``)."""
        code = self.process.wait(timeout=30)
        while select.select([self.master], [], [], 0.1)[0] and self._read(0):
            pass  # what it printed last
        os.close(self.master)
        return code


PROMPT = "[a]ccept, [s]kip, [q]uit: "


def test_the_review_on_a_terminal_shows_each_change_and_writes_only_what_was_accepted(
    changed_site: Path,
) -> None:
    terminal = Terminal("review", "--site", str(changed_site))
    shown = terminal.expect(PROMPT)
    assert "[1/2] quelle#istanbul (content/quelle.md:8) changed:" in shown
    assert "In Istanbul trafen {+sich+} Vertreter der USA und Russlands zusammen." in shown
    assert "cited in briefs/b.md:7: In Istanbul traf man sich." in shown
    terminal.answer("s")
    shown = terminal.expect(PROMPT)
    assert "[2/2] quelle#p1 (content/quelle.md:6) changed:" in shown
    terminal.answer("a")
    assert terminal.finish() == 0
    assert "accepted quelle#p1 (content/quelle.md:6)" in terminal.seen
    assert "still to review: quelle#istanbul" in terminal.seen
    assert "Kremlsprecher" in locked(changed_site)["quelle#p1"]
    assert "sich" not in locked(changed_site)["quelle#istanbul"]


def test_quitting_the_review_keeps_what_was_accepted_before(changed_site: Path) -> None:
    terminal = Terminal("lock", "--site", str(changed_site))
    terminal.expect(PROMPT)
    terminal.answer("a")
    terminal.expect(PROMPT)
    terminal.answer("q")
    assert terminal.finish() == 0
    assert "sich" in locked(changed_site)["quelle#istanbul"]
    assert "Kremlsprecher" not in locked(changed_site)["quelle#p1"]


def test_a_moved_paragraph_is_followed_from_the_review(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": brief("Man traf sich in Istanbul [@quelle#p2].\n")})
    assert main(["lock", "--site", str(site)]) == 0
    edit(site, "content/quelle.md", "---\nDer Status", "---\nEin neuer Absatz.\n\nDer Status")
    terminal = Terminal("review", "--site", str(site))
    shown = terminal.expect("[r]eanchor, [s]kip, [q]uit: ")
    assert "quelle#p2 (content/quelle.md:8) now reads as #p3: a paragraph was inserted" in shown
    terminal.answer("a")  # accepting would cite the paragraph now at p2: not offered
    terminal.expect("please answer with one of the letters in brackets")
    terminal.answer("r")
    assert terminal.finish() == 0
    assert "reanchored briefs/b.md:5: quelle#p2 → #p3" in terminal.seen
    assert (site / "briefs/b.md").read_text("utf-8").endswith("Istanbul [@quelle#p3].\n")
    assert check_site(site, CheckOptions(frozen=True)).diagnostics == ()


# Stale means not publishable.


def test_build_refuses_a_stale_citation_and_leaves_the_output(
    changed_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--site", str(changed_site), "--no-search"]) == 1
    out = capsys.readouterr().out
    assert "error[stale-citation]" in out
    assert "diff: In Istanbul trafen {+sich+} Vertreter der USA und …" in out
    assert not (changed_site / "public").exists()


def test_build_allow_stale_publishes_and_prints_each_stale_citation(
    changed_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--allow-stale", "--site", str(changed_site), "--no-search"]) == 0
    output = capsys.readouterr()
    assert output.out.count("warning[stale-citation]") == 2
    assert "published with 2 stale citations (--allow-stale)" in output.out
    assert (changed_site / "public/briefs/b/index.html").is_file()


def test_check_keeps_a_stale_citation_a_warning(changed_site: Path) -> None:
    result = check_site(changed_site, CheckOptions())
    assert [(d.code, d.severity.value) for d in result.diagnostics] == [
        ("stale-citation", "warning"),
        ("stale-citation", "warning"),
    ]
    assert result.errors == 0
