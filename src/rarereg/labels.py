"""Labels over time: when each centre's label runs, what covers a date, what ends soon."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from rarereg.model import Centre, Label, Registry, ReportedEnd

# ASCII only: int() reads "٣" (Arabic-Indic three) as 3, and a user never means it as a span.
_SPAN = re.compile(r"\s*([0-9]{1,5})\s*([dwmy])\s*\Z", re.ASCII)
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
    import calendar  # only for spans in months: a query that asks none never loads it

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


_UNKNOWN = Span(None, None)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None  # validate reports it


def span(reg: Registry, centre: Centre) -> Span:
    """A centre's current label span: its own dates, else its campaign's."""
    return label_span(reg, centre.label)


def label_span(reg: Registry, label: Label | None) -> Span:
    """One label's span: its own dates, else its campaign's (unknown for no label)."""
    if label is None:
        return _UNKNOWN
    key = (label.campaign, label.start, label.end)
    found: Span | None = reg.spans.get(key)
    if found is None:
        start, end = reg.dates_of(label)
        found = reg.spans[key] = Span(_date(start), _date(end))
    return found


def history(reg: Registry, centre: Centre) -> Iterator[tuple[Label | None, Span]]:
    """The centre's labels with their spans, newest first (the current one, known or not).

    A label whose start is unknown cannot have started before the previous label ended, so its
    span starts the day after: that is what lets an earlier label answer for an earlier date.
    """
    older = sorted(
        centre.previous_labels,
        key=lambda lab: label_span(reg, lab).end or dt.date.max,
        reverse=True,
    )
    labels: list[Label | None] = [centre.label, *older]
    for i, label in enumerate(labels):
        own = label_span(reg, label)
        before = label_span(reg, labels[i + 1]).end if i + 1 < len(labels) else None
        if own.start is None and before is not None:
            own = Span(before + dt.timedelta(days=1), own.end)
        yield label, own


def label_on(reg: Registry, centre: Centre, day: dt.date) -> tuple[bool, Label | None]:
    """Whether the sources allow the centre to be labelled on ``day``, and the label then.

    Newest label first: a centre whose current label has unknown dates stays labelled (the
    registry cannot say it was not), unless an earlier label shows the date is before it.
    """
    for label, spn in history(reg, centre):
        if spn.covers(day):
            return True, label
    return False, None


def labelled_on(reg: Registry, day: dt.date) -> Registry:
    """The registry as labelled on ``day``: centres whose labels do not exclude that date.

    Centres with no known label dates stay in: the registry cannot say they were not labelled.
    A centre labelled that day by an earlier campaign shows that campaign's label.
    """
    kept: dict[str, Centre] = {}
    for cid, centre in reg.centres.items():
        if not centre.previous_labels:  # most centres: one label, no history to weigh
            if label_span(reg, centre.label).covers(day):
                kept[cid] = centre
            continue
        ok, label = label_on(reg, centre, day)
        if not ok:
            continue
        if label is not centre.label:
            centre = dataclasses.replace(centre, label=label)
        kept[cid] = centre
    return reg.with_centres(kept)


KNOWN = "known"
REPORTED = "reported"
DISPUTED = "disputed"
UNKNOWN = "unknown"
NO_LABEL = "no-label"
CERTAINTIES = (KNOWN, REPORTED, DISPUTED, UNKNOWN, NO_LABEL)
"""How much the sources say about when a label ends.

