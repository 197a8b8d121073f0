"""The lock's promise under random source edits (Hypothesis): whatever paragraphs are
inserted, deleted, swapped or reworded, and whatever a bare ``lock`` and ``reanchor`` then
do, ``check --frozen`` flags exactly the citations whose paragraph no longer reads as the
editor checked it, and nothing else; a bare ``lock`` accepts nothing; ``reanchor`` only
changes anchors, and only to the paragraph that holds the checked text.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.cli import main
from tests.sitefiles import SITE_YAML, brief, write_site

BOUNDED = settings(max_examples=60, deadline=None)
WORDS = ["Kreml", "Türkei", "Gespräche", "Istanbul", "Riad", "Verhandlungen", "Moskau", "Kiew"]
_CITATION = re.compile(r"@quelle#p([0-9]+)")


@dataclass(frozen=True)
class Edit:
    kind: str  # insert, delete, swap, reword
    at: int


edits = st.lists(
    st.builds(Edit, st.sampled_from(["insert", "delete", "swap", "reword"]), st.integers(0, 20)),
    min_size=1,
    max_size=4,
)


def paragraph_text(number: int) -> str:
    """A distinct paragraph (no two paragraphs of a source read alike)."""
    return f"Absatz {number} über {WORDS[number % len(WORDS)]} und die Lage."


def apply(paragraphs: list[str], edit: Edit, serial: int) -> None:
    """One editor's change to the source paragraphs, in place; ``serial`` keeps new text
    distinct."""
    at = edit.at % (len(paragraphs) + (1 if edit.kind == "insert" else 0))
    if edit.kind == "insert":
        paragraphs.insert(at, f"Eingefügter Absatz {serial}.")
    elif edit.kind == "delete" and len(paragraphs) > 1:
        del paragraphs[at]
    elif edit.kind == "swap" and at + 1 < len(paragraphs):
        paragraphs[at], paragraphs[at + 1] = paragraphs[at + 1], paragraphs[at]
    elif edit.kind == "reword":
        paragraphs[at] = paragraphs[at].replace("Lage", f"Lage {serial}")


def source_file(paragraphs: list[str]) -> str:
    return "---\ntitle: Quelle\n---\n" + "\n\n".join(paragraphs) + "\n"


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(args))
    return code, out.getvalue()


def flagged_lines(site: Path) -> set[int]:
    """The lines of the brief that ``check --frozen`` reports a problem on."""
    _, out = cli("check", "--frozen", "--format", "json", "--site", str(site))
    return {d["line"] for d in json.loads(out)["diagnostics"] if d["path"] == "briefs/b.md"}


def expected_lines(site: Path, paragraphs: list[str], checked: list[str]) -> set[int]:
    """The lines whose citation no longer reads as checked: sentence ``i`` was checked
    against ``checked[i]``; its anchor now points at another text, or at nothing."""
    wanted = set()
    lines = (site / "briefs/b.md").read_text("utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        sentence = re.match(r"Satz ([0-9]+) ", line)
        citation = _CITATION.search(line)
        if sentence is None or citation is None:
            continue
        anchor = int(citation.group(1))
        now = paragraphs[anchor - 1] if anchor <= len(paragraphs) else None
        if now != checked[int(sentence.group(1))]:
            wanted.add(number)
    return wanted


@BOUNDED
@given(
    size=st.integers(3, 7),
    cited=st.lists(st.integers(0, 6), min_size=1, max_size=5),
    changes=edits,
    lock_first=st.booleans(),
)
def test_check_flags_exactly_the_citations_whose_text_is_no_longer_as_checked(
    size: int, cited: list[int], changes: list[Edit], lock_first: bool
) -> None:
    original = [paragraph_text(n) for n in range(size)]
    anchors = [n % size + 1 for n in cited]  # positional anchors, 1-based
    body = "\n\n".join(f"Satz {i} [@quelle#p{a}]." for i, a in enumerate(anchors))
    with tempfile.TemporaryDirectory() as folder:
        site = write_site(
            Path(folder),
            {
                "site.yaml": SITE_YAML,
                "content/quelle.md": source_file(original),
                "briefs/b.md": brief(body),
            },
            defaults=False,
        )
        assert cli("lock", "--site", str(site))[0] == 0
        checked = [original[a - 1] for a in anchors]  # what sentence i was checked against
        lock_before = (site / "citations.lock").read_bytes()
        paragraphs = original.copy()
        for serial, edit in enumerate(changes):
            apply(paragraphs, edit, serial)
        (site / "content/quelle.md").write_text(source_file(paragraphs), "utf-8")

        changed = any(paragraphs[a - 1 : a] != [original[a - 1]] for a in anchors)
        if lock_first:  # a bare lock without a terminal accepts no changed paragraph
            code, _ = cli("lock", "--site", str(site))
            assert code == (1 if changed else 0)
            assert (site / "citations.lock").read_bytes() == lock_before
        assert flagged_lines(site) == expected_lines(site, paragraphs, checked)

        brief_before = (site / "briefs/b.md").read_text("utf-8")
        cli("reanchor", "--site", str(site))
        brief_after = (site / "briefs/b.md").read_text("utf-8")
        # Only anchors changed, and each rewritten one now holds the text that was checked.
        assert _CITATION.sub("@quelle#p", brief_after) == _CITATION.sub("@quelle#p", brief_before)
        for old, new in zip(
            _CITATION.findall(brief_before), _CITATION.findall(brief_after), strict=True
        ):
            if old != new:
                assert paragraphs[int(new) - 1] == original[int(old) - 1]
        assert flagged_lines(site) == expected_lines(site, paragraphs, checked)
