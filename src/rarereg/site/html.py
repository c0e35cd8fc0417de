"""Building HTML safely: every string goes through :func:`esc` unless it is already markup."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rarereg.render.safe import html as safe_html
from rarereg.render.safe import json_text


class Markup(str):
    """Text that is already HTML (built by :func:`el` or :func:`raw`): never escaped again."""

    __slots__ = ()


def esc(value: Any) -> Markup:
    """Any value as HTML text: markup kept, anything else through rarereg's safe-text module.

    That module escapes markup characters and quotes, and shows control characters.
    """
    if isinstance(value, Markup):
        return value
    return Markup(safe_html("" if value is None else str(value)))


def raw(text: str) -> Markup:
    """Trusted HTML written in rarereg's own code (never registry data)."""
    return Markup(text)


def join(parts: Iterable[Any], sep: str = "") -> Markup:
    """Parts escaped as needed, then joined."""
    return Markup(esc(sep).join(esc(p) for p in parts))


def safe_url(url: str) -> str:
    """A registry web address for an href: http(s) only, anything else neutralised."""
    text = url.strip()
    return text if text.lower().startswith(("http://", "https://")) else "#"


_VOID = frozenset({"br", "hr", "img", "input", "link", "meta"})


def el(tag: str, *children: Any, **attrs: Any) -> Markup:
    """An element: attributes and children escaped; ``class_`` for class; None drops it."""
    parts = [tag]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(name if value is True else f'{name}="{esc(value)}"')
    opening = f"<{' '.join(parts)}>"
    if tag in _VOID:
        return Markup(opening)
    inner = "".join(esc(c) for c in children if c is not None)
    return Markup(f"{opening}{inner}</{tag}>")


def json_script(data: Any, **attrs: Any) -> Markup:
    """Data in a <script> element that no registry string can close early."""
    text = json_text(json.dumps(data, ensure_ascii=False, sort_keys=True))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(el("script", raw(text), **attrs))
