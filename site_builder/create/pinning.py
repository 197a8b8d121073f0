"""How a new site names the site-builder it was made with, so its CI and its pre-commit
hook run exactly that version (``init``).

site-builder is not on PyPI: CI installs it from where this copy came from, as PEP 610's
``direct_url.json`` of the installed distribution records it (a git repository and commit,
an archive, a local folder). Its dependencies are pinned to the versions installed here,
so CI renders byte for byte what the editor previews, with the same Pagefind.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..messages import Message, msg

DISTRIBUTION = "site-builder"

# A requirement as distributions declare it: name, extras, version, marker.
_REQUIREMENT = re.compile(
    r"\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?[^;]*(?:;(?P<marker>.*))?"
)
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
# ``git@github.com:owner/repo.git``: git's short form of an ssh address.
_SCP_LIKE = re.compile(r"(?P<user>[^@/:]+@)?(?P<host>[^/:]+):(?P<path>[^/].*)")


@dataclass(frozen=True, slots=True)
class Pin:
    """Where CI gets site-builder: ``requirement`` is its line in requirements.txt;
    ``repo`` and ``rev`` are the git repository and commit for pre-commit (None when it
    does not come from git: the hook then runs the site-builder on PATH). ``unreachable``
    says what CI cannot reach, when it cannot: a folder on this computer, a package index
    site-builder is not on."""

    requirement: str
    repo: str | None = None
    rev: str | None = None
    unreachable: str | None = None


GitInfo = Callable[[Path], tuple[str | None, str] | None]


def installed_pin(git_info: GitInfo | None = None) -> Pin:
    """The pin of the site-builder installed here (see ``pin_from_direct_url``)."""
    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return _index_pin(__version__)
    text = distribution.read_text("direct_url.json")
    direct_url = _json_object(text) if text else None
    return pin_from_direct_url(direct_url, distribution.version, git_info or git_origin)


def _json_object(text: str) -> dict[str, object] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def pin_from_direct_url(
    direct_url: dict[str, object] | None, version: str, git_info: GitInfo
) -> Pin:
    """The pin for an installation PEP 610 describes by ``direct_url``: from git, that
    repository at the installed commit; from an archive, its URL; from a local folder,
    the folder's git remote at its HEAD commit (or, without a remote, the folder itself:
    ``unreachable``); from an index (no ``direct_url``), the version (``unreachable``:
    site-builder is on no public index)."""
    url = direct_url.get("url") if direct_url else None
    if direct_url is None or not isinstance(url, str):
        return _index_pin(version)
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(vcs.get("commit_id"), str):
        return git_pin(url, str(vcs["commit_id"]))
    if url.startswith("file:") and isinstance(direct_url.get("dir_info"), dict):
        return _folder_pin(url, git_info)
    return _url_pin(url)


def _index_pin(version: str) -> Pin:
    requirement = f"{DISTRIBUTION}=={version}"
    unpublished = msg(
        "{requirement} from a package index, where it is not published", requirement=requirement
    )
    return Pin(requirement, unreachable=unpublished)


def _url_pin(url: str) -> Pin:
    folder = url.startswith("file:")
    return Pin(f"{DISTRIBUTION} @ {url}", unreachable=_on_this_computer(url) if folder else None)


def _on_this_computer(url: str) -> Message:
    return msg("a folder on this computer ({url})", url=url)


def _folder_pin(url: str, git_info: GitInfo) -> Pin:
    folder = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
    found = git_info(folder)
    if found is None:
        return _url_pin(url)
    remote, commit = found
    if remote is not None and _is_local_path(remote):
        # A clone of a clone: its remote is a folder here, named as git keeps it (a path,
        # relative to the checkout when written so). pip needs a file: URL.
        remote = (folder / remote).resolve().as_uri()
    return git_pin(folder.as_uri() if remote is None else remote, commit)


def _is_local_path(remote: str) -> bool:
    """A git remote that is a folder path (``/srv/site-builder``, ``../sb``), not a URL or
    git's short ssh form (``git@host:path``)."""
    return "://" not in remote and _SCP_LIKE.fullmatch(remote) is None


def git_pin(repository: str, commit: str) -> Pin:
    """``site-builder @ git+REPOSITORY@COMMIT``, and the same for pre-commit."""
    address = reachable_address(repository)
    local = _on_this_computer(address) if address.startswith("file:") else None
    return Pin(f"{DISTRIBUTION} @ git+{address}@{commit}", address, commit, local)


def reachable_address(remote: str) -> str:
    """A git remote as an address pip and CI can use: git's short ssh form
    (``git@host:path``) as an ``ssh://`` URL, GitHub's over https (a CI runner has no ssh
    key), and never a user name or token written into an https address."""
    remote = remote.removeprefix("git+")
    scp = _SCP_LIKE.fullmatch(remote) if "://" not in remote else None
    if scp is not None:
        remote = f"ssh://{scp['user'] or ''}{scp['host']}/{scp['path']}"
    parts = urllib.parse.urlsplit(remote)
    if parts.scheme == "ssh" and parts.hostname == "github.com":
        return urllib.parse.urlunsplit(("https", "github.com", parts.path, "", ""))
    if parts.scheme in ("http", "https") and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
    return remote


