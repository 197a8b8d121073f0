"""Diagnostics in German and English: every message has a German translation in the
gettext catalogue, the compiled catalogue is the compile of the committed one, and the
language is chosen by --lang, SITE_BUILDER_LANG, a German locale or the site's language."""

from __future__ import annotations

import ast
import fnmatch
import gettext
import io
import json
import os
import pickle
import re
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from site_builder.cli import main
from site_builder.diagnostics import CODES, Diagnostic, Span, error, warning
from site_builder.language import (
    ENGLISH,
    choose_language,
    environment_language,
    language_of_site,
    load_language,
)
from site_builder.messages import (
    Message,
    NumberFormatter,
    and_list,
    literal,
    msg,
    msg_n,
    translate,
)
from site_builder.report import format_github, format_json, format_text, summary
from site_builder.serve.serve import diagnostics_text
from tests.conftest import MakeSite
from tests.sitefiles import brief

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "site_builder"
LOCALE = PACKAGE / "locale"
GERMAN_PO = LOCALE / "de" / "LC_MESSAGES" / "site_builder.po"
GERMAN_MO = LOCALE / "de" / "LC_MESSAGES" / "site_builder.mo"
TEMPLATE = LOCALE / "site_builder.pot"
KEYWORDS = {"msg": None, "msg_n": (1, 2)}  # as scripts/catalogues extracts them

MessageId = str | tuple[str, str]


def extracted() -> dict[MessageId, str]:
    """Every message of the code, as Babel extracts it, with the file it is in."""
    found: dict[MessageId, str] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        PACKAGE, keywords=KEYWORDS
    ):
        found.setdefault(message, filename)
    return found


def german_catalogue() -> Catalog:
    with GERMAN_PO.open("rb") as file:
        return read_po(file)


def placeholders(template: str) -> set[tuple[str, str]]:
    """The ``{name:spec}`` fields of a template, as (name, spec) pairs."""
    return {
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


# -- the catalogue ---------------------------------------------------------------------------


def test_every_message_has_a_german_translation_with_the_same_placeholders() -> None:
    catalogue = german_catalogue()
    problems = []
    for message_id, filename in extracted().items():
        entry = catalogue.get(message_id)
        if entry is None:
            problems.append(f"{filename}: not in the German catalogue: {message_id!r}")
            continue
        if entry.fuzzy:
            problems.append(f"{filename}: fuzzy (to be checked) in German: {message_id!r}")
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = message_id if isinstance(message_id, tuple) else (message_id,)
        wanted = set().union(*(placeholders(i) for i in ids))
        for form in forms:
            if not form:
                problems.append(f"{filename}: no German translation: {message_id!r}")
            # A plural form may leave the number out ("ein Absatz"), never anything else.
            elif placeholders(form) - {("n", "")} != wanted - {("n", "")}:
                problems.append(f"{filename}: placeholders differ in German: {form!r}")
    assert problems == []


def test_the_template_holds_exactly_the_messages_of_the_code() -> None:
    """``scripts/catalogues`` was run after the last change of a message."""
    with TEMPLATE.open("rb") as file:
        template = {message.id for message in read_po(file) if message.id}
    assert template == set(extracted())


def test_the_shipped_catalogue_is_the_compile_of_the_committed_one() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, german_catalogue())
    assert GERMAN_MO.read_bytes() == compiled.getvalue(), "run scripts/catalogues"


def test_message_templates_are_literal_strings_babel_can_extract() -> None:
    """An f-string or a variable as a template would be missing from the catalogue."""
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            literal_args = {"msg": 1, "msg_n": 2}.get(node.func.id, 0)
            for argument in node.args[:literal_args]:
                if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert problems == []


def test_the_compiled_catalogue_ships_in_the_package() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["site_builder"]
    shipped = GERMAN_MO.relative_to(PACKAGE).as_posix()
    assert any(fnmatch.fnmatch(shipped, pattern) for pattern in patterns)


def test_german_code_names_are_unique_lowercase_and_hyphenated() -> None:
    names = [code.german for code in CODES.values()]
    assert len(set(names)) == len(names)
    assert [n for n in names if not re.fullmatch(r"[a-zäöüß]+(-[a-zäöüß]+)*", n)] == []


# -- messages --------------------------------------------------------------------------------

GERMAN = load_language("de")


def test_a_message_is_its_english_text_and_says_it_in_german_too() -> None:
    message = msg("there is no source '{id}'", id="kreml")
    assert message == "there is no source 'kreml'"
    assert sorted([message, "a"]) == ["a", message]
    assert GERMAN(message) == "es gibt keine Quelle „kreml“"
    assert ENGLISH(message) == "there is no source 'kreml'"


