"""Findings as text lines, ``path:line:col: severity[code] message``, then a summary line.

Paths and messages come from the registry (a file name, a key): they pass through
:func:`rarereg.render.safe.terminal`, so a newline in a file name cannot forge a finding line.
"""

from __future__ import annotations

from typing import Any

from rarereg.render import OutputError, safe
from rarereg.render.document import Findings


def render(doc: Any, _options: Any) -> str:
    """One line per finding, then the summary."""
    if not isinstance(doc, Findings):
        raise OutputError(f"a {type(doc).__name__.lower()} cannot be written as text")
    lines = [
        f"{safe.terminal(f.path)}:{f.line}:{f.col}: {f.severity.value}"
        f"[{safe.terminal(f.code)}] {safe.terminal(f.message)}"
        for f in doc.report.findings
    ]
    lines.append(summary(doc))
    return "\n".join(lines) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def summary(doc: Findings) -> str:
    """A one-line count of what was checked and found."""
    report = doc.report
    files = _plural(report.files, "file")
    if not report.findings:
        return f"ok: {files} checked, no problems"
    counts = f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}"
    return f"{counts} in {files} checked"
