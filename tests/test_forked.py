"""map_forked: the results of a plain loop, in order, whether children help or fail."""

from __future__ import annotations

import os

import pytest

from site_builder.forked import map_forked


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


def test_an_error_here_is_raised_and_leaves_no_child_behind() -> None:
    def fails(number: int) -> int:
        raise ValueError(number)

    with pytest.raises(ValueError):
        map_forked(fails, list(range(10)), workers=2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every child was waited for


def test_few_items_stay_in_this_process() -> None:
    results = map_forked(_square_with_pid, [1, 2, 3], workers=2, minimum=10)
    assert {pid for _, pid in results} == {os.getpid()}
