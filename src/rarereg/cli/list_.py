"""rarereg list: centres, hospitals, networks or campaigns."""

from __future__ import annotations

from typing import Annotated

import typer

from rarereg.cli import common
from rarereg.cli.options import (
    AsOfOpt,
    CityOpt,
    ErnOpt,
    HospitalOpt,
    KindOpt,
    ListWhat,
    NetworkOpt,
    OutputOpt,
    RegionOpt,
    RegistryOpt,
    SearchOpt,
    TableFormat,
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
    as_of: AsOfOpt = None,
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TableFormat.table,
    output: OutputOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """List centres (one row per centre and site), hospitals, networks or campaigns.

    Filters combine (all must match); a repeated filter matches any of its values.

    Example: rarereg list --hospital "CHU Lille" --kind crmr
    """
    from rarereg import labels, query

    reg = labels.labelled_on(common.load(ctx, registry), common.as_of(as_of))
    filters = query.Filters(
        hospital or [], network or [], kind or [], region or [], city or [], ern or [], search
    )
    try:
        rows = query.list_rows(reg, what.value, filters)
    except query.QueryError as exc:
        common.fail(str(exc))
    common.emit(
        rows,
        query.COLUMNS[what.value],
        fmt.value,
        output,
        _TABLE_COLUMNS[what.value],
        empty=f"No {what.value} match.",
    )


_TABLE_COLUMNS = {
    "centres": [
        ("id", "id"),
        ("kind", "kind"),
        ("name", "name"),
        ("network", "network"),
        ("hospital_name", "hospital"),
        ("role", "role"),
        ("city", "city"),
        ("label_end", "label ends"),
    ],
    "hospitals": [
        ("id", "id"),
        ("name", "name"),
        ("parent", "parent"),
        ("city", "city"),
        ("region", "region"),
        ("finess", "FINESS"),
    ],
    "networks": [
        ("id", "id"),
        ("kind", "kind"),
        ("acronym", "acronym"),
        ("name", "name"),
        ("host", "host"),
    ],
    "campaigns": [
        ("id", "id"),
        ("name", "name"),
        ("start", "start"),
        ("end", "end"),
        ("centres", "centres"),
    ],
}
