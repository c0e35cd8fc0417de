"""The one place where text from the registry is made safe for where it goes.

Registry files come from many hands: a name, a key or a file name may hold escape sequences,
newlines, bidi overrides, spreadsheet formulas, Markdown or HTML. Every renderer passes data
text through the function for its destination, and nothing else escapes text.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls (ESC starts terminal escape sequences; CR and LF would start a new
# line that could pose as a finding), DEL, and the invisible characters that reorder or break
# text on screen: bidi embeddings, overrides and isolates ("Trojan Source"), marks, and the
# Unicode line and paragraph separators.
_UNSAFE_TERMINAL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_UNSAFE_KEEP_LINES = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def scalar_text(value: Any, joiner: str = ", ") -> str:
    """A value as plain text: None empty, lists joined, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return joiner.join(scalar_text(v, joiner) for v in value)
    return str(value)


def terminal(value: Any, *, keep_newlines: bool = False) -> str:
    r"""Text for a terminal or a log: every control and bidi character shown as ``\x..``.

    One line unless ``keep_newlines``: a newline in a file name is shown as ``\x..`` and can
    never start a line that looks like a finding.
    """
    pattern = _UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE_TERMINAL
    return pattern.sub(_visible, scalar_text(value))


_UNSAFE_IN_DOCUMENT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069\ufeff]|\r(?!\n)"
)


def terminal_document(text: str) -> str:
    """A whole document (CSV, Markdown, iCalendar) shown on a terminal rather than saved.

    Lines, tabs and CRLF line ends stay; every other control or bidi character is shown as
    an escape. Only for the screen: files and pipes get the document as it is.
    """
    return _UNSAFE_IN_DOCUMENT.sub(_visible, text)


def json_text(text: str) -> str:
    """JSON text with C1 controls, bidi and separator characters as JSON escapes.

    JSON escapes only C0 controls; the others would reach a terminal raw. They can only occur
    inside strings, where the escape means the same character: the data is unchanged.
    """
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_UNSAFE_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> str:
    """A CSV cell's text: lists joined by ``; ``; text a spreadsheet would run is defused.

    The guard applies to text only: numbers (``days_left`` of -10) stay numbers. A cell with
    a ``,`` or ``;`` inside is always quoted (:func:`csv_needs_quotes`), but a spreadsheet that
    splits on the other separator (French Excel splits on ``;``) ignores quotes in mid-cell and
    starts a cell after it (or a row after CR or LF): there, a formula start gets a ``'`` too.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = _MID_CELL_FORMULA.sub(lambda m: m.group(1) + "'", scalar_text(value, "; "))
    if text.lstrip(" ").startswith(_FORMULA_START):
        return "'" + text
    return text


# Where such a reader starts a cell (a separator, or a line end it does not know is quoted),
# then a formula start: right after it, or "=" after spaces.
_MID_CELL_FORMULA = re.compile(
    "([,;\r\n](?=[" + re.escape("".join(_FORMULA_START)) + "])|[,;\r\n] *(?==))"
)


def csv_needs_quotes(text: str, delimiter: str) -> bool:
    """Whether a CSV cell must be quoted: separators of either kind, quotes, CR or LF."""
    return any(c in text for c in (delimiter, ",", ";", '"', "\r", "\n")) or text != text.strip()


_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+!|~]")


def markdown(value: Any) -> str:
    """Text for a Markdown table cell or heading: one line, no markup, no HTML, no mentions.

    ``@name`` would notify a GitHub user or team: a zero-width space after ``@`` (written as
    an entity, so it shows in the source) keeps it plain text.
    """
    import html as markup

    text = terminal(" ".join(scalar_text(value).split()))
    text = markup.escape(text, quote=False)
    text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)
    return text.replace("@", "@&#8203;")


def html(value: Any) -> str:
    """Text for HTML: controls shown, markup characters escaped (quotes too, for attributes)."""
    import html as markup

    return markup.escape(terminal(value, keep_newlines=True), quote=True)


def github_data(value: Any) -> str:
    """The message of a GitHub workflow command: %, CR and LF encoded, other controls shown."""
    text = scalar_text(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return terminal(text)


def github_property(value: Any) -> str:
    """A property (file, title) of a GitHub workflow command: also ``:`` and ``,`` encoded."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")


def ics_text(value: Any) -> str:
    r"""An iCalendar TEXT value (RFC 5545 3.3.11): \, ; , escaped, newlines as \n."""
    text = scalar_text(value).replace("\r\n", "\n").replace("\r", "\n")
    text = terminal(text, keep_newlines=True)
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\n", "\\n")
