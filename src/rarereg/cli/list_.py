"""rarereg list: centres, hospitals, networks or campaigns."""

from __future__ import annotations

from typing import Annotated

import typer

from rarereg.cli import common
from rarereg.cli.options import (
    AsOfOpt,
    CityOpt,
    DiseaseOpt,
    ErnOpt,
    ExcelOpt,
    HospitalOpt,
    KindOpt,
    ListFormat,
    ListWhat,
    NetworkOpt,
    NoPagerOpt,
    OrphaOpt,
    OutputOpt,
    RegionOpt,
    RegistryOpt,
    SearchOpt,
    format_option,
)


def command(
    ctx: typer.Context,
    what: Annotated[ListWhat, typer.Argument(help="What to list.")] = ListWhat.centres,
    hospital: HospitalOpt = None,
    network: NetworkOpt = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    city: CityOpt = None,
    ern: ErnOpt = None,
    search: SearchOpt = None,
    disease: DiseaseOpt = None,
    orpha: OrphaOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[ListFormat, format_option()] = ListFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
    no_pager: NoPagerOpt = False,
    registry: RegistryOpt = None,
) -> None:
    """List centres (one row per centre and site), hospitals, networks, campaigns or diseases.

    Filters combine (all must match); a repeated filter matches any of its values. `list
    diseases` counts, for each disease the registry knows, the centres that pass the filters.

    Example: rarereg list --disease lupus --region Hauts-de-France
    """
    from rarereg import labels, query
    from rarereg.render import columns
    from rarereg.render.document import Table, Tables

    reg = labels.labelled_on(common.load(ctx, registry), common.as_of(as_of))
    filters = common.filters(
        hospital=hospital,
        network=network,
        kind=kind,
        region=region,
        city=city,
        ern=ern,
        search=search,
        disease=disease,
        orpha=orpha,
    )
    try:
        resolved = query.resolve_for(reg, what.value, filters)
        rows = query.rows_of(reg, what.value, resolved)
    except query.QueryError as exc:
        common.fail(str(exc))
    table = Table(columns.LISTS[what.value], rows, fields=query.COLUMNS[what.value])
    doc = Tables([table], empty=f"No {what.value} match.", count_rows=True)
    common.present(ctx, doc, fmt.value, output, excel=excel, no_pager=no_pager)
    if hospital:
        common.say_coverage(reg, resolved.matched_hospitals)
