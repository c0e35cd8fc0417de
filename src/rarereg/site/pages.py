"""One page per centre, hospital, network, campaign and disease; one list per section."""

from __future__ import annotations

from typing import Any

from rarereg.export.common import disease_sources, registry_file
from rarereg.model import Campaign, Centre, Hospital, Network
from rarereg.report import coverage
from rarereg.site.context import KIND_NAMES, Cover, Ctx, Disease
from rarereg.site.html import Markup, el, join
from rarereg.site.parts import (
    facts,
    listing,
    mail_link,
    source_item,
    sources,
    table,
    web_link,
)

ROOT = "../"


def _centre_rows(ctx: Ctx, centres: list[Centre]) -> list[list[Any]]:
    rows = []
    for c in ctx.in_order(centres):
        _, end = ctx.snap.reg.label_dates(c)
        hospitals = list(dict.fromkeys(s.hospital for s in c.sites))
        rows.append(
            [
                ctx.centre(c.id, ROOT),
                c.kind.upper(),
                ctx.network(c.network, ROOT),
                listing([ctx.hospital(h, ROOT) for h in hospitals]),
                end or "unknown",
            ]
        )
    return rows


CENTRE_HEADERS = ("Centre", "Kind", "Filière", "Hospitals", "Label ends")


def centre_page(ctx: Ctx, c: Centre) -> Markup:
    """Everything about one centre, each relation a link."""
    reg = ctx.snap.reg
    start, end = reg.label_dates(c)
    label = c.label
    body = [
        el("h1", c.name),
        el("p", KIND_NAMES.get(c.kind, c.kind), class_="kind"),
        facts(
            [
                ("Id", el("code", c.id)),
                ("Acronym", c.acronym),
                ("Also called", listing([Markup(el("span", a)) for a in c.aliases], "; ")),
                ("Filière", ctx.network(c.network, ROOT) if c.network else None),
                ("European Reference Networks", listing([ctx.network(e, ROOT) for e in c.erns])),
                (
                    "Reference centre",
                    ctx.centre(c.reference_centre, ROOT) if c.reference_centre else None,
                ),
                ("Status", c.raw.get("status")),
                ("Labelled since", c.raw.get("labelled_since")),
                (
                    "Labelling campaign",
                    ctx.link("campaigns", label.campaign, _campaign_name(ctx, label.campaign), ROOT)
                    if label
                    else None,
                ),
                ("Label starts", start),
                ("Label ends", end),
                ("About the label's dates", label.note if label else None),
                ("Website", web_link(c.raw.get("website"))),
                ("Notes", c.raw.get("notes")),
            ]
        ),
        el("h2", "Sites"),
    ]
    raw_sites = [s if isinstance(s, dict) else {} for s in c.raw.get("sites") or ()]
    site_rows = [
        [
            ctx.hospital(s.hospital, ROOT),
            s.role or "not stated",
            s.department,
            s.lead,
            reg.hospital_attr(s.hospital, "city"),
            reg.hospital_attr(s.hospital, "region"),
        ]
        for s in c.sites
    ]
    body.append(
        table(
            f"Sites of {c.name}",
            ("Hospital", "Role", "Department", "Lead", "City", "Region"),
            site_rows,
        )
    )
    contact_rows = [
        [
            ctx.hospital(s.hospital, ROOT),
            s.department,
            raw.get("address"),
            raw.get("phone"),
            mail_link(raw.get("email")),
            web_link(raw.get("website")),
        ]
        for s, raw in zip(c.sites, raw_sites, strict=False)
        if any(raw.get(k) for k in ("address", "phone", "email", "website"))
    ]
    if contact_rows:
        body.append(el("h2", "Contacts"))
        body.append(
            table(
                f"Service contacts of {c.name} (source: the centre's sources below)",
                ("Hospital", "Department", "Address", "Telephone", "E-mail", "Web page"),
                contact_rows,
            )
        )
    if c.previous_labels:
        body.append(el("h2", "Previous labels"))
        label_rows = []
        for p in c.previous_labels:
            p_start, p_end = reg.dates_of(p)
            label_rows.append(
                [
                    ctx.link("campaigns", p.campaign, _campaign_name(ctx, p.campaign), ROOT),
                    p_start or "unknown",
                    p_end or "unknown",
                    p.note,
                ]
            )
        body.append(
            table(
                f"Previous labels of {c.name} (source: the centre's sources below)",
                ("Campaign", "Start", "End", "Note"),
                label_rows,
            )
        )
    if c.raw.get("sites_incomplete"):
        body.append(el("p", "The sources list only some of this centre's sites."))
    if c.kind == "crmr":
        ccmr = [x for x in ctx.members.get(c.id, []) if x.reference_centre == c.id]
        body.append(el("h2", "Competence centres"))
        body.append(table("Competence centres", CENTRE_HEADERS, _centre_rows(ctx, ccmr)))
    covers = ctx.covers.get(c.id, [])
    if covers:
        body.append(el("h2", "Diseases"))
        if covers[0][1].inherited:
            body.append(
                el(
                    "p",
                    "This competence centre lists no disease of its own: it covers those of its"
                    " reference centre (inherited from ",
                    ctx.centre(covers[0][1].listed_by, ROOT),
                    ").",
                )
            )
        body.append(el("ul", *(_disease_item(ctx, key, cover) for key, cover in covers)))
    body.append(sources(ctx, c.raw, ROOT, registry_file(reg, c.id)))
    return join(body)


