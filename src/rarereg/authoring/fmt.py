"""``rarereg fmt``: which files to format, each file's canonical text, and the diff."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rarereg.authoring import canonical
from rarereg.authoring.files import AuthoringError, kind_of, read_bytes
from rarereg.findings import Finding, error
from rarereg.loader import FOLDERS, is_registry


@dataclass(slots=True)
class Formatted:
    """One file: its text before and after (None when it cannot be formatted), and why not."""

    path: Path
    shown: str
    kind: str
    old: str | None = None
    new: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when formatting changes the file."""
        return self.new is not None and self.new != self.old

    def diff(self) -> str:
        """A unified diff from the file to its canonical form ('' when unchanged)."""
        if not self.changed or self.old is None or self.new is None:
            return ""
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            fromfile=f"a/{self.shown}",
            tofile=f"b/{self.shown}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def targets(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """Each registry file named or held by ``paths``, with its kind, sorted, once each.

    A folder is searched for files in kind folders; a file must lie in one (its kind comes
    from there). Anything else is an :class:`AuthoringError`.
    """
    found: dict[Path, str] = {}
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise AuthoringError(f"{path}: no such file or folder")
        if path.is_dir():
            for kind, file in _in_folder(path):
                found.setdefault(file, kind)
            continue
        found_kind = kind_of(path)
        if found_kind is None:
            raise AuthoringError(
                f"{path}: not a registry file (a .yaml file in hospitals/, networks/, "
                f"campaigns/ or centres/), so its kind is unknown"
            )
        found.setdefault(path, found_kind)
    return sorted(((k, p) for p, k in found.items()), key=lambda kp: str(kp[1]))


def _in_folder(folder: Path) -> list[tuple[str, Path]]:
    """The files of a kind folder, of a registry, or of the registry in a checkout.

    Never a deeper search: a checkout also holds test registries that must stay as they are.
    """
    if folder.name in FOLDERS and not is_registry(folder):
        return [(FOLDERS[folder.name], p) for p in sorted(folder.glob("*.yaml"))]
    for root in (folder, folder / "registry"):
        if is_registry(root):
            return [
                (kind, p)
                for name, kind in FOLDERS.items()
                for p in sorted((root / name).glob("*.yaml"))
            ]
    raise AuthoringError(
        f"{folder}: not a registry (no hospitals/, networks/, campaigns/ or centres/ in it "
        f"or in its registry/ folder)"
    )


def format_file(kind: str, path: Path, shown: str) -> Formatted:
    """Read one file and compute its canonical text (nothing is written)."""
    result = Formatted(path, shown, kind)
    try:
        raw = read_bytes(path)
    except AuthoringError as exc:
        result.findings.append(error(shown, (1, 1), "unreadable", str(exc).split(": ", 1)[-1]))
        return result
    with contextlib.suppress(UnicodeDecodeError):  # the strict reader says where, below
        result.old = raw.decode("utf-8")
    result.new, result.findings = canonical.format_bytes(raw, kind, shown)
    return result
