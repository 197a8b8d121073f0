"""The site's own files as an attacker or a careless editor leaves them (issue 16, points 5,
6, 14, 16 and 17): ``site.yaml`` and ``citations.lock`` that are links out of the site,
folders or pipes; a ``base_url`` that would write lines of its own into ``robots.txt``;
lock files that are deep, huge, ambiguous, from a newer version or hold lone surrogates;
``new`` with a title too long for a file name; YAML errors in ``site.yaml``.

Every case ends in a diagnostic or a one-line error with the documented exit status, never
a traceback or a hang: cases that could block (a pipe) run in a subprocess with a timeout
that only catches hangs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import site_builder
from site_builder.cli import main
from site_builder.diagnostics import CODES, Diagnostic, Span, error
from site_builder.load.config import ConfigError, load_config
from site_builder.load.front_matter import split_lines
from site_builder.lock.lock import LOCK_NAME, LockEntry, read_lock
from site_builder.report import format_github, format_json, format_text
from tests.conftest import MakeSite
from tests.sitefiles import brief

# The documented caps (README): a lock over 64 MiB is not read; ``new`` makes slugs of at
# most 80 characters. Written out so that a change of either is a change of this test too.
MAX_LOCK_BYTES = 64 * 1024 * 1024
MAX_NEW_SLUG = 80
BRIEF = brief("Der Status sei „unbestreitbar“ [@quelle#p1].\n")
# The package under test, wherever it is imported from (a worktree, or main to show that
# these tests fail there): the subprocesses run the same one.
PACKAGE_ROOT = str(Path(site_builder.__file__).resolve().parents[1])


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``site-builder ARGS`` in a subprocess; the timeout only catches a hang."""
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def parse_lock(data: bytes) -> tuple[dict[str, LockEntry] | None, list[Diagnostic]]:
    """``read_lock`` of a site whose lock holds ``data`` (only the public reader is used, so
    these tests also run against older versions of site-builder)."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / LOCK_NAME).write_bytes(data)
        return read_lock(Path(folder))


def refused(value: str, *, on_command_line: bool) -> bool:
    """Is ``value`` refused as a base_url: on the command line, where argparse stops with
    exit status 2 before any work, or in site.yaml (a ``ConfigError``, exit status 2)?"""
    if on_command_line:
        try:
            main(["build", "--base-url", value, "--site", "/nonexistent"])  # no site: exit 2
        except SystemExit as stopped:
            return stopped.code == 2
        return False
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "site.yaml").write_text(f"base_url: {json.dumps(value)}\n", "utf-8")
        try:
            load_config(Path(folder))
        except ConfigError as exc:
            return {p.code for p in exc.problems} <= {"bad-url", "control-character"}
        return False


def lock_text(entries: dict[str, tuple[str, str]], version: object = 1) -> str:
    citations = {key: {"fingerprint": f, "text": t} for key, (f, t) in entries.items()}
    return json.dumps({"version": version, "citations": citations}, indent=2) + "\n"


# --- 5: site.yaml and citations.lock are plain files of the site, or reported ------------


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the site that a planted link points at."""
    path = tmp_path / "outside" / "secret.yaml"
    path.parent.mkdir()
    path.write_text("title: Geheimnis von nebenan\n", "utf-8")
    return path


def plant(site: Path, name: str, kind: str, secret: Path) -> None:
    """Make ``site/name`` a ``kind`` of thing other than a plain file."""
    path = site / name
    path.unlink(missing_ok=True)
    if kind == "link out of the site":
        path.symlink_to(secret)
    elif kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    elif kind == "dangling link":
        path.symlink_to(site / "nowhere")
    elif kind == "link loop":
        path.symlink_to(path)


