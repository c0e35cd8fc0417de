"""Work shared with forked workers: the same results as doing it here, whatever the workers do."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from rarereg import shares


def square(i: int) -> tuple[int, str, dict[str, list[int | None]]]:
    """Plain values of several kinds, as the loader sends back."""
    return i * i, f"file-{i}", {"x": [i, None]} if i % 2 else {}


def no_children_left() -> bool:
    """True when this process has no worker left running or unreaped."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_same_results_as_in_one_process() -> None:
    """Every item once, in order, whichever process did it."""
    count = shares.CHUNK * 9 + 5
    assert shares.run(count, square, minimum=1) == [square(i) for i in range(count)]
    assert no_children_left()


def test_below_the_minimum_nothing_is_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Few items are done here: forking would cost more."""
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked"))
    assert shares.run(10, square, minimum=11) == [square(i) for i in range(10)]


def test_a_failing_worker_leaves_its_work_to_this_process() -> None:
    """A worker that dies mid-way changes nothing in the outcome."""
    parent = os.getpid()

    def flaky(i: int) -> int:
        if os.getpid() != parent and i % 50 == 7:
            os._exit(3)
        return i + 1

    count = shares.CHUNK * 20
    assert shares.run(count, flaky, minimum=1) == [i + 1 for i in range(count)]
    assert no_children_left()


def test_an_error_here_stops_the_workers() -> None:
    """An exception in this process propagates, and no worker is left behind."""
    parent = os.getpid()

    def failing(i: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # so that this process does every item, and fails
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        shares.run(shares.CHUNK * 20, failing, minimum=1)
    assert no_children_left()


def test_without_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where processes cannot be forked, everything is done here."""

    def refuse() -> int:
        raise OSError("no fork")

    monkeypatch.setattr(os, "fork", refuse)
    assert shares.run(500, square, minimum=1) == [square(i) for i in range(500)]


def test_background_task_is_done_when_waited_for(tmp_path: object) -> None:
    """A task run in the background has finished (in another process) once waited for."""
    from pathlib import Path

    target = Path(str(tmp_path)) / "done"
    parent = os.getpid()

    def task() -> None:
        target.write_text(str(os.getpid() != parent))

    wait = shares.in_background(task)
    wait()
    assert target.read_text() == "True"
    wait()  # waiting twice is harmless
    assert no_children_left()


def test_background_task_without_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where processes cannot be forked, the task runs here, at once."""

    def refuse() -> int:
        raise OSError("no fork")

    monkeypatch.setattr(os, "fork", refuse)
    done: list[int] = []
    shares.in_background(lambda: done.append(1))()
    assert done == [1]


@pytest.fixture
def children_reaped_by_the_system() -> Iterator[None]:
    """SIGCHLD ignored, as a parent process may leave it: no exit status can be waited for."""
    import signal

    before = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGCHLD, before)


@pytest.mark.usefixtures("children_reaped_by_the_system")
def test_workers_reaped_by_the_system_change_nothing() -> None:
    """Workers whose exit cannot be waited for: their work is redone here, not an error."""
    count = shares.CHUNK * 9 + 5
    assert shares.run(count, square, minimum=1) == [square(i) for i in range(count)]
    job = shares.alongside(lambda: ("stamp", [1, 2]))
    assert job is not None
    assert job.result() == ("stamp", [1, 2])
