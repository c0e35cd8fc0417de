"""Validation: load everything, check everything, return all findings at once."""

from __future__ import annotations

import datetime as dt
import os
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from rarereg import cache, config, label_checks, loader
from rarereg.findings import Finding, Severity
from rarereg.rules import Input, by_code
from rarereg.rules.engine import check_registry


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


_UNSEEN_BY_GIT = frozenset({"rarereg.loader:list_files", "rarereg.loader:read_entry"})
"""Checkers of what the folder listing and the file system say: git tracks no FIFO, no empty
folder, no ignored file and no read permission, so their findings are always reported."""

_UNSEEN_INPUTS = Input.DATE | Input.SOURCES_DIR
"""Inputs git cannot be trusted to report changes of: the day, and sources/ (often ignored)."""


class Changes(NamedTuple):
    """What changed since a git revision, as the rules' inputs see it."""

    files: frozenset[str]
    """Display paths of the registry files changed, added or deleted."""
    inputs: Input
    """The inputs that changed: REGISTRY for any registry file, SOURCES_DIR, SETTINGS."""

    def keeps(self, finding: Finding) -> bool:
        """True when the finding may have been caused by these changes (or by the day)."""
        if finding.path in self.files or self.inputs & Input.SETTINGS:
            return True  # the settings set every rule's severity
        rule = by_code().get(finding.code)
        if rule is None or rule.checker in _UNSEEN_BY_GIT:
            return True
        # Neither the calendar nor an ignored document in sources/ is under version control: a rule
        # reading either is always reconsidered, over the whole registry (it costs one listing).
        return bool(rule.inputs & (self.inputs | _UNSEEN_INPUTS))


def all_findings(loaded: loader.Loaded, today: dt.date, warn_until: dt.date) -> list[Finding]:
    """Per-file findings (YAML, schema), cross-file and calendar findings, sorted by place."""
    return _all_findings(loaded, check_registry(loaded, today, warn_until))


def _all_findings(loaded: loader.Loaded, cross: list[Finding]) -> list[Finding]:
    findings = list(loaded.findings)
    for entry in loaded.entries:
        findings.extend(entry.findings)
    findings.extend(cross)
    return sorted(findings, key=Finding.sort_key)


def validate(
    root: Path,
    cwd: Path,
    only: Iterable[str | os.PathLike[str]] | None = None,
    *,
    today: dt.date | None = None,
    warn_until: dt.date | None = None,
    changed: Changes | None = None,
    cache_dir: Path | None = None,
    settings: config.Config | None = None,
    progress: loader.Progress | None = None,
) -> Report:
    """Check the registry at ``root``; with ``only``, report just those files' findings.

    With ``changed`` (from :func:`changed_since`), report those files' findings and every
    finding elsewhere that the changes can cause, as the rules' declared inputs say.

    ``today`` (default: the real date) decides which labels have ended; labels ending
    on or before ``warn_until`` (default: the settings' window, else six months on) are warned
    about. ``settings`` are read from the registry when not given. ``progress`` is told how
    many files are done as they are read.
    """
    report, _ = run(
        root,
        cwd,
        today=today,
        warn_until=warn_until,
        cache_dir=cache_dir,
        settings=settings,
        progress=progress,
    )
    findings: Iterable[Finding] = report.findings
    if only is not None:
        only = list(only)
        _refuse_outside(root, cwd, only)
        selected = _selector(only, cwd)
        findings = [f for f in findings if selected(f.path)]
    if changed is not None:
        findings = [f for f in findings if changed.keeps(f)]
    return Report(root, report.files, tuple(findings))


class PathOutsideRegistry(ValueError):
    """A path asked about is not in the registry checked: a usage error, never a silent ok."""


def _refuse_outside(root: Path, cwd: Path, only: list[str | os.PathLike[str]]) -> None:
    top = _forms(os.fspath(root if root.is_absolute() else cwd / root))

    def inside(path: str, folder: str) -> bool:
        return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)

    for path in only:
        plain, real = _forms(os.path.join(cwd, path))  # noqa: PTH118 - str work
        if not (inside(plain, top[0]) or inside(real, top[1])):
            raise PathOutsideRegistry(f"{os.fspath(path)} is not inside the registry {root}")


