"""The registry as relational tables: one row per fact, ids for every reference.

Shared by the CSV and SQLite exports so that both say the same thing with the same names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rarereg.export.common import Snapshot, disease_sources, registry_file, sources_of
from rarereg.report import coverage

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Table:
    """One table: its columns (name → SQLite type), key, references, searchable columns."""

    name: str
    columns: dict[str, type]
    pk: tuple[str, ...]
    references: tuple[tuple[str, str], ...] = ()
    """(column, table): the column holds an id of that table."""
    search: tuple[str, ...] = ()
    index: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)


def _cols(names: str, ints: str = "") -> dict[str, type]:
    """Columns by name: text, except those named in ``ints``."""
    whole = set(ints.split())
    return {n: int if n in whole else str for n in names.split()}


def _spec() -> list[Table]:
    """Every table, in the order they are created (referenced tables first)."""
    return [
        Table(
            "hospitals",
            _cols("id name aliases parent legal_entity city region finess website notes file"),
            ("id",),
            (("parent", "hospitals"), ("legal_entity", "hospitals")),
            ("name", "aliases", "city"),
            ("region", "city"),
        ),
        Table(
            "published_counts",
            _cols(
                "hospital as_of crmr ccmr crc platform source_url source_document",
                ints="crmr ccmr crc platform",
            ),
            ("hospital",),
            (("hospital", "hospitals"),),
        ),
        Table(
            "coverage",
            _cols("hospital name held published published_as_of source", ints="held published"),
            ("hospital",),
            (("hospital", "hospitals"),),
        ),
        Table(
            "networks",
            _cols("id kind acronym name aliases host coordinator website notes file"),
            ("id",),
            (("host", "hospitals"),),
            ("name", "acronym", "aliases"),
            ("kind",),
        ),
        Table(
            "network_erns",
            _cols("network ern"),
            ("network", "ern"),
            (("network", "networks"), ("ern", "networks")),
            index=("ern",),
        ),
        Table(
            "campaigns",
            _cols("id name aliases start end legal_basis notes file"),
            ("id",),
            search=("name", "aliases"),
        ),
        Table(
            "reported_ends",
            _cols(
                "campaign position end note source_url source_retrieved source_document",
                ints="position",
            ),
            ("campaign", "position"),
            (("campaign", "campaigns"),),
        ),
        Table(
            "centres",
            _cols(
                "id kind name acronym aliases network reference_centre status  "
                "labelled_since label_start label_end sites_incomplete website notes  "
                "file",
                ints="sites_incomplete",
            ),
            ("id",),
            (("network", "networks"), ("reference_centre", "centres")),
            ("name", "acronym", "aliases"),
            ("kind", "network", "label_end"),
        ),
        Table(
            "labels",
            _cols("centre campaign start end note"),
            ("centre",),
            (("centre", "centres"), ("campaign", "campaigns")),
            index=("campaign",),
        ),
        Table(
            "previous_labels",
            _cols("centre position campaign start end note", ints="position"),
            ("centre", "position"),
            (("centre", "centres"), ("campaign", "campaigns")),
            index=("campaign",),
        ),
        Table(
            "sites",
            _cols(
                "centre position hospital legal_entity role department lead city region  "
                "address phone email website",
                ints="position",
            ),
            ("centre", "position"),
            (("centre", "centres"), ("hospital", "hospitals"), ("legal_entity", "hospitals")),
            ("department", "lead"),
            ("hospital", "legal_entity", "role", "region", "city"),
        ),
        Table(
            "centre_erns",
            _cols("centre ern"),
            ("centre", "ern"),
            (("centre", "centres"), ("ern", "networks")),
            index=("ern",),
        ),
        Table(
            "diseases",
            _cols("centre position name orpha synonyms age_group", ints="position orpha"),
            ("centre", "position"),
            (("centre", "centres"),),
            ("name", "synonyms"),
            ("orpha",),
        ),
        Table(
            "sources",
            _cols(
                "entity position disease url retrieved document title as_of note",
                ints="position disease",
            ),
            ("entity", "position"),
            index=("document", "disease"),
        ),
    ]


def names() -> list[str]:
    """Every table an export may hold (``diseases`` only when centres list diseases)."""
    return [t.name for t in _spec()]


def _list(values: Any) -> list[str] | None:
    """A list field as a list (None when empty, so CSV and SQLite show nothing)."""
    items = [str(v) for v in values or ()]
    return items or None


def build(snap: Snapshot) -> list[Table]:
    """Every table, filled; ``diseases`` only when some centre lists its diseases."""
    tables = {t.name: t for t in _spec()}
    reg = snap.reg
    for h in sorted(reg.hospitals.values(), key=lambda x: x.id):
        tables["hospitals"].rows.append(
            {
                "id": h.id,
                "name": h.name,
                "aliases": _list(h.aliases),
                "parent": h.parent,
                "legal_entity": reg.legal_entity(h.id),
                "city": reg.hospital_attr(h.id, "city"),
                "region": reg.hospital_attr(h.id, "region"),
                "finess": h.finess,
                "website": h.raw.get("website"),
                "notes": h.raw.get("notes"),
                "file": registry_file(reg, h.id),
            }
        )
        counts = h.raw.get("published_counts")
        if isinstance(counts, Mapping):
            source = counts.get("source") or {}
            tables["published_counts"].rows.append(
                {
                    "hospital": h.id,
                    "as_of": counts.get("as_of"),
                    **{k: counts.get(k) for k in ("crmr", "ccmr", "crc", "platform")},
                    "source_url": source.get("url"),
                    "source_document": source.get("document"),
                }
            )
    for n in sorted(reg.networks.values(), key=lambda x: x.id):
        tables["networks"].rows.append(
            {
                "id": n.id,
                "kind": n.kind,
                "acronym": n.acronym,
                "name": n.name,
                "aliases": _list(n.aliases),
                "host": n.host,
                "coordinator": n.raw.get("coordinator"),
                "website": n.raw.get("website"),
                "notes": n.raw.get("notes"),
                "file": registry_file(reg, n.id),
            }
        )
        tables["network_erns"].rows.extend({"network": n.id, "ern": e} for e in n.erns)
    for c in sorted(reg.campaigns.values(), key=lambda x: x.id):
        tables["campaigns"].rows.append(
            {
                "id": c.id,
                "name": c.name,
                "aliases": _list(c.aliases),
                "start": c.start,
                "end": c.end,
                "legal_basis": c.raw.get("legal_basis"),
                "notes": c.raw.get("notes"),
                "file": registry_file(reg, c.id),
            }
        )
        for i, r in enumerate(c.raw.get("reported_ends") or (), 1):
            source = r.get("source") or {}
            tables["reported_ends"].rows.append(
                {
                    "campaign": c.id,
                    "position": i,
                    "end": str(r.get("end")),
                    "note": r.get("note"),
                    "source_url": source.get("url"),
                    "source_retrieved": source.get("retrieved"),
                    "source_document": source.get("document"),
                }
            )
    tables["coverage"].rows.extend(cov.as_dict() for cov in coverage(reg, sorted(reg.hospitals)))
    _centre_rows(snap, tables)
    for kind in ("hospitals", "networks", "campaigns"):
        entities: Mapping[str, Any] = getattr(reg, kind)
        _source_rows(tables["sources"], entities)
    _source_rows(tables["sources"], reg.centres)
    tables["sources"].rows.sort(key=lambda r: (r["entity"], r["position"]))
    return [t for t in tables.values() if t.name != "diseases" or t.rows]


def _centre_rows(snap: Snapshot, tables: dict[str, Table]) -> None:
    reg = snap.reg
    for c in snap.centres:
        start, end = reg.label_dates(c)
        incomplete = c.raw.get("sites_incomplete")
        tables["centres"].rows.append(
            {
                "id": c.id,
                "kind": c.kind,
                "name": c.name,
                "acronym": c.acronym,
                "aliases": _list(c.aliases),
                "network": c.network,
                "reference_centre": c.reference_centre,
                "status": c.raw.get("status"),
                "labelled_since": c.raw.get("labelled_since"),
                "label_start": start,
                "label_end": end,
                "sites_incomplete": None if incomplete is None else int(bool(incomplete)),
                "website": c.raw.get("website"),
                "notes": c.raw.get("notes"),
                "file": registry_file(reg, c.id),
            }
        )
        if c.label is not None:
            tables["labels"].rows.append(
                {
                    "centre": c.id,
                    "campaign": c.label.campaign,
                    "start": c.label.start,
                    "end": c.label.end,
                    "note": c.label.note,
                }
            )
        for i, s in enumerate(c.sites, 1):
            tables["sites"].rows.append(
                {
                    "centre": c.id,
                    "position": i,
                    "hospital": s.hospital,
                    "legal_entity": reg.legal_entity(s.hospital),
                    "role": s.role,
                    "department": s.department,
                    "lead": s.lead,
                    "city": reg.hospital_attr(s.hospital, "city"),
                    "region": reg.hospital_attr(s.hospital, "region"),
                    **_contacts(c.raw, i),
                }
            )
        tables["previous_labels"].rows.extend(
            {
                "centre": c.id,
                "position": i,
                "campaign": p.campaign,
                "start": p.start,
                "end": p.end,
                "note": p.note,
            }
            for i, p in enumerate(c.previous_labels, 1)
        )
        tables["centre_erns"].rows.extend({"centre": c.id, "ern": e} for e in c.erns)
        # Each centre's own list: a CCMR's inherited diseases are the view centre_diseases.
        for i, d in enumerate(c.diseases, 1):
            tables["diseases"].rows.append(
                {
                    "centre": c.id,
                    "position": i,
                    "name": d.name,
                    "orpha": d.orpha,
                    "synonyms": _list(d.synonyms),
                    "age_group": d.age_group,
                }
            )


CONTACTS = ("address", "phone", "email", "website")


def _contacts(raw: Mapping[str, Any], position: int) -> Row:
    """A site's service contacts, as its centre's file gives them (None where it gives none)."""
    sites = raw.get("sites") or []
    site = sites[position - 1] if 0 < position <= len(sites) else None
    return {k: site.get(k) if isinstance(site, Mapping) else None for k in CONTACTS}


def _source_rows(table: Table, entities: Mapping[str, Any]) -> None:
    """Each entity's sources, then (numbered on) its diseases', ``disease`` naming which."""
    for entity_id, entity in entities.items():
        found: list[tuple[int | None, dict[str, Any]]] = [(None, s) for s in sources_of(entity.raw)]
        for position in range(1, len(getattr(entity, "diseases", ())) + 1):
            found.extend((position, s) for s in disease_sources(entity, position))
        for i, (disease, s) in enumerate(found, 1):
            table.rows.append(
                {
                    "entity": entity_id,
                    "position": i,
                    "disease": disease,
                    **{k: s.get(k) for k in ("url", "retrieved", "document", "title", "as_of")},
                    "note": s.get("note"),
                }
            )
