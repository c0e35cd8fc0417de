"""Validation of labels against the calendar: ending soon (warning) or already ended (error)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rarereg.document import PathKey
from rarereg.findings import Finding, error, warning
from rarereg.labels import ENDED_STATUSES
from rarereg.loader import Entry, Loaded

DEFAULT_WINDOW = "180d"
"""Warn this long before a label ends (six months, the usual renewal lead time)."""


def check(loaded: Loaded, today: dt.date, warn_until: dt.date) -> list[Finding]:
    """`label-expired` for ended labels of centres still marked labelled; `label-expiring` soon."""
    campaigns = _campaign_ends(loaded.entries)
    findings = []
    for entry in loaded.entries:
        if entry.kind != "centre" or not entry.well_formed or entry.doc is None:
            continue
        data = entry.doc.data
        label = data.get("label")
        if not label or data.get("status") in ENDED_STATUSES:
            continue
        own_end = _date(label.get("end"))
        where: PathKey = ("label", "end") if own_end else ("label", "campaign")
        end, campaign = (
            (own_end, None) if own_end else campaigns.get(label["campaign"], (None, None))
        )
        if end is None or end > warn_until:
            continue
        pos = entry.doc.pos(where)
        origin = _origin(campaign)
        if end < today:
            findings.append(
                error(
                    entry.path,
                    pos,
                    "label-expired",
                    f"label ended on {end.isoformat()}{origin}; record the renewal, or mark the "
                    f"centre 'status: lapsed' (or 'withdrawn')",
                )
            )
        elif end <= warn_until:
            days = (end - today).days
            findings.append(
                warning(
                    entry.path,
                    pos,
                    "label-expiring",
                    f"label ends on {end.isoformat()}{origin}, in {days} day(s)",
                )
            )
    return findings


def _campaign_ends(entries: list[Entry]) -> dict[Any, tuple[dt.date | None, Entry | None]]:
    from rarereg.checks import owners

    ends: dict[Any, tuple[dt.date | None, Entry | None]] = {}
    parsed = [e for e in entries if e.kind == "campaign" and e.well_formed and e.doc is not None]
    for campaign_id, entry in owners(parsed).items():
        assert entry.doc is not None
        ends[campaign_id] = (_date(entry.doc.data.get("end")), entry)
    return ends


def _origin(campaign: Entry | None) -> str:
    """Where an inherited end date stands: the campaign file and line."""
    if campaign is None or campaign.doc is None:
        return ""
    line = campaign.doc.pos(("end",))[0]
    return f" (end of campaign {campaign.doc.data['id']}, {campaign.path}:{line})"


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
