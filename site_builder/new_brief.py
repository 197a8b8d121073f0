"""``new``: a brief file with its front matter filled in, as a draft."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import frontmatter

from .dates import parse_partial_date
from .load.discover import BRIEFS_DIR
from .load.slugs import slugify


def create_brief(root: Path, title: str, date: str | None = None) -> Path | str:
    """Write ``briefs/<slug>.md`` and return its path relative to ``root``, or why not."""
    slug = slugify(title)
    if not slug:
        return f"the title '{title}' has no letters or digits to make a file name from"
    day = datetime.date.today().isoformat() if date is None else date
    parsed = parse_partial_date(day)
    if isinstance(parsed, str) or not parsed.has_day:
        return f"--date: {parsed if isinstance(parsed, str) else 'needs YYYY-MM-DD'}"
    relative = Path(BRIEFS_DIR) / f"{slug}.md"
    target = root / relative
    exists = f"{relative.as_posix()} exists already; choose another title or edit that file"
    if os.path.lexists(target):  # (a dangling link too: it would lead the write elsewhere)
        return exists
    if target.parent.is_symlink():
        return f"{BRIEFS_DIR}/ is a symbolic link; 'new' writes only into a real folder"
    post = frontmatter.Post(
        "",
        title=title,
        date=parsed.moment or datetime.date(parsed.year, parsed.month or 1, parsed.day or 1),
        summary=None,
        tags=[],
        authors=[],
        draft=True,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x": O_CREAT | O_EXCL, which never follows a link planted since the check above
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(frontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n")
    except FileExistsError:
        return exists
    return relative
