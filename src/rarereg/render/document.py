"""What commands hand to the renderers: plain values, no formatting decided yet."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from rarereg.render.columns import Column

if TYPE_CHECKING:
    from rarereg.findings import Severity
    from rarereg.validate import Report

Row = Mapping[str, Any]


class Table(NamedTuple):
    """Rows under a title; ``columns`` shape the terminal, ``fields`` the CSV (default: all)."""

    columns: Sequence[Column]
    rows: Sequence[Row]
    title: str | None = None
    fields: Sequence[str] | None = None
    name: str | None = None
    """The section's name in a CSV holding several tables."""

    def all_keys(self) -> list[str]:
        """Every key for CSV and Markdown: the fields, else the columns then other row keys."""
        if self.fields is not None:
            return list(self.fields)
        keys = [c.key for c in self.columns]
        keys += [k for row in self.rows for k in row if k not in keys]
        return list(dict.fromkeys(keys))


class Tables(NamedTuple):
    """One or more tables, a summary line, and the JSON payload (default: the rows)."""

    tables: Sequence[Table]
    data: Any = None
    summary: str | None = None
    section_key: str = "section"
    """The leading CSV column naming each row's table when there are several."""
    empty: str | None = None
    """Said on stderr when every table is empty (terminal only)."""
    drop_empty: bool = False
    """Leave empty tables out of the terminal view."""
    count_rows: bool = False
    """Tell how many rows on stderr (terminal only)."""

    def payload(self) -> Any:
        """The JSON document."""
        if self.data is not None:
            return self.data
        if len(self.tables) == 1:
            return [dict(r) for r in self.tables[0].rows]
        return {t.name or str(n): [dict(r) for r in t.rows] for n, t in enumerate(self.tables)}


class Record(NamedTuple):
    """One entity and what points to it (``show``): fields, nested values, related rows."""

    view: Mapping[str, Any]
    tables: Mapping[str, Sequence[Column]] = {}
    """Lists shown as tables, by key; other nested values are shown indented."""


class Rule(Protocol):
    """What a renderer needs to know of a rule (``rarereg.rules.catalog()`` gives these)."""

    @property
    def code(self) -> str:
        """The stable code findings carry."""

    @property
    def default_severity(self) -> Severity:
        """Error or warning, before rarereg.toml changes it."""

    @property
    def summary(self) -> str:
        """One line."""

    @property
    def description(self) -> str:
        """What it means and what to do."""


class Findings(NamedTuple):
    """A validation report, with what SARIF and GitHub need to place it in a repository."""

    report: Report
    rules: Sequence[Rule]
    cwd: Path
    repo_root: Path | None = None
    """The repository root (git's top level): paths for GitHub are relative to it."""
    strict: bool = False
    tool_version: str = ""

    def repo_path(self, shown: str) -> str | None:
        """A finding's path relative to the repository root, POSIX style; None when outside."""
        path = Path(shown)
        absolute = path if path.is_absolute() else self.cwd / path
        base = self.repo_root or self.cwd
        try:
            inside = Path(os.path.normpath(absolute)).relative_to(os.path.normpath(base))
        except ValueError:
            return None
        return inside.as_posix()


class Event(NamedTuple):
    """One all-day calendar event: a label that ends."""

    uid: str
    day: dt.date
    summary: str
    description: str


class Calendar(NamedTuple):
    """Label ends as a calendar; ``stamp`` is when it was made, ``remind_days`` per event."""

    events: Sequence[Event]
    stamp: dt.datetime
    remind: Mapping[str, int] = {}
    """Days before each event's day (by uid) to show a reminder."""
    remind_label: str = ""


Document = Tables | Record | Findings | Calendar

FORMATS: dict[type, tuple[str, ...]] = {
    Tables: ("table", "json", "csv", "markdown"),
    Record: ("table", "json", "csv"),
    Findings: ("text", "json", "csv", "github", "sarif"),
    Calendar: ("ics",),
}
"""The formats each kind of document can be written in."""
