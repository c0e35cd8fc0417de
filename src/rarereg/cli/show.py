"""rarereg show: one entity and everything that points to it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rarereg.cli import common
from rarereg.cli.options import AsOfOpt, RegistryOpt, ShowFormat


def command(
    ctx: typer.Context,
    entity_id: Annotated[
        str, typer.Argument(metavar="ID", help="Id of a centre, hospital, network or campaign.")
    ],
    as_of: AsOfOpt = None,
    fmt: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ShowFormat.table,
    registry: RegistryOpt = None,
) -> None:
    """Show one entity and everything that points to it.

    A crmr with its sites and competence centres; a hospital with its sites and centres;
    a network with its centres; a campaign with the centres it labelled. Related centres are
    those labelled on the --as-of date (default today).

    Example: rarereg show chu-lille
    """
    from rarereg import formats, labels, query

    full = common.load(ctx, registry)
    day = common.as_of(as_of)
    reg = labels.labelled_on(full, day)
    try:
        entity = query.find_entity(full, entity_id)
    except query.QueryError as exc:
        common.fail(str(exc))
    view = query.related(reg, entity)
    view["as_of"] = day.isoformat()
    if entity.id in full.centres:
        view["labelled_on_as_of"] = entity.id in reg.centres
    view["file"] = full.paths.get(entity.id)
    if fmt is ShowFormat.json:
        sys.stdout.write(formats.to_json(view))
        return
    from rarereg import console

    out = console.stdout()
    for part in console.record(view):
        out.print(part)
