"""Outlet keys and the reporter a brief's sentence names (``site_builder.check.outlets``)."""

from __future__ import annotations

import pytest

from site_builder.check.outlets import (
    host_of,
    named_reporters,
    outlet_key,
    outlet_keys,
    outlet_label,
)

KNOWN = outlet_keys(
    ["die-nachrichten.at", "http://www.kleinezeitung.at", "https://www.tagesschau.de", "ORF"]
)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("die-nachrichten.at", "dienachrichten"),
        ("Die Nachrichten", "dienachrichten"),
        ("https://www.die-nachrichten.at/politik/artikel?id=3", "dienachrichten"),
        ("http://www.kleinezeitung.at", "kleinezeitung"),
        ("Kleine Zeitung", "kleinezeitung"),
        ("tagesschau.de", "tagesschau"),
        ("ORF.at", "orf"),
        ("https://www.bbc.co.uk/news", "bbc"),
        ("www.example.org:8080/a", "example"),
        ("Süddeutsche Zeitung", "süddeutschezeitung"),
        ("AFP/dpa", "afpdpa"),
    ],
)
def test_outlet_key_brings_the_ways_of_writing_an_outlet_together(written: str, key: str) -> None:
    assert outlet_key(written) == key


def test_a_host_is_named_without_scheme_www_and_path() -> None:
    assert host_of("http://www.kleinezeitung.at/politik") == "kleinezeitung.at"
    assert host_of("Die Nachrichten") is None
    assert outlet_label("https://www.tagesschau.de") == "tagesschau.de"
    assert outlet_label(" Die Presse ") == "Die Presse"


@pytest.mark.parametrize(
    ("sentence", "reporters"),
    [
        ("Er fürchtet das, wie kleinezeitung.at berichtete.", ["kleinezeitung.at"]),
        ("Laut tagesschau.de ist es so.", ["tagesschau.de"]),
        ("Kleine Zeitung zufolge ist es so.", ["Kleine Zeitung"]),
        ("Das berichtete die Kleine Zeitung am Montag.", ["Kleine Zeitung"]),
        ("Nach Angaben von ORF war es kalt.", ["ORF"]),
        ("According to tagesschau.de, it was cold.", ["tagesschau.de"]),
        ("Die Nachrichten reported it.", ["Die Nachrichten"]),
        (
            "Es sei so, wie die-nachrichten.at unter Berufung auf kleinezeitung.at berichtete.",
            ["die-nachrichten.at"],
        ),
        ("Laut spiegel.de und wie orf.at meldete, war es so.", ["spiegel.de", "orf.at"]),
        ("Laut Peskow ist es so.", []),
        ("Peskow zufolge ist es so.", []),
        ("Laut Die Presse ist es so.", []),  # not a known outlet, not a domain
        ("Laut z.B. Mio.Euro ist es so.", []),
        ("Wie berichtet, trafen sie sich in Wien.", []),
        ("Sie trafen sich in Wien, Kleine Zeitung.", []),
    ],
)
def test_the_reporter_a_sentence_names(sentence: str, reporters: list[str]) -> None:
    assert [r.text for r in named_reporters(sentence, KNOWN)] == reporters


def test_a_name_does_not_run_across_punctuation() -> None:
    assert named_reporters("Laut Kleine, Zeitung ist es so.", KNOWN) == ()