KINDS = {
    "link out of the site": ("outside-site", "this link points outside the site folder"),
    "folder": ("unreadable-file", "this is a folder, not a file"),
    "pipe": ("unreadable-file", "this is not a regular file (a pipe or a device)"),
    "dangling link": ("unreadable-file", "this link leads to no file (or in a circle)"),
    "link loop": ("unreadable-file", "this link leads to no file (or in a circle)"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_site_yaml_that_is_no_plain_file_of_the_site_is_reported(
    make_site: MakeSite, secret: Path, kind: str
) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    plant(site, "site.yaml", kind, secret)
    result = run("check", "--site", str(site), "--frozen")
    code, message = KINDS[kind]
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr.splitlines()[0] == f"site.yaml:1:1: error[{code}]: {message}; it is not read"
    )
    assert "Geheimnis" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_a_lock_that_is_no_plain_file_of_the_site_is_reported_and_left_alone(
    make_site: MakeSite, secret: Path, kind: str
) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    assert main(["check", "--site", str(site)]) == 0  # writes the lock
    secret.write_text((site / LOCK_NAME).read_text("utf-8"), "utf-8")  # a valid lock
    plant(site, LOCK_NAME, kind, secret)
    before = secret.read_bytes()
    result = run("check", "--site", str(site))
    code, message = KINDS[kind]
    assert result.returncode == 1, result.stderr
    assert f"citations.lock:1:1: error[{code}]: {message}; it is not read" in result.stdout
    assert secret.read_bytes() == before
    assert (site / LOCK_NAME).is_symlink() or not (site / LOCK_NAME).is_file()  # not written


def test_a_lock_link_inside_the_site_is_read(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    assert main(["check", "--site", str(site)]) == 0
    (site / LOCK_NAME).rename(site / "kept.lock")
    (site / LOCK_NAME).symlink_to("kept.lock")
    assert read_lock(site)[1] == []
    assert main(["check", "--site", str(site), "--frozen"]) == 0


# --- 6: base_url is a plain URL -----------------------------------------------------------

BAD_BASE_URLS = {
    "line break": "https://example.org/\nDisallow: /",
    "carriage return": "https://example.org/\rX",
    "space": "https://example.org/a b/",
    "next-line character": "https://example.org/\x85x/",
    "line separator": "https://example.org/\u2028x/",
    "bidi override": "https://example.org/\u202e/",
    "zero-width space": "https://exa\u200bmple.org/",
    "user and password": "https://user:secret@example.org/",
    "query": "https://example.org/?x=1",
    "fragment": "https://example.org/#top",
    "quote": 'https://example.org/"x',
    "backslash": "https://example.org\\@evil.example/",
    "no host": "https:///news/",
    "bad port": "https://example.org:99999/",
    "dot segment": "https://example.org/news/../",
    "javascript": "javascript:alert(1)",
}


@pytest.mark.parametrize("value", BAD_BASE_URLS.values(), ids=BAD_BASE_URLS.keys())
def test_a_base_url_that_is_not_plain_is_refused(value: str) -> None:
    assert refused(value, on_command_line=False) is True
    assert refused(value, on_command_line=True) is True


@pytest.mark.parametrize(
    "value", ["https://example.org/", "https://example.org", "http://localhost:8000/news/"]
)
def test_plain_base_urls_are_fine(value: str) -> None:
    assert refused(value, on_command_line=False) is False


@pytest.mark.parametrize("value", ["/", "/news/", "/news", "/%C3%BC/"])
def test_a_path_is_a_base_url_on_the_command_line_only(value: str) -> None:
    assert refused(value, on_command_line=True) is False
    assert refused(value, on_command_line=False) is True


@pytest.mark.parametrize("value", ["//evil.example/", "news/", ""])
def test_a_path_must_start_with_one_slash(value: str) -> None:
    assert refused(value, on_command_line=True) is True


def test_a_base_url_with_a_line_break_in_site_yaml_stops_the_build(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = 'title: Test\nbase_url: "https://example.org/\\nDisallow: /"\n'
    site = make_site({"site.yaml": config, "briefs/b.md": BRIEF})
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "site.yaml:2:11: error[bad-url]: 'base_url' must be a plain http(s) URL, not "
        "'https://example.org/\\x0aDisallow: /': it holds a line break (U+000A)",
        "   |",
        ' 2 | base_url: "https://example.org/\\nDisallow: /"',
        "   |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "   = hint: write the site's public address alone, e.g. https://example.org/news/",
    ]
    assert not out.exists()


def test_a_base_url_with_a_line_break_on_the_command_line_is_a_usage_error(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    out = tmp_path / "public"
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "build",
                "--site",
                str(site),
                "--out",
                str(out),
                "--base-url",
                BAD_BASE_URLS["line break"],
            ]
        )
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "site-builder build: error: argument --base-url: must be an http(s) URL or a path "
        "such as /news/, not 'https://example.org/\\x0aDisallow: /': it holds a line break "
        "(U+000A)"
    )
    assert not out.exists()


