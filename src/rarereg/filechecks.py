"""Checks of one file on its own, beyond its schema: their findings are cached with the file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from rarereg.document import PathKey, YamlDoc
from rarereg.findings import Finding, error

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_MONTH = re.compile(r"[0-9]{4}-([0-9]{2})\Z")
_DATE_KEYS = frozenset({"start", "end", "retrieved", "as_of"})


def run(kind: str, doc: YamlDoc, path: str) -> list[Finding]:
    """Every single-file finding beyond the schema (the same for every kind)."""
    return list(check_dates(doc, path))


def check_dates(doc: YamlDoc, path: str) -> Iterator[Finding]:
    """Dates that have the right shape but do not exist, like 2027-02-30."""
    # Paths are built for containers only: this runs on every file of a cold run.
    todo: list[tuple[PathKey, Any]] = [((), doc.data)]
    while todo:
        where, value = todo.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, dict | list):
                    todo.append(((*where, key), item))
                elif key not in _DATE_KEYS or not isinstance(item, str):
                    continue
                elif _DATE.match(item):
                    if parse_date(item) is None:
                        yield error(
                            path,
                            doc.pos((*where, key)),
                            "invalid-date",
                            f"{key}: {item} is not a date of the calendar",
                        )
                elif _bad_month(item):
                    yield error(
                        path,
                        doc.pos((*where, key)),
                        "invalid-date",
                        f"{key}: {item} is not a month of the calendar",
                    )
        else:
            todo.extend(
                ((*where, i), item) for i, item in enumerate(value) if isinstance(item, dict | list)
            )


def parse_date(text: object) -> dt.date | None:
    """An ISO date, or None when the value is not text naming a date of the calendar."""
    if not isinstance(text, str):
        return None  # e.g. an unquoted year, which the schema reports
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _bad_month(text: str) -> bool:
    """A year-month (a source's ``as_of`` may be that precise only) whose month does not exist."""
    match = _MONTH.match(text)
    return match is not None and not 1 <= int(match.group(1)) <= 12
