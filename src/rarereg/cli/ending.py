"""How the installed command ends: output flushed, exit handlers run, nothing torn down.

A query keeps the registry it built until the end; freeing it object by object, then the
interpreter's own teardown, cost 0.25 s of a 0.9 s query at 100,000 files, for a process that is
ending anyway. Output is flushed and exit handlers run first (the cache writer is waited for).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import NoReturn


def run_and_leave(main: Callable[[], None]) -> NoReturn:
    """Run ``main`` (the command line), then leave with its status, tearing nothing down."""
    from rarereg.interrupt import Interrupted

    try:
        main()
    except SystemExit as stop:
        # Inside the handler: the command's objects are still referenced, so none is freed.
        _leave(_status(stop.code))
    except (KeyboardInterrupt, Interrupted):
        # Ctrl-C before the command's own handling is set up (while Typer is imported, say).
        _say("rarereg: interrupted")
        _leave(130)
    _leave(0)


def _status(code: object) -> int:
    """The exit status Python gives ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _leave(status: int) -> NoReturn:
    pressed = _noting_ctrl_c()
    status = _flushed(status)
    import atexit

    atexit._run_exitfuncs()  # the cache writer is waited for here
    if pressed:
        _say("rarereg: interrupted")
        status = 130
    os._exit(status)


def _noting_ctrl_c() -> list[int]:
    """From now on Ctrl-C is noted in the list returned; a second press leaves at once.

    Raised in an exit handler, it would only end that handler, with Python's "Exception ignored"
    traceback. Noted, the handlers finish (the cache writer too: the next run is warm); pressed
    again, the process leaves, and the writer, which ignores Ctrl-C, finishes on its own.
    """
    import signal

    pressed: list[int] = []

    def note(signum: int, _frame: object) -> None:
        if pressed:
            _say("rarereg: interrupted")
            os._exit(130)
        pressed.append(signum)

    with contextlib.suppress(ValueError):  # not the main thread: Ctrl-C is not for us to take
        signal.signal(signal.SIGINT, note)
    return pressed


def _flushed(status: int) -> int:
    """The exit status once the output is flushed, as Python's own exit would flush it.

    A reader gone (``head``) is quiet, as it is while the command runs; any other failure to
    write (a full disk) is one line and status 2, not Python's two-line notice. A stream that
    was never open (``>&-``) is None: nothing to flush.
    """
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        pass  # the buffer is left unwritten: os._exit does not flush it again
    except (OSError, ValueError) as exc:
        status = status or 2
        reason = (exc.strerror or exc) if isinstance(exc, OSError) else "it is closed"
        _say(f"rarereg: error: cannot write the output: {reason}")  # as rarereg.cli.root says
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        status = status or 2
    return status


def _say(line: str) -> None:
    """A line on stderr, if there is one that can take it (never on stdout instead)."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(line, file=sys.stderr)
