"""Counts: how many centres and sites, by kind, hospital, network, region, campaign, end year."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any, NamedTuple

from rarereg import labels
from rarereg.model import Centre, Registry, Site, source_name
from rarereg.query import Resolved, matching

BREAKDOWNS = ("kind", "hospital", "network", "region", "campaign", "end-year", "disease")
COUNT_KEYS = (
    "crmr_coordinating",
    "crmr_constitutive",
    "crmr_role_unstated",
    "crmr_sites",
    "ccmr",
    "crc",
    "platform",
    "total",
)
KIND_KEYS = ("kind", "centres", "sites", "coordinating", "constitutive", "role_unstated")
PUBLISHED_KEYS = (
    "published_crmr",
    "published_ccmr",
    "published_crc",
    "published_platform",
    "published_total",
    "published_as_of",
    "coverage",
)
NONE = "(none)"


class Record(NamedTuple):
    """One site of one centre: the unit that hospitals count."""

    centre: Centre
    site: Site
    slot: str = ""
    """The count this site adds to besides ``total``: its kind, or a CRMR site's role."""


def records(reg: Registry, r: Resolved) -> list[Record]:
    """Every site that passes the filters (centre-level filters on the centre, site-level on it)."""
    out = []
    for centre in filter(matching(reg, r), reg.centres.values()):
        for site in centre.sites:
            if r.hospitals is None or site.hospital in r.hospitals:
                out.append(Record(centre, site, _slot(centre, site)))
    return out


def _slot(centre: Centre, site: Site) -> str:
    kind = centre.kind
    return f"crmr_{site.role or 'role_unstated'}" if kind == "crmr" else kind


_SLOT_OF = attrgetter("slot")


def _counts(tally: Iterable[tuple[str, int]]) -> dict[str, int]:
    """The count keys of a group from how many of its sites add to each slot."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    for slot, n in tally:
        counts[slot] += n
        if slot.startswith("crmr_"):
            counts["crmr_sites"] += n
        counts["total"] += n
    return counts


def _count(recs: Iterable[Record]) -> dict[str, int]:
    return _counts(Counter(map(_SLOT_OF, recs)).items())


def by_kind(recs: list[Record]) -> list[dict[str, Any]]:
    """Per kind: distinct centres and sites; for crmr, sites by role."""
    sites = Counter(map(_SLOT_OF, recs))
    centres = Counter({rec.centre.id: rec.centre.kind for rec in recs}.values())
    rows = []
    for kind in ("crmr", "ccmr", "crc", "platform"):
        crmr = kind == "crmr"
        rows.append(
            {
                "kind": kind,
                "centres": centres[kind],
                "sites": sum(n for slot, n in sites.items() if slot.startswith(kind)),
                "coordinating": sites["crmr_coordinating"] if crmr else None,
                "constitutive": sites["crmr_constitutive"] if crmr else None,
                "role_unstated": sites["crmr_role_unstated"] if crmr else None,
            }
        )
    return rows


def _grouped(
    recs: list[Record], key: Callable[[Record], str], name: Callable[[str], str | None]
) -> list[dict[str, Any]]:
    # Each site's group and slot, counted in pairs by Counter: one pass, counting done in C.
    pairs = Counter(zip(map(key, recs), map(_SLOT_OF, recs), strict=True))
    tallies: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (group, slot), n in pairs.items():
        tallies[group].append((slot, n))
    rows = [{"key": k, "name": name(k), **_counts(t)} for k, t in tallies.items()]
    return sorted(rows, key=lambda row: (row["key"] == NONE, -row["total"], row["key"]))


def by_hospital(
    reg: Registry, recs: list[Record], only: list[str] | None = None
) -> list[dict[str, Any]]:
    """Per legal entity, its sites folded in, with the counts it publishes beside ours.

    With ``only``, per hospital asked about (a group of sites such as an AP-HP university group
    counts its own sites), in the order asked.
    """
    wanted = set(only or ())
    rows = _grouped(
        recs,
        _by_site(lambda hospital_id: _group_of(reg, hospital_id, wanted)),
        lambda k: reg.hospitals[k].name if k in reg.hospitals else None,
    )
    if only is not None:
        present = {row["key"] for row in rows}
        rows += [
            {"key": k, "name": reg.hospitals[k].name, **_count([])}
            for k in only
            if k not in present
        ]
        order = {k: i for i, k in enumerate(only)}
        rows = sorted((row for row in rows if row["key"] in order), key=lambda r: order[r["key"]])
    for row in rows:
        row.update(_published(reg, row))
    return rows


def _by_site(group: Callable[[str], str]) -> Callable[[Record], str]:
    """A record's group from its site's hospital, worked out once per hospital."""
    known: dict[str, str] = {}

    def key(rec: Record) -> str:
        hospital_id = rec.site.hospital
        found = known.get(hospital_id)
        if found is None:
            found = known[hospital_id] = group(hospital_id)
        return found

    return key


def _group_of(reg: Registry, hospital_id: str, wanted: set[str]) -> str:
    """The nearest hospital asked about above a site (or itself), else its legal entity."""
    seen: set[str] = set()
    current: str | None = hospital_id
    while current is not None and current not in seen:
        if current in wanted:
            return current
        seen.add(current)
        hospital = reg.hospitals.get(current)
        current = hospital.parent if hospital else None
    return reg.legal_entity(hospital_id)


def _published(reg: Registry, row: dict[str, Any]) -> dict[str, Any]:
    counts = reg.published_counts(row["key"])
    if not counts:
        return dict.fromkeys(PUBLISHED_KEYS)
    total = published_total(counts)
    held = _held(row, counts)
    return {
        "published_crmr": counts.get("crmr"),
        "published_ccmr": counts.get("ccmr"),
        "published_crc": counts.get("crc"),
        "published_platform": counts.get("platform"),
        "published_total": total,
        "published_as_of": counts.get("as_of"),
        "coverage": f"{held} of {total}" if total else None,
    }


def published_total(counts: dict[str, Any]) -> int | None:
    """The hospital's own total: as published, else the sum of the kinds it publishes."""
    if isinstance(counts.get("total"), int):
        return int(counts["total"])
    given = [counts[k] for k in PUBLISHED_KINDS if isinstance(counts.get(k), int)]
    return sum(given) if given else None


