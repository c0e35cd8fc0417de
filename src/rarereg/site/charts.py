"""Bar charts as inline SVG, drawn in Python: no script, no library, readable when printed.

Each chart comes with its numbers as a table for screen readers and for anyone who prefers to
read them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rarereg.site.html import Markup, el, join

BAR = 22
GAP = 6
LABEL_WIDTH = 250
BAR_WIDTH = 340
VALUE_WIDTH = 50
FILL = "#1f5fa8"  # 6.7:1 against white: readable bars and labels


def bar_chart(chart_id: str, title: str, data: Sequence[tuple[str, int]]) -> Markup:
    """A horizontal bar chart of (label, count), with its data table, in a <figure>."""
    top = max((n for _, n in data), default=0) or 1
    height = len(data) * (BAR + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = []
    for i, (label, count) in enumerate(data):
        y = GAP + i * (BAR + GAP)
        length = round(BAR_WIDTH * count / top)
        text_y = y + BAR * 0.7
        rows.append(
            el(
                "g",
                el("title", f"{label}: {count}"),
                el(
                    "text",
                    _clip(label),
                    x=LABEL_WIDTH - 8,
                    y=f"{text_y:.1f}",
                    text_anchor="end",
                ),
                el("rect", x=LABEL_WIDTH, y=y, width=max(length, 1), height=BAR, fill=FILL),
                el("text", count, x=LABEL_WIDTH + length + 6, y=f"{text_y:.1f}"),
            )
        )
    title_id = f"{chart_id}-title"
    svg = el(
        "svg",
        el("title", title, id=title_id),
        *rows,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        role="img",
        aria_labelledby=title_id,
        class_="chart",
        font_size="13",
        font_family="system-ui, sans-serif",
        fill="#1a1a1a",
    )
    table = el(
        "table",
        el("thead", el("tr", el("th", "Label", scope="col"), el("th", "Count", scope="col"))),
        el(
            "tbody",
            *(el("tr", el("th", label, scope="row"), el("td", count)) for label, count in data),
        ),
    )
    return el(
        "figure",
        el("figcaption", el("h3", title, id=chart_id)),
        el("div", svg, class_="chart-wrap"),
        el("details", el("summary", "The numbers"), table),
        aria_labelledby=chart_id,
    )


def _clip(label: str, limit: int = 36) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars_or_note(chart_id: str, title: str, data: Sequence[tuple[str, int]]) -> Markup:
    """The chart, or a sentence saying there is nothing to draw."""
    if not data:
        return join([el("h3", title, id=chart_id), el("p", "Nothing to show yet.")])
    return bar_chart(chart_id, title, data)
