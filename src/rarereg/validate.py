"""Validation: load everything, check everything, return all findings at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rarereg import checks, loader, model
from rarereg.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of a validation run."""

    root: Path
    files: int
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        """How many error findings."""
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        """How many warning findings."""
        return sum(f.severity is Severity.WARNING for f in self.findings)

    def failed(self, *, strict: bool = False) -> bool:
        """True when the run should exit 1: any error, or any warning under --strict."""
        return self.errors > 0 or (strict and self.warnings > 0)


def all_findings(loaded: loader.Loaded) -> list[Finding]:
    """Per-file findings (YAML, schema) and cross-file findings, sorted by place."""
    findings = list(loaded.findings)
    for entry in loaded.entries:
        findings.extend(entry.findings)
    findings.extend(checks.run(loaded))
    return sorted(findings, key=Finding.sort_key)


def validate(root: Path, cwd: Path, only: Iterable[str] | None = None) -> Report:
    """Check the registry at ``root``; with ``only``, report just those files' findings."""
    loaded = loader.load(root, cwd)
    findings = all_findings(loaded)
    if only is not None:
        wanted = set(only)
        findings = [f for f in findings if f.path in wanted]
    return Report(root, len(loaded.entries), tuple(findings))


def load_registry(root: Path, cwd: Path) -> model.Registry:
    """Load the registry for queries: well-formed files only, the others listed as skipped."""
    return model.build(loader.load(root, cwd).entries)
