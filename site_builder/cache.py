"""The build cache: what earlier runs learned, kept in ``.site-builder-cache/build/`` in the
site (never in the output folder), so the next run redoes only what changed.

Every entry is found by content: the sha256 of the files it came from and a fingerprint of
site-builder itself (its code and the versions of the libraries that shape its output). A
stale entry is therefore never used; it is simply not found. When in doubt (a table
missing, unreadable or from another build of site-builder) the run is a cold one.

The tables are pickles, and unpickling runs code, so each is signed (HMAC-SHA256) with a key
private to the user (``$XDG_CACHE_HOME/site-builder/cache-key``, mode 0600). A cache copied
from another machine, committed to a repository or edited by hand fails the signature and
is ignored, never unpickled.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import hmac
import os
import pickle
import re
import secrets
import stat
import sys
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .safe_files import real_folder, replace_file

CACHE_DIR = ".site-builder-cache"
_BUILD_TABLES = "build"
_KEY_BYTES = 32
_SIGNATURE_BYTES = 32  # HMAC-SHA256
# A table holds what was learnt of every file (each at most 1 MiB) or the file list of
# a large output: hundreds of megabytes at most. Anything larger is not one we wrote.
MAX_TABLE_BYTES = 1 << 30
_LIBRARIES = ("markdown-it-py", "Jinja2", "PyYAML", "pagefind", "MarkupSafe")


class BuildCache:
    """Signed tables (name → picklable value) in one folder; ``None`` when not usable.

    ``base`` is the site: the folders from it to ``folder`` must be real folders (a planted
    link would lead the tables' writes out of the site). A table is read only when it is a
    regular file (never through a link, never a device or pipe: ``/dev/zero`` would fill
    the memory, ``/dev/stdin`` wait for ever) of at most ``MAX_TABLE_BYTES``."""

    def __init__(self, folder: Path, key: bytes, base: Path | None = None) -> None:
        self._folder = folder
        self._key = key
        self._base = folder.parent if base is None else base
        self._failure: str | None = None

    @property
    def folder(self) -> Path:
        return self._folder

    @property
    def failure(self) -> str | None:
        """Why the cache could not be written (then it no longer tries), or None."""
        return self._failure

    def read(self, name: str) -> Any:
        """The table's value, or None when it is missing, damaged or not signed by us."""
        data = _read_regular_file(self._folder / f"{name}.pickle", MAX_TABLE_BYTES)
        if data is None:
            return None
        signature, payload = data[:_SIGNATURE_BYTES], data[_SIGNATURE_BYTES:]
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        # The cycle collector paused while a table is unpickled: the tables hold no cycles,
        # and its walks over the objects being made (hundreds of thousands for the state of
        # a check) cost a check after one edit ≈ 20 ms, for nothing to collect.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return pickle.loads(payload)
        except Exception:  # a table we wrote cannot fail; anything else is a cold start
            return None
        finally:
            if enabled:
                gc.enable()

    def write(self, name: str, value: Any) -> None:
        """Store ``value`` (all or nothing: a run killed mid-write leaves the old table).
        A cache that cannot be written (read-only site, disk full) only costs speed: the
        first failure is kept in ``failure`` and later writes are skipped."""
        if self._failure is not None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            if not real_folder(self._folder, self._base):
                raise NotADirectoryError(f"{self._folder} is not a real folder")
            replace_file(self._folder / f"{name}.pickle", self._sign(payload) + payload, 0o600)
        except OSError as exc:
            self._failure = f"{self._folder}: {exc.strerror or exc}"

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()


def _read_regular_file(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``limit``
    bytes, else None. Opened without blocking, so a named pipe cannot stop the run."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(os.dup(descriptor), "rb") as stream:
            data = stream.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return data if len(data) <= limit else None


def open_cache(site_root: Path) -> BuildCache | None:
    """The site's build cache, or None when no private key can be had (then every run
    is cold: slower, never wrong)."""
    key = _user_key()
    if key is None:
        return None
    return BuildCache(site_root / CACHE_DIR / _BUILD_TABLES, key, site_root)


def _user_key() -> bytes | None:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "site-builder" / "cache-key"
    key = _read_regular_file(path, _KEY_BYTES)
    try:
        if key is not None and len(key) == _KEY_BYTES and path.lstat().st_mode & 0o077 == 0:
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        return _new_key(path)
    except OSError:
        return None


def _new_key(path: Path) -> bytes:
    """A fresh key, written readable by the user only (a key others could read or replace
    would let them forge cache entries)."""
    key = secrets.token_bytes(_KEY_BYTES)
    replace_file(path, key, 0o600)
    return key


@functools.cache
def builder_fingerprint() -> str:
    """What site-builder's output depends on besides the site: its own code and templates,
    the Python version and the libraries' versions. Any change is a cold start.

    Every build asks, a build that finds nothing changed too: so the package is walked
    with ``os.scandir`` on strings, and the versions are read from the names of the
    libraries' ``.dist-info`` folders (``importlib.metadata`` alone took longer to import
    than the rest of this)."""
    digest = hashlib.sha256(sys.version.encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for relative in sorted(_package_files(package)):
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        with open(os.path.join(package, relative), "rb") as stream:
            digest.update(stream.read())
    versions = library_versions(_LIBRARIES, sys.path)
    for library in _LIBRARIES:
        digest.update(f"{library}={versions[library]}\0".encode())
    return digest.hexdigest()


def _package_files(folder: str, prefix: str = "") -> list[str]:
    """Every file below ``folder`` (``__pycache__`` left out), as a relative POSIX path;
    like ``Path.rglob``, links to folders are not entered (in a checkout ``render/theme``
    links to the templates, which page keys cover)."""
    files: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    files += _package_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                files.append(prefix + entry.name)
    return files


def library_versions(names: Sequence[str], search_path: Sequence[str]) -> dict[str, str]:
    """The installed version of each distribution of ``names`` ("-" when not installed):
    from the first ``NAME-VERSION.dist-info`` folder on ``search_path``, as
    ``importlib.metadata`` finds it; a distribution installed otherwise (an ``.egg-info``)
    is asked of ``importlib.metadata`` itself."""
    wanted = {_project_key(name): name for name in names}
    found: dict[str, str] = {}
    for folder in search_path:
        try:
            listing = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in listing:
            if not entry.endswith(".dist-info"):
                continue
            project, dash, version = entry.removesuffix(".dist-info").partition("-")
            name = wanted.get(_project_key(project))
            if dash and name and name not in found:
                found[name] = version
    for name in names:
        if name not in found:
            found[name] = _metadata_version(name)
    return found


def _project_key(name: str) -> str:
    """A distribution's name as packaging compares it (``Jinja2``, ``jinja2`` and a
    folder's ``markdown_it_py`` for ``markdown-it-py``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _metadata_version(name: str) -> str:
    import importlib.metadata  # noqa: PLC0415 (rarely needed: see library_versions)

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


# --- sharded tables: one edited file rewrites one shard, not the whole table ---------------

# 256: ``check`` after an edit reads the shards of the edited brief and of the sources
# it cites (documents at 20,000 pages: 7 MB a shard with 32, 0.9 MB with 256).
SHARDS = 256


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % SHARDS


def read_shard(cache: BuildCache, name: str, shard: int) -> dict[str, Any]:
    """Shard ``shard`` of the table ``name`` (path → entry); empty when it is missing or
    was written by another site-builder."""
    table = cache.read(f"{name}-{shard:02d}")
    if isinstance(table, tuple) and len(table) == 2 and table[0] == builder_fingerprint():
        entries: dict[str, Any] = table[1]
        return entries
    return {}


def read_sharded(cache: BuildCache, name: str) -> dict[str, Any]:
    """Every entry of the sharded table ``name``, by path."""
    entries: dict[str, Any] = {}
    for shard in range(SHARDS):
        entries.update(read_shard(cache, name, shard))
    return entries


def write_shards(
    cache: BuildCache, name: str, entries: Mapping[str, Any], shards: set[int]
) -> None:
    """Rewrite ``shards`` of the table ``name`` with the ``entries`` that belong in them."""
    tables: dict[int, dict[str, Any]] = {shard: {} for shard in shards}
    for path, entry in entries.items():
        table = tables.get(shard_of(path))
        if table is not None:
            table[path] = entry
    for shard, table in sorted(tables.items()):
        cache.write(f"{name}-{shard:02d}", (builder_fingerprint(), table))