def test_arguments_that_are_messages_are_translated_and_editor_text_is_not() -> None:
    # "error" is a message of its own: as an editor's text it must stay as written.
    message = msg(
        "{items} or {last}", items=literal("error"), last=msg_n("{n} brief", "{n} briefs", 2)
    )
    assert GERMAN(message) == "error oder 2 Meldungen"
    assert GERMAN("error") == "error"
    assert GERMAN(and_list([literal("a#p1"), literal("#p2")])) == "a#p1 und #p2"


def test_plural_forms_follow_the_number() -> None:
    assert GERMAN(msg_n("{n} warning", "{n} warnings", 1)) == "1 Warnung"
    assert GERMAN(msg_n("{n} warning", "{n} warnings", 2)) == "2 Warnungen"
    assert msg_n("{n} warning", "{n} warnings", 1) == "1 warning"


def test_numbers_are_written_as_each_language_writes_them() -> None:
    message = msg(
        "the file has {mib:.1f} MiB ({size:,} bytes); files over 1 MiB are not read",
        mib=1.5,
        size=1_572_864,
    )
    assert message == "the file has 1.5 MiB (1,572,864 bytes); files over 1 MiB are not read"
    assert GERMAN(message).startswith("die Datei hat 1,5 MiB (1.572.864 Bytes)")


def test_a_translation_with_a_broken_placeholder_falls_back_to_english() -> None:
    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "Quelle „{idd}“ fehlt"

    message = msg("there is no source '{id}'", id="kreml")
    assert translate(message, Broken(), NumberFormatter()) == "there is no source 'kreml'"


def test_a_message_survives_pickling_with_its_translation() -> None:
    """The build cache keeps diagnostics as pickles; a cached one must still translate."""
    problem = error(
        Span("briefs/a.md", 3, 4),
        "unknown-source",
        msg("there is no source '{id}'", id="kreml"),
        hint=msg("sources are the files in content/; the id is the file name or 'id:'"),
    )
    restored = pickle.loads(pickle.dumps(problem, pickle.HIGHEST_PROTOCOL))
    assert restored == problem
    assert isinstance(restored.message, Message)
    assert GERMAN(restored.message) == "es gibt keine Quelle „kreml“"


# -- the report ------------------------------------------------------------------------------


def _unknown_anchor() -> Diagnostic:
    return error(
        Span("briefs/x.md", 8, 41),
        "unknown-anchor",
        msg(
            "source '{id}' has no anchor '{anchor}' (it has {anchors})",
            id="kreml-gebiete",
            anchor="p99",
            anchors="p1–p11",
        ),
        hint=msg("'site-builder anchors {id}' lists them", id="kreml-gebiete"),
    )


def test_text_output_in_german_names_the_code_in_german() -> None:
    assert format_text(_unknown_anchor(), language=GERMAN).splitlines() == [
        "briefs/x.md:8:41: Fehler[unbekannter-anker]: Quelle „kreml-gebiete“ hat keinen Anker "
        "„p99“ (sie hat p1–p11)",
        "  Hinweis: „site-builder anchors kreml-gebiete“ listet die Anker",
    ]


def test_json_and_github_output_keep_the_english_code_and_translate_the_text() -> None:
    diagnostic = _unknown_anchor()
    record = json.loads(format_json([diagnostic], {}, GERMAN))["diagnostics"][0]
    assert (record["code"], record["severity"]) == ("unknown-anchor", "error")
    assert record["message"].startswith("Quelle „kreml-gebiete“ hat keinen Anker")
    annotation = format_github(diagnostic, GERMAN)
    assert annotation.startswith("::error file=briefs/x.md,line=8,col=41,title=unknown-anchor::")
    assert "Hinweis: „site-builder anchors kreml-gebiete“" in annotation


def test_detail_labels_are_translated_in_text_and_kept_in_json() -> None:
    stale = warning(
        Span("briefs/x.md", 3, 1),
        "stale-citation",
        msg("the text of {place} changed since this citation was checked", place="q#p1"),
        hint=msg("run 'site-builder check' or 'site-builder lock' to drop it"),
        details=((msg("diff"), "[-alt-]{+neu+}"),),
    )
    assert "  Änderung: [-alt-]{+neu+}" in format_text(stale, language=GERMAN)
    assert json.loads(format_json([stale], {}, GERMAN))["diagnostics"][0]["details"] == [
        {"label": "diff", "text": "[-alt-]{+neu+}"}
    ]