def _selector(only: Iterable[str | os.PathLike[str]], cwd: Path) -> Callable[[str], bool]:
    """Whether a finding's path is one of the files or folders asked for.

    Paths are compared both as written, made absolute (``centres/../hospitals/x.yaml`` is
    ``hospitals/x.yaml``), and with links resolved (a path through a linked folder).
    """
    wanted = [_forms(os.path.join(cwd, p)) for p in only]  # noqa: PTH118 - str work

    def inside(path: str, folder: str) -> bool:
        return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)

    def selected(shown: str) -> bool:
        plain, real = _forms(os.path.join(cwd, shown))  # noqa: PTH118 - str work
        return any(inside(plain, w[0]) or inside(real, w[1]) for w in wanted)

    return selected


def _forms(path: str) -> tuple[str, str]:
    # Lexical normalisation (links kept, unlike Path.resolve), and links resolved.
    return os.path.normpath(os.path.abspath(path)), os.path.realpath(path)  # noqa: PTH100


@dataclass(frozen=True, slots=True)
class State:
    """What a run is checked for, and the key its results are kept under."""

    settings: config.Config
    today: dt.date
    warn_until: dt.date
    before: loader.Stamp | None
    """The registry's stamp, taken only when there is a cache to key results in."""
    key: str


def state(
    root: Path,
    cwd: Path,
    *,
    today: dt.date | None = None,
    warn_until: dt.date | None = None,
    cache_dir: Path | None = None,
    settings: config.Config | None = None,
) -> State:
    """The settings, dates, stamp and results key of a run (no file is opened)."""
    from rarereg import labels

    settings = settings or config.load(root)
    today = today or labels.today()
    window = settings.expiry_window or label_checks.DEFAULT_WINDOW
    warn_until = warn_until or labels.add_span(today, window)
    before = loader.stamp(root, cwd) if cache_dir is not None else None
    key = results_key(root, cwd, settings, today, warn_until, before) if before else ""
    return State(settings, today, warn_until, before, key)


def run(
    root: Path,
    cwd: Path,
    *,
    today: dt.date | None = None,
    warn_until: dt.date | None = None,
    cache_dir: Path | None = None,
    settings: config.Config | None = None,
    need_entries: bool = False,
    progress: loader.Progress | None = None,
    at: State | None = None,
) -> tuple[Report, loader.Loaded | None]:
    """Every finding of the registry, and the loaded files when asked for (or read anyway).

    ``at`` is the run's :func:`state` when the caller already has it.
    """
    at = at or state(
        root, cwd, today=today, warn_until=warn_until, cache_dir=cache_dir, settings=settings
    )
    settings, today, warn_until, before, key = (
        at.settings,
        at.today,
        at.warn_until,
        at.before,
        at.key,
    )
    kept = _kept_findings(root, cache_dir, before, key)
    loaded = None
    rows = None  # where the rows of incremental runs are kept, and under which key
    if kept is None and cache_dir is not None and before is not None:
        from rarereg import incremental

        # Only files changed since the last run, perhaps: check them and what they touch.
        rows_key = results_key(root, cwd, settings, today, warn_until, before, files=False)
        rows = incremental.rows_path(root, cache_dir), rows_key
        outcome = incremental.update(*rows, root, before, cwd, today, warn_until, cache_dir)
        if outcome is not None:
            kept = settings.apply(sorted(outcome.findings, key=Finding.sort_key))
            cache.save_results(_results_path(root, cache_dir), key, kept, outcome.racy(before))
            incremental.save(rows[0], key, outcome)
    if kept is not None and before is not None:
        count, findings = before.count, kept
        if need_entries:
            loaded = loader.load(root, cwd, cache_dir, before.listing, before.stats)
    else:
        keeper = None
        if rows is not None and before is not None:
            from rarereg import incremental

            keeper = incremental.keeper(*rows, key, before)
        # The stamp's sizes and times are what the results will be kept under: the files are
        # looked up in the cache by them too, so both describe the same state.
        loaded = loader.load(
            root,
            cwd,
            cache_dir,
            before.listing if before else None,
            before.stats if before else None,
            progress,
            background=keeper,
        )
        count = loaded.count
        cross = check_registry(loaded, today, warn_until)
        findings = settings.apply(_all_findings(loaded, cross))
        loaded.saved()  # the cache (and rows) are whole before the results that rely on them
        if cache_dir is not None and before is not None:
            # Kept under the stamp taken before reading: a file that changed during the run
            # has a newer time than that stamp records, so the next run will not match it.
            cache.save_results(
                _results_path(root, cache_dir), key, findings, racy_hashes(before, loaded)
            )
            if rows is not None and keeper is not None:
                from rarereg import incremental

                incremental.keep_findings(rows[0], key, loaded, cross)
                incremental.forget_journal(rows[0])
    return Report(root, count, tuple(findings)), loaded


