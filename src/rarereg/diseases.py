"""Diseases: which centres cover which disease, matched by name or ORPHAcode.

A disease is keyed by its ORPHAcode where any centre gives one (``ORPHA:536``), else by its
normalised name, so that one disease named by several centres is counted once. A name given
without a code joins the coded disease of the same name when exactly one code has that name.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rarereg.document import YamlDoc
from rarereg.findings import Finding, error
from rarereg.model import Centre, Disease, Registry, orpha_number

if TYPE_CHECKING:
    from rarereg.loader import Loaded


class UnknownDisease(LookupError):
    """A disease name or code the registry does not know; the message suggests close ones."""


@dataclass(slots=True)
class DiseaseEntry:
    """One disease or group, with every name centres give it and the centres that cover it."""

    key: str
    orpha: int | None
    names: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    age_groups: set[str] = field(default_factory=set)
    centres: set[str] = field(default_factory=set)
    listed: list[tuple[str, Disease]] = field(default_factory=list)
    """(centre id, the disease as that centre's file, or its reference centre's, gives it)."""

    @property
    def name(self) -> str:
        """The name most centres give it (the first in registry order on a tie)."""
        counts: dict[str, int] = defaultdict(int)
        for n in self.names:
            counts[n] += 1
        return max(self.names, key=lambda n: counts[n]) if self.names else self.key

    def all_names(self) -> list[str]:
        """Names and synonyms, each once, in the order first seen."""
        return list(dict.fromkeys([*self.names, *self.synonyms]))


def orpha_key(code: int) -> str:
    """The display form of an ORPHAcode, ``ORPHA:536``."""
    return f"ORPHA:{code}"


def _name_key(name: str) -> str:
    from rarereg.query import normalise

    return "name:" + normalise(name)


def index(reg: Registry) -> dict[str, DiseaseEntry]:
    """Every disease the registry knows, keyed as the module docstring says.

    A CCMR that lists no disease covers its reference centre's; it is counted for them.
    """
    coded: dict[str, DiseaseEntry] = {}
    named: dict[str, DiseaseEntry] = {}
    uncoded: list[tuple[Centre, Disease]] = []
    for centre in sorted(reg.centres.values(), key=lambda c: c.id):
        for disease in reg.diseases_of(centre):
            if disease.orpha is None:
                uncoded.append((centre, disease))
                continue
            key = orpha_key(disease.orpha)
            entry = coded.setdefault(key, DiseaseEntry(key, disease.orpha))
            _add(entry, centre, disease)
    by_name: dict[str, set[str]] = defaultdict(set)
    for entry in coded.values():
        for n in entry.all_names():
            by_name[_name_key(n)].add(entry.key)
    for centre, disease in uncoded:
        key = _name_key(disease.name)
        owners = by_name.get(key, set())
        if len(owners) == 1:
            _add(coded[next(iter(owners))], centre, disease)
        else:
            _add(named.setdefault(key, DiseaseEntry(key, None)), centre, disease)
    return {**coded, **named}


def _add(entry: DiseaseEntry, centre: Centre, disease: Disease) -> None:
    entry.names.append(disease.name)
    entry.synonyms.extend(s for s in disease.synonyms if s not in entry.synonyms)
    if disease.age_group:
        entry.age_groups.add(disease.age_group)
    entry.centres.add(centre.id)
    entry.listed.append((centre.id, disease))


def match(diseases: dict[str, DiseaseEntry], query: str) -> set[str]:
    """Keys of the diseases whose name or synonym holds every word of ``query``.

    Case, accents and linking words are ignored. Raises :class:`UnknownDisease` naming the
    closest known names when nothing matches.
    """
    from rarereg.query import normalise

    wanted = normalise(query)
    if not wanted:
        raise UnknownDisease("empty disease name")
    words = set(wanted.split())
    found = {
        key
        for key, entry in diseases.items()
        if any(words <= set(normalise(n).split()) for n in entry.all_names())
    }
    if found:
        return found
    raise UnknownDisease(_unknown(diseases, query, wanted))


def _unknown(diseases: dict[str, DiseaseEntry], query: str, wanted: str) -> str:
    from rarereg.query import normalise

    owner: dict[str, str] = {}
    for entry in diseases.values():
        for n in entry.all_names():
            owner.setdefault(normalise(n), entry.key)
    # Compare word by word too: "lupis" is close to the word "lupus" in a long name.
    words: dict[str, list[str]] = defaultdict(list)
    for norm in owner:
        for w in norm.split():
            words[w].append(norm)
    close = difflib.get_close_matches(wanted, list(owner), n=3, cutoff=0.6)
    for w in wanted.split():
        for near in difflib.get_close_matches(w, list(words), n=2, cutoff=0.75):
            close.extend(words[near][:2])
    keys = list(dict.fromkeys(owner[c] for c in close))[:5]
    suggestions = [_label(diseases[k]) for k in keys]
    hint = f"; did you mean: {'; '.join(suggestions)}?" if suggestions else ""
    if not diseases:
        hint = "; no centre in this registry lists its diseases yet"
    return f"no disease matches '{query}'{hint}"


def _label(entry: DiseaseEntry) -> str:
    return f"{entry.name} ({entry.key})" if entry.orpha is not None else entry.name


def match_code(diseases: dict[str, DiseaseEntry], code: str) -> str:
    """The key of the disease with this ORPHAcode (``536`` or ``ORPHA:536``).

    Raises :class:`UnknownDisease` for a malformed code or one no centre gives.
    """
    number = orpha_number(code)
    if number is None:
        raise UnknownDisease(f"'{code}' is not an ORPHAcode: a number like 536, or ORPHA:536")
    key = orpha_key(number)
    if key not in diseases:
        raise UnknownDisease(
            f"no centre in the registry gives {key}; see 'rarereg list diseases'"
            " (most diseases are known by name only: try --disease NAME)"
        )
    return key


def centres_for(diseases: dict[str, DiseaseEntry], keys: Iterable[str]) -> set[str]:
    """Ids of the centres covering any of these diseases."""
    out: set[str] = set()
    for key in keys:
        out |= diseases[key].centres
    return out


DISEASE_COLUMNS = ("key", "orpha", "name", "synonyms", "age_groups", "centres", "crmr", "ccmr")
"""The keys of a disease row (``rarereg.query.COLUMNS['diseases']`` names the same, in order;
a test holds them equal: query does not import this module for a query about centres)."""


def disease_rows(
    reg: Registry, diseases: dict[str, DiseaseEntry], kept: set[str] | None = None
) -> list[dict[str, Any]]:
    """One row per disease with how many centres (of ``kept``, default all) cover it."""
    rows = []
    for entry in diseases.values():
        ids = entry.centres if kept is None else entry.centres & kept
        if not ids:
            continue
        kinds = [reg.centres[i].kind for i in ids]
        rows.append(
            {
                "key": entry.key,
                "orpha": entry.orpha,
                "name": entry.name,
                "synonyms": [n for n in entry.all_names() if n != entry.name],
                "age_groups": sorted(entry.age_groups),
                "centres": len(ids),
                "crmr": kinds.count("crmr"),
                "ccmr": kinds.count("ccmr"),
            }
        )
    return sorted(rows, key=lambda r: (-r["centres"], r["name"].casefold(), r["key"]))


def disease_view(reg: Registry, entry: DiseaseEntry) -> dict[str, Any]:
    """One disease and the centres that cover it, for ``rarereg show ORPHA:536``."""
    centres = sorted(
        (reg.centres[i] for i in entry.centres), key=lambda c: (c.kind, c.name.casefold(), c.id)
    )
    return {
        "type": "disease",
        "id": entry.key,
        "orpha": entry.orpha,
        "name": entry.name,
        "synonyms": [n for n in entry.all_names() if n != entry.name],
        "age_groups": sorted(entry.age_groups),
        "centres": [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "inherited": not c.diseases,
                "hospitals": [s.hospital for s in c.sites],
                "cities": sorted(
                    {x for s in c.sites if (x := reg.hospital_attr(s.hospital, "city"))}
                ),
            }
            for c in centres
        ],
    }


def find(reg: Registry, text: str) -> DiseaseEntry:
    """The disease named by ``ORPHA:536`` (or a bare ``536`` after ``ORPHA:`` was typed)."""
    diseases = index(reg)
    return diseases[match_code(diseases, text)]


def is_code(text: str) -> bool:
    """True for ``ORPHA:…`` (any case): ``show`` then looks for a disease, not an entity."""
    return text[:6].upper() == "ORPHA:"


def check(loaded: Loaded, *_: object) -> list[Finding]:
    """The ``orpha-name-conflict`` rule over a loaded registry (its schema-valid centres)."""
    return name_conflicts(
        (e.path, e.doc) for e in loaded.entries if e.kind == "centre" and e.ok and e.doc is not None
    )


def codes_given(data: dict[str, Any]) -> list[int]:
    """The ORPHAcodes a centre's file names diseases by, as :func:`name_conflicts` reads them."""
    items = data.get("diseases")
    if not isinstance(items, list):
        return []
    found = (
        orpha_number(item.get("orpha"))
        for item in items
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    )
    return [code for code in found if code is not None]


