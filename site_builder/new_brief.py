"""``new``: a brief file with its front matter filled in, as a draft."""

from __future__ import annotations

import datetime
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
    if target.exists():
        return f"{relative.as_posix()} exists already; choose another title or edit that file"
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
    with target.open("x", encoding="utf-8", newline="\n") as stream:
        stream.write(frontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n")
    return relative
