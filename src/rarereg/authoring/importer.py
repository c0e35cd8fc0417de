"""``rarereg import``: the files a transcribed official list has and the registry lacks.

The counterpart of ``compare --against``, and built on its matching
(:func:`rarereg.against.match`): a row matches a centre by id, else by normalised name and
hospital. Rows that match nothing become new centre files (a CRMR's rows with one name and
filière become one centre with several sites), with new hospital files where the hospital is
unknown; the list is their source. A matched centre whose kind or filière differs is changed
only when asked (``update``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarereg.against import Matching, match
from rarereg.authoring import canonical
from rarereg.authoring.files import (
    FOLDER_OF,
    AuthoringError,
    Change,
    check_slug,
    read_bytes,
    shown,
    slugify,
)
from rarereg.authoring.new import CENTRE_KINDS, ROLES, candidates, choose, derive_id, pick
from rarereg.model import Registry
from rarereg.query import normalise

COLUMNS = ("action", "kind", "id", "lines", "detail")
OPTIONAL = ("id", "acronym", "role", "department", "lead", "city", "region", "finess", "campaign")
"""Columns read when present, besides kind, name, hospital and network."""


@dataclass(slots=True)
class Outcome:
    """What importing a list does: files to write and a row per decision, for the report."""

    changes: list[Change] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def count(self, action: str) -> int:
        """How many report rows have this action."""
        return sum(r["action"] == action for r in self.rows)

    def add(self, action: str, kind: str, entity_id: str, lines: list[int], detail: str) -> None:
        """One row of the report."""
        self.rows.append(
            {
                "action": action,
                "kind": kind,
                "id": entity_id,
                "lines": " ".join(str(n) for n in lines),
                "detail": detail,
            }
        )


def list_source(csv_path: Path, given: str | None, root: Path, today: dt.date) -> dict[str, str]:
    """How the created files cite the list.

    ``given`` (a URL or a document), else the CSV itself when it lies in ``sources/``.
    """
    from rarereg.authoring.new import source_entry

    if given:
        return source_entry(given, root, today)
    folder = (root / "sources").resolve()
    if csv_path.resolve().parent == folder:
        return {"document": csv_path.name}
    raise AuthoringError(
        f"the created files must cite the list: copy {csv_path.name} into "
        f"{shown(root / 'sources')} "
        f"and import it from there, or pass --source URL"
    )


def plan(
    reg: Registry,
    rows: list[dict[str, str]],
    root: Path,
    source: dict[str, str],
    *,
    update: bool = False,
) -> Outcome:
    """Every decision for the list's rows; nothing is written."""
    out = Outcome()
    matching = match(reg, rows)
    out.rows.extend(
        {
            "action": "present",
            "kind": "centre",
            "id": r["id"],
            "lines": str(r["line"]),
            "detail": "",
        }
        for r in matching.matched
    )
    _differences(reg, matching, rows, root, source, update, out)
    _creations(reg, matching, rows, root, source, out)
    out.rows.sort(key=lambda r: (int(r["lines"].split()[0]), r["kind"] != "hospital"))
    return out


def _differences(
    reg: Registry,
    matching: Matching,
    rows: list[dict[str, str]],
    root: Path,
    source: dict[str, str],
    update: bool,
    out: Outcome,
) -> None:
    edits: dict[str, dict[str, Any]] = {}
    lines: dict[str, list[int]] = {}
    for found in matching.mismatched:
        row = rows[found["line"] - 2]
        centre = reg.centres[found["id"]]
        if not update:
            out.add(
                "differs",
                "centre",
                centre.id,
                [found["line"]],
                f"{found['differences']} (pass --update to take the list's)",
            )
            continue
        try:
            fields = _row_fields(reg, row)
        except AuthoringError as exc:
            out.add("unmatched", "centre", centre.id, [found["line"]], str(exc))
            continue
        wanted = {k: v for k, v in fields.items() if centre.raw.get(k) != v}
        edits.setdefault(centre.id, {}).update(wanted)
        lines.setdefault(centre.id, []).append(found["line"])
    for centre_id, wanted in sorted(edits.items()):
        path = root / FOLDER_OF["centre"] / f"{centre_id}.yaml"
        shown = reg.paths[centre_id]
        tree, errors = canonical.read(read_bytes(path), "centre", shown)
        if tree is None:
            detail = errors[0].message if errors else "unreadable"
            out.add("unmatched", "centre", centre_id, lines[centre_id], f"{shown}: {detail}")
            continue
        for key, value in wanted.items():
            tree[key] = value
        from rarereg.authoring.renew import add_source

        add_source(tree, source)
        out.changes.append(Change(path, "centre", canonical.render(tree, "centre", shown), False))
        changed = ", ".join(f"{k}: {v}" for k, v in wanted.items())
        out.add("updated", "centre", centre_id, lines[centre_id], changed)


def _row_fields(reg: Registry, row: dict[str, str]) -> dict[str, str]:
    fields = {"kind": choose(row.get("kind", ""), CENTRE_KINDS, "kind")}
    if row.get("network"):
        fields["network"] = pick(reg, "network", row["network"])
    return fields


