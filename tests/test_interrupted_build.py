"""A build killed at any moment (SIGKILL: no clean-up code runs) leaves the previous output
byte for byte as it was, or the complete new one; never a mix, never nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from site_builder.cli import main
from site_builder.output.write import MARKER, _exchange
from tests.test_build import siblings, tree

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is a POSIX signal")

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("killed") / "site"
    generate(root, briefs=150, seed=7)
    assert main(["lock", "--site", str(root)]) == 0
    return root


def _command(site: Path, out: Path) -> list[str]:
    # Without the search index: killing Pagefind's indexing is one more moment "before
    # writing", and the rounds stay quick.
    command = [sys.executable, "-m", "site_builder", "build", "--site", str(site)]
    return [*command, "--out", str(out), "--no-search"]


_ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1740700800"}


def _start_build(site: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        _command(site, out),
        cwd=ROOT,
        env=_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _build_now(site: Path, out: Path) -> None:
    command = _command(site, out)
    result = subprocess.run(command, check=False, cwd=ROOT, env=_ENV, capture_output=True)
    assert result.returncode == 0, result.stderr


def _edit_one_brief(site: Path, round_: int) -> None:
    brief = sorted((site / "briefs").rglob("*.md"))[0]
    text = brief.read_text("utf-8")
    # Inside the title's YAML quotes: outside them the quotes would be part of the title,
    # a quotation the quote rule checks.
    brief.write_text(text.replace('\ntitle: "', f'\ntitle: "R{round_} ', 1), "utf-8")


def test_sigkill_at_any_moment_leaves_the_old_or_the_new_output(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    _build_now(site, out)
    killed_while_writing = killed_before_writing = 0
    for round_ in range(8):
        before = tree(out)
        _edit_one_brief(site, round_)
        build = _start_build(site, out)
        # The build's temporary folder: .public.new-PID-RANDOM
        fresh = f".public.new-{build.pid}-*"
        if round_ % 2 == 0:
            time.sleep(0.05 * round_)  # while loading, checking or rendering
        else:
            deadline = time.monotonic() + 30
            while (
                not any(out.parent.glob(fresh))
                and build.poll() is None
                and time.monotonic() < deadline
            ):
                time.sleep(0.001)  # until it writes
            time.sleep(0.002 * round_)
        writing = any(out.parent.glob(fresh))
        build.send_signal(signal.SIGKILL)
        status = build.wait()
        after = tree(out)
        if status == 0:
            assert after != before  # it finished first: the complete new output
            continue
        assert status == -signal.SIGKILL
        if after != before:
            # Killed after the swap, before the process ended (clearing up the old
            # output): the new output must be there whole, as an unkilled build makes it.
            # Built away from ``out``'s folder: its lock and spare are no leftovers of ``out``.
            reference = tmp_path / "references" / f"round-{round_}"
            _build_now(site, reference)
            assert after == tree(reference), f"round {round_}: neither old nor new output"
            continue
        killed_while_writing += writing
        killed_before_writing += not writing
    assert killed_while_writing >= 2 and killed_before_writing >= 2
    # The next build cleans up what the killed ones left and writes the new site.
    _build_now(site, out)
    assert siblings(out) == []
    assert (out / MARKER).is_file()


def test_a_swap_cut_between_its_two_renames_is_undone_by_the_next_build(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Where no atomic exchange exists the swap is two renames; killed between them, the
    # previous output waits in .public.old-PID and public/ is missing.
    out = tmp_path / "public"
    assert main(["build", "--site", str(site), "--out", str(out), "--no-search"]) == 0
    before = tree(out)
    dead = 2**22 + 4242  # above the default pid_max: no such process
    out.rename(tmp_path / f".public.old-{dead}")
    broken = tmp_path / "broken-site"
    broken.mkdir()
    (broken / "briefs").mkdir()
    (broken / "briefs" / "x.md").write_text("---\ntitle: X\n---\nOhne Beleg.\n", "utf-8")
    # Even a build that stops on content errors puts the previous output back first.
    assert main(["build", "--site", str(broken), "--out", str(out)]) == 1
    assert tree(out) == before
    assert siblings(out) == []


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "which").write_text("a", "utf-8")
    (second / "which").write_text("b", "utf-8")
    # Linux (CI) has renameat2: there the swap must be atomic, not silently two renames.
    assert _exchange(first, second) == (sys.platform == "linux")
    if sys.platform != "linux":
        return  # elsewhere the two-rename path is tested above
    assert (first / "which").read_text("utf-8") == "b"
    assert (second / "which").read_text("utf-8") == "a"
