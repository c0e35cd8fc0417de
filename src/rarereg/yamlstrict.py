"""A strict YAML reader: libyaml's C parser for events, our own rules for values.

PyYAML's defaults lose data silently (``no`` becomes False, ``010780054`` a
number, a repeated key overwrites the first), allow anchors and aliases (memory
bombs), and libyaml's C composer recurses on nesting until the process dies.
So we take only the *event* stream from the C parser, which does not recurse,
and build plain values ourselves with an explicit stack: bounded depth, no
aliases, no tags, no duplicate keys, and the position of every key and value.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from rarereg.document import MAX_BYTES, PathKey, Pos, YamlDoc
from rarereg.findings import Finding, error, warning

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "PathKey",
    "Pos",
    "YamlDoc",
    "decode",
    "needs_quotes",
    "parse_bytes",
    "parse_text",
]

MAX_DEPTH = 64
"""Registry files nest five levels at most; libyaml's composer dies near 30,000."""
MAX_NODES = 100_000
"""Bounds the work per file whatever its shape."""


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
MAX_INT_CHARACTERS = 4000
"""Longer integers are not converted: Python refuses over 4,300 digits (quadratic time)."""
_EXACT_INT = 2**53 - 1
"""The largest integer JavaScript and many JSON readers hold exactly; beyond it they round."""
_EXACT_DIGITS = 15
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)\Z")
# Plain scalars that YAML 1.1 readers (PyYAML's default, Ruby, many editors'
# tooling) turn into booleans or numbers. We keep them as the text written and
# warn, so that every reader of the registry agrees on the value.
_YAML11_BOOL = re.compile(r"(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)\Z")
_YAML11_NUMBER = re.compile(
    r"[-+]?(?:0[0-9_]+|0[xob][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[0-9]+_[0-9_]*|\.(?:inf|Inf|INF|nan|NaN|NAN))\Z"
)
_PLAIN_STYLES = (None, "")
# U+2028 and U+2029 and the zero-width characters are not controls, but as invisible as one in
# a value: "CHU<U+200B> Lille" looks like "CHU Lille" and is another text.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\u2028\u2029"
# Line breaks to YAML 1.1 readers (PyYAML) and not to YAML 1.2 ones: `name: A<U+2028>city: B`
# is two keys to the first and one name to the others.
_ODD_BREAK = re.compile("[\x85\u2028\u2029]")
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_HIDDEN = re.compile(f"[{_CONTROL}{_BIDI}\ufeff]")
_HIDDEN_CODES = (
    (re.compile(f"[{_CONTROL}]"), "control-character", "a control character"),
    (re.compile(f"[{_BIDI}]"), "bidi-control", "a bidirectional control"),
    (re.compile("\ufeff"), "stray-bom", "a byte-order mark"),
)
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# YAML 1.1 timestamps: other readers turn these into dates or datetimes when unquoted.
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t].*)?\Z")


def needs_quotes(text: str) -> bool:
    """True when ``text``, written unquoted, would be read as something else than this text.

    By this reader (null, boolean, number) or by YAML 1.1 readers (``no``, ``010``, dates):
    the writers quote such text, so that every reader agrees on it.
    """
    return bool(
        text in _NULLS
        or text in _BOOLS
        or _INT.match(text)
        or _FLOAT.match(text)
        or _YAML11_BOOL.match(text)
        or _YAML11_NUMBER.match(text)
        or _TIMESTAMP.match(text)
    )


