"""The command line: parse options, call the core, render. Heavy imports stay inside commands."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from rarereg import __version__

if TYPE_CHECKING:
    from rarereg.model import Registry

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="rarereg",
    help="Check and query the registry of France's rare-disease care network.\n\n"
    "Exit codes: 0 fine, 1 findings (validate), 2 usage or input error.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ValidateFormat(str, enum.Enum):
    """Output formats of ``validate``."""

    text = "text"
    json = "json"
    github = "github"


class TableFormat(str, enum.Enum):
    """Output formats of tables."""

    table = "table"
    json = "json"
    csv = "csv"


class ShowFormat(str, enum.Enum):
    """Output formats of ``show``."""

    table = "table"
    json = "json"


class ListWhat(str, enum.Enum):
    """What ``list`` lists."""

    centres = "centres"
    hospitals = "hospitals"
    networks = "networks"
    campaigns = "campaigns"


RegistryOpt = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        "-r",
        metavar="PATH",
        show_default=False,
        help="Registry folder. Default: $RAREREG_REGISTRY, else the nearest "
        "registry/ above this folder, else the bundled registry.",
    ),
]
HospitalOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--hospital",
        metavar="NAME",
        help="Hospital id, name or alias (case and accents ignored); a legal entity includes its "
        "sites. Repeat for several.",
    ),
]
NetworkOpt = Annotated[
    list[str] | None,
    typer.Option("--network", metavar="FSMR", help="Filière id, acronym or name. Repeatable."),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="crmr, ccmr, crc or platform (networks: fsmr or ern). Repeatable.",
    ),
]
RegionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--region", metavar="REGION", help="One of the 18 regions, e.g. 'Hauts-de-France'."
    ),
]
CityOpt = Annotated[list[str] | None, typer.Option("--city", metavar="CITY", help="City.")]
ErnOpt = Annotated[
    list[str] | None,
    typer.Option("--ern", metavar="ERN", help="European Reference Network id, acronym or name."),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search", "-s", metavar="TEXT", help="Words that must all appear in the name or aliases."
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rarereg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Check and query the registry of France's rare-disease care network."""


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One line on stderr, then exit: for usage and input errors, never a traceback."""
    typer.echo(f"rarereg: error: {message}", err=True)
    raise typer.Exit(code)


def _registry_path(explicit: Path | None) -> Path:
    from rarereg.loader import RegistryNotFoundError, find_registry

    try:
        return find_registry(str(explicit) if explicit else None, os.environ, Path.cwd())
    except RegistryNotFoundError as exc:
        fail(str(exc))


def _load(explicit: Path | None) -> Registry:
    from rarereg.validate import load_registry

    reg = load_registry(_registry_path(explicit), Path.cwd())
    if reg.skipped:
        n = len(reg.skipped)
        typer.echo(
            f"rarereg: warning: {n} file{'s' if n > 1 else ''} with errors left out "
            f"(first: {reg.skipped[0]}); run 'rarereg validate'",
            err=True,
        )
    return reg


@app.command()
def validate(
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
    root = _registry_path(registry)
    if paths:
        missing = [p for p in paths if not p.exists()]
        if missing:
            fail(f"{missing[0]}: no such file or folder")
        found = registry_root_of(paths)
        if found is None and registry is None:
            fail(
                f"{paths[0]} is not inside a registry (a folder with hospitals/, networks/, "
                f"campaigns/ or centres/); pass --registry"
            )
        root = registry or found or root
        only = _display_paths(paths, cwd)
    report = run_validate(root, cwd, only)
    if fmt is ValidateFormat.json:
        sys.stdout.write(reporters.as_json(report, strict=strict))
    elif fmt is ValidateFormat.github:
        sys.stdout.write(reporters.github(report))
        typer.echo(reporters.summary(report), err=True)
    else:
        sys.stdout.write(reporters.text(report))
    raise typer.Exit(EXIT_FINDINGS if report.failed(strict=strict) else EXIT_OK)


def _display_paths(paths: list[Path], cwd: Path) -> set[str]:
    """The display paths of the files named, folders expanded, as findings name them."""
    from rarereg.loader import display_path

    out: set[str] = set()
    for p in paths:
        files = sorted(p.rglob("*.y*ml")) if p.is_dir() else [p]
        out.update(display_path(f.absolute(), cwd) for f in files)
        out.update(str(f) for f in files)
    return out


@app.command("list")
def list_(
    what: Annotated[ListWhat, typer.Argument(help="What to list.")] = ListWhat.centres,
    hospital: HospitalOpt = None,
    network: NetworkOpt = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    city: CityOpt = None,
    ern: ErnOpt = None,
    search: SearchOpt = None,
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TableFormat.table,
    registry: RegistryOpt = None,
) -> None:
    """List centres (one row per centre and site), hospitals, networks or campaigns.

    Filters combine (all must match); a repeated filter matches any of its values.

    Example: rarereg list --hospital "CHU Lille" --kind crmr
    """
    from rarereg import query

    reg = _load(registry)
    filters = query.Filters(
        hospital or [], network or [], kind or [], region or [], city or [], ern or [], search
    )
    try:
        rows = query.list_rows(reg, what.value, filters)
    except query.QueryError as exc:
        fail(str(exc))
    columns = query.COLUMNS[what.value]
    _emit_rows(rows, columns, fmt, what.value)


_TABLE_COLUMNS = {
    "centres": [
        ("id", "id"),
        ("kind", "kind"),
        ("name", "name"),
        ("network", "network"),
        ("hospital_name", "hospital"),
        ("role", "role"),
        ("city", "city"),
        ("label_end", "label ends"),
    ],
    "hospitals": [
        ("id", "id"),
        ("name", "name"),
        ("parent", "parent"),
        ("city", "city"),
        ("region", "region"),
        ("finess", "FINESS"),
    ],
    "networks": [
        ("id", "id"),
        ("kind", "kind"),
        ("acronym", "acronym"),
        ("name", "name"),
        ("host", "host"),
    ],
    "campaigns": [
        ("id", "id"),
        ("name", "name"),
        ("start", "start"),
        ("end", "end"),
        ("centres", "centres"),
    ],
}


def _emit_rows(
    rows: list[dict[str, object]], columns: tuple[str, ...], fmt: TableFormat, what: str
) -> None:
    from rarereg import formats

    if fmt is TableFormat.json:
        sys.stdout.write(formats.to_json(rows))
    elif fmt is TableFormat.csv:
        sys.stdout.write(formats.to_csv(rows, columns))
    elif not rows:
        typer.echo(f"No {what} match.", err=True)
    else:
        from rarereg import console

        console.stdout().print(console.table(rows, _TABLE_COLUMNS[what]))
        typer.echo(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", err=True)


@app.command()
def show(
    entity_id: Annotated[
        str, typer.Argument(metavar="ID", help="Id of a centre, hospital, network or campaign.")
    ],
    fmt: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ShowFormat.table,
    registry: RegistryOpt = None,
) -> None:
    """Show one entity and everything that points to it.

    A crmr with its sites and competence centres; a hospital with its sites and centres;
    a network with its centres; a campaign with the centres it labelled.

    Example: rarereg show chu-lille
    """
    from rarereg import formats, query

    reg = _load(registry)
    try:
        entity = query.find_entity(reg, entity_id)
    except query.QueryError as exc:
        fail(str(exc))
    view = query.related(reg, entity)
    view["file"] = reg.paths.get(entity.id)
    if fmt is ShowFormat.json:
        sys.stdout.write(formats.to_json(view))
        return
    from rarereg import console

    out = console.stdout()
    for part in console.record(view):
        out.print(part)


def main() -> None:
    """Entry point: run the app; a closed pipe or Ctrl-C ends quietly."""
    try:
        app()
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; silence the flush at exit too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug in rarereg: one line, and the details on request
        if os.environ.get("RAREREG_DEBUG"):
            raise
        typer.echo(
            f"rarereg: internal error: {type(exc).__name__}: {exc} (this is a bug; "
            f"rerun with RAREREG_DEBUG=1 for details and report it)",
            err=True,
        )
        sys.exit(EXIT_USAGE)