def _disease_item(ctx: Ctx, key: str, cover: Cover) -> Markup:
    """One disease a centre covers, with the sources its list gives for it."""
    owner = ctx.snap.reg.centres[cover.listed_by]
    found = disease_sources(owner, cover.position)
    d = owner.diseases[cover.position - 1]
    return el(
        "li",
        ctx.link("diseases", key, d.name, ROOT),
        f" (ORPHA:{d.orpha})" if d.orpha is not None else None,
        f" ({cover.age_group})" if cover.age_group else None,
        " (inherited)" if cover.inherited else None,
        el("ul", *(source_item(ctx, s, ROOT) for s in found)) if found else None,
    )


def _campaign_name(ctx: Ctx, campaign_id: str) -> str:
    campaign = ctx.snap.reg.campaigns.get(campaign_id)
    return campaign.name if campaign else campaign_id


def hospital_page(ctx: Ctx, h: Hospital) -> Markup:
    """A hospital: its sites, the centres in it (sites folded in), networks it hosts."""
    reg = ctx.snap.reg
    family = reg.with_sites(h.id)
    counts = h.raw.get("published_counts")
    body = [
        el("h1", h.name),
        el("p", "Geographic site" if h.parent else "Hospital (legal entity)", class_="kind"),
        facts(
            [
                ("Id", el("code", h.id)),
                ("Also called", listing([Markup(el("span", a)) for a in h.aliases], "; ")),
                ("Part of", ctx.hospital(h.parent, ROOT) if h.parent else None),
                ("Sites", listing([ctx.hospital(s, ROOT) for s in sorted(reg.children(h.id))])),
                ("City", reg.hospital_attr(h.id, "city")),
                ("Region", reg.hospital_attr(h.id, "region")),
                ("FINESS", h.finess),
                ("Website", web_link(h.raw.get("website"))),
                ("Notes", h.raw.get("notes")),
            ]
        ),
    ]
    if isinstance(counts, dict):
        body.append(_published(ctx, counts))
        body.extend(
            el("p", cov.sentence()) for cov in coverage(reg, [h.id]) if cov.hospital == h.id
        )
    at = [pair for member in family for pair in ctx.sites_at.get(member, [])]
    at.sort(key=lambda pair: (ctx.rank[pair[0].id], pair[0].sites.index(pair[1])))
    rows = [
        [
            ctx.centre(c.id, ROOT),
            c.kind.upper(),
            s.role or "not stated",
            s.department,
            ctx.hospital(s.hospital, ROOT),
        ]
        for c, s in at
    ]
    body.append(el("h2", "Centres"))
    body.append(
        table(f"Centres at {h.name}", ("Centre", "Kind", "Role", "Department", "Site"), rows)
    )
    hosted = sorted(n for member in family for n in ctx.hosted.get(member, []))
    if hosted:
        body.append(el("h2", "Networks hosted"))
        body.append(el("ul", *(el("li", ctx.network(n, ROOT)) for n in hosted)))
    body.append(sources(ctx, h.raw, ROOT, registry_file(reg, h.id)))
    return join(body)


