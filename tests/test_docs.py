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
