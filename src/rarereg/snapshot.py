"""The built registry kept for the next query, under the same key as validate's kept results.

A query needs every file that passes validation, indexed. When no input changed since the last
run (the same stamp of files, settings, sources and date that lets ``validate`` answer without
opening a file), the index is rebuilt from one JSON file of entities instead of reading the cache
of every file and validating again. The snapshot is input like any other: one whose key, shape
or entities do not check out is a miss, never a crash and never believed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMAT = 1
_KINDS = ("hospital", "network", "campaign", "centre")


def save(
    path: Path, key: str, entities: Iterable[tuple[str, str, Any]], skipped: list[str]
) -> None:
    """Keep the entities (kind, file path, data) a registry was built from; failures are silent."""
    payload = {
        "format": FORMAT,
        "key": key,
        "written_ns": time.time_ns(),
        "entities": [list(e) for e in entities],
        "skipped": skipped,
    }
    try:
        from rarereg.output import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        write_atomic(path, text, durable=False)
    except OSError:
        pass  # a read-only or full disk: the next query builds the registry again


def load(
    path: Path, key: str, newest_ns: int
) -> tuple[list[tuple[str, str, Any]], list[str]] | None:
    """The entities and skipped files kept under ``key``, or None (absent, stale or malformed).

    Not trusted when a file changed too close to its writing for its time to show the change,
    nor without the compiled schema validator, which checks every entity's shape for free.
    """
    from rarereg import schemas
    from rarereg.cache import RACY_NS

    if schemas.compiled_validator("centre") is None:
        return None
    try:
        payload = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(payload, dict)
        or payload.get("format") != FORMAT
        or payload.get("key") != key
        or not isinstance(payload.get("written_ns"), int)
        or newest_ns + RACY_NS > payload["written_ns"]
        or not isinstance(payload.get("entities"), list)
        or not isinstance(payload.get("skipped"), list)
        or not all(isinstance(p, str) for p in payload["skipped"])
    ):
        return None
    entities: list[tuple[str, str, Any]] = []
    for item in payload["entities"]:
        if not (
            isinstance(item, list)
            and len(item) == 3
            and item[0] in _KINDS
            and isinstance(item[1], str)
            and isinstance(item[2], dict)
            and schemas.is_valid(item[0], item[2])
        ):
            return None
        entities.append((item[0], item[1], item[2]))
    return entities, payload["skipped"]
