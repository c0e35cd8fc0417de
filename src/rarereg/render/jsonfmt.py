"""JSON: indented, UTF-8 text as is, stable keys, ending in a newline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rarereg.render import OutputError, safe
from rarereg.render.document import Findings, Record, Tables

_text = json.encoder.encode_basestring  # the C escaper json.dumps uses with ensure_ascii=False


def dumps(data: Any) -> str:
    """Indented JSON text ending in a newline; characters that could act on a terminal escaped."""
    text = _tables(data)
    if text is None:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=_plain)
    return safe.json_text(text) + "\n"


class _Shape(Exception):
    """A value this writer does not lay out like json.dumps: leave it to json.dumps."""


def _tables(data: Any) -> str | None:
    """What ``json.dumps(data, indent=2)`` gives for rows of plain values, with the C encoder.

    Python's encoder runs in Python as soon as ``indent`` is set, a generator step per token:
    0.19 s for 18,000 rows of ``expiring``. Rows of plain values (and lists of them) are laid out
    here a member at a time, text escaped by the C escaper: 0.09 s. A test holds the two to the
    same text. None for any other shape.
    """
    try:
        if type(data) is list and data:
            return _rows(data, "")
        if type(data) is dict and data and all(type(k) is str for k in data):
            # Tables by name, and plain values beside them (a report's date, say).
            parts = [
                f"  {_text(k)}: {_rows(v, '  ') if type(v) is list else _scalar(v)}"
                for k, v in data.items()
            ]
            return "{\n" + ",\n".join(parts) + "\n}"
    except _Shape:
        pass
    return None


def _rows(rows: list[dict[str, Any]], indent: str) -> str:
    if not rows:
        return "[]"
    inner = indent + "    "
    deeper = inner + "  "
    keys: dict[str, str] = {}
    out = []
    for row in rows:
        if type(row) is not dict or not row:
            raise _Shape  # json.dumps writes an empty row as {}: left to it
        members = []
        for key, value in row.items():
            head = keys.get(key)
            if head is None:
                if type(key) is not str:
                    raise _Shape
                head = keys[key] = f"{inner}{_text(key)}: "
            if type(value) is list:
                if value:
                    items = f",\n{deeper}".join(map(_scalar, value))
                    members.append(f"{head}[\n{deeper}{items}\n{inner}]")
                else:
                    members.append(head + "[]")
            else:
                members.append(head + _scalar(value))
        out.append(f"{indent}  {{\n" + ",\n".join(members) + f"\n{indent}  }}")
    return "[\n" + ",\n".join(out) + f"\n{indent}]"


def _scalar(value: Any) -> str:
    """A scalar as json.dumps writes it (floats, rare here, are left to it)."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return json.dumps(value)
    raise _Shape


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
