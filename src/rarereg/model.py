"""Typed views of registry files, and the index that ties them together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rarereg import gcpause
from rarereg.findings import Severity
from rarereg.loader import Entry

if TYPE_CHECKING:
    from rarereg.snapshot import Kept
    from rarereg.validate import State


@dataclass(slots=True)
class Hospital:
    """A legal entity or one of its geographic sites."""

    id: str
    name: str
    aliases: tuple[str, ...]
    parent: str | None
    city: str | None
    region: str | None
    finess: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Network:
    """An FSMR or an ERN."""

    id: str
    name: str
    kind: str
    acronym: str
    aliases: tuple[str, ...]
    host: str | None
    erns: tuple[str, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)


class ReportedEnd(NamedTuple):
    """An end that one source reports for a campaign's labels: a date, or only a year."""

    end: str
    source: str
    note: str | None

    @property
    def year(self) -> int:
        """The year of the reported end (all a year-only report says)."""
        return int(self.end[:4])


@dataclass(frozen=True, slots=True)
class Campaign:
    """A national labelling campaign."""

    id: str
    name: str
    start: str | None
    end: str | None
    aliases: tuple[str, ...]
    reported_ends: tuple[ReportedEnd, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


class Site(NamedTuple):
    """One department of one hospital taking part in a centre."""

    hospital: str
    role: str | None
    department: str | None
    lead: str | None


class Disease(NamedTuple):
    """A disease or group of diseases a centre covers, as its source names it."""

    name: str
    orpha: int | None
    synonyms: tuple[str, ...]
    age_group: str | None


def orpha_number(value: object) -> int | None:
    """An ORPHAcode as a number: ``536``, ``'536'`` and ``'ORPHA:536'`` are all 536.

    Anything else (the schema reports it) is None, so a query never fails on bad data.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text[:6].upper() == "ORPHA:":
        text = text[6:].strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 7 else None


@dataclass(slots=True)
class Label:
    """A centre's label: its campaign, and dates that override the campaign's."""

    campaign: str
    start: str | None
    end: str | None
    note: str | None


@dataclass(slots=True)
class Centre:
    """A CRMR, CCMR, CRC or expertise platform."""

    id: str
    name: str
    kind: str
    acronym: str | None
    aliases: tuple[str, ...]
    network: str | None
    erns: tuple[str, ...]
    reference_centre: str | None
    label: Label | None
    sites: tuple[Site, ...]
    diseases: tuple[Disease, ...] = ()
    previous_labels: tuple[Label, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


Entity = Hospital | Network | Campaign | Centre


def _hospital(d: dict[str, Any]) -> Hospital:
    return Hospital(
        d["id"],
        d["name"],
        tuple(d.get("aliases", ())),
        d.get("parent"),
        d.get("city"),
        d.get("region"),
        d.get("finess"),
        d,
    )


def _network(d: dict[str, Any]) -> Network:
    return Network(
        d["id"],
        d["name"],
        d["kind"],
        d["acronym"],
        tuple(d.get("aliases", ())),
        d.get("host"),
        tuple(d.get("erns", ())),
        d,
    )


def source_name(source: dict[str, Any]) -> str:
    """How a source is named in a sentence: its address, else its document's file name."""
    return str(source.get("url") or source.get("document") or "?")


def _campaign(d: dict[str, Any]) -> Campaign:
    reported = tuple(
        ReportedEnd(r["end"], source_name(r["source"]), r.get("note"))
        for r in d.get("reported_ends", ())
    )
    return Campaign(
        d["id"], d["name"], d.get("start"), d.get("end"), tuple(d.get("aliases", ())), reported, d
    )


def _label(lab: dict[str, Any]) -> Label:
    return Label(lab["campaign"], lab.get("start"), lab.get("end"), lab.get("note"))


def _centre(d: dict[str, Any]) -> Centre:
    # Runs once per centre on every query (100,000 times on a large registry): lists built
    # directly and absent fields skipped, a quarter faster than generators and defaults.
    lab = d.get("label")
    sites = d["sites"]
    diseases = d.get("diseases")
    aliases = d.get("aliases")
    erns = d.get("erns")
    previous = d.get("previous_labels")
    return Centre(
        d["id"],
        d["name"],
        d["kind"],
        d.get("acronym"),
        tuple(aliases) if aliases else (),
        d.get("network"),
        tuple(erns) if erns else (),
        d.get("reference_centre"),
        _label(lab) if lab else None,
        tuple(
            [Site(s["hospital"], s.get("role"), s.get("department"), s.get("lead")) for s in sites]
        ),
        tuple([_disease(x) for x in diseases]) if diseases else (),
        tuple([_label(p) for p in previous]) if previous else (),
        d,
    )


def _disease(x: dict[str, Any]) -> Disease:
    synonyms = x.get("synonyms")
    return Disease(
        x["name"],
        orpha_number(x.get("orpha")),
        tuple(synonyms) if synonyms else (),
        x.get("age_group"),
    )


_BUILDERS: dict[str, Callable[[dict[str, Any]], Entity]] = {
    "hospital": _hospital,
    "network": _network,
    "campaign": _campaign,
    "centre": _centre,
}


@dataclass(slots=True)
class Registry:
    """Every well-formed entity, by id, with the links between them."""

    hospitals: dict[str, Hospital] = field(default_factory=dict)
    networks: dict[str, Network] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    centres: dict[str, Centre] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    _children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    spans: dict[tuple[str, str | None, str | None], Any] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Label spans worked out so far, by (campaign, start, end): thousands of centres share a
    few campaigns' dates (see rarereg.labels.label_span)."""

    def with_centres(self, centres: dict[str, Centre]) -> Registry:
        """The same registry with another set of centres (e.g. those labelled on a date)."""
        return Registry(
            self.hospitals,
            self.networks,
            self.campaigns,
            centres,
            self.paths,
            self.skipped,
            self._children,
            self.spans,
        )

    def get(self, entity_id: str) -> Entity | None:
        """Any entity by id."""
        for table in (self.centres, self.hospitals, self.networks, self.campaigns):
            if entity_id in table:
                return table[entity_id]
        return None

    def all_ids(self) -> list[str]:
        """Every id in the registry."""
        return [*self.centres, *self.hospitals, *self.networks, *self.campaigns]

    def children(self, hospital_id: str) -> list[str]:
        """The sites whose parent is this hospital (direct only)."""
        return self._children.get(hospital_id, [])

    def with_sites(self, hospital_id: str) -> set[str]:
        """A hospital and all the sites below it, however deep."""
        out: set[str] = set()
        todo = [hospital_id]
        while todo:
            current = todo.pop()
            if current in out:
                continue  # a parent loop is reported by validate; never spin on it
            out.add(current)
            todo.extend(self.children(current))
        return out

    def legal_entity(self, hospital_id: str) -> str:
        """The top of a hospital's parent chain (itself when it has no parent)."""
        seen = {hospital_id}
        current = hospital_id
        while True:
            hospital = self.hospitals.get(current)
            if hospital is None or hospital.parent is None or hospital.parent in seen:
                return current
            seen.add(hospital.parent)
            current = hospital.parent

    def hospital_attr(self, hospital_id: str, attr: str) -> str | None:
        """A hospital's city or region, inherited from its parent when it says none."""
        seen: set[str] = set()
        current: str | None = hospital_id
        while current is not None and current not in seen:
            seen.add(current)
            hospital = self.hospitals.get(current)
            if hospital is None:
                return None
            value: str | None = getattr(hospital, attr)
            if value:
                return value
            current = hospital.parent
        return None

    def label_dates(self, centre: Centre) -> tuple[str | None, str | None]:
        """A centre's label start and end: its own dates, else its campaign's."""
        return self.dates_of(centre.label)

    def dates_of(self, label: Label | None) -> tuple[str | None, str | None]:
        """One label's start and end: its own dates, else its campaign's."""
        if label is None:
            return None, None
        campaign = self.campaigns.get(label.campaign)
        start = label.start or (campaign.start if campaign else None)
        end = label.end or (campaign.end if campaign else None)
        return start, end

    def published_counts(self, hospital_id: str) -> dict[str, Any] | None:
        """The counts of labelled centres a hospital publishes, with their source, if recorded."""
        hospital = self.hospitals.get(hospital_id)
        counts = hospital.raw.get("published_counts") if hospital else None
        return counts if isinstance(counts, dict) else None

    def diseases_of(self, centre: Centre) -> tuple[Disease, ...]:
        """The diseases a centre covers: its own list, else its reference centre's (a CCMR)."""
        if centre.diseases or not centre.reference_centre:
            return centre.diseases
        reference = self.centres.get(centre.reference_centre)
        return reference.diseases if reference else ()

    def competence_centres(self, crmr_id: str) -> list[Centre]:
        """CCMR attached to a reference centre."""
        return [c for c in self.centres.values() if c.reference_centre == crmr_id]


def build(entries: list[Entry], failed: frozenset[str] = frozenset()) -> Registry:
    """Index the entries that parsed and matched their schema; count the others as skipped.

    ``failed`` names files that validation failed for other reasons (a broken reference, a
    duplicate id): they are skipped too.
    """
    with gcpause.paused():
        return _build(entries, failed)


def _build(entries: list[Entry], failed: frozenset[str]) -> Registry:
    items: list[tuple[str, str, dict[str, Any]]] = []
    skipped: list[str] = []
    for entry in entries:
        if not entry.well_formed or entry.doc is None or entry.path in failed:
            skipped.append(entry.path)
        else:
            items.append((entry.kind, entry.path, entry.doc.data))
    return _index(items, skipped)


def _index(
    items: list[tuple[str, str, dict[str, Any]]], skipped: list[str], *, kept: bool = False
) -> Registry:
    """The registry of these files' data (kind, display path, data), in this order.

    ``kept``: the items are a snapshot of a registry built before, dangling entities already
    left out, so that walk is not repeated.
    """
    reg = Registry(skipped=skipped)
    tables: dict[str, dict[str, Any]] = {
        "hospital": reg.hospitals,
        "network": reg.networks,
        "campaign": reg.campaigns,
        "centre": reg.centres,
    }
    for kind, path, data in items:
        entity = _BUILDERS[kind](data)
        if entity.id in reg.paths:
            reg.skipped.append(path)  # a duplicate id: validate reports it
            continue
        tables[kind][entity.id] = entity
        reg.paths[entity.id] = path
    if not kept:
        _leave_out_dangling(reg)
    for hospital in reg.hospitals.values():
        if hospital.parent:
            reg._children[hospital.parent].append(hospital.id)
    return reg


def _items(reg: Registry) -> list[tuple[str, str, dict[str, Any]]]:
    """What :func:`_index` needs to build ``reg`` again, table by table in its order."""
    tables: tuple[tuple[str, dict[str, Any]], ...] = (
        ("hospital", reg.hospitals),
        ("network", reg.networks),
        ("campaign", reg.campaigns),
        ("centre", reg.centres),
    )
    return [(kind, reg.paths[i], e.raw) for kind, table in tables for i, e in table.items()]


def _leave_out_dangling(reg: Registry) -> None:
    """Leave out, as if they had failed too, entities that point to an entity left out.

    A centre sited at a hospital whose file failed would otherwise be listed pointing at a
    hospital no query knows. Repeated until nothing changes: a ccmr whose crmr goes, goes too.
    """
    tables: tuple[dict[str, Any], ...] = (reg.hospitals, reg.networks, reg.centres)
    changed = True
    while changed:
        changed = False
        for table in tables:
            for entity_id in [i for i, e in table.items() if _dangles(reg, e)]:
                del table[entity_id]
                reg.skipped.append(reg.paths.pop(entity_id))
                changed = True


def _dangles(reg: Registry, entity: Entity) -> bool:
    """True when a reference of ``entity`` names an entity that is not loaded."""
    wanted: list[tuple[dict[str, Any], str]] = []
    if isinstance(entity, Centre):
        wanted += [(reg.hospitals, s.hospital) for s in entity.sites]
        wanted += [(reg.networks, n) for n in (entity.network, *entity.erns) if n]
        if entity.reference_centre:
            wanted.append((reg.centres, entity.reference_centre))
        if entity.label is not None:
            wanted.append((reg.campaigns, entity.label.campaign))
    elif isinstance(entity, Hospital) and entity.parent:
        wanted.append((reg.hospitals, entity.parent))
    elif isinstance(entity, Network):
        wanted += [(reg.hospitals, entity.host)] if entity.host else []
        wanted += [(reg.networks, e) for e in entity.erns]
    return any(target not in table for table, target in wanted)


def _from_kept(kept: Kept) -> Registry | None:
    """The registry a snapshot holds, or None when its data is not of the shape built here."""
    try:
        return _index(kept.entities, kept.skipped, kept=True)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # data of the wrong shape (another version's, say): build it afresh


def load_registry(
    root: Path,
    cwd: Path,
    cache_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Registry:
    """Load the registry for queries: files that pass validation, the others listed as skipped.

    A file fails when validation (with the registry's settings) reports an error in it that
    does not depend on the day: a query may ask about another day than today. ``progress`` is
    told how many files are done as they are read. When nothing changed since the last query
    (the key of validate's kept results), the registry is rebuilt from its snapshot, without
    reading the cache of every file or validating again.
    """
    from rarereg import loader, rules, snapshot, validate, warmstart

    overlapped = warmstart.registry(root, cwd, cache_dir, _from_kept) if cache_dir else None
    if overlapped is not None:
        at, reg = overlapped
    else:
        at = validate.state(root, cwd, cache_dir=cache_dir)
        reg = _kept_registry(root, cache_dir, at)
    if reg is not None:
        return reg
    report, loaded = validate.run(
        root, cwd, cache_dir=cache_dir, need_entries=True, progress=progress, at=at
    )
    codes = rules.by_code()
    failed = frozenset(
        f.path
        for f in report.findings
        if f.severity is Severity.ERROR and not (f.code in codes and codes[f.code].date_dependent)
    )
    if loaded is None:
        loaded = loader.load(root, cwd, cache_dir)
    reg = build(loaded.entries, failed)
    if cache_dir is not None and at.before is not None:
        racy = validate.racy_hashes(at.before, loaded)
        kept_at = validate.snapshot_path(root, cache_dir)
        snapshot.save(kept_at, at.key, _items(reg), reg.skipped, racy)
    return reg


def _kept_registry(root: Path, cache_dir: Path | None, at: State) -> Registry | None:
    """The registry of the snapshot kept under this run's key, if there is one."""
    from rarereg import snapshot, validate

    if cache_dir is None or at.before is None:
        return None
    path = validate.snapshot_path(root, cache_dir)
    # Decoding and indexing make a few million objects and free none: the collector's passes
    # over them would cost as much as the work (measured: 0.11 s of 0.17 s at 20,000 files).
    with gcpause.paused():
        kept = snapshot.load(path, at.key, at.before.listing[0], at.before.stats)
        return _from_kept(kept) if kept is not None else None
