"""Tables and records for people at a terminal, fitted to its width.

Widths are decided here, not by Rich: every column gets at least its longest word (ids and
codes their whole value), so nothing is cut mid-word and no id is split; when even that does not
fit, the least important columns (highest ``priority``) are left out, and a last line says which.
Rich is imported only to draw.
"""

from __future__ import annotations

import io
import os
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rarereg.render import Options, OutputError, safe
from rarereg.render.columns import Column
from rarereg.render.document import Record, Row, Table, Tables

# Between two columns: a space, a rule, a space; no outer edge (room for one more column).
_PER_COLUMN, _EDGE = 3, -3


def render(doc: Any, options: Options) -> str:
    """Tables or a record as terminal text."""
    if isinstance(doc, Tables):
        parts = []
        if doc.summary:
            parts.append(_wrapped(safe.terminal(doc.summary), options.width) + "\n")
        drawn = [draw(t, options) for t in doc.tables if t.rows or not doc.drop_empty]
        return "".join(parts) + "\n".join(drawn)
    if isinstance(doc, Record):
        return record(doc, options)
    raise OutputError(f"a {type(doc).__name__.lower()} cannot be drawn as a table")


def _wrapped(text: str, width: int | None, indent: str = "") -> str:
    if width is None:
        return indent + text
    return textwrap.fill(
        text,
        width=max(width, len(indent) + 10),
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


# Text narrower than this wraps into a tall thin column: less important columns go first.
_COMFORTABLE = 24


def _min_width(column: Column, cells: Sequence[str]) -> int:
    if column.ident:
        return max(len(w) for w in [column.heading, *cells])
    words = [*column.heading.split(), *(w for cell in cells for w in cell.split())]
    longest_word = max((len(w) for w in words), default=0)
    return max(longest_word, min(_natural_width(column, cells), _COMFORTABLE))


def _natural_width(column: Column, cells: Sequence[str]) -> int:
    return max([len(column.heading), *(len(c) for c in cells)])


def layout(
    columns: Sequence[Column], rows: Sequence[Row], width: int | None
) -> tuple[list[Column], list[int], list[Column]]:
    """The columns kept, their widths, and the columns left out to fit ``width``."""
    cells = {c.key: [safe.terminal(row.get(c.key)) for row in rows] for c in columns}
    shown = [c for c in columns if any(cells[c.key])] or list(columns[:1])
    least = {c.key: _min_width(c, cells[c.key]) for c in shown}
    most = {c.key: _natural_width(c, cells[c.key]) for c in shown}
    if width is None:
        return shown, [most[c.key] for c in shown], []
    dropped: list[Column] = []
    while len(shown) > 1 and _total(least[c.key] for c in shown) > width:
        worst = max(shown, key=lambda c: (c.priority, [x.key for x in shown].index(c.key)))
        shown.remove(worst)
        dropped.append(worst)
    widths = {c.key: least[c.key] for c in shown}
    spare = width - _total(widths.values())
    # Columns that need little more get all of it (no "CHU de / Lille" for two characters);
    # the widest text, usually the name, takes what is left and wraps.
    for c in sorted(shown, key=lambda c: most[c.key] - widths[c.key]):
        extra = min(most[c.key] - widths[c.key], spare)
        widths[c.key] += extra
        spare -= extra
    return shown, [widths[c.key] for c in shown], dropped


def _total(widths: Iterable[int]) -> int:
    values = list(widths)
    return sum(values) + _PER_COLUMN * len(values) + _EDGE


def draw(table: Table, options: Options) -> str:
    """One table as text, with a title above and a note of any column left out."""
    shown, widths, dropped = layout(table.columns, table.rows, options.width)
    cells = [[safe.terminal(row.get(c.key)) for c in shown] for row in table.rows]
    text = _plain(table, shown, widths, cells, options)
    if text is None:
        text = _rich(table, shown, widths, options)
    if dropped:
        names = ", ".join(c.heading for c in dropped)
        note = f"Left out to fit {options.width} columns: {names} (--format csv has them all)."
        text += _wrapped(note, options.width) + "\n"
    return text


def _plain(
    table: Table,
    shown: Sequence[Column],
    widths: Sequence[int],
    cells: Sequence[Sequence[str]],
    options: Options,
) -> str | None:
    """The table as Rich draws it, when that needs no Rich: no colour, every cell on one line.

    Piped output, CI logs and NO_COLOR terminals are drawn this way without importing Rich
    (about 20 ms of a query's start). None when Rich must wrap a cell or measure a character
    wider or narrower than one column; a test holds both drawings to the same output.
    """
    headings = [c.heading for c in shown]
    title = safe.terminal(table.title) if table.title else None
    every = [*headings, *(cell for row in cells for cell in row), *([title] if title else [])]
    if options.color or not all(map(_one_column_each, every)):
        return None
    rows = [headings, *cells]
    if any(len(cell) > width for row in rows for cell, width in zip(row, widths, strict=True)):
        return None
    total = _total(widths)
    if title is not None and len(title) > total:
        return None

    def line(row: Sequence[str], rule: str) -> str:
        return rule.join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))

    lines = [title.ljust(total)] if title is not None else []
    lines.append(line(headings, " \u2503 "))
    lines.append("\u2501\u2547\u2501".join("\u2501" * width for width in widths))
    lines += [line(row, " \u2502 ") for row in cells]
    return "\n".join(lines) + "\n"


