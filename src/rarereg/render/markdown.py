"""Markdown to paste into a page, an issue or a pull-request comment.

Data text goes through :func:`rarereg.render.safe.markdown`: no HTML, no markup, no
``@mentions``, one line per cell.
"""

from __future__ import annotations

from typing import Any

from rarereg.render import OutputError, safe
from rarereg.render.document import Tables


def render(doc: Any, _options: Any) -> str:
    """A bold summary line, then one pipe table under a heading per table."""
    if not isinstance(doc, Tables):
        raise OutputError(f"a {type(doc).__name__.lower()} cannot be written as markdown")
    out: list[str] = []
    if doc.summary:
        out.append(f"**{safe.markdown(doc.summary)}**\n")
    for table in doc.tables:
        if table.title:
            out.append(f"### {safe.markdown(table.title)}\n")
        if not table.rows:
            out.append("_nothing_\n")
            continue
        keys = table.all_keys()
        out.append("| " + " | ".join(safe.markdown(k) for k in keys) + " |")
        out.append("|" + "|".join(" --- " for _ in keys) + "|")
        out.extend(
            "| " + " | ".join(safe.markdown(row.get(k)) for k in keys) + " |" for row in table.rows
        )
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
