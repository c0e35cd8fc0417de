"""Labels over time: when each centre's label runs, what covers a date, what ends soon."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from rarereg.model import Centre, Registry

_SPAN = re.compile(r"\s*(\d{1,5})\s*([dwmy])\s*\Z")
ENDED_STATUSES = frozenset({"withdrawn", "lapsed"})
"""A centre marked so is no longer labelled: its past end date is not an error."""


def today() -> dt.date:
    """The date commands answer for when --as-of is not given (one place, so tests can pin it)."""
    return dt.date.today()


class DateError(ValueError):
    """A date or span option that cannot be read: a usage error."""


def parse_date(text: str, what: str = "date") -> dt.date:
    """An ISO date from an option, or a usage error naming the option."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DateError(f"{what} '{text}' is not a date; write it YYYY-MM-DD") from None


def add_span(start: dt.date, text: str) -> dt.date:
    """``start`` plus a span like 180d, 6w, 6m or 1y (months and years on the calendar)."""
    match = _SPAN.match(text.lower())
    if match is None:
        raise DateError(f"span '{text}' is not understood; write e.g. 180d, 26w, 6m or 1y")
    count, unit = int(match.group(1)), match.group(2)
    # A span past the end of the calendar reaches its last day: every date is before it.
    try:
        if unit == "d":
            return start + dt.timedelta(days=count)
        if unit == "w":
            return start + dt.timedelta(weeks=count)
    except OverflowError:
        return dt.date.max
    months = count * (12 if unit == "y" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    if start.year + year > dt.MAXYEAR:
        return dt.date.max
    return _clamped(start.year + year, month + 1, start.day)


def subtract_span(end: dt.date, text: str) -> dt.date:
    """``end`` minus a span like 180d, 6w, 6m or 1y (the day pulled back in short months)."""
    match = _SPAN.match(text.lower())
    if match is None:
        raise DateError(f"span '{text}' is not understood; write e.g. 180d, 26w, 6m or 1y")
    count, unit = int(match.group(1)), match.group(2)
    if unit in ("d", "w"):
        return end - dt.timedelta(days=count * (7 if unit == "w" else 1))
    months = count * (12 if unit == "y" else 1)
    year, month = divmod(end.month - 1 - months, 12)
    return _clamped(end.year + year, month + 1, end.day)


def _clamped(year: int, month: int, day: int) -> dt.date:
    """A date, with the day pulled back into short months (31 Jan + 1 month → 28/29 Feb)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Span:
    """A centre's label as dates; either end may be unknown."""

    start: dt.date | None
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        """True unless the known dates put ``day`` outside the label."""
        if self.start is not None and day < self.start:
            return False
        return not (self.end is not None and day > self.end)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None  # validate reports it


def span(reg: Registry, centre: Centre) -> Span:
    """A centre's label span: its own dates, else its campaign's."""
    start, end = reg.label_dates(centre)
    return Span(_date(start), _date(end))


def labelled_on(reg: Registry, day: dt.date) -> Registry:
    """The registry as labelled on ``day``: centres whose label does not exclude that date.

    Centres with no known label dates stay in: the registry cannot say they were not labelled.
    """
    kept = {cid: c for cid, c in reg.centres.items() if span(reg, c).covers(day)}
    return reg.with_centres(kept)


@dataclass(frozen=True, slots=True)
class Expiry:
    """One label end to watch."""

    centre: Centre
    end: dt.date
    days_left: int


def expiring(
    reg: Registry,
    today: dt.date,
    *,
    year: int | None = None,
    before: dt.date | None = None,
    until: dt.date | None = None,
    include_expired: bool = False,
) -> list[Expiry]:
    """Labels ending as asked, soonest first; past ends only with ``include_expired``."""
    found = []
    for centre in reg.centres.values():
        end = span(reg, centre).end
        if end is None:
            continue
        if end < today and not include_expired:
            continue
        if year is not None and end.year != year:
            continue
        if before is not None and end >= before:
            continue
        if until is not None and end > until:
            continue
        found.append(Expiry(centre, end, (end - today).days))
    return sorted(found, key=lambda e: (e.end, e.centre.name.casefold(), e.centre.id))


def expiry_row(reg: Registry, e: Expiry) -> dict[str, object]:
    """One label end as a row: ids beside display names, hospitals as lists."""
    c = e.centre
    network = reg.networks.get(c.network) if c.network else None
    hospitals = list(dict.fromkeys(s.hospital for s in c.sites))
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "network_id": c.network,
        "network": network.acronym if network else c.network,
        "hospitals": hospitals,
        "hospital_names": [reg.hospitals[h].name if h in reg.hospitals else h for h in hospitals],
        "campaign": c.label.campaign if c.label else None,
        "end": e.end.isoformat(),
        "days_left": e.days_left,
    }
