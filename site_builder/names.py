"""Names that become files: what every file system and operating system can store.

A site lives in git and is edited on Linux, macOS and Windows; its output is uploaded from
any of them. A file name Windows cannot hold (``con.md``, ``notes.``), or two names that
macOS and Windows take for one file (``A.md`` and ``a.md``), breaks a checkout far away from
whoever made it; a URL part longer than a file system allows breaks the build.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from .diagnostics import Diagnostic, Span, error

# Longest slug (brief URL, source id, tag page): file systems allow 255 bytes per name;
# 200 leaves room and is far beyond any real headline's slug.
MAX_SLUG_LENGTH = 200

# Device names Windows reserves in every folder, with or without an extension
# (``con.md``, ``nul.tar.gz``); also with a superscript digit (COM¹).
_DEVICE = re.compile(r"(?:con|prn|aux|nul|conin\$|conout\$|(?:com|lpt)[0-9¹²³])", re.IGNORECASE)
_NOT_ON_WINDOWS = re.compile(r'[<>:"\\|?*\x00-\x1f]')


def windows_problem(name: str) -> str | None:
    """Why Windows cannot store a file or folder called ``name``, or None if it can."""
    if is_reserved_device(name):
        device = name.split(".", 1)[0].rstrip(" ").upper()
        return f"'{name}' is named after the Windows device {device} (reserved with any extension)"
    if name.endswith((".", " ")):
        ending = "a dot" if name.endswith(".") else "a space"
        return f"'{name}' ends in {ending}, which Windows drops"
    bad = _NOT_ON_WINDOWS.search(name)
    if bad:
        return f"'{name}' contains {_describe(bad.group())}, which Windows does not allow in names"
    return None


def is_reserved_device(name: str) -> bool:
    """Is ``name`` (file or folder) one of Windows' device names, whatever its extension?"""
    stem = name.split(".", 1)[0].rstrip(" ")
    return _DEVICE.fullmatch(stem) is not None


def _describe(char: str) -> str:
    return f"'{char}'" if char.isprintable() else f"the control character U+{ord(char):04X}"


def name_key(path: str) -> str:
    """The form under which macOS and Windows compare file names: Unicode NFC (macOS
    normalises), case-folded (both ignore case by default). Two paths with one key are one
    file there."""
    folded = unicodedata.normalize("NFC", path).casefold()
    return unicodedata.normalize("NFC", folded)


def is_utf8(text: str) -> bool:
    """False for text holding a lone surrogate: what ``os.walk`` gives for undecodable
    bytes (``surrogateescape``) and JSON for ``"\\ud800"``. No file or terminal takes it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a message (a 10,000-character value must not
    fill the terminal)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_slug_problems(path: str, slug: str, what: str) -> list[Diagnostic]:
    """Problems of the slug the file name of ``path`` makes (``what``: a brief's "URL slug",
    a source's "id"): it names a folder of the built site."""
    if len(slug) > MAX_SLUG_LENGTH:
        return [
            error(
                Span(path),
                "name-too-long",
                f"the file name makes the {what} '{shown(slug)}' of {len(slug):,} characters; "
                f"at most {MAX_SLUG_LENGTH} are allowed",
                hint="shorten the file name (file systems allow 255 bytes per name)",
            )
        ]
    if is_reserved_device(slug) and not is_reserved_device(PurePosixPath(path).name):
        return [
            error(
                Span(path),
                "reserved-file-name",
                f"the file name makes the {what} '{slug}', a device name Windows reserves "
                "(like CON, AUX, NUL, COM1, LPT1)",
                hint="rename the file, so the built site can be published from Windows too",
            )
        ]
    return []
