"""A check with the build cache finds exactly what a cold check finds, after any sequence of
edits: the same diagnostics (set, order, text) and the same lock written.

Seeded random sequences of edits (from ``test_incremental``, plus those that reach across
documents: a cited source's paragraph, a duplicate source id appearing and going, colliding
slugs, a tag spelled another way, a quote broken, a new citation, a lock entry dropped, a
source's outlet) are applied to a generated site; after each step ``check`` (the command's
quick path), ``check_site`` with the cache (what ``build`` runs) and a cold ``check_site``
must agree, frozen and not.
"""

from __future__ import annotations

import gc
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmarks.corpus import generate
from site_builder import forked
from site_builder.check import check_cache, incremental, site_state
from site_builder.check import quick_check as quick_check_module
from site_builder.check.quick_check import check_quickly
from site_builder.cli import main
from site_builder.load.limits import MAX_FILE_BYTES
from site_builder.lock.lock import LOCK_NAME
from site_builder.pipeline import CheckOptions, CheckResult, check_site
from tests.test_forked import recorded_forks
from tests.test_incremental import (
    Edit,
    _briefs,
    _insert_after,
    _sources,
    brief_delete,
    brief_new,
    brief_rename,
    brief_tag,
    brief_word,
    source_title,
    source_word,
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("check-cache") / "site"
    generate(root, briefs=30, seed=5)
    assert main(["lock", "--site", str(root)]) == 0
    return root


def duplicate_source(site: Path, rng: random.Random) -> str:
    """A copy of a source early in path order: it takes the id, the original is reported."""
    path = rng.choice(_sources(site))
    (site / "content" / "aaa").mkdir(exist_ok=True)
    shutil.copyfile(path, site / "content" / "aaa" / path.name)  # the id is the file's name
    return f"duplicate of {path.name}"


def drop_duplicates(site: Path, rng: random.Random) -> str:
    shutil.rmtree(site / "content" / "aaa", ignore_errors=True)
    return "duplicates gone"


def colliding_slug(site: Path, rng: random.Random) -> str:
    path = rng.choice(_briefs(site))
    folder = site / "briefs" / "zweiter"
    folder.mkdir(exist_ok=True)
    shutil.copyfile(path, folder / path.name)
    return f"collision with {path.name}"


def tag_variant(site: Path, rng: random.Random) -> str:
    """'Wahl 2025' on two briefs, 'WAHL 2025' on a third: a variant of the spelling in use."""
    paths = rng.sample(_briefs(site), 3)
    for path, tag in zip(paths, ["Wahl 2025", "Wahl 2025", "WAHL 2025"], strict=True):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"\ntags: \[", f'\ntags: ["{tag}", ', text, count=1), "utf-8")
    return f"tag variant on {paths[2].name}"


def broken_quote(site: Path, rng: random.Random) -> str:
    """A quote's first letter changed: it stands nowhere, and the message looks for it in
    every source."""
    path = rng.choice(_briefs(site))
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"„(\w)", "„Xy", text, count=1), "utf-8")
    return f"quote in {path.name}"


def new_citation(site: Path, rng: random.Random) -> str:
    """A citation of another paragraph: not in the lock yet."""
    path = rng.choice(_briefs(site))
    source = rng.choice(_sources(site)).stem
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"\]\.", f"; @{source}#p1].", text, count=1), "utf-8")
    return f"citation of {source} in {path.name}"


def misspelled_source(site: Path, rng: random.Random) -> str:
    """A citation of no source: the hint suggests the closest id of all sources."""
    path = rng.choice(_briefs(site))
    source = rng.choice(_sources(site)).stem
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"\]\.", f"; @{source[:-1]}#p1].", text, count=1), "utf-8")
    return f"citation of {source[:-1]} in {path.name}"


def lock_entry_dropped(site: Path, rng: random.Random) -> str:
    lock = json.loads((site / LOCK_NAME).read_text("utf-8"))
    if lock["citations"]:
        del lock["citations"][rng.choice(sorted(lock["citations"]))]
    (site / LOCK_NAME).write_text(json.dumps(lock, ensure_ascii=False, indent=2), "utf-8")
    return "lock entry dropped"


def source_outlet(site: Path, rng: random.Random) -> str:
    path = rng.choice(_sources(site))
    text = path.read_text("utf-8")
    outlet = rng.choice(["Der Standard", "Tagesschau", "Kurier"])
    path.write_text(re.sub(r"\noutlet: [^\n]*", f'\noutlet: "{outlet}"', text, count=1), "utf-8")
    return f"outlet of {path.name}"


