"""CSV for spreadsheets and scripts: every cell safe to open, every row one record.

A cell holding a separator of either kind (``,`` or ``;``), a quote, CR or LF is quoted, so a
value can never start a new row or a new cell, whichever separator the reader assumes. Text a
spreadsheet would run as a formula is prefixed with ``'`` (see ``safe.csv_cell``).
``--excel`` writes what French Excel opens by double-click: a byte-order mark, ``;``, CRLF.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rarereg.render import Options, OutputError, safe
from rarereg.render.document import Findings, Record, Table, Tables


def render(doc: Any, options: Options) -> str:
    """Tables, a record or findings as CSV text."""
    if isinstance(doc, Tables):
        header, rows = _tables(doc)
    elif isinstance(doc, Record):
        header, rows = ["field", "value"], [[k, v] for k, v in flatten(doc.view)]
    elif isinstance(doc, Findings):
        header = ["path", "line", "col", "severity", "code", "message"]
        rows = [[f.as_dict()[k] for k in header] for f in doc.report.findings]
    else:
        raise OutputError(f"a {type(doc).__name__.lower()} cannot be written as csv")
    return write([header, *rows], options.excel)


def write(rows: Iterable[Sequence[Any]], excel: bool = False) -> str:
    """CSV text: ``,`` and LF, or with ``excel`` a BOM, ``;`` and CRLF."""
    delimiter, end = (";", "\r\n") if excel else (",", "\n")
    lines = [delimiter.join(_quoted(safe.csv_cell(v), delimiter) for v in row) for row in rows]
    return ("\ufeff" if excel else "") + "".join(line + end for line in lines)


def _quoted(text: str, delimiter: str) -> str:
    if safe.csv_needs_quotes(text, delimiter):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tables(doc: Tables) -> tuple[list[str], list[list[Any]]]:
    """One table as is; several with a leading column naming each row's table."""
    if len(doc.tables) == 1:
        table = doc.tables[0]
        keys = table.all_keys()
        return keys, [[row.get(k) for k in keys] for row in table.rows]
    keys = list(dict.fromkeys(k for t in doc.tables for k in t.all_keys()))
    rows = [[_name(t), *(row.get(k) for k in keys)] for t in doc.tables for row in t.rows]
    return [doc.section_key, *keys], rows


def _name(table: Table) -> str:
    return table.name or table.title or ""


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested values as (path, scalar) pairs: ``sources[0].url``; empty lists kept as empty."""
    if isinstance(value, dict):
        pairs: list[tuple[str, Any]] = []
        for key, inner in value.items():
            pairs += flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return pairs
    if isinstance(value, list | tuple):
        if not value:
            return [(prefix, "")]
        if all(not isinstance(v, dict | list | tuple) for v in value):
            return [(prefix, list(value))]
        out: list[tuple[str, Any]] = []
        for n, inner in enumerate(value):
            out += flatten(inner, f"{prefix}[{n}]")
        return out
    return [(prefix, value)]


__all__ = ["flatten", "render", "write"]