def _published(ctx: Ctx, counts: dict[str, Any]) -> Markup:
    kinds = [k for k in ("crmr", "ccmr", "crc", "platform") if counts.get(k) is not None]
    source = counts.get("source")
    return join(
        [
            el("h2", "Counts the hospital publishes"),
            facts([(k.upper(), counts[k]) for k in kinds] + [("As of", counts.get("as_of"))]),
            el("ul", source_item(ctx, source, ROOT)) if isinstance(source, dict) else None,
        ]
    )


def network_page(ctx: Ctx, n: Network) -> Markup:
    """A filière or an ERN, with its centres."""
    reg = ctx.snap.reg
    members = ctx.members.get(n.id, [])
    if n.kind == "fsmr":
        linked = [ctx.network(e, ROOT) for e in n.erns]
        linked_term = "European Reference Networks"
    else:
        linked = [ctx.network(f.id, ROOT) for f in _sorted_networks(reg, n.id)]
        linked_term = "Filières"
    body = [
        el("h1", n.name),
        el("p", KIND_NAMES.get(n.kind, n.kind), class_="kind"),
        facts(
            [
                ("Id", el("code", n.id)),
                ("Acronym", n.acronym),
                ("Also called", listing([Markup(el("span", a)) for a in n.aliases], "; ")),
                ("Host", ctx.hospital(n.host, ROOT) if n.host else None),
                ("Coordinator", n.raw.get("coordinator")),
                (linked_term, listing(linked)),
                ("Website", web_link(n.raw.get("website"))),
                ("Notes", n.raw.get("notes")),
            ]
        ),
        el("h2", "Centres"),
        table(f"Centres of {n.acronym}", CENTRE_HEADERS, _centre_rows(ctx, members)),
        sources(ctx, n.raw, ROOT, registry_file(reg, n.id)),
    ]
    return join(body)


def _sorted_networks(reg: Any, ern_id: str) -> list[Network]:
    return sorted(
        (f for f in reg.networks.values() if ern_id in f.erns), key=lambda f: f.acronym.casefold()
    )


def campaign_page(ctx: Ctx, c: Campaign) -> Markup:
    """A labelling campaign and the centres it labelled."""
    reg = ctx.snap.reg
    labelled = ctx.members.get(c.id, [])
    body = [
        el("h1", c.name),
        el("p", "Labelling campaign", class_="kind"),
        facts(
            [
                ("Id", el("code", c.id)),
                ("Also called", listing([Markup(el("span", a)) for a in c.aliases], "; ")),
                ("Labels start", c.start or "not yet sourced"),
                ("Labels end", c.end or "not yet sourced"),
                ("Legal basis", c.raw.get("legal_basis")),
                ("Notes", c.raw.get("notes")),
            ]
        ),
        _reported_ends(ctx, c),
        el("h2", "Centres labelled"),
        table(f"Centres labelled in {c.name}", CENTRE_HEADERS, _centre_rows(ctx, labelled)),
        sources(ctx, c.raw, ROOT, registry_file(reg, c.id)),
    ]
    return join(body)


def _reported_ends(ctx: Ctx, c: Campaign) -> Markup | None:
    """Every end a source reports for the campaign's labels, each with that source."""
    reported = [r for r in c.raw.get("reported_ends") or () if isinstance(r, dict)]
    if not reported:
        return None
    rows = [
        [
            str(r.get("end")),
            r.get("note"),
            el("ul", source_item(ctx, r["source"], ROOT))
            if isinstance(r.get("source"), dict)
            else None,
        ]
        for r in reported
    ]
    return join(
        [
            el("h2", "Reported ends"),
            el("p", "Ends that sources report for these labels, each with its source."),
            table(f"Reported ends of {c.name}", ("End", "Note", "Source"), rows),
        ]
    )


