"""A compiled YAML parser for files that no reader could take two ways; the rest stay strict.

yaml_rs parses a registry file about nine times faster than the strict reader
(:mod:`rarereg.yamlstrict`), but it is not strict: it reads ``010780054`` as a number, expands
aliases, drops tags and gives no positions. So it only sees a file that passes a cheap gate,
which admits a narrow, line-by-line subset of YAML where both parsers must agree and the strict
reader would report nothing:

- UTF-8 text of letters, digits, punctuation and spaces (no tab, carriage return, control,
  zero-width, bidi or byte-order-mark character), at most :data:`MAX_FAST_BYTES` long;
- every line blank, a comment, ``key:``, ``key: value``, ``- key: value`` or ``- value``, with
  ``key`` a plain name and no deeper indentation than :data:`MAX_INDENT`;
- every value single-quoted, double-quoted without escapes, a whole number without a leading
  zero, an ISO-shaped date, or plain text that starts with a letter, holds no ``#``, no bracket
  or brace and no ``:`` before a space, and is none of the words YAML 1.1 takes for booleans.

Anything else (anchors, aliases, tags, directives, documents, flow collections, block scalars,
values over several lines, comments after a value, other numbers...) goes to the strict reader,
which stays the single source of truth for findings and positions. A file that passes the gate
but that yaml_rs refuses, or that is not a mapping, goes there too. A parity test (Hypothesis,
the hostile corpus, generated hostile files) holds the two to the same data.
"""

from __future__ import annotations

import re
from typing import Any

MAX_FAST_BYTES = 64 * 1024
"""Registry files are about 1 KB; larger ones (and their node limits) are the strict reader's."""
MAX_INDENT = 24
"""Bounds nesting well below the strict reader's depth limit."""

_TEXT = "A-Za-z\u00a1-\u00ac\u00ae-\u024f\u2010-\u2027\u2030-\u205e"
"""Letters and punctuation a value may start with: Latin letters and the usual typography."""
_WORDS = "(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)"
_PLAIN = "[^\\n#:\\[\\]{}]*(?::[^ \\n#:\\[\\]{}][^\\n#:\\[\\]{}]*)*"
"""The rest of a plain value: no comment, bracket or brace, and no ``:`` before a space."""
_NOT_NUMBER = "g-np-wyzG-NP-WYZ"
"""Letters no YAML number holds (hexadecimal digits, exponents and 0x, 0o, 0b prefixes aside)."""
_VALUE = (
    "(?:'[^'\\n]*(?:''[^'\\n]*)*'"  # single-quoted ('' is a quote)
    '|"[^"\\\\\\n]*"'  # double-quoted, without escapes
    "|(?:0|[1-9][0-9]{0,14})"  # a whole number every reader takes exactly (below 2**53)
    "|[0-9]{4}-[0-9]{2}-[0-9]{2}"  # a date, kept as text by both
    f"|[0-9](?=[^\\n]*[{_NOT_NUMBER}]){_PLAIN}"  # text that starts with a digit, like 004_a.txt
    f"|(?!{_WORDS} *(?:\\n|\\Z))[{_TEXT}]{_PLAIN}"  # text that starts with a letter
    ")"
)
_KEY = "(?!(?:true|True|TRUE|false|False|FALSE|null|Null|NULL):)[A-Za-z_][A-Za-z0-9_]*"
"""A key every reader takes for text (the strict reader never resolves keys; others do)."""
_LINE = (
    f" {{0,{MAX_INDENT}}}"
    "(?:"
    "#[^\\n]*"  # a comment line
    f"|(?:- )?{_KEY}:(?: +{_VALUE})?"  # key, with its value or a block below
    f"|- {_VALUE}"  # a list item
    ")?"
    " *"
)
_SAFE = re.compile(f"[\\n {_TEXT}0-9!-@\\[-`{{-~]*")
"""Printable ASCII, newline, and the letters above: nothing invisible or reordering."""
_GATE = re.compile(f"(?:{_LINE}\\n)*(?:{_LINE})?")


def passes(text: str) -> bool:
    """True when every reader takes ``text`` the same way and the strict reader finds nothing."""
    return _SAFE.fullmatch(text) is not None and _GATE.fullmatch(text) is not None


def read(raw: bytes) -> dict[str, Any] | None:
    """The data of a file that passes the gate, else None (then read it strictly)."""
    if len(raw) > MAX_FAST_BYTES:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not passes(text):
        return None
    try:
        import yaml_rs
    except ImportError:
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # any refusal sends the file to the strict reader
        return None
    return data if type(data) is dict and data else None
