"""A warm query's registry: the snapshot decoded here while a forked process takes the stamp.

Knowing that nothing changed costs a ``stat`` of every file (0.09 s at 20,000 files, 0.45 s at
100,000 here); decoding and indexing the snapshot costs about as much again. Neither needs the
other until the end, so on two cores they overlap. The snapshot is used only if its key is the
key the stamp gives and its racily recent files still hold their content: exactly the test
made when the two are done one after the other, so the answer is the same either way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rarereg import loader, snapshot, validate
from rarereg.findings import Finding, Severity

T = TypeVar("T")

WORTH_BYTES = 1 << 20
"""Below this snapshot size (about 3,000 entities) a fork costs more than the overlap saves."""


def registry(
    root: Path, cwd: Path, cache_dir: Path, build: Callable[[snapshot.Kept], T | None]
) -> tuple[validate.State, T | None] | None:
    """The run's state and, when the snapshot holds this very registry, ``build(snapshot)``.

    None when nothing was overlapped (no fork here, a small or absent snapshot): the caller
    goes the plain way. ``build`` returns None for a snapshot it cannot use.
    """
    path = validate.snapshot_path(root, cache_dir)
    try:
        if path.stat().st_size < WORTH_BYTES:
            return None
    except OSError:
        return None
    from rarereg import shares
    from rarereg.gcpause import paused

    base = validate.state(root, cwd)  # settings and dates; the stamp is the fork's
    job = shares.alongside(lambda: _stamp_values(root, cwd, base))
    if job is None:
        return None
    try:
        with paused():  # millions of objects made, none freed: see rarereg.gcpause
            kept = snapshot.read(path)
            built = build(kept) if kept is not None else None
        at = _state(base, job.result())
    finally:
        job.stop()
    if (
        built is None
        or kept is None
        or at.before is None
        or not snapshot.matches(kept, at.key, at.before.listing[0], at.before.stats)
    ):
        return at, None
    return at, built


def _stamp_values(root: Path, cwd: Path, base: validate.State) -> Any:
    """The stamp and the key of this run, as plain values a pipe can carry."""
    before = loader.stamp(root, cwd)
    if before is None:
        return None
    key = validate.results_key(root, cwd, base.settings, base.today, base.warn_until, before)
    files, findings = before.listing
    found = [(f.path, f.line, f.col, f.code, f.message, f.severity.value) for f in findings]
    return key, before.digest, before.newest_ns, files, found, before.stats


def _state(base: validate.State, values: Any) -> validate.State:
    """The state :func:`rarereg.validate.state` gives, from the fork's values."""
    if values is None:
        return base  # a file could not be examined: no stamp, nothing kept is trusted
    key, digest, newest, files, found, stats = values
    findings = [Finding(p, line, col, c, m, Severity(s)) for p, line, col, c, m, s in found]
    before = loader.Stamp(digest, newest, (files, findings), stats)
    return dataclasses.replace(base, before=before, key=key)
