"""The lines a command prints besides diagnostics (what it did, what to do next, its
prompts and refusals) speak the language the diagnostics speak: German on a German site,
English with ``--lang en``, with each language's plurals."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.create.init_cli import site_settings
from site_builder.language import load_language
from site_builder.pipeline import BuildOptions
from site_builder.serve.serve import Console, ServeOptions, start_server
from site_builder.serve.watch import WatchOptions
from tests.conftest import MakeSite
from tests.sitefiles import brief
from tests.test_init import GIT_PIN
from tests.test_serve import wait_until

ONE_CITATION = brief("Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n")
TWO_CITATIONS = brief(
    "Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1] [@quelle#p2].\n"
)
TEXT_ARTICLE = "Erster Absatz des Artikels.\n\nZweiter Absatz des Artikels.\n"
FAST = WatchOptions(interval=0.02, settle=0.05, quiet=3600)


@pytest.fixture(autouse=True)
def _language_of_the_site(monkeypatch: pytest.MonkeyPatch) -> None:
    """No language chosen by the environment: the site's (German, in tests/sitefiles.py)
    decides, as on a newsroom laptop with no German locale."""
    for name in ("SITE_BUILDER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # init asks nothing


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_check_says_in_german_that_it_recorded_the_lock_changes_with_plurals(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": TWO_CITATIONS})
    status, out, err = run(capsys, "check", "--site", str(site))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "ok: 1 Meldung und 1 Quelle geprüft, keine Probleme",
        "citations.lock: 2 Änderungen an Belegen eingetragen; die Datei mit den Meldungen "
        "committen",
    ]
    (site / "briefs" / "c.md").write_text(ONE_CITATION.replace("p1]", "p3]"), encoding="utf-8")
    status, out, err = run(capsys, "check", "--site", str(site))
    assert out.splitlines()[-1].startswith("citations.lock: 1 Änderung an Belegen eingetragen;")


def test_lang_en_says_it_in_english_with_a_proper_plural(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": ONE_CITATION})
    status, out, _ = run(capsys, "check", "--lang", "en", "--site", str(site))
    assert status == 0
    assert out.splitlines() == [
        "ok: 1 brief and 1 source checked, no problems",
        "citations.lock: recorded 1 citation change; commit it with the briefs",
    ]


def test_build_says_what_it_wrote_in_german(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": ONE_CITATION})
    run(capsys, "lock", "--site", str(site))
    status, out, err = run(capsys, "build", "--no-search", "--site", str(site))
    assert (status, err) == (0, "")
    last = out.splitlines()[-1]
    assert last.endswith(f"Dateien in {site / 'public'} erstellt"), last
    (site / "briefs" / "b.md").write_text(brief("Text [@quelle#p9].\n"), encoding="utf-8")
    status, out, _ = run(capsys, "build", "--no-search", "--site", str(site))
    assert status == 1
    assert out.splitlines()[-1] == f"nicht gebaut: {site / 'public'} blieb unverändert"
    status, out, _ = run(capsys, "build", "--no-search", "--lang", "en", "--site", str(site))
    assert out.splitlines()[-1] == f"not built: {site / 'public'} was left as it was"


def test_new_says_what_it_created_and_refuses_in_german(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    status, out, err = run(capsys, "new", "Kreml schließt aus", "--site", str(site))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "briefs/kreml-schliesst-aus.md angelegt (ein Entwurf: zum Veröffentlichen "
        "„draft: false“ setzen)",
        "den Text schreiben; Quellen als [@quelle#p1] belegen („site-builder anchors QUELLE“ "
        "listet die Absätze)",
    ]
    status, out, err = run(capsys, "new", "Kreml schließt aus", "--site", str(site))
    assert (status, out) == (2, "")
    assert err == (
        "site-builder: Fehler: briefs/kreml-schliesst-aus.md gibt es schon; einen anderen "
        "Titel wählen oder diese Datei bearbeiten\n"
    )
    status, _, err = run(capsys, "new", "Kreml schließt aus", "--lang", "en", "--site", str(site))
    assert err == (
        "site-builder: error: briefs/kreml-schliesst-aus.md exists already; choose another "
        "title or edit that file\n"
    )


def test_import_says_what_it_created_and_refuses_in_german(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = make_site()
    article = tmp_path / "artikel.txt"
    article.write_text(TEXT_ARTICLE, encoding="utf-8")
    status, out, err = run(capsys, "import", str(article), "--site", str(site))
    assert (status, out) == (2, "")
    assert err == (
        f"site-builder: Fehler: {article} nennt keinen Titel; die Überschrift des Artikels "
        'mit --title "…" angeben\n'
    )
    named = ("--title", "Ein Artikel", "--outlet", "dpa", "--site", str(site))
    status, out, err = run(capsys, "import", str(article), *named)
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == "content/ein-artikel.md angelegt (als [@ein-artikel#p1] belegen)"
    status, out, err = run(capsys, "import", str(article), *named)
    assert status == 2
    assert err == (
        "site-builder: Fehler: content/ein-artikel.md gibt es schon; der neuen Quelle mit "
        "--id einen anderen Namen geben\n"
    )


def test_init_speaks_the_language_of_the_site_it_creates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "init", str(tmp_path / "zeitung"), "--site-builder", GIT_PIN)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Website „zeitung“ in {(tmp_path / 'zeitung').as_posix()}/ angelegt:"
    assert "nächste Schritte:" in lines
    assert lines[1].split()[0] == "site.yaml" and "Titel, Sprache (de)" in lines[1]
    english = ("--language", "en", "--site-builder", GIT_PIN)
    status, out, _ = run(capsys, "init", str(tmp_path / "paper"), *english)
    assert out.splitlines()[0].startswith("created the site 'paper' in ")
    assert "next steps:" in out.splitlines()
    status, out, _ = run(capsys, "init", str(tmp_path / "blatt"), "--lang", "en")
    assert out.splitlines()[0].startswith("created the site 'blatt' in ")


def test_init_refuses_in_german(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "voll").mkdir()
    (tmp_path / "voll" / "notiz.txt").write_text("x", encoding="utf-8")
    status, out, err = run(capsys, "init", str(tmp_path / "voll"))
    assert (status, out) == (2, "")
    assert err == (
        f"site-builder: Fehler: init: {tmp_path / 'voll'} ist nicht leer; init legt eine neue "
        "Website nur in einem leeren oder neuen Ordner an; nichts wurde geschrieben\n"
    )


def test_init_asks_in_german() -> None:
    asked: list[str] = []

    def ask(prompt: str) -> str | None:
        asked.append(prompt)
        return ""

    args = argparse.Namespace(title=None, language=None, base_url=None)
    site_settings(args, "zeitung", ask, load_language("de"))
    assert asked == [
        "Titel [zeitung]: ",
        "Sprache [de]: ",
        "Öffentliche Adresse, z. B. https://example.org/ (leer: die Adresse von GitHub Pages): ",
    ]


def test_lock_and_reanchor_close_in_german(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": ONE_CITATION})
    status, out, _ = run(capsys, "lock", "--site", str(site))
    assert status == 0
    assert out.splitlines()[-1] == (
        "citations.lock: 1 belegter Absatz festgehalten (1 neuer Beleg eingetragen)"
    )
    status, out, _ = run(capsys, "reanchor", "--site", str(site))
    assert out == "reanchor: kein belegter Absatz wurde verschoben; nichts umzuschreiben\n"


def test_serve_says_its_lines_in_german(make_site: MakeSite) -> None:
    site = make_site({"briefs/a.md": ONE_CITATION})
    said: list[str] = []
    console = Console(say=said.append, language=load_language("de"))
    options = ServeOptions(BuildOptions(search=False), port=0, watch=FAST)
    server = start_server(site, options, console)
    try:
        assert said[-1].endswith(" s gebaut") and " Dateien in " in said[-1], said
        assert "," in said[-1].split(" in ")[-1]  # 0,1 s: a German decimal comma
        (site / "briefs" / "a.md").write_text(
            ONE_CITATION + "\nNoch ein Satz [@quelle#p2].\n", "utf-8"
        )
        wait_until(lambda: any(line.startswith("geändert: ") for line in said), said)
        assert "geändert: briefs/a.md; wird neu gebaut" in said
        wait_until(lambda: said[-1].endswith(" s gebaut"), said)
        (site / "briefs" / "a.md").write_text(brief("Text [@quelle#p9].\n"), "utf-8")
        wait_until(lambda: said[-1].startswith("nicht neu gebaut"), said)
        assert said[-1] == "nicht neu gebaut: der letzte gute Build wird weiter bereitgestellt"
    finally:
        server.close()


def test_build_refuses_an_output_folder_in_german(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": ONE_CITATION})
    out = site / "briefs" / "public"
    status, _, err = run(capsys, "build", "--out", str(out), "--site", str(site))
    assert status == 2
    assert err == (
        f"site-builder: Fehler: --out: {out} liegt im Ordner briefs/ der Website; nichts "
        "wurde geschrieben oder gelöscht\n"
    )
