"""rarereg report: counts of centres and sites."""

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
    NetworkOpt,
    NoPagerOpt,
    OrphaOpt,
    OutputOpt,
    RegionOpt,
    RegistryOpt,
    ReportBy,
    ReportFormat,
    SearchOpt,
    format_option,
)


def command(
    ctx: typer.Context,
    by: Annotated[
        ReportBy | None,
        typer.Option(
            "--by",
            show_default=False,
            help="One breakdown only. Default: every breakdown (or per hospital with --hospital).",
        ),
    ] = None,
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
    fmt: Annotated[ReportFormat, format_option()] = ReportFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
    no_pager: NoPagerOpt = False,
    registry: RegistryOpt = None,
) -> None:
    """Counts of centres and sites: by kind, hospital, network, region, campaign, end year, disease.

    CRMR sites are counted as coordinating and constitutive (or role unstated), then CCMR, CRC
    and platforms, as hospitals publish them; a hospital's sites are folded into its legal entity.
    Where a hospital's file records the counts it publishes, they are shown beside the registry's.

    Example: rarereg report --hospital "CHU Lille" --hospital "CHU de Reims"
    """
    from rarereg import labels
    from rarereg import report as counts
    from rarereg.render import columns
    from rarereg.render.document import Table, Tables

    day = common.as_of(as_of)
    reg = labels.labelled_on(common.load(ctx, registry), day)
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
    resolved = common.resolve(reg, filters)
    recs = counts.records(reg, resolved)
    named = list(dict.fromkeys(resolved.matched_hospitals)) if hospital else None
    chosen = [by.value] if by else (["hospital"] if hospital else list(counts.BREAKDOWNS))
    tables = [
        Table(
            columns.report(counts.columns(name)),
            counts.breakdown(reg, recs, name, named),
            title=f"By {name} (as of {day.isoformat()})",
            fields=counts.columns(name),
            name=name,
        )
        for name in chosen
    ]
    payload = {"as_of": day.isoformat(), **{t.name or "": list(t.rows) for t in tables}}
    doc = Tables(tables, data=payload, section_key="breakdown")
    common.present(ctx, doc, fmt.value, output, excel=excel, no_pager=no_pager)
    if named:
        common.say_coverage(reg, named)
