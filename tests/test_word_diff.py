"""Word diffs in the convention of ``git diff --word-diff=plain`` (SPEC §5): what a stale
citation shows an editor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder.check.word_diff import describe, render_plain, word_diff
from site_builder.report import paint_word_diff

P14 = (
    "Das NATO-Mitgliedsland Türkei versucht, bei Verhandlungen über ein Ende der Kämpfe in der "
    "Ukraine eine Rolle zu spielen. Im März 2022 hatte das Land zweimal direkte Gespräche "
    "zwischen Moskau und Kiew ausgerichtet."
)


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("hatte zweimal direkte", "hatte dreimal direkte", "hatte [-zweimal-]{+dreimal+} direkte"),
        (
            "trafen Vertreter der USA",
            "trafen sich Vertreter der USA",
            "trafen {+sich+} Vertreter der USA",
        ),
        ("trafen sich Vertreter", "trafen Vertreter", "trafen [-sich-] Vertreter"),
        ("das Land zweimal", "das Land zwei Mal", "das Land [-zweimal-]{+zwei Mal+}"),
        ("a b c d", "a x y d", "a [-b c-]{+x y+} d"),
        ("Kiew ausgerichtet.", "Kiew ausgerichtet!", "Kiew ausgerichtet[-.-]{+!+}"),
        ('als "Prozess", der', "als „Prozess“, der", 'als [-"-]{+„+}Prozess[-"-]{+“+}, der'),
        (
            "Außenministeriumssprecher Georgiy",
            "Außenamtssprecher Georgiy",
            "[-Außenministeriumssprecher-]{+Außenamtssprecher+} Georgiy",
        ),
        ("für Gespräche", "für Gespräche über", "für Gespräche {+über+}"),
        ("Jänner amtierende", "Januar amtierende", "[-Jänner-]{+Januar+} amtierende"),
        (
            "süd- und ostukrainischen",
            "süd- und westukrainischen",
            "süd- und [-ostukrainischen-]{+westukrainischen+}",
        ),
        ("Neu.", "Ganz neu.", "[-Neu-]{+Ganz neu+}."),
    ],
    ids=[
        "replaced word",
        "inserted word",
        "deleted word",
        "one word becomes two",
        "adjacent changes join",
        "changed punctuation alone",
        "quotation marks",
        "umlaut and ß in a long word",
        "appended word",
        "umlaut replaced",
        "hyphenated German compound",
        "change at the start",
    ],
)
def test_word_diff_marks_exactly_the_changed_words(old: str, new: str, shown: str) -> None:
    assert describe(old, new) == shown


def test_a_long_paragraph_is_shortened_to_a_few_words_around_the_change() -> None:
    new = P14.replace("zweimal", "dreimal")
    assert describe(P14, new) == (
        "… 2022 hatte das Land [-zweimal-]{+dreimal+} direkte Gespräche zwischen Moskau …"
    )


def test_two_distant_changes_keep_context_each_and_cut_between() -> None:
    new = P14.replace("Das NATO", "Die NATO").replace("Kiew", "Kyjiw")
    assert describe(P14, new) == (
        "[-Das-]{+Die+} NATO-Mitgliedsland Türkei versucht, bei … Gespräche zwischen Moskau "
        "und [-Kiew-]{+Kyjiw+} ausgerichtet."
    )


def test_more_context_when_asked() -> None:
    new = P14.replace("zweimal", "dreimal")
    assert describe(P14, new, context=1) == "… Land [-zweimal-]{+dreimal+} direkte …"


def test_a_decomposed_umlaut_is_one_word_with_its_letter() -> None:
    decomposed = "Ba\u0308r"  # "Bär" written as a + combining diaeresis
    assert describe(f"Der {decomposed} kam", "Der Bär kam") == f"Der [-{decomposed}-]{{+Bär+}} kam"


def test_texts_that_differ_only_in_spacing_are_shown_whole() -> None:
    assert describe("a,b", "a, b") == "[-a,b-]{+a, b+}"


def test_on_a_terminal_removed_words_are_red_and_added_words_green() -> None:
    assert paint_word_diff("Land [-zweimal-]{+dreimal+} direkte") == (
        "Land \033[31m[-zweimal-]\033[0m\033[32m{+dreimal+}\033[0m direkte"
    )


words = st.lists(st.sampled_from(["der", "die", "Kreml", "Türkei", "zweimal", ",", "„", "“", "."]))


@given(words, words)
def test_old_and_new_text_can_be_read_back_from_the_diff(old: list[str], new: list[str]) -> None:
    """Unshortened, the diff holds both versions: the shared and removed parts give the
    old text, the shared and added parts the new one (spacing aside)."""
    old_text, new_text = " ".join(old), " ".join(new)
    parts = word_diff(old_text, new_text)
    as_old = "".join(p.text for p in parts if p.kind != "added")
    as_new = "".join(p.text for p in parts if p.kind != "removed")
    assert _glued(as_old) == _glued(old_text)
    assert _glued(as_new) == _glued(new_text)
    assert render_plain(parts).count("[-") == sum(1 for p in parts if p.kind == "removed")


def _glued(text: str) -> str:
    return "".join(text.split())