PUBLISHED_KINDS = ("crmr", "ccmr", "crc", "platform")
_HELD_KEY = {"crmr": "crmr_sites", "ccmr": "ccmr", "crc": "crc", "platform": "platform"}


def _held(row: dict[str, Any], counts: dict[str, Any]) -> int:
    """The registry's count comparable with the published total: same kinds, sites as centres.

    Hospitals count each CRMR site they hold as one reference centre; where they publish only
    some kinds (and no total), only those kinds are comparable.
    """
    if isinstance(counts.get("total"), int):
        return int(row["total"])
    return sum(int(row[_HELD_KEY[k]]) for k in PUBLISHED_KINDS if isinstance(counts.get(k), int))


class Coverage(NamedTuple):
    """How much of what a hospital publishes the registry holds."""

    hospital: str
    name: str
    held: int
    published: int
    as_of: str | None
    source: str

    def sentence(self) -> str:
        """'4 of 86 centres published by CHU de Lille are in the registry (count as of …)'."""
        when = f"count as of {self.as_of}" if self.as_of else "the count is undated"
        return (
            f"{self.held} of {self.published} centres published by {self.name} are in the "
            f"registry ({when}; source: {self.source})"
        )

    def as_dict(self) -> dict[str, Any]:
        """Stable keys for JSON."""
        return {
            "hospital": self.hospital,
            "name": self.name,
            "held": self.held,
            "published": self.published,
            "published_as_of": self.as_of,
            "source": self.source,
        }


def coverage(reg: Registry, hospital_ids: Iterable[str]) -> list[Coverage]:
    """Coverage of each hospital among these (or above them) that publishes its counts.

    Counts every centre of the registry given (callers pass the registry as labelled on their
    date), whatever other filters a question used: coverage is about the hospital.
    """
    wanted = list(dict.fromkeys(a for h in hospital_ids for a in _publishing(reg, h)))
    out = []
    for hospital_id in wanted:
        counts = reg.published_counts(hospital_id)
        total = published_total(counts) if counts else None
        if counts is None or not total:
            continue
        family = reg.with_sites(hospital_id)
        row = _count(records(reg, Resolved(hospitals=set(family))))
        source = counts.get("source", {})
        out.append(
            Coverage(
                hospital_id,
                reg.hospitals[hospital_id].name,
                _held(row, counts),
                total,
                counts.get("as_of"),
                source_name(source) if isinstance(source, dict) else "?",
            )
        )
    return out


