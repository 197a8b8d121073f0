"""The language diagnostics are printed in, and its message catalogue.

English is the source language (the templates in the code); German has a gettext catalogue
in ``site_builder/locale/de/LC_MESSAGES/site_builder.mo``, read with the standard library.
Which one a command speaks (``choose_language``): ``--lang`` (or ``SITE_BUILDER_LANG``),
else the locale as gettext reads it (``LC_MESSAGES``/``LC_ALL`` either language, ``LANG``/
``LANGUAGE`` only German), else the site's ``language``.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import CODES
from .messages import ENGLISH_CATALOGUE, NumberFormatter, translate

DOMAIN = "site_builder"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("de", "en")
# gettext's own order: the first variable that is set decides (LANGUAGE may list several).
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_CATALOGUED = frozenset({"de"})
_DELIBERATE = frozenset(LANGUAGES)


@dataclass(frozen=True)
class Language:
    """A language to print diagnostics in: ``code`` (``de`` or ``en``), its catalogue and
    how it writes numbers."""

    code: str
    catalogue: gettext.NullTranslations
    numbers: NumberFormatter

    def __call__(self, text: str) -> str:
        """``text`` in this language (a ``Message`` translated; other text as it is)."""
        return translate(text, self.catalogue, self.numbers)

    def code_name(self, code: str) -> str:
        """The name of a diagnostic code in text output (JSON and GitHub keep ``code``)."""
        return CODES[code].german if self.code == "de" else code


ENGLISH = Language("en", ENGLISH_CATALOGUE, NumberFormatter())


def load_language(code: str) -> Language:
    """The language ``code`` (``de`` or ``en``); German reads its compiled catalogue."""
    if code != "de":
        return ENGLISH
    with (LOCALE_DIR / "de" / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as file:
        catalogue = gettext.GNUTranslations(file)
    return Language("de", catalogue, NumberFormatter(decimal=",", group="."))


def choose_language(
    option: str | None, environ: Mapping[str, str], site_language: Callable[[], str | None]
) -> str:
    """``de`` or ``en``: ``option`` (``--lang``) first; then the locale (see
    ``environment_language``); then the site's language (``site_language`` reads it only
    when it is needed)."""
    if option:
        return option
    chosen = environment_language(environ)
    if chosen is not None:
        return chosen
    return language_of_site(site_language())


def environment_language(environ: Mapping[str, str]) -> str | None:
    """The language the locale variables ask for, read as Python's ``gettext`` reads them:
    the first variable set, its ``:``-separated list in order of preference, ``C``/``POSIX``
    ending the list.

    ``LC_MESSAGES`` and ``LC_ALL`` are set on purpose (they exist to choose a language for
    messages), so either language there overrides the site. ``LANG`` and ``LANGUAGE`` are
    what an installer or a desktop session sets for everything (``en_US.UTF-8`` on a
    newsroom laptop, ``C.UTF-8`` on CI runners): only German there overrides, so a German
    desk's diagnostics do not turn English because nobody chose otherwise."""
    name = next((name for name in _LOCALE_VARIABLES if environ.get(name)), None)
    if name is None:
        return None
    wanted = _DELIBERATE if name in ("LC_ALL", "LC_MESSAGES") else _CATALOGUED
    for entry in environ[name].split(":"):
        language = entry.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
        if language in ("c", "posix"):
            return None
        if language in wanted:
            return language
    return None


def language_of_site(site_language: str | None) -> str:
    """``de`` for a German site (``de``, ``de-AT``, ``de-CH``, …), else ``en``."""
    if site_language and site_language.lower().split("-")[0].split("_")[0] == "de":
        return "de"
    return "en"
