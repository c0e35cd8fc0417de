"""The command line: one module per command, options declared once, output by rarereg.render.

Each command is a short function that parses its options, calls the core and hands the result
to the renderer. Heavy imports stay inside the command functions, and a run registers only the
command it runs (``rarereg list`` never builds ``validate``), so a quick query starts fast.

Adding a command takes one new module and one line here:

1. ``src/rarereg/cli/mycommand.py`` defines ``def command(ctx: typer.Context, ...) -> None``
   with its options taken from :mod:`rarereg.cli.options` (``RegistryOpt``, ``HospitalOpt``,
   ``format_option()``…) and its docstring as the help text; it uses :mod:`rarereg.cli.common`
   to load the registry, fail with a usage error and ``present`` a document
   (:mod:`rarereg.render.document`) in the format asked.
2. Add ``("my-command", "mycommand")`` to :data:`COMMANDS` below (the order is the order of
   ``rarereg --help``). A command group (``rarereg new centre``) is a module with a Typer
   ``group``, named in :data:`GROUPS`.

``rarereg.cli.app`` is the Typer application with every command (for tests and tools);
``rarereg.cli.main`` is the entry point.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from typing import Any, NoReturn

COMMANDS: tuple[tuple[str, str], ...] = (
    ("validate", "validate"),
    ("list", "list_"),
    ("show", "show"),
    ("expiring", "expiring"),
    ("report", "report"),
    ("compare", "compare"),
    ("export", "export"),
    ("site", "site"),
    ("fmt", "fmt"),
    ("schema", "schema"),
    ("renew", "renew"),
    ("import", "import_"),
)
"""Command name and the module of ``rarereg.cli`` that defines its ``command`` function."""

GROUPS: tuple[tuple[str, str], ...] = (("new", "new"),)
"""Command groups (``rarereg new centre`` …): name, and the module whose ``group`` it is."""

# Root options that take a value: the word after them is not a command name.
_ROOT_VALUED = frozenset({"--cache-dir"})


def register(names: frozenset[str] | None = None) -> Any:
    """Add the commands (all, or those named) to the application, once; return it."""
    from rarereg.cli.root import app

    done = {c.name for c in app.registered_commands}
    for name, module in COMMANDS:
        if name in done or (names is not None and name not in names):
            continue
        app.command(name)(importlib.import_module(f"rarereg.cli.{module}").command)
    done = {g.name for g in app.registered_groups}
    for name, module in GROUPS:
        if name in done or (names is not None and name not in names):
            continue
        app.add_typer(importlib.import_module(f"rarereg.cli.{module}").group, name=name)
    return app


def _command_in(argv: list[str]) -> str | None:
    """The command a command line runs, when it runs one (not for help or completion)."""
    if any(k.endswith("_COMPLETE") for k in os.environ if k.startswith("_RAREREG")):
        return None
    names = {name for name, _ in (*COMMANDS, *GROUPS)}
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _ROOT_VALUED:
            skip = True
        elif not word.startswith("-"):
            return word if word in names else None
    return None


def main() -> None:
    """Entry point: build what this command line needs, and run it."""
    from rarereg.cli.root import run

    wanted = _command_in(sys.argv[1:])
    run(lambda: register(frozenset({wanted}) if wanted else None))


def entry() -> None:
    """The installed ``rarereg`` command: :func:`main`, then an exit that tears nothing down.

    A query keeps the registry it built until the end; freeing it object by object, then the
    interpreter's own teardown, cost 0.25 s of a 0.9 s query at 100,000 files, for a process
    that is ending anyway. Output is flushed and exit handlers run first (the cache writer is
    waited for); :func:`main` itself exits the usual way, for callers in the same process.
    """
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


def __getattr__(name: str) -> Any:
    if name == "app":
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "app", "entry", "main", "register"]
