"""Incremental builds equal cold builds, byte for byte, after any sequence of edits.

A seeded random sequence of the edits editors make (a word, a title, a tag, a draft flag, a
new, renamed or deleted brief, a source's title or paragraph, a template, site.yaml, a
broken brief and its repair, nothing at all) is applied to a generated site; after each
step the site is built with the build cache into one folder and cold (``--no-cache``) into
another, and the two must agree: exit status, printed report and every output byte.
"""

from __future__ import annotations

import os
import pickle
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.corpus import generate
from benchmarks.parse import first_plain_word
from site_builder import forked, pipeline
from site_builder.cache import CACHE_DIR, open_cache
from site_builder.cli import main
from site_builder.load import file_states
from site_builder.output import previous_build
from site_builder.render import render
from site_builder.render.output_file import DEFAULT_THEME
from site_builder.search import search_bundle
from tests.test_build import tree
from tests.test_forked import recorded_forks

Edit = Callable[[Path, random.Random], str]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental") / "site"
    generate(root, briefs=40, seed=11)
    assert main(["lock", "--site", str(root)]) == 0
    return root


def _briefs(site: Path) -> list[Path]:
    return sorted((site / "briefs").rglob("*.md"))


def _sources(site: Path) -> list[Path]:
    return sorted((site / "content").rglob("*.md"))


