"""The built registry kept for the next query, under the same key as validate's kept results.

A query needs every file that passes validation, indexed. When no input changed since the last
run (the same stamp of files, settings, sources and date that lets ``validate`` answer without
opening a file), the index is rebuilt from one JSON file of entities instead of reading the cache
of every file and validating again. The snapshot is input like any other: it is sealed with a
digest of its content, and one whose key, digest or shape does not check out is a miss, never a
crash and never believed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, NamedTuple

FORMAT = 1
_KINDS = frozenset({"hospital", "network", "campaign", "centre"})

Entities = list[tuple[str, str, dict[str, Any]]]
"""(kind, display path, data) of each file a registry was built from, in order."""


def _seal(body: bytes) -> int:
    """A checksum of the content: a torn, truncated or edited snapshot does not match it.

    CRC-32 (1 ms for 20,000 entities, against 13 ms for BLAKE2b): the snapshot lives in the
    user's own cache folder; the seal catches accidents and hand edits, as the cache's does.
    """
    import zlib

    return zlib.crc32(body)


def save(
    path: Path, key: str, entities: Entities, skipped: list[str], racy: dict[str, str]
) -> None:
    """Keep the entities a registry was built from and the files it skipped; failures are silent.

    ``racy`` holds the content hashes of files changed too recently to trust their times.
    """
    body = json.dumps([entities, skipped], ensure_ascii=False, separators=(",", ":"))
    header = {
        "format": FORMAT,
        "key": key,
        "written_ns": time.time_ns(),
        "racy": racy,
        "digest": _seal(body.encode()),
    }
    try:
        from rarereg.cache import replace_file

        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, json.dumps(header) + "\n" + body)
    except OSError:
        pass  # a read-only or full disk: the next query builds the registry again


class Kept(NamedTuple):
    """A snapshot read back: its seal checked, its content decoded, not yet matched to a key."""

    key: str
    written_ns: int
    racy: dict[str, Any]
    entities: Entities
    skipped: list[str]


def load(
    path: Path, key: str, files: list[tuple[str, str]], stats: list[tuple[int, int]]
) -> Kept | None:
    """The entities and skipped files kept under ``key``, or None (absent, stale, altered).

    A file changed too close to the snapshot's writing for its time to show a later change is
    trusted only if its content hash is still the one the snapshot was built from.
    """
    kept = read(path, key)
    return kept if kept is not None and matches(kept, key, files, stats) else None


def read(path: Path, key: str | None = None) -> Kept | None:
    """The snapshot at ``path`` if it is whole and of this format (with ``key``, that key's).

    Without ``key`` it is decoded before anyone knows whether it will be used: a query reads it
    while the registry's stamp is being taken, and then :func:`matches` decides.
    """
    from rarereg.cache import read_regular

    try:
        raw = read_regular(path)  # never a FIFO or device: the cache folder is input too
        cut = raw.find(b"\n")
        header = json.loads(raw[:cut])
        body = raw[cut + 1 :]
        if (
            not isinstance(header, dict)
            or header.get("format") != FORMAT
            or not isinstance(header.get("key"), str)
            or (key is not None and header["key"] != key)
            or not isinstance(header.get("written_ns"), int)
            or not isinstance(header.get("racy"), dict)
            or header.get("digest") != _seal(body)
        ):
            return None
        payload = json.loads(body)
    except (OSError, ValueError):
        return None
    if not (isinstance(payload, list) and len(payload) == 2):
        return None
    items, skipped = payload
    if not (isinstance(items, list) and isinstance(skipped, list)):
        return None
    # Each entity's shape is the index's to check as it builds (a miss if it cannot): sealed,
    # the snapshot can only hold what a run of this version wrote.
    return Kept(header["key"], header["written_ns"], header["racy"], items, skipped)


def matches(
    kept: Kept, key: str, files: list[tuple[str, str]], stats: list[tuple[int, int]]
) -> bool:
    """True when ``kept`` was built from the registry as it is.

    The same key, and every file changed too close to the snapshot's writing for its time to
    show a later change still holding the content the snapshot was built from.
    """
    from rarereg.cache import RACY_NS, same_content

    if kept.key != key:
        return False
    for (_, name), (_, mtime_ns) in zip(files, stats, strict=True):
        if mtime_ns + RACY_NS > kept.written_ns and not same_content(name, kept.racy.get(name)):
            return False
    return True
