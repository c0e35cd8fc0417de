"""A cache of parsed and schema-checked files, so unchanged files are not read again.

One folder per registry in the user's cache folder, its records spread over :data:`SHARDS` JSON
files by a hash of each file's path: an edited file rewrites only its shard. A file's record is
reused when its size and modification time match and the time is older than its shard (else the
content hash decides: a touched but unchanged file is not parsed again). The key includes
rarereg's version and a digest of the schemas, so any change to either starts afresh. The cache
is input like any other: a record of the wrong shape, or a shard that does not parse or whose
digest does not match its records, is ignored and rebuilt, never trusted; JSON can hold no
code. Each shard is written to a temporary file renamed into place, so two runs at once each
leave whole shards (and every record is checked against its file anyway); a read-only or
missing folder just means no cache.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarereg import __version__
from rarereg.findings import Finding, Severity

FORMAT = 3
"""Bump when the shape of a record or the per-file checks change: old caches are ignored."""
RACY_NS = 2_000_000_000
"""A file modified this close to the cache's own write may have changed unseen: hash it."""


def default_dir() -> Path:
    """$RAREREG_CACHE_DIR, else the platform's user cache folder."""
    override = os.environ.get("RAREREG_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "rarereg"
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "rarereg" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rarereg"


def cache_path(folder: Path, registry_root: Path, fingerprint: str, suffix: str = ".json") -> Path:
    """The cache file of one registry, for this version of rarereg and of the schemas."""
    key = f"{FORMAT}|{__version__}|{fingerprint}|{registry_root.resolve()}"
    from rarereg.digests import sha256

    return folder / f"{sha256(key.encode()).hexdigest()[:32]}{suffix}"


def read_regular(path: Path | str) -> bytes:
    """A regular file's bytes; anything else (FIFO, device, folder) is an OSError, never read.

    The cache folder is input like any other: a FIFO there would block a plain read forever and
    a link to /dev/zero would fill the memory.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with open(fd, "rb") as handle:  # noqa: PTH123 - a file descriptor
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path}: not a regular file")
        return handle.read()


def replace_file(path: Path, text: str | bytes) -> None:
    """Put a whole new file at ``path``, whatever was there (a FIFO or a link is replaced).

    Unlike an output file, a cache file is never written through: a FIFO there would block the
    run, and a link would let the cache overwrite the file it points to.
    """
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode() if isinstance(text, str) else text)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # noqa: PTH108 - a str path
        raise


def digest(raw: bytes) -> str:
    """The content hash a record is keyed by."""
    from rarereg.digests import blake2b

    return blake2b(raw, digest_size=16).hexdigest()


@dataclass(slots=True)
class Record:
    """What the cache keeps of one file: its identity, its data and its own findings."""

    size: int
    mtime_ns: int
    hash: str
    data: dict[str, Any] | None
    findings: list[list[Any]]

    def findings_for(self, shown: str) -> list[Finding]:
        """The stored findings, placed at the file's current display path."""
        return [Finding(shown, f[0], f[1], f[2], f[3], Severity(f[4])) for f in self.findings]


def _record(raw: Any) -> Record | None:
    """A record from JSON, or None when it does not have the expected shape."""
    if not isinstance(raw, list) or len(raw) != 5:
        return None
    size, mtime_ns, content_hash, data, findings = raw
    if not (
        isinstance(size, int)
        and isinstance(mtime_ns, int)
        and isinstance(content_hash, str)
        and (data is None or isinstance(data, dict))
        and isinstance(findings, list)
    ):
        return None
    for f in findings:
        if not (
            isinstance(f, list)
            and len(f) == 5
            and isinstance(f[0], int)
            and isinstance(f[1], int)
            and isinstance(f[2], str)
            and isinstance(f[3], str)
            and f[4] in ("error", "warning")
        ):
            return None
    return Record(size, mtime_ns, content_hash, data, findings)


SHARDS = 64
"""Files of records per registry: a one-file edit in 100,000 files rewrites about 1,600 records."""


def shard_of(name: str) -> int:
    """The shard that holds a file's record (stable across runs and machines)."""
    import zlib

    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % SHARDS


@dataclass(slots=True)
class _Shard:
    """The records of one shard as read, and those of this run's files."""

    written_ns: int = 0
    records: dict[str, Any] = field(default_factory=dict)
    fresh: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(slots=True)
class FileCache:
    """The records of one registry; each shard is read when first needed, saved if it changed."""

    path: Path | None
    """The registry's folder of shards, or None for no cache."""
    on_disk: frozenset[int] = frozenset()
    shards: dict[int, _Shard] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path | None, registry_root: Path, fingerprint: str) -> FileCache:
        """The cache for a registry; an unreadable or corrupt shard is an empty one."""
        if folder is None:
            return cls(None)
        path = cache_path(folder, registry_root, fingerprint, ".d")
        try:
            names = {p.name for p in path.iterdir()}
        except OSError:
            names = set()
        return cls(path, frozenset(i for i in range(SHARDS) if _shard_name(i) in names))

    @property
    def empty(self) -> bool:
        """True when there is nothing to look up (a cold run)."""
        return not self.on_disk

    def _shard(self, name: str) -> _Shard:
        index = shard_of(name)
        shard = self.shards.get(index)
        if shard is None:
            shard = self.shards[index] = self._read(index)
        return shard

    def _read(self, index: int) -> _Shard:
        if self.path is None or index not in self.on_disk:
            return _Shard()
        payload = read_cache_file(self.path / _shard_name(index))
        if payload is None:
            return _Shard()
        return _Shard(payload["written_ns"], payload["files"])

    def get(self, name: str, size: int, mtime_ns: int) -> Record | None:
        """The record of a file whose size and time match, unless they are too recent to trust."""
        shard = self._shard(name)
        record = _record(shard.records.get(name))
        if record is None or record.size != size or record.mtime_ns != mtime_ns:
            return None
        if mtime_ns + RACY_NS > shard.written_ns:
            return None
        shard.fresh[name] = shard.records[name]
        return record

    def record(self, name: str) -> Record | None:
        """A file's record as kept, whatever its size and time (its hash says what it holds)."""
        return _record(self._shard(name).records.get(name))

    def get_by_hash(self, name: str, content_hash: str, size: int, mtime_ns: int) -> Record | None:
        """The record of a file whose content is unchanged, though its time moved."""
        record = _record(self._shard(name).records.get(name))
        if record is None or record.hash != content_hash:
            return None
        record.size, record.mtime_ns = size, mtime_ns
        self.put(name, record)
        return record

    def known_hash(self, name: str) -> str | None:
        """The content hash recorded for a file, without taking its record."""
        record = _record(self._shard(name).records.get(name))
        return None if record is None else record.hash

    def by_hash(self) -> dict[str, Record]:
        """Every well-formed record by content hash, for contents read from elsewhere (git)."""
        out = {}
        for index in self.on_disk:
            shard = self.shards.get(index) or self.shards.setdefault(index, self._read(index))
            for raw in shard.records.values():
                record = _record(raw)
                if record is not None:
                    out[record.hash] = record
        return out

    def put(self, name: str, record: Record) -> None:
        """Remember a file's record for the next run."""
        self._shard(name).fresh[name] = [
            record.size,
            record.mtime_ns,
            record.hash,
            record.data,
            record.findings,
        ]

    def save(self) -> None:
        """Write the shards whose records changed; failures are silent.

        A shard none of this run's files falls in holds only files that are gone: removed.
        """
        if self.path is None:
            return
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for index in range(SHARDS):
                shard = self.shards.get(index)
                target = self.path / _shard_name(index)
                if shard is None or not shard.fresh:
                    if index in self.on_disk:
                        target.unlink(missing_ok=True)
                    continue
                if shard.fresh == shard.records and index in self.on_disk:
                    continue
                # Checked when read and rebuilt when torn: never waits for the disk.
                write_cache_file(target, time.time_ns(), shard.fresh)
        except OSError:
            pass  # a read-only or full disk: the run works, only the next one is slower


