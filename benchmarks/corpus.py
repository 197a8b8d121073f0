"""A deterministic, realistic site for benchmarks: ``python -m benchmarks.corpus OUT --briefs N``.

The benchmark suite times ``check`` and ``build`` on sites much larger than the repository's
own, so this module writes one: ``site.yaml``, N/5 sources in ``content/<outlet>/`` and N
briefs in ``briefs/<year>/``. The same arguments and seed articles always give byte-identical
files (one seeded ``random.Random``, no global state, no clock), so timings of two runs compare
like with like. Editing the seed articles in ``content/`` changes the generated text.

Shape, chosen to look like a newsroom's site:

- sources: 8–14 paragraphs of 40–90 words, some ``## headings`` between them, about 5 % of
  paragraphs ending in an explicit ``^name`` anchor;
- briefs: 3–5 paragraphs of 30–70 words, each with 1–3 citation groups, some groups with
  several refs, about 35 % of groups directly preceded by a verbatim quote „…“ of 3–8 words of
  the cited paragraph; sources are chosen Zipf-like, so a few are cited far more than others;
  a brief is dated no earlier than the sources it cites.

The German-like text is a word-bigram chain over the seed articles in the repository's
``content/`` folder, cleaned of everything that would be Markdown syntax or a quotation mark,
so the only markup in a generated body is the citations and quotes built on purpose.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import itertools
import json
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random

SEED_CONTENT = Path(__file__).resolve().parent.parent / "content"

SOURCES_PER_BRIEF = 0.2
SOURCE_PARAGRAPHS = (8, 14)
SOURCE_WORDS = (40, 90)
HEADING_SHARE = 0.2  # chance of a heading before each paragraph after the first
ANCHOR_SHARE = 0.05
BRIEF_PARAGRAPHS = (3, 5)
BRIEF_WORDS = (30, 70)
GROUPS_PER_PARAGRAPH = (1, 3)
REFS_PER_GROUP_WEIGHTS = (0.8, 0.15, 0.05)  # one, two or three refs in a group
QUOTE_SHARE = 0.35
QUOTE_WORDS = (3, 8)
NAMED_CITATION_SHARE = 0.1  # cite a source's ^name anchor (when it has one) instead of pN
ZIPF_EXPONENT = 1.0
WRAP_WIDTH = 100
FIRST_DAY = datetime.date(2024, 1, 1)
DAYS = 547  # dates fall in 2024-01-01 … 2025-06-30


def _names(text: str) -> tuple[str, ...]:
    """Comma-separated names (line breaks are separators too), for the lists below."""
    return tuple(name.strip() for name in text.replace("\n", ",").split(",") if name.strip())


OUTLETS: tuple[tuple[str, str], ...] = (
    ("tagesschau.de", "www.tagesschau.de"),
    ("Der Standard", "www.derstandard.at"),
    ("Die Presse", "www.diepresse.com"),
    ("Kleine Zeitung", "www.kleinezeitung.at"),
    ("ORF", "orf.at"),
    ("Süddeutsche Zeitung", "www.sueddeutsche.de"),
    ("Neue Zürcher Zeitung", "www.nzz.ch"),
    ("Frankfurter Allgemeine", "www.faz.net"),
)

TAGS: tuple[str, ...] = _names(
    """
    Außenpolitik, Innenpolitik, Wahlen in Österreich, Wahlen in Deutschland,
    Europäische Union, Ukraine, Russland, Türkei, Vereinigte Staaten, Naher Osten,
    Diplomatie, Sicherheitspolitik, Verteidigung, Wirtschaft, Konjunktur, Arbeitsmarkt,
    Energiepolitik, Klimaschutz, Umwelt, Landwirtschaft, Verkehr, Gesundheit, Pflege,
    Bildung, Hochschulen, Forschung, Digitalisierung, Datenschutz, Justiz, Verfassung,
    Menschenrechte, Migration, Asylpolitik, Soziales, Pensionen, Steuern, Haushalt,
    Finanzmärkte, Handel, Zölle, Kultur, Medien, Pressefreiheit, Sport, Wissenschaft,
    Gemeinden, Bundesländer, Parteien, Regierungsbildung, Nationalrat, Bundestag,
    Kommunalwahlen, Öffentlicher Dienst, Wohnen, Mieten, Tourismus
"""
)

AUTHORS: tuple[str, ...] = _names(
    """
    Redaktion, Anna Müller, Jürgen Groß, Özlem Yıldız, Katharina Böhm, Lukas Weiß,
    Sophie Krämer, Matthias Fuchs, Lena Schröder, Tobias Hübner, Miriam Jäger, Stefan Köhler
