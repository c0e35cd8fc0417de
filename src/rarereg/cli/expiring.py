"""rarereg expiring: labels that end soon."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rarereg.cli import common
from rarereg.cli.app import EXIT_FINDINGS, EXIT_OK
from rarereg.cli.options import (
    AsOfOpt,
    ExpiringFormat,
    HospitalOpt,
    KindOpt,
    NetworkOpt,
    OutputOpt,
    RegionOpt,
    RegistryOpt,
)

if TYPE_CHECKING:
    from rarereg.labels import Expiry
    from rarereg.model import Registry


def command(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", metavar="YEAR", show_default=False, help="Labels ending in this year."
        ),
    ] = None,
    before: Annotated[
        str | None,
        typer.Option(
            "--before", metavar="DATE", show_default=False, help="Labels ending before this date."
        ),
    ] = None,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            metavar="SPAN",
            show_default=False,
            help="Labels ending within this span of today or --as-of (e.g. 180d, 26w, 6m, 1y).",
        ),
    ] = None,
    include_expired: Annotated[
        bool, typer.Option("--include-expired", help="Also list labels that have already ended.")
    ] = False,
    fail_if_any: Annotated[
        bool, typer.Option("--fail-if-any", help="Exit 1 when any label is listed (for CI).")
    ] = False,
    hospital: HospitalOpt = None,
    network: NetworkOpt = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[ExpiringFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ExpiringFormat.table
    ),
    output: OutputOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """Labels that end soon, soonest first, with days left.

    A label ends on its own label.end, else on its campaign's end. Without --year, --before or
    --within, every label still running is listed. --format ics gives a calendar file with one
    event per label end.

    Example: rarereg expiring --within 6m --hospital "CHU Lille" --format ics -o renewals.ics
    """
    from rarereg import labels, query

    reg = common.load(ctx, registry)
    today = common.as_of(as_of)
    try:
        cut = labels.parse_date(before, "--before") if before else None
    except labels.DateError as exc:
        common.fail(str(exc))
    until = common.span(today, within, "--within") if within else None
    filters = query.Filters(hospital or [], network or [], kind or [], region or [])
    resolved = common.resolve(reg, filters)
    found = [
        e
        for e in labels.expiring(
            reg, today, year=year, before=cut, until=until, include_expired=include_expired
        )
        if query.centre_matches(reg, e.centre, resolved)
    ]
    rows = [_expiry_row(reg, e) for e in found]
    if fmt is ExpiringFormat.ics:
        from rarereg import ics

        common.deliver(ics.calendar(reg, found, today), output)
    else:
        common.emit(
            rows,
            _EXPIRY_COLUMNS,
            fmt.value,
            output,
            _EXPIRY_TABLE,
            empty=f"No label ends as asked (as of {today.isoformat()}).",
        )
    raise typer.Exit(EXIT_FINDINGS if fail_if_any and rows else EXIT_OK)


_EXPIRY_COLUMNS = ("id", "name", "kind", "network", "hospitals", "campaign", "end", "days_left")
_EXPIRY_TABLE = [
    ("id", "id"),
    ("kind", "kind"),
    ("network", "network"),
    ("hospitals", "hospitals"),
    ("end", "ends"),
    ("days_left", "days left"),
]


def _expiry_row(reg: Registry, e: Expiry) -> dict[str, object]:
    c = e.centre
    network = reg.networks[c.network].acronym if c.network in reg.networks else c.network
    names = [
        reg.hospitals[s.hospital].name if s.hospital in reg.hospitals else s.hospital
        for s in c.sites
    ]
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "network": network,
        "hospitals": "; ".join(dict.fromkeys(names)),
        "campaign": c.label.campaign if c.label else None,
        "end": e.end.isoformat(),
        "days_left": e.days_left,
    }
