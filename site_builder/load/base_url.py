"""What a ``base_url`` may be: a plain absolute http(s) URL, or (on the command line) a path.

``base_url`` is written into every page's canonical link and stylesheet address, the feed,
the sitemap and ``robots.txt``, where nothing escapes it: a line break in it would add a
line of its own to ``robots.txt`` (``Disallow: /``). So it is refused unless it is plain.
"""

from __future__ import annotations

import unicodedata
import urllib.parse

from ..messages import Message, msg

# Characters RFC 3986 does not allow in a URL and browsers read in their own ways (a
# backslash is a slash to them); spaces and control characters are refused by category.
_NOT_IN_URL = frozenset('"<>\\^`{|}')
# Control, format (bidi and zero-width), separators, private use, surrogates, unassigned.
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cs", "Cn"})


def base_url_problem(url: str, *, path_allowed: bool) -> Message | None:
    """Why ``url`` cannot be a site's ``base_url``, or None. Valid: an absolute http(s) URL
    without user name, password, query or fragment (``https://example.org/news/``) and,
    when ``path_allowed``, a path starting with one ``/`` (``/news/``); neither may hold
    white space, control characters or ``.``/``..`` segments."""
    character = bad_url_character(url)
    if character is not None:
        return msg("it holds {character}", character=character)
    if "?" in url or "#" in url:
        return msg("it has a query (?) or fragment (#), which no page address can follow")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme or not path_allowed:
        problem = _absolute_problem(parts)
    elif not url.startswith("/") or url.startswith("//"):
        problem = msg("it is neither an http(s) URL nor a path starting with a single /")
    else:
        problem = None
    if problem is None and any(part in (".", "..") for part in parts.path.split("/")):
        problem = msg("it has a '.' or '..' segment")
    return problem


def _absolute_problem(parts: urllib.parse.SplitResult) -> Message | None:
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return msg("it is not an absolute http(s) URL")
    if "@" in parts.netloc:
        return msg("it holds a user name or password (user@host), which every page would show")
    try:
        parts.port  # noqa: B018 (the property checks the port)
    except ValueError:
        return msg("its port is not a number from 0 to 65535")
    return None


def bad_url_character(url: str) -> Message | None:
    """The first character of ``url`` that cannot stand in it, named for a message."""
    for character in url:
        if character in _NOT_IN_URL:
            return msg("the character '{character}'", character=character)
        if unicodedata.category(character) in _INVISIBLE:
            return _invisible_name(character)
    return None


def invisible_url_character(url: str) -> Message | None:
    """The first control, format (bidi, zero-width) or line-separator character of ``url``,
    named for a message: what a URL parser or a browser silently drops or reorders, so
    that what is checked is not what is followed. A plain space is allowed: browsers
    encode it (%20), and escaping keeps it inside its attribute."""
    for character in url:
        if unicodedata.category(character) in _INVISIBLE - {"Zs"}:
            return _invisible_name(character)
    return None


def _invisible_name(character: str) -> Message:
    code = f"U+{ord(character):04X}"
    if character in "\r\n":
        return msg("a line break ({code})", code=code)
    return msg("white space or a control character ({code})", code=code)
