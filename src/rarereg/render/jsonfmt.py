"""JSON: indented, UTF-8 text as is, stable keys, ending in a newline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rarereg.render import OutputError, safe
from rarereg.render.document import Findings, Record, Tables


def dumps(data: Any) -> str:
    """Indented JSON text ending in a newline; characters that could act on a terminal escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_plain)
    return safe.json_text(text) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def render(doc: Any, _options: Any) -> str:
    """Tables, a record or findings as JSON."""
    if isinstance(doc, Tables):
        return dumps(doc.payload())
    if isinstance(doc, Record):
        return dumps(dict(doc.view))
    if isinstance(doc, Findings):
        report = doc.report
        return dumps(
            {
                "registry": str(report.root),
                "files": report.files,
                "errors": report.errors,
                "warnings": report.warnings,
                "ok": not report.failed(strict=doc.strict),
                "findings": [f.as_dict() for f in report.findings],
            }
        )
    raise OutputError(f"a {type(doc).__name__.lower()} cannot be written as json")