@dataclass(slots=True)
class _NewCentre:
    kind: str
    name: str
    network: str | None
    city: str | None = None
    given_id: str | None = None
    lines: list[int] = field(default_factory=list)
    sites: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _creations(
    reg: Registry,
    matching: Matching,
    rows: list[dict[str, str]],
    root: Path,
    source: dict[str, str],
    out: Outcome,
) -> None:
    # ids of the registry, and names of files it could not read (they still hold the name)
    taken = set(reg.all_ids()) | {
        p.stem for folder in FOLDER_OF.values() for p in (root / folder).glob("*.yaml")
    }
    new_hospitals: dict[str, str] = {}  # normalised name → new id
    centres: dict[tuple[str, ...], _NewCentre] = {}
    for missing in matching.only_in_csv:
        line = missing["line"]
        row = rows[line - 2]
        try:
            fields = _row_fields(reg, row)
            hospital = _hospital(reg, row, root, source, taken, new_hospitals, out, line)
            extra = _centre_extra(reg, row)
        except AuthoringError as exc:
            out.add("unmatched", "centre", "", [line], str(exc))
            continue
        name = row.get("name", "")
        if not name:
            out.add("unmatched", "centre", "", [line], "no name")
            continue
        group: tuple[str, ...] = (fields["kind"], normalise(name), fields.get("network", ""))
        if fields["kind"] != "crmr":
            group = (*group, hospital, str(line))
        centre = centres.setdefault(
            group,
            _NewCentre(
                fields["kind"],
                name,
                fields.get("network"),
                row.get("city"),
                row.get("id") or None,
                extra=extra,
            ),
        )
        centre.lines.append(line)
        centre.sites.append(_site(row, hospital))
    for centre in centres.values():
        try:
            _create_centre(reg, centre, root, source, taken, out)
        except AuthoringError as exc:
            out.add("unmatched", "centre", centre.given_id or "", centre.lines, str(exc))


def _hospital(
    reg: Registry,
    row: dict[str, str],
    root: Path,
    source: dict[str, str],
    taken: set[str],
    new_hospitals: dict[str, str],
    out: Outcome,
    line: int,
) -> str:
    name = row.get("hospital", "")
    if not name:
        raise AuthoringError("no hospital")
    key = normalise(name)
    if key in new_hospitals:
        return new_hospitals[key]
    try:
        found = candidates(reg, "hospital", name)
    except AuthoringError:
        found = []
    if len(found) == 1:
        return found[0][0]
    if len(found) > 1:
        listed = "; ".join(i for i, _ in found[:5])
        raise AuthoringError(f"hospital '{name}' matches several: {listed}; give its id")
    hospital_id = _free_id(slugify(name), taken)
    data: dict[str, Any] = {"id": hospital_id, "name": name}
    if row.get("city"):
        data["city"] = row["city"]
    if row.get("region"):
        from rarereg.query import regions_of_schema

        data["region"] = choose(row["region"], regions_of_schema(), "region")
    if row.get("finess"):
        data["finess"] = row["finess"]
    data["sources"] = [dict(source)]
    path = root / FOLDER_OF["hospital"] / f"{hospital_id}.yaml"
    out.changes.append(Change(path, "hospital", canonical.render(data, "hospital"), True))
    out.add("created", "hospital", hospital_id, [line], name)
    new_hospitals[key] = hospital_id
    return hospital_id


def _centre_extra(reg: Registry, row: dict[str, str]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if row.get("acronym"):
        extra["acronym"] = row["acronym"]
    if row.get("campaign"):
        extra["label"] = {"campaign": pick(reg, "campaign", row["campaign"])}
    return extra


def _site(row: dict[str, str], hospital: str) -> dict[str, str]:
    site = {"hospital": hospital}
    if row.get("role"):
        site["role"] = choose(row["role"], ROLES, "role")
    for key in ("department", "lead"):
        if row.get(key):
            site[key] = row[key]
    return site


def _create_centre(
    reg: Registry,
    centre: _NewCentre,
    root: Path,
    source: dict[str, str],
    taken: set[str],
    out: Outcome,
) -> None:
    core = derive_id("centre", centre.name, centre.extra.get("acronym"))
    if centre.kind != "crmr":
        hospital = centre.sites[0]["hospital"]
        place = reg.hospital_attr(hospital, "city") or centre.city or hospital
        core = f"{centre.kind}-{core}-{slugify(place)}"
    if centre.given_id is not None:
        check_slug(centre.given_id)
        if centre.given_id in taken:
            raise AuthoringError(f"id '{centre.given_id}' is taken")
        taken.add(centre.given_id)
        centre_id = centre.given_id
    else:
        centre_id = _free_id(core, taken)
    data: dict[str, Any] = {"id": centre_id, "name": centre.name, "kind": centre.kind}
    if centre.network:
        data["network"] = centre.network
    data.update(centre.extra)
    data["sites"] = centre.sites
    data["sources"] = [dict(source)]
    path = root / FOLDER_OF["centre"] / f"{centre_id}.yaml"
    out.changes.append(Change(path, "centre", canonical.render(data, "centre"), True))
    out.add("created", "centre", centre_id, centre.lines, centre.name)


def _free_id(base: str, taken: set[str]) -> str:
    """``base``, else ``base-2``, ``base-3``…: an id no entity has and no file of this run."""
    from rarereg.authoring.files import SLUG_MAX

    base = (base or "unnamed")[: SLUG_MAX - 4].rstrip("-")
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate
