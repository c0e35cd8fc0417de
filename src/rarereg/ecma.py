r"""JSON Schema ``pattern`` read as ECMA-262 says, with Python's ``re``.

JSON Schema patterns are JavaScript regular expressions. Python's differ where it matters for a
registry: ``$`` also matches before a final newline (``"760780238\\n"`` would pass a FINESS
pattern), ``\\s`` takes in the control characters U+001C-U+001F and U+0085 but not U+FEFF, ``\\d``
and ``\\w`` take in every script's digits and letters, ``.`` crosses U+2028. Patterns are
translated once: the escapes and anchors above get JavaScript's meaning; anything this small
translator does not know is left to ``re`` as written, which only matters for schemas we do not
ship.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
"""ECMA-262 WhiteSpace and LineTerminator, the set ``\\s`` stands for."""
_OUTSIDE = {
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": "[A-Za-z0-9_]",
    "W": "[^A-Za-z0-9_]",
}
_INSIDE = {"s": _SPACE, "d": "0-9", "w": "A-Za-z0-9_"}


def translate(pattern: str) -> str:
    """A Python pattern that matches what the ECMA-262 ``pattern`` matches."""
    out: list[str] = []
    class_from = -1  # index in ``out`` where the current character class began, or -1
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            table = _INSIDE if class_from >= 0 else _OUTSIDE
            out.append(table.get(pattern[i + 1], pattern[i : i + 2]))
            i += 2
            continue
        if class_from >= 0:
            if ch == "]" and len(out) > class_from:
                class_from = -1
        elif ch == "[":
            opening = "[^" if pattern.startswith("[^", i) else "["
            out.append(opening)
            class_from = len(out)
            i += len(opening)
            continue
        elif ch == "$":
            ch = "\\Z"
        elif ch == ".":
            ch = "[^\\n\\r\\u2028\\u2029]"
        out.append(ch)
        i += 1
    return "".join(out)


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    """The translated pattern, compiled once; as written when the translation is not valid."""
    try:
        return re.compile(translate(pattern))
    except re.error:
        return re.compile(pattern)


def pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """python-jsonschema's ``pattern`` keyword, with ECMA-262 semantics."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")
