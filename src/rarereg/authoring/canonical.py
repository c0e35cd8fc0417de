"""One canonical way to write a registry file, comments kept.

The canonical form is the one the registry's files are written in: keys in the order of the
schema's ``properties``, block lists not indented under their key, codes and dates in single
quotes (and any text another YAML reader would take for a number, boolean, date or null), other
text quoted only where YAML needs it, lines never wrapped, one final newline.

The *values* always come from the strict reader (:mod:`rarereg.yamlstrict`), never from
ruamel.yaml, whose YAML 1.2 rules read ``010780054`` as a number: ruamel only carries the
comments and block-scalar styles across. After writing, the text is read back with the strict
reader and must give the same data, so formatting can never change a value.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urljoin

from rarereg.findings import Finding, Severity, error
from rarereg.schemas import ID_BASE, file_name, raw_schemas

FORM_ONLY = frozenset({"ambiguous-value", "comment-in-value"})
"""Reader errors about how a value is written, not what it is: formatting still runs.

An ambiguous value comes out quoted, which fixes it; a comment that cut a value stays a
comment, as it was read (validate keeps saying so until someone decides).
"""
WIDTH = 1_000_000
"""Never wrap: a long note stays on one line, as in the registry's files."""


@dataclass(frozen=True, slots=True)
class Shape:
    """What the schema says about one value: key order, and whether it is a code or date."""

    order: tuple[str, ...] = ()
    props: dict[str, Shape] = field(default_factory=dict)
    items: Shape | None = None
    code: bool = False

    def child(self, key: str | int) -> Shape:
        """The shape of a key's value or a list's item (an empty shape when unknown)."""
        if isinstance(key, int):
            return self.items or _EMPTY
        return self.props.get(key, _EMPTY)


_EMPTY = Shape()


class FormatError(Exception):
    """The text cannot be written canonically without risk to its meaning."""


@cache
def shape(kind: str) -> Shape:
    """The shape of one kind of file, from its schema."""
    schemas = {s["$id"]: s for s in raw_schemas().values()}
    root = schemas[ID_BASE + file_name(kind)]
    return _shape(root, root, schemas, 0)


def _shape(
    node: dict[str, Any], base: dict[str, Any], schemas: dict[str, Any], depth: int
) -> Shape:
    if depth > 20:  # a schema that refers to itself: stop, the order of deeper keys is kept
        return _EMPTY
    if "$ref" in node:
        uri, _, pointer = node["$ref"].partition("#")
        target_base = schemas[urljoin(base["$id"], uri)] if uri else base
        target: Any = target_base
        for part in filter(None, pointer.split("/")):
            target = target[part]
        return _shape(target, target_base, schemas, depth + 1)
    props = node.get("properties", {})
    items = node.get("items")
    pattern = node.get("pattern", "")
    return Shape(
        order=tuple(props),
        props={k: _shape(v, base, schemas, depth + 1) for k, v in props.items()},
        items=_shape(items, base, schemas, depth + 1) if isinstance(items, dict) else None,
        # codes and dates (FINESS, YYYY-MM-DD, a year): patterns that start with a digit
        code=isinstance(pattern, str) and pattern.startswith(("^[0-9]", "^(?:[0-9]")),
    )


def read(raw: bytes, kind: str, shown: str) -> tuple[Any, list[Finding]]:
    """A file's content as a canonical ruamel tree (comments kept), or the errors against it.

    Files the strict reader rejects (bad YAML, duplicate keys, anchors, tags) are not touched:
    the errors come back and the tree is None.
    """
    from rarereg.yamlstrict import parse_bytes

    doc, findings = parse_bytes(raw, shown)
    errors = [f for f in findings if f.severity is Severity.ERROR and f.code not in FORM_ONLY]
    if doc is None or errors:
        return None, errors
    text = raw.decode("utf-8").removeprefix("\ufeff")
    try:
        node = _yaml().load(text)
    except Exception as exc:  # ruamel's errors share no useful base; the message is shown
        return None, [error(shown, (1, 1), "fmt-unreadable", f"cannot be rewritten: {exc}")]
    try:
        return _convert(node, doc.data, shape(kind)), []
    except FormatError as exc:
        return None, [error(shown, (1, 1), "fmt-unreadable", str(exc))]


def render(tree: Any, kind: str, shown: str = "<text>") -> str:
    """Canonical text for a tree from :func:`read` (edited or not) or for plain data."""
    canonical = _convert(tree, plain(tree), shape(kind))
    text = _dump(canonical)
    _check_same(text, plain(canonical), shown)
    return text


def format_bytes(raw: bytes, kind: str, shown: str) -> tuple[str | None, list[Finding]]:
    """A file's canonical text, or the errors that keep it from being formatted."""
    tree, errors = read(raw, kind, shown)
    if tree is None:
        return None, errors
    try:
        text = render(tree, kind, shown)
        _check_comments_kept(raw.decode("utf-8"), text)
        return text, []
    except FormatError as exc:
        return None, [error(shown, (1, 1), "fmt-unreadable", str(exc))]


