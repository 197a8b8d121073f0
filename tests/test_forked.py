"""stream_forked: the results of a plain loop, whether children help or fail; Forked: one
job's result, run beside this process."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from site_builder import forked
from site_builder.forked import stream_forked


@pytest.fixture(autouse=True)
def _no_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Earlier tests (browser, serve) may leave threads behind, and ``stream_forked``
    rightly declines to fork then; these tests are about forking and hold no locks."""
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children forked during the test, in order."""
    return recorded_forks(monkeypatch)


def recorded_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children ``forked`` forks from now on, in order."""
    forks: list[int] = []
    fork = os.fork

    def recorded_fork() -> int:
        pid = fork()
        forks.append(pid)
        return pid

    monkeypatch.setattr(forked.os, "fork", recorded_fork)
    return forks


def _square_with_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def test_every_result_comes_once_from_the_children() -> None:
    results = list(stream_forked(_square_with_pid, list(range(50)), workers=3, batch=4))
    assert sorted(value for value, _ in results) == [n * n for n in range(50)]
    pids = {pid for _, pid in results}
    assert len(pids) == 3  # really shared out
    assert os.getpid() not in pids  # this process only hands the results on


def test_each_child_gets_items_from_the_whole_list() -> None:
    """A page list is grouped by kind (briefs, then sources, tags, lists), which take
    different times: each child gets its share of every part, not one part each."""
    items = list(range(60))  # first half one kind, second half another
    results = list(stream_forked(_square_with_pid, items, workers=2, batch=4))
    kinds_by_child: dict[int, set[bool]] = {}
    for value, pid in results:
        kinds_by_child.setdefault(pid, set()).add(value >= 30 * 30)
    assert len(kinds_by_child) == 2
    assert all(kinds == {False, True} for kinds in kinds_by_child.values())


def _niceness(number: int) -> tuple[int, int]:
    return number, os.nice(0)


def test_children_lower_their_priority_when_asked() -> None:
    """Renderers give way to Pagefind's indexing beside them (``render.RENDER_NICE``)."""
    own = os.nice(0)
    lowered = list(stream_forked(_niceness, list(range(20)), workers=2, nice=3))
    assert {nice for _, nice in lowered} == {min(own + 3, 19)}
    assert os.nice(0) == own  # this process is as it was
    usual = list(stream_forked(_niceness, list(range(20)), workers=2))
    assert {nice for _, nice in usual} == {own}


def test_results_are_handed_on_before_the_children_finish() -> None:
    """A result reaches the caller while a child still works, so nothing piles up."""
    seen_early = []

    def slow_square(number: int) -> int:
        if number == 39:  # the last item of a share: its child is still at work
            time.sleep(1.0)
        return number * number

    stream = stream_forked(slow_square, list(range(40)), workers=2, batch=2)
    seen_early.append(next(stream))
    assert seen_early[0] in {n * n for n in range(40)}
    assert sorted(seen_early + list(stream)) == [n * n for n in range(40)]


def test_a_failing_child_has_the_rest_of_its_share_done_here() -> None:
    parent = os.getpid()

    def fails_in_children_after_some(number: int) -> int:
        if os.getpid() != parent and number % 10 >= 4:
            raise RuntimeError("child trouble")
        return number + 1

    results = list(stream_forked(fails_in_children_after_some, list(range(20)), 2, batch=2))
    assert sorted(results) == list(range(1, 21))  # each once: none lost, none twice


def test_an_error_here_is_raised_and_leaves_no_child_behind(children: list[int]) -> None:

    def fails(number: int) -> int:
        raise ValueError(number)

    with pytest.raises(ValueError):
        list(stream_forked(fails, list(range(10)), workers=2))
    assert children
    for pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already waited for: no zombie left


def test_a_stream_left_early_leaves_no_child_behind(children: list[int]) -> None:
    stream = stream_forked(_square_with_pid, list(range(2000)), workers=2, batch=1)
    next(stream)
    stream.close()
    assert len(children) == 2
    for pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_few_items_stay_in_this_process() -> None:
    results = list(stream_forked(_square_with_pid, [1, 2, 3], workers=2, minimum=10))
    assert sorted(results) == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


# --- Forked: one job beside this process -----------------------------------------------


def test_a_forked_job_runs_apart_and_hands_its_result_back() -> None:
    job = forked.Forked(os.getpid)
    assert job.result() not in (os.getpid(), None)
    assert job.result() == job.result()  # asked again: the same, no second child


def test_a_forked_job_runs_while_this_process_goes_on(tmp_path: Path) -> None:
    signal_file = tmp_path / "go"

    def waits_for_this_process() -> str:
        for _ in range(1000):  # up to 10 s: the child sees what this process does next
            if signal_file.exists():
                return "went on"
            time.sleep(0.01)
        return "blocked"

    job = forked.Forked(waits_for_this_process)
    signal_file.write_text("", "utf-8")  # only after Forked() returned
    assert job.result() == "went on"


def test_a_forked_jobs_error_is_raised_here() -> None:
    def fails() -> None:
        raise ValueError("in the child")

    job = forked.Forked(fails)
    with pytest.raises(ValueError, match="in the child"):
        job.result()


def test_a_job_whose_child_dies_is_done_here() -> None:
    parent = os.getpid()

    def dies_in_a_child() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 42

    assert forked.Forked(dies_in_a_child).result() == 42


def test_a_dropped_job_leaves_no_child_behind(children: list[int]) -> None:
    job = forked.Forked(lambda: time.sleep(30))
    del job
    gc.collect()
    (pid,) = children
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # stopped and waited for


def test_without_fork_a_job_runs_here_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)  # as under serve
    ran = []
    job = forked.Forked(lambda: ran.append(os.getpid()) or "done")
    assert ran == [os.getpid()]  # before result() was asked
    assert job.result() == "done"
