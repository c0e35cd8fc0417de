"""What changed between two states of the registry: entities, fields and label events."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarereg import gitsource, loader, model
from rarereg.labels import ENDED_STATUSES
from rarereg.query import Resolved, centre_matches, normalise

KINDS = ("centre", "hospital", "network", "campaign")


class SideError(Exception):
    """A side that is neither a registry folder nor a git revision: a usage error."""


@dataclass(slots=True)
class Side:
    """One side of a comparison: its label and its well-formed entities."""

    label: str
    registry: model.Registry


def load_side(
    spec: str | None, registry_root: Path, cwd: Path, cache_dir: Path | None = None
) -> Side:
    """A side: None for the working tree, a folder holding a registry, or a git revision."""
    if spec is None:
        return Side("working tree", model.build(loader.load(registry_root, cwd, cache_dir).entries))
    if spec.startswith("-"):
        raise SideError(f"'{spec}' is not a folder or revision (it may not start with '-')")
    folder = Path(spec)
    if folder.is_dir():
        nested = folder / "registry"
        root = nested if nested.is_dir() and loader.is_registry(nested) else folder
        if not loader.is_registry(root):
            raise SideError(f"{spec}: this folder holds no registry")
        return Side(spec, model.build(loader.load(root, cwd, cache_dir).entries))
    try:
        repo, prefix = gitsource.repository_of(registry_root)
        commit = gitsource.resolve_revision(repo, spec)
        blobs = gitsource.list_blobs(repo, commit, prefix)
        contents = gitsource.read_blobs(repo, blobs)
    except gitsource.GitError as exc:
        raise SideError(f"'{spec}' is neither a folder nor a revision: {exc}") from None
    jobs = [
        (
            b.kind,
            b.path.rsplit("/", 1)[-1].removesuffix(".yaml"),
            f"{spec}:{b.path}",
            contents[b.oid],
        )
        for b in blobs
    ]
    return Side(spec, model.build(loader.entries_from_contents(jobs, registry_root, cache_dir)))


@dataclass(slots=True)
class Change:
    """One changed field: dotted path, old value, new value (None when absent)."""

    field: str
    old: Any
    new: Any


@dataclass(slots=True)
class Diff:
    """Everything that differs, with label events named."""

    old: str
    new: str
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, dict[str, list[Change]]] = field(default_factory=dict)
    events: list[dict[str, str]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when the two sides hold the same entities with the same content."""
        return (
            not any(self.added.values())
            and not any(self.removed.values())
            and not any(self.changed.values())
        )


def _tables(reg: model.Registry) -> dict[str, dict[str, Any]]:
    return {
        "centre": reg.centres,
        "hospital": reg.hospitals,
        "network": reg.networks,
        "campaign": reg.campaigns,
    }


def compare(old: Side, new: Side, resolved: Resolved | None = None) -> Diff:
    """Added, removed and changed entities of each kind, and the label events among them."""
    diff = Diff(old.label, new.label)
    old_t, new_t = _tables(old.registry), _tables(new.registry)
    for kind in KINDS:
        before, after = old_t[kind], new_t[kind]
        if kind == "centre" and resolved is not None:
            before = {k: c for k, c in before.items() if centre_matches(old.registry, c, resolved)}
            after = {k: c for k, c in after.items() if centre_matches(new.registry, c, resolved)}
        elif resolved is not None and _narrowed(resolved):
            continue  # --kind/--network/--hospital narrow the comparison to centres
        diff.added[kind] = sorted(set(after) - set(before))
        diff.removed[kind] = sorted(set(before) - set(after))
        diff.changed[kind] = {
            i: changes
            for i in sorted(set(before) & set(after))
            if (changes := field_changes(before[i].raw, after[i].raw))
        }
        for i, entity in {**before, **after}.items():
            diff.names[i] = entity.name
            if kind == "centre":
                diff.kinds[i] = entity.kind
        if kind == "centre":
            _renames(diff, before, after)
            diff.events = _label_events(diff, before, after)
    return diff