known: a date the centre's label or its campaign states; reported: sources report the end but
the act is not at hand, and they agree on the year; disputed: they give different years;
unknown: no source gives an end; no-label: the sources record no current label at all."""


@dataclass(frozen=True, slots=True)
class EndCertainty:
    """What the sources say about when one label ends."""

    certainty: str
    end: dt.date | None
    campaign: str | None
    reported: tuple[ReportedEnd, ...]

    @property
    def years(self) -> tuple[int, ...]:
        """The years the label may end in: the known one, else every reported one."""
        if self.end is not None:
            return (self.end.year,)
        return tuple(sorted({r.year for r in self.reported}))


def end_certainty(reg: Registry, centre: Centre) -> EndCertainty:
    """Per label: a known end, reported ends (agreeing or not, each with its source), or none."""
    label = centre.label
    if label is None:
        return EndCertainty(NO_LABEL, None, None, ())
    end = span(reg, centre).end
    if end is not None:
        return EndCertainty(KNOWN, end, label.campaign, ())
    campaign = reg.campaigns.get(label.campaign)
    reported = campaign.reported_ends if campaign else ()
    if not reported:
        return EndCertainty(UNKNOWN, None, label.campaign, ())
    years = {r.year for r in reported}
    return EndCertainty(
        DISPUTED if len(years) > 1 else REPORTED, None, label.campaign, tuple(reported)
    )


class Expiry(NamedTuple):
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


def _centre_cells(reg: Registry, c: Centre) -> dict[str, object]:
    """The cells of a label row that name its centre: ids beside display names."""
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
    }


def expiry_row(reg: Registry, e: Expiry) -> dict[str, object]:
    """One label end as a row: ids beside display names, hospitals as lists."""
    return {
        **_centre_cells(reg, e.centre),
        "end": e.end.isoformat(),
        "days_left": e.days_left,
        "certainty": KNOWN,
        "possible_end_years": [e.end.year],
        "reported_ends": [],
    }


class MaybeEnding(NamedTuple):
    """A label with no known end whose reported ends fall in the window asked about."""

    centre: Centre
    certainty: EndCertainty


def _window_years(
    today: dt.date,
    year: int | None,
    before: dt.date | None,
    until: dt.date | None,
    include_expired: bool,
) -> tuple[int, int]:
    """The years a window touches: a year-only report may fall anywhere in its year."""
    first = dt.MINYEAR if include_expired else today.year
    last = dt.MAXYEAR
    if year is not None:
        first, last = max(first, year), min(last, year)
    if before is not None:
        last = min(last, (before - dt.timedelta(days=1)).year)
    if until is not None:
        last = min(last, until.year)
    return first, last


def maybe_expiring(
    reg: Registry,
    today: dt.date,
    *,
    year: int | None = None,
    before: dt.date | None = None,
    until: dt.date | None = None,
    include_expired: bool = False,
) -> list[MaybeEnding]:
    """Labels with only reported ends, one of which falls in the window: they may end then."""
    first, last = _window_years(today, year, before, until, include_expired)
    found = []
    for centre in reg.centres.values():
        cert = end_certainty(reg, centre)
        if cert.certainty not in (REPORTED, DISPUTED):
            continue
        if any(first <= y <= last for y in cert.years):
            found.append(MaybeEnding(centre, cert))
    return sorted(found, key=lambda m: (m.certainty.years, m.centre.name.casefold(), m.centre.id))


def certainty_counts(reg: Registry, centres: Iterable[Centre] | None = None) -> dict[str, int]:
    """How many centres' labels end on a known date, a reported one, a disputed one, or none."""
    counts = dict.fromkeys(CERTAINTIES, 0)
    for centre in reg.centres.values() if centres is None else centres:
        counts[end_certainty(reg, centre).certainty] += 1
    return counts


def describe_reported(reported: tuple[ReportedEnd, ...]) -> str:
    """The reported ends with their sources, in one line: '2027 (respifil.fr); 2028 (…)'."""
    by_end: dict[str, list[str]] = {}
    for r in reported:
        by_end.setdefault(r.end, []).append(_host(r.source))
    return "; ".join(f"{end}: {', '.join(dict.fromkeys(hosts))}" for end, hosts in by_end.items())


def _host(source: str) -> str:
    """A source named short: the web site's host, or the document's file name."""
    match = re.match(r"https?://(?:www\.)?([^/]+)", source)
    return match.group(1) if match else source


def _years_text(years: tuple[int, ...]) -> str:
    words = [str(y) for y in years]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def caveats(
    maybe: list[MaybeEnding], counts: dict[str, int], *, year: int | None = None, listed: int = 0
) -> list[str]:
    """Sentences saying what an expiring answer cannot know, for the reader's stderr."""
    lines = []
    groups: dict[tuple[str | None, tuple[int, ...], tuple[ReportedEnd, ...]], int] = {}
    for m in maybe:
        key = (m.certainty.campaign, m.certainty.years, m.certainty.reported)
        groups[key] = groups.get(key, 0) + 1
    for (campaign, years, reported), n in groups.items():
        why = "sources disagree" if len(years) > 1 else "reported by sources, not by the act"
        label_word = "label" if n == 1 else "labels"
        verb = "ends" if n == 1 else "end"
        lines.append(
            f"{n} {label_word} of {campaign} {verb} in {_years_text(years)}: "
            f"{why} ({describe_reported(reported)})"
        )
    if year is not None and maybe:
        other = "no other label" if listed == 0 else f"{listed} other label(s)"
        lines.append(f"{other} {'ends' if listed <= 1 else 'end'} in {year} on a known date")
    lines.append(unknown_sentence(counts))
    return lines


def unknown_sentence(counts: dict[str, int]) -> str:
    """How many labels have no known end, and why; how many centres have no label on record."""
    disputed, reported, unknown = (
        counts.get(DISPUTED, 0),
        counts.get(REPORTED, 0),
        counts.get(UNKNOWN, 0),
    )
    labelled = sum(counts.get(c, 0) for c in (KNOWN, REPORTED, DISPUTED, UNKNOWN))
    return (
        f"{disputed + reported + unknown} of {labelled} labels have no known end date "
        f"({disputed} with reported ends that disagree, {reported} with a reported end, "
        f"{unknown} with none); {counts.get(NO_LABEL, 0)} centres have no current label on record"
    )


def maybe_row(reg: Registry, m: MaybeEnding) -> dict[str, object]:
    """A label with no known end that may end as asked: its possible years and who says so."""
    return {
        **_centre_cells(reg, m.centre),
        "end": None,
        "days_left": None,
        "certainty": m.certainty.certainty,
        "possible_end_years": list(m.certainty.years),
        "reported_ends": [f"{r.end}: {r.source}" for r in m.certainty.reported],
    }