"""
)

# Characters that are Markdown syntax or quotation marks anywhere in a word: never generated.
_FORBIDDEN = set('[]`_*"„“”«»‹›‚‘’<>&\\|^~#')
_QUOTE_EDGES = "\"„“”«»‹›‚‘’'"
_SENTENCE_END = (".", "!", "?")
_TRAILING_PUNCTUATION = ".,;:!?"
# A word that would open a block (list item, heading, quote, thematic break) at a line start.
_UNSAFE_LINE_START = re.compile(r"^(?:[-+*=#>|~]|\d{1,9}[.)]$)")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slugify(text: str) -> str:
    """Lower-case ASCII slug with German transliteration, as the builder makes from file names."""
    lowered = unicodedata.normalize("NFC", text).lower().translate(_GERMAN)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_SLUG.sub("-", ascii_only).strip("-")


# --- German-like text ------------------------------------------------------------------------


def strip_front_matter(text: str) -> str:
    """The Markdown body of ``text``: what follows a leading ``---`` … ``---`` block."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[index + 1 :])
    return ""


def clean_word(raw: str) -> str | None:
    """``raw`` without quotation marks at its edges, or None when it cannot be used as text.

    Dropped: anything with Markdown syntax or quotation marks inside, URLs, bare dashes and
    ellipses (which the quote rule reads as omissions).
    """
    word = raw.strip(_QUOTE_EDGES)
    if not word or not any(ch.isalnum() for ch in word):
        return None
    if any(ch in _FORBIDDEN for ch in word) or "://" in word or "www." in word:
        return None
    if "…" in word or "..." in word or word.startswith(("-", "+", "=")):
        return None
    return word


def prose_blocks(body: str) -> list[str]:
    """The blocks of ``body`` that read as prose: several words, ending in a full stop.

    Leaves out headings, tables, link lists and boilerplate of the scraped seed articles.
    """
    blocks = (block.strip() for block in re.split(r"\n\s*\n", body))
    return [b for b in blocks if len(b.split()) >= 8 and "\t" not in b and ends_sentence(b)]


def seed_words(folder: Path = SEED_CONTENT) -> list[str]:
    """Every usable word of the seed articles' prose, in reading order (files sorted by path)."""
    words: list[str] = []
    for path in sorted(folder.rglob("*.md")):
        for block in prose_blocks(strip_front_matter(path.read_text(encoding="utf-8"))):
            words += [w for w in (clean_word(raw) for raw in block.split()) if w is not None]
    if len(words) < 50:
        raise SystemExit(f"too few seed words in {folder}: is the repository complete?")
    return words


def ends_sentence(word: str) -> bool:
    return word.endswith(_SENTENCE_END)


def safe_at_line_start(word: str) -> bool:
    """False for a word that would start a list, heading or block quote at a line start."""
    return _UNSAFE_LINE_START.match(word) is None


@dataclass(frozen=True, slots=True)
class TextModel:
    """A word-bigram chain over the seed text: ``followers[w]`` are the words seen after ``w``."""

    starts: tuple[str, ...]
    followers: dict[str, tuple[str, ...]]

    @classmethod
    def from_words(cls, words: Sequence[str]) -> TextModel:
        """Learn the chain; sentence starts are capitalised, line-safe words after a full stop."""
        followers: dict[str, list[str]] = {}
        for current, following in itertools.pairwise(words):
            followers.setdefault(current, []).append(following)
        starts = [
            following
            for current, following in itertools.pairwise(words)
            if ends_sentence(current) and following[0].isupper() and safe_at_line_start(following)
        ]
        return cls(
            starts=tuple(starts or [w for w in words if w[0].isupper()]),
            followers={word: tuple(after) for word, after in followers.items()},
        )

    def sentence_words(self, rng: Random) -> Iterator[str]:
        """An endless stream of words, sentence after sentence."""
        word = rng.choice(self.starts)
        while True:
            yield word
            after = self.followers.get(word)
            word = (
                rng.choice(self.starts) if ends_sentence(word) or not after else rng.choice(after)
            )

    def words_exactly(self, rng: Random, count: int) -> list[str]:
        """``count`` words that start like a sentence and end in a full stop."""
        words = list(itertools.islice(self.sentence_words(rng), count))
        return [*words[:-1], finish_sentence(words[-1])]

    def phrase(self, rng: Random, low: int, high: int) -> str:
        """A headline-like run of ``low``–``high`` words without final punctuation."""
        words = list(itertools.islice(self.sentence_words(rng), rng.randint(low, high)))
        return " ".join([*words[:-1], words[-1].rstrip(_TRAILING_PUNCTUATION)])