def test_serve_shows_diagnostics_in_the_chosen_language() -> None:
    shown = diagnostics_text([_unknown_anchor()], False, language=GERMAN)
    assert shown.startswith("briefs/x.md:8:41: Fehler[unbekannter-anker]: Quelle „kreml-gebiete“")


def test_the_closing_line_counts_in_german() -> None:
    no_citations = warning(
        Span("a.md"), "no-citations", msg("brief cites no source"), hint=msg("hint")
    )
    problems = [_unknown_anchor(), _unknown_anchor(), no_citations]
    assert summary(problems, 3, 2, GERMAN) == "2 Fehler, 1 Warnung in 3 Meldungen und 2 Quellen"
    assert summary([], 1, 1, GERMAN) == "ok: 1 Meldung und 1 Quelle geprüft, keine Probleme"
    assert summary([], 1, 1, ENGLISH) == "ok: 1 brief and 1 source checked, no problems"


# -- which language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "site", "expected"),
    [
        ({}, "de", "de"),
        ({}, "de-AT", "de"),
        ({}, "en", "en"),
        ({}, "fr", "en"),
        ({"LANG": "C.UTF-8"}, "de", "de"),  # CI runners and containers
        ({"LANG": "en_US.UTF-8"}, "de", "de"),  # a laptop's default on a German desk
        ({"LANG": "de_DE.UTF-8"}, "en", "de"),
        ({"LC_MESSAGES": "de_CH"}, "en", "de"),
        ({"LANGUAGE": "fr:de", "LANG": "en_US.UTF-8"}, "en", "de"),  # a preference list
        ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en", "en"),  # LC_ALL comes first
        ({"LANGUAGE": "", "LANG": "de_AT.UTF-8@euro"}, "en", "de"),
        # LC_MESSAGES and LC_ALL are set on purpose: either language there wins.
        ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "de_DE.UTF-8"}, "de", "en"),
        ({"LC_ALL": "en_GB.UTF-8"}, "de", "en"),
        ({"LC_MESSAGES": "fr_FR.UTF-8"}, "de", "de"),  # no catalogue: the site decides
        ({"LANGUAGE": "en_US:en"}, "de", "de"),  # a desktop session's default
    ],
)
def test_the_locale_overrides_the_site_when_chosen_for_messages_or_german(
    environ: dict[str, str], site: str, expected: str
) -> None:
    assert choose_language(None, environ, lambda: site) == expected


def test_the_option_wins_and_the_site_is_read_only_when_needed() -> None:
    def unread() -> str:
        raise AssertionError("the site's language was read")

    assert choose_language("en", {"LANG": "de_DE.UTF-8"}, unread) == "en"
    assert choose_language(None, {"LANG": "de_DE.UTF-8"}, unread) == "de"
    assert environment_language({"LANG": "POSIX"}) is None
    assert language_of_site(None) == "en"


# -- the command line ------------------------------------------------------------------------

BROKEN = brief("Peskow sprach von einem Prozess [@quelle#p99].\n")


