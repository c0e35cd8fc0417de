"""rarereg validate: check every file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rarereg import __version__
from rarereg.cli import common
from rarereg.cli.app import EXIT_FINDINGS, EXIT_OK
from rarereg.cli.options import AsOfOpt, RegistryOpt, ValidateFormat


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
        ValidateFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ValidateFormat.text,
) -> None:
    """Check every file: YAML, schema, ids, references, FINESS keys, label dates.

    Reports all problems in one run as path:line:col: severity[code] message.
    Exit 0 when clean (warnings alone too, unless --strict), 1 on problems, 2 when it cannot run.

    Example: rarereg validate --format github
    """
    from rarereg import reporters
    from rarereg.loader import registry_root_of
    from rarereg.validate import validate as run_validate

    cwd = Path.cwd()
    only = None
    root = common.registry_path(registry)
    if paths:
        missing = [p for p in paths if not p.exists()]
        if missing:
            common.fail(f"{missing[0]}: no such file or folder")
        found = registry_root_of(paths)
        if found is None and registry is None:
            common.fail(
                f"{paths[0]} is not inside a registry (a folder with hospitals/, networks/, "
                f"campaigns/ or centres/); pass --registry"
            )
        root = registry or found or root
        only = paths
    from rarereg import config, gitsource, label_checks
    from rarereg.validate import changed_since as files_changed_since

    try:
        settings = config.load(root)
    except config.ConfigError as exc:
        common.fail(str(exc))
    changed = None
    if changed_since is not None:
        try:
            changed = files_changed_since(root, cwd, changed_since)
        except gitsource.GitError as exc:
            common.fail(f"--changed-since: {exc}")
    today = common.as_of(as_of)
    window = expiry_window or settings.expiry_window or label_checks.DEFAULT_WINDOW
    report = run_validate(
        root,
        cwd,
        only,
        today=today,
        changed=changed,
        cache_dir=common.cache_dir(ctx),
        settings=settings,
        warn_until=common.span(today, window, "--expiry-window"),
    )
    if fmt is ValidateFormat.json:
        sys.stdout.write(reporters.as_json(report, strict=strict))
    elif fmt is ValidateFormat.sarif:
        sys.stdout.write(reporters.sarif(report, __version__))
        typer.echo(reporters.summary(report), err=True)
    elif fmt is ValidateFormat.github:
        sys.stdout.write(reporters.github(report))
        typer.echo(reporters.summary(report), err=True)
    else:
        sys.stdout.write(reporters.text(report))
    raise typer.Exit(EXIT_FINDINGS if report.failed(strict=strict) else EXIT_OK)
