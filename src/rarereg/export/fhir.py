"""The registry as a FHIR R4 Bundle: Organizations, Locations and the affiliations between them.

Plain dictionaries, no FHIR library at run time; the tests validate the output with
``fhir.resources``. The README documents the mapping.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from rarereg.export.common import (
    Progress,
    Snapshot,
    generated_at,
    no_progress,
    write_json,
)
from rarereg.model import Centre, Disease, Hospital, Network

FINESS_SYSTEM = "http://finess.sante.gouv.fr"
"""The FINESS identifier system of the Annuaire Santé and FR Core Organization profiles."""
ORG_TYPE_SYSTEM = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-3307"
"""FR Core organisation types: LEGAL-ENTITY, GEOGRAPHICAL-ENTITY."""
ORPHA_SYSTEM = "http://www.orpha.net"
ID_SYSTEM = "urn:rarereg:id"
KIND_SYSTEM = "urn:rarereg:codesystem:kind"
AFFILIATION_SYSTEM = "urn:rarereg:codesystem:affiliation"
LABEL_PERIOD = "urn:rarereg:extension:label-period"

KIND_DISPLAY = {
    "crmr": "Centre de référence maladies rares",
    "ccmr": "Centre de compétence maladies rares",
    "crc": "Centre de ressources et de compétences",
    "platform": "Plateforme d'expertise maladies rares",
    "fsmr": "Filière de santé maladies rares",
    "ern": "European Reference Network",
}
_UUIDS = uuid.UUID("5b0c6f3e-3c1d-4f43-9a55-2f1c8e6d7a10")  # rarereg's own uuid5 namespace


def resource_id(prefix: str, *parts: str) -> str:
    """A FHIR id (at most 64 of [A-Za-z0-9-.]): readable, hashed only when too long."""
    text = "-".join((prefix, *parts))
    if len(text) <= 64:
        return text
    digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    return f"{text[:47]}-{digest}"


def full_url(resource_type: str, rid: str) -> str:
    """A stable urn:uuid for an entry, so references resolve inside the Bundle."""
    return f"urn:uuid:{uuid.uuid5(_UUIDS, f'{resource_type}/{rid}')}"


def _ref(resource_type: str, rid: str, display: str | None = None) -> dict[str, Any]:
    ref: dict[str, Any] = {"reference": full_url(resource_type, rid)}
    if display:
        ref["display"] = display
    return ref


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _ident(entity_id: str) -> dict[str, Any]:
    return {"system": ID_SYSTEM, "value": entity_id}


def _period(start: str | None, end: str | None) -> dict[str, Any] | None:
    period = {k: v for k, v in (("start", start), ("end", end)) if v}
    return period or None


def _address(snap: Snapshot, hospital_id: str) -> dict[str, Any] | None:
    city = snap.reg.hospital_attr(hospital_id, "city")
    region = snap.reg.hospital_attr(hospital_id, "region")
    if not city and not region:
        return None
    address = {"city": city, "state": region, "country": "FR"}
    return {k: v for k, v in address.items() if v}


def _hospital(snap: Snapshot, h: Hospital) -> list[dict[str, Any]]:
    rid = resource_id("h", h.id)
    identifiers = [_ident(h.id)]
    if h.finess:
        identifiers.append({"use": "official", "system": FINESS_SYSTEM, "value": h.finess})
    org: dict[str, Any] = {
        "resourceType": "Organization",
        "id": rid,
        "identifier": identifiers,
        "active": True,
        "type": [_coding(ORG_TYPE_SYSTEM, "GEOGRAPHICAL-ENTITY" if h.parent else "LEGAL-ENTITY")],
        "name": h.name,
    }
    if h.aliases:
        org["alias"] = list(h.aliases)
    if h.raw.get("website"):
        org["telecom"] = [{"system": "url", "value": h.raw["website"]}]
    address = _address(snap, h.id)
    if address:
        org["address"] = [address]
    parent = snap.reg.hospitals.get(h.parent) if h.parent else None
    if parent is not None:
        org["partOf"] = _ref("Organization", resource_id("h", parent.id), parent.name)
    out = [org]
    if address:
        out.append(
            {
                "resourceType": "Location",
                "id": resource_id("l", h.id),
                "identifier": [_ident(h.id)],
                "status": "active",
                "name": h.name,
                "mode": "instance",
                "address": address,
                "managingOrganization": _ref("Organization", rid, h.name),
            }
        )
    return out


def _network(n: Network) -> dict[str, Any]:
    org: dict[str, Any] = {
        "resourceType": "Organization",
        "id": resource_id("n", n.id),
        "identifier": [_ident(n.id)],
        "active": True,
        "type": [_coding(KIND_SYSTEM, n.kind, KIND_DISPLAY.get(n.kind))],
        "name": n.name,
        "alias": list(dict.fromkeys([n.acronym, *n.aliases])),
    }
    if n.raw.get("website"):
        org["telecom"] = [{"system": "url", "value": n.raw["website"]}]
    return org


def _centre(snap: Snapshot, c: Centre) -> list[dict[str, Any]]:
    rid = resource_id("c", c.id)
    start, end = snap.reg.label_dates(c)
    org: dict[str, Any] = {"resourceType": "Organization", "id": rid}
    period = _period(start, end)
    if period:
        org["extension"] = [{"url": LABEL_PERIOD, "valuePeriod": period}]
    org.update(
        {
            "identifier": [_ident(c.id)],
            "active": c.raw.get("status") not in ("withdrawn", "lapsed"),
            "type": [_coding(KIND_SYSTEM, c.kind, KIND_DISPLAY.get(c.kind))],
            "name": c.name,
        }
    )
    aliases = list(dict.fromkeys([a for a in (c.acronym, *c.aliases) if a]))
    if aliases:
        org["alias"] = aliases
    if c.raw.get("website"):
        org["telecom"] = [{"system": "url", "value": c.raw["website"]}]
    out = [org]
    diseases = snap.reg.diseases_of(c)
    if diseases:
        out.append(_service(c, rid, diseases))
    for i, site in enumerate(c.sites, 1):
        hospital = snap.reg.hospitals.get(site.hospital)
        place = _site_location(c, i, hospital) if hospital is not None else None
        if place is not None:
            out.append(place)
    return out


def _service(c: Centre, org_id: str, diseases: Iterable[Disease]) -> dict[str, Any]:
    characteristics = []
    for d in diseases:
        # FHIR codes are strings; the number is the ORPHAcode.
        concept: dict[str, Any] = (
            _coding(ORPHA_SYSTEM, str(d.orpha), d.name) if d.orpha is not None else {}
        )
        concept["text"] = d.name
        characteristics.append(concept)
    return {
        "resourceType": "HealthcareService",
        "id": resource_id("s", c.id),
        "identifier": [_ident(c.id)],
        "active": True,
        "providedBy": _ref("Organization", org_id, c.name),
        "name": c.name,
        "characteristic": characteristics,
    }


def _affiliation(
    key: str,
    organization: dict[str, Any],
    participant: dict[str, Any],
    code: str,
    period: dict[str, Any] | None = None,
    location: dict[str, Any] | None = None,
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "OrganizationAffiliation",
        "id": resource_id("a", key),
        "active": True,
    }
    if period:
        res["period"] = period
    res["organization"] = organization
    res["participatingOrganization"] = participant
    res["code"] = [_coding(AFFILIATION_SYSTEM, code)]
    if location:
        res["location"] = [location]
    return res


def _site_location(c: Centre, position: int, hospital: Hospital) -> dict[str, Any] | None:
    """A centre site's Location, where its file gives the department's address or contacts."""
    sites = c.raw.get("sites") or []
    raw = sites[position - 1] if 0 < position <= len(sites) else {}
    telecom = [
        {"system": system, "value": raw[key]}
        for key, system in (("phone", "phone"), ("email", "email"), ("website", "url"))
        if raw.get(key)
    ]
    if not telecom and not raw.get("address"):
        return None
    place: dict[str, Any] = {
        "resourceType": "Location",
        "id": resource_id("l", c.id, "site", str(position)),
        "status": "active",
        "name": raw.get("department") or f"{c.name}, {hospital.name}",
        "mode": "instance",
    }
    if telecom:
        place["telecom"] = telecom
    if raw.get("address"):
        place["address"] = {"text": raw["address"]}
    place["managingOrganization"] = _ref(
        "Organization", resource_id("h", hospital.id), hospital.name
    )
    return place


def _centre_affiliations(snap: Snapshot, c: Centre) -> list[dict[str, Any]]:
    reg = snap.reg
    me = _ref("Organization", resource_id("c", c.id), c.name)
    period = _period(*reg.label_dates(c))
    out = []
    for i, site in enumerate(c.sites, 1):
        hospital = reg.hospitals.get(site.hospital)
        if hospital is None:
            continue
        where = (
            _ref("Location", resource_id("l", hospital.id), hospital.name)
            if _address(snap, hospital.id)
            else None
        )
        own = _site_location(c, i, hospital)
        if own is not None:
            where = _ref("Location", own["id"], own["name"])
        out.append(
            _affiliation(
                f"{c.id}-site-{i}",
                me,
                _ref("Organization", resource_id("h", hospital.id), hospital.name),
                site.role or "site",
                period,
                where,
            )
        )
    if c.network in reg.networks:
        network = reg.networks[c.network]
        out.append(
            _affiliation(
                f"{c.id}-in-{network.id}",
                _ref("Organization", resource_id("n", network.id), network.acronym),
                me,
                "filiere-member",
                period,
            )
        )
    for ern_id in c.erns:
        if ern_id in reg.networks:
            ern = reg.networks[ern_id]
            out.append(
                _affiliation(
                    f"{c.id}-in-{ern.id}",
                    _ref("Organization", resource_id("n", ern.id), ern.acronym),
                    me,
                    "ern-member",
                    period,
                )
            )
    ref = reg.centres.get(c.reference_centre) if c.reference_centre else None
    if ref is not None:
        out.append(
            _affiliation(
                f"{c.id}-with-{ref.id}",
                _ref("Organization", resource_id("c", ref.id), ref.name),
                me,
                "competence-centre",
                period,
            )
        )
    return out


def _network_affiliations(snap: Snapshot, n: Network) -> list[dict[str, Any]]:
    reg = snap.reg
    me = _ref("Organization", resource_id("n", n.id), n.acronym)
    out = []
    host = reg.hospitals.get(n.host) if n.host else None
    if host is not None:
        out.append(
            _affiliation(
                f"{n.id}-host",
                me,
                _ref("Organization", resource_id("h", host.id), host.name),
                "host",
            )
        )
    for ern_id in n.erns:
        if ern_id in reg.networks:
            ern = reg.networks[ern_id]
            out.append(
                _affiliation(
                    f"{n.id}-in-{ern.id}",
                    _ref("Organization", resource_id("n", ern.id), ern.acronym),
                    me,
                    "filiere-in-ern",
                )
            )
    return out


def entries(snap: Snapshot, progress: Progress = no_progress) -> Iterator[dict[str, Any]]:
    """The Bundle's entries in a fixed order, made one at a time.

    A large registry's Bundle then never needs to be in memory whole.
    """
    reg = snap.reg
    hospitals = [reg.hospitals[k] for k in sorted(reg.hospitals)]
    networks = [reg.networks[k] for k in sorted(reg.networks)]
    centres = snap.centres
    total = len(hospitals) + 2 * len(networks) + 2 * len(centres)
    done = 0
    steps: list[tuple[str, list[Any], Callable[[Any], list[dict[str, Any]]]]] = [
        ("hospitals", hospitals, lambda h: _hospital(snap, h)),
        ("networks", networks, lambda n: [_network(n)]),
        ("centres", centres, lambda c: _centre(snap, c)),
        ("network links", networks, lambda n: _network_affiliations(snap, n)),
        ("centre links", centres, lambda c: _centre_affiliations(snap, c)),
    ]
    for what, items, make in steps:
        for item in items:
            for r in make(item):
                yield {"fullUrl": full_url(r["resourceType"], r["id"]), "resource": r}
            done += 1
        progress(done, total, what)


def _head(snap: Snapshot) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": resource_id("rarereg", snap.as_of.isoformat()),
        "type": "collection",
    }
    stamp = generated_at()
    if stamp:
        out["timestamp"] = stamp
    return out


def bundle(snap: Snapshot, progress: Progress = no_progress) -> dict[str, Any]:
    """The registry as a FHIR R4 collection Bundle, as data."""
    return {**_head(snap), "entry": list(entries(snap, progress))}


def write(snap: Snapshot, handle: BinaryIO, progress: Progress = no_progress) -> None:
    """Write the Bundle as published (the text of ``json.dumps(bundle(snap), indent=2)``).

    Entries are encoded as they are made: a large Bundle is never in memory whole.
    """
    write_json(handle, _head(snap), "entry", entries(snap, progress))


def encode(snap: Snapshot, progress: Progress = no_progress) -> bytes:
    """The published Bundle as bytes."""
    out = io.BytesIO()
    write(snap, out, progress)
    return out.getvalue()
