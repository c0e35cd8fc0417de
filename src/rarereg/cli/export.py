"""rarereg export: the registry as SQLite, JSON, CSV, FHIR or JSON-LD (work in rarereg.export)."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from rarereg.cli import common
from rarereg.cli.options import AsOfOpt, RegistryOpt

ExportFormat = enum.StrEnum("ExportFormat", "sqlite json csv fhir jsonld")


def command(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,
        typer.Argument(
            metavar="FORMAT", help="sqlite, json, csv, fhir or jsonld.", show_default=False
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            show_default=False,
            help="File to write (a folder for json and csv: one file per kind). "
            "Default: stdout (not for sqlite and csv).",
        ),
    ] = None,
    datasette_metadata: Annotated[
        Path | None,
        typer.Option(
            "--datasette-metadata",
            metavar="FILE",
            show_default=False,
            dir_okay=False,
            help="With sqlite: also write a datasette metadata.json (titles, facets).",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """Export the registry: SQLite (for datasette), JSON, CSV, FHIR R4 or schema.org JSON-LD.

    Centres are those labelled on --as-of (default today). Files are written atomically and
    the same registry gives the same bytes.

    Example: rarereg export sqlite -o reg.db && datasette reg.db
    """
    from rarereg.export.common import ExportError
    from rarereg.export.run import export

    reg = common.load(ctx, registry)
    day = common.as_of(as_of)
    try:
        data = export(reg, fmt.value, output, day, _progress(fmt.value), datasette_metadata)
    except ExportError as exc:
        common.fail(str(exc))
    except OSError as exc:
        common.fail(f"cannot write {exc.filename or output}: {exc.strerror or exc}")
    if data is not None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        common.say(f"wrote {output}")


def _progress(fmt: str) -> Callable[[int, int, str], None]:
    """The core's progress on a terminal (steps: tables, kinds of entity); silent elsewhere."""
    from rarereg.cli import terminal

    tell = terminal.progress(f"export {fmt}", unit="steps")
    return (lambda done, total, what: tell(done, total)) if tell else _quiet


def _quiet(done: int, total: int, what: str) -> None:
    """No one is watching."""
