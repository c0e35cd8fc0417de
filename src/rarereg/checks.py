"""Checks across files, beyond what a schema can say: ids, references, FINESS, labels."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rarereg import finess, gcpause, loader
from rarereg.document import PathKey
from rarereg.filechecks import parse_date as _parse_date
from rarereg.findings import Finding, error, warning
from rarereg.loader import Entry, Loaded
from rarereg.schemas import field_label

LABEL_YEARS = 5
"""Labels are granted for five years (source 004)."""
LABEL_TOLERANCE_DAYS = 31
"""A label running 1 January to 31 December five years later still counts as five years."""


@dataclass(slots=True)
class _Ctx:
    """What every check needs: ids by kind, network kinds, centre kinds, the registry root."""

    kinds: dict[str, str]
    network_kind: dict[str, Any]
    centre_kind: dict[str, Any]
    campaign_dates: dict[str, tuple[Any, Any]]
    root: Path
    documents: frozenset[str] | None = None
    contested: frozenset[str] = frozenset()
    """Ids two files are named after: reported as duplicate-id, and no reference to them is."""
    known: Callable[[], dict[str, str]] | None = None
    """The kind of every id of the whole registry, when only part of it is checked."""

    def document_exists(self, name: str) -> bool:
        if self.documents is None:
            self.documents = loader.source_documents(self.root)
        return name in self.documents

    def ids_of(self, kind: str) -> list[str]:
        kinds = self.known() if self.known is not None else self.kinds
        return [i for i, k in kinds.items() if k == kind]


def run(loaded: Loaded, *_: object) -> list[Finding]:
    """Every cross-file finding for a loaded registry (the date is not needed here)."""
    with gcpause.paused():
        return _run(loaded)


def _run(loaded: Loaded) -> list[Finding]:
    parsed = [e for e in loaded.entries if e.doc is not None]
    findings: list[Finding] = []
    findings.extend(_check_ids(parsed))
    ctx = _context(parsed, [e for e in loaded.entries if e.doc is None], loaded.root)
    ctx.known = loaded.known_kinds
    wanted = loaded.wanted
    for entry in parsed:
        assert entry.doc is not None
        if not entry.well_formed:
            continue  # references in a file that failed its schema may not have the right shape
        if wanted is not None and entry.path not in wanted:
            continue  # only there for what the wanted files look up
        findings.extend(_REFERENCE_CHECKS[entry.kind](entry, entry.doc.data, ctx))
        findings.extend(_check_sources(entry, ctx))
    findings.extend(_check_parent_cycles(parsed))
    findings.extend(_check_duplicate_finess(parsed))
    return findings


def _context(parsed: list[Entry], unreadable: list[Entry], root: Path) -> _Ctx:
    kinds: dict[str, str] = {}
    network_kind: dict[str, Any] = {}
    centre_kind: dict[str, Any] = {}
    campaign_dates: dict[str, tuple[Any, Any]] = {}
    owner_of = owners(parsed)
    for entity_id, entry in owner_of.items():
        assert entry.doc is not None
        kinds.setdefault(entity_id, entry.kind)
        if entry.kind == "network":
            network_kind.setdefault(entity_id, entry.doc.data.get("kind"))
        elif entry.kind == "centre":
            centre_kind.setdefault(entity_id, entry.doc.data.get("kind"))
        elif entry.kind == "campaign" and entry.well_formed:
            data = entry.doc.data
            campaign_dates.setdefault(entity_id, (data.get("start"), data.get("end")))
    for entry in unreadable:
        # A file that could not be read still exists: its references are not unknown, which
        # would bury the one real problem under a cascade of follow-on errors.
        kinds.setdefault(entry.stem, entry.kind)
    contested = frozenset(claims(parsed)) - frozenset(owner_of)
    return _Ctx(kinds, network_kind, centre_kind, campaign_dates, root, contested=contested)


def id_kinds(parsed: list[Entry], unreadable: list[Entry]) -> dict[str, str]:
    """The kind of every id as references see it: its owner's, else an unreadable file's."""
    return _context(parsed, unreadable, Path()).kinds


def claims(parsed: list[Entry]) -> dict[str, list[Entry]]:
    """The files that give each id, in path order."""
    out: dict[str, list[Entry]] = {}
    for entry in parsed:
        assert entry.doc is not None
        entity_id = entry.doc.data.get("id")
        if isinstance(entity_id, str):
            out.setdefault(entity_id, []).append(entry)
    return out


def owners(parsed: list[Entry]) -> dict[str, Entry]:
    """The file that holds each id: the one named after it, else the first in path order.

    An id that two files are named after (``hospitals/x.yaml`` and ``centres/x.yaml``) has no
    owner: neither is the impostor, so neither may answer for it.
    """
    out: dict[str, Entry] = {}
    for entity_id, entries in claims(parsed).items():
        named = [e for e in entries if e.stem == entity_id]
        if len(named) < 2:
            out[entity_id] = named[0] if named else entries[0]
    return out


def references(kind: str, data: dict[str, Any]) -> list[str]:
    """Every id the checks of a file of this kind may look up (more, never fewer).

    An incremental run rechecks a file when one of these ids changes hands: keep this in step
    with the checks below (a test compares it with what they look up).
    """
    get = data.get  # this runs once per file of a full run: plain lookups, few calls
    if kind == "centre":
        found = [get("network"), get("reference_centre")]
        erns, label = get("erns"), get("label")
        if isinstance(erns, list):
            found += erns
        if isinstance(label, dict):
            found.append(label.get("campaign"))
        for key, inner in (("previous_labels", "campaign"), ("sites", "hospital")):
            items = get(key)
            if isinstance(items, list):
                found += [item.get(inner) for item in items if isinstance(item, dict)]
    elif kind == "hospital":
        found = [get("parent")]
    elif kind == "network":
        found = [get("host")]
        erns = get("erns")
        if isinstance(erns, list):
            found += erns
    else:
        return []
    return [i for i in found if isinstance(i, str)]


def _check_ids(parsed: list[Entry]) -> Iterator[Finding]:
    owner_of = owners(parsed)
    for entity_id, entries in claims(parsed).items():
        for entry in entries:
            assert entry.doc is not None
            # Positions are looked up only for a finding: a cached file is re-read for them.
            if entity_id != entry.stem:
                yield error(
                    entry.path,
                    entry.doc.pos(("id",)),
                    "id-mismatch",
                    f"id '{entity_id}' differs from the file name '{entry.stem}.yaml'; "
                    f"rename one so they match",
                )
            owner = owner_of.get(entity_id)
            if owner is None:
                others = ", ".join(e.path for e in entries if e is not entry)
                yield error(
                    entry.path,
                    entry.doc.pos(("id",)),
                    "duplicate-id",
                    f"id '{entity_id}' is also used by {others}; ids are unique across the "
                    f"registry, so neither file is used: rename all but one",
                )
            elif owner is not entry:
                yield error(
                    entry.path,
                    entry.doc.pos(("id",)),
                    "duplicate-id",
                    f"id '{entity_id}' is already used by {owner.path}; "
                    f"ids are unique across the registry",
                )


def _ref(entry: Entry, where: PathKey, target: Any, want: str, ctx: _Ctx) -> Iterator[Finding]:
    """A reference must name an existing file of the wanted kind."""
    assert entry.doc is not None
    if not isinstance(target, str) or target in ctx.contested:
        return  # a contested id is reported once, where it is claimed
    found = ctx.kinds.get(target)
    if found == want:
        return
    field = field_label(where)
    if found is None:
        match = difflib.get_close_matches(target, ctx.ids_of(want), n=1, cutoff=0.6)
        hint = f"; did you mean '{match[0]}'?" if match else f"; add {_folder(want)}/{target}.yaml"
        yield error(
            entry.path,
            entry.doc.pos(where),
            "unknown-reference",
            f"{field}: no {want} '{target}'{hint}",
        )
    else:
        yield error(
            entry.path,
            entry.doc.pos(where),
            "reference-kind",
            f"{field}: '{target}' is a {found}, not a {want}",
        )


def _folder(kind: str) -> str:
    return {
        "hospital": "hospitals",
        "network": "networks",
        "campaign": "campaigns",
        "centre": "centres",
    }[kind]


def _check_hospital(entry: Entry, data: dict[str, Any], ctx: _Ctx) -> Iterator[Finding]:
    assert entry.doc is not None
    parent = data.get("parent")
    if parent == data["id"]:
        yield error(
            entry.path,
            entry.doc.pos(("parent",)),
            "reference-cycle",
            "parent: a hospital cannot be its own parent",
        )
    elif parent is not None:
        yield from _ref(entry, ("parent",), parent, "hospital", ctx)
    number = data.get("finess")
    if isinstance(number, str):
        key = finess.expected_key(number)
        if key is not None and not finess.is_valid(number):
            yield error(
                entry.path,
                entry.doc.pos(("finess",)),
                "finess-key",
                f"FINESS {number}: the check key (9th character) should be {key}; "
                f"check the number against the FINESS directory",
            )


def _check_network(entry: Entry, data: dict[str, Any], ctx: _Ctx) -> Iterator[Finding]:
    assert entry.doc is not None
    if data.get("host") is not None:
        yield from _ref(entry, ("host",), data["host"], "hospital", ctx)
    erns = data.get("erns", [])
    if erns and data["kind"] != "fsmr":
        yield error(
            entry.path,
            entry.doc.pos(("erns",)),
            "reference-kind",
            "erns: only an fsmr lists the ERNs it belongs to",
        )
        return
    for i, ern in enumerate(erns):
        yield from _network_ref(entry, ("erns", i), ern, "ern", ctx)


def _network_ref(
    entry: Entry, where: PathKey, target: str, want: str, ctx: _Ctx
) -> Iterator[Finding]:
    """A reference to a network of a given kind (fsmr or ern)."""
    assert entry.doc is not None
    problems = list(_ref(entry, where, target, "network", ctx))
    if problems:
        yield from problems
        return
    actual = ctx.network_kind.get(target)
    if actual != want:
        hint = " (list ERNs under erns)" if want == "fsmr" else ""
        yield error(
            entry.path,
            entry.doc.pos(where),
            "reference-kind",
            f"{field_label(where)}: '{target}' is an {actual}, not an {want}{hint}",
        )


def _check_campaign(entry: Entry, data: dict[str, Any], ctx: _Ctx) -> Iterator[Finding]:
    assert entry.doc is not None
    yield from _label_span(
        entry,
        data.get("start"),
        data.get("end"),
        ("start",),
        ("end",),
        justified=bool(data.get("notes")),
        why_field="notes",
    )


def _label_span(
    entry: Entry,
    start: str | None,
    end: str | None,
    start_at: PathKey,
    end_at: PathKey,
    *,
    justified: bool,
    why_field: str,
) -> Iterator[Finding]:
    """Label start before end; five years long unless the file says why."""
    assert entry.doc is not None
    first = _parse_date(start) if start else None
    last = _parse_date(end) if end else None
    if first is None or last is None:
        return
    if last <= first:
        yield error(
            entry.path,
            entry.doc.pos(end_at),
            "label-dates",
            f"label ends ({end}) on or before it starts ({start})",
        )
        return
    try:
        five = first.replace(year=first.year + LABEL_YEARS)
    except ValueError:  # 29 February
        five = first.replace(year=first.year + LABEL_YEARS, day=28)
    if abs((last - five).days) > LABEL_TOLERANCE_DAYS and not justified:
        years = (last - first).days / 365.25
        yield warning(
            entry.path,
            entry.doc.pos(end_at),
            "label-duration",
            f"label runs {years:.1f} years ({start} to {end}), not {LABEL_YEARS}; "
            f"say why in '{why_field}'",
        )


def _check_centre(entry: Entry, data: dict[str, Any], ctx: _Ctx) -> Iterator[Finding]:
    assert entry.doc is not None
    if data.get("network") is not None:
        yield from _network_ref(entry, ("network",), data["network"], "fsmr", ctx)
    for i, ern in enumerate(data.get("erns", [])):
        yield from _network_ref(entry, ("erns", i), ern, "ern", ctx)
    yield from _check_reference_centre(entry, data, ctx)
    label = data.get("label")
    if label is not None:
        yield from _ref(entry, ("label", "campaign"), label["campaign"], "campaign", ctx)
        if "start" in label or "end" in label:
            yield from _check_label_override(entry, label, ctx)
    for i, old in enumerate(data.get("previous_labels", [])):
        yield from _ref(entry, ("previous_labels", i, "campaign"), old["campaign"], "campaign", ctx)
    for i, site in enumerate(data["sites"]):
        yield from _ref(entry, ("sites", i, "hospital"), site["hospital"], "hospital", ctx)
    yield from _check_roles(entry, data)


def _check_label_override(entry: Entry, label: dict[str, Any], ctx: _Ctx) -> Iterator[Finding]:
    """A centre's own label dates, completed by its campaign's where it gives only one."""
    campaign = ctx.campaign_dates.get(label["campaign"], (None, None))
    start = label.get("start") or campaign[0]
    end = label.get("end") or campaign[1]
    start_at: PathKey = ("label", "start") if "start" in label else ("label", "campaign")
    end_at: PathKey = ("label", "end") if "end" in label else ("label", "campaign")
    yield from _label_span(
        entry,
        start,
        end,
        start_at,
        end_at,
        justified=bool(label.get("note")),
        why_field="label.note",
    )


def _check_reference_centre(entry: Entry, data: dict[str, Any], ctx: _Ctx) -> Iterator[Finding]:
    assert entry.doc is not None
    target = data.get("reference_centre")
    if target is None:
        return
    where: PathKey = ("reference_centre",)
    if data["kind"] != "ccmr":
        yield error(
            entry.path,
            entry.doc.pos(where),
            "reference-kind",
            f"reference_centre: only a ccmr is attached to a reference centre, "
            f"not a {data['kind']}",
        )
        return
    problems = list(_ref(entry, where, target, "centre", ctx))
    if problems:
        yield from problems
        return
    actual = ctx.centre_kind.get(target)
    if actual != "crmr":
        yield error(
            entry.path,
            entry.doc.pos(where),
            "reference-kind",
            f"reference_centre: '{target}' is a {actual}, not a crmr",
        )


def _check_roles(entry: Entry, data: dict[str, Any]) -> Iterator[Finding]:
    """A crmr: one coordinating site, the others constitutive. Other kinds: one competence site.

    A role the sources do not state is left out; a crmr whose file says
    ``sites_incomplete: true`` may then have no coordinating site recorded yet.
    """
    assert entry.doc is not None
    sites: list[dict[str, Any]] = data["sites"]
    kind = data["kind"]
    allowed = ("coordinating", "constitutive") if kind == "crmr" else ("competence",)
    for i, site in enumerate(sites):
        role = site.get("role")
        if role is not None and role not in allowed:
            yield error(
                entry.path,
                entry.doc.pos(("sites", i, "role")),
                "site-roles",
                f"sites[{i}].role: a {kind}'s site is {' or '.join(allowed)}, not '{role}'",
            )
    if kind != "crmr":
        if len(sites) != 1:
            yield error(
                entry.path,
                entry.doc.pos(("sites", 1)),
                "site-roles",
                f"a {kind} has exactly one site; this one has {len(sites)} "
                f"(make one file per site)",
            )
        return
    coordinating = [i for i, s in enumerate(sites) if s.get("role") == "coordinating"]
    if len(coordinating) > 1:
        yield error(
            entry.path,
            entry.doc.pos(("sites", coordinating[1], "role")),
            "site-roles",
            f"a crmr has exactly one coordinating site; this one has {len(coordinating)}",
        )
    elif not coordinating and data.get("sites_incomplete") is not True:
        yield error(
            entry.path,
            entry.doc.pos(("sites",)),
            "site-roles",
            "a crmr has exactly one coordinating site; none is marked 'role: coordinating' "
            "(if the sources list only some sites, say 'sites_incomplete: true')",
        )


def _check_sources(entry: Entry, ctx: _Ctx) -> Iterator[Finding]:
    assert entry.doc is not None
    for i, source in enumerate(entry.doc.data.get("sources", [])):
        name = source.get("document")
        if isinstance(name, str) and not ctx.document_exists(name):
            yield error(
                entry.path,
                entry.doc.pos(("sources", i, "document")),
                "unknown-source",
                f"sources[{i}].document: no file '{name}' in the registry's sources/ "
                f"folder; add it there",
            )


def _check_parent_cycles(parsed: list[Entry]) -> Iterator[Finding]:
    parents: dict[str, str] = {}
    where: dict[str, Entry] = {}
    for entry in parsed:
        assert entry.doc is not None
        data = entry.doc.data
        if (
            entry.kind == "hospital"
            and isinstance(data.get("id"), str)
            and isinstance(data.get("parent"), str)
            and data["parent"] != data["id"]
        ):
            parents[data["id"]] = data["parent"]
            where.setdefault(data["id"], entry)
    reported: set[str] = set()
    for start in sorted(parents):
        chain = [start]
        current = parents[start]
        while current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        if current in chain and start not in reported:
            loop = chain[chain.index(current) :]
            reported.update(loop)
            for member in loop:
                entry = where[member]
                assert entry.doc is not None
                yield error(
                    entry.path,
                    entry.doc.pos(("parent",)),
                    "reference-cycle",
                    f"parent: hospitals form a loop ({' → '.join([*loop, loop[0]])})",
                )


def _check_duplicate_finess(parsed: list[Entry]) -> Iterator[Finding]:
    first: dict[str, Entry] = {}
    for entry in parsed:
        assert entry.doc is not None
        number = entry.doc.data.get("finess") if entry.kind == "hospital" else None
        if not isinstance(number, str):
            continue
        if number in first:
            yield error(
                entry.path,
                entry.doc.pos(("finess",)),
                "duplicate-finess",
                f"FINESS {number} is already given to {first[number].path}",
            )
        else:
            first[number] = entry


_REFERENCE_CHECKS = {
    "hospital": _check_hospital,
    "network": _check_network,
    "campaign": _check_campaign,
    "centre": _check_centre,
}
