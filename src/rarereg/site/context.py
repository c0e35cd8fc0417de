"""What every page needs to know: the snapshot, which pages exist, and how to link to them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rarereg.export.common import Snapshot, diseases_of, orpha_code
from rarereg.model import Centre, Site
from rarereg.query import normalise
from rarereg.site.html import Markup, el, esc

KIND_NAMES = {
    "crmr": "Reference centre (CRMR)",
    "ccmr": "Competence centre (CCMR)",
    "crc": "Resource and competence centre (CRC)",
    "platform": "Expertise platform",
    "fsmr": "Filière (FSMR)",
    "ern": "European Reference Network (ERN)",
}


@dataclass(slots=True)
class Disease:
    """A disease or group of diseases as the centres' files name it, and who covers it."""

    key: str
    name: str
    orpha: str | None
    synonyms: list[str] = field(default_factory=list)
    centres: list[tuple[str, str | None]] = field(default_factory=list)
    """(centre id, age group) pairs."""


def disease_key(d: dict[str, Any]) -> str:
    """A disease's page name: its ORPHAcode when known, else its normalised name."""
    code = orpha_code(d.get("orpha"))
    if code:
        return f"orpha-{code}"
    slug = "-".join(normalise(str(d["name"])).split())[:80]
    if slug:
        return slug
    return "disease-" + hashlib.blake2b(str(d["name"]).encode(), digest_size=6).hexdigest()


def collect_diseases(snap: Snapshot) -> dict[str, Disease]:
    """Every disease named by a centre of the snapshot, by page name."""
    found: dict[str, Disease] = {}
    for centre in snap.centres:
        for d in diseases_of(centre):
            key = disease_key(d)
            entry = found.setdefault(key, Disease(key, str(d["name"]), orpha_code(d.get("orpha"))))
            for synonym in d.get("synonyms") or ():
                if synonym not in entry.synonyms and synonym != entry.name:
                    entry.synonyms.append(str(synonym))
            entry.centres.append((centre.id, d.get("age_group")))
    return dict(sorted(found.items(), key=lambda kv: (kv[1].name.casefold(), kv[0])))


@dataclass(slots=True)
class Ctx:
    """The site being built, with the registry's links indexed once (pages never scan it all)."""

    snap: Snapshot
    documents: frozenset[str]
    """Source documents copied into the site (linked as sources/<name>)."""
    diseases: dict[str, Disease]
    rank: dict[str, int] = field(default_factory=dict)
    """Centre id → its place in the order pages list centres (kind, name, id)."""
    sites_at: dict[str, list[tuple[Centre, Site]]] = field(default_factory=dict)
    members: dict[str, list[Centre]] = field(default_factory=dict)
    """Network, ERN, campaign or CRMR id → its centres, in order."""
    hosted: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def make(cls, snap: Snapshot, documents: frozenset[str]) -> Ctx:
        """The context of a snapshot, its indexes built."""
        ctx = cls(snap, documents, collect_diseases(snap))
        ordered = sorted(snap.reg.centres.values(), key=lambda c: (c.kind, c.name.casefold(), c.id))
        ctx.rank = {c.id: i for i, c in enumerate(ordered)}
        for c in ordered:
            for site in c.sites:
                ctx.sites_at.setdefault(site.hospital, []).append((c, site))
            keys = [c.network, *c.erns, c.reference_centre, c.label.campaign if c.label else None]
            for key in dict.fromkeys(k for k in keys if k):
                ctx.members.setdefault(key, []).append(c)
        for n in sorted(snap.reg.networks.values(), key=lambda n: n.id):
            if n.host:
                ctx.hosted.setdefault(n.host, []).append(n.id)
        return ctx

    def in_order(self, centres: Iterable[Centre]) -> list[Centre]:
        """Centres in the order pages list them."""
        return sorted(centres, key=lambda c: self.rank[c.id])

    def exists(self, section: str, key: str) -> bool:
        """Whether the page ``section/key.html`` is built."""
        reg = self.snap.reg
        tables: dict[str, Mapping[str, object]] = {
            "centres": reg.centres,
            "hospitals": reg.hospitals,
            "networks": reg.networks,
            "campaigns": reg.campaigns,
            "diseases": self.diseases,
        }
        table = tables[section]
        return key in table

    def link(self, section: str, key: str | None, text: Any, root: str) -> Markup:
        """A link to an entity's page, or its text alone when there is no such page."""
        if key is None:
            return esc(text)
        if not self.exists(section, key):
            return el("span", text, title=f"{key}: not in this snapshot")
        return el("a", text, href=f"{root}{section}/{key}.html")

    def hospital(self, hospital_id: str | None, root: str) -> Markup:
        """A link to a hospital, named."""
        if hospital_id is None:
            return esc("")
        h = self.snap.reg.hospitals.get(hospital_id)
        return self.link("hospitals", hospital_id, h.name if h else hospital_id, root)

    def network(self, network_id: str | None, root: str) -> Markup:
        """A link to a network, by acronym."""
        if network_id is None:
            return esc("")
        n = self.snap.reg.networks.get(network_id)
        return self.link("networks", network_id, n.acronym if n else network_id, root)

    def centre(self, centre_id: str | None, root: str) -> Markup:
        """A link to a centre, named."""
        if centre_id is None:
            return esc("")
        c = self.snap.reg.centres.get(centre_id)
        return self.link("centres", centre_id, c.name if c else centre_id, root)
