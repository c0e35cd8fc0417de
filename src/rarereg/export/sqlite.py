"""The registry as a SQLite database: one table per kind and per relation, ready for datasette.

Built with sqlite-utils (imported here only, so other commands never pay for it).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from rarereg.export import tables
from rarereg.export.common import Progress, Snapshot, about, atomic_path, no_progress

# Searched words match whatever their accents: "hopital" finds "Hôpital".
TOKENIZE = "unicode61 remove_diacritics 2"


CENTRE_DISEASES = """
CREATE VIEW centre_diseases AS
SELECT c.id AS centre, d.centre AS listed_by, d.position, d.name, d.orpha, d.synonyms,
       d.age_group, c.id != d.centre AS inherited
FROM centres AS c
JOIN diseases AS d ON d.centre = CASE
    WHEN c.reference_centre IS NULL OR EXISTS (SELECT 1 FROM diseases AS x WHERE x.centre = c.id)
    THEN c.id ELSE c.reference_centre END
"""
"""Every centre's diseases, a CCMR that lists none covering its reference centre's."""


def write(snap: Snapshot, path: Path, progress: Progress = no_progress) -> None:
    """Write the database to ``path`` atomically (a temporary file, then a rename)."""
    with atomic_path(path) as tmp:
        tmp.unlink()  # sqlite must create the file itself
        _build(snap, tmp, progress)


def _build(snap: Snapshot, path: Path, progress: Progress) -> None:
    import sqlite_utils

    built = tables.build(snap)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        db = sqlite_utils.Database(conn)
        # One transaction, no rollback journal left behind: the same registry gives the same file.
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("BEGIN")
        for done, table in enumerate(built, 1):
            _create(db, table)
            progress(done, len(built), table.name)
        if any(t.name == "diseases" for t in built):
            conn.execute(CENTRE_DISEASES)
        db.table("meta").create({"key": str, "value": str}, pk="key")
        db.table("meta").insert_all(
            [{"key": k, "value": str(v)} for k, v in about(snap).items()], pk="key"
        )
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


def _create(db: Any, table: tables.Table) -> None:
    target = db.table(table.name)
    target.create(
        table.columns,
        pk=table.pk[0] if len(table.pk) == 1 else table.pk,
        foreign_keys=[(col, ref, "id") for col, ref in table.references],
        not_null=set(table.pk),
    )
    if table.rows:
        target.insert_all([_cells(row) for row in table.rows])
    for column in dict.fromkeys([c for c, _ in table.references] + list(table.index)):
        if column not in table.pk[:1]:
            target.create_index([column], if_not_exists=True)
    if table.search:
        target.enable_fts(list(table.search), tokenize=TOKENIZE)


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    """Lists as JSON arrays (datasette shows them as such; full-text search reads the words)."""
    return {
        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in row.items()
    }


def datasette_metadata(snap: Snapshot, database: str) -> dict[str, Any]:
    """A datasette metadata.json: titles, the source, and facets worth clicking."""
    info = about(snap)
    facets = {
        "centres": ["kind", "network", "label_end"],
        "sites": ["role", "region", "legal_entity"],
        "hospitals": ["region", "city", "legal_entity"],
        "networks": ["kind"],
        "labels": ["campaign"],
        "centre_erns": ["ern"],
        "diseases": ["age_group"],
        "centre_diseases": ["inherited", "age_group"],
    }
    return {
        "title": "rarereg: France's rare-disease care network",
        "description": f"Centres labelled on {info['as_of']}, their sites, networks and sources.",
        "databases": {
            database: {"tables": {name: {"facets": columns} for name, columns in facets.items()}}
        },
    }