def _key_parts(
    root: Path,
    cwd: Path,
    settings: config.Config,
    today: dt.date,
    warn_until: dt.date,
    before: loader.Stamp,
) -> dict[Input, Callable[[], str]]:
    """How each input a rule can declare enters the results cache's key."""
    from rarereg import schemas

    files = before.digest  # every file's path, size and time, and the misplaced files
    return {
        Input.FILE_PATH: lambda: files,
        Input.FILE_TEXT: lambda: files,
        Input.PARSED_FILE: lambda: files,
        Input.REGISTRY: lambda: files,
        Input.SCHEMAS: schemas.schema_fingerprint,
        Input.SOURCES_DIR: lambda: sources_stamp(root),
        Input.DATE: lambda: f"{today.isoformat()}|{warn_until.isoformat()}",
        Input.SETTINGS: settings.digest,
    }


_FILES = Input.FILE_PATH | Input.FILE_TEXT | Input.PARSED_FILE | Input.REGISTRY
"""The inputs that are the registry's files: an incremental run compares those file by file."""


def results_key(
    root: Path,
    cwd: Path,
    settings: config.Config,
    today: dt.date,
    warn_until: dt.date,
    before: loader.Stamp,
    *,
    files: bool = True,
) -> str:
    """The key of a run's results: every input some rule declares, the version, the paths.

    Without ``files``, the key of every input but the registry's files (those of the rows an
    incremental run compares file by file).
    """
    from rarereg import __version__, rules

    parts = _key_parts(root, cwd, settings, today, warn_until, before)
    if not files:
        parts = {flag: (lambda: "-") if flag & _FILES else part for flag, part in parts.items()}
    declared = rules.declared_inputs()
    # Settings decide every finding's severity, whatever the rules read.
    values = [__version__, str(cwd), settings.digest()]
    values += [parts[flag]() for flag in Input if flag & declared]
    return "|".join(values)


def sources_stamp(root: Path) -> str:
    """The ``sources/`` folder's listing: names, sizes and times (no file is opened)."""
    from rarereg.digests import blake2b

    digest = blake2b(digest_size=16)
    folder = root / "sources"
    # Where the folder and each link lead, and each item's type: a document swapped for a FIFO
    # or a link out of the registry stops counting, so the answer changes with them.
    digest.update(os.path.realpath(folder).encode(errors="replace"))
    try:
        items = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return "none"
    for item in items:
        try:
            st = item.stat()
            target = os.path.realpath(item.path) if item.is_symlink() else ""
        except OSError:
            continue
        line = f"{item.name}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\0{target}\n"
        digest.update(line.encode(errors="replace"))
    return digest.hexdigest()


def racy_hashes(before: loader.Stamp, loaded: loader.Loaded) -> dict[str, str]:
    """Content hashes of the files changed too recently for their time to be trusted.

    A file's time may not show a change made within the same tick; for those few files the
    next run compares contents instead (as git does for racily clean files).
    """
    import time

    limit = time.time_ns() - cache.RACY_NS
    return {
        path: loaded.hashes[path]
        for (_, path), (_, mtime_ns) in zip(before.listing[0], before.stats, strict=True)
        if mtime_ns > limit and path in loaded.hashes
    }


