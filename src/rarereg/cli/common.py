"""What every command needs at the edge: the registry, dates, usage errors, delivery."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from rarereg.cli.app import EXIT_USAGE, Run

if TYPE_CHECKING:
    from rarereg.model import Registry
    from rarereg.query import Filters, Resolved


def cache_dir(ctx: typer.Context) -> Path | None:
    """The cache folder the root options chose (None: no cache)."""
    run = ctx.find_root().obj
    return run.cache_dir if isinstance(run, Run) else None


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One line on stderr, then exit: for usage and input errors, never a traceback."""
    typer.echo(f"rarereg: error: {message}", err=True)
    raise typer.Exit(code)


def registry_path(explicit: Path | None) -> Path:
    """The registry folder: --registry, $RAREREG_REGISTRY, the nearest, else the bundled one."""
    from rarereg.loader import RegistryNotFoundError, find_registry

    try:
        return find_registry(str(explicit) if explicit else None, os.environ, Path.cwd())
    except RegistryNotFoundError as exc:
        fail(str(exc))


def as_of(text: str | None) -> dt.date:
    """The --as-of date, or today."""
    from rarereg.labels import DateError, parse_date, today

    if text is None:
        return today()
    try:
        return parse_date(text, "--as-of")
    except DateError as exc:
        fail(str(exc))


def span(start: dt.date, text: str, option: str) -> dt.date:
    """``start`` plus a span option's value (180d, 6m…)."""
    from rarereg.labels import DateError, add_span

    try:
        return add_span(start, text)
    except DateError as exc:
        fail(f"{option}: {exc}")


def resolve(reg: Registry, filters: Filters) -> Resolved:
    """Filters checked against the registry; an unknown name is a usage error."""
    from rarereg import query

    try:
        return query.resolve(reg, filters)
    except query.QueryError as exc:
        fail(str(exc))


def load(ctx: typer.Context, explicit: Path | None) -> Registry:
    """The registry, files with errors left out (with a warning naming the first)."""
    from rarereg.config import ConfigError
    from rarereg.model import load_registry

    try:
        # Queries leave out what validation fails, with the registry's settings.
        reg = load_registry(registry_path(explicit), Path.cwd(), cache_dir(ctx))
    except ConfigError as exc:
        fail(str(exc))
    if reg.skipped:
        n = len(reg.skipped)
        typer.echo(
            f"rarereg: warning: {n} file{'s' if n > 1 else ''} with errors left out "
            f"(first: {reg.skipped[0]}); run 'rarereg validate'",
            err=True,
        )
    return reg


def deliver(text: str, output: Path | None) -> None:
    """Text to stdout, or atomically to a file."""
    if output is None:
        sys.stdout.write(text)
        return
    from rarereg.output import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    typer.echo(f"wrote {output}", err=True)


def emit(
    rows: list[dict[str, object]],
    columns: tuple[str, ...],
    fmt: str,
    output: Path | None,
    headings: list[tuple[str, str]],
    empty: str,
) -> None:
    """Rows as json, csv or a table (a table cannot go to a file: use json or csv)."""
    from rarereg import formats

    if fmt == "json":
        deliver(formats.to_json(rows), output)
    elif fmt == "csv":
        deliver(formats.to_csv(rows, columns), output)
    elif output is not None:
        fail("--output needs --format json or csv (or ics, markdown where offered)")
    elif not rows:
        typer.echo(empty, err=True)
    else:
        from rarereg import console

        console.stdout().print(console.table(rows, headings))
        typer.echo(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", err=True)
