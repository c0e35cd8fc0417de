"""rarereg import: the files a transcribed official list has and the registry lacks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rarereg.cli import common, writing
from rarereg.cli.options import RegistryOpt
from rarereg.cli.root import EXIT_FINDINGS, EXIT_OK
from rarereg.cli.writing import DryRunOpt, PlanFormat

if TYPE_CHECKING:
    from rarereg.render.columns import Column


def command(
    ctx: typer.Context,
    csv_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="A transcribed official list: columns kind, name, hospital, network; "
            "optional id, acronym, role, department, lead, city, region, finess, campaign.",
        ),
    ],
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            metavar="URL|DOC",
            show_default=False,
            help="How created files cite the list. Default: the CSV, when it lies in the "
            "registry's sources/.",
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option("--update", help="Take the list's kind and filière where they differ."),
    ] = False,
    dry_run: DryRunOpt = False,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f", help="Format of the report.")] = (
        PlanFormat.table
    ),
    registry: RegistryOpt = None,
) -> None:
    """Create the files for centres and hospitals a list has and the registry lacks.

    Rows match centres by id, else by normalised name and hospital (as compare --against).
    Unmatched rows become centre files (a CRMR's rows sharing a name and filière: one centre,
    several sites) and hospital files where needed, citing the list. A differing field is
    changed only with --update. Exit 1 when rows could not be matched or differ unchanged.

    Example: rarereg import registry/sources/arrete-2028.csv --dry-run
    """
    from rarereg import against, labels
    from rarereg.authoring import importer
    from rarereg.authoring.files import AuthoringError, has_errors

    root = writing.writable_root(registry)
    try:
        rows = against.read_rows(csv_file)
    except against.CsvError as exc:
        common.fail(str(exc))
    reg = common.load(ctx, registry)
    today = labels.today()
    try:
        cited = importer.list_source(csv_file, source, root, today)
        outcome = importer.plan(reg, rows, root, cited, update=update)
    except AuthoringError as exc:
        common.fail(str(exc))
    from rarereg.render.document import Table, Tables

    table = Table(_report_columns(), outcome.rows, fields=importer.COLUMNS)
    common.present(ctx, Tables([table], empty="The list has no rows.", count_rows=True), fmt.value)
    errors = [f for f in writing.check_or_fail(root, outcome.changes, today) if has_errors([f])]
    writing.print_findings(errors)
    summary = ", ".join(
        f"{outcome.count(a)} {a}" for a in ("created", "updated", "present", "differs", "unmatched")
    )
    common.say(f"{csv_file.name}: {summary}")
    if errors:
        common.say("nothing written: the files would have errors")
        raise typer.Exit(EXIT_FINDINGS)
    if not dry_run:
        for change in outcome.changes:
            writing.write_or_fail(change.path, change.text, new=change.new)
        common.say(f"wrote {len(outcome.changes)} file(s)")
    unresolved = outcome.count("unmatched") + outcome.count("differs")
    raise typer.Exit(EXIT_FINDINGS if unresolved else EXIT_OK)


def _report_columns() -> tuple[Column, ...]:
    """The terminal table's columns (imported only when a table is drawn)."""
    from rarereg.render.columns import col

    return (
        col("action", priority=1),
        col("kind", priority=3),
        col("id", priority=1, ident=True),
        col("lines", priority=2),
        col("detail", priority=2),
    )
