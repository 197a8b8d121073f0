"""The watcher's kept look (``serve.look.KeptLook``) equals a fresh ``look_at_inputs`` after
every change: files edited in place (same size, same second), replaced, added, removed,
renamed; folders made and removed; a file replaced by a folder or a link and back; links
whose target changes while the link stays; names the snapshot leaves out; the output
folder inside the site."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from site_builder.output.previous_build import InputScan
from site_builder.serve.look import KeptLook
from site_builder.serve.watch import kept_look, look_at_inputs

FOLDERS = ("content", "briefs", "briefs/2025", "briefs/2025/03", "pages", "templates", "public")
NAMES = ("a.md", "b.md", "c.md", "4913", ".a.md.swp", "a.md~", "x.txt", "sub")


def _seen(result: tuple[dict[str, tuple[int, int]], InputScan]) -> object:
    """What a look found, without the moment it started; listings by their ``lstat``."""
    files, scan = result
    assert scan.listings is not None
    listings = {
        folder: (
            _key(listing.folder),
            [(name, None if info is None else _key(info)) for name, info in listing.entries],
        )
        for folder, listing in scan.listings.items()
    }
    return files, scan.entries, listings


def _key(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _change(site: Path, rng: random.Random, step: int) -> None:
    """One random change below ``site``."""
    path = site / rng.choice(FOLDERS) / rng.choice(NAMES)
    kind = rng.randrange(9)
    if path.is_symlink() or path.is_file():
        _change_file(path, kind, step)
    elif path.is_dir():
        if kind < 3:
            shutil.rmtree(path)
        else:
            (path / rng.choice(NAMES[:3])).write_text(f"in {step}")
    else:
        _make(site, path, rng, kind, step)


def _change_file(path: Path, kind: int, step: int) -> None:
    """Change the file or link at ``path``."""
    if kind == 0 or (path.is_symlink() and kind > 1):
        path.unlink()
    elif path.is_symlink():
        return
    elif kind == 1:  # the same size, the same time: only the change time moves
        times = os.stat(path)
        path.write_bytes(path.read_bytes()[::-1])
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    elif kind == 2:  # an editor's atomic save
        spare = path.with_name(".save" + str(step))
        spare.write_text(f"saved {step}")
        spare.replace(path)
    elif kind == 3:  # a file becomes a folder
        path.unlink()
        path.mkdir()
        (path / "inner.md").write_text("inner")
    elif kind == 4:
        os.chmod(path, 0o600 if step % 2 else 0o644)
    else:
        with path.open("a") as stream:
            stream.write(f"more {step}\n")


def _make(site: Path, path: Path, rng: random.Random, kind: int, step: int) -> None:
    """Make a file, a link or (for a missing folder) remove another folder."""
    if kind < 8:
        path.parent.mkdir(parents=True, exist_ok=True)
    if kind < 5:
        path.write_text(f"new {step}")
    elif kind < 7:  # a link to a file (its target changes without the link)
        path.symlink_to(site / rng.choice(FOLDERS) / rng.choice(NAMES[:3]))
    elif kind == 7:
        path.symlink_to(site / "briefs")
    else:
        other = site / rng.choice(FOLDERS)
        if other.is_dir() and other != site / "briefs":
            shutil.rmtree(other)


def _site(root: Path) -> Path:
    site = root / "site"
    for folder in FOLDERS:
        (site / folder).mkdir(parents=True, exist_ok=True)
        for name in NAMES[:3]:
            (site / folder / name).write_text(f"{folder}/{name}")
    (site / "site.yaml").write_text("title: T\n")
    return site


def test_a_kept_look_equals_a_fresh_one_over_random_changes(tmp_path: Path) -> None:
    for seed in range(6):
        site = _site(tmp_path / str(seed))
        skip = site / "public" if seed % 2 else None
        kept = kept_look(site, skip)
        rng = random.Random(seed)
        for step in range(60):
            assert _seen(kept.look()) == _seen(look_at_inputs(site, skip)), (seed, step)
            for _ in range(rng.randrange(1, 4)):
                _change(site, rng, step)


def test_a_kept_look_takes_unchanged_folders_from_the_last(tmp_path: Path) -> None:
    site = _site(tmp_path)
    kept = kept_look(site)
    first = kept.look()[1].entries
    brief = site / "briefs" / "2025" / "a.md"
    brief.write_text("edited in place, a new size")
    files, scan = kept.look()
    assert files["briefs/2025/a.md"] == (brief.stat().st_mtime_ns, brief.stat().st_size)
    assert _seen((files, scan)) == _seen(look_at_inputs(site))
    # The unchanged entries are the last look's own (not made again).
    made = [new for new, old in zip(scan.entries, first, strict=True) if new is not old]
    assert [path for path, *_ in made] == ["briefs/2025/a.md", "site.yaml", "citations.lock"]
    assert isinstance(kept, KeptLook)


def test_a_link_is_followed_again_when_only_its_target_changed(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "briefs" / "link.md").symlink_to(site / "content" / "a.md")
    kept = kept_look(site)
    kept.look()
    (site / "content" / "a.md").write_text("the target grew longer")
    files, _ = kept.look()
    assert files["briefs/link.md"][1] == len("the target grew longer")
    assert _seen(kept.look()) == _seen(look_at_inputs(site))