def finish_sentence(word: str) -> str:
    """``word`` as the last of a sentence: its trailing punctuation replaced by a full stop."""
    return word.rstrip(_TRAILING_PUNCTUATION) + "."


# --- sources ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceParagraph:
    words: tuple[str, ...]
    name: str | None  # the explicit ^name anchor, if any
    heading: str | None  # a heading written above this paragraph, if any


@dataclass(frozen=True, slots=True)
class SourcePlan:
    id: str
    path: str  # relative to the site
    title: str
    outlet: str
    url: str
    published: datetime.date
    paragraphs: tuple[SourceParagraph, ...]

    def named(self) -> list[int]:
        """Indexes (0-based) of the paragraphs with a ^name anchor."""
        return [i for i, p in enumerate(self.paragraphs) if p.name is not None]


def random_date(rng: Random) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))


def anchor_name(words: Sequence[str], rng: Random, taken: set[str]) -> str:
    """A unique ``^name`` from two words of the paragraph: lower-case, never ``p<digits>``."""
    slugs = [s for s in (slugify(w) for w in words) if s and not s.isdigit()] or ["absatz"]
    base = "-".join(rng.sample(slugs, 2) if len(slugs) > 1 else slugs)
    name, number = base, 2
    while name in taken or re.fullmatch(r"p\d+", name):
        name, number = f"{base}-{number}", number + 1
    taken.add(name)
    return name


def plan_source(rng: Random, model: TextModel, number: int) -> SourcePlan:
    """One source article: metadata, paragraphs, headings and explicit anchors."""
    outlet, domain = rng.choice(OUTLETS)
    title = model.phrase(rng, 5, 10)
    source_id = f"{slugify(' '.join(title.split()[:3]))}-{number:05d}"
    published = random_date(rng)
    taken: set[str] = set()
    paragraphs = []
    for index in range(rng.randint(*SOURCE_PARAGRAPHS)):
        words = tuple(model.words_exactly(rng, rng.randint(*SOURCE_WORDS)))
        name = anchor_name(words, rng, taken) if rng.random() < ANCHOR_SHARE else None
        heading = model.phrase(rng, 2, 5) if index and rng.random() < HEADING_SHARE else None
        paragraphs.append(SourceParagraph(words, name, heading))
    return SourcePlan(
        id=source_id,
        path=f"content/{slugify(outlet)}/{source_id}.md",
        title=title,
        outlet=outlet,
        url=f"https://{domain}/{published:%Y/%m}/{source_id}",
        published=published,
        paragraphs=tuple(paragraphs),
    )


def yaml_text(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def render_source(source: SourcePlan) -> str:
    """The Markdown file of a source: front matter, then one line per paragraph."""
    lines = [
        "---",
        f"title: {yaml_text(source.title)}",
        f"outlet: {yaml_text(source.outlet)}",
        f"url: {source.url}",
        f"published: {source.published.isoformat()}",
        "language: de",
        "---",
    ]
    for paragraph in source.paragraphs:
        if paragraph.heading is not None:
            lines += [f"## {paragraph.heading}", ""]
        marker = f" ^{paragraph.name}" if paragraph.name else ""
        lines += [" ".join(paragraph.words) + marker, ""]
    return "\n".join(lines)


# --- briefs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    source: SourcePlan
    index: int  # 0-based paragraph index
    anchor: str


class SourcePicker:
    """Chooses cited sources Zipf-like: rank r (in a shuffled order) has weight 1/r^s."""

    def __init__(self, sources: Sequence[SourcePlan], rng: Random) -> None:
        self._ranked = list(sources)
        rng.shuffle(self._ranked)
        weights = [1 / rank**ZIPF_EXPONENT for rank in range(1, len(self._ranked) + 1)]
        self._cumulative = list(itertools.accumulate(weights))

    def source(self, rng: Random) -> SourcePlan:
        at = bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])
        return self._ranked[min(at, len(self._ranked) - 1)]

    def ref(self, rng: Random) -> Ref:
        """A cited paragraph: mostly by position, sometimes by the source's ^name anchor."""
        source = self.source(rng)
        named = source.named()
        if named and rng.random() < NAMED_CITATION_SHARE:
            index = rng.choice(named)
            return Ref(source, index, str(source.paragraphs[index].name))
        index = rng.randrange(len(source.paragraphs))
        return Ref(source, index, f"p{index + 1}")


def citation_group(refs: Sequence[Ref]) -> str:
    return "[" + "; ".join(f"@{r.source.id}#{r.anchor}" for r in refs) + "]"


def pick_refs(picker: SourcePicker, rng: Random) -> list[Ref]:
    """The refs of one group: one to three distinct cited paragraphs."""
    count = rng.choices((1, 2, 3), weights=REFS_PER_GROUP_WEIGHTS)[0]
    refs: list[Ref] = []
    for _ in range(count * 3):  # a few tries; a popular source may repeat
        ref = picker.ref(rng)
        if all((r.source.id, r.index) != (ref.source.id, ref.index) for r in refs):
            refs.append(ref)
        if len(refs) == count:
            break
    return refs


def quote_from(ref: Ref, rng: Random) -> list[str]:
    """3–8 consecutive words of the cited paragraph, as atoms „first … last“.

    Runs within one sentence are preferred; trailing punctuation of the last word is left
    out, as an editor would quote.
    """
    words = ref.source.paragraphs[ref.index].words
    size = min(rng.randint(*QUOTE_WORDS), len(words))
    for _ in range(5):
        start = rng.randrange(len(words) - size + 1)
        run = list(words[start : start + size])
        if not any(ends_sentence(word) for word in run[:-1]):
            break
    run[-1] = run[-1].rstrip(_TRAILING_PUNCTUATION) or run[-1]
    return ["„" + run[0], *run[1:-1], run[-1] + "“"] if size > 1 else ["„" + run[0] + "“"]


