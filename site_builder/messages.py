"""Messages an editor reads, kept translatable until they are printed.

A ``Message`` is a ``str`` (its English text, so a ``Diagnostic`` stays plain data that
sorts, compares and pickles as before) that also keeps its English template and named
arguments. The report translates it with the catalogue of the language chosen for the
output (``language``). Templates are literal strings at the call site
(``msg("source '{source}' has no anchor '{anchor}'", source=…, anchor=…)``): Babel
extracts them into ``site_builder/locale/site_builder.pot``. An argument that is itself a
``Message`` is translated too; any other argument (an editor's text, a file name, a
number) is inserted as it is.
"""

from __future__ import annotations

import gettext
import string
from collections.abc import Mapping, Sequence
from typing import Any


class Message(str):
    """The English text of a message, with its ``template`` (or singular and ``plural``
    templates chosen by ``number``) and named ``args``, to say it in another language."""

    template: str
    plural: str | None
    number: int
    args: Mapping[str, object]

    def __new__(
        cls,
        template: str,
        args: Mapping[str, object],
        plural: str | None = None,
        number: int = 1,
    ) -> Message:
        english = _render(
            template, plural, number, args, catalogue=ENGLISH_CATALOGUE, formatter=_FORMATTER
        )
        message = super().__new__(cls, english)
        message.template, message.plural, message.number = template, plural, number
        message.args = dict(args)
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        # str's own pickling would call __new__ with the English text alone.
        return (Message, (self.template, dict(self.args), self.plural, self.number))


def msg(template: str, **args: object) -> Message:
    """A translatable message; ``template`` must be a literal (Babel extracts it)."""
    return Message(template, args)


def msg_n(singular: str, plural: str, n: int, **args: object) -> Message:
    """A message whose wording depends on the number ``n`` (``{n}`` in the templates):
    each language chooses its plural form (gettext's ``ngettext``)."""
    return Message(singular, {"n": n, **args}, plural, n)


def joined(parts: Sequence[Message], separator: str = "") -> Message:
    """Messages said one after another (a hint made of a suggestion and an explanation);
    ``separator`` is punctuation, not words. Not extracted: its parts are."""
    names = [f"part{index}" for index in range(len(parts))]
    template = separator.join("{" + name + "}" for name in names)
    return Message(template, dict(zip(names, parts, strict=True)))


def literal(text: str) -> Message:
    """Text that holds no words to translate (names, anchors, markup), for a place that
    takes a ``Message``."""
    return Message("{text}", {"text": text})


def and_list(items: Sequence[Message]) -> Message:
    """``a``, ``a and b``, ``a, b and c`` in each language."""
    if len(items) < 2:
        return joined(items)
    return msg("{items} and {last}", items=joined(items[:-1], ", "), last=items[-1])


def or_list(items: Sequence[Message]) -> Message:
    """``a``, ``a or b``, ``a, b or c`` in each language."""
    if len(items) < 2:
        return joined(items)
    return msg("{items} or {last}", items=joined(items[:-1], ", "), last=items[-1])


def maybe(message: Message | None) -> Message:
    """``message``, or no words at all (an optional part of a ``joined`` message)."""
    return message if message is not None else NO_WORDS


def exception_text(exc: BaseException) -> str:
    """What ``exc`` says: its ``Message`` when it was raised with one (``str(exc)`` would
    keep only the English), else its text."""
    text = exc.args[0] if len(exc.args) == 1 else None
    return text if isinstance(text, Message) else str(exc)


def translate(text: str, catalogue: gettext.NullTranslations, formatter: string.Formatter) -> str:
    """``text`` in the catalogue's language: a ``Message`` translated (with its arguments),
    any other text as it is (an editor's words are never translated)."""
    if not isinstance(text, Message):
        return text
    return _render(
        text.template, text.plural, text.number, text.args, catalogue=catalogue, formatter=formatter
    )


def _render(
    template: str,
    plural: str | None,
    number: int,
    args: Mapping[str, object],
    *,
    catalogue: gettext.NullTranslations,
    formatter: string.Formatter,
) -> str:
    if plural is None:
        # A template made by ``joined`` holds no words: it is not in any catalogue.
        wording = catalogue.gettext(template) if template else template
    else:
        wording = catalogue.ngettext(template, plural, number)
    values = {
        name: translate(value, catalogue, formatter) if isinstance(value, str) else value
        for name, value in args.items()
    }
    try:
        return formatter.vformat(wording, (), values)
    except (KeyError, IndexError, ValueError):
        # A translation with a broken placeholder (tests/test_i18n.py refuses one) must
        # not cost the editor the diagnostic: say it in English.
        english = template if plural is None or number == 1 else plural
        return formatter.vformat(english, (), values)


class NumberFormatter(string.Formatter):
    """Numbers in a message as a language writes them: ``decimal`` and ``group`` are the
    decimal and thousands separators (German: ``1.234,5``)."""

    def __init__(self, decimal: str = ".", group: str = ",") -> None:
        super().__init__()
        self.decimal, self.group = decimal, group

    def format_field(self, value: Any, format_spec: str) -> Any:
        text = super().format_field(value, format_spec)
        if not isinstance(value, int | float) or (self.decimal, self.group) == (".", ","):
            return text
        swap = {".": self.decimal, ",": self.group}
        return "".join(swap.get(char, char) for char in text)


ENGLISH_CATALOGUE = gettext.NullTranslations()
_FORMATTER = NumberFormatter()


NO_WORDS = joined([])  # an optional part of a message left out
