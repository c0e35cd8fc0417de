"""What every command needs at the edge: the registry, dates, messages, rendered output."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from rarereg.cli.root import EXIT_USAGE, Run

if TYPE_CHECKING:
    from rarereg.model import Registry
    from rarereg.query import Filters, Resolved


def run_settings(ctx: typer.Context) -> Run:
    """What the root options decided."""
    run = ctx.find_root().obj
    return run if isinstance(run, Run) else Run(cache_dir=None)


def cache_dir(ctx: typer.Context) -> Path | None:
    """The cache folder the root options chose (None: no cache)."""
    return run_settings(ctx).cache_dir


def say(message: str) -> None:
    """A message on stderr; any data in it (a name, a file name) is shown inert."""
    from rarereg.render.safe import terminal

    typer.echo(terminal(message), err=True)


def say_coverage(reg: Registry, hospital_ids: list[str]) -> None:
    """On stderr: how much of what each hospital asked about publishes the registry holds."""
    from rarereg import report

    for found in report.coverage(reg, hospital_ids):
        say(found.sentence())


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One line on stderr, then exit: for usage and input errors, never a traceback."""
    say(f"rarereg: error: {message}")
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


def filters(search: str | None = None, **values: list[str] | None) -> Filters:
    """The query filters from the options of a command, by name; an option not given is empty."""
    from rarereg.query import Filters

    return Filters(search=search, **{name: value or [] for name, value in values.items()})


def resolve(reg: Registry, filters: Filters) -> Resolved:
    """Filters checked against the registry; an unknown name is a usage error."""
    from rarereg import query

    try:
        return query.resolve(reg, filters)
    except query.QueryError as exc:
        fail(str(exc))


def load(ctx: typer.Context, explicit: Path | None) -> Registry:
    """The registry, files with errors left out (with a warning naming the first)."""
    from rarereg.cli.terminal import progress
    from rarereg.config import ConfigError
    from rarereg.model import load_registry

    root = registry_path(explicit)
    try:
        # Queries leave out what validation fails, with the registry's settings.
        reg = load_registry(root, Path.cwd(), cache_dir(ctx), progress("Reading the registry"))
    except ConfigError as exc:
        fail(str(exc))
    # Kept until the process ends (see rarereg.cli.entry): freeing a large registry when the
    # command returns would cost more than the query.
    ctx.meta["rarereg.registry"] = reg
    if reg.skipped:
        n = len(reg.skipped)
        say(
            f"rarereg: warning: {n} file{'s' if n > 1 else ''} with errors left out "
            f"(first: {reg.skipped[0]}); run 'rarereg validate'"
        )
    return reg


def write_file(text: str, output: Path) -> None:
    """Text to a file, whole or not at all; a failure is a one-line error."""
    from rarereg.output import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    say(f"wrote {output}")


def present(
    ctx: typer.Context,
    document: Any,
    fmt: str,
    output: Path | None = None,
    *,
    excel: bool = False,
    no_pager: bool = False,
) -> None:
    """Render a document in a format and deliver it: to a file, the pager or stdout."""
    from rarereg.cli import terminal
    from rarereg.render import Options, OutputError, render
    from rarereg.render.document import Tables

    if excel and fmt != "csv":
        fail("--excel applies to --format csv")
    on_screen = output is None
    options = Options(
        width=terminal.width() if on_screen and fmt == "table" else None,
        color=on_screen and fmt == "table" and terminal.colour(),
        excel=excel,
    )
    try:
        text = render(fmt, document, options)
    except OutputError as exc:
        fail(str(exc))
    if output is not None:
        write_file(text, output)
        return
    tables = document if isinstance(document, Tables) and fmt == "table" else None
    if tables is not None and tables.empty and not any(t.rows for t in tables.tables):
        say(tables.empty)
        return
    if fmt not in ("table", "text") and terminal.stdout_is_terminal():
        from rarereg.render.safe import terminal_document

        text = terminal_document(text)  # a CSV or calendar shown on screen, not saved
    terminal.write(text, page=not (no_pager or run_settings(ctx).no_pager))
    if tables is not None and tables.count_rows:
        n = sum(len(t.rows) for t in tables.tables)
        say(f"{n} row{'s' if n != 1 else ''}")
