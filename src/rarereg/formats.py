"""Rows of data as JSON or CSV text: stable keys, safe for spreadsheets. No printing here."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Sequence
from typing import Any

# A cell starting with one of these is run as a formula by spreadsheet programs
# (CSV injection); a leading apostrophe makes them show it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A CSV cell: lists joined by '; ', None empty, formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header row, in ``columns`` order, Unix line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return out.getvalue()


def to_json(data: Any) -> str:
    """Indented JSON, UTF-8 text kept as is, ending in a newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def md_escape(value: Any) -> str:
    """A Markdown table cell: HTML and Markdown characters escaped, one line."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = html.escape(str(value), quote=False)
    text = " ".join(text.split())
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)


_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+!|~]")


def to_markdown(sections: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[str]]]) -> str:
    """Sections of pipe tables, each under a heading, ready to paste into a page or a PR."""
    out: list[str] = []
    for title, rows, columns in sections:
        out.append(f"### {md_escape(title)}\n")
        if not rows:
            out.append("_nothing_\n")
            continue
        out.append("| " + " | ".join(md_escape(c) for c in columns) + " |")
        out.append("|" + "|".join(" --- " for _ in columns) + "|")
        out.extend("| " + " | ".join(md_escape(row.get(c)) for c in columns) + " |" for row in rows)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
