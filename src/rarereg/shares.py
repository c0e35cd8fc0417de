"""Work shared between this process and forked workers, in chunks claimed as each one is free.

A pool of processes costs its start, pickling every task and result, and a parent idle while it
waits. Here the workers are plain forks: they inherit everything the work needs (the file list,
the cache, the schemas) without a copy; each claims the next chunk of items from a shared
counter, so a slow core never holds up the others; and each sends back one ``marshal`` blob of
plain values. This process claims chunks too, then gathers. A worker that fails, for any
reason, leaves its chunks to be done again here: the outcome never depends on the workers.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
from collections.abc import Callable
from typing import Any

CHUNK = 128
"""Items per claim: small enough to balance two busy cores, large enough to be cheap."""
MAX_WORKERS = 7


def run(
    count: int,
    work: Callable[[int], Any],
    *,
    minimum: int,
    progress: Callable[[int], None] | None = None,
) -> list[Any]:
    """``[work(i) for i in range(count)]``, on every core when ``count`` is at least ``minimum``.

    ``work`` must return values ``marshal`` can carry (None, numbers, text, bytes, lists,
    tuples, dicts of those). ``progress`` is told, now and then, how many items are done (or
    being done) by all processes together.
    """
    told = progress or _silent
    workers = min((os.cpu_count() or 1) - 1, MAX_WORKERS)
    if count < minimum or workers < 1 or not hasattr(os, "fork"):
        out = []
        for i in range(count):
            if i % CHUNK == 0:
                told(i)
            out.append(work(i))
        return out
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    claimed = ctx.RawValue("l", 0)
    lock = ctx.Lock()

    def claim() -> int:
        with lock:
            start = int(claimed.value)
            claimed.value = start + CHUNK
        return start

    from rarereg.interrupt import held_ctrl_c

    # Ctrl-C is held while workers start (they leave it to this process, which stops them).
    with held_ctrl_c():
        children = [_fork(claim, work, count) for _ in range(workers)]
    results: list[Any] = [None] * count
    done = [False] * count
    try:
        _work_chunks(claim, work, count, results, done, lambda: told(min(claimed.value, count)))
        for pid, fd in children:
            if pid:
                _gather(pid, fd, results, done)
    finally:
        for pid, fd in children:
            if pid:
                _stop(pid, fd)
    for i in range(count):  # whatever a worker did not bring back
        if not done[i]:
            results[i] = work(i)
    return results


def _silent(_: int) -> None:
    return None


def _work_chunks(
    claim: Callable[[], int],
    work: Callable[[int], Any],
    count: int,
    results: list[Any],
    done: list[bool],
    tell: Callable[[], None],
) -> None:
    while (start := claim()) < count:
        tell()
        for i in range(start, min(start + CHUNK, count)):
            results[i] = work(i)
            done[i] = True


def _fork(claim: Callable[[], int], work: Callable[[int], Any], count: int) -> tuple[int, int]:
    """A worker process and the pipe its results come back through; (0, -1) when none."""

    def chunks() -> list[tuple[int, list[Any]]]:
        out: list[tuple[int, list[Any]]] = []
        while (start := claim()) < count:
            stop = min(start + CHUNK, count)
            out.append((start, [work(i) for i in range(start, stop)]))
        return out

    return _forked(chunks)


def _forked(produce: Callable[[], Any]) -> tuple[int, int]:
    """A forked process sending back ``marshal.dumps(produce())``, and the pipe it comes through.

    (0, -1) when no pipe or process can be made. The fork leaves Ctrl-C to this process (which
    stops it) and never returns.
    """
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return 0, -1
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return 0, -1
    if pid:
        os.close(write_fd)
        return pid, read_fd
    status = 1
    try:
        from rarereg.interrupt import ignore_ctrl_c

        ignore_ctrl_c()
        os.close(read_fd)
        blob = marshal.dumps(produce())
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(blob)
        status = 0
    finally:
        os._exit(status)


def _received(pid: int, fd: int) -> tuple[bool, Any]:
    """What a fork sent, as (True, value), when it ended well; else (False, None).

    A fork the system reaped first (SIGCHLD ignored) counts as failed: how it ended is unknown.
    """
    try:
        with os.fdopen(fd, "rb", closefd=False) as pipe:
            blob = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status == 0:
            return True, marshal.loads(blob)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    return False, None


def _gather(pid: int, fd: int, results: list[Any], done: list[bool]) -> None:
    """Take a worker's results, if it finished well (otherwise its share is redone here)."""
    ok, chunks = _received(pid, fd)
    if not ok:
        return
    for start, values in chunks:
        results[start : start + len(values)] = values
        done[start : start + len(values)] = [True] * len(values)


def _stop(pid: int, fd: int) -> None:
    """Make sure a worker is gone and its pipe closed (after an error or Ctrl-C here)."""
    with contextlib.suppress(OSError):
        os.close(fd)
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass  # already reaped by _gather


def in_background(task: Callable[[], None]) -> Callable[[], None]:
    """Run ``task`` in a forked process while this one goes on; returns how to wait for it.

    For work whose result only later runs read (writing the cache): this process does not wait
    for it unless asked, or at exit. Where processes cannot be forked, the task runs here.
    """
    if not hasattr(os, "fork"):
        task()
        return _nothing
    from rarereg.interrupt import held_ctrl_c, ignore_ctrl_c

    try:
        with held_ctrl_c():
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    ignore_ctrl_c()
                    task()
                    status = 0
                finally:
                    os._exit(status)
    except OSError:
        task()
        return _nothing
    import atexit

    def wait() -> None:
        atexit.unregister(wait)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    atexit.register(wait)
    return wait


def _nothing() -> None:
    return None


class Alongside:
    """A value computed by a forked process while this one does something else."""

    def __init__(self, pid: int, fd: int, task: Callable[[], Any]) -> None:
        self._pid, self._fd, self._task = pid, fd, task

    def result(self) -> Any:
        """The task's value: the fork's, else (it failed, died or sent garbage) computed here."""
        if self._pid == 0:
            return self._task()
        pid, self._pid = self._pid, 0
        try:
            ok, value = _received(pid, self._fd)
        finally:
            _stop(pid, self._fd)
        return value if ok else self._task()

    def stop(self) -> None:
        """Leave the value: the fork is stopped and reaped (after an error here, say)."""
        if self._pid:
            pid, self._pid = self._pid, 0
            _stop(pid, self._fd)


def alongside(task: Callable[[], Any]) -> Alongside | None:
    """Start computing ``task()`` in a forked process; None where no process can be forked.

    For work that waits on the system (a ``stat`` of every file) while this process works on
    something else. ``task`` must return values ``marshal`` can carry. No fork is made from a
    process running other threads: a lock one of them holds would never be released in the fork.
    """
    import threading

    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    from rarereg.interrupt import held_ctrl_c

    with held_ctrl_c():
        pid, fd = _forked(task)
    return Alongside(pid, fd, task) if pid else None
