"""rarereg expiring: labels that end soon."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Annotated

import typer

from rarereg.cli import common
from rarereg.cli.options import (
    AsOfOpt,
    ExcelOpt,
    ExpiringFormat,
    HospitalOpt,
    KindOpt,
    NetworkOpt,
    NoPagerOpt,
    OutputOpt,
    RegionOpt,
    RegistryOpt,
    format_option,
)
from rarereg.cli.root import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from rarereg.labels import Expiry
    from rarereg.model import Registry
    from rarereg.render.document import Calendar


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
    remind: Annotated[
        str | None,
        typer.Option(
            "--remind",
            metavar="SPAN",
            show_default=False,
            help="With --format ics: a reminder this long before each label end (e.g. 6m).",
        ),
    ] = None,
    hospital: HospitalOpt = None,
    network: NetworkOpt = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[ExpiringFormat, format_option()] = ExpiringFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
    no_pager: NoPagerOpt = False,
    registry: RegistryOpt = None,
) -> None:
    """Labels that end soon, soonest first, with days left.

    A label ends on its own label.end, else on its campaign's end. Without --year, --before or
    --within, every label still running is listed. --format ics gives a calendar file with one
    event per label end (--remind 6m adds a reminder six months before).

    Example: rarereg expiring --within 6m --hospital "CHU Lille" --format ics -o renewals.ics
    """
    from rarereg import labels, query
    from rarereg.render import columns
    from rarereg.render.document import Table, Tables

    if remind is not None and fmt is not ExpiringFormat.ics:
        common.fail("--remind applies to --format ics")
    reg = common.load(ctx, registry)
    today = common.as_of(as_of)
    try:
        cut = labels.parse_date(before, "--before") if before else None
    except labels.DateError as exc:
        common.fail(str(exc))
    until = common.span(today, within, "--within") if within else None
    resolved = common.resolve(
        reg, query.Filters(hospital or [], network or [], kind or [], region or [])
    )
    asks = query.matching(reg, resolved)
    found = [
        e
        for e in labels.expiring(
            reg, today, year=year, before=cut, until=until, include_expired=include_expired
        )
        if asks(e.centre)
    ]
    # Labels with no known end whose reported ends fall as asked: listed, with their certainty.
    maybe = [
        m
        for m in labels.maybe_expiring(
            reg, today, year=year, before=cut, until=until, include_expired=include_expired
        )
        if asks(m.centre)
    ]
    asked = list(filter(asks, reg.centres.values()))
    caveats = labels.caveats(
        maybe, labels.certainty_counts(reg, asked), year=year, listed=len(found)
    )
    if fmt is ExpiringFormat.ics:
        doc: Tables | Calendar = _calendar(reg, found, remind)
        if maybe:
            caveats.insert(
                0, f"{len(maybe)} label(s) with no known end date are not in the calendar"
            )
    else:
        rows = [labels.expiry_row(reg, e) for e in found]
        rows += [labels.maybe_row(reg, m) for m in maybe]
        doc = Tables(
            [Table(columns.EXPIRING, rows, fields=columns.EXPIRING_FIELDS)],
            empty=f"No label ends as asked (as of {today.isoformat()}).",
            count_rows=True,
        )
    common.present(ctx, doc, fmt.value, output, excel=excel, no_pager=no_pager)
    for line in caveats:
        common.say(line)
    if hospital:
        common.say_coverage(reg, resolved.matched_hospitals)
    raise typer.Exit(EXIT_FINDINGS if fail_if_any and found else EXIT_OK)


def _stamp() -> dt.datetime:
    """When the file is made: now, or $SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not (epoch.isascii() and epoch.isdigit()):
            common.fail(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not '{epoch}'")
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _calendar(reg: Registry, found: list[Expiry], remind: str | None) -> Calendar:
    from rarereg import labels
    from rarereg.render.document import Calendar, Event

    events = []
    alarms: dict[str, int] = {}
    for e in found:
        row = labels.expiry_row(reg, e)
        uid = f"label-end-{e.centre.id}@rarereg"
        names = row["hospital_names"]
        assert isinstance(names, list)
        details = "\n".join(
            [
                f"{e.centre.kind.upper()} {e.centre.id}",
                f"Network: {row['network'] or '-'}",
                f"Sites: {'; '.join(names)}",
            ]
        )
        events.append(Event(uid, e.end, f"Label ends: {e.centre.name}", details))
        if remind is not None:
            try:
                alarms[uid] = (e.end - labels.subtract_span(e.end, remind)).days
            except labels.DateError as exc:
                common.fail(f"--remind: {exc}")
            except (OverflowError, ValueError):
                alarms[uid] = 0
    label = f"In {remind}: " if remind else ""
    return Calendar(events, _stamp(), alarms, label)
