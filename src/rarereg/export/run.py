"""One entry point for every format: what goes where, and which need a file or a folder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from rarereg.export.common import (
    ExportError,
    Progress,
    is_special,
    no_progress,
    snapshot,
    write_bytes_atomic,
    write_with,
)
from rarereg.model import Registry

FORMATS = ("sqlite", "json", "csv", "fhir", "jsonld")
FOLDER_FORMATS = frozenset({"json", "csv"})
"""With -o these write a folder, one file per kind."""


def export(
    reg: Registry,
    fmt: str,
    output: Path | None,
    as_of: dt.date,
    progress: Progress = no_progress,
    datasette_metadata: Path | None = None,
) -> bytes | None:
    """Write ``fmt`` to ``output`` (atomically), or return its bytes for stdout when None."""
    snap = snapshot(reg, as_of)
    if fmt == "sqlite":
        if output is None:
            raise ExportError("sqlite needs a file: add -o FILE.db")
        if output.is_dir():
            raise ExportError(f"{output} is a folder; give a file name, e.g. {output}/rarereg.db")
        if is_special(output):
            raise ExportError(f"{output} is not a regular file; a database needs one")
        from rarereg.export import sqlite

        _writable(output)
        sqlite.write(snap, output, progress)
        if datasette_metadata is not None:
            meta = sqlite.datasette_metadata(snap, output.stem)
            text = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
            write_bytes_atomic(datasette_metadata, text.encode())
        return None
    if datasette_metadata is not None:
        raise ExportError("--datasette-metadata goes with the sqlite format")
    if fmt in FOLDER_FORMATS:
        from rarereg.export import flat

        if output is None:
            if fmt == "csv":
                raise ExportError("csv writes one file per table: add -o FOLDER")
            return flat.json_document(snap)
        if fmt == "json":
            flat.write_folder(flat.json_files(snap), output, progress)
        else:
            flat.write_folder(flat.csv_files(snap), output, progress, flat.csv_names())
        return None
    if fmt not in ("fhir", "jsonld"):
        raise ExportError(f"unknown format '{fmt}'; one of: {', '.join(FORMATS)}")
    from rarereg.export import fhir, jsonld

    encode, write = (fhir.encode, fhir.write) if fmt == "fhir" else (jsonld.encode, jsonld.write)
    if output is None:
        return encode(snap, progress)
    _writable_file(output)
    write_with(output, lambda handle: write(snap, handle, progress))
    return None


def _writable_file(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name")
    _writable(path)


def _writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: no folder {folder}")
