"""rarereg renew: move centres' labels to a new campaign, as a ministry decision does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rarereg.cli import common, writing
from rarereg.cli.options import NetworkOpt, RegistryOpt
from rarereg.cli.root import EXIT_FINDINGS
from rarereg.cli.writing import DryRunOpt, PlanFormat

if TYPE_CHECKING:
    from rarereg.render.columns import Column


def command(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[IDS]...", show_default=False, help="Centre ids to renew."),
    ] = None,
    campaign: Annotated[
        str,
        typer.Option("--campaign", metavar="ID", show_default=False, help="The new campaign."),
    ] = "",
    network: NetworkOpt = None,
    source: Annotated[
        str,
        typer.Option(
            "--source",
            metavar="URL|DOC",
            show_default=False,
            help="The decision: its web address, or a file in the registry's sources/.",
        ),
    ] = "",
    dry_run: DryRunOpt = False,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f", help="Format of the plan.")] = (
        PlanFormat.table
    ),
    registry: RegistryOpt = None,
) -> None:
    """Move centres' labels to a new campaign, as a ministry decision does.

    Shows the plan (each centre's old and new campaign and end), then edits each file with its
    comments kept: the label points at the new campaign, its own old dates go, and the decision
    joins the file's sources. Centres withdrawn or lapsed are renewed only when named.

    Example: rarereg renew --campaign campaign-2028 --network FAI2R --source arrete.pdf --dry-run
    """
    from rarereg import labels
    from rarereg.authoring import renew as renewal
    from rarereg.authoring.files import AuthoringError, Change, has_errors

    if not campaign:
        common.fail("--campaign is needed: the campaign the labels move to")
    if not source:
        common.fail("--source is needed: the decision's URL or document")
    root = writing.writable_root(registry)
    reg = common.load(ctx, registry)
    today = labels.today()
    try:
        moves = renewal.plan(reg, campaign, network or [], ids or [])
        decision = renewal.decision_source(source, root, today, moves[0].new_campaign)
        changes = [
            Change(p, "centre", renewal.apply(m, p, decision), new=False)
            for m in moves
            if m.moves
            for p in [root / "centres" / f"{m.centre}.yaml"]
        ]
    except AuthoringError as exc:
        common.fail(str(exc))
    from rarereg.render.document import Table, Tables

    table = Table(_plan_columns(), [m.as_row() for m in moves], fields=renewal.COLUMNS)
    common.present(ctx, Tables([table], empty="No centre to renew.", count_rows=True), fmt.value)
    errors = [f for f in writing.check_or_fail(root, changes, today) if has_errors([f])]
    writing.print_findings(errors)
    if errors:
        common.say("nothing written: the renewed files would have errors")
        raise typer.Exit(EXIT_FINDINGS)
    if dry_run:
        common.say(f"dry run: {len(changes)} centre(s) would be renewed")
        return
    for change in changes:
        writing.write_or_fail(change.path, change.text)
    common.say(f"renewed {len(changes)} centre(s) in {moves[0].new_campaign}")


def _plan_columns() -> tuple[Column, ...]:
    """The terminal table's columns (imported only when a table is drawn)."""
    from rarereg.render.columns import col

    return (
        col("id", priority=1, ident=True),
        col("old_campaign", "old campaign", 3, ident=True),
        col("old_end", "old end", 4),
        col("new_campaign", "new campaign", 2, ident=True),
        col("new_end", "new end", 2),
        col("action", priority=1),
    )
