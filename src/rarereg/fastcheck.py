"""A fast yes/no schema check, so that valid files never pay for jsonschema.

jsonschema's full validation costs about five times the parse of a registry file, and importing
it costs more than starting the tool. Most files are valid, so a small interpreter of the
keywords our schemas use answers "valid?" first; only a file it rejects goes to jsonschema, which
then explains every problem. A parity test holds the two to the same verdict on every rule the
schemas use. A keyword this interpreter does not know makes it answer "not sure", which sends the
file to jsonschema: a schema change can slow it down, never let an invalid file through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urljoin

from rarereg.schemas import ID_BASE, checked_schemas, file_name

Check = Callable[[Any], bool]

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "null": lambda v: v is None,
}
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "errorMessage",
        "$comment",
        "$defs",
        "default",
        "examples",
    }
)


class _Unknown(Exception):
    """A keyword this interpreter does not handle: fall back on jsonschema."""


def _never(_: Any) -> bool:
    return False


@cache
def checker(kind: str) -> Check:
    """A compiled predicate for one kind of file; never True for a document jsonschema rejects."""
    schemas = {s["$id"]: s for s in checked_schemas().values()}
    root = schemas[ID_BASE + file_name(kind)]
    try:
        return _compile(root, root, schemas)
    except _Unknown:
        return _never


def _target(uri: str, base: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> Any:
    return schemas[urljoin(base["$id"], uri)] if uri else base


def _resolve(ref: str, base: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> Any:
    uri, _, pointer = ref.partition("#")
    node: Any = _target(uri, base, schemas)
    for part in filter(None, pointer.split("/")):
        node = node[part]
    return node


def _compile(
    schema: dict[str, Any], base: dict[str, Any], schemas: dict[str, dict[str, Any]]
) -> Check:
    if "$ref" in schema:
        uri = schema["$ref"].partition("#")[0]
        target_base = _target(uri, base, schemas)
        inner = _compile(_resolve(schema["$ref"], base, schemas), target_base, schemas)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        if not set(rest) - _ANNOTATIONS:
            return inner
        outer = _compile(rest, base, schemas)
        return lambda v: inner(v) and outer(v)
    checks: list[Check] = []
    for key, value in schema.items():
        if key in _ANNOTATIONS or key in ("properties", "additionalProperties"):
            continue
        checks.append(_keyword(key, value, schema, base, schemas))
    if "properties" in schema or "additionalProperties" in schema:
        checks.append(_object(schema, base, schemas))

    def run(v: Any) -> bool:
        return all(check(v) for check in checks)

    return run


def _keyword(
    key: str,
    value: Any,
    schema: dict[str, Any],
    base: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
) -> Check:
    if key == "type":
        return _TYPES[value]
    if key == "enum":
        options = list(value)
        return lambda v: any(v == o and type(v) is type(o) for o in options)
    if key == "pattern":
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if key in ("minLength", "maxLength"):
        limit = value
        if key == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= limit
        return lambda v: not isinstance(v, str) or len(v) <= limit
    if key == "minimum":
        return lambda v: not isinstance(v, int | float) or isinstance(v, bool) or v >= value
    if key == "maximum":
        return lambda v: not isinstance(v, int | float) or isinstance(v, bool) or v <= value
    if key == "minItems":
        return lambda v: not isinstance(v, list) or len(v) >= value
    if key == "uniqueItems":
        return _unique if value else (lambda v: True)
    if key == "items":
        item = _compile(value, base, schemas)
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if key == "required":
        names = list(value)
        return lambda v: not isinstance(v, dict) or all(n in v for n in names)
    if key == "dependentRequired":
        deps = {k: list(d) for k, d in value.items()}
        return lambda v: (
            not isinstance(v, dict)
            or all(all(d in v for d in needed) for k, needed in deps.items() if k in v)
        )
    if key == "anyOf":
        options = [_compile(s, base, schemas) for s in value]
        return lambda v: any(o(v) for o in options)
    raise _Unknown(key)


def _unique(v: Any) -> bool:
    if not isinstance(v, list):
        return True
    # Scalars by (type, value) in a set: linear, so 99,000 aliases take no time. JSON
    # equality: 1 and True differ, as do 1 and "1". Lists and mappings, rare, pairwise.
    scalars: set[tuple[type, Any]] = set()
    others: list[Any] = []
    for item in v:
        if isinstance(item, str | int | float | bool) or item is None:
            key = (type(item), item)
            if key in scalars:
                return False
            scalars.add(key)
        elif any(item == s and type(item) is type(s) for s in others):
            return False
        else:
            others.append(item)
    return True


def _object(
    schema: dict[str, Any], base: dict[str, Any], schemas: dict[str, dict[str, Any]]
) -> Check:
    props = {k: _compile(s, base, schemas) for k, s in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties", True)
    if extra not in (True, False):
        raise _Unknown("additionalProperties schema")

    def run(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for key, item in v.items():
            check = props.get(key)
            if check is None:
                if extra is False:
                    return False
            elif not check(item):
                return False
        return True

    return run
