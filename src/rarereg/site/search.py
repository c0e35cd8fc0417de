"""The search index the home page's script reads: one record per page, short keys."""

from __future__ import annotations

from typing import Any

from rarereg.site.context import Ctx


def _hospital_words(ctx: Ctx, hospital_id: str) -> list[str]:
    reg = ctx.snap.reg
    out = []
    for hid in (hospital_id, reg.legal_entity(hospital_id)):
        h = reg.hospitals.get(hid)
        if h is not None:
            out += [h.name, *h.aliases]
    return out


def index(ctx: Ctx) -> list[dict[str, Any]]:
    """Records: type, name, url, extra words, and the facets the filters use."""
    reg = ctx.snap.reg
    records: list[dict[str, Any]] = []
    for c in ctx.snap.centres:
        words: list[str] = [c.id, c.acronym or "", *c.aliases]
        for s in c.sites:
            words += _hospital_words(ctx, s.hospital)
            words.append(reg.hospital_attr(s.hospital, "city") or "")
        nets = [n for n in (c.network, *c.erns) if n]
        for net in nets:
            if net in reg.networks:
                words += [reg.networks[net].acronym, reg.networks[net].name]
        records.append(
            {
                "t": "centre",
                "n": c.name,
                "u": f"centres/{c.id}.html",
                "k": c.kind,
                "w": _words(words),
                "r": sorted({r for s in c.sites for r in [_region(ctx, s.hospital)] if r}),
                "f": sorted(nets),
            }
        )
    for h in sorted(reg.hospitals.values(), key=lambda x: x.id):
        region = _region(ctx, h.id)
        words = [h.id, *h.aliases, reg.hospital_attr(h.id, "city") or ""]
        if h.parent:
            words += _hospital_words(ctx, h.parent)
        records.append(
            {
                "t": "hospital",
                "n": h.name,
                "u": f"hospitals/{h.id}.html",
                "w": _words(words),
                "r": [region] if region else [],
            }
        )
    for n in sorted(reg.networks.values(), key=lambda x: x.id):
        records.append(
            {
                "t": "network",
                "n": f"{n.acronym}: {n.name}",
                "u": f"networks/{n.id}.html",
                "k": n.kind,
                "w": _words([n.id, *n.aliases]),
                "f": [n.id],
            }
        )
    for campaign in sorted(reg.campaigns.values(), key=lambda x: x.id):
        records.append(
            {
                "t": "campaign",
                "n": campaign.name,
                "u": f"campaigns/{campaign.id}.html",
                "w": _words([campaign.id, *campaign.aliases]),
            }
        )
    for d in ctx.diseases.values():
        records.append(
            {
                "t": "disease",
                "n": d.name,
                "u": f"diseases/{d.key}.html",
                "w": _words([*d.synonyms, f"ORPHA:{d.orpha}" if d.orpha else ""]),
            }
        )
    return records


def _region(ctx: Ctx, hospital_id: str) -> str | None:
    return ctx.snap.reg.hospital_attr(hospital_id, "region")


def _words(words: list[str]) -> str:
    return " ".join(dict.fromkeys(w for w in words if w))