def _shard_name(index: int) -> str:
    return f"{index:02d}.json"


def _seal(body: bytes) -> str:
    from rarereg.digests import blake2b

    return blake2b(body, digest_size=16).hexdigest()


def write_cache_file(path: Path, written_ns: int, files: dict[str, Any]) -> None:
    """A header line (format, time, digest of the records), then the records on one line."""
    body = json.dumps(files, ensure_ascii=False, separators=(",", ":"))
    header = {"format": FORMAT, "written_ns": written_ns, "digest": _seal(body.encode())}
    replace_file(path, json.dumps(header) + "\n" + body)


def read_cache_file(path: Path) -> dict[str, Any] | None:
    """The header and records of a cache file; None when absent, corrupt or altered.

    The records are trusted only whole, as written: their digest must match. The checks rely on
    the shape of a valid file's data, so a record that was not written by a check of that file
    (edited, truncated, from another version) must never reach them. Checking the digest costs
    far less than checking every record against its schema again.
    """
    try:
        raw = read_regular(path)
        head, _, body = raw.partition(b"\n")
        header = json.loads(head)
        if (
            not isinstance(header, dict)
            or header.get("format") != FORMAT
            or not isinstance(header.get("written_ns"), int)
            or header.get("digest") != _seal(body)
        ):
            return None
        files = json.loads(body)
    except (OSError, ValueError):
        return None
    if not isinstance(files, dict):
        return None
    return {"format": FORMAT, "written_ns": header["written_ns"], "files": files}


