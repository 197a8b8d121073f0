"""``updated_index``: the index ``serve`` keeps and updates by the briefs that changed is
``build_index``'s after any sequence of changes, and an edit touches only what it must."""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from site_builder.check.check import build_corpus, corpus_in_order
from site_builder.cli import main
from site_builder.corpus import Corpus
from site_builder.dates import PartialDate
from site_builder.memo import Memo
from site_builder.model import Brief, Source
from site_builder.pipeline import CheckOptions, check_site
from site_builder.render import site_index
from site_builder.render.site_index import build_index, updated_index


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("index") / "site"
    generate(root, briefs=60, seed=7)
    assert main(["lock", "--site", str(root)]) == 0
    checked = check_site(root, CheckOptions(use_cache=False))
    assert not checked.errors
    return checked.corpus


Briefs = list[Brief]
Change = Callable[[Briefs, list[Source], random.Random], None]
TAGS = ("Ukraine", "ukraine", "Wahlen", "Öffentlicher Dienst", "Путин")


def _pick(briefs: Briefs, rng: random.Random) -> int:
    return rng.randrange(len(briefs))


def edit(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    at = _pick(briefs, rng)
    briefs[at] = dataclasses.replace(briefs[at], title=briefs[at].title + " (neu)")


def redate(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    """Another day, often one another brief has (then the slugs decide the order)."""
    at = _pick(briefs, rng)
    other = briefs[_pick(briefs, rng)].date
    date = other if rng.random() < 0.5 else PartialDate(2024, rng.randrange(1, 13), 1)
    briefs[at] = dataclasses.replace(briefs[at], date=date)


def retag(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    at = _pick(briefs, rng)
    tags = tuple(rng.sample(TAGS, rng.randrange(4)))
    briefs[at] = dataclasses.replace(briefs[at], tags=tags)


def draft(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    at = _pick(briefs, rng)
    briefs[at] = dataclasses.replace(briefs[at], draft=not briefs[at].draft)


def remove(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    if len(briefs) > 1:
        del briefs[_pick(briefs, rng)]


def add(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    number = rng.randrange(10**6)
    copy = briefs[_pick(briefs, rng)]
    briefs.append(dataclasses.replace(copy, path=f"briefs/k-{number}.md", slug=f"k-{number}"))
    briefs.sort(key=lambda brief: brief.path)


def source(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    at = rng.randrange(len(sources))
    sources[at] = dataclasses.replace(sources[at], title=sources[at].title + " (neu)")


def several(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    for change in rng.choices([edit, redate, retag, draft, remove, add], k=3):
        change(briefs, sources, rng)


CHANGES: list[Change] = [edit, redate, retag, draft, remove, add, source, several]


@pytest.mark.parametrize("drafts", [False, True], ids=["published", "drafts"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_updated_index_is_the_index_made_anew(
    loaded: Corpus, drafts: bool, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    made_anew: list[int] = []
    indexed = site_index.indexed

    def counted(corpus: Corpus, *args: object) -> site_index.IndexState:
        made_anew.append(1)
        return indexed(corpus, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(site_index, "indexed", counted)
    briefs, sources = list(loaded.briefs), list(loaded.sources)
    memo = Memo()
    state = updated_index(None, loaded, drafts, memo)
    history = []
    for step in range(40):
        change = rng.choice(CHANGES)
        history.append(change.__name__)
        change(briefs, sources, rng)
        corpus, _ = build_corpus(sources, briefs, loaded.pages)
        memo.new_build()
        before = len(made_anew)
        state = updated_index(state, corpus, drafts, memo)
        assert state.index == build_index(corpus, drafts), f"step {step}: {history}"
        # Only a changed source makes the index anew (briefs' dates are never in a tie of
        # date and slug: slugs differ).
        assert (len(made_anew) > before) == (change is source), f"step {step}: {history}"


def test_an_edit_keeps_every_tag_the_brief_does_not_carry(loaded: Corpus) -> None:
    memo = Memo()
    state = updated_index(None, loaded, False, memo)
    tagged = next(brief for brief in loaded.briefs if brief.tags)
    briefs = [dataclasses.replace(b, title="Neu") if b is tagged else b for b in loaded.briefs]
    corpus, _ = build_corpus(loaded.sources, briefs, loaded.pages)
    updated = updated_index(state, corpus, False, memo)
    carried = {site_index.tag_slug(name) for name in tagged.tags}
    for old, new in zip(state.index.tags, updated.index.tags, strict=True):
        assert (old is new) == (old.slug not in carried)
    assert updated.index == build_index(corpus)


def test_a_brief_whose_date_and_slug_tie_with_anothers_makes_the_index_anew(
    loaded: Corpus, tmp_path: Path
) -> None:
    """Two briefs of the same slug (a collision, which ``check`` reports) are ordered by
    path: only a full sort knows that, so the update gives way to it."""
    state = updated_index(None, loaded, False, Memo())
    twin = dataclasses.replace(loaded.briefs[0], path="briefs/zz/twin.md")
    corpus = Corpus(loaded.sources, (*loaded.briefs, twin), loaded.sources_by_id, loaded.pages)
    assert updated_index(state, corpus, False, Memo()).index == build_index(corpus)


def test_the_resident_corpus_is_build_corpus_s_after_any_changes(loaded: Corpus) -> None:
    """``corpus_in_order`` (``serve``'s corpus, which takes the last one's sources while they
    are the same objects) equals ``build_corpus``'s, whatever order the briefs come in; a
    source with another's id is found by its first path either way."""
    rng = random.Random(5)
    briefs, sources = list(loaded.briefs), list(loaded.sources)
    sources.append(dataclasses.replace(sources[3], path="content/zz-twin.md"))
    last = None
    for step in range(30):
        change = rng.choice(CHANGES)
        change(briefs, sources, rng)
        # (Sources in path order, as ``serve`` loads them: then the last ones are taken.)
        shuffled = [list(documents) for documents in (briefs, loaded.pages)]
        for documents in shuffled:
            rng.shuffle(documents)
        corpus = corpus_in_order(sources, *shuffled, last)
        assert corpus == build_corpus(sources, briefs, loaded.pages)[0], f"step {step}"
        if last is not None and change is not source and change is not several:
            assert corpus.sources is last.sources
        last = corpus


def schedule(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    """A ``publish_at`` set (a few hours around the start of the test's clock) or taken."""
    at = _pick(briefs, rng)
    hours = rng.randrange(-3, 12)
    moment = None if rng.random() < 0.3 else _START + datetime.timedelta(hours=hours)
    briefs[at] = dataclasses.replace(briefs[at], publish_at=moment)


def uncite(briefs: Briefs, sources: list[Source], rng: random.Random) -> None:
    """A brief that cites nothing any more: a source only it cited is cited by none."""
    at = _pick(briefs, rng)
    briefs[at] = dataclasses.replace(briefs[at], citations=())


_START = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize("drafts", [False, True], ids=["published", "drafts"])
def test_the_updated_index_follows_the_clock_and_the_schedule(loaded: Corpus, drafts: bool) -> None:
    """Briefs scheduled and unscheduled while the clock moves on (an hour a step): the
    update asks only the scheduled briefs whether they are due, and equals the index made
    anew; many edits in a row (each of them in place, as ``serve`` edits) never drift."""
    rng = random.Random(11)
    briefs, sources = list(loaded.briefs), list(loaded.sources)
    memo = Memo()
    state = updated_index(None, loaded, drafts, memo, _START)
    for step in range(60):
        clock = _START + datetime.timedelta(hours=step // 4)
        change = rng.choice([schedule, schedule, edit, retag, redate, draft, uncite])
        change(briefs, sources, rng)
        corpus, _ = build_corpus(sources, briefs, loaded.pages)
        memo.new_build()
        state = updated_index(state, corpus, drafts, memo, clock)
        assert state.index == build_index(corpus, drafts, clock=clock), f"step {step}"
        assert state.waiting == site_index.not_due(corpus, clock), f"step {step}"


def test_a_source_whose_last_citing_brief_goes_has_no_count(loaded: Corpus) -> None:
    """Every brief citing the least cited source stops citing anything, one edit at a
    time, then cites again: the source's count of citing briefs falls to none (and the
    source leaves ``citing_briefs``, as in an index made anew) and comes back."""
    memo = Memo()
    state = updated_index(None, loaded, False, memo)
    counts = state.index.citing_briefs
    least = min(counts, key=lambda source_id: (counts[source_id], source_id))
    citing = [b for b in loaded.briefs if any(r.source_id == least for r in b.refs())]
    briefs = list(loaded.briefs)
    steps = [(b, dataclasses.replace(b, citations=())) for b in citing]
    steps += [(uncited, b) for b, uncited in steps]
    for was, now in steps:
        briefs[briefs.index(was)] = now
        corpus, _ = build_corpus(loaded.sources, briefs, loaded.pages)
        memo.new_build()
        state = updated_index(state, corpus, False, memo)
        assert state.index == build_index(corpus)
    assert least in state.index.citing_briefs
