"""Finding a registry on disk and reading its files into parsed, schema-checked entries."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rarereg import schemas
from rarereg.findings import Finding, Severity, error, warning
from rarereg.resources import data_dir
from rarereg.yamlstrict import MAX_BYTES, YamlDoc, parse_bytes

FOLDERS = {
    "hospitals": "hospital",
    "networks": "network",
    "campaigns": "campaign",
    "centres": "centre",
}
"""Registry sub-folder → kind of file it holds."""
ENV_VAR = "RAREREG_REGISTRY"


class RegistryNotFoundError(Exception):
    """No registry where one was asked for: a usage error, not a finding."""


@dataclass(slots=True)
class Entry:
    """One registry file: where it is, what kind, and its parsed content if readable."""

    kind: str
    stem: str
    path: str
    doc: YamlDoc | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file parsed and matched its schema (warnings allowed)."""
        return self.doc is not None and not any(f.severity is Severity.ERROR for f in self.findings)


@dataclass(slots=True)
class Loaded:
    """Every file of a registry, plus the findings that belong to no single file."""

    root: Path
    entries: list[Entry]
    findings: list[Finding] = field(default_factory=list)


def is_registry(path: Path) -> bool:
    """A registry is a folder holding at least one of the kind folders."""
    return any((path / name).is_dir() for name in FOLDERS)


def bundled_registry() -> Path:
    """The registry shipped with rarereg."""
    return data_dir("registry")


def find_registry(explicit: str | None, env: Mapping[str, str], cwd: Path) -> Path:
    """Locate the registry: ``--registry``, else $RAREREG_REGISTRY, else nearest ``registry/``.

    Falls back on the bundled copy, so an installed rarereg works from anywhere.
    """
    for given, origin in ((explicit, "--registry"), (env.get(ENV_VAR) or None, ENV_VAR)):
        if given is not None:
            path = Path(given).expanduser()
            if not path.is_dir():
                raise RegistryNotFoundError(f"{origin} {given}: no such folder")
            if not is_registry(path):
                kinds = ", ".join(f"{n}/" for n in FOLDERS)
                raise RegistryNotFoundError(
                    f"{origin} {given}: not a registry (it holds none of {kinds})"
                )
            return path
    for folder in (cwd, *cwd.parents):
        candidate = folder / "registry"
        if candidate.is_dir() and is_registry(candidate):
            return candidate
        if is_registry(folder):
            return folder
    return bundled_registry()


def display_path(path: Path, cwd: Path) -> str:
    """Path as users should see it: relative to the working directory when inside it."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


def list_files(root: Path, cwd: Path) -> tuple[list[tuple[str, Path]], list[Finding]]:
    """Every registry file as (kind, path), sorted, and findings on misplaced files."""
    files: list[tuple[str, Path]] = []
    findings: list[Finding] = []
    real_root = root.resolve()
    for folder, kind in FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        for item in sorted(os.scandir(base), key=lambda e: e.name):
            path = Path(item.path)
            shown = display_path(path, cwd)
            if item.name.startswith("."):
                continue
            if item.name.endswith(".yml"):
                findings.append(
                    error(
                        shown, (1, 1), "file-name", "registry files end in .yaml: rename this file"
                    )
                )
                continue
            if not item.name.endswith(".yaml"):
                continue
            if item.is_symlink() and not _inside(path, real_root):
                findings.append(
                    error(
                        shown,
                        (1, 1),
                        "symlink",
                        "symbolic link to a file outside the registry; copy the file in",
                    )
                )
                continue
            files.append((kind, path))
    for stray in sorted(root.glob("*.yaml")):
        findings.append(
            warning(
                display_path(stray, cwd),
                (1, 1),
                "unknown-file",
                "not in a kind folder (hospitals/, networks/, campaigns/, centres/): ignored",
            )
        )
    return files, findings


def _inside(path: Path, real_root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):  # a loop of links
        return False


def read_entry(kind: str, path: Path, shown: str) -> Entry:
    """Read, parse and schema-check one file."""
    stem = path.name.removesuffix(".yaml")
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                msg = f"file is {size} bytes, over the {MAX_BYTES}-byte limit for a registry file"
                return Entry(kind, stem, shown, None, [error(shown, (1, 1), "file-too-large", msg)])
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        finding = error(shown, (1, 1), "unreadable", f"cannot read the file: {reason}")
        return Entry(kind, stem, shown, None, [finding])
    return entry_from_bytes(kind, stem, shown, raw)


def entry_from_bytes(kind: str, stem: str, shown: str, raw: bytes) -> Entry:
    """Parse and schema-check one file's content, wherever it was read from (disk, git)."""
    doc, findings = parse_bytes(raw, shown)
    if doc is not None:
        findings.extend(schemas.check(kind, doc, shown))
    return Entry(kind, stem, shown, doc, findings)


def load(root: Path, cwd: Path | None = None) -> Loaded:
    """Read every file of the registry at ``root``."""
    cwd = cwd or Path.cwd()
    files, findings = list_files(root, cwd)
    entries = [read_entry(kind, path, display_path(path, cwd)) for kind, path in files]
    return Loaded(root, entries, findings)


def registry_root_of(paths: Sequence[Path]) -> Path | None:
    """The registry that holds the given paths, by looking upwards from the first."""
    if not paths:
        return None
    start = paths[0].resolve()
    for folder in (start, *start.parents):
        if folder.is_dir() and is_registry(folder):
            return folder
    return None
