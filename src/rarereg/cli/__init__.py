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

import importlib
import os
import sys
from typing import Any

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

    See :mod:`rarereg.cli.ending`; :func:`main` itself exits the usual way, for callers in the
    same process.
    """
    from rarereg.cli.ending import run_and_leave

    run_and_leave(main)


def __getattr__(name: str) -> Any:
    if name == "app":
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "app", "entry", "main", "register"]
