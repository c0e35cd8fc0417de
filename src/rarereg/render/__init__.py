"""Rendering: documents in, text out, for every format rarereg writes.

- :mod:`rarereg.render.document`: what commands hand over (tables, a record, findings, a
  calendar), plain values;
- :mod:`rarereg.render.columns`: one column spec (key, heading, priority) per table;
- :mod:`rarereg.render.safe`: the one place where data text is made safe for its destination;
- one module per format, found through :data:`RENDERERS` by format name.

Renderers return text or raise :class:`OutputError`; they never print or exit. Modules are
imported when their format is asked for, so Rich loads only when a table is drawn.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, NamedTuple


class OutputError(Exception):
    """A document cannot be written in the format asked (e.g. a calendar as CSV)."""


class Options(NamedTuple):
    """How to render: the terminal width (None: natural width), colour, Excel's CSV dialect."""

    width: int | None = None
    color: bool = False
    excel: bool = False


RENDERERS: dict[str, str] = {
    "table": "rarereg.render.terminal:render",
    "text": "rarereg.render.text:render",
    "json": "rarereg.render.jsonfmt:render",
    "csv": "rarereg.render.csvfmt:render",
    "markdown": "rarereg.render.markdown:render",
    "github": "rarereg.render.github:render",
    "sarif": "rarereg.render.sarif:render",
    "ics": "rarereg.render.ics:render",
}
"""Format name → ``module:function`` taking (document, Options) and returning text."""


def renderer(fmt: str) -> Callable[[Any, Options], str]:
    """The render function for a format name."""
    target = RENDERERS.get(fmt)
    if target is None:
        raise OutputError(f"unknown format '{fmt}'; one of: {', '.join(RENDERERS)}")
    module, _, name = target.partition(":")
    function: Callable[[Any, Options], str] = getattr(importlib.import_module(module), name)
    return function


def render(fmt: str, document: Any, options: Options | None = None) -> str:
    """``document`` as text in format ``fmt``."""
    from rarereg.render.document import FORMATS

    formats = FORMATS.get(type(document), ())
    if fmt not in formats:
        kind = type(document).__name__.lower()
        raise OutputError(f"a {kind} cannot be written as {fmt}; use one of: {', '.join(formats)}")
    return renderer(fmt)(document, options or Options())
