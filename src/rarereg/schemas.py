r"""The JSON Schemas: loading them once, checking files, and turning errors into findings.

The verdict comes from a compiled validator (jsonschema-rs) when its wheel is installed: under a
microsecond per file. python-jsonschema only words the errors of the files it rejects (and is the
whole check when the compiled validator is missing). Both read ``pattern`` as ECMA-262 regular
expressions, as the JSON Schema specification says: ``$`` is the end of the text (a trailing
newline does not slip past it) and ``\\s`` is JavaScript's set of white space. A parity test
holds the two to the same verdict.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from rarereg.document import PathKey, YamlDoc
from rarereg.findings import Finding, error
from rarereg.resources import data_dir

KINDS = ("hospital", "network", "campaign", "centre")
"""Kinds of registry file, each with a schema ``schemas/<kind>.schema.json``."""

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


def schema_dir() -> Path:
    """Folder holding the schema files (bundled in the wheel, or the checkout's ``schemas/``)."""
    return data_dir("schemas")


ID_BASE = "https://rarereg.invalid/schemas/"
"""Base of the ``$id`` each schema gets in memory (``.invalid``: never fetched).

The files carry no ``$id``: they point at each other by file name
(``common.schema.json#/$defs/slug``), which editors and check-jsonschema resolve from the
schema file's own place. In memory each gets ``ID_BASE`` + its file name, so that the same
relative references resolve in every validator, without reading another file.
"""


def file_name(name: str) -> str:
    """``centre`` → ``centre.schema.json``: the name other schemas' ``$ref`` use for it."""
    return f"{name}.schema.json"


@cache
def raw_schemas() -> dict[str, dict[str, Any]]:
    """Every schema file's content, by kind (and 'common'), read once, ``$id`` added."""
    folder = schema_dir()
    out = {}
    for path in sorted(folder.glob("*.schema.json")):
        name = path.name.removesuffix(".schema.json")
        content = json.loads(path.read_text(encoding="utf-8"))
        out[name] = {"$id": ID_BASE + file_name(name), **content}
    return out


def ecma_pattern(pattern: str) -> str:
    r"""A JSON Schema pattern for Python's ``re.search`` with ECMA-262 meaning.

    ``$`` outside a character class becomes ``\Z`` (in Python it also matches before a final
    line break, which would let ``"760780238\n"`` pass a FINESS pattern), and ``\s``, ``\d``,
    ``\w`` and ``.`` get JavaScript's sets: see :mod:`rarereg.ecma`.
    """
    from rarereg.ecma import translate

    return translate(pattern)


@cache
def schema_fingerprint() -> str:
    """A digest of the schema files' names, sizes and times, to key caches on.

    A changed schema changes the key. No schema is read or hashed for it, so a query served from
    the cache does not pay for the schemas at all.
    """
    import os

    from rarereg.digests import blake2b

    digest = blake2b(digest_size=8)
    for path in sorted(schema_dir().glob("*.schema.json")):
        st = os.stat(path)  # noqa: PTH116 - one call for size and time
        digest.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@cache
def validator(kind: str) -> Any:
    """python-jsonschema's validator for one kind of file (ECMA-262 patterns), built once."""
    from jsonschema import Draft202012Validator, validators
    from referencing import Registry, Resource

    from rarereg.ecma import pattern_keyword

    raw = raw_schemas()
    resources = [(s["$id"], Resource.from_contents(s)) for s in raw.values()]
    registry: Registry[Any] = Registry().with_resources(resources)
    cls = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": pattern_keyword}
    )
    return cls(raw[kind], registry=registry)


@cache
def compiled_validator(kind: str) -> Any | None:
    """jsonschema-rs's validator for one kind of file, or None when its wheel is missing."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    raw = raw_schemas()
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in raw.values()])
    return jsonschema_rs.Draft202012Validator(raw[kind], registry=registry)


def is_valid(kind: str, data: Any) -> bool:
    """The verdict on one document: compiled when possible, else python-jsonschema's."""
    compiled = compiled_validator(kind)
    if compiled is not None:
        return bool(compiled.is_valid(data))
    return bool(validator(kind).is_valid(data))