def by_network(reg: Registry, recs: list[Record]) -> list[dict[str, Any]]:
    """Per filière."""
    return _grouped(
        recs,
        lambda rec: rec.centre.network or NONE,
        lambda k: reg.networks[k].acronym if k in reg.networks else None,
    )


def by_region(reg: Registry, recs: list[Record]) -> list[dict[str, Any]]:
    """Per region of each site."""
    return _grouped(
        recs, _by_site(lambda h: reg.hospital_attr(h, "region") or NONE), lambda k: None
    )


def by_campaign(reg: Registry, recs: list[Record]) -> list[dict[str, Any]]:
    """Per labelling campaign."""
    return _grouped(
        recs,
        lambda rec: rec.centre.label.campaign if rec.centre.label else NONE,
        lambda k: reg.campaigns[k].name if k in reg.campaigns else None,
    )


def by_end_year(reg: Registry, recs: list[Record]) -> list[dict[str, Any]]:
    """Per year in which the label ends."""
    years: dict[tuple[str | None, str | None], str] = {}  # most centres share their dates

    def year(rec: Record) -> str:
        dates = reg.label_dates(rec.centre)
        found = years.get(dates)
        if found is None:
            end = labels.span(reg, rec.centre).end
            found = years[dates] = str(end.year) if end else NONE
        return found

    rows = _grouped(recs, year, lambda k: None)
    return sorted(rows, key=lambda row: (row["key"] == NONE, row["key"]))


def by_disease(reg: Registry, recs: list[Record]) -> list[dict[str, Any]]:
    """Per disease or group; a centre counts once for each disease it covers.

    A CCMR that lists none counts for its reference centre's; centres that list none are
    under (none).
    """
    from rarereg import diseases

    known = diseases.index(reg)
    key_of: dict[str, list[str]] = defaultdict(list)
    for entry in known.values():
        for centre_id in entry.centres:
            key_of[centre_id].append(entry.key)
    groups: dict[str, list[Record]] = defaultdict(list)
    for rec in recs:
        for key in key_of.get(rec.centre.id) or [NONE]:
            groups[key].append(rec)
    rows = [
        {
            "key": key,
            "name": known[key].name if key in known else None,
            "centres": len({rec.centre.id for rec in group}),
            **_count(group),
        }
        for key, group in groups.items()
    ]
    return sorted(rows, key=lambda row: (row["key"] == NONE, -row["centres"], row["key"]))


def columns(by: str) -> tuple[str, ...]:
    """The keys of one breakdown's rows, in order."""
    if by == "kind":
        return KIND_KEYS
    if by == "disease":
        return ("key", "name", "centres", *COUNT_KEYS)
    extra = PUBLISHED_KEYS if by == "hospital" else ()
    return ("key", "name", *COUNT_KEYS, *extra)


def breakdown(
    reg: Registry, recs: list[Record], by: str, hospitals: list[str] | None = None
) -> list[dict[str, Any]]:
    """Rows of one breakdown."""
    if by == "kind":
        return by_kind(recs)
    if by == "hospital":
        return by_hospital(reg, recs, hospitals)
    table = {
        "network": by_network,
        "region": by_region,
        "campaign": by_campaign,
        "end-year": by_end_year,
        "disease": by_disease,
    }
    return table[by](reg, recs)


def _publishing(reg: Registry, hospital_id: str) -> list[str]:
    """The hospital and the groups above it, nearest first, that publish their counts."""
    out: list[str] = []
    seen: set[str] = set()
    current: str | None = hospital_id
    while current is not None and current not in seen:
        seen.add(current)
        if reg.published_counts(current):
            out.append(current)
        hospital = reg.hospitals.get(current)
        current = hospital.parent if hospital else None
    return out
