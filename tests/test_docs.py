"""The README documents every command and option the CLI has (docs checked against code)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from site_builder.cli import build_parser
from site_builder.diagnostics import CODES

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_command_and_option_is_in_the_readme() -> None:
    missing = []
    for name, parser in subcommands().items():
        if f"site-builder {name}" not in README:
            missing.append(name)
        for action in parser._actions:
            missing += [
                f"{name} {o}"
                for o in action.option_strings
                if o.startswith("--") and o != "--help" and o not in README
            ]
    assert missing == []


def test_every_diagnostic_code_is_in_the_readme_table() -> None:
    table = README.split("Diagnostic codes", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", table, re.MULTILINE))
    assert documented == set(CODES)


def test_the_readme_table_gives_each_code_its_german_name() -> None:
    table = README.split("Diagnostic codes", 1)[1].split("\n## ", 1)[0]
    documented = dict(re.findall(r"^\| `([a-z-]+)` \| `([^`]+)` \|", table, re.MULTILINE))
    assert documented == {code: entry.german for code, entry in CODES.items()}


# A pointer into another document: a link with an anchor, "in `file.md` (Section)" or
# "file.md, "Section"". Each must name a section that exists, and a figure quoted next
# to it must stand in that section (a reader follows the pointer to check it).
LINKED_SECTION = re.compile(r"\]\(([\w./-]+\.md)#([\w-]+)\)")
NAMED_SECTION = re.compile(r"in `([\w./-]+\.md)` \(([A-Z][^)`]+)\)|([\w./-]+\.md), \"([^\"]+)\"")
FIGURE = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
DOCUMENTS = ["README.md", "SECURITY.md", "CONTRIBUTING.md", "benchmarks/RESULTS.md"]


def sections(path: Path) -> dict[str, str]:
    """Heading text → the text up to the next heading of the same or a higher level."""
    found: dict[str, str] = {}
    lines = path.read_text("utf-8").splitlines()
    for index, line in enumerate(lines):
        heading = re.match(r"(#+) (.*)", line)
        if not heading:
            continue
        level = len(heading.group(1))
        end = next(
            (
                later
                for later in range(index + 1, len(lines))
                if re.match(rf"#{{1,{level}}} ", lines[later])
            ),
            len(lines),
        )
        found[heading.group(2)] = "\n".join(lines[index:end])
    return found


def github_slug(heading: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", heading.lower())
    return slug.replace(" ", "-")


def pointed_section(document: Path, target: str, name: str, *, anchor: bool) -> str | None:
    path = (document.parent / target).resolve()
    if not path.is_file():
        path = (ROOT / target).resolve()
    assert path.is_file(), f"{document.name} points to {target}, which does not exist"
    name = " ".join(name.split())  # a section named across a line break
    for heading, text in sections(path).items():
        if (github_slug(heading) == name) if anchor else heading.startswith(name):
            return text
    return None


def test_every_pointer_to_a_section_names_one_that_exists() -> None:
    broken = []
    for name in DOCUMENTS:
        document = ROOT / name
        text = document.read_text("utf-8")
        for target, anchor in LINKED_SECTION.findall(text):
            if pointed_section(document, target, anchor, anchor=True) is None:
                broken.append(f"{name}: {target}#{anchor}")
        for match in NAMED_SECTION.finditer(text):
            target, section = match.group(1) or match.group(3), match.group(2) or match.group(4)
            if pointed_section(document, target, section, anchor=False) is None:
                broken.append(f"{name}: {target} ({section})")
    assert broken == []


def test_figures_next_to_a_pointer_stand_in_the_section_it_names() -> None:
    missing = []
    for name in DOCUMENTS:
        document = ROOT / name
        text = document.read_text("utf-8")
        for match in NAMED_SECTION.finditer(text):
            target, section = match.group(1) or match.group(3), match.group(2) or match.group(4)
            pointed = pointed_section(document, target, section, anchor=False) or ""
            # The sentence the pointer ends: from the previous full stop or blank line.
            start = max(text.rfind(". ", 0, match.start()), text.rfind("\n\n", 0, match.start()))
            for figure in FIGURE.findall(text[start : match.start()]):
                if figure not in pointed:
                    missing.append(f"{name}: {figure} is not in {target} ({section})")
    assert missing == []
