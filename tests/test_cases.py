"""Data-driven diagnostic cases: ``tests/cases/*.txt``; the expected output is the exact text
``site-builder check`` prints. Each case's id carries its file and line.

Format::

    ### name of the case
    === file briefs/x.md            (optionally: encoding=latin-1)
    …file content…
    === args --strict               (optional extra arguments to `check`)
    === expect exit 1
    …exact stdout…

Every case runs on the default test site (``tests/sitefiles.py``) plus its files; a file
with ``encoding=utf-8-sig`` gets a BOM, ``encoding=latin-1`` makes a non-UTF-8 file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import MakeSite

CASES = Path(__file__).parent / "cases"
LOCK_NOTICE = "citations.lock: recorded"


@dataclass
class Case:
    name: str
    origin: str
    files: dict[str, bytes] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    exit_code: int = 0
    expected: list[str] = field(default_factory=list)


def parse_cases(path: Path) -> list[Case]:
    cases: list[Case] = []
    target: list[str] | None = None
    encoding = "utf-8"
    name = ""

    def flush() -> None:
        if target is not None and cases and name:
            cases[-1].files[name] = "".join(target).encode(encoding)

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(True), 1):
        if line.startswith("### "):
            flush()
            target, name = None, ""
            cases.append(Case(line[4:].strip(), f"{path.name}:{number}"))
        elif line.startswith("=== file "):
            flush()
            parts = line[9:].split()
            name, encoding, target = parts[0], "utf-8", []
            if len(parts) > 1 and parts[1].startswith("encoding="):
                encoding = parts[1].removeprefix("encoding=")
        elif line.startswith("=== args "):
            flush()
            target, name = None, ""
            cases[-1].args = line[9:].split()
        elif line.startswith("=== expect exit "):
            flush()
            name = ""
            cases[-1].exit_code = int(line[16:])
            target = cases[-1].expected
        elif target is not None:
            target.append(line)
    flush()
    return cases


ALL_CASES = [case for path in sorted(CASES.glob("*.txt")) for case in parse_cases(path)]


@pytest.mark.parametrize("case", ALL_CASES, ids=[f"{c.origin} {c.name}" for c in ALL_CASES])
def test_case(case: Case, make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(case.files)
    exit_code = main(["check", "--site", str(site), *case.args])
    output = capsys.readouterr()
    printed = (output.out + output.err.replace(str(site), "SITE")).splitlines()
    # The lock's "recorded N citations" notice is tested in test_lock.py, not in every case.
    printed = [line for line in printed if not line.startswith(LOCK_NOTICE)]
    expected = "".join(case.expected).rstrip("\n").splitlines()  # blank lines end a case
    assert printed == expected
    assert exit_code == case.exit_code


def test_every_case_file_has_cases() -> None:
    for path in CASES.glob("*.txt"):
        assert parse_cases(path), f"{path.name} holds no case"
