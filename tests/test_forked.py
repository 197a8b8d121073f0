"""map_forked: the results of a plain loop, in order, whether children help or fail."""

from __future__ import annotations

import os

import pytest

from site_builder import forked
from site_builder.forked import map_forked


@pytest.fixture(autouse=True)
def _no_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Earlier tests (browser, serve) may leave threads behind, and ``map_forked`` rightly
    declines to fork then; these tests are about forking and hold no locks."""
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)


def _square_with_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def test_results_come_back_in_order_from_several_processes() -> None:
    results = map_forked(_square_with_pid, list(range(50)), workers=3)
    assert [value for value, _ in results] == [n * n for n in range(50)]
    assert len({pid for _, pid in results}) == 3  # really shared out
    assert results[0][1] == os.getpid()  # the first chunk is done here


def test_a_failing_child_has_its_part_done_here() -> None:
    parent = os.getpid()

    def fails_in_children(number: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("child trouble")
        return number + 1

    assert map_forked(fails_in_children, list(range(10)), workers=2) == list(range(1, 11))


def test_an_error_here_is_raised_and_leaves_no_child_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    children = []
    fork = os.fork

    def recorded_fork() -> int:
        pid = fork()
        children.append(pid)
        return pid

    monkeypatch.setattr(forked.os, "fork", recorded_fork)

    def fails(number: int) -> int:
        raise ValueError(number)

    with pytest.raises(ValueError):
        map_forked(fails, list(range(10)), workers=2)
    assert children
    for pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already waited for: no zombie left


def test_few_items_stay_in_this_process() -> None:
    results = map_forked(_square_with_pid, [1, 2, 3], workers=2, minimum=10)
    assert {pid for _, pid in results} == {os.getpid()}