def split_count(total: int, parts: int, rng: Random) -> list[int]:
    """``total`` split into ``parts`` positive sizes at random cut points."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in itertools.pairwise([0, *cuts, total])]


def brief_paragraph(
    model: TextModel, picker: SourcePicker, rng: Random, cited: list[Ref] | None = None
) -> list[str]:
    """One paragraph as atoms (words, quote words, citation groups): each stretch of text
    ends in an optional quote and a citation group, then a full stop. The refs are added
    to ``cited`` when it is given."""
    groups = rng.randint(*GROUPS_PER_PARAGRAPH)
    atoms: list[str] = []
    for size in split_count(rng.randint(*BRIEF_WORDS), groups, rng):
        words = model.words_exactly(rng, max(size, 2))
        words[-1] = words[-1].rstrip(_TRAILING_PUNCTUATION) or words[-1]
        refs = pick_refs(picker, rng)
        if cited is not None:
            cited += refs
        quote = quote_from(refs[0], rng) if rng.random() < QUOTE_SHARE else []
        atoms += [*words, *quote, citation_group(refs) + "."]
    return atoms


def wrap(atoms: Sequence[str], width: int) -> str:
    """Atoms joined by spaces, broken into lines of about ``width`` characters.

    Never breaks before an atom that would open a Markdown block at a line start.
    """
    if width <= 0:
        return " ".join(atoms)
    lines: list[str] = []
    line = ""
    for atom in atoms:
        if line and len(line) + 1 + len(atom) > width and safe_at_line_start(atom):
            lines.append(line)
            line = atom
        else:
            line = f"{line} {atom}" if line else atom
    return "\n".join([*lines, line])


@dataclass(frozen=True, slots=True)
class BriefPlan:
    path: str
    title: str
    date: datetime.date
    summary: str
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    paragraphs: tuple[str, ...]  # already wrapped Markdown
    citations: int  # refs, counting each ref of a group
    quotes: int


def plan_brief(
    rng: Random, model: TextModel, picker: SourcePicker, tags: TagPicker, number: int
) -> BriefPlan:
    """One brief: front matter values and its cited, partly quoting paragraphs."""
    title = model.phrase(rng, 4, 9)
    date = random_date(rng)
    cited: list[Ref] = []
    count = rng.randint(*BRIEF_PARAGRAPHS)
    bodies = [brief_paragraph(model, picker, rng, cited) for _ in range(count)]
    # Not before the articles it cites, as in a newsroom (check warns: cites-later-source).
    date = max([date, *(ref.source.published for ref in cited)])
    atoms = [atom for body in bodies for atom in body]
    return BriefPlan(
        path=f"briefs/{date:%Y}/{slugify(' '.join(title.split()[:5]))}-{number:05d}.md",
        title=title,
        date=date,
        summary=" ".join(model.words_exactly(rng, rng.randint(12, 24))),
        tags=tags.pick(rng, rng.randint(1, 4)),
        authors=tuple(rng.sample(AUTHORS, rng.choice((1, 1, 1, 2)))),
        paragraphs=tuple(wrap(body, WRAP_WIDTH) for body in bodies),
        citations=sum(atom.count("@") for atom in atoms if atom.startswith("[@")),
        quotes=sum(1 for atom in atoms if atom.startswith("„")),
    )


class TagPicker:
    """Chooses distinct tags, Zipf-like, so some tags have many briefs and most a few."""

    def __init__(self, names: Sequence[str], rng: Random) -> None:
        self._ranked = list(names)
        rng.shuffle(self._ranked)
        self._weights = [1 / rank for rank in range(1, len(self._ranked) + 1)]

    def pick(self, rng: Random, count: int) -> tuple[str, ...]:
        chosen: list[str] = []
        while len(chosen) < min(count, len(self._ranked)):
            name = rng.choices(self._ranked, weights=self._weights)[0]
            if name not in chosen:
                chosen.append(name)
        return tuple(chosen)


def render_brief(brief: BriefPlan) -> str:
    """The Markdown file of a brief: front matter, then paragraphs separated by blank lines."""
    front = [
        "---",
        f"title: {yaml_text(brief.title)}",
        f"date: {brief.date.isoformat()}",
        f"summary: {yaml_text(brief.summary)}",
        f"tags: [{', '.join(yaml_text(t) for t in brief.tags)}]",
        f"authors: [{', '.join(yaml_text(a) for a in brief.authors)}]",
        "---",
    ]
    return "\n".join(front) + "\n" + "\n\n".join(brief.paragraphs) + "\n"


# --- the site --------------------------------------------------------------------------------

SITE_YAML = """\
title: Benchmark – Nachrichten mit Quellen
description: Erzeugter Korpus für Laufzeitmessungen.
base_url: https://example.org/
language: de
"""


@dataclass(frozen=True, slots=True)
class Counts:
    sources: int
    briefs: int
    citations: int
    quotes: int


def write_file(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def generate(out: Path, briefs: int, seed: int, sources: int | None = None) -> Counts:
    """Write the whole site into ``out``; the same arguments always give the same bytes."""
    rng = Random(seed)
    model = TextModel.from_words(seed_words())
    source_count = sources if sources is not None else max(1, round(briefs * SOURCES_PER_BRIEF))
    plans = [plan_source(rng, model, number) for number in range(1, source_count + 1)]
    write_file(out, "site.yaml", SITE_YAML)
    for plan in plans:
        write_file(out, plan.path, render_source(plan))
    picker = SourcePicker(plans, rng)
    tags = TagPicker(TAGS, rng)
    citations = quotes = 0
    for number in range(1, briefs + 1):
        brief = plan_brief(rng, model, picker, tags, number)
        citations, quotes = citations + brief.citations, quotes + brief.quotes
        write_file(out, brief.path, render_brief(brief))
    return Counts(source_count, briefs, citations, quotes)


def clear_site(out: Path) -> None:
    """Remove what a previous run generated in ``out`` (and nothing else)."""
    for folder in ("content", "briefs", "public"):
        shutil.rmtree(out / folder, ignore_errors=True)
    for name in ("site.yaml", "citations.lock"):
        (out / name).unlink(missing_ok=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus",
        description="Write a deterministic benchmark site (site.yaml, content/, briefs/).",
    )
    parser.add_argument("out", type=Path, metavar="OUT_DIR", help="folder to write the site into")
    parser.add_argument("--briefs", type=int, default=100, metavar="N", help="number of briefs")
    parser.add_argument(
        "--sources", type=int, metavar="M", help="number of sources (default: N/5, at least 1)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument(
        "--force", action="store_true", help="replace a site generated earlier in OUT_DIR"
    )
    args = parser.parse_args(argv)
    if args.briefs < 1 or (args.sources is not None and args.sources < 1):
        parser.error("--briefs and --sources must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out
    occupied = [n for n in ("site.yaml", "content", "briefs") if (out / n).exists()]
    if occupied and not args.force:
        print(
            f"{out} already holds {', '.join(occupied)}; pass --force to replace", file=sys.stderr
        )
        return 2
    clear_site(out)
    counts = generate(out, args.briefs, args.seed, args.sources)
    print(
        f"{out}: {counts.sources} sources, {counts.briefs} briefs, "
        f"{counts.citations} citations, {counts.quotes} quotes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
