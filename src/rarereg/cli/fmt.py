"""rarereg fmt: rewrite registry files in the one canonical form, comments kept."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rarereg.cli import common, writing
from rarereg.cli.options import RegistryOpt
from rarereg.cli.root import EXIT_FINDINGS, EXIT_OK


def command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATHS]...",
            show_default=False,
            help="Registry files or folders. Default: the whole registry.",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; print a unified diff and exit 1 if a file would change."
        ),
    ] = False,
    registry: RegistryOpt = None,
) -> None:
    """Rewrite registry files in the one canonical form, comments kept.

    Keys in the schema's order, codes and dates in quotes, block lists, one final newline.
    Values never change. Running it twice changes nothing. Files that are not valid YAML are
    reported and left alone (exit 1).

    Example: rarereg fmt --check registry/
    """
    from rarereg.authoring import fmt as formatter
    from rarereg.authoring.files import AuthoringError
    from rarereg.loader import display_path

    given = paths or [common.registry_path(registry) if check else writing.writable_root(registry)]
    try:
        targets = formatter.targets(given)
    except AuthoringError as exc:
        common.fail(str(exc))
    cwd = Path.cwd()
    changed = broken = 0
    for kind, path in targets:
        result = formatter.format_file(kind, path, display_path(path.absolute(), cwd))
        if result.findings:
            broken += 1
            writing.print_findings(result.findings)
        if not result.changed or result.new is None:
            continue
        changed += 1
        if check:
            sys.stdout.write(result.diff())
            continue
        writing.write_or_fail(path, result.new)
        common.say(f"reformatted {result.shown}")
    verb = "would be reformatted" if check else "reformatted"
    common.say(
        f"{changed} file{'s' if changed != 1 else ''} {verb}, {len(targets) - changed - broken} "
        f"unchanged" + (f", {broken} not readable" if broken else "")
    )
    raise typer.Exit(EXIT_FINDINGS if broken or (check and changed) else EXIT_OK)
