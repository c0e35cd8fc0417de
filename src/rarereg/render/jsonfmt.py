"""JSON: indented, UTF-8 text as is, stable keys, ending in a newline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rarereg.render import OutputError, safe
from rarereg.render.document import Findings, Record, Tables


def dumps(data: Any) -> str:
    """Indented JSON text ending in a newline; characters that could act on a terminal escaped."""
    text = _tables(data)
    if text is None:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=_plain)
    return safe.json_text(text) + "\n"


_SCALARS = (str, int, float, bool, type(None))


def _plain_value(value: Any) -> bool:
    return type(value) in _SCALARS or (
        type(value) is list and all(type(v) in _SCALARS for v in value)
    )


def _flat_rows(value: Any) -> bool:
    return type(value) is list and all(
        type(row) is dict and row and all(_plain_value(v) for v in row.values()) for row in value
    )


class _Shape(Exception):
    """A value this writer does not lay out like json.dumps: leave it to json.dumps."""


def _tables(data: Any) -> str | None:
    """What ``json.dumps(data, indent=2)`` gives for rows of plain values, with the C encoder.

    Python's encoder runs in Python as soon as ``indent`` is set: 0.3 s for 18,000 rows. Rows
    of plain values (and lists of them) need no indentation inside values, so separators can
    carry the line breaks. None for any other shape.
    """
    try:
        if type(data) is list and data and _flat_rows(data):
            return _rows(data, "")
        if (
            type(data) is dict
            and data
            and all(type(k) is str and _flat_rows(v) for k, v in data.items())
        ):
            key = json.JSONEncoder(ensure_ascii=False).encode
            parts = [f"  {key(k)}: {_rows(v, '  ')}" for k, v in data.items()]
            return "{\n" + ",\n".join(parts) + "\n}"
    except _Shape:
        pass
    return None


def _rows(rows: list[dict[str, Any]], indent: str) -> str:
    if not rows:
        return "[]"
    inner = indent + "    "
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",\n" + inner, ": ")).encode
    items = json.JSONEncoder(ensure_ascii=False, separators=(",\n" + inner + "  ", ": ")).encode
    body = ",\n".join(
        f"{indent}  {{\n{inner}{_row(row, inner, encode, items)}\n{indent}  }}" for row in rows
    )
    return f"[\n{body}\n{indent}]"


def _row(row: dict[str, Any], inner: str, encode: Any, items: Any) -> str:
    """One row's members; a list value is put in its place by a marker (a NUL no text holds)."""
    lists = [v for v in row.values() if type(v) is list]
    if not lists:
        return str(encode(row)[1:-1])
    marked = {k: (f"\0{n}\0" if type(v) is list else v) for n, (k, v) in enumerate(row.items())}
    text: str = encode(marked)[1:-1]
    if text.count("\\u0000") != 2 * len(lists):
        raise _Shape  # a text of the row holds a NUL itself
    for n, value in enumerate(row.values()):
        if type(value) is list:
            laid = f"[\n{inner}  {items(value)[1:-1]}\n{inner}]" if value else "[]"
            text = text.replace(f'"\\u0000{n}\\u0000"', laid, 1)
    return text


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