def _results_path(root: Path, cache_dir: Path) -> Path:
    from rarereg import schemas

    return cache.cache_path(cache_dir, root, schemas.schema_fingerprint(), ".results.json")


def snapshot_path(root: Path, cache_dir: Path) -> Path:
    """Where the registry built for queries is kept, beside the kept results."""
    from rarereg import schemas

    return cache.cache_path(cache_dir, root, schemas.schema_fingerprint(), ".snapshot.json")


def _kept_findings(
    root: Path, cache_dir: Path | None, before: loader.Stamp | None, key: str
) -> list[Finding] | None:
    """The last run's findings when no input changed since (no file is opened to know it)."""
    if cache_dir is None or before is None:
        return None
    return cache.load_results(_results_path(root, cache_dir), key, before.listing[0], before.stats)


def _linked_to(root: Path, cwd: Path, targets: set[str]) -> set[str]:
    """Display paths of registry files that are links (or in linked folders) to these files.

    Git sees the change in the file linked to, not in the link the registry reads it through.
    """
    if not targets:
        return set()
    out = set()
    for _, path in loader.list_files(root, cwd)[0]:
        if (
            os.path.islink(path) or os.path.islink(os.path.dirname(path))  # noqa: PTH114, PTH120
        ) and os.path.realpath(path) in targets:
            out.add(loader.display_path(path, cwd))
    return out


def _is_yaml(path: str) -> bool:
    return path.lower().endswith((".yaml", ".yml"))


def changed_since(root: Path, cwd: Path, revision: str) -> Changes:
    """What changed since ``revision`` (working tree included), as the rules' inputs see it."""
    from rarereg import gitsource

    repo, prefix = gitsource.repository_of(root)
    commit = gitsource.resolve_revision(repo, revision)
    files: set[str] = set()
    inputs = Input(0)
    changed_paths = gitsource.changed_paths(repo, commit, prefix)
    base = f"{prefix}/" if prefix else ""
    # Findings name files under the registry as it was given (perhaps through a link), not
    # under git's resolved top: changed files are named the same way to be recognised.
    shown_root = root.absolute()
    for p in changed_paths:
        inner = p[len(base) :]
        folder = inner.split("/", 1)[0]
        if inner.startswith("sources/"):
            inputs |= Input.SOURCES_DIR
        elif folder in loader.FOLDERS or "/" not in inner or _is_yaml(inner):
            inputs |= Input.REGISTRY
            path = os.path.join(shown_root, inner)  # noqa: PTH118 - str work
            # A name that is not UTF-8 is shown with its odd bytes escaped.
            files.update((loader.display_path(path, cwd), loader.shown_path(path, cwd)))
    linked = _linked_to(root, cwd, {os.path.realpath(repo / p) for p in changed_paths})
    if linked:
        files |= linked
        inputs |= Input.REGISTRY
    top = repo.resolve()
    settings_files = [
        (folder / name).relative_to(top).as_posix()
        for folder in (root.resolve(), root.resolve().parent)
        for name in config.SETTINGS_FILES
        if folder.is_relative_to(top)
    ]
    if gitsource.changed_among(repo, commit, settings_files):
        inputs |= Input.SETTINGS
    return Changes(frozenset(files), inputs)


def for_api(path: str | Path | None = None, *, today: dt.date | None = None) -> Report:
    """:func:`rarereg.validate`: the registry found as the CLI finds it, checked as a whole."""
    import rarereg

    return validate(rarereg.find_registry(path), Path.cwd(), today=today)


class _CallableModule(types.ModuleType):
    """``rarereg.validate(path=None, *, today=None)``: the API's call is this module's.

    A function named ``validate`` in ``rarereg`` would hide this module from
    ``from rarereg import validate``; the module answers the call instead.
    """

    def __call__(self, path: str | Path | None = None, *, today: dt.date | None = None) -> Report:
        """Check the whole registry as ``rarereg validate`` does; see :func:`for_api`."""
        return for_api(path, today=today)


sys.modules[__name__].__class__ = _CallableModule
