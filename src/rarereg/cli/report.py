"""rarereg report: counts of centres and sites."""

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
    NetworkOpt,
    OutputOpt,
    RegionOpt,
    RegistryOpt,
    ReportBy,
    ReportFormat,
    SearchOpt,
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
    as_of: AsOfOpt = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ReportFormat.table
    ),
    output: OutputOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """Counts of centres and sites: by kind, hospital, network, region, campaign, end year.

    CRMR sites are counted as coordinating and constitutive (or role unstated), then CCMR, CRC
    and platforms, as hospitals publish them; a hospital's sites are folded into its legal entity.
    Where a hospital's file records the counts it publishes, they are shown beside the registry's.

    Example: rarereg report --hospital "CHU Lille" --hospital "CHU de Reims"
    """
    from rarereg import labels, query
    from rarereg import report as counts

    day = common.as_of(as_of)
    reg = labels.labelled_on(common.load(ctx, registry), day)
    filters = query.Filters(
        hospital or [], network or [], kind or [], region or [], city or [], ern or [], search
    )
    resolved = common.resolve(reg, filters)
    recs = counts.records(reg, resolved)
    named = [reg.legal_entity(h) for h in resolved.matched_hospitals] if hospital else None
    named = list(dict.fromkeys(named)) if named else None
    chosen = [by.value] if by else (["hospital"] if hospital else list(counts.BREAKDOWNS))
    sections = [
        (name, counts.breakdown(reg, recs, name, named), counts.columns(name)) for name in chosen
    ]
    if fmt is ReportFormat.json:
        from rarereg import formats

        payload = {"as_of": day.isoformat(), **{name: rows for name, rows, _ in sections}}
        common.deliver(formats.to_json(payload), output)
    elif fmt is ReportFormat.csv:
        common.deliver(_report_csv(sections), output)
    elif fmt is ReportFormat.markdown:
        from rarereg import formats

        titled = [
            (f"By {name} (as of {day.isoformat()})", rows, cols) for name, rows, cols in sections
        ]
        common.deliver(formats.to_markdown(titled), output)
    else:
        from rarereg import console

        out = console.stdout()
        for name, rows, cols in sections:
            shown = [c for c in cols if any(row.get(c) is not None for row in rows)]
            headings = [(c, _REPORT_HEADINGS.get(c, c)) for c in shown or cols]
            out.print(console.table(rows, headings, title=f"By {name} (as of {day.isoformat()})"))


_REPORT_HEADINGS = {
    "key": "id",
    "crmr_coordinating": "CRMR coord.",
    "crmr_constitutive": "CRMR const.",
    "crmr_role_unstated": "CRMR role?",
    "crmr_sites": "CRMR sites",
    "ccmr": "CCMR",
    "crc": "CRC",
    "platform": "platforms",
    "published_crmr": "published CRMR",
    "published_ccmr": "published CCMR",
    "published_crc": "published CRC",
    "published_platform": "published platforms",
    "published_as_of": "published as of",
    "role_unstated": "role?",
}


def _report_csv(sections: list[tuple[str, list[dict[str, object]], tuple[str, ...]]]) -> str:
    """One CSV: a single breakdown as is, several with a leading 'breakdown' column."""
    from rarereg import formats

    if len(sections) == 1:
        _, rows, cols = sections[0]
        return formats.to_csv(rows, cols)
    cols_all = list(dict.fromkeys(c for _, _, cols in sections for c in cols))
    rows_all = [{"breakdown": name, **row} for name, rows, _ in sections for row in rows]
    return formats.to_csv(rows_all, ["breakdown", *cols_all])
