"""Inline site trees for tests: a minimal site plus the files a test cares about."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

SITE_YAML = "title: Testseite\nbase_url: https://example.org/\nlanguage: de\n"

# p1, p2 (^istanbul), heading, p3 (in a list), p4 (in a block quote)
QUELLE = """\
---
title: Kreml schließt Rückgabe aus
outlet: Testagentur
published: 2025-02
---
Der Status der Territorien sei "unbestreitbar und nicht verhandelbar", sagte Peskow.

In Istanbul trafen Vertreter der USA und Russlands zusammen. ^istanbul

## Reaktionen

- Die Ukraine weist die Erklärung des Kremls zurück.

> Es sei "lächerlich zu sehen, wie die russischen Verantwortlichen sich auf die russische
> Verfassung beziehen", sagte Tychy.
"""

BRIEF_HEAD = "---\ntitle: Testmeldung\ndate: 2025-02-27\n---\n"


def brief(body: str, head: str = BRIEF_HEAD) -> str:
    """A brief file with a valid front matter and ``body``."""
    return head + body


def write_site(root: Path, files: Mapping[str, str | bytes], defaults: bool = True) -> Path:
    """Write ``files`` (path → text or bytes) under ``root``, plus site.yaml and the
    default source ``content/quelle.md`` unless ``defaults`` is False or they are given."""
    tree: dict[str, str | bytes] = {}
    if defaults:
        tree = {"site.yaml": SITE_YAML, "content/quelle.md": QUELLE}
    tree.update(files)
    for relative, content in tree.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root