def test_a_plain_base_url_lands_in_robots_sitemap_feed_and_canonical(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    out = tmp_path / "public"
    args = ["build", "--site", str(site), "--out", str(out), "--no-search"]
    assert main([*args, "--base-url", "https://example.org/news"]) == 0
    robots = (out / "robots.txt").read_text("utf-8")
    assert "Sitemap: https://example.org/news/sitemap.xml" in robots
    assert "<loc>https://example.org/news/briefs/b/</loc>" in (out / "sitemap.xml").read_text()
    page = (out / "briefs/b/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/news/briefs/b/">' in page
    feeds = [p for p in out.rglob("*.xml") if p.name != "sitemap.xml"]
    assert all("https://example.org/news/" in p.read_text("utf-8") for p in feeds)


# --- 14: hostile lock files ---------------------------------------------------------------


def codes(problems: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(str(p.span), p.code) for p in problems]


def test_a_lock_of_100000_nested_brackets_is_broken_not_a_recursion_error() -> None:
    entries, problems = parse_lock(b"[" * 100_000 + b"]" * 100_000)
    assert entries is None
    assert codes(problems) == [("citations.lock:1:1", "broken-lock")]
    assert problems[0].message == "citations.lock cannot be read: it is nested too deeply"


SURROGATE_LOCK = (
    '{"version": 1, "citations": {\n'
    '  "quelle#p1": {"fingerprint": "sha256:0", "text": "\\ud800"}}}\n'
)


@pytest.mark.parametrize("output_format", ["text", "json", "github"])
def test_a_lone_surrogate_in_the_lock_is_a_broken_entry_in_every_format(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    site = make_site({"briefs/b.md": BRIEF, LOCK_NAME: SURROGATE_LOCK})
    args = ["check", "--site", str(site), "--frozen", "--format", output_format]
    assert main(args) == 1
    shown = capsys.readouterr().out
    shown.encode("utf-8")
    assert "citations.lock" in shown and "broken-lock" in shown
    if output_format == "text":
        assert (
            "citations.lock:2:3: error[broken-lock]: citations.lock cannot be read: the entry "
            '"quelle#p1" is not a "fingerprint" and "text" of UTF-8 text'
        ) in shown.splitlines()


def test_a_lone_surrogate_in_a_key_is_a_broken_entry() -> None:
    data = lock_text({"quelle#p1": ("sha256:0", "x")}).replace("quelle#p1", "quelle\\udfff#p1")
    entries, problems = parse_lock(data.encode())
    assert entries is None
    assert codes(problems) == [("citations.lock:1:1", "broken-lock")]
    assert '"quelle\\udfff#p1"' in problems[0].message


def test_every_output_format_escapes_lone_surrogates() -> None:
    problem = error(
        Span("citations.lock", 2, 3),
        "broken-lock",
        "a \ud800 b",
        hint="c \udfff",
        details=(("old", "\ud83d"),),
    )
    for shown in (format_text(problem), format_text(problem, colour=True), format_github(problem)):
        shown.encode("utf-8")
        assert "\\ud800" in shown and "\\udfff" in shown and "\\ud83d" in shown
    document = format_json([problem], {"briefs": 0, "sources": 0})
    document.encode("utf-8")
    assert json.loads(document)["diagnostics"][0]["message"] == "a \ud800 b"  # same text


def test_a_key_written_twice_in_the_lock_is_broken_at_its_line() -> None:
    entry = '    "quelle#p1": {"fingerprint": "sha256:1", "text": "Eins"}'
    data = '{\n  "version": 1,\n  "citations": {\n' + entry + ",\n" + entry + "\n  }\n}\n"
    entries, problems = parse_lock(data.encode())
    assert entries is None
    assert codes(problems) == [("citations.lock:5:5", "broken-lock")]
    assert problems[0].message == (
        "citations.lock cannot be read: the key 'quelle#p1' is written twice; which value "
        "was checked is unknown"
    )


def test_a_field_written_twice_in_an_entry_is_found_in_its_own_entry() -> None:
    data = (
        '{"version": 1, "citations": {\n'
        '"a#p1": {"fingerprint": "sha256:1", "text": "x"},\n'
        '"b#p1": {"fingerprint": "sha256:1", "text": "x", "text": "y"}}}\n'
    )
    entries, problems = parse_lock(data.encode())
    assert entries is None
    assert codes(problems) == [("citations.lock:3:50", "broken-lock")]
    assert "the key 'text' is written twice" in problems[0].message


@pytest.mark.parametrize("version", [2, "1", True, None, 1.5])
def test_a_lock_of_an_unknown_version_is_an_error_that_says_upgrade(version: object) -> None:
    data = lock_text({"quelle#p1": ("sha256:1", "x")}, version=version)
    entries, problems = parse_lock(data.encode())
    assert entries is None
    assert codes(problems) == [("citations.lock:1:1", "broken-lock")]
    assert problems[0].hint is not None and problems[0].hint.startswith("upgrade site-builder")
    if version == 2:
        assert problems[0].message == (
            "citations.lock has version 2; this site-builder reads version 1 only"
        )


def test_a_lock_without_a_version_is_an_error() -> None:
    entries, problems = parse_lock(b'{"citations": {}}')
    assert entries is None
    assert [p.message for p in problems] == [
        "citations.lock has no version; this site-builder reads version 1 only"
    ]


def test_a_lock_of_an_unknown_version_is_not_overwritten_by_check(make_site: MakeSite) -> None:
    newer = lock_text({"quelle#p1": ("sha256:1", "x")}, version=2)
    site = make_site({"briefs/b.md": BRIEF, LOCK_NAME: newer})
    assert main(["check", "--site", str(site)]) == 1
    assert (site / LOCK_NAME).read_text("utf-8") == newer


def test_a_lock_over_the_cap_is_not_read(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    with (site / LOCK_NAME).open("wb") as stream:  # sparse: costs no disk
        stream.truncate(MAX_LOCK_BYTES + 1)
    entries, problems = read_lock(site)
    assert entries is None
    assert codes(problems) == [("citations.lock:1:1", "file-too-large")]
    assert problems[0].message == (
        "citations.lock is over 64 MiB (67,108,865 bytes or more); it is not read"
    )


def test_a_valid_lock_still_reads(make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": BRIEF})
    assert main(["check", "--site", str(site)]) == 0
    entries, problems = read_lock(site)
    assert problems == [] and entries is not None and list(entries) == ["quelle#p1"]


# The fuzz test of the lock reader (the loaders' are in test_fuzz_loaders.py): whatever the
# bytes, it returns entries or diagnostics an editor can act on, never an exception.

LOCK_EXAMPLES = int(os.environ.get("SITE_BUILDER_FUZZ_EXAMPLES", "300"))
JSON_TEXTS = st.sampled_from(
    ["quelle#p1", "sha256:0", "version", "citations", "text", "fingerprint", "", "\ud800",
     "\udfff", "\x00", "\u2028", "ä", "\\", '"', "[", "}"]
)  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | JSON_TEXTS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(JSON_TEXTS, children, max_size=3)
    ),
    max_leaves=12,
)


def near_locks() -> st.SearchStrategy[bytes]:
    """Locks that are almost right: entries of any shape, versions, keys written twice."""
    entry = st.fixed_dictionaries({"fingerprint": JSON_VALUES, "text": JSON_VALUES}) | JSON_VALUES

    def assemble(citations: dict[str, object], version: object, twice: bool) -> bytes:
        text = json.dumps({"version": version, "citations": citations}, indent=2)
        if twice and citations:
            first = text.index('"citations": {') + len('"citations": {')
            end = text.index("\n", first + 1)
            text = text[:end] + text[first:end] + text[end:]
        return text.encode("utf-8", "surrogatepass")

    return st.builds(
        assemble,
        st.dictionaries(JSON_TEXTS, entry, max_size=4),
        st.sampled_from([1, 2, "1", None]),
        st.booleans(),
    )


@settings(
    max_examples=LOCK_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.binary(max_size=300) | near_locks())
@example(b"[" * 100_000)
@example(b"{" * 50_000)
@example(SURROGATE_LOCK.encode())
@example(b'{"version": 1, "citations": {"a": 1, "a": 2}}')
@example(b"\xff\xfe{}")
@example(b"\n")  # found by this test: the end of the file is no line of its own
@example(b'{"version": 1, "citations": {"\\ud800": {"fingerprint": "", "text": ""}}}')
def test_fuzz_the_lock_reader_never_crashes(data: bytes) -> None:
    entries, problems = parse_lock(data)
    assert (entries is None) == bool(problems)
    lines = [line.rstrip("\r\n") for line in split_lines(data.decode("utf-8", "replace"))]
    lines = lines or [""]
    for problem in problems:
        assert problem.code in CODES and problem.code != "internal-error", problem
        assert problem.hint, problem
        assert problem.span.path == LOCK_NAME
        assert 1 <= problem.span.line <= len(lines), problem
        format_text(problem).encode("utf-8")
        format_github(problem).encode("utf-8")
    for key, entry in (entries or {}).items():
        (key + entry.fingerprint + entry.text).encode("utf-8")


# --- 16: new with a title too long for a file name ----------------------------------------


def front_matter_of(path: Path) -> dict[str, object]:
    loaded = yaml.safe_load(path.read_text("utf-8").split("---\n")[1])
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize(
    "title",
    [
        " ".join(["Übergroße Gespräche über Straßen"] * 10),  # 329 characters
        " ".join(["Kreml"] * 60),
        "Ä" * 300,  # one word: cut inside it
    ],
    ids=["umlauts", "short words", "one long word"],
)
def test_new_with_a_300_character_title_cuts_the_file_name_and_keeps_the_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], title: str
) -> None:
    site = tmp_path / "site"
    (site / "briefs").mkdir(parents=True)
    assert main(["new", "--site", str(site), title, "--date", "2025-02-27"]) == 0
    [created] = (site / "briefs").iterdir()
    assert len(os.fsencode(created.name)) < 255
    slug = created.name.removesuffix(".md")
    assert 0 < len(slug) <= MAX_NEW_SLUG
    full = title.lower().replace("ä", "ae").replace("ü", "ue").replace("ß", "ss")
    full = full.replace("ö", "oe").replace(" ", "-")
    assert full.startswith(slug)
    if "-" in full[: MAX_NEW_SLUG + 1]:
        assert full[len(slug)] == "-"  # cut between words
    assert front_matter_of(created)["title"] == title
    assert capsys.readouterr().out.startswith(f"created briefs/{created.name} ")


def test_new_with_a_title_without_letters_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    (site / "briefs").mkdir(parents=True)
    assert main(["new", "--site", str(site), "!!! ??? …"]) == 2
    assert capsys.readouterr().err == (
        "site-builder: error: the title '!!! ??? …' has no letters or digits to make a file "
        "name from\n"
    )
    assert list((site / "briefs").iterdir()) == []


# --- 17: a YAML error in site.yaml names site.yaml ----------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            "title: [unclosed\n",
            "site.yaml:2:1: error[yaml-syntax]: site.yaml is not valid YAML: did not find "
            "expected ',' or ']'",
        ),
        (
            "title: Test\nlanguage:\n\t- de\n",
            "site.yaml:3:1: error[yaml-syntax]: site.yaml is indented with a tab",
        ),
        (
            "title: " + "[" * 2000 + "\n",
            "site.yaml:1:1007: error[yaml-syntax]: site.yaml is nested too deeply",
        ),
    ],
    ids=["unclosed", "tab", "deep"],
)
def test_a_yaml_error_in_site_yaml_says_site_yaml(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], config: str, expected: str
) -> None:
    site = make_site({"site.yaml": config, "briefs/b.md": BRIEF})
    assert main(["check", "--site", str(site)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == expected


@pytest.mark.parametrize("field", ["url", "archive_url"])
def test_a_source_url_with_a_line_break_is_refused(
    make_site: MakeSite, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Python's urlsplit drops line breaks before reading the scheme, so the URL passed.
    source = (
        "---\ntitle: Quelle\noutlet: Agentur\n"
        f'{field}: "https://example.org/a\\nDisallow: /"\n---\nEin Absatz.\n'
    )
    site = make_site({"content/quelle.md": source, "briefs/b.md": brief("Satz [@quelle#p1].\n")})
    assert main(["check", "--site", str(site)]) == 1
    out = capsys.readouterr().out
    assert (
        f"content/quelle.md:4:{len(field) + 3}: error[bad-url]: '{field}' must be an http(s) "
        "URL, not 'https://example.org/a\\x0aDisallow: /': it holds a line break (U+000A)"
    ) in out


def test_lock_on_a_newer_lock_names_the_version_and_no_merge_conflict(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = lock_text({"quelle#p1": ("sha256:1", "x")}, version=2)
    site = make_site({"briefs/b.md": BRIEF, LOCK_NAME: newer})
    assert main(["lock", "--site", str(site)]) == 1
    out = capsys.readouterr().out
    assert "version" in out and "merge conflict" not in out
    assert (site / LOCK_NAME).read_text("utf-8") == newer
