"""Validation: load everything, check everything, return all findings at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rarereg import cache, checks, config, label_checks, loader
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
    changed: set[str] | None = None,
    cache_dir: Path | None = None,
    settings: config.Config | None = None,
) -> Report:
    """Check the registry at ``root``; with ``only``, report just those files' findings.

    With ``changed`` (from :func:`changed_since`), report those files' findings and the
    cross-file findings anywhere, which a change elsewhere may have caused.

    ``today`` (default: the real date) decides which labels have ended; labels ending
    on or before ``warn_until`` (default: the settings' window, else six months on) are warned
    about. ``settings`` are read from the registry when not given.
    """
    from rarereg import labels

    settings = settings or config.load(root)
    today = today or labels.today()
    window = settings.expiry_window or label_checks.DEFAULT_WINDOW
    warn_until = warn_until or labels.add_span(today, window)
    key = "|".join(
        [str(cwd), today.isoformat(), warn_until.isoformat(), repr(sorted(settings.rules.items()))]
    )
    before = loader.stamp(root, cwd) if cache_dir is not None else None
    kept = _kept_findings(root, cache_dir, before, key)
    if kept is not None and before is not None:
        count, findings = before.count, kept
    else:
        loaded = loader.load(root, cwd, cache_dir, before.listing if before else None)
        count = loaded.count
        findings = settings.apply(all_findings(loaded, today, warn_until))
        if cache_dir is not None and before is not None:
            # Kept under the stamp taken before reading: a file that changed during the run
            # has a newer time than that stamp records, so the next run will not match it.
            cache.save_results(_results_path(root, cache_dir), f"{before.digest}|{key}", findings)
    if only is not None:
        wanted = set(only)
        findings = [f for f in findings if f.path in wanted]
    if changed is not None:
        findings = [f for f in findings if f.path in changed or f.code in CROSS_FILE_CODES]
    return Report(root, count, tuple(findings))


def _results_path(root: Path, cache_dir: Path) -> Path:
    from rarereg import schemas

    return cache.cache_path(cache_dir, root, schemas.schema_fingerprint(), ".results.json")


def _kept_findings(
    root: Path, cache_dir: Path | None, before: loader.Stamp | None, key: str
) -> list[Finding] | None:
    """The last run's findings when no file changed since (no file is opened to know it)."""
    if cache_dir is None or before is None:
        return None
    return cache.load_results(
        _results_path(root, cache_dir), f"{before.digest}|{key}", before.newest_ns
    )


CROSS_FILE_CODES = frozenset(
    {"unknown-reference", "reference-kind", "reference-cycle", "duplicate-id", "duplicate-finess"}
)
"""Findings one file's change can cause in another: kept in --changed-since runs."""


def changed_since(root: Path, cwd: Path, revision: str) -> set[str]:
    """Display paths of registry files changed since ``revision`` (working tree included)."""
    from rarereg import gitsource

    repo, prefix = gitsource.repository_of(root)
    commit = gitsource.resolve_revision(repo, revision)
    return {
        loader.display_path(repo / p, cwd) for p in gitsource.changed_paths(repo, commit, prefix)
    }
