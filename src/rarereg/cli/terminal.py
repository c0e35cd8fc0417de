"""The terminal around the output: width, colour, the pager and progress.

Output goes through a pager only when stdout is a terminal and the text is longer than the
screen, as git does: ``$RAREREG_PAGER``, else ``$PAGER``, else ``less`` (with ``LESS=FRX``
unless set); an empty value or ``cat`` means no pager, and so does ``--no-pager``. Progress is
shown on stderr only when stderr is a terminal and not in CI, never in pipes or logs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TextIO


def width() -> int | None:
    """Columns to fit: $COLUMNS, else the terminal's; None when stdout is not a terminal."""
    env = os.environ.get("COLUMNS", "")
    if env.isascii() and env.isdigit() and int(env) > 0:  # '²' is a digit int() cannot read
        return int(env)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def stdout_is_terminal() -> bool:
    """Whether a person is probably reading stdout."""
    return sys.stdout.isatty()


def colour() -> bool:
    """Colour and bold only on a terminal, and never with NO_COLOR or TERM=dumb."""
    return (
        sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM", "") != "dumb"
    )


def _pager_command() -> str | None:
    for name in ("RAREREG_PAGER", "PAGER"):
        if name in os.environ:
            value = os.environ[name].strip()
            return None if value in ("", "cat") else value
    return "less" if shutil.which("less") else None


def write(text: str, *, page: bool) -> None:
    """Text to stdout; through the pager when ``page``, stdout is a terminal and it is long."""
    command = _pager_command() if page and sys.stdout.isatty() else None
    rows = shutil.get_terminal_size().lines
    if command is None or text.count("\n") < rows:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    env = {**os.environ}
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        # The pager is the user's own command line, as with git: run by the shell.
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        return
    assert pager.stdin is not None
    try:
        pager.stdin.write(text.encode("utf-8"))
        pager.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager early
    pager.wait()


def progress(
    label: str, stream: TextIO | None = None, unit: str = "files"
) -> Callable[[int, int], None] | None:
    """A progress callback for long work, or None where no one is watching a terminal.

    The line appears after half a second (quick runs stay silent), is updated at most ten
    times a second, and is erased when the work is done.
    """
    out = stream or sys.stderr
    in_ci = any(os.environ.get(v) for v in ("CI", "GITHUB_ACTIONS", "RAREREG_NO_PROGRESS"))
    if in_ci or not out.isatty():
        return None
    started = time.monotonic()
    state = {"shown": 0.0}

    def tell(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total:
            if state["shown"]:
                out.write("\r\x1b[K")
                out.flush()
            return
        if now - started < 0.5 or now - state["shown"] < 0.1:
            return
        state["shown"] = now
        out.write(f"\r{label}: {done:,}/{total:,} {unit}")
        out.flush()

    return tell
