"""Ctrl-C: one line and exit 130, whatever is running, and no message from worker processes."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Interrupted(BaseException):
    """Ctrl-C, raised past Click, which would turn KeyboardInterrupt into 'Aborted!' and exit 1."""


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def on_ctrl_c() -> None:
    """Make Ctrl-C raise :class:`Interrupted` in this process."""
    signal.signal(signal.SIGINT, _raise)


def ignore_ctrl_c() -> None:
    """In a worker process: leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def held_ctrl_c() -> Iterator[None]:
    """Hold Ctrl-C back (it arrives afterwards) while processes are forked."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