@pytest.fixture
def locale_free(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No language chosen outside the test: conftest's English pin and the machine's locale
    are removed."""
    for name in ("SITE_BUILDER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    yield


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["check", *args])
    output = capsys.readouterr()
    return status, output.out, output.err


@pytest.mark.usefixtures("locale_free")
def test_a_german_site_reports_a_real_check_in_german_and_in_english_on_request(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = str(make_site({"briefs/b.md": BROKEN}))
    status, german, _ = check(capsys, "--site", site)
    assert status == 1
    assert german.splitlines() == [
        "briefs/b.md:5:34: Fehler[unbekannter-anker]: Quelle „quelle“ hat keinen Anker „p99“ "
        "(sie hat p1–p4, istanbul)",
        "   |",
        " 5 | Peskow sprach von einem Prozess [@quelle#p99].",
        "   |                                  ^^^^^^^^^^^",
        "   = Hinweis: „site-builder anchors quelle“ listet die Anker",
        "1 Fehler, 0 Warnungen in 1 Meldung und 1 Quelle",
    ]
    assert check(capsys, "--site", site, "--lang", "de")[1] == german
    _, english, _ = check(capsys, "--site", site, "--lang", "en")
    assert english.splitlines() == [
        "briefs/b.md:5:34: error[unknown-anchor]: source 'quelle' has no anchor 'p99' "
        "(it has p1–p4, istanbul)",
        "   |",
        " 5 | Peskow sprach von einem Prozess [@quelle#p99].",
        "   |                                  ^^^^^^^^^^^",
        "   = hint: 'site-builder anchors quelle' lists them",
        "1 error, 0 warnings in 1 brief and 1 source",
    ]


@pytest.mark.usefixtures("locale_free")
def test_diagnostics_read_from_the_cache_are_translated_too(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = str(make_site({"briefs/b.md": BROKEN}))
    first = check(capsys, "--site", site, "--lang", "de")[1]
    assert (make_site().parent / "site" / ".site-builder-cache").is_dir()
    assert check(capsys, "--site", site, "--lang", "de")[1] == first
    assert "Fehler[unbekannter-anker]" in first


@pytest.mark.usefixtures("locale_free")
def test_an_english_site_speaks_english_unless_the_locale_asks_for_german(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site_yaml = "title: Test\nbase_url: https://example.org/\nlanguage: en\n"
    site = str(make_site({"site.yaml": site_yaml, "briefs/b.md": BROKEN}))
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert "error[unknown-anchor]" in check(capsys, "--site", site)[1]
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert "Fehler[unbekannter-anker]" in check(capsys, "--site", site)[1]
    monkeypatch.setenv("SITE_BUILDER_LANG", "en")
    assert "error[unknown-anchor]" in check(capsys, "--site", site)[1]


@pytest.mark.usefixtures("locale_free")
def test_a_broken_site_yaml_is_reported_in_the_language_it_names(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site_yaml = "title: Test\nlanguage: de\nbase_ulr: https://example.org/\n"
    status, _, err = check(capsys, "--site", str(make_site({"site.yaml": site_yaml})))
    assert status == 2
    assert err.splitlines() == [
        "site.yaml:3:1: Fehler[unbekanntes-feld]: unbekanntes Feld „base_ulr“ in site.yaml",
        "   |",
        " 3 | base_ulr: https://example.org/",
        "   | ^^^^^^^^",
        "   = Hinweis: vielleicht „base_url“? mögliche Felder (site.yaml): title, description, "
        "base_url, language, require_citation_per_paragraph",
    ]


@pytest.mark.usefixtures("locale_free")
def test_an_unknown_language_in_the_environment_is_a_usage_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_BUILDER_LANG", "fr")
    status, out, err = check(capsys, "--site", str(make_site()))
    assert (status, out) == (2, "")
    assert err == "site-builder: error: SITE_BUILDER_LANG must be one of de, en, not 'fr'\n"


# -- the site's language, remembered in the build cache (``config.site_language``) ---------


def _site_yaml(language: str) -> str:
    return f"title: Test\nbase_url: https://example.org/\nlanguage: {language}\n"


@pytest.mark.usefixtures("locale_free")
def test_the_remembered_language_follows_site_yaml_whatever_its_stat_says(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The language is remembered for the bytes of ``site.yaml``, never for its ``stat``:
    a file rewritten with the same size and its times set back still speaks anew."""
    root = make_site({"site.yaml": _site_yaml("en"), "briefs/b.md": BROKEN})
    site = str(root)
    for _ in range(2):  # the first run makes the cache, the second remembers
        assert "error[unknown-anchor]" in check(capsys, "--site", site)[1]
    assert (root / ".site-builder-cache" / "build" / "site-language.pickle").is_file()
    path = root / "site.yaml"
    before = path.stat()
    path.write_text(_site_yaml("de"), "utf-8")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "Fehler[unbekannter-anker]" in check(capsys, "--site", site)[1]
    assert "Fehler[unbekannter-anker]" in check(capsys, "--site", site)[1]
    monkeypatch.setenv("SITE_BUILDER_LANG", "en")  # the environment still wins
    assert "error[unknown-anchor]" in check(capsys, "--site", site)[1]
    monkeypatch.delenv("SITE_BUILDER_LANG")
    path.write_text(_site_yaml("en"), "utf-8")
    assert "error[unknown-anchor]" in check(capsys, "--site", site)[1]


@pytest.mark.usefixtures("locale_free")
def test_choosing_the_language_makes_no_cache_folder(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Only a command that uses the cache, and only once the cache is there, remembers the
    language: a folder that turns out to be no site gets no ``.site-builder-cache``."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "site.yaml").write_text("title: Test\nlanguage: en\nbase_ulr: x\n", "utf-8")
    assert check(capsys, "--site", str(broken))[0] == 2
    assert not (broken / ".site-builder-cache").exists()
    root = make_site({"site.yaml": _site_yaml("en"), "briefs/b.md": BROKEN})
    for _ in range(2):
        assert "error[unknown-anchor]" in check(capsys, "--site", str(root), "--no-cache")[1]
    assert not (root / ".site-builder-cache").exists()