def source_removed(site: Path, rng: random.Random) -> str:
    """A cited source goes: its citations name no source (and the lock keeps their
    entries while they are cited)."""
    path = rng.choice(_sources(site))
    path.unlink()
    return f"{path.name} removed"


def source_renamed(site: Path, rng: random.Random) -> str:
    """A source moves to another folder: same id, another path (and place in path order)."""
    path = rng.choice(_sources(site))
    folder = site / "content" / "zzz"
    folder.mkdir(exist_ok=True)
    path.rename(folder / path.name)
    return f"{path.name} moved"


def tag_variant_gone(site: Path, rng: random.Random) -> str:
    """Every 'WAHL 2025' spelled 'Wahl 2025' again, or the other way round: the site's
    spelling of the tag flips when the counts do."""
    spellings = ["WAHL 2025", "Wahl 2025"]
    rng.shuffle(spellings)
    for path in _briefs(site):
        text = path.read_text("utf-8")
        if spellings[0] in text:
            path.write_text(text.replace(spellings[0], spellings[1]), "utf-8")
    return f"tag spelled {spellings[1]}"


def lock_entry_changed(site: Path, rng: random.Random) -> str:
    """A lock entry's text and fingerprint edited by hand: the citation is stale."""
    lock = json.loads((site / LOCK_NAME).read_text("utf-8"))
    if lock["citations"]:
        key = rng.choice(sorted(lock["citations"]))
        lock["citations"][key] = {"fingerprint": "sha256:" + "0" * 64, "text": "Anders."}
    (site / LOCK_NAME).write_text(json.dumps(lock, ensure_ascii=False, indent=2), "utf-8")
    return "lock entry changed"


def lock_broken(site: Path, rng: random.Random) -> str:
    """The lock cut short (a merge gone wrong), or gone; ``lock_restored`` undoes it."""
    lock = site / LOCK_NAME
    saved = site.parent / "lock.saved"
    if lock.exists():
        shutil.copyfile(lock, saved)
    if rng.random() < 0.5:
        lock.write_bytes(saved.read_bytes()[:200] if saved.exists() else b"{")
        return "lock broken"
    lock.unlink(missing_ok=True)
    return "lock deleted"


def lock_restored(site: Path, rng: random.Random) -> str:
    saved = site.parent / "lock.saved"
    if saved.exists():
        shutil.copyfile(saved, site / LOCK_NAME)
    return "lock restored"


def config_changed(site: Path, rng: random.Random) -> str:
    """The paragraph rule or the language changes: every brief's key changes."""
    config = site / "site.yaml"
    text = config.read_text("utf-8")
    if "require_citation_per_paragraph" in text:
        text = re.sub(r"\nrequire_citation_per_paragraph: \w+", "", text)
    else:
        text += "require_citation_per_paragraph: false\n"
    if rng.random() < 0.5:
        text = (
            text.replace("language: de", "language: en")
            if "language: de" in text
            else (text.replace("language: en", "language: de"))
        )
    config.write_text(text, "utf-8")
    return "config changed"


def cache_deleted(site: Path, rng: random.Random) -> str:
    shutil.rmtree(site / ".site-builder-cache", ignore_errors=True)
    return "cache deleted"


def state_behind(site: Path, rng: random.Random) -> str:
    """The check's kept state put back to one of an earlier step, as a run stopped after
    writing summaries and before the state would leave it (or a cache from an older
    version of the site): the summaries it counted are not those kept."""
    tables = site / ".site-builder-cache" / "build"
    kept = site.parent / "state.saved"
    names = ["check-state.pickle", "check-digests.pickle", "check-digests-since.pickle"]
    if kept.is_dir():
        # The whole state, or only the digests changed since an earlier writing of them.
        for name in names if rng.random() < 0.7 else names[2:]:
            if (kept / name).exists():
                shutil.copyfile(kept / name, tables / name)
    kept.mkdir(exist_ok=True)
    for name in names:
        if (tables / name).exists():
            shutil.copyfile(tables / name, kept / name)
    if rng.random() < 0.3:  # half a state: the digests of another run
        (tables / names[1]).unlink(missing_ok=True)
    return "state of an earlier step"


