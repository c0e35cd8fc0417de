"""Registry files as the authoring commands see them: which kind, safe to read, safe to write.

Also the check every write goes through first: the registry as it would be after the change,
validated as a whole, so a new or edited file is refused before it is written, not after.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from rarereg.document import MAX_BYTES
from rarereg.findings import Finding, Severity
from rarereg.loader import FOLDERS

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
SLUG_MAX = 120
FOLDER_OF = {kind: folder for folder, kind in FOLDERS.items()}
"""Kind → registry sub-folder."""


class AuthoringError(Exception):
    """A request that cannot be carried out as asked: a usage or input error (exit 2)."""


def kind_of(path: Path) -> str | None:
    """The kind of a registry file, from the folder it lies in (None outside kind folders)."""
    if path.suffix != ".yaml":
        return None
    return FOLDERS.get(path.parent.name)


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, refusing what would hang (FIFO, device) or is far too big."""
    try:
        info = path.lstat()
    except OSError as exc:
        raise AuthoringError(f"{path}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        raise AuthoringError(f"{path}: a symbolic link; only regular files are rewritten")
    if not stat.S_ISREG(info.st_mode):
        raise AuthoringError(f"{path}: not a regular file")
    if info.st_size > MAX_BYTES:
        raise AuthoringError(f"{path}: {info.st_size} bytes, over the {MAX_BYTES}-byte limit")
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open does not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise AuthoringError(f"{path}: {exc.strerror or exc}") from None


def check_slug(entity_id: str, what: str = "id") -> None:
    """Refuse an id that is not a slug: it names a file, so no '/', '..', spaces or capitals."""
    if len(entity_id) > SLUG_MAX or not SLUG.match(entity_id):
        raise AuthoringError(
            f"{what} '{entity_id}' is not a safe id: use lowercase letters a-z, digits and single "
            f"hyphens, at most {SLUG_MAX} characters, like 'chu-lille'"
        )


def slugify(text: str) -> str:
    """An id from a name: accents, punctuation and French linking words dropped.

    ``CHU de Lille`` → ``chu-lille``; cut at a word boundary to fit the id length.
    """
    from rarereg.query import normalise

    words = normalise(text).split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > SLUG_MAX:
            break
        out = candidate
    return out


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    from rarereg.loader import display_path

    return display_path(path.absolute(), Path.cwd())


def is_bundled(root: Path) -> bool:
    """True for the registry inside an installed rarereg: not a place to write to."""
    return "_bundled" in root.resolve().parts


@dataclass(frozen=True, slots=True)
class Change:
    """A file to write: its path, kind, new text, and whether it is new."""

    path: Path
    kind: str
    text: str
    new: bool


def check_changes(
    root: Path, cwd: Path, changes: list[Change], today: dt.date
) -> dict[Path, list[Finding]]:
    """Validate the registry as it would be with ``changes``; findings of the changed files.

    Cross-file findings (unknown references, duplicate ids) come out too, for the changed
    files; findings of untouched files are not the change's business.
    """
    from rarereg import config, label_checks, labels, loader
    from rarereg.validate import all_findings

    try:
        settings = config.load(root)  # rules switched off there do not block a write either
    except config.ConfigError as exc:
        raise AuthoringError(str(exc)) from None
    loaded = loader.load(root, cwd, None)
    shown = {loader.display_path(c.path.absolute(), cwd): c for c in changes}
    entries = [e for e in loaded.entries if e.path not in shown]
    for path, change in shown.items():
        stem = change.path.name.removesuffix(".yaml")
        entries.append(
            loader.entry_from_bytes(change.kind, stem, path, change.text.encode("utf-8"))
        )
    overlay = loader.Loaded(loaded.root, entries, loaded.findings)
    window = settings.expiry_window or label_checks.DEFAULT_WINDOW
    warn_until = labels.add_span(today, window)
    out: dict[Path, list[Finding]] = {c.path: [] for c in changes}
    for finding in settings.apply(all_findings(overlay, today, warn_until)):
        hit = shown.get(finding.path)
        if hit is not None:
            out[hit.path].append(finding)
    return out


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.severity is Severity.ERROR for f in findings)


def write(change: Change) -> None:
    """Write atomically; a new file never replaces one that appeared meanwhile."""
    from rarereg.output import write_atomic

    write_atomic(change.path, change.text, exclusive=change.new)