def _replace_word(path: Path, rng: random.Random, same_size: bool) -> None:
    """One plain word (outside citations and quotes) of the body, replaced. ``same_size``:
    by a word of the same length, with the modification time set back as ``cp -p`` does
    (only the change time can tell the file changed)."""
    text = path.read_text("utf-8")
    body = text.index("\n---\n", 4) + 5
    word = first_plain_word(text, body + rng.randrange(0, max(1, (len(text) - body) // 2)))
    word = word or first_plain_word(text, body)
    assert word is not None
    old = word.group()
    new = old.swapcase() if same_size else f"{old}x"
    if new == old:
        new = old[::-1] if old[::-1] != old else "Zahl"[: len(old)] if same_size else old + "x"
    info = path.stat()
    path.write_text(text[: word.start()] + new + text[word.end() :], "utf-8")
    if same_size:
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def brief_word(site: Path, rng: random.Random) -> str:
    path = rng.choice(_briefs(site))
    _replace_word(path, rng, same_size=rng.random() < 0.5)
    return f"word in {path.name}"


def _insert_after(path: Path, marker: str, text: str) -> None:
    """``text`` written after the first ``marker`` of the file."""
    old = path.read_text("utf-8")
    path.write_text(old.replace(marker, marker + text, 1), "utf-8")


def brief_title(site: Path, rng: random.Random) -> str:
    path = rng.choice(_briefs(site))
    _insert_after(path, '\ntitle: "', f"Neu {rng.randrange(99)}: ")
    return f"title of {path.name}"


def brief_tag(site: Path, rng: random.Random) -> str:
    path = rng.choice(_briefs(site))
    text = path.read_text("utf-8")
    tag = rng.choice(["Wahlen", "Datenschutz", "Öffentlicher Dienst"])
    path.write_text(re.sub(r"\ntags: \[", f'\ntags: ["{tag}", ', text, count=1), "utf-8")
    return f"tag {tag} on {path.name}"


def brief_draft(site: Path, rng: random.Random) -> str:
    path = rng.choice(_briefs(site))
    text = path.read_text("utf-8")
    path.write_text(text.replace("\ndate: ", "\ndraft: true\ndate: ", 1), "utf-8")
    return f"draft {path.name}"


def brief_new(site: Path, rng: random.Random) -> str:
    path = rng.choice(_briefs(site))
    copy = path.with_name(f"kopie-{rng.randrange(10**6)}.md")
    shutil.copyfile(path, copy)
    _insert_after(copy, '\ntitle: "', "Kopie: ")
    return f"new {copy.name}"


def brief_rename(site: Path, rng: random.Random) -> str:
    path = rng.choice(_briefs(site))
    path.rename(path.with_name(f"umbenannt-{path.name}"))
    return f"rename {path.name}"


def brief_delete(site: Path, rng: random.Random) -> str:
    path = rng.choice(_briefs(site))
    path.unlink()
    return f"delete {path.name}"


def source_title(site: Path, rng: random.Random) -> str:
    path = rng.choice(_sources(site))
    _insert_after(path, '\ntitle: "', "Geändert: ")
    return f"title of source {path.name}"


def source_word(site: Path, rng: random.Random) -> str:
    """A word of a source paragraph: a cited paragraph's lock entry goes stale (a warning),
    and the pages citing it show the new text."""
    path = rng.choice(_sources(site))
    _replace_word(path, rng, same_size=rng.random() < 0.5)
    return f"word in source {path.name}"


def template(site: Path, rng: random.Random) -> str:
    folder = site / "templates"
    folder.mkdir(exist_ok=True)
    base = (DEFAULT_THEME / "base.html").read_text("utf-8")
    mark = f"<!-- Fassung {rng.randrange(10**6)} -->"
    (folder / "base.html").write_text(base.replace("</body>", f"{mark}\n</body>"), "utf-8")
    return "template base.html"


def site_title(site: Path, rng: random.Random) -> str:
    config = site / "site.yaml"
    text = config.read_text("utf-8")
    config.write_text(re.sub(r"(?m)^title: .*$", f"title: Belegt {rng.randrange(99)}", text))
    return "site.yaml title"


def broken_brief(site: Path, rng: random.Random) -> str:
    path = site / "briefs" / "kaputt.md"
    if path.exists():
        path.unlink()
        return "broken brief repaired (deleted)"
    path.write_text(
        '---\ntitle: "Kaputt"\ndate: 2025-02-01\n---\nText [@gibt-es-nicht#p1].\n', "utf-8"
    )
    return "broken brief (unknown source)"


def nothing(site: Path, rng: random.Random) -> str:
    return "nothing"


EDITS: list[Edit] = [
    brief_word,
    brief_word,
    brief_title,
    brief_tag,
    brief_draft,
    brief_new,
    brief_rename,
    brief_delete,
    source_title,
    source_word,
    template,
    site_title,
    broken_brief,
    nothing,
]


def _build(
    site: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    status = main(["build", "--site", str(site), "--out", str(out), *extra])
    # The closing "built N files into OUT" names the folder, which differs between builds.
    printed = capsys.readouterr().out.replace(str(out), "OUT")
    return status, printed


@pytest.mark.parametrize("case", [(1, None), (2, 0)], ids=["seed-1", "seed-2-stat-trusted"])
def test_incremental_builds_equal_cold_builds_after_random_edits(
    pristine: Path,
    tmp_path: Path,
    case: tuple[int, int | None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed, settle_ns = case
    if settle_ns is not None:
        # Trust stat at once (not only for files unchanged for 2 s), so edits are found
        # by stat alone: the same-size edits with the old modification time must show
        # in the change time.
        monkeypatch.setattr(file_states, "SETTLE_NS", settle_ns)
        monkeypatch.setattr(previous_build, "SETTLE_NS", settle_ns)
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    incremental, cold = tmp_path / "public", tmp_path / "cold"
    rng = random.Random(seed)
    # Every kind of edit once, in a random order, then a few more at random.
    edits = rng.sample(EDITS, len(EDITS)) + rng.choices(EDITS, k=4)
    history = []
    for step, edit in enumerate(edits):
        history.append(edit(site, rng))
        warm_result = _build(site, incremental, capsys)
        cold_result = _build(site, cold, capsys, "--no-cache")
        assert warm_result == cold_result, f"step {step}: {history}"
        assert tree(incremental) == tree(cold), f"step {step}: {history}"
    assert (site / CACHE_DIR / "build").is_dir()


def test_search_bundle_follows_edits_and_is_kept_when_records_are_unchanged(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out, cold = tmp_path / "public", tmp_path / "cold"
    assert _build(site, out, capsys)[0] == 0
    template(site, random.Random(1))  # pages change, search records do not
    assert _build(site, out, capsys)[0] == 0
    bundle = {p: p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()}
    brief_title(site, random.Random(2))  # a search record changes
    assert _build(site, out, capsys)[0] == 0
    assert _build(site, cold, capsys, "--no-cache")[0] == 0
    assert tree(out) == tree(cold)
    assert bundle, "the search bundle is there"


def test_a_new_builder_makes_the_search_bundle_again_for_the_same_records(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bundle's layout is the builder's (page names, what the search page reads of
    them), not only the records': a builder of another version keeps no bundle of the
    last, even when the records are the same."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out = tmp_path / "public"
    assert _build(site, out, capsys)[0] == 0
    # Counted in a file: the indexing may run in a forked child (``forked.Forked``).
    made = tmp_path / "indexed"
    made.write_text("", "utf-8")
    real = search_bundle.build_search_bundle

    def counted(*args: Any) -> Any:
        with made.open("a", encoding="utf-8") as count:
            count.write("x")
        return real(*args)

    monkeypatch.setattr(search_bundle, "build_search_bundle", counted)
    template(site, random.Random(1))  # pages change, search records do not
    assert _build(site, out, capsys)[0] == 0
    assert made.read_text("utf-8") == ""  # the same builder keeps it
    template(site, random.Random(2))
    monkeypatch.setattr(pipeline, "builder_fingerprint", lambda: "another version")
    assert _build(site, out, capsys)[0] == 0
    assert made.read_text("utf-8") == "x"


def test_the_search_bundle_is_kept_through_the_file_list_not_the_small_record(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The search bundle's files are listed with the output's files, not in the part of
    the record every build reads; a build whose search records did not change still
    finds them there and keeps the bundle (the same files, linked, not made again)."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out = tmp_path / "public"
    assert _build(site, out, capsys)[0] == 0
    cache = open_cache(site)
    assert cache is not None
    small = cache.read(previous_build._record_name(out))[1]
    assert small.search == () and small.search_key is not None
    whole = previous_build.with_files(cache, out, small)
    assert whole is not None
    assert whole.search and all(p.startswith("pagefind/") for p in whole.search)
    bundle = {p: (out / p).stat().st_ino for p in whole.search}
    template(site, random.Random(1))  # pages change, search records do not
    assert _build(site, out, capsys)[0] == 0
    assert {p: (out / p).stat().st_ino for p in whole.search} == bundle


def test_every_template_edit_shows(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out, cold = tmp_path / "public", tmp_path / "cold"
    for seed in range(3):  # added, changed, changed again
        template(site, random.Random(seed))
        assert _build(site, out, capsys, "--no-search")[0] == 0
        assert _build(site, cold, capsys, "--no-search", "--no-cache")[0] == 0
        assert tree(out) == tree(cold)


def test_a_build_without_changes_does_nothing(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(previous_build, "SETTLE_NS", 0)
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    source_word(site, random.Random(5))  # a stale lock entry: warnings to repeat
    out = tmp_path / "public"
    first = _build(site, out, capsys, "--no-search")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    second = _build(site, out, capsys, "--no-search")
    assert second == first
    assert "warning" in second[1]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_only_changed_files_are_written(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out = tmp_path / "public"
    for _ in range(2):  # the second build leaves a spare to update in place
        assert _build(site, out, capsys, "--no-search", "--no-cache")[0] == 0
        assert _build(site, out, capsys, "--no-search")[0] == 0
    path = _briefs(site)[0]
    _replace_word(path, random.Random(1), same_size=False)
    before = {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*.html")}
    assert _build(site, out, capsys, "--no-search")[0] == 0
    after = {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*.html")}
    rewritten = sorted(str(p) for p in after if after[p] != before.get(p))
    # The brief, the sources it cites (their "cited in" lists quote it), the home or
    # archive page listing it and its tag pages: a handful of the site's pages.
    assert f"briefs/{path.stem}/index.html" in rewritten
    assert 0 < len(rewritten) < len(after) / 4, rewritten


def test_hand_edited_output_is_replaced_by_the_next_build(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out, cold = tmp_path / "public", tmp_path / "cold"
    assert _build(site, out, capsys, "--no-search")[0] == 0
    assert _build(site, out, capsys, "--no-search")[0] == 0
    page = out / "sources" / "index.html"
    page.write_text("von Hand", "utf-8")
    (out / "fremd.html").write_text("von Hand", "utf-8")
    brief_word(site, random.Random(3))
    assert _build(site, out, capsys, "--no-search")[0] == 0
    assert _build(site, cold, capsys, "--no-search", "--no-cache")[0] == 0
    assert tree(out) == tree(cold)


class _Planted:
    """Unpickling this writes a file: proof that a cache table was unpickled."""

    def __init__(self, proof: Path) -> None:
        self.proof = proof

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        return (Path.write_text, (self.proof, "unpickled"))


def test_a_forged_cache_is_ignored_and_never_unpickled(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out, cold = tmp_path / "public", tmp_path / "cold"
    assert _build(site, out, capsys, "--no-search")[0] == 0
    proof = tmp_path / "proof"
    payload = pickle.dumps(_Planted(proof))
    for table in (site / CACHE_DIR / "build").glob("*.pickle"):
        table.write_bytes(b"\0" * 32 + payload)  # no valid signature: not from this user
    brief_word(site, random.Random(4))
    assert _build(site, out, capsys, "--no-search")[0] == 0
    assert not proof.exists()
    assert _build(site, cold, capsys, "--no-search", "--no-cache")[0] == 0
    assert tree(out) == tree(cold)


def test_no_cache_neither_reads_nor_writes_the_cache(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    shutil.rmtree(site / CACHE_DIR)  # the one ``lock`` made
    assert _build(site, tmp_path / "public", capsys, "--no-search", "--no-cache")[0] == 0
    assert main(["check", "--site", str(site), "--no-cache"]) == 0
    assert not (site / CACHE_DIR).exists()


def test_pages_rendered_in_forked_processes_are_the_same(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    # Earlier tests may leave threads behind (then nothing forks): this test is about forking.
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.setattr(render, "PARALLEL_FROM", 10**9)
    assert _build(site, tmp_path / "alone", capsys, "--no-search", "--no-cache")[0] == 0
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)
    forks = recorded_forks(monkeypatch)
    assert _build(site, tmp_path / "forked", capsys, "--no-search", "--no-cache")[0] == 0
    assert forks, "the pages were rendered in more than one process"
    assert tree(tmp_path / "forked") == tree(tmp_path / "alone")


def test_keys_made_in_the_forked_children_of_a_cold_build_keep_its_pages(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cold build makes each page's key where the page is rendered, in a forked child;
    the next build, after one brief's edit, finds the other pages' keys the same and
    renders only the pages the edit touched."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    shutil.rmtree(site / CACHE_DIR, ignore_errors=True)
    out = tmp_path / "public"
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)  # (see above)
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)
    forks = recorded_forks(monkeypatch)
    assert _build(site, out, capsys, "--no-search")[0] == 0
    assert forks, "the cold build rendered in forked children"
    pages = len(list(out.rglob("*.html")))
    _replace_word(_briefs(site)[0], random.Random(1), same_size=False)
    monkeypatch.setattr(render, "PARALLEL_FROM", 10**9)  # (counted in this process)
    rendered: list[str] = []
    real = render._render_page

    def counted(env: Any, page: Any, *args: Any, **kwargs: Any) -> Any:
        rendered.append(page.page)
        return real(env, page, *args, **kwargs)

    monkeypatch.setattr(render, "_render_page", counted)
    assert _build(site, out, capsys, "--no-search")[0] == 0
    assert 0 < len(rendered) < pages / 4, rendered


@pytest.mark.parametrize("search", [True, False])
def test_pages_render_below_pagefinds_priority_while_it_indexes(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    search: bool,
) -> None:
    """Pagefind's indexing ends a build with search: the renderers beside it give it the
    cores first; without search they do not."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    asked: list[int] = []
    real = render.stream_forked

    def recorded(*args: Any, nice: int = 0, **kwargs: Any) -> Any:
        asked.append(nice)
        return real(*args, nice=nice, **kwargs)

    monkeypatch.setattr(render, "stream_forked", recorded)
    flags = [] if search else ["--no-search"]
    assert _build(site, tmp_path / "public", capsys, *flags)[0] == 0
    assert asked == [render.RENDER_NICE if search else 0]


def test_a_record_from_an_older_version_is_not_used(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A build record pickled when ``BuildRecord`` had fewer fields unpickles without
    them: the build must treat it as missing, not fail on the absent field."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out, cold = tmp_path / "public", tmp_path / "cold"
    assert _build(site, out, capsys, "--no-search")[0] == 0
    cache = open_cache(site)
    assert cache is not None
    name = previous_build._record_name(out)
    written = cache.read(name)
    state = previous_build.BuildRecord.__getstate__
    with monkeypatch.context() as patch:  # pickled as before ``slot``, ``spare_stamp``, ``config``
        patch.setattr(previous_build.BuildRecord, "__getstate__", lambda r: state(r)[:-3])
        cache.write(name, written)
    assert not hasattr(cache.read(name)[1], "slot")
    assert _build(site, out, capsys, "--no-search")[0] == 0
    brief_word(site, random.Random(4))
    assert _build(site, out, capsys, "--no-search")[0] == 0
    assert _build(site, cold, capsys, "--no-search", "--no-cache")[0] == 0
    assert tree(out) == tree(cold)


@pytest.mark.parametrize("written_as", ["dict", "damaged"])
def test_a_file_list_of_another_format_is_not_used(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], written_as: str
) -> None:
    """The output's file list is stored as columns: a list stored otherwise (as a dict of
    ``KnownFile``, as site-builder did before, or with columns of unequal length) is not
    trusted, and the next build writes every file, as a cold build would."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    out, cold = tmp_path / "public", tmp_path / "cold"
    assert _build(site, out, capsys, "--no-search")[0] == 0
    brief_word(site, random.Random(5))  # now the record's slot 1 holds the output's list
    assert _build(site, out, capsys, "--no-search")[0] == 0
    cache = open_cache(site)
    assert cache is not None
    name = f"{previous_build._record_name(out)}-files-1"
    stamp, columns, search = cache.read(name)
    files = previous_build._from_columns(columns)
    assert files and columns[0] == "known-files-1"
    if written_as == "dict":
        cache.write(name, (stamp, files, search))
    else:
        cache.write(name, (stamp, (*columns[:-1], columns[-1][:-1]), search))
    assert previous_build._file_list(cache, out, 1, stamp) is None
    brief_word(site, random.Random(6))
    assert _build(site, out, capsys, "--no-search")[0] == 0
    assert _build(site, cold, capsys, "--no-search", "--no-cache")[0] == 0
    assert tree(out) == tree(cold)
