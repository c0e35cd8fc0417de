"""Validation: load everything, check everything, return all findings at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rarereg import checks, label_checks, loader, model
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


def all_findings(loaded: loader.Loaded, today: dt.date, warn_until: dt.date) -> list[Finding]:
    """Per-file findings (YAML, schema), cross-file and calendar findings, sorted by place."""
    findings = list(loaded.findings)
    for entry in loaded.entries:
        findings.extend(entry.findings)
    findings.extend(checks.run(loaded))
    findings.extend(label_checks.check(loaded, today, warn_until))
    return sorted(findings, key=Finding.sort_key)


def validate(
    root: Path,
    cwd: Path,
    only: Iterable[str] | None = None,
    *,
    today: dt.date | None = None,
    warn_until: dt.date | None = None,
) -> Report:
    """Check the registry at ``root``; with ``only``, report just those files' findings.

    ``today`` (default: the real date) decides which labels have ended; labels ending
    on or before ``warn_until`` (default: six months on) are warned about.
    """
    from rarereg import labels

    today = today or labels.today()
    warn_until = warn_until or labels.add_span(today, label_checks.DEFAULT_WINDOW)
    loaded = loader.load(root, cwd)
    findings = all_findings(loaded, today, warn_until)
    if only is not None:
        wanted = set(only)
        findings = [f for f in findings if f.path in wanted]
    return Report(root, len(loaded.entries), tuple(findings))


def load_registry(root: Path, cwd: Path) -> model.Registry:
    """Load the registry for queries: well-formed files only, the others listed as skipped."""
    return model.build(loader.load(root, cwd).entries)
