"""What every page needs to know: the snapshot, which pages exist, and how to link to them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rarereg import diseases
from rarereg.export.common import Snapshot, listed_by
from rarereg.model import Centre, Site
from rarereg.site.html import Markup, el, esc

KIND_NAMES = {
    "crmr": "Reference centre (CRMR)",
    "ccmr": "Competence centre (CCMR)",
    "crc": "Resource and competence centre (CRC)",
    "platform": "Expertise platform",
    "fsmr": "Filière (FSMR)",
    "ern": "European Reference Network (ERN)",
}


class Cover(NamedTuple):
    """One centre covering a disease: its age group, and the centre whose file lists it."""

    centre: str
    age_group: str | None
    listed_by: str
    position: int
    """The disease's place in ``listed_by``'s list (from 1), to find its sources."""

    @property
    def inherited(self) -> bool:
        """A CCMR covering its reference centre's disease."""
        return self.listed_by != self.centre


@dataclass(slots=True)
class Disease:
    """A disease of :func:`rarereg.diseases.index`, with its page name and who covers it."""

    key: str
    """The page name (``orpha-536``), from the disease's key (``ORPHA:536``)."""
    name: str
    orpha: int | None
    synonyms: list[str] = field(default_factory=list)
    centres: list[Cover] = field(default_factory=list)


def page_key(key: str) -> str:
    """A file-safe page name for a disease key: ``ORPHA:536`` → ``orpha-536``, names slugged."""
    if key.startswith("ORPHA:"):
        return "orpha-" + key.removeprefix("ORPHA:")
    slug = "-".join(key.removeprefix("name:").split())[:80]
    if re.fullmatch(r"orpha-[0-9]+", slug):
        slug = "name-" + slug  # a name must never take a coded disease's page
    if slug:
        return slug
    return "disease-" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def collect_diseases(snap: Snapshot) -> dict[str, Disease]:
    """Every disease the snapshot's centres cover (a CCMR its CRMR's), by page name."""
    reg = snap.reg
    found: dict[str, Disease] = {}
    for entry in diseases.index(reg).values():
        key = page_key(entry.key)
        page = Disease(
            key, entry.name, entry.orpha, [n for n in entry.all_names() if n != entry.name]
        )
        for centre_id, d in entry.listed:
            owner = listed_by(reg, reg.centres[centre_id])
            if owner is None:
                continue
            page.centres.append(
                Cover(centre_id, d.age_group, owner.id, owner.diseases.index(d) + 1)
            )
        found[key] = page
    return dict(sorted(found.items(), key=lambda kv: (kv[1].name.casefold(), kv[0])))


@dataclass(slots=True)
class Ctx:
    """The site being built, with the registry's links indexed once (pages never scan it all)."""

    snap: Snapshot
    documents: frozenset[str]
    """Source documents copied into the site (linked as sources/<name>)."""
    diseases: dict[str, Disease]
    covers: dict[str, list[tuple[str, Cover]]] = field(default_factory=dict)
    """Centre id → (disease page name, how it covers it), in the order its list gives them."""
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
        for key, d in ctx.diseases.items():
            for cover in d.centres:
                ctx.covers.setdefault(cover.centre, []).append((key, cover))
        for pairs in ctx.covers.values():
            pairs.sort(key=lambda pair: pair[1].position)
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
