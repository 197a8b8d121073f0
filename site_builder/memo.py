"""Results of pure functions kept between builds in one process (``serve``), found by the
identity of their arguments: a brief that was not edited is the same object in the next
build, so what was made from it (its cited paragraphs, its page's recipe and key) is the same
object too, found without being made again.

No global state: a ``Memo`` lives as long as whoever holds it (``serve``'s resident build);
``NO_MEMO`` keeps nothing, for one-off runs. A result is kept only while its arguments are
(the entry holds them, so an address cannot be reused by another object meanwhile), and
``new_build`` drops what the last build did not ask for.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Result = TypeVar("Result")

# The keys of arguments that are values, not documents: a str or an int is found by value.
_VALUES = (str, int, bool, type(None))


class Memo:
    """``call(function, *args)`` = ``function(*args)``, computed once while the arguments
    are the same objects (strings and numbers: the same values)."""

    def __init__(self) -> None:
        # What this build asked for, and what the last build asked for: a result found
        # in ``_last`` moves to ``_now``, so starting a build forgets the rest at once.
        self._now: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self._last: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}

    def call(self, function: Callable[..., Result], *args: Any, **context: Any) -> Result:
        """``function(*args, **context)``; only ``args`` find the result: ``context`` must
        give the same result for the same ``args`` (a lookup table, say, that names the
        same objects the same way in every build)."""
        key = (function, *(arg if isinstance(arg, _VALUES) else id(arg) for arg in args))
        entry = self._now.get(key) or self._last.get(key)
        if entry is not None and all(map(_same, entry[0], args)):
            self._now[key] = entry
            result: Result = entry[1]
            return result
        result = function(*args, **context)
        self._now[key] = (args, result)
        return result

    def each(
        self,
        function: Callable[..., Result],
        rows: Sequence[tuple[Any, ...]],
        *shared: str | int,
        **context: Any,
    ) -> list[Result]:
        """``[function(*row, *shared, **context) for row in rows]``, a row's result found
        while the row holds the same objects (strings and numbers: values) as the row with
        the same first object in the last build's call with these ``shared`` values. One
        dict lookup per row: a list of 26,000 pages costs what ``call`` costs for a few
        hundred."""
        key = (Memo.each, function, *shared)
        found = self._now.get(key) or self._last.get(key)
        last: dict[int, tuple[tuple[Any, ...], Any]] = found[1] if found else {}
        table: dict[int, tuple[tuple[Any, ...], Any]] = {}
        results = []
        for row in rows:
            entry = last.get(id(row[0]))
            # The same objects, compared in C (nearly every row), or else by ``_same``.
            if (
                entry is None
                or len(entry[0]) != len(row)
                or not (all(map(operator.is_, entry[0], row)) or all(map(_same, entry[0], row)))
            ):
                entry = (row, function(*row, *shared, **context))
            table[id(row[0])] = entry
            results.append(entry[1])
        self._now[key] = ((), table)
        return results

    def carry_over(self) -> None:
        """Keep for the next build what this one did not ask for as well: a build that
        made again only what an edit touched (``render.render_patch``) did not ask for
        the rest, which is still current."""
        self._now = {**self._last, **self._now}

    def new_build(self) -> None:
        """Forget the results the build just finished did not use: their arguments are
        gone (an edited brief), so nothing would find them again."""
        self._last, self._now = self._now, {}


def _same(kept: Any, given: Any) -> bool:
    """The same object, or (strings, numbers) the same value."""
    return kept is given or (isinstance(kept, _VALUES) and kept == given)


class NoMemo(Memo):
    """Keeps nothing: every call computes (one-off builds, where nothing comes twice)."""

    def call(self, function: Callable[..., Result], *args: Any, **context: Any) -> Result:
        return function(*args, **context)

    def each(
        self,
        function: Callable[..., Result],
        rows: Sequence[tuple[Any, ...]],
        *shared: str | int,
        **context: Any,
    ) -> list[Result]:
        return [function(*row, *shared, **context) for row in rows]


NO_MEMO = NoMemo()
