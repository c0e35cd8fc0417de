"""rarereg show: one entity and everything that points to it."""

from __future__ import annotations

from typing import Annotated

import typer

from rarereg.cli import common, complete
from rarereg.cli.options import (
    AsOfOpt,
    ExcelOpt,
    NoPagerOpt,
    OutputOpt,
    RegistryOpt,
    ShowFormat,
    format_option,
)


def command(
    ctx: typer.Context,
    entity_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            autocompletion=complete.ids,
            help="Id of a centre, hospital, network or campaign, or a disease's ORPHA:code.",
        ),
    ],
    as_of: AsOfOpt = None,
    fmt: Annotated[ShowFormat, format_option()] = ShowFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
    no_pager: NoPagerOpt = False,
    registry: RegistryOpt = None,
) -> None:
    """Show one entity and everything that points to it.

    A crmr with its sites and competence centres; a hospital with its sites and centres;
    a network with its centres; a campaign with the centres it labelled. Related centres are
    those labelled on the --as-of date (default today). ORPHA:536 shows the centres for that
    disease. As CSV: one row per field, nested fields named by their path (sources[0].url).

    Example: rarereg show chu-lille
    """
    from rarereg import diseases, labels, query
    from rarereg.render.columns import SHOW_TABLES
    from rarereg.render.document import Record

    full = common.load(ctx, registry)
    day = common.as_of(as_of)
    reg = labels.labelled_on(full, day)
    if diseases.is_code(entity_id):
        try:
            view = diseases.disease_view(reg, diseases.find(reg, entity_id))
        except diseases.UnknownDisease as exc:
            common.fail(str(exc))
        view["as_of"] = day.isoformat()
        common.present(
            ctx, Record(view, SHOW_TABLES), fmt.value, output, excel=excel, no_pager=no_pager
        )
        return
    try:
        entity = query.find_entity(full, entity_id)
    except query.QueryError as exc:
        common.fail(str(exc))
    view = query.related(reg, entity)
    view["as_of"] = day.isoformat()
    if entity.id in full.centres:
        view["labelled_on_as_of"] = entity.id in reg.centres
    view["file"] = full.paths.get(entity.id)
    doc = Record(view, SHOW_TABLES)
    common.present(ctx, doc, fmt.value, output, excel=excel, no_pager=no_pager)
    if entity.id in full.hospitals:
        common.say_coverage(reg, [entity.id])
