"""The command line: one module per command, options declared once, output by rarereg.render.

Each command is a short function that parses its options, calls the core and hands the result
to the renderer. Heavy imports stay inside the command functions, so `rarereg --help` and a
quick query start fast.

Adding a command takes one new module and one line here:

1. ``src/rarereg/cli/mycommand.py`` defines ``def command(...) -> None`` with its options taken
   from :mod:`rarereg.cli.options` (``RegistryOpt``, ``HospitalOpt``, ``format_option(...)``…)
   and its docstring as the help text; it uses :mod:`rarereg.cli.common` to load the registry,
   fail with a usage error and deliver rendered output.
2. Add ``("my-command", "mycommand")`` to :data:`COMMANDS` below (the order is the order of
   ``rarereg --help``).
"""

from __future__ import annotations

import importlib

from rarereg.cli.app import app, main

COMMANDS: tuple[tuple[str, str], ...] = (
    ("validate", "validate"),
    ("list", "list_"),
    ("show", "show"),
    ("expiring", "expiring"),
    ("report", "report"),
    ("compare", "compare"),
)
"""Command name and the module of ``rarereg.cli`` that defines its ``command`` function."""


def _register() -> None:
    for name, module in COMMANDS:
        app.command(name)(importlib.import_module(f"rarereg.cli.{module}").command)


_register()

__all__ = ["COMMANDS", "app", "main"]
