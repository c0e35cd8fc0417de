"""The registry against an external list of centres in CSV (a ministry list, a spreadsheet)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarereg.model import Centre, Registry
from rarereg.query import normalise

REQUIRED = ("kind", "name", "hospital", "network")
MAX_CSV_BYTES = 50 * 1024 * 1024


class CsvError(Exception):
    """The CSV cannot be used: missing, unreadable, or without the needed columns."""


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows keyed by lower-cased header names; ',' or ';' separated, UTF-8 (BOM allowed)."""
    import stat

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            # A FIFO or a device would block or never end: only regular files are read.
            raise CsvError(f"{path}: not a regular file")
        if st.st_size > MAX_CSV_BYTES:
            raise CsvError(f"{path}: over {MAX_CSV_BYTES // 1024 // 1024} MB")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise CsvError(f"{path}: {exc.strerror or exc}") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # The size limit above bounds every cell; the csv module's own default (128 KiB) does not.
    csv.field_size_limit(MAX_CSV_BYTES)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise CsvError(
                f"{path}: the header lacks {', '.join(missing)} (it needs at least "
                f"{', '.join(REQUIRED)}; id is optional)"
            )
        # Cells beyond the header's columns (key None) belong to no column: dropped.
        return [
            {k.strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            for row in reader
        ]
    except csv.Error as exc:
        raise CsvError(f"{path}: line {reader.line_num}: {exc}") from None


@dataclass(slots=True)
class Matching:
    """Rows of the CSV matched to the registry's centre sites, and what each side lacks."""

    matched: list[dict[str, Any]] = field(default_factory=list)
    mismatched: list[dict[str, Any]] = field(default_factory=list)
    only_in_csv: list[dict[str, Any]] = field(default_factory=list)
    only_in_registry: list[dict[str, Any]] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        """True when either side has something the other lacks, or a field disagrees."""
        return bool(self.mismatched or self.only_in_csv or self.only_in_registry)


def _hospital_family(reg: Registry, name: str) -> set[str]:
    wanted = normalise(name)
    found: set[str] = set()
    for h in reg.hospitals.values():
        if wanted in {normalise(n) for n in (h.id.replace("-", " "), h.name, *h.aliases)}:
            found |= reg.with_sites(reg.legal_entity(h.id))
    return found


def _names(c: Centre) -> set[str]:
    return {normalise(n) for n in (c.name, c.acronym or "", *c.aliases) if n}


def match(reg: Registry, rows: list[dict[str, str]]) -> Matching:
    """Match by id where the CSV gives one, else by normalised name and hospital."""
    out = Matching()
    used: set[tuple[str, str]] = set()
    for line, row in enumerate(rows, start=2):
        centre, hospital = _find(reg, row)
        shown = {
            "line": line,
            "kind": row.get("kind"),
            "name": row.get("name"),
            "hospital": row.get("hospital"),
            "network": row.get("network"),
        }
        if centre is None:
            out.only_in_csv.append(shown)
            continue
        used.add((centre.id, hospital))
        problems = _disagreements(reg, centre, row)
        target = out.mismatched if problems else out.matched
        target.append(
            {
                **shown,
                "id": centre.id,
                "registry_hospital": hospital,
                "differences": "; ".join(problems),
            }
        )
    for centre in sorted(reg.centres.values(), key=lambda c: c.id):
        for site in centre.sites:
            if (centre.id, site.hospital) not in used:
                out.only_in_registry.append(
                    {
                        "id": centre.id,
                        "kind": centre.kind,
                        "name": centre.name,
                        "hospital": site.hospital,
                    }
                )
    return out


def _find(reg: Registry, row: dict[str, str]) -> tuple[Centre | None, str]:
    family = _hospital_family(reg, row.get("hospital", ""))
    by_id = reg.centres.get(row.get("id", ""))
    candidates = (
        [by_id]
        if by_id
        else [c for c in reg.centres.values() if normalise(row.get("name", "")) in _names(c)]
    )
    for centre in candidates:
        for site in centre.sites:
            if site.hospital in family:
                return centre, site.hospital
    if by_id is not None:
        return by_id, by_id.sites[0].hospital
    return None, ""


def _disagreements(reg: Registry, centre: Centre, row: dict[str, str]) -> list[str]:
    problems = []
    kind = row.get("kind", "").lower()
    if kind and kind != centre.kind:
        problems.append(f"kind: CSV {kind}, registry {centre.kind}")
    network = normalise(row.get("network", ""))
    if network:
        ours = reg.networks.get(centre.network or "")
        names = {normalise(n) for n in ((ours.id, ours.acronym, ours.name) if ours else ())}
        if network not in names:
            problems.append(f"network: CSV {row.get('network')}, registry {centre.network}")
    return problems
