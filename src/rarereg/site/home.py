"""The home page: search, totals, coverage against published counts, charts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rarereg import labels
from rarereg.query import Resolved
from rarereg.report import by_hospital, records
from rarereg.site.charts import bars_or_note
from rarereg.site.context import KIND_NAMES, Ctx
from rarereg.site.html import Markup, el, join
from rarereg.site.parts import table

ROOT = ""
CENTRE_KINDS = ("crmr", "ccmr", "crc", "platform")


def search_form(ctx: Ctx) -> Markup:
    """The search box and filters (they work with the script; the lists work without it)."""
    reg = ctx.snap.reg
    regions = sorted(
        {r for h in reg.hospitals for r in [reg.hospital_attr(h, "region")] if r},
        key=str.casefold,
    )
    networks = sorted(reg.networks.values(), key=lambda n: (n.kind, n.acronym.casefold()))

    def select(name: str, label: str, options: list[tuple[str, str]]) -> Markup:
        return el(
            "div",
            el("label", label, for_=f"f-{name}"),
            el(
                "select",
                el("option", "Any", value=""),
                *(el("option", text, value=value) for value, text in options),
                id=f"f-{name}",
                name=name,
            ),
            class_="field",
        )

    whats = [("centre", "Centres"), ("hospital", "Hospitals"), ("network", "Networks")]
    whats.append(("campaign", "Campaigns"))
    if ctx.diseases:
        whats.append(("disease", "Diseases"))
    return el(
        "section",
        el("h2", "Search", id="search-title"),
        el(
            "form",
            el(
                "div",
                el("label", "Name, alias, hospital, city or network", for_="q"),
                el("input", type="search", id="q", name="q", autocomplete="off"),
                class_="field wide",
            ),
            select("what", "Show", whats),
            select("kind", "Kind", [(k, KIND_NAMES[k]) for k in (*CENTRE_KINDS, "fsmr", "ern")]),
            select("region", "Region", [(r, r) for r in regions]),
            select("network", "Network", [(n.id, n.acronym) for n in networks]),
            el("button", "Search", type="submit"),
            id="search",
            role="search",
            action="index.html",
            method="get",
        ),
        el("p", "", id="search-status", role="status", aria_live="polite"),
        el("ol", id="results"),
        el(
            "noscript",
            el("p", "Search needs JavaScript; the section lists in the menu work without it."),
        ),
        aria_labelledby="search-title",
    )


def totals(ctx: Ctx) -> Markup:
    """How much the registry holds, as of its date."""
    reg = ctx.snap.reg
    kinds = Counter(c.kind for c in reg.centres.values())
    sites = sum(len(c.sites) for c in reg.centres.values())
    legal = sum(1 for h in reg.hospitals.values() if not h.parent)
    nets = Counter(n.kind for n in reg.networks.values())
    rows: list[list[Any]] = [[KIND_NAMES[k], kinds.get(k, 0)] for k in CENTRE_KINDS]
    rows += [
        ["Centre sites (one centre, one hospital department)", sites],
        ["Hospitals (legal entities)", legal],
        ["Hospital sites", len(reg.hospitals) - legal],
        [KIND_NAMES["fsmr"], nets.get("fsmr", 0)],
        [KIND_NAMES["ern"], nets.get("ern", 0)],
        ["Labelling campaigns", len(reg.campaigns)],
    ]
    if ctx.diseases:
        rows.append(["Diseases named", len(ctx.diseases)])
    return join([el("h2", "In the registry"), table("Totals", ("What", "How many"), rows)])


def coverage(ctx: Ctx) -> Markup:
    """The registry's count of sites beside the counts hospitals publish."""
    reg = ctx.snap.reg
    rows = []
    for row in by_hospital(reg, records(reg, Resolved())):
        published = [row.get(f"published_{k}") for k in CENTRE_KINDS]
        if all(p is None for p in published):
            continue
        ours = [row["crmr_sites"], row["ccmr"], row["crc"], row["platform"]]
        cells = [_share(o, p) for o, p in zip(ours, published, strict=True)]
        rows.append([ctx.hospital(row["key"], ROOT), *cells, row.get("published_as_of") or ""])
    intro = el(
        "p",
        "Sites recorded in the registry against the counts each hospital publishes "
        "(a CRMR counts once per coordinating or constitutive site). The hospital's page "
        "cites the published counts.",
    )
    headers = ("Hospital", "CRMR", "CCMR", "CRC", "Platforms", "Published as of")
    return join(
        [
            el("h2", "Coverage"),
            intro,
            table("Registry / published counts", headers, rows),
        ]
    )


def _share(ours: int, published: int | None) -> str:
    if published is None:
        return f"{ours} / ?"
    if published == 0:
        return f"{ours} / 0"
    return f"{ours} / {published} ({round(100 * ours / published)} %)"


def charts(ctx: Ctx) -> Markup:
    """Centres per region and per filière, and label ends per year."""
    reg = ctx.snap.reg
    per_region: Counter[str] = Counter()
    per_network: Counter[str] = Counter()
    per_year: Counter[str] = Counter()
    for c in reg.centres.values():
        regions = {reg.hospital_attr(s.hospital, "region") or "Unknown" for s in c.sites}
        per_region.update(regions)
        network = reg.networks.get(c.network) if c.network else None
        per_network[network.acronym if network else "No filière"] += 1
        end = labels.span(reg, c).end
        per_year[str(end.year) if end else "Not yet sourced"] += 1
    years = sorted(per_year.items(), key=lambda kv: (not kv[0].isdigit(), kv[0]))
    return join(
        [
            el("h2", "At a glance"),
            bars_or_note("chart-region", "Centres per region", _ranked(per_region)),
            bars_or_note("chart-network", "Centres per filière", _ranked(per_network)),
            bars_or_note("chart-ends", "Label ends per year", years),
        ]
    )


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))


def home(ctx: Ctx) -> Markup:
    """The whole home page body."""
    intro = el(
        "p",
        "France's rare-disease care network: reference and competence centres, the hospitals "
        f"they work in, their filières and European networks, as labelled on "
        f"{ctx.snap.as_of.isoformat()}.",
    )
    return join(
        [
            el("h1", "Rare-disease centres in France"),
            intro,
            search_form(ctx),
            totals(ctx),
            coverage(ctx),
            charts(ctx),
        ]
    )
