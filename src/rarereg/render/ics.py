"""iCalendar (RFC 5545): one all-day event per label end, ready to import and re-import.

A label's UID names the centre, not the date, so re-importing after an end date is corrected
moves the event instead of adding a second one. Events last one day by ``DURATION:P1D``
(no DTEND to compute: 9999-12-31 works). A calendar with no event is still a calendar.
"""

from __future__ import annotations

from typing import Any

from rarereg import __version__
from rarereg.render import OutputError, safe
from rarereg.render.document import Calendar

_CRLF = "\r\n"


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return (_CRLF + " ").join(out)


def render(doc: Any, _options: Any) -> str:
    """A VCALENDAR with one VEVENT per label end, and a VALARM each when asked."""
    if not isinstance(doc, Calendar):
        raise OutputError(f"a {type(doc).__name__.lower()} cannot be written as ics")
    stamp = f"{doc.stamp:%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//rarereg//rarereg {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:rarereg label ends",
    ]
    for event in doc.events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{safe.ics_text(event.uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            "DURATION:P1D",
            f"SUMMARY:{safe.ics_text(event.summary)}",
            f"DESCRIPTION:{safe.ics_text(event.description)}",
            "TRANSP:TRANSPARENT",
        ]
        days = doc.remind.get(event.uid)
        if days is not None:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"TRIGGER;RELATED=START:-P{days}D",
                f"DESCRIPTION:{safe.ics_text(doc.remind_label + event.summary)}",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return _CRLF.join(_fold(line) for line in lines) + _CRLF