def disease_page(ctx: Ctx, d: Disease) -> Markup:
    """A disease and the centres that cover it (their files are the sources)."""
    reg = ctx.snap.reg
    rows = []
    cited: dict[str, dict[str, Any]] = {}
    for cover in sorted(d.centres, key=lambda x: ctx.rank[x.centre]):
        c = reg.centres[cover.centre]
        rows.append(
            [
                ctx.centre(c.id, ROOT),
                c.kind.upper(),
                ctx.network(c.network, ROOT),
                cover.age_group or "",
                join(["inherited from ", ctx.centre(cover.listed_by, ROOT)])
                if cover.inherited
                else "listed by the centre",
            ]
        )
        for s in disease_sources(reg.centres[cover.listed_by], cover.position):
            cited.setdefault(str(s.get("url") or s.get("document")), s)
    return join(
        [
            el("h1", d.name),
            el("p", "Disease or group of diseases", class_="kind"),
            facts(
                [
                    ("ORPHAcode", f"ORPHA:{d.orpha}" if d.orpha else None),
                    ("Also called", listing([Markup(el("span", s)) for s in d.synonyms], "; ")),
                ]
            ),
            el("h2", "Centres"),
            table(
                f"Centres for {d.name}",
                ("Centre", "Kind", "Filière", "Age group", "Covered as"),
                rows,
            ),
            el("h2", "Sources") if cited else None,
            el("ul", *(source_item(ctx, s, ROOT) for s in cited.values())) if cited else None,
            el(
                "p",
                "The centres' files name this disease; each centre's page lists its sources.",
                class_="muted",
            ),
        ]
    )


def section_index(ctx: Ctx, section: str) -> tuple[str, Markup]:
    """The list page of a section: its title and body."""
    reg = ctx.snap.reg
    if section == "centres":
        rows = _centre_rows(ctx, list(reg.centres.values()))
        return "Centres", join([el("h1", "Centres"), table("All centres", CENTRE_HEADERS, rows)])
    if section == "hospitals":
        rows = [
            [
                ctx.hospital(h.id, ROOT),
                ctx.hospital(h.parent, ROOT) if h.parent else "",
                reg.hospital_attr(h.id, "city"),
                reg.hospital_attr(h.id, "region"),
            ]
            for h in sorted(reg.hospitals.values(), key=lambda h: (h.name.casefold(), h.id))
        ]
        return "Hospitals", join(
            [
                el("h1", "Hospitals"),
                table("All hospitals", ("Hospital", "Part of", "City", "Region"), rows),
            ]
        )
    if section == "networks":
        parts: list[Any] = [el("h1", "Networks")]
        for kind in ("fsmr", "ern"):
            nets = sorted(
                (n for n in reg.networks.values() if n.kind == kind),
                key=lambda n: n.acronym.casefold(),
            )
            rows = [[ctx.network(n.id, ROOT), n.name] for n in nets]
            parts.append(el("h2", KIND_NAMES[kind]))
            parts.append(table(KIND_NAMES[kind], ("Acronym", "Name"), rows))
        return "Networks", join(parts)
    if section == "campaigns":
        rows = [
            [ctx.link("campaigns", c.id, c.name, ROOT), c.start or "", c.end or ""]
            for c in sorted(reg.campaigns.values(), key=lambda c: (c.start or "9999", c.id))
        ]
        return "Campaigns", join(
            [el("h1", "Campaigns"), table("All campaigns", ("Campaign", "Start", "End"), rows)]
        )
    rows = [
        [
            ctx.link("diseases", d.key, d.name, ROOT),
            f"ORPHA:{d.orpha}" if d.orpha else "",
            len(d.centres),
        ]
        for d in ctx.diseases.values()
    ]
    return "Diseases", join(
        [el("h1", "Diseases"), table("All diseases", ("Disease", "ORPHAcode", "Centres"), rows)]
    )
