"""Pieces that pages share: fact lists, tables, sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from rarereg.export.common import sources_of
from rarereg.site.context import Ctx
from rarereg.site.html import Markup, el, join, safe_url

Fact = tuple[str, Any]


def facts(items: Sequence[Fact]) -> Markup:
    """A definition list of the facts that have a value."""
    kept = [(term, value) for term, value in items if value not in (None, "", [], ())]
    if not kept:
        return Markup("")
    return el("dl", *(join([el("dt", term), el("dd", value)]) for term, value in kept))


def table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Markup:
    """A data table with a caption and column headers, scrollable on a phone."""
    if not rows:
        return el("p", f"{caption}: none.")
    return el(
        "div",
        el(
            "table",
            el("caption", caption),
            el("thead", el("tr", *(el("th", h, scope="col") for h in headers))),
            el("tbody", *(el("tr", *(el("td", cell) for cell in row)) for row in rows)),
        ),
        class_="table-wrap",
        tabindex="0",
        role="region",
        aria_label=caption,
    )


def web_link(url: str | None) -> Markup | None:
    """An outside link, opened in the same tab (the reader decides)."""
    if not url:
        return None
    return el("a", url, href=safe_url(url), rel="external noopener")


def mail_link(address: str | None) -> Markup | None:
    """A service e-mail address as a mailto: link (quoted, so it cannot carry anything else)."""
    if not address:
        return None
    return el("a", address, href="mailto:" + quote(address.strip(), safe="@.+-_"))


def listing(items: Sequence[Markup], sep: str = ", ") -> Markup | None:
    """Items on one line, or None when there are none."""
    return join(items, sep) if items else None


def source_item(ctx: Ctx, source: dict[str, Any], root: str) -> Markup:
    """One source: its link or document, the date it was read, what it is."""
    parts: list[Any] = []
    if source.get("url"):
        parts.append(el("a", source.get("title") or source["url"], href=safe_url(source["url"])))
    document = source.get("document")
    if document:
        name = str(document)
        parts.append(el("a", name, href=f"{root}sources/{name}") if name in ctx.documents else name)
    details = [
        f"retrieved {source['retrieved']}" if source.get("retrieved") else None,
        f"speaks for {source['as_of']}" if source.get("as_of") else None,
        source.get("note"),
    ]
    extra = "; ".join(str(d) for d in details if d)
    if extra:
        parts.append(el("span", f" ({extra})", class_="muted"))
    return el("li", *parts)


def sources(ctx: Ctx, raw: dict[str, Any], root: str, file: str | None) -> Markup:
    """The Sources section of an entity's page, and the registry file it comes from."""
    items = [source_item(ctx, s, root) for s in sources_of(raw)]
    body = [el("h2", "Sources", id="sources")]
    body.append(el("ul", *items) if items else el("p", "No source recorded."))
    if file:
        body.append(el("p", "Registry file: ", el("code", file), class_="muted"))
    return join(body)