def plain(value: Any) -> Any:
    """A ruamel tree as plain dicts, lists, str, int, float, bool and None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    raise FormatError(f"cannot write a value of type {type(value).__name__}")


def _convert(node: Any, value: Any, where: Shape) -> Any:
    """``value`` (plain data) in canonical order and quoting, carrying ``node``'s comments."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        old = list(node.items()) if isinstance(node, dict) else [(k, None) for k in value]
        if len(old) != len(value):
            raise FormatError("the file's keys are read differently by the YAML writer")
        rank = {k: i for i, k in enumerate(where.order)}
        pairs = sorted(
            zip(old, value.items(), strict=True),
            key=lambda p: rank.get(p[1][0], len(rank)),  # stable: unknown keys keep their order
        )
        out = CommentedMap()
        for (_, old_value), (key, item) in pairs:
            out[key] = _convert(old_value, item, where.child(key))
        if isinstance(node, CommentedMap):
            renamed = {old_key: key for (old_key, _), key in zip(old, value, strict=True)}
            _carry_comments(node, out, renamed)
            _move_line_comments([renamed[k] for k, _ in old], list(out), out)
        return out
    if isinstance(value, list):
        olds = list(node) if isinstance(node, list) and len(node) == len(value) else []
        seq = CommentedSeq(
            _convert(olds[i] if olds else None, item, where.child(i))
            for i, item in enumerate(value)
        )
        if isinstance(node, CommentedSeq) and olds:
            _carry_comments(node, seq, None)
        return seq
    if isinstance(value, str):
        return _text(node, value, where.code)
    if where.code and isinstance(value, int) and not isinstance(value, bool):
        # finess: 590780193 or labelled_since: 2006 unquoted, read as a number: the fix
        # validate asks for is the same digits quoted
        return _text(node, str(value), code=True)
    return value


def _text(node: Any, value: str, code: bool) -> Any:
    from ruamel.yaml.scalarstring import (
        FoldedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    from rarereg.yamlstrict import needs_quotes

    if code or needs_quotes(value):
        return SingleQuotedScalarString(value)
    if isinstance(node, LiteralScalarString | FoldedScalarString) and str(node) == value:
        return node  # a block scalar the author chose for a long text
    return value


def _carry_comments(old: Any, new: Any, renamed: dict[Any, str] | None) -> None:
    from ruamel.yaml.comments import Comment

    comments = old.ca
    if renamed is not None:
        moved = {renamed.get(k, k): v for k, v in comments.items.items()}
        comments.items.clear()
        comments.items.update(moved)
    setattr(new, Comment.attrib, comments)


def _emitter() -> type:
    from ruamel.yaml.emitter import Emitter

    class SingleQuotes(Emitter):
        """Text with an apostrophe in single quotes (``'l''œil'``), as the registry writes it.

        ruamel would switch to double quotes; the registry's files, and PyYAML, do not.
        """

        def choose_scalar_style(self) -> Any:
            style = super().choose_scalar_style()
            event = self.event
            if (
                style == '"'
                and not event.style
                and "\n" not in event.value
                and self.analysis.allow_single_quoted
            ):
                return "'"
            return style

    return SingleQuotes


def _move_line_comments(before: list[str], after: list[str], mapping: Any) -> None:
    """Keep a comment on its own line above the key it stood above, when keys move.

    ruamel files such a comment under the key *before* it (with that key's end-of-line
    comment); left there, it would follow that key to its new place. It becomes a comment
    before its own key instead.
    """
    if before == after:
        return
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    items = mapping.ca.items
    lead: dict[str, str] = {}
    for i, key in enumerate(before):
        slot = items.get(key)
        token = slot[2] if slot is not None else None
        if token is None:
            continue
        head, _, rest = token.value.partition("\n")
        if not rest or i + 1 == len(before):
            continue  # no line of its own, or below the last key: it stays at the end
        lead[before[i + 1]] = rest
        if head:
            token.value = head + "\n"
        else:
            slot[2] = None
    for key, text in lead.items():
        slot = items.setdefault(key, [None, None, None, None])
        if key == after[0]:
            # nothing may stand between a list's '- ' and its first key: just below it instead
            head = slot[2].value.removesuffix("\n") if slot[2] is not None else ""
            slot[2] = CommentToken(f"{head}\n{text}", CommentMark(0))
            continue
        lines = [
            CommentToken(line.lstrip(" ") + "\n", CommentMark(len(line) - len(line.lstrip(" "))))
            for line in text.removesuffix("\n").split("\n")
        ]
        slot[1] = [*lines, *(slot[1] or [])]


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.Emitter = _emitter()
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.allow_unicode = True
    return yaml


def _dump(tree: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(tree, buffer)
    return buffer.getvalue().rstrip("\n") + "\n"


def _check_comments_kept(before: str, after: str) -> None:
    """Refuse rather than lose a comment (ruamel drops a few, e.g. after an empty ``{}``).

    The comments are what lies between the YAML tokens from a ``#`` to the end of its line
    (so a ``#`` inside a value is no comment); each must still be in the result.
    """
    for comment in _comments(before):
        if comment not in after:
            raise FormatError(
                f"the comment '{comment}' would be lost; move it next to a key or value "
                "and format again"
            )


def _comments(text: str) -> list[str]:
    import yaml

    found = []
    at = 0
    for token in [*yaml.scan(text, Loader=yaml.CSafeLoader), None]:
        end = len(text) if token is None else token.start_mark.index
        gap = text[at:end]
        for line in gap.split("\n"):
            hash_at = line.find("#")
            if hash_at >= 0:
                found.append(line[hash_at:].strip())
        if token is not None:
            at = max(at, token.end_mark.index)
    return found


def _check_same(text: str, data: Any, shown: str) -> None:
    from rarereg.yamlstrict import parse_text

    doc, findings = parse_text(text, shown)
    problems = [f for f in findings if f.severity is Severity.ERROR]
    if doc is None or problems or doc.data != data:
        raise FormatError(
            "the canonical form would read differently; leave this file as it is and report it"
        )