def bundled(kind: str) -> dict[str, Any]:
    """One kind's schema made self-contained: the shared definitions copied into ``$defs``.

    It validates on its own, with no other file: for editors, check-jsonschema, other tools.
    """
    import copy

    raw = raw_schemas()
    prefix = file_name("common") + "#"

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (
                    "#" + v[len(prefix) :]
                    if k == "$ref" and isinstance(v, str) and v.startswith(prefix)
                    else inline(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [inline(x) for x in node]
        return node

    schema = inline(copy.deepcopy(raw[kind]))
    assert isinstance(schema, dict)
    del schema["$id"]  # the in-memory one: the bundled copy is fetched from nowhere
    shared = copy.deepcopy(raw["common"]["$defs"])
    clash = set(shared) & set(schema.get("$defs", {}))
    if clash:  # pragma: no cover - a schema author's mistake, caught by the tests
        raise ValueError(f"{kind} schema redefines shared $defs: {sorted(clash)}")
    schema["$defs"] = {**schema.get("$defs", {}), **shared}
    return schema


def check(kind: str, doc: YamlDoc, path: str) -> list[Finding]:
    """Validate one parsed document against its kind's schema.

    Most files are valid and cost one compiled check; jsonschema explains the others.
    """
    if is_valid(kind, doc.data):
        return []
    findings: list[Finding] = []
    seen: set[tuple[int, int, str]] = set()
    for err in validator(kind).iter_errors(doc.data):
        for finding in _to_findings(err, doc, path):
            key = (finding.line, finding.col, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return findings or _compiled_findings(kind, doc, path)


def _compiled_findings(kind: str, doc: YamlDoc, path: str) -> list[Finding]:
    """The compiled validator's own words, should python-jsonschema ever find nothing to say.

    The parity test keeps the two in agreement; this keeps a rejected file from passing silently
    if a future schema or library version makes them differ.
    """
    compiled = compiled_validator(kind)
    errors = [] if compiled is None else list(compiled.iter_errors(doc.data))
    if not errors:
        return [error(path, (1, 1), "schema", "does not match its schema")]
    return [
        error(
            path,
            doc.pos(tuple(err.instance_path)),
            "schema",
            f"{field_label(tuple(err.instance_path))}: {err.message}",
        )
        for err in errors
    ]


def field_label(path: PathKey) -> str:
    """``('sites', 0, 'hospital')`` → ``sites[0].hospital``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


def _to_findings(err: Any, doc: YamlDoc, path: str) -> Iterator[Finding]:
    where: PathKey = tuple(err.absolute_path)
    label = field_label(where)
    validator_name = err.validator
    instance = err.instance
    if validator_name == "additionalProperties" and isinstance(instance, dict):
        allowed = list(err.schema.get("properties", {}))
        for extra in sorted(set(instance) - set(allowed)):
            hint = _closest(extra, allowed)
            where_text = "" if not where else f" in {label}"
            msg = f"unknown field '{extra}'{where_text}{hint}; allowed: {', '.join(allowed)}"
            yield error(path, doc.key_pos((*where, extra)), "schema", msg)
        return
    if validator_name == "required" and isinstance(instance, dict):
        for name in err.validator_value:
            if name not in instance:
                target = "" if not where else f" in {label}"
                yield error(
                    path, doc.pos(where), "schema", f"missing required field '{name}'{target}"
                )
        return
    yield error(path, doc.pos(where), "schema", f"{label}: {_describe(err)}")


def _describe(err: Any) -> str:
    name = err.validator
    value = err.instance
    custom = err.schema.get("errorMessage") if isinstance(err.schema, dict) else None
    if name == "type":
        wanted = err.validator_value
        words = _TYPE_WORDS.get(wanted, wanted) if isinstance(wanted, str) else "another type"
        got = _kind_of(value)
        if wanted == "string" and isinstance(value, int | float | bool):
            return (
                f"expected {words}, got {got} {_yaml_repr(value)}; quote it: '{_yaml_repr(value)}'"
            )
        return f"expected {words}, got {got}"
    if name == "enum":
        options = [str(o) for o in err.validator_value]
        hint = _closest(str(value), options) if isinstance(value, str) else ""
        return f"{value!r} is not one of: {', '.join(options)}{hint}"
    if name == "dependentRequired":
        missing = [d for deps in err.validator_value.values() for d in deps if d not in value]
        return f"needs '{missing[0] if missing else '?'}' too; {custom or 'see the schema'}"
    if name in ("minLength", "pattern") and err.validator_value in (1, "\\S"):
        return "must not be empty"
    if name == "uniqueItems":
        return "has the same item twice; remove the repeat"
    if name == "minItems" and err.validator_value == 1:
        return custom or "must not be empty"
    if name in ("minimum", "maxLength", "maxItems", "maximum"):
        return err.message  # type: ignore[no-any-return]
    if custom:
        shown = f"{value!r} " if isinstance(value, str | int) else ""
        return f"{shown}is not {custom}"
    return err.message  # type: ignore[no-any-return]


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def _yaml_repr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _closest(word: str, options: list[str]) -> str:
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
