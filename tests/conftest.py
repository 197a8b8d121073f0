from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.sitefiles import write_site

MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Build an inline site tree: ``make_site({"briefs/a.md": "..."})`` → site root."""

    def make(files: Mapping[str, str | bytes] | None = None, defaults: bool = True) -> Path:
        return write_site(tmp_path / "site", files or {}, defaults)

    return make


@pytest.fixture(autouse=True)
def _plain_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests compare plain text: no colour whatever the terminal or CI says."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(autouse=True)
def _english_diagnostics(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests compare the English text of diagnostics, though sites (this repository's among
    them) are German by default; tests/test_i18n.py removes this to test the choice."""
    monkeypatch.setenv("SITE_BUILDER_LANG", "en")