def _narrowed(r: Resolved) -> bool:
    return any(
        v is not None
        for v in (r.hospitals, r.networks, r.kinds, r.regions, r.cities, r.erns, r.search)
    )


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Field-level differences; sites are matched by hospital, lists compared as wholes."""
    changes: list[Change] = []
    for key in sorted(set(old) | set(new), key=_key_order):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == "sites" and isinstance(a, list) and isinstance(b, list):
            changes.extend(_site_changes(a, b))
        elif isinstance(a, dict) and isinstance(b, dict):
            changes.extend(Change(f"{key}.{c.field}", c.old, c.new) for c in field_changes(a, b))
        else:
            changes.append(Change(key, a, b))
    return changes


def _key_order(key: str) -> tuple[int, str]:
    order = ("id", "name", "kind", "network", "label", "sites")
    return (order.index(key) if key in order else len(order), key)


def _site_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    by_old = {_site_key(s): s for s in old}
    by_new = {_site_key(s): s for s in new}
    changes = []
    for key in sorted(set(by_old) | set(by_new)):
        label = f"sites[{key}]"
        a, b = by_old.get(key), by_new.get(key)
        if a is None or b is None:
            changes.append(Change(label, a, b))
        else:
            changes.extend(Change(f"{label}.{c.field}", c.old, c.new) for c in field_changes(a, b))
    return changes


def _site_key(site: dict[str, Any]) -> str:
    department = site.get("department")
    return f"{site.get('hospital')}" + (f" / {department}" if department else "")


def _renames(diff: Diff, before: dict[str, Any], after: dict[str, Any]) -> None:
    """A removed and an added centre with the same kind, name and hospitals: one renamed id."""

    def signature(c: model.Centre) -> tuple[str, str, frozenset[str]]:
        return (c.kind, normalise(c.name), frozenset(s.hospital for s in c.sites))

    gone = {signature(before[i]): i for i in diff.removed["centre"]}
    for new_id in list(diff.added["centre"]):
        old_id = gone.pop(signature(after[new_id]), None)
        if old_id is None:
            continue
        diff.added["centre"].remove(new_id)
        diff.removed["centre"].remove(old_id)
        changes = [Change("id", old_id, new_id)]
        changes += [
            c for c in field_changes(before[old_id].raw, after[new_id].raw) if c.field != "id"
        ]
        diff.changed["centre"][new_id] = changes
        diff.events.append({"event": "renamed", "id": new_id, "detail": f"id {old_id} → {new_id}"})


def _label_events(
    diff: Diff, before: dict[str, Any], after: dict[str, Any]
) -> list[dict[str, str]]:
    events = list(diff.events)
    for i in diff.added["centre"]:
        events.append({"event": "new centre", "id": i, "detail": after[i].kind})
    for i in diff.removed["centre"]:
        events.append({"event": "withdrawn", "id": i, "detail": "file removed"})
    for i, changes in diff.changed["centre"].items():
        for c in changes:
            event = _event_of(c)
            if event is not None:
                events.append({"event": event[0], "id": i, "detail": event[1]})
    order = ("new centre", "renewed", "lapsed", "withdrawn", "site promoted", "renamed")
    return sorted(events, key=lambda e: (order.index(e["event"]), e["id"]))


def _event_of(c: Change) -> tuple[str, str] | None:
    if c.field == "label.campaign" and c.old and c.new:
        return "renewed", f"{c.old} → {c.new}"
    if c.field == "label" and c.old and not c.new:
        return "lapsed", "label removed"
    if c.field == "label" and c.new and not c.old:
        return "renewed", f"labelled by {c.new.get('campaign')}"
    if c.field == "status" and c.new in ENDED_STATUSES:
        return ("withdrawn" if c.new == "withdrawn" else "lapsed"), f"status: {c.new}"
    if c.field.endswith(".role") and c.old == "constitutive" and c.new == "coordinating":
        return "site promoted", c.field.removesuffix(".role")
    if c.field == "name":
        return "renamed", f"{c.old} → {c.new}"
    return None


def summary(diff: Diff) -> str:
    """One line: '<new> vs <old>: +2 CRMR, −1 CCMR, 3 renewed, 1 changed site, ...'."""
    parts = []
    for sign, table in (("+", diff.added), ("−", diff.removed)):
        counts: dict[str, int] = {}
        for i in table.get("centre", []):
            label = diff.kinds.get(i, "centre").upper()
            counts[label] = counts.get(label, 0) + 1
        parts += [f"{sign}{n} {k}" for k, n in sorted(counts.items())]
        for kind in ("hospital", "network", "campaign"):
            if table.get(kind):
                n = len(table[kind])
                parts.append(f"{sign}{n} {kind}{'s' if n > 1 else ''}")
    renewed = sum(e["event"] == "renewed" for e in diff.events)
    if renewed:
        parts.append(f"{renewed} renewed")
    sites = sum(
        c.field.startswith("sites[") for ch in diff.changed.get("centre", {}).values() for c in ch
    )
    if sites:
        parts.append(f"{sites} changed site{'s' if sites > 1 else ''}")
    changed = sum(len(v) for v in diff.changed.values())
    if changed:
        parts.append(f"{changed} changed")
    return f"{diff.new} vs {diff.old}: " + (", ".join(parts) if parts else "no differences")


def as_data(diff: Diff) -> dict[str, Any]:
    """Plain data with stable keys, for JSON."""
    return {
        "old": diff.old,
        "new": diff.new,
        "summary": summary(diff),
        "identical": diff.empty,
        "added": diff.added,
        "removed": diff.removed,
        "changed": {
            k: {
                i: [{"field": c.field, "old": c.old, "new": c.new} for c in ch]
                for i, ch in v.items()
            }
            for k, v in diff.changed.items()
        },
        "events": diff.events,
    }