def _one_column_each(text: str) -> bool:
    """True when every character of ``text`` takes exactly one terminal column, as Rich counts.

    Only the scripts of European names are taken (Latin, Greek, Cyrillic, common punctuation):
    a test checks every one of them against Rich's measure. Anything else (CJK, marks, format
    characters, scripts Rich measures from its own tables) is left to Rich.
    """
    if text.isascii():
        return text.isprintable()
    import unicodedata

    return all(
        ch.isascii()
        or (
            any(low <= ch <= high for low, high in _ONE_COLUMN_RANGES)
            and ch.isprintable()
            and unicodedata.category(ch) not in _NO_COLUMN
        )
        for ch in text
    )


_ONE_COLUMN_RANGES = (
    ("\u00a0", "\u02ff"),  # Latin-1, Latin Extended-A and -B, IPA, spacing modifiers
    ("\u0370", "\u052f"),  # Greek, Cyrillic
    ("\u1e00", "\u1fff"),  # Latin Extended Additional, Greek Extended
    ("\u2010", "\u2027"),  # dashes, quotes, bullets, ellipsis
    ("\u2030", "\u205e"),  # per mille, primes, guillemets, more punctuation
    ("\u20a0", "\u20c0"),  # currency signs
)
_NO_COLUMN = ("Mn", "Me", "Mc", "Cf", "Zl", "Zp")  # marks and format characters take none


def _rich(table: Table, shown: Sequence[Column], widths: Sequence[int], options: Options) -> str:
    """The table drawn by Rich, which wraps cells to their column's width."""
    from rich import box
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    grid = RichTable(
        title=Text(safe.terminal(table.title)) if table.title else None,
        title_justify="left",
        header_style="bold" if options.color else "",
        title_style="bold" if options.color else "",
        box=box.HEAVY_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for column, width in zip(shown, widths, strict=True):
        grid.add_column(column.heading, width=width, no_wrap=column.ident, overflow="fold")
    for row in table.rows:
        grid.add_row(*(Text(safe.terminal(row.get(c.key))) for c in shown))
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=_total(widths) if options.width is None else options.width,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        legacy_windows=False,
        _environ=_readable_environ(),
    )
    console.print(grid)
    return buffer.getvalue()


def record(doc: Record, options: Options) -> str:
    """One entity: its fields as ``key  value``, nested values indented, related rows as tables."""
    view = doc.view
    plain = [k for k, v in view.items() if v not in (None, "") and not _is_table(k, v, doc.tables)]
    pad = max((len(k) for k in plain), default=0) + 2
    lines: list[str] = []
    for key in plain:
        lines += _field(key, view[key], pad, options.width)
    out = "\n".join(lines) + "\n" if lines else ""
    for key, value in view.items():
        if _is_table(key, value, doc.tables):
            title = f"{key} ({len(value)})"
            out += draw(Table(doc.tables[key], value, title=title), options)
    return out


def _is_table(key: str, value: Any, tables: Mapping[str, Sequence[Column]]) -> bool:
    return key in tables and isinstance(value, list) and bool(value)


def _field(key: str, value: Any, pad: int, width: int | None) -> list[str]:
    """A field's lines: a scalar beside its key, nested values on the lines under it."""
    label = safe.terminal(key)
    if isinstance(value, list) and not value:
        return [f"{label:<{pad}}none"]
    if _is_scalar(value) or (isinstance(value, list) and all(_is_scalar(v) for v in value)):
        text = _wrapped(safe.terminal(value), width, " " * pad)
        return [f"{label:<{pad}}{text[pad:]}"]
    return [label, *_nested(value, "  ", width)]


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple)


def _nested(value: Any, indent: str, width: int | None) -> list[str]:
    """A mapping as ``key: value`` lines, a list as ``- `` items, nested deeper by two spaces."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            head = f"{indent}{safe.terminal(key)}:"
            if _is_scalar(inner) or (isinstance(inner, list) and all(map(_is_scalar, inner))):
                text = _wrapped(safe.terminal(inner), width, " " * (len(head) + 1))
                lines.append(head + " " + text[len(head) + 1 :])
            else:
                lines += [head, *_nested(inner, indent + "  ", width)]
        return lines
    for item in value:
        sub = _nested(item, indent + "  ", width) if not _is_scalar(item) else []
        if sub:
            lines.append(indent + "- " + sub[0][len(indent) + 2 :])
            lines += sub[1:]
        else:
            lines.append(
                _wrapped(safe.terminal(item), width, indent + "  ").replace(
                    indent + "  ", indent + "- ", 1
                )
            )
    return lines


__all__ = ["draw", "layout", "record", "render"]


def _readable_environ() -> dict[str, str]:
    """The environment without a COLUMNS or LINES that Rich would crash on (it reads '²')."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLUMNS", "LINES") or (value.isascii() and value.isdigit())
    }
