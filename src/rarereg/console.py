"""The terminal edge: Rich tables and messages. Only the CLI imports this module."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

# C0 and C1 control characters (escape sequences start with ESC, 0x1b): shown as
# visible escapes, so data can never move the cursor or recolour the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: Any) -> str:
    """Data as safe terminal text: control characters made visible, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def cell(value: Any) -> Text:
    """A Rich cell that never interprets markup in the data."""
    return Text(clean(value))


def stdout() -> Console:
    """Console for data: the terminal's width, $COLUMNS, or 160 when piped."""
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, soft_wrap=False, width=160 if piped else None)


def stderr() -> Console:
    """Console for diagnostics."""
    return Console(stderr=True, highlight=False)


def table(
    rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], title: str | None = None
) -> Table:
    """A table of rows; ``columns`` pairs a row key with its heading."""
    grid = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for _, heading in columns:
        grid.add_column(heading, overflow="fold")
    for row in rows:
        grid.add_row(*(cell(row.get(key)) for key, _ in columns))
    return grid


def record(view: dict[str, Any]) -> list[Any]:
    """Renderables for one entity: its plain fields, then one table per list of records."""
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    sections: list[Any] = [fields]
    for key, value in view.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            keys = list(dict.fromkeys(k for v in value for k in v))
            sections.append(table(value, [(k, k) for k in keys], title=f"{key} ({len(value)})"))
        elif isinstance(value, dict):
            text = "; ".join(f"{k}: {clean(v)}" for k, v in value.items())
            fields.add_row(Text(key), Text(clean(text)))
        elif value not in (None, [], ""):
            fields.add_row(Text(key), cell(value))
        elif isinstance(value, list):
            fields.add_row(Text(key), Text("none", style="dim"))
    return sections
