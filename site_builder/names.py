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
from .messages import Message, literal, msg

# Longest slug (brief URL, source id, tag page): file systems allow 255 bytes per name;
# 200 leaves room and is far beyond any real headline's slug.
MAX_SLUG_LENGTH = 200

# Device names Windows reserves in every folder, with or without an extension
# (``con.md``, ``nul.tar.gz``); also with a superscript digit (COM¹).
_DEVICE = re.compile(r"(?:con|prn|aux|nul|conin\$|conout\$|(?:com|lpt)[0-9¹²³])", re.IGNORECASE)
_NOT_ON_WINDOWS = re.compile(r'[<>:"\\|?*\x00-\x1f]')
# Names no rule below refuses, found with one match: letters, digits, ``_`` and ``-`` in
# parts joined by dots, the first part too long for a device name (``conout$`` has a
# ``$``). Most of a site's 20,000 file names are such slugs, checked on every build.
PLAIN_NAME = re.compile(r"[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]+)*")


def windows_problem(name: str) -> Message | None:
    """Why Windows cannot store a file or folder called ``name``, or None if it can."""
    if PLAIN_NAME.fullmatch(name):
        return None
    if is_reserved_device(name):
        device = name.split(".", 1)[0].rstrip(" ").upper()
        return msg(
            "'{name}' is named after the Windows device {device} (reserved with any extension)",
            name=name,
            device=device,
        )
    if name.endswith("."):
        return msg("'{name}' ends in a dot, which Windows drops", name=name)
    if name.endswith(" "):
        return msg("'{name}' ends in a space, which Windows drops", name=name)
    bad = _NOT_ON_WINDOWS.search(name)
    if bad:
        return msg(
            "'{name}' contains {character}, which Windows does not allow in names",
            name=name,
            character=_describe(bad.group()),
        )
    return None


def is_reserved_device(name: str) -> bool:
    """Is ``name`` (file or folder) one of Windows' device names, whatever its extension?"""
    stem = name.split(".", 1)[0].rstrip(" ")
    return _DEVICE.fullmatch(stem) is not None


def _describe(char: str) -> Message:
    if char.isprintable():
        return literal(f"'{char}'")
    return msg("the control character U+{code:04X}", code=ord(char))


def name_key(path: str) -> str:
    """The form under which macOS and Windows compare file names: Unicode NFC (macOS
    normalises), case-folded (both ignore case by default). Two paths with one key are one
    file there."""
    if path.isascii():  # (NFC leaves ASCII as it is, and ASCII case-folds to lower case)
        return path.lower()
    folded = unicodedata.normalize("NFC", path).casefold()
    return unicodedata.normalize("NFC", folded)


def is_utf8(text: str) -> bool:
    """False for text holding a lone surrogate: what ``os.walk`` gives for undecodable
    bytes (``surrogateescape``) and JSON for ``"\\ud800"``. No file or terminal takes it."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a message (a 10,000-character value must not
    fill the terminal)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_slug_problems(path: str, slug: str, what: Message) -> list[Diagnostic]:
    """Problems of the slug the file name of ``path`` makes (``what``: a brief's "URL slug",
    a source's "id"): it names a folder of the built site."""
    if len(slug) > MAX_SLUG_LENGTH:
        return [
            error(
                Span(path),
                "name-too-long",
                msg(
                    "the file name makes the {what} '{slug}' of {length:,} characters; "
                    "at most {limit} are allowed",
                    what=what,
                    slug=shown(slug),
                    length=len(slug),
                    limit=MAX_SLUG_LENGTH,
                ),
                hint=msg("shorten the file name (file systems allow 255 bytes per name)"),
            )
        ]
    if is_reserved_device(slug) and not is_reserved_device(PurePosixPath(path).name):
        return [
            error(
                Span(path),
                "reserved-file-name",
                msg(
                    "the file name makes the {what} '{slug}', a device name Windows reserves "
                    "(like CON, AUX, NUL, COM1, LPT1)",
                    what=what,
                    slug=slug,
                ),
                hint=msg("rename the file, so the built site can be published from Windows too"),
            )
        ]
    return []
