"""The registry as schema.org JSON-LD: hospitals, networks and centres as one graph."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

from rarereg.export.common import (
    Progress,
    Snapshot,
    about,
    no_progress,
    sources_of,
    write_json,
)
from rarereg.export.fhir import FINESS_SYSTEM, KIND_DISPLAY
from rarereg.model import Campaign, Centre, Disease, Hospital, Network

BASE = "urn:rarereg:"
"""Node ids are ``urn:rarereg:<id>`` (ids are unique across kinds); a site can pass its own."""


def _node(base: str, entity_id: str) -> dict[str, str]:
    return {"@id": f"{base}{entity_id}"}


def _same_as(raw: dict[str, Any]) -> dict[str, Any]:
    return {"url": raw["website"]} if raw.get("website") else {}


def _cited(raw: dict[str, Any]) -> dict[str, Any]:
    urls = [s["url"] for s in sources_of(raw) if s.get("url")]
    return {"citation": urls} if urls else {}


def hospital_node(snap: Snapshot, h: Hospital, base: str) -> dict[str, Any]:
    """A hospital or site as a schema.org Hospital."""
    node: dict[str, Any] = {
        "@id": f"{base}{h.id}",
        "@type": "Hospital",
        "identifier": [h.id],
        "name": h.name,
    }
    if h.aliases:
        node["alternateName"] = list(h.aliases)
    if h.finess:
        finess = {"@type": "PropertyValue", "propertyID": FINESS_SYSTEM, "value": h.finess}
        node["identifier"] = [h.id, finess]
    city = snap.reg.hospital_attr(h.id, "city")
    region = snap.reg.hospital_attr(h.id, "region")
    if city or region:
        address = {"@type": "PostalAddress", "addressCountry": "FR"}
        if city:
            address["addressLocality"] = city
        if region:
            address["addressRegion"] = region
        node["address"] = address
    if h.parent:
        node["parentOrganization"] = _node(base, h.parent)
    return {**node, **_same_as(h.raw), **_cited(h.raw)}


def network_node(n: Network, base: str) -> dict[str, Any]:
    """A filière or an ERN as a MedicalOrganization."""
    node: dict[str, Any] = {
        "@id": f"{base}{n.id}",
        "@type": "MedicalOrganization",
        "identifier": [n.id],
        "name": n.name,
        "alternateName": list(dict.fromkeys([n.acronym, *n.aliases])),
        "description": KIND_DISPLAY[n.kind],
    }
    # A filière's ERNs and host hospital have no schema.org property that says them truly
    # (a filière is neither a member of an ERN nor a part of its host): the SQLite and FHIR
    # exports carry them.
    return {**node, **_same_as(n.raw), **_cited(n.raw)}


def centre_node(snap: Snapshot, c: Centre, base: str) -> dict[str, Any]:
    """A centre as a MedicalOrganization: member of its networks, part of its hospitals."""
    node: dict[str, Any] = {
        "@id": f"{base}{c.id}",
        "@type": "MedicalOrganization",
        "identifier": [c.id],
        "name": c.name,
        "description": KIND_DISPLAY[c.kind],
    }
    names = [a for a in (c.acronym, *c.aliases) if a]
    if names:
        node["alternateName"] = list(dict.fromkeys(names))
    hospitals = list(dict.fromkeys(s.hospital for s in c.sites))
    node["parentOrganization"] = [_node(base, h) for h in hospitals]
    node["location"] = [_node(base, h) for h in hospitals]
    networks = ([c.network] if c.network else []) + list(c.erns)
    if c.reference_centre:
        networks.append(c.reference_centre)
    if networks:
        node["memberOf"] = [_node(base, n) for n in networks]
    departments = [d for s in c.raw.get("sites") or () if (d := _department(s, base))]
    if departments:
        node["department"] = departments
    diseases = snap.reg.diseases_of(c)
    if diseases:
        node["knowsAbout"] = [_disease(d) for d in diseases]
    start, end = snap.reg.label_dates(c)
    if c.label is not None:
        node["hasCredential"] = _label(c, start, end, base)
    return {**node, **_same_as(c.raw), **_cited(c.raw)}


def _department(site: dict[str, Any], base: str) -> dict[str, Any] | None:
    """A centre site with service contacts as a department (its address, telephone, e-mail)."""
    if not any(site.get(k) for k in ("address", "phone", "email", "website")):
        return None
    node: dict[str, Any] = {"@type": "MedicalOrganization"}
    if site.get("department"):
        node["name"] = site["department"]
    node["parentOrganization"] = _node(base, site["hospital"])
    if site.get("address"):
        node["address"] = {"@type": "PostalAddress", "streetAddress": site["address"]}
    for key, term in (("phone", "telephone"), ("email", "email"), ("website", "url")):
        if site.get(key):
            node[term] = site[key]
    return node


def _disease(d: Disease) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "MedicalCondition", "name": d.name}
    if d.orpha is not None:
        node["code"] = {"@type": "MedicalCode", "codeValue": str(d.orpha), "codingSystem": "ORPHA"}
    return node


def _label(c: Centre, start: str | None, end: str | None, base: str) -> dict[str, Any]:
    assert c.label is not None
    credential: dict[str, Any] = {
        "@type": "EducationalOccupationalCredential",
        "credentialCategory": "label",
        "recognizedBy": _node(base, c.label.campaign),
    }
    if start:
        credential["validFrom"] = start
    if end:
        credential["expires"] = end
    return credential


def campaign_node(c: Campaign, base: str) -> dict[str, Any]:
    """A labelling campaign as an Event."""
    node: dict[str, Any] = {
        "@id": f"{base}{c.id}",
        "@type": "Event",
        "identifier": [c.id],
        "name": c.name,
    }
    if c.start:
        node["startDate"] = c.start
    if c.end:
        node["endDate"] = c.end
    return {**node, **_cited(c.raw)}


def nodes(snap: Snapshot, base: str = BASE, progress: Progress = no_progress) -> Iterator[Any]:
    """The graph's nodes: the dataset, then hospitals, networks, campaigns, centres."""
    reg = snap.reg
    info = about(snap)
    yield {
        "@id": f"{base}dataset",
        "@type": "Dataset",
        "name": "rarereg: France's rare-disease care network",
        "temporalCoverage": info["as_of"],
        "version": info["generator"],
    }
    yield from (hospital_node(snap, reg.hospitals[k], base) for k in sorted(reg.hospitals))
    progress(1, 4, "hospitals")
    yield from (network_node(reg.networks[k], base) for k in sorted(reg.networks))
    progress(2, 4, "networks")
    yield from (campaign_node(reg.campaigns[k], base) for k in sorted(reg.campaigns))
    progress(3, 4, "campaigns")
    yield from (centre_node(snap, c, base) for c in snap.centres)
    progress(4, 4, "centres")


CONTEXT = {"@context": "https://schema.org"}


def graph(snap: Snapshot, base: str = BASE, progress: Progress = no_progress) -> dict[str, Any]:
    """One JSON-LD document: the schema.org context and every entity as a node."""
    return {**CONTEXT, "@graph": list(nodes(snap, base, progress))}


def write(snap: Snapshot, handle: BinaryIO, progress: Progress = no_progress) -> None:
    """Write the document as published: indented JSON, UTF-8, nodes encoded as they come."""
    write_json(handle, CONTEXT, "@graph", nodes(snap, progress=progress))


def encode(snap: Snapshot, progress: Progress = no_progress) -> bytes:
    """The published document as bytes."""
    out = io.BytesIO()
    write(snap, out, progress)
    return out.getvalue()
