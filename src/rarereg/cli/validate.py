"""rarereg validate: check every file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rarereg import __version__
from rarereg.cli import common
from rarereg.cli.options import AsOfOpt, NoPagerOpt, OutputOpt, RegistryOpt, ValidateFormat
from rarereg.cli.root import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from rarereg.config import Config
    from rarereg.render.document import Findings, Rule
    from rarereg.validate import Changes


def command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATHS]...",
            show_default=False,
            help="Files or folders to report on (the whole registry is still read, so references "
            "resolve). Default: the whole registry.",
        ),
    ] = None,
    registry: RegistryOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    as_of: AsOfOpt = None,
    expiry_window: Annotated[
        str | None,
        typer.Option(
            "--expiry-window",
            metavar="SPAN",
            show_default=False,
            help="Warn about labels ending within this span (e.g. 90d, 26w, 6m, 1y). "
            "Default: expiry-window in rarereg.toml, else 180d.",
        ),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REV",
            show_default=False,
            help="Report on files changed since this git revision (and cross-file findings "
            "their changes cause elsewhere).",
        ),
    ] = None,
    fmt: Annotated[
        ValidateFormat | None,
        typer.Option(
            "--format",
            "-f",
            show_default=False,
            help="Output format. Default: github under GitHub Actions, else text.",
        ),
    ] = None,
    output: OutputOpt = None,
    no_pager: NoPagerOpt = False,
) -> None:
    """Check every file: YAML, schema, ids, references, FINESS keys, label dates.

    Reports all problems in one run as path:line:col: severity[code] message.
    Exit 0 when clean (warnings alone too, unless --strict), 1 on problems, 2 when it cannot run.

    Example: rarereg validate --format github
    """
    from rarereg.cli.terminal import progress
    from rarereg.render.document import Findings
    from rarereg.validate import PathOutsideRegistry
    from rarereg.validate import validate as run_validate

    cwd = Path.cwd()
    root, only = _target(paths or [], registry)
    settings = _settings(root)
    today = common.as_of(as_of)
    window = expiry_window or settings.expiry_window or _default_window()
    try:
        report = run_validate(
            root,
            cwd,
            only,
            today=today,
            changed=_changed(root, cwd, changed_since),
            cache_dir=common.cache_dir(ctx),
            settings=settings,
            warn_until=common.span(today, window, "--expiry-window"),
            progress=progress("Checking"),
        )
    except PathOutsideRegistry as exc:
        common.fail(str(exc))
    chosen = fmt.value if fmt is not None else _default_format()
    # Only GitHub and SARIF place findings in the repository: no git process for the others.
    placed = chosen in ("github", "sarif")
    doc = Findings(report, _rules(), cwd, _repo_root(root) if placed else None, strict, __version__)
    common.present(ctx, doc, chosen, output, no_pager=no_pager)
    if chosen in ("github", "sarif") or output is not None:
        from rarereg.render.text import summary

        common.say(summary(doc))
    if chosen == "github":
        _step_summary(doc)
    raise typer.Exit(EXIT_FINDINGS if report.failed(strict=strict) else EXIT_OK)


def _target(paths: list[Path], registry: Path | None) -> tuple[Path, list[Path] | None]:
    """The registry to read, and the files to report on (None: all of them)."""
    from rarereg.loader import registry_root_of

    root = common.registry_path(registry)
    if not paths:
        return root, None
    missing = [p for p in paths if not p.exists()]
    if missing:
        common.fail(f"{missing[0]}: no such file or folder")
    found = registry_root_of(paths)
    if found is None and registry is None:
        common.fail(
            f"{paths[0]} is not inside a registry (a folder with hospitals/, networks/, "
            f"campaigns/ or centres/); pass --registry"
        )
    return registry or found or root, paths


def _settings(root: Path) -> Config:
    """The registry's rarereg.toml; a bad one is a usage error naming the file."""
    from rarereg import config

    try:
        return config.load(root)
    except config.ConfigError as exc:
        common.fail(str(exc))


def _default_window() -> str:
    from rarereg import label_checks

    return label_checks.DEFAULT_WINDOW


def _changed(root: Path, cwd: Path, revision: str | None) -> Changes | None:
    """The files --changed-since names, or None without it."""
    if revision is None:
        return None
    from rarereg import gitsource
    from rarereg.validate import changed_since

    try:
        return changed_since(root, cwd, revision)
    except gitsource.GitError as exc:
        common.fail(f"--changed-since: {exc}")


def _default_format() -> str:
    """Annotations under GitHub Actions (as yamllint does), else text."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _repo_root(root: Path) -> Path | None:
    """The git work tree holding the registry (GitHub paths are relative to it)."""
    from rarereg import gitsource

    try:
        return gitsource.repository_of(root)[0]
    except gitsource.GitError:
        workspace = os.environ.get("GITHUB_WORKSPACE")
        return Path(workspace) if workspace else None


def _rules() -> Sequence[Rule]:
    """The rule catalogue SARIF describes."""
    from rarereg.rules import catalog

    return catalog()


def _step_summary(doc: Findings) -> None:
    """Counts for the GitHub job summary page, appended to $GITHUB_STEP_SUMMARY."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from rarereg.render.github import step_summary

    try:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(step_summary(doc))
    except OSError as exc:
        common.say(f"rarereg: warning: cannot write the job summary to {target}: {exc.strerror}")