EDITS: list[Edit] = [
    brief_word,
    brief_tag,
    brief_new,
    brief_rename,
    brief_delete,
    source_word,
    source_title,
    duplicate_source,
    drop_duplicates,
    colliding_slug,
    tag_variant,
    broken_quote,
    new_citation,
    misspelled_source,
    lock_entry_dropped,
    source_outlet,
    source_removed,
    source_renamed,
    tag_variant_gone,
    lock_entry_changed,
    lock_broken,
    lock_restored,
    config_changed,
    cache_deleted,
    state_behind,
]


def _same(cached: CheckResult, cold: CheckResult, step: str) -> None:
    assert cached.diagnostics == cold.diagnostics, step
    assert (cached.briefs, cached.sources) == (cold.briefs, cold.sources), step


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_cached_check_finds_what_a_cold_check_finds(
    pristine: Path, tmp_path: Path, seed: int
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    rng = random.Random(seed)
    codes = quick_check(site, "start")
    for edit in [*EDITS, *rng.choices(EDITS, k=10)]:  # each edit once, then at random
        codes |= quick_check(site, edit(site, rng))
    # The edits reached across documents (else the comparison proves little):
    assert {"duplicate-source-id", "slug-collision", "tag-variant", "quote-not-found"} <= codes
    assert "unknown-source" in codes
    assert {"stale-citation", "unlocked-citation", "unused-lock-entry"} & codes


def quick_check(site: Path, step: str) -> set[str]:
    frozen = CheckOptions(frozen=True)
    cold = check_site(site, CheckOptions(frozen=True, use_cache=False))
    _same(check_quickly(site, frozen), cold, step)
    _same(check_site(site, frozen), cold, step)
    return {diagnostic.code for diagnostic in cold.diagnostics}


@pytest.mark.parametrize("seed", [4, 5])
def test_a_cached_check_writes_the_lock_a_cold_check_writes(
    pristine: Path, tmp_path: Path, seed: int
) -> None:
    cached, cold = tmp_path / "cached", tmp_path / "cold"
    shutil.copytree(pristine, cached)
    rng = random.Random(seed)
    for _ in range(8):
        step = rng.choice(EDITS)(cached, rng)
        shutil.rmtree(cold, ignore_errors=True)
        shutil.copytree(cached, cold, ignore=shutil.ignore_patterns(".site-builder-cache"))
        found = check_quickly(cached, CheckOptions())
        expected = check_site(cold, CheckOptions(use_cache=False))
        assert found.diagnostics == expected.diagnostics, step
        assert found.lock_changes == expected.lock_changes, step
        lock = (cached / LOCK_NAME).read_bytes()
        assert lock == (cold / LOCK_NAME).read_bytes(), step


def _rechecked(site: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The briefs a quick check computes problems for (not finding them kept); it must
    not read every file's summary."""
    checked: list[str] = []
    original = incremental.checked_brief

    def counting(path: str, *args: Any, **kwargs: Any) -> Any:
        checked.append(path)
        return original(path, *args, **kwargs)

    def refuse(*args: object) -> None:
        raise AssertionError("an edit read every summary")

    with monkeypatch.context() as patch:
        patch.setattr(incremental, "checked_brief", counting)
        patch.setattr(quick_check_module, "read_summaries", refuse)
        check_quickly(site, CheckOptions(frozen=True))
    return checked


def test_an_edit_of_one_brief_checks_that_brief_again_and_no_other(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    check_quickly(site, CheckOptions(frozen=True))
    path = _briefs(site)[3]
    text = path.read_text("utf-8")
    body = text.index("\n---\n", 4) + 5
    path.write_text(text[:body] + "Neu: " + text[body:], "utf-8")
    assert _rechecked(site, monkeypatch) == [path.relative_to(site).as_posix()]
    assert _rechecked(site, monkeypatch) == []  # and then nothing


def test_an_edit_of_a_source_checks_the_briefs_citing_it_again(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    cold = check_site(site, CheckOptions(frozen=True, use_cache=False))
    source = cold.corpus.sources[0]
    citing = sorted(
        b.path for b in cold.corpus.briefs if any(r.source_id == source.id for r in b.refs())
    )
    assert citing, "the corpus cites its first source"
    check_quickly(site, CheckOptions(frozen=True))
    _insert_after(site / source.path, '\ntitle: "', "Geändert: ")
    assert _rechecked(site, monkeypatch) == citing


def test_a_check_with_an_empty_cache_finds_what_a_cold_check_finds(
    pristine: Path, tmp_path: Path
) -> None:
    """A check that finds no cache loads every file and frees each file's pickle once it
    is unpacked: its documents, and the files that gave none (too large to read, not
    UTF-8), are then known without their pickles."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    shutil.rmtree(site / ".site-builder-cache")
    too_large = b"x" * (MAX_FILE_BYTES + 1)
    briefs, sources = _briefs(site), _sources(site)
    briefs[0].write_bytes(briefs[0].read_bytes() + too_large)  # never read
    briefs[1].write_bytes(b"\xff" + briefs[1].read_bytes())  # not UTF-8
    sources[0].write_bytes(sources[0].read_bytes() + too_large)
    sources[1].write_bytes(b"\xff" + sources[1].read_bytes())
    assert {"file-too-large", "encoding"} <= quick_check(site, "an empty cache")


def _kept(site: Path, table: str) -> bytes:
    return (site / ".site-builder-cache" / "build" / f"{table}.pickle").read_bytes()


def test_a_prose_edit_keeps_the_changed_digests_not_every_file_s(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digests of every file are written whole only now and then; after a prose edit
    the check keeps the changed ones beside them, and the next check reads both (it finds
    nothing to check again: its state counted the edit)."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    check_quickly(site, CheckOptions(frozen=True))
    whole = _kept(site, "check-digests")
    for number in (3, 4, 3):
        path = _briefs(site)[number]
        text = path.read_text("utf-8")
        body = text.index("\n---\n", 4) + 5
        path.write_text(text[:body] + f"Neu {number}: " + text[body:], "utf-8")
        assert _rechecked(site, monkeypatch) == [path.relative_to(site).as_posix()]
        assert _rechecked(site, monkeypatch) == []
        assert _kept(site, "check-digests") == whole
    cold = check_site(site, CheckOptions(frozen=True, use_cache=False))
    _same(check_quickly(site, CheckOptions(frozen=True)), cold, "prose edits")


def test_many_changed_digests_are_written_whole_again(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    monkeypatch.setattr(site_state, "_SINCE_LIMIT", 1)
    check_quickly(site, CheckOptions(frozen=True))
    whole = _kept(site, "check-digests")
    for number in (3, 4):
        path = _briefs(site)[number]
        path.write_text(path.read_text("utf-8") + "\nNoch ein Satz.\n", "utf-8")
        check_quickly(site, CheckOptions(frozen=True))
    assert _kept(site, "check-digests") != whole
    assert _rechecked(site, monkeypatch) == []
    cold = check_site(site, CheckOptions(frozen=True, use_cache=False))
    _same(check_quickly(site, CheckOptions(frozen=True)), cold, "many digests")


@pytest.mark.parametrize("enabled", [True, False])
def test_a_cached_check_leaves_the_cycle_collector_as_it_found_it(
    pristine: Path, tmp_path: Path, enabled: bool
) -> None:
    # (The collector is paused while the kept tables are read: a check must not leave it
    # paused for the caller, nor start it when the caller had paused it.)
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    check_quickly(site, CheckOptions(frozen=True))  # the tables kept
    path = _briefs(site)[0]
    path.write_text(path.read_text("utf-8") + "\nNeu.\n", "utf-8")
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        check_quickly(site, CheckOptions(frozen=True))
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_forked_brief_checks_find_what_a_cold_check_finds(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check with no kept results shares the briefs among forked children; what they
    find, and what they leave in the cache for the next check, is what one process finds."""
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    shutil.rmtree(site / ".site-builder-cache")
    rng = random.Random(7)
    for edit in (broken_quote, misspelled_source, new_citation, tag_variant):
        edit(site, rng)
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)  # (see test_forked)
    monkeypatch.setattr(check_cache, "PARALLEL_CHECKS_FROM", 2)
    children = recorded_forks(monkeypatch)
    cold = check_site(site, CheckOptions(frozen=True, use_cache=False))
    assert children == [], "a check without the cache checks in this process"
    codes = {diagnostic.code for diagnostic in cold.diagnostics}
    assert {"quote-not-found", "unknown-source", "tag-variant"} <= codes
    _same(check_site(site, CheckOptions(frozen=True)), cold, "forked")
    assert len(children) >= 2, "the briefs were checked in forked children"
    monkeypatch.setattr(check_cache, "checked_brief", _not_again)
    _same(check_site(site, CheckOptions(frozen=True)), cold, "kept from the forked check")


def _not_again(*args: object) -> None:
    raise AssertionError("a brief kept from the forked check was checked again")
