"""iCalendar (RFC 5545) text: one all-day event per label end. Pure text, no library needed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rarereg import __version__
from rarereg.labels import Expiry
from rarereg.model import Registry

_CRLF = "\r\n"


def _escape(text: str) -> str:
    """TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    return "".join(c for c in text if c >= " " or c == "\t")  # no other control characters


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


_LAST = dt.date.max


def calendar(reg: Registry, expiries: Iterable[Expiry], stamp: dt.date) -> str:
    """A VCALENDAR of label ends; UIDs are stable so re-imports update events."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//rarereg//rarereg {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:rarereg label ends",
    ]
    for e in expiries:
        c = e.centre
        hospitals = "; ".join(
            reg.hospitals[s.hospital].name if s.hospital in reg.hospitals else s.hospital
            for s in c.sites
        )
        network = reg.networks[c.network].acronym if c.network in reg.networks else c.network
        details = f"{c.kind.upper()} {c.id}\nNetwork: {network or '-'}\nSites: {hospitals}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:label-end-{c.id}-{e.end:%Y%m%d}@rarereg",
            f"DTSTAMP:{stamp:%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{e.end:%Y%m%d}",
            # An all-day event lasts one day without DTEND (RFC 5545 3.6.1); giving it would
            # overflow the calendar for a label ending on 9999-12-31.
            *([f"DTEND;VALUE=DATE:{e.end + dt.timedelta(days=1):%Y%m%d}"] if e.end < _LAST else []),
            f"SUMMARY:{_escape('Label ends: ' + c.name)}",
            f"DESCRIPTION:{_escape(details)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return _CRLF.join(_fold(line) for line in lines) + _CRLF
