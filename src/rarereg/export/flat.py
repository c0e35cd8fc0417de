"""The registry as JSON documents and CSV tables: one file per kind, in a folder."""

from __future__ import annotations

import json
from collections.abc import Set
from pathlib import Path
from typing import Any

from rarereg.export import tables
from rarereg.export.common import (
    ExportError,
    Progress,
    Snapshot,
    about,
    no_progress,
    write_bytes_atomic,
)
from rarereg.model import orpha_number
from rarereg.render import csvfmt, safe
from rarereg.report import coverage

KINDS = ("hospitals", "networks", "campaigns", "centres")


def _dump(data: Any) -> bytes:
    # Keys sorted: the files diff well in git whatever order the YAML was written in.
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return (safe.json_text(text) + "\n").encode()


def documents(snap: Snapshot) -> dict[str, list[dict[str, Any]]]:
    """Each kind's entities as written in the registry (every reference is an id), by id.

    ORPHAcodes are numbers, however the file wrote them (``ORPHA:536`` is 536).
    """
    reg = snap.reg
    docs = {kind: [getattr(reg, kind)[k].raw for k in sorted(getattr(reg, kind))] for kind in KINDS}
    docs["centres"] = [_coded(c) for c in docs["centres"]]
    return docs


def _coded(raw: dict[str, Any]) -> dict[str, Any]:
    items = raw.get("diseases")
    if not isinstance(items, list):
        return raw
    fixed = [
        {**d, "orpha": orpha_number(d["orpha"])} if isinstance(d, dict) and "orpha" in d else d
        for d in items
    ]
    return {**raw, "diseases": fixed}


def coverage_rows(snap: Snapshot) -> list[dict[str, Any]]:
    """How much of what each hospital publishes the registry holds (``report``'s coverage)."""
    return [c.as_dict() for c in coverage(snap.reg, sorted(snap.reg.hospitals))]


def json_document(snap: Snapshot) -> bytes:
    """The whole registry as one JSON document (for stdout and pipes)."""
    return _dump({"about": about(snap), **documents(snap), "coverage": coverage_rows(snap)})


def json_files(snap: Snapshot) -> dict[str, bytes]:
    """``hospitals.json`` … ``centres.json``, ``coverage.json`` and ``about.json``."""
    files = {f"{kind}.json": _dump(items) for kind, items in documents(snap).items()}
    files["coverage.json"] = _dump(coverage_rows(snap))
    files["about.json"] = _dump(about(snap))
    return files


def csv_files(snap: Snapshot) -> dict[str, bytes]:
    """One CSV per table (the SQLite export's tables), cells as every rarereg CSV writes them."""
    out = {}
    for t in tables.build(snap):
        columns = list(t.columns)
        rows: list[list[Any]] = [columns, *([row.get(c) for c in columns] for row in t.rows)]
        out[f"{t.name}.csv"] = csvfmt.write(rows).encode()
    return out


def csv_names() -> set[str]:
    """Every file name the CSV export may write."""
    return {f"{name}.csv" for name in tables.names()}


def write_folder(
    files: dict[str, bytes],
    folder: Path,
    progress: Progress = no_progress,
    stale: Set[str] = frozenset(),
) -> None:
    """Each file written atomically into ``folder`` (created if needed).

    Files named in ``stale`` that this export does not write are removed, so that a table a
    previous export wrote (``diseases.csv``) cannot outlive the data it came from.
    """
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file; give a folder for this format")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {folder}: {exc.strerror or exc}") from None
    for done, (name, data) in enumerate(sorted(files.items()), 1):
        write_bytes_atomic(folder / name, data)
        progress(done, len(files), name)
    for name in sorted(stale - set(files)):
        (folder / name).unlink(missing_ok=True)
