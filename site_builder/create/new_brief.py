"""``new``: a brief file with its front matter filled in, as a draft."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import frontmatter

from ..dates import parse_partial_date
from ..load.discover import BRIEFS_DIR
from ..load.slugs import slugify
from ..messages import msg

# The longest slug ``new`` makes from a title: about ten German words. A headline's slug
# rarely passes it, and a longer one is a poor URL; the slug limit (``MAX_SLUG_LENGTH``,
# 200) and file systems' 255 bytes per name are far beyond it.
MAX_NEW_SLUG = 80


def create_brief(root: Path, title: str, date: str | None = None) -> Path | str:
    """Write ``briefs/<slug>.md`` and return its path relative to ``root``, or why not.
    The title stays whole in the front matter; the file name is cut (``brief_slug``)."""
    slug = brief_slug(title)
    if not slug:
        return msg(
            "the title '{title}' has no letters or digits to make a file name from", title=title
        )
    day = datetime.date.today().isoformat() if date is None else date
    parsed = parse_partial_date(day)
    if isinstance(parsed, str) or not parsed.has_day:
        reason = parsed if isinstance(parsed, str) else msg("needs YYYY-MM-DD")
        return msg("--date: {reason}", reason=reason)
    relative = Path(BRIEFS_DIR) / f"{slug}.md"
    target = root / relative
    exists = msg(
        "{path} exists already; choose another title or edit that file", path=relative.as_posix()
    )
    if os.path.lexists(target):  # (a dangling link too: it would lead the write elsewhere)
        return exists
    if target.parent.is_symlink():
        return msg(
            "{folder}/ is a symbolic link; 'new' writes only into a real folder", folder=BRIEFS_DIR
        )
    post = frontmatter.Post(
        "",
        title=title,
        date=parsed.moment or datetime.date(parsed.year, parsed.month or 1, parsed.day or 1),
        summary=None,
        tags=[],
        authors=[],
        draft=True,
    )
    text = frontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n"
    problem = _write_new(target, text)
    if problem is not None:
        failed = msg("cannot write {path}: {reason}", path=relative.as_posix(), reason=problem)
        return exists if problem == "exists" else failed
    return relative


def _write_new(target: Path, text: str) -> str | None:
    """Create ``target`` with ``text``; None, "exists" or the system's reason."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # "x": O_CREAT | O_EXCL, which never follows a link planted since the check above
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        return "exists"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def brief_slug(title: str, limit: int = MAX_NEW_SLUG) -> str:
    """The slug of ``title``, cut after a whole word to at most ``limit`` characters (in
    the middle of a word only when the first word alone is longer)."""
    slug = slugify(title)
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1]
    if cut.endswith("-"):
        return cut[:-1]
    words = cut.rsplit("-", 1)[0] if "-" in cut else ""
    return words or cut[:limit]