def name_conflicts(docs: Iterable[tuple[str, YamlDoc]]) -> list[Finding]:
    """``orpha-name-conflict``: one ORPHAcode given two different names in the registry.

    The first file (by path) to give a code sets its name; a later one that names it otherwise,
    without listing that name among its synonyms, is reported at its ``name``.
    """
    from rarereg.query import normalise

    first: dict[int, tuple[set[str], str, str, int]] = {}
    findings: list[Finding] = []
    for path, doc in sorted(docs, key=lambda pair: pair[0]):
        items = doc.data.get("diseases")
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            code = orpha_number(item.get("orpha"))
            if code is None:
                continue
            here = ("diseases", i, "name")
            synonyms = item.get("synonyms")
            own = normalise(item["name"])
            names = {own} | {
                normalise(s)
                for s in (synonyms if isinstance(synonyms, list) else [])
                if isinstance(s, str)
            }
            seen = first.get(code)
            if seen is None:
                first[code] = (names, item["name"], path, doc.pos(here)[0])
            elif own not in seen[0] and normalise(seen[1]) not in names:
                findings.append(
                    error(
                        path,
                        doc.pos(here),
                        "orpha-name-conflict",
                        f"{orpha_key(code)} is named '{item['name']}' here but '{seen[1]}' in"
                        f" {seen[2]}:{seen[3]}; use one name (list the other under synonyms)",
                    )
                )
    return findings