class _Stop(Exception):
    """Internal: a problem after which the file cannot be read further."""

    def __init__(self, pos: Pos, code: str, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.code = code
        self.message = message


def _mark(m: Any) -> Pos:
    return (m.line + 1, m.column + 1)


def _position_of_offset(raw: bytes, offset: int) -> Pos:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return (raw.count(b"\n", 0, offset) + 1, offset - line_start + 1)


def decode(raw: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """Decode UTF-8 strictly; a BOM is dropped with a warning."""
    if b"\x00" in raw:
        pos = _position_of_offset(raw, raw.index(b"\x00"))
        return None, [error(path, pos, "encoding", "binary file (NUL byte): not a YAML text file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        pos = _position_of_offset(raw, exc.start)
        msg = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        return None, [error(path, pos, "encoding", msg)]
    findings: list[Finding] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        findings.append(
            warning(path, (1, 1), "bom", "file starts with a byte-order mark; remove it")
        )
    return text, findings


def parse_bytes(raw: bytes, path: str) -> tuple[YamlDoc | None, list[Finding]]:
    """Parse one registry file's bytes: a mapping with positions, and findings."""
    if len(raw) > MAX_BYTES:
        msg = f"file is {len(raw)} bytes, over the {MAX_BYTES}-byte limit for a registry file"
        return None, [error(path, (1, 1), "file-too-large", msg)]
    text, findings = decode(raw, path)
    if text is None:
        return None, findings
    odd = _ODD_BREAK.search(text)
    if odd is not None:
        char = odd.group()
        where = _position_of_offset(raw, len(text[: odd.start()].encode()))
        findings.append(
            error(
                path,
                where,
                "control-character",
                f"U+{ord(char):04X} {unicodedata.name(char, 'NEXT LINE')}: a line break to some "
                f"YAML readers and not to others, so they read different values; use a plain "
                f"line break or remove it",
            )
        )
    doc, more = parse_text(text, path)
    return doc, findings + more


def parse_text(text: str, path: str, loader: Any = None) -> tuple[YamlDoc | None, list[Finding]]:
    """Parse YAML text into a :class:`YamlDoc`; problems come back as findings."""
    builder = _Builder(text, path, loader or _LOADER)
    try:
        doc = builder.run()
    except _Stop as stop:
        return None, [*builder.findings, error(path, stop.pos, stop.code, stop.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _mark(mark) if mark is not None else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem and loader is None:
            # libyaml 0.2.5 and later stop deep nesting themselves, ahead of our own limit and
            # at a place that depends on the version: the pure-Python parser, which has no
            # limit of its own, finds where ours is crossed, the same with every libyaml.
            return parse_text(text, path, yaml.SafeLoader)
        hint = "; indent with spaces, not tabs" if "tab" in problem else ""
        return None, [error(path, pos, "yaml-syntax", f"invalid YAML: {problem}{hint}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, by its offset
        where = _position_of_offset(text.encode(), len(text[: exc.position].encode()))
        char = exc.character if isinstance(exc.character, int) else 0
        msg = f"invalid YAML: character U+{char:04X} is not allowed in YAML text"
        return None, [error(path, where, "yaml-syntax", msg)]
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        return None, [error(path, (1, 1), "yaml-syntax", f"invalid YAML: {first}")]
    return doc, builder.findings


class _Builder:
    """Builds plain values from libyaml events with an explicit stack."""

    def __init__(self, text: str, path: str, loader: Any) -> None:
        self.loader = loader
        self.text = text
        self.path = path
        self.findings: list[Finding] = []
        self.values: dict[PathKey, Pos] = {}
        self.keys: dict[PathKey, Pos] = {}
        self._lines: list[str] | None = None
        self._check_comments = "#" in text
        # Escapes (\\u202e) can put in a value what the text does not show.
        self._check_hidden = "\\" in text or _HIDDEN.search(text) is not None

    def run(self) -> YamlDoc:
        parser = self.loader(self.text)
        try:
            root = self._consume(parser)
        finally:
            parser.dispose()
        if root is _EMPTY:
            raise _Stop((1, 1), "empty-file", "file holds no YAML document; it should be a mapping")
        if not isinstance(root, dict):
            kind = "a list" if isinstance(root, list) else "a single value"
            raise _Stop(
                (1, 1), "not-a-mapping", f"top level is {kind}; it must be a mapping of keys"
            )
        return YamlDoc(root, self.values, self.keys)

    def _consume(self, parser: Any) -> Any:
        # Each frame: [container, path, pending key or _NO_KEY, keep value?]
        stack: list[list[Any]] = []
        root: Any = _EMPTY
        documents = 0
        nodes = 0
        while parser.check_event():
            ev = parser.get_event()
            cls = type(ev)
            if cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Stop(
                        _mark(ev.start_mark),
                        "multiple-documents",
                        "more than one YAML document; a registry file holds one",
                    )
                continue
            if cls not in _NODE_EVENTS:
                if cls in _END_EVENTS:
                    finished = stack.pop()
                    if not stack:
                        root = finished[0]
                    else:
                        self._attach(stack[-1], finished[0], finished[1])
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise _Stop(
                    _mark(ev.start_mark), "too-large", f"more than {MAX_NODES} values in one file"
                )
            self._refuse_extras(ev)
            frame = stack[-1] if stack else None
            if frame is not None and frame[2] is _NO_KEY and isinstance(frame[0], dict):
                self._take_key(frame, ev)
                continue
            child_path = self._child_path(frame)
            pos = _mark(ev.start_mark)
            self.values[child_path] = pos
            if cls is yaml.ScalarEvent:
                value = self._scalar(ev)
                if frame is None:
                    root = value
                else:
                    self._attach(frame, value, child_path)
                continue
            if len(stack) >= MAX_DEPTH:
                raise _Stop(pos, "too-deep", f"nested more than {MAX_DEPTH} levels deep")
            container: Any = {} if cls is yaml.MappingStartEvent else []
            stack.append([container, child_path, _NO_KEY, True])
        return root

    def _refuse_extras(self, ev: Any) -> None:
        if type(ev) is yaml.AliasEvent:
            raise _Stop(
                _mark(ev.start_mark),
                "yaml-alias",
                f"alias *{ev.anchor} is not allowed; write the value out in full",
            )
        if ev.anchor is not None:
            raise _Stop(
                _mark(ev.start_mark),
                "yaml-anchor",
                f"anchor &{ev.anchor} is not allowed; write values out in full",
            )
        if ev.tag is not None and ev.tag != "!":
            raise _Stop(
                _mark(ev.start_mark),
                "yaml-tag",
                f"tag {ev.tag} is not allowed; quote the value if it is text",
            )

    def _take_key(self, frame: list[Any], ev: Any) -> None:
        pos = _mark(ev.start_mark)
        if type(ev) is not yaml.ScalarEvent:
            raise _Stop(pos, "complex-key", "a mapping key must be plain text")
        key = ev.value
        if self._check_hidden:
            self._hidden(ev)
        mapping: dict[str, Any] = frame[0]
        key_path = (*frame[1], key)
        if key in mapping:
            first = self.keys.get(key_path, pos)
            self.findings.append(
                error(
                    self.path,
                    pos,
                    "duplicate-key",
                    f"duplicate key '{key}' (first at line {first[0]}); keep one of them",
                )
            )
            frame[3] = False
        else:
            frame[3] = True
            self.keys[key_path] = pos
        frame[2] = key

    def _child_path(self, frame: list[Any] | None) -> PathKey:
        if frame is None:
            return ()
        if isinstance(frame[0], dict):
            key: str | int = frame[2]
        else:
            key = len(frame[0])
        return (*frame[1], key)

    def _attach(self, frame: list[Any], value: Any, path: PathKey) -> None:
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
            return
        if frame[3]:
            container[frame[2]] = value
        frame[2] = _NO_KEY

    def _hidden(self, ev: Any) -> None:
        """Characters that make a value look other than it is: one finding per kind."""
        value: str = ev.value
        if _HIDDEN.search(value) is None:
            return
        for pattern, code, what in _HIDDEN_CODES:
            found = pattern.search(value)
            if found is not None:
                char = found.group()
                name = unicodedata.name(char, "")
                label = f"U+{ord(char):04X}" + (f" {name}" if name else "")
                self.findings.append(
                    error(
                        self.path,
                        _mark(ev.start_mark),
                        code,
                        f"'{value.encode('unicode_escape').decode()}' holds {what} ({label}), "
                        f"invisible or misleading when shown; remove it",
                    )
                )

    def _scalar(self, ev: Any) -> Any:
        value: str = ev.value
        if self._check_hidden:
            self._hidden(ev)
        if ev.style not in _PLAIN_STYLES:
            return value
        if self._check_comments:
            self._check_trailing_comment(ev)
        if value in _NULLS:
            return None
        if value in _BOOLS:
            return _BOOLS[value]
        if _INT.match(value):
            if len(value) > _EXACT_DIGITS and (
                len(value) > MAX_INT_CHARACTERS or abs(int(value)) > _EXACT_INT
            ):
                return self._too_long_number(ev)
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        if _YAML11_BOOL.match(value) or _YAML11_NUMBER.match(value):
            self.findings.append(
                error(
                    self.path,
                    _mark(ev.start_mark),
                    "ambiguous-value",
                    f"unquoted {value} is read as the text '{value}', but other YAML readers "
                    f"take it for a boolean or number; quote it: '{value}'",
                )
            )
        return value

    def _too_long_number(self, ev: Any) -> str:
        """An integer too long to convert: kept as its text, and reported."""
        value: str = ev.value
        self.findings.append(
            error(
                self.path,
                _mark(ev.start_mark),
                "ambiguous-value",
                f"unquoted {value[:12]}… is a number of {len(value)} digits, which some YAML "
                f"readers refuse and others round (past 2^53); quote it if it is text",
            )
        )
        return value

    def _check_trailing_comment(self, ev: Any) -> None:
        """Warn when `a #b` silently cut a plain value at ' #'."""
        if self._lines is None:
            # The line breaks libyaml knows, so that its line numbers index these lines.
            self._lines = _LINE_BREAKS.split(self.text)
        end = ev.end_mark
        if end.line >= len(self._lines):
            return
        rest = self._lines[end.line][end.column :]
        stripped = rest.lstrip(" \t")
        if stripped.startswith("#") and len(stripped) > 1 and stripped[1] not in " \t#":
            cut = stripped.rstrip()
            self.findings.append(
                error(
                    self.path,
                    _mark(ev.start_mark),
                    "comment-in-value",
                    f"'{ev.value}' is followed by '{cut}', which YAML reads as a comment; "
                    f"quote the value if the rest belongs to it",
                )
            )


# PyYAML built without libyaml has no C loader: its pure-Python parser gives the same events,
# slower. Only the parser is used, never a composer, so neither recurses on nesting.
_LOADER: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_EMPTY = object()
_NO_KEY = object()
_NODE_EVENTS = frozenset(
    {yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent}
)
_END_EVENTS = frozenset({yaml.MappingEndEvent, yaml.SequenceEndEvent})
