"""Questions over the registry: name matching, filters, rows and related entities."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarereg.model import Campaign, Centre, Disease, Hospital, Network, Registry

CENTRE_KINDS = ("crmr", "ccmr", "crc", "platform")
NETWORK_KINDS = ("fsmr", "ern")

# Words people drop or add when naming a hospital: "CHU Lille" is "CHU de Lille".
_STOPWORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "a", "au"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Ligatures that Unicode does not decompose: "Œsophage" is searched as "oesophage".
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def regions_of_schema() -> tuple[str, ...]:
    """The 18 regions, as the hospital schema (the single source of truth) lists them."""
    from rarereg.schemas import raw_schemas

    return tuple(raw_schemas()["hospital"]["properties"]["region"]["enum"])


class QueryError(Exception):
    """A question the registry cannot answer as asked: exit 2 with a helpful message."""


@functools.lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """Lowercase, accents and punctuation dropped, French linking words removed.

    Kept for the names seen last (a pure function): a query matches every hospital's names
    against each filter, and again to say its coverage.
    """
    if text.isascii():  # most names: nothing to decompose
        bare = text.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = bare.translate(_LIGATURES)
    words = [w for w in _NON_WORD.split(bare) if w and w not in _STOPWORDS]
    return " ".join(words)


def _names(entity: Hospital | Network | Centre | Campaign) -> list[str]:
    names = [entity.id.replace("-", " "), entity.name, *entity.aliases]
    acronym = getattr(entity, "acronym", None)
    if acronym:
        names.append(acronym)
    return names


def match_names(
    query: str, candidates: Sequence[Hospital | Network | Centre | Campaign], what: str
) -> list[str]:
    """Ids whose id, name, acronym or alias matches ``query``; exact first, then all words.

    Raises :class:`QueryError` with the closest names when nothing matches.
    """
    wanted = normalise(query)
    if not wanted:
        raise QueryError(f"empty {what} name")
    need = wanted.split()
    names = [(c.id, [n for n in _names(c) if _may_hold(n, need)]) for c in candidates]
    exact = [i for i, ns in names if any(normalise(n) == wanted for n in ns)]
    if exact:
        return exact
    words = set(wanted.split())
    partial = [i for i, ns in names if any(words <= set(normalise(n).split()) for n in ns)]
    if partial:
        return partial
    raise QueryError(_unknown_message(what, query, candidates))


def _may_hold(name: str, need: list[str]) -> bool:
    """False when ``name`` cannot hold every word in ``need`` (a normalised query's).

    Normalising every hospital's names for each ``--hospital`` costs 0.03 s on a large
    registry. A plain ASCII name's normalised words are pieces of its lower-case text, so a
    word missing from that text rules it out without normalising; any other name is kept.
    """
    if not name.isascii():
        return True
    text = name.lower()
    return all(word in text for word in need)


def _unknown_message(
    what: str, query: str, candidates: Sequence[Hospital | Network | Centre | Campaign]
) -> str:
    labels: dict[str, str] = {}
    for c in candidates:
        for n in _names(c):
            labels.setdefault(normalise(n), f"{c.name} ({c.id})")
    close = difflib.get_close_matches(normalise(query), list(labels), n=3, cutoff=0.5)
    suggestions = list(dict.fromkeys(labels[c] for c in close))
    hint = f"; did you mean: {'; '.join(suggestions)}?" if suggestions else ""
    return f"no {what} matches '{query}'{hint}"


def match_choice(query: str, options: Sequence[str], what: str) -> str:
    """One of a fixed list (regions, kinds), ignoring case and accents."""
    wanted = normalise(query)
    for option in options:
        if normalise(option) == wanted:
            return option
    close = difflib.get_close_matches(query, list(options), n=3, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else f"; one of: {', '.join(options)}"
    raise QueryError(f"unknown {what} '{query}'{hint}")


@dataclass(slots=True)
class Filters:
    """The filters `list` (and later commands) share; empty means no filter."""

    hospital: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    city: list[str] = field(default_factory=list)
    ern: list[str] = field(default_factory=list)
    search: str | None = None
    disease: list[str] = field(default_factory=list)
    orpha: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Resolved:
    """Filters turned into sets of ids and canonical values, checked against the registry."""

    hospitals: set[str] | None = None
    networks: set[str] | None = None
    kinds: set[str] | None = None
    regions: set[str] | None = None
    cities: set[str] | None = None
    erns: set[str] | None = None
    search: str | None = None
    matched_hospitals: list[str] = field(default_factory=list)
    centres: set[str] | None = None
    """The centres covering the diseases asked for (--disease, --orpha)."""
    diseases: set[str] | None = None
    """Their keys, so `list diseases` shows only the diseases asked for."""


def resolve(reg: Registry, filters: Filters, kinds: Sequence[str] = CENTRE_KINDS) -> Resolved:
    """Check every filter value against the registry; unknown names raise QueryError."""
    out = Resolved()
    if filters.hospital:
        hospitals = list(reg.hospitals.values())
        matched: list[str] = []
        for name in filters.hospital:
            matched.extend(match_names(name, hospitals, "hospital"))
        out.matched_hospitals = list(dict.fromkeys(matched))
        out.hospitals = set().union(*(reg.with_sites(h) for h in out.matched_hospitals))
    if filters.network:
        fsmr = [n for n in reg.networks.values() if n.kind == "fsmr"]
        out.networks = {i for name in filters.network for i in match_names(name, fsmr, "network")}
    if filters.ern:
        erns = [n for n in reg.networks.values() if n.kind == "ern"]
        out.erns = {i for name in filters.ern for i in match_names(name, erns, "ERN")}
    if filters.kind:
        out.kinds = {match_choice(k, kinds, "kind") for k in filters.kind}
    if filters.region:
        regions = regions_of_schema()
        out.regions = {match_choice(r, regions, "region") for r in filters.region}
    if filters.city:
        out.cities = {normalise(c) for c in filters.city}
    if filters.search:
        out.search = normalise(filters.search)
    if filters.disease or filters.orpha:
        _resolve_diseases(reg, filters, out)
    return out


def _resolve_diseases(reg: Registry, filters: Filters, out: Resolved) -> None:
    from rarereg import diseases

    known = diseases.index(reg)
    keys: set[str] = set()
    try:
        for name in filters.disease:
            keys |= diseases.match(known, name)
        keys.update(diseases.match_code(known, code) for code in filters.orpha)
    except diseases.UnknownDisease as err:
        raise QueryError(str(err)) from None
    out.diseases = keys
    out.centres = diseases.centres_for(known, keys)


def _text_matches(words: str | None, names: Iterable[str | None]) -> bool:
    if not words:
        return True
    haystack = " ".join(normalise(n) for n in names if n)
    return all(w in haystack for w in words.split())


def _site_matches(reg: Registry, hospital_id: str, r: Resolved) -> bool:
    if r.hospitals is not None and hospital_id not in r.hospitals:
        return False
    if r.regions is not None and reg.hospital_attr(hospital_id, "region") not in r.regions:
        return False
    if r.cities is not None:
        city = reg.hospital_attr(hospital_id, "city")
        if city is None or normalise(city) not in r.cities:
            return False
    return True


def _centre_matches(reg: Registry, c: Centre, r: Resolved) -> bool:
    if r.centres is not None and c.id not in r.centres:
        return False
    if r.kinds is not None and c.kind not in r.kinds:
        return False
    if r.networks is not None and c.network not in r.networks:
        return False
    if r.erns is not None and not r.erns.intersection(c.erns):
        return False
    if not r.search:
        return True
    diseases = reg.diseases_of(c)
    return _text_matches(
        r.search,
        [c.name, c.acronym, *c.aliases, *(d.name for d in diseases)]
        + [s for d in diseases for s in d.synonyms],
    )


def centre_matches(reg: Registry, centre: Centre, r: Resolved) -> bool:
    """A centre passes when its own fields match and at least one of its sites does."""
    return _centre_matches(reg, centre, r) and any(
        _site_matches(reg, s.hospital, r) for s in centre.sites
    )


def matching(reg: Registry, r: Resolved) -> Callable[[Centre], bool]:
    """:func:`centre_matches` for one set of filters, as a test of a centre.

    Filters that leave nothing out (most reports and lists) pass every centre with a site
    without weighing each filter for each of them.
    """
    if r == Resolved():
        return _has_a_site
    return lambda centre: centre_matches(reg, centre, r)


def _has_a_site(centre: Centre) -> bool:
    return bool(centre.sites)


CENTRE_COLUMNS = (
    "id",
    "name",
    "acronym",
    "kind",
    "network_id",
    "network",
    "erns",
    "hospital",
    "hospital_name",
    "legal_entity",
    "role",
    "department",
    "lead",
    "city",
    "region",
    "campaign",
    "label_start",
    "label_end",
)


def centre_rows(reg: Registry, r: Resolved) -> list[dict[str, Any]]:
    """One row per centre and site, for the sites that pass the filters."""
    rows: list[dict[str, Any]] = []
    # Filter (sites too) before sorting: a question usually keeps a few centres of thousands.
    kept = list(filter(matching(reg, r), reg.centres.values()))
    for centre in sorted(kept, key=lambda c: (c.name.casefold(), c.id)):
        start, end = reg.label_dates(centre)
        network = reg.networks.get(centre.network) if centre.network else None
        for site in centre.sites:
            if not _site_matches(reg, site.hospital, r):
                continue
            hospital = reg.hospitals.get(site.hospital)
            rows.append(
                {
                    "id": centre.id,
                    "name": centre.name,
                    "acronym": centre.acronym,
                    "kind": centre.kind,
                    "network_id": centre.network,
                    "network": network.acronym if network else centre.network,
                    "erns": list(centre.erns),
                    "hospital": site.hospital,
                    "hospital_name": hospital.name if hospital else None,
                    "legal_entity": reg.legal_entity(site.hospital),
                    "role": site.role,
                    "department": site.department,
                    "lead": site.lead,
                    "city": reg.hospital_attr(site.hospital, "city"),
                    "region": reg.hospital_attr(site.hospital, "region"),
                    "campaign": centre.label.campaign if centre.label else None,
                    "label_start": start,
                    "label_end": end,
                }
            )
    return rows


HOSPITAL_COLUMNS = ("id", "name", "parent", "city", "region", "finess")


def hospital_rows(reg: Registry, r: Resolved) -> list[dict[str, Any]]:
    """One row per hospital or site passing the filters."""
    rows = []
    for h in sorted(reg.hospitals.values(), key=lambda h: (h.name.casefold(), h.id)):
        if not _site_matches(reg, h.id, r) or not _text_matches(r.search, [h.name, *h.aliases]):
            continue
        rows.append(
            {
                "id": h.id,
                "name": h.name,
                "parent": h.parent,
                "city": reg.hospital_attr(h.id, "city"),
                "region": reg.hospital_attr(h.id, "region"),
                "finess": h.finess,
            }
        )
    return rows


NETWORK_COLUMNS = ("id", "kind", "acronym", "name", "host", "erns")


def network_rows(reg: Registry, r: Resolved) -> list[dict[str, Any]]:
    """One row per network passing the filters."""
    rows = []
    for n in sorted(reg.networks.values(), key=lambda n: (n.kind, n.acronym.casefold())):
        if r.kinds is not None and n.kind not in r.kinds:
            continue
        if r.hospitals is not None and n.host not in r.hospitals:
            continue
        if r.erns is not None and not r.erns.intersection(n.erns) and n.id not in r.erns:
            continue
        if not _text_matches(r.search, [n.name, n.acronym, *n.aliases]):
            continue
        rows.append(
            {
                "id": n.id,
                "kind": n.kind,
                "acronym": n.acronym,
                "name": n.name,
                "host": n.host,
                "erns": list(n.erns),
            }
        )
    return rows


CAMPAIGN_COLUMNS = ("id", "name", "start", "end", "centres")


def campaign_rows(reg: Registry, r: Resolved) -> list[dict[str, Any]]:
    """One row per campaign, with how many centres it labelled."""
    counts: dict[str, int] = {}
    for c in reg.centres.values():
        for campaign in campaigns_of(c):
            counts[campaign] = counts.get(campaign, 0) + 1
    return [
        {"id": c.id, "name": c.name, "start": c.start, "end": c.end, "centres": counts.get(c.id, 0)}
        for c in sorted(reg.campaigns.values(), key=lambda c: (c.start or "9999", c.id))
        if _text_matches(r.search, [c.name, *c.aliases])
    ]


# Which filters make sense for which list; any other is a usage error, not a silent no-op.
_CENTRE_FILTERS = {
    "hospital",
    "network",
    "kind",
    "region",
    "city",
    "ern",
    "disease",
    "orpha",
    "search",
}
APPLICABLE = {
    "centres": _CENTRE_FILTERS,
    "diseases": _CENTRE_FILTERS,
    "hospitals": {"hospital", "region", "city", "search"},
    "networks": {"hospital", "kind", "ern", "search"},
    "campaigns": {"search"},
}
COLUMNS = {
    "centres": CENTRE_COLUMNS,
    "hospitals": HOSPITAL_COLUMNS,
    "networks": NETWORK_COLUMNS,
    "campaigns": CAMPAIGN_COLUMNS,
    "diseases": ("key", "orpha", "name", "synonyms", "age_groups", "centres", "crmr", "ccmr"),
}


def list_rows(reg: Registry, what: str, filters: Filters) -> list[dict[str, Any]]:
    """Rows for ``rarereg list WHAT`` with the given filters."""
    return rows_of(reg, what, resolve_for(reg, what, filters))


def resolve_for(reg: Registry, what: str, filters: Filters) -> Resolved:
    """The filters of ``rarereg list WHAT`` resolved; one that does not apply is an error."""
    used = {name for name in APPLICABLE["centres"] if getattr(filters, name)}
    stray = sorted(used - APPLICABLE[what])
    if stray:
        options = ", ".join(f"--{s}" for s in stray)
        raise QueryError(f"{options} does not apply to 'list {what}'")
    kinds = NETWORK_KINDS if what == "networks" else CENTRE_KINDS
    return resolve(reg, filters, kinds)


def rows_of(reg: Registry, what: str, resolved: Resolved) -> list[dict[str, Any]]:
    """Rows for ``rarereg list WHAT`` with filters already resolved."""
    builders = {
        "centres": centre_rows,
        "hospitals": hospital_rows,
        "networks": network_rows,
        "campaigns": campaign_rows,
        "diseases": disease_rows,
    }
    return builders[what](reg, resolved)


def disease_rows(reg: Registry, r: Resolved) -> list[dict[str, Any]]:
    """One row per disease, counting the centres that pass the filters."""
    from rarereg import diseases

    known = diseases.index(reg)
    # --search names diseases here, not centres: `list diseases --search lupus`.
    centre_filters = dataclasses.replace(r, search=None)
    kept = {c.id for c in filter(matching(reg, centre_filters), reg.centres.values())}
    rows = diseases.disease_rows(reg, known, kept)
    if r.diseases is not None:
        rows = [row for row in rows if row["key"] in r.diseases]
    return [row for row in rows if _text_matches(r.search, [row["name"], *row["synonyms"]])]


def find_entity(reg: Registry, entity_id: str) -> Hospital | Network | Campaign | Centre:
    """An entity by id; unknown ids raise QueryError naming the closest ids."""
    entity = reg.get(entity_id)
    if entity is not None:
        return entity
    left_out = [p for p in reg.skipped if Path(p).stem == entity_id]
    if left_out:
        raise QueryError(
            f"'{entity_id}' is left out of queries ({', '.join(left_out)}): its file has errors "
            "or points to one left out; run 'rarereg validate'"
        )
    everything: list[Hospital | Network | Campaign | Centre] = [
        *reg.centres.values(),
        *reg.hospitals.values(),
        *reg.networks.values(),
        *reg.campaigns.values(),
    ]
    wanted = normalise(entity_id)
    by_name = [e.id for e in everything if any(normalise(n) == wanted for n in _names(e))]
    close = by_name or difflib.get_close_matches(entity_id, reg.all_ids(), n=3, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else "; see 'rarereg list'"
    raise QueryError(f"no entity with id '{entity_id}'{hint}")


def related(reg: Registry, entity: Hospital | Network | Campaign | Centre) -> dict[str, Any]:
    """An entity with everything that points to it, as plain data with stable keys."""
    view: dict[str, Any] = {"type": _type_of(entity), **entity.raw}
    if isinstance(entity, Centre):
        view.update(_centre_related(reg, entity))
    elif isinstance(entity, Hospital):
        view.update(_hospital_related(reg, entity))
    elif isinstance(entity, Network):
        view.update(_network_related(reg, entity))
    else:
        view["centres"] = [
            _centre_brief(reg, c)
            for c in _sorted(reg.centres.values())
            if entity.id in campaigns_of(c)
        ]
    return view


def campaigns_of(centre: Centre) -> set[str]:
    """Every campaign a source says labelled the centre: the current label and earlier ones."""
    labels = [centre.label, *centre.previous_labels]
    return {label.campaign for label in labels if label is not None}


def _type_of(entity: object) -> str:
    return type(entity).__name__.lower()


def _sorted(centres: Iterable[Centre]) -> list[Centre]:
    return sorted(centres, key=lambda c: (c.kind, c.name.casefold(), c.id))


def _centre_brief(reg: Registry, c: Centre) -> dict[str, Any]:
    _, end = reg.label_dates(c)
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "hospitals": [s.hospital for s in c.sites],
        "label_end": end,
    }


def _centre_related(reg: Registry, c: Centre) -> dict[str, Any]:
    from rarereg.labels import end_certainty

    start, end = reg.label_dates(c)
    cert = end_certainty(reg, c)
    out: dict[str, Any] = {
        "label_start": start,
        "label_end": end,
        "label_end_certainty": cert.certainty,
        "label_possible_end_years": list(cert.years),
        "sites": [
            {**site, "hospital_name": _hospital_name(reg, site["hospital"])}
            for site in c.raw["sites"]
        ],
    }
    if c.diseases:
        # ORPHAcodes as numbers whatever their written form, so scripts compare them.
        out["diseases"] = [
            {**raw, **_disease_brief(d)}
            for raw, d in zip(c.raw["diseases"], c.diseases, strict=True)
        ]
    elif reg.diseases_of(c):
        # A CCMR that names no disease covers its reference centre's: say so, and whose.
        out["diseases"] = [_disease_brief(d) for d in reg.diseases_of(c)]
        out["diseases_from"] = c.reference_centre
    if c.kind == "crmr":
        out["competence_centres"] = [
            _centre_brief(reg, x) for x in _sorted(reg.competence_centres(c.id))
        ]
    return out


def _disease_brief(d: Disease) -> dict[str, Any]:
    out: dict[str, Any] = {"name": d.name}
    if d.orpha is not None:
        out["orpha"] = d.orpha
    if d.synonyms:
        out["synonyms"] = list(d.synonyms)
    if d.age_group:
        out["age_group"] = d.age_group
    return out


def _hospital_name(reg: Registry, hospital_id: str) -> str | None:
    hospital = reg.hospitals.get(hospital_id)
    return hospital.name if hospital else None


def _hospital_related(reg: Registry, h: Hospital) -> dict[str, Any]:
    family = reg.with_sites(h.id)
    centres = []
    for c in _sorted(reg.centres.values()):
        for s in c.sites:
            if s.hospital in family:
                centres.append(
                    {
                        "id": c.id,
                        "name": c.name,
                        "kind": c.kind,
                        "role": s.role,
                        "hospital": s.hospital,
                        "department": s.department,
                    }
                )
    return {
        "sites": [{"id": s, "name": reg.hospitals[s].name} for s in sorted(reg.children(h.id))],
        "centres": centres,
        "hosted_networks": [n.id for n in reg.networks.values() if n.host in family],
    }


def _network_related(reg: Registry, n: Network) -> dict[str, Any]:
    if n.kind == "fsmr":
        members = [c for c in reg.centres.values() if c.network == n.id]
        return {"centres": [_centre_brief(reg, c) for c in _sorted(members)]}
    filieres = sorted(f.id for f in reg.networks.values() if n.id in f.erns)
    members = [c for c in reg.centres.values() if n.id in c.erns]
    return {"filieres": filieres, "centres": [_centre_brief(reg, c) for c in _sorted(members)]}