def findings_to_json(findings: list[Finding]) -> list[list[Any]]:
    """Findings as compact lists, without their path (it depends on the working folder)."""
    return [[f.line, f.col, f.code, f.message, f.severity.value] for f in findings]


def load_results(
    path: Path, key: str, files: list[tuple[str, str]], stats: list[tuple[int, int]]
) -> list[Finding] | None:
    """Findings kept for a registry state and settings, or None (absent, stale or malformed).

    A file changed too close to the findings' writing for its time to show a later change is
    trusted only if its content hash is still the one the findings were computed from.
    """
    try:
        payload = json.loads(read_regular(path))
    except (OSError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None
    written = payload.get("written_ns")
    racy = payload.get("racy", {})
    if not isinstance(written, int) or not isinstance(racy, dict):
        return None
    for (_, name), (_, mtime_ns) in zip(files, stats, strict=True):
        if mtime_ns + RACY_NS > written and not same_content(name, racy.get(name)):
            return None
    rows = payload.get("findings")
    if not isinstance(rows, list):
        return None
    findings = []
    for row in rows:
        record = _record([0, 0, "", None, [row[1:]]]) if isinstance(row, list) and row else None
        if record is None or not isinstance(row[0], str):
            return None
        findings.extend(record.findings_for(row[0]))
    return findings


def same_content(name: str, expected: object) -> bool:
    """True when the file's content hash is ``expected``."""
    if not isinstance(expected, str):
        return False
    try:
        return digest(read_regular(name)) == expected
    except OSError:
        return False


def save_results(
    path: Path, key: str, findings: list[Finding], racy: dict[str, str] | None = None
) -> None:
    """Keep the findings of a run for the next one with the same state; failures are silent.

    ``racy`` holds the content hashes of files changed too recently to trust their times.
    """
    rows = [[f.path, f.line, f.col, f.code, f.message, f.severity.value] for f in findings]
    payload = {"key": key, "written_ns": time.time_ns(), "racy": racy or {}, "findings": rows}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, json.dumps(payload, ensure_ascii=False))
    except OSError:
        pass