def git_origin(folder: Path) -> tuple[str | None, str] | None:
    """``folder``'s git remote (``origin``, else the first; None without one) and HEAD
    commit, or None when it is no git checkout (or git is missing)."""
    commit = _git(folder, "rev-parse", "--verify", "HEAD")
    if commit is None:
        return None
    names = (_git(folder, "remote") or "").split()
    name = "origin" if "origin" in names else (names[0] if names else None)
    remote = _git(folder, "remote", "get-url", name) if name else None
    return remote, commit


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def pin_from_spec(spec: str) -> Pin | str:
    """``--site-builder SPEC``: ``git+URL@COMMIT`` (or a pip requirement
    ``site-builder @ URL``, e.g. of a wheel); the pin, or why it cannot be one."""
    url = spec.strip()
    named = re.match(r"site[-_]builder\s*@\s*", url, flags=re.IGNORECASE)
    url = url[named.end() :] if named else url
    character = next((c for c in url if unicodedata.category(c)[0] in "CZ"), None)
    if character is not None:
        return msg("--site-builder: '{spec}' holds a space or control character", spec=spec)
    if not re.match(r"(git\+)?[a-z][a-z0-9+.-]*://", url):
        return msg(
            "--site-builder: '{spec}' is no address; give git+URL@COMMIT or a URL pip reads",
            spec=spec,
        )
    if not url.startswith("git+"):
        return _url_pin(url)
    repository, at, revision = url.rpartition("@")
    if not at or "/" in revision or "://" not in repository or not revision:
        return msg(
            "--site-builder: '{spec}' names no commit; pin one, as git+URL@COMMIT "
            "(a commit or tag: CI must install the same site-builder every time)",
            spec=spec,
        )
    # As given: an address the editor chose (ssh for a private repository, say) stays.
    repository = repository.removeprefix("git+")
    local = _on_this_computer(repository) if repository.startswith("file:") else None
    return Pin(f"{DISTRIBUTION} @ {url}", repository, revision, local)


def pinned_dependencies(name: str = DISTRIBUTION) -> list[str]:
    """``name==version`` of every distribution ``name`` needs, at any depth, as installed
    here, sorted; a requirement with an environment marker keeps it (``tzdata==… ;
    platform_system == "Windows"``). Optional extras are followed only where required."""
    markers: dict[str, set[str] | None] = {}
    versions: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [(name, frozenset())]
    while todo:
        wanted, extras = todo.pop()
        for child, child_extras, marker in _requirements(wanted, extras):
            known = child in versions
            if not known:
                version = _installed_version(child)
                if version is None:
                    continue  # its marker is false here (e.g. an older Python's backport)
                versions[child] = version
                todo.append((child, child_extras))
            elif child_extras:
                todo.append((child, child_extras))
            _note_marker(markers, child, marker, known)
    versions.pop(_key(name), None)
    return [_pinned(child, versions[child], markers.get(child)) for child in sorted(versions)]


def _requirements(name: str, extras: frozenset[str]) -> Iterator[tuple[str, frozenset[str], str]]:
    """The distributions ``name`` (with ``extras``) requires: key, extras, marker."""
    distribution = importlib.metadata.distribution(name)
    for line in distribution.requires or []:
        found = _REQUIREMENT.match(line)
        if found is None:
            continue
        marker = (found["marker"] or "").strip()
        needs_extras = set(_EXTRA.findall(marker))
        if needs_extras and not needs_extras & extras:
            continue
        wanted = frozenset(e.strip() for e in (found["extras"] or "").split(",") if e.strip())
        yield _key(found["name"]), wanted, "" if needs_extras else marker


def _note_marker(markers: dict[str, set[str] | None], key: str, marker: str, known: bool) -> None:
    """Required without a marker anywhere: none. Else the markers it was required under."""
    if not marker:
        markers[key] = None
    elif not known or markers.get(key) is not None:
        markers.setdefault(key, set())
        found = markers[key]
        if found is not None:
            found.add(marker)


def _installed_version(key: str) -> str | None:
    try:
        return importlib.metadata.version(key)
    except importlib.metadata.PackageNotFoundError:
        return None


def _key(name: str) -> str:
    """PEP 503's normalised name: pip compares names so."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pinned(key: str, version: str, markers: set[str] | None) -> str:
    if not markers:
        return f"{key}=={version}"
    joined = " or ".join(f"({m})" if len(markers) > 1 else m for m in sorted(markers))
    return f"{key}=={version} ; {joined}"
