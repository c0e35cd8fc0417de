"""The command line: parse options, call the core, render. Heavy imports stay inside commands."""

from __future__ import annotations

import datetime as dt
import enum
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from rarereg import __version__

if TYPE_CHECKING:
    from rarereg.compare import Diff
    from rarereg.labels import Expiry
    from rarereg.model import Registry
    from rarereg.query import Filters, Resolved

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


# Choices of the options, one enum each so --help lists them.
ValidateFormat = enum.StrEnum("ValidateFormat", "text json github sarif")
TableFormat = enum.StrEnum("TableFormat", "table json csv")
ShowFormat = enum.StrEnum("ShowFormat", "table json")
ExpiringFormat = enum.StrEnum("ExpiringFormat", "table json csv ics")
ReportFormat = enum.StrEnum("ReportFormat", "table json csv markdown")
CompareFormat = enum.StrEnum("CompareFormat", "table json markdown")
ListWhat = enum.StrEnum("ListWhat", "centres hospitals networks campaigns")
ReportBy = enum.StrEnum(
    "ReportBy",
    [
        ("kind", "kind"),
        ("hospital", "hospital"),
        ("network", "network"),
        ("region", "region"),
        ("campaign", "campaign"),
        ("end_year", "end-year"),
    ],
)


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
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        show_default=False,
        help="Answer as of this date (YYYY-MM-DD) instead of today.",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        show_default=False,
        dir_okay=False,
        help="Write to FILE (atomically) instead of stdout.",
    ),
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


_CACHE: dict[str, Path | None] = {"dir": None}
"""The cache folder for this run (None: no cache), set by the root options."""


@app.callback()
def _root(
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Read every file afresh; neither use nor update the cache."
        ),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="PATH",
            show_default=False,
            file_okay=False,
            help="Cache folder. Default: $RAREREG_CACHE_DIR, else the user cache folder.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Check and query the registry of France's rare-disease care network."""
    if no_cache or os.environ.get("RAREREG_NO_CACHE"):
        _CACHE["dir"] = None
    else:
        from rarereg.cache import default_dir

        _CACHE["dir"] = cache_dir or default_dir()


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


def _as_of(text: str | None) -> dt.date:
    """The --as-of date, or today."""
    from rarereg.labels import DateError, parse_date, today

    if text is None:
        return today()
    try:
        return parse_date(text, "--as-of")
    except DateError as exc:
        fail(str(exc))


def _span(start: dt.date, text: str, option: str) -> dt.date:
    from rarereg.labels import DateError, add_span

    try:
        return add_span(start, text)
    except DateError as exc:
        fail(f"{option}: {exc}")


def _resolve(reg: Registry, filters: Filters) -> Resolved:
    """Filters checked against the registry; an unknown name is a usage error."""
    from rarereg import query

    try:
        return query.resolve(reg, filters)
    except query.QueryError as exc:
        fail(str(exc))


def _load(explicit: Path | None) -> Registry:
    from rarereg.config import ConfigError
    from rarereg.model import load_registry

    try:
        # Queries leave out what validation fails, with the registry's settings.
        reg = load_registry(_registry_path(explicit), Path.cwd(), _CACHE["dir"])
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
        only = paths
    from rarereg import config, gitsource, label_checks
    from rarereg.validate import changed_since as files_changed_since

    try:
        settings = config.load(root)
    except config.ConfigError as exc:
        fail(str(exc))
    changed = None
    if changed_since is not None:
        try:
            changed = files_changed_since(root, cwd, changed_since)
        except gitsource.GitError as exc:
            fail(f"--changed-since: {exc}")
    today = _as_of(as_of)
    window = expiry_window or settings.expiry_window or label_checks.DEFAULT_WINDOW
    report = run_validate(
        root,
        cwd,
        only,
        today=today,
        changed=changed,
        cache_dir=_CACHE["dir"],
        settings=settings,
        warn_until=_span(today, window, "--expiry-window"),
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
    as_of: AsOfOpt = None,
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TableFormat.table,
    output: OutputOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """List centres (one row per centre and site), hospitals, networks or campaigns.

    Filters combine (all must match); a repeated filter matches any of its values.

    Example: rarereg list --hospital "CHU Lille" --kind crmr
    """
    from rarereg import labels, query

    reg = labels.labelled_on(_load(registry), _as_of(as_of))
    filters = query.Filters(
        hospital or [], network or [], kind or [], region or [], city or [], ern or [], search
    )
    try:
        rows = query.list_rows(reg, what.value, filters)
    except query.QueryError as exc:
        fail(str(exc))
    _emit(
        rows,
        query.COLUMNS[what.value],
        fmt.value,
        output,
        _TABLE_COLUMNS[what.value],
        empty=f"No {what.value} match.",
    )


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


@app.command()
def show(
    entity_id: Annotated[
        str, typer.Argument(metavar="ID", help="Id of a centre, hospital, network or campaign.")
    ],
    as_of: AsOfOpt = None,
    fmt: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ShowFormat.table,
    registry: RegistryOpt = None,
) -> None:
    """Show one entity and everything that points to it.

    A crmr with its sites and competence centres; a hospital with its sites and centres;
    a network with its centres; a campaign with the centres it labelled. Related centres are
    those labelled on the --as-of date (default today).

    Example: rarereg show chu-lille
    """
    from rarereg import formats, labels, query

    full = _load(registry)
    day = _as_of(as_of)
    reg = labels.labelled_on(full, day)
    try:
        entity = query.find_entity(full, entity_id)
    except query.QueryError as exc:
        fail(str(exc))
    view = query.related(reg, entity)
    view["as_of"] = day.isoformat()
    if entity.id in full.centres:
        view["labelled_on_as_of"] = entity.id in reg.centres
    view["file"] = full.paths.get(entity.id)
    if fmt is ShowFormat.json:
        sys.stdout.write(formats.to_json(view))
        return
    from rarereg import console

    out = console.stdout()
    for part in console.record(view):
        out.print(part)


@app.command()
def expiring(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", metavar="YEAR", show_default=False, help="Labels ending in this year."
        ),
    ] = None,
    before: Annotated[
        str | None,
        typer.Option(
            "--before", metavar="DATE", show_default=False, help="Labels ending before this date."
        ),
    ] = None,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            metavar="SPAN",
            show_default=False,
            help="Labels ending within this span of today or --as-of (e.g. 180d, 26w, 6m, 1y).",
        ),
    ] = None,
    include_expired: Annotated[
        bool, typer.Option("--include-expired", help="Also list labels that have already ended.")
    ] = False,
    fail_if_any: Annotated[
        bool, typer.Option("--fail-if-any", help="Exit 1 when any label is listed (for CI).")
    ] = False,
    hospital: HospitalOpt = None,
    network: NetworkOpt = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[ExpiringFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ExpiringFormat.table
    ),
    output: OutputOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """Labels that end soon, soonest first, with days left.

    A label ends on its own label.end, else on its campaign's end. Without --year, --before or
    --within, every label still running is listed. --format ics gives a calendar file with one
    event per label end.

    Example: rarereg expiring --within 6m --hospital "CHU Lille" --format ics -o renewals.ics
    """
    from rarereg import labels, query

    reg = _load(registry)
    today = _as_of(as_of)
    try:
        cut = labels.parse_date(before, "--before") if before else None
    except labels.DateError as exc:
        fail(str(exc))
    until = _span(today, within, "--within") if within else None
    filters = query.Filters(hospital or [], network or [], kind or [], region or [])
    resolved = _resolve(reg, filters)
    found = [
        e
        for e in labels.expiring(
            reg, today, year=year, before=cut, until=until, include_expired=include_expired
        )
        if query.centre_matches(reg, e.centre, resolved)
    ]
    rows = [_expiry_row(reg, e) for e in found]
    if fmt is ExpiringFormat.ics:
        from rarereg import ics

        _deliver(ics.calendar(reg, found, today), output)
    else:
        _emit(
            rows,
            _EXPIRY_COLUMNS,
            fmt.value,
            output,
            _EXPIRY_TABLE,
            empty=f"No label ends as asked (as of {today.isoformat()}).",
        )
    raise typer.Exit(EXIT_FINDINGS if fail_if_any and rows else EXIT_OK)


_EXPIRY_COLUMNS = ("id", "name", "kind", "network", "hospitals", "campaign", "end", "days_left")
_EXPIRY_TABLE = [
    ("id", "id"),
    ("kind", "kind"),
    ("network", "network"),
    ("hospitals", "hospitals"),
    ("end", "ends"),
    ("days_left", "days left"),
]


def _expiry_row(reg: Registry, e: Expiry) -> dict[str, object]:
    c = e.centre
    network = reg.networks[c.network].acronym if c.network in reg.networks else c.network
    names = [
        reg.hospitals[s.hospital].name if s.hospital in reg.hospitals else s.hospital
        for s in c.sites
    ]
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "network": network,
        "hospitals": "; ".join(dict.fromkeys(names)),
        "campaign": c.label.campaign if c.label else None,
        "end": e.end.isoformat(),
        "days_left": e.days_left,
    }


@app.command()
def report(
    by: Annotated[
        ReportBy | None,
        typer.Option(
            "--by",
            show_default=False,
            help="One breakdown only. Default: every breakdown (or per hospital with --hospital).",
        ),
    ] = None,
    hospital: HospitalOpt = None,
    network: NetworkOpt = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    city: CityOpt = None,
    ern: ErnOpt = None,
    search: SearchOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ReportFormat.table
    ),
    output: OutputOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """Counts of centres and sites: by kind, hospital, network, region, campaign, end year.

    CRMR sites are counted as coordinating and constitutive (or role unstated), then CCMR, CRC
    and platforms, as hospitals publish them; a hospital's sites are folded into its legal entity.
    Where a hospital's file records the counts it publishes, they are shown beside the registry's.

    Example: rarereg report --hospital "CHU Lille" --hospital "CHU de Reims"
    """
    from rarereg import labels, query
    from rarereg import report as counts

    day = _as_of(as_of)
    reg = labels.labelled_on(_load(registry), day)
    filters = query.Filters(
        hospital or [], network or [], kind or [], region or [], city or [], ern or [], search
    )
    resolved = _resolve(reg, filters)
    recs = counts.records(reg, resolved)
    named = [reg.legal_entity(h) for h in resolved.matched_hospitals] if hospital else None
    named = list(dict.fromkeys(named)) if named else None
    chosen = [by.value] if by else (["hospital"] if hospital else list(counts.BREAKDOWNS))
    sections = [
        (name, counts.breakdown(reg, recs, name, named), counts.columns(name)) for name in chosen
    ]
    if fmt is ReportFormat.json:
        from rarereg import formats

        payload = {"as_of": day.isoformat(), **{name: rows for name, rows, _ in sections}}
        _deliver(formats.to_json(payload), output)
    elif fmt is ReportFormat.csv:
        _deliver(_report_csv(sections), output)
    elif fmt is ReportFormat.markdown:
        from rarereg import formats

        titled = [
            (f"By {name} (as of {day.isoformat()})", rows, cols) for name, rows, cols in sections
        ]
        _deliver(formats.to_markdown(titled), output)
    else:
        from rarereg import console

        out = console.stdout()
        for name, rows, cols in sections:
            shown = [c for c in cols if any(row.get(c) is not None for row in rows)]
            headings = [(c, _REPORT_HEADINGS.get(c, c)) for c in shown or cols]
            out.print(console.table(rows, headings, title=f"By {name} (as of {day.isoformat()})"))


_REPORT_HEADINGS = {
    "key": "id",
    "crmr_coordinating": "CRMR coord.",
    "crmr_constitutive": "CRMR const.",
    "crmr_role_unstated": "CRMR role?",
    "crmr_sites": "CRMR sites",
    "ccmr": "CCMR",
    "crc": "CRC",
    "platform": "platforms",
    "published_crmr": "published CRMR",
    "published_ccmr": "published CCMR",
    "published_crc": "published CRC",
    "published_platform": "published platforms",
    "published_as_of": "published as of",
    "role_unstated": "role?",
}


@app.command()
def compare(
    old: Annotated[
        str | None,
        typer.Argument(
            metavar="[OLD]",
            show_default=False,
            help="A git revision (tag, branch, HEAD~3, commit) or a folder holding a registry.",
        ),
    ] = None,
    new: Annotated[
        str | None,
        typer.Argument(
            metavar="[NEW]",
            show_default=False,
            help="Same; default: the working tree, uncommitted edits included.",
        ),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            metavar="FILE.csv",
            show_default=False,
            dir_okay=False,
            help="Compare the registry with a CSV list of centres (columns kind, name, hospital, "
            "network; id optional).",
        ),
    ] = None,
    hospital: HospitalOpt = None,
    network: NetworkOpt = None,
    kind: KindOpt = None,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code", help="Exit 1 when there are differences, like git diff --exit-code."
        ),
    ] = False,
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CompareFormat.table
    ),
    output: OutputOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """What changed between two states of the registry, read straight from git or folders.

    Added, removed and changed entities with each changed field, and label events named:
    renewed, lapsed, new centre, withdrawn, site promoted, renamed. A one-line summary first.

    Example: rarereg compare v2023 HEAD --format markdown
    """
    from rarereg import compare as cmp
    from rarereg import query

    root = _registry_path(registry)
    cwd = Path.cwd()
    if against is not None:
        if old is not None:
            fail(
                "--against compares the registry (the working tree or --registry) with a CSV; "
                "give no revision"
            )
        _compare_csv(against, root, cwd, fmt, output, exit_code)
        return
    if old is None:
        fail("give a revision or folder to compare with, e.g. 'rarereg compare HEAD~1'")
    try:
        before = cmp.load_side(old, root, cwd, _CACHE["dir"])
        after = cmp.load_side(new, root, cwd, _CACHE["dir"])
    except cmp.SideError as exc:
        fail(str(exc))
    filters = query.Filters(hospital or [], network or [], kind or [])
    resolved = _resolve(after.registry, filters) if (hospital or network or kind) else None
    diff = cmp.compare(before, after, resolved)
    _deliver_compare(diff, fmt, output)
    raise typer.Exit(EXIT_FINDINGS if exit_code and not diff.empty else EXIT_OK)


def _deliver_compare(diff: Diff, fmt: CompareFormat, output: Path | None) -> None:
    from rarereg import compare as cmp
    from rarereg import formats

    data = cmp.as_data(diff)
    sections = _compare_sections(data)
    if fmt is CompareFormat.json:
        _deliver(formats.to_json(data), output)
    elif fmt is CompareFormat.markdown:
        summary_line = formats.md_escape(data["summary"])
        _deliver(f"**{summary_line}**\n\n" + formats.to_markdown(sections), output)
    else:
        if output is not None:
            fail("--output needs --format json or markdown")
        from rarereg import console

        out = console.stdout()
        out.print(console.cell(data["summary"]))
        for title, rows, cols in sections:
            if rows:
                out.print(console.table(rows, [(c, c) for c in cols], title=title))


def _compare_sections(
    data: dict[str, object],
) -> list[tuple[str, list[dict[str, object]], tuple[str, ...]]]:
    events = data["events"]
    added = data["added"]
    removed = data["removed"]
    changed = data["changed"]
    assert isinstance(events, list) and isinstance(added, dict)
    assert isinstance(removed, dict) and isinstance(changed, dict)
    entity_rows = [{"change": "added", "kind": k, "id": i} for k, ids in added.items() for i in ids]
    entity_rows += [
        {"change": "removed", "kind": k, "id": i} for k, ids in removed.items() for i in ids
    ]
    field_rows = [
        {"kind": k, "id": i, "field": c["field"], "old": _short(c["old"]), "new": _short(c["new"])}
        for k, per in changed.items()
        for i, cs in per.items()
        for c in cs
    ]
    return [
        ("Label events", events, ("event", "id", "detail")),
        ("Added and removed", entity_rows, ("change", "kind", "id")),
        ("Changed fields", field_rows, ("kind", "id", "field", "old", "new")),
    ]


def _short(value: object) -> str:
    """A field value on one line: scalars as is, mappings and lists as compact JSON."""
    import json

    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _compare_csv(
    path: Path, root: Path, cwd: Path, fmt: CompareFormat, output: Path | None, exit_code: bool
) -> None:
    from rarereg import against as csvcmp
    from rarereg import formats
    from rarereg.config import ConfigError
    from rarereg.model import load_registry

    try:
        reg = load_registry(root, cwd, _CACHE["dir"])
    except ConfigError as exc:
        fail(str(exc))
    try:
        rows = csvcmp.read_rows(path)
    except csvcmp.CsvError as exc:
        fail(str(exc))
    result = csvcmp.match(reg, rows)
    summary = (
        f"{path.name} vs registry: {len(result.matched)} matched, "
        f"{len(result.mismatched)} disagree, {len(result.only_in_csv)} only in the CSV, "
        f"{len(result.only_in_registry)} only in the registry"
    )
    sections = [
        ("Only in the CSV", result.only_in_csv, ("line", "kind", "name", "hospital", "network")),
        ("Only in the registry", result.only_in_registry, ("id", "kind", "name", "hospital")),
        ("Disagree", result.mismatched, ("line", "id", "name", "differences")),
    ]
    if fmt is CompareFormat.json:
        payload = {
            "summary": summary,
            "matched": result.matched,
            "mismatched": result.mismatched,
            "only_in_csv": result.only_in_csv,
            "only_in_registry": result.only_in_registry,
        }
        _deliver(formats.to_json(payload), output)
    elif fmt is CompareFormat.markdown:
        _deliver(f"**{formats.md_escape(summary)}**\n\n" + formats.to_markdown(sections), output)
    else:
        from rarereg import console

        out = console.stdout()
        out.print(console.cell(summary))
        for title, section_rows, cols in sections:
            if section_rows:
                out.print(console.table(section_rows, [(c, c) for c in cols], title=title))
    raise typer.Exit(EXIT_FINDINGS if exit_code and result.differs else EXIT_OK)


def _report_csv(sections: list[tuple[str, list[dict[str, object]], tuple[str, ...]]]) -> str:
    """One CSV: a single breakdown as is, several with a leading 'breakdown' column."""
    from rarereg import formats

    if len(sections) == 1:
        _, rows, cols = sections[0]
        return formats.to_csv(rows, cols)
    cols_all = list(dict.fromkeys(c for _, _, cols in sections for c in cols))
    rows_all = [{"breakdown": name, **row} for name, rows, _ in sections for row in rows]
    return formats.to_csv(rows_all, ["breakdown", *cols_all])


def _deliver(text: str, output: Path | None) -> None:
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


def _emit(
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
        _deliver(formats.to_json(rows), output)
    elif fmt == "csv":
        _deliver(formats.to_csv(rows, columns), output)
    elif output is not None:
        fail("--output needs --format json or csv (or ics, markdown where offered)")
    elif not rows:
        typer.echo(empty, err=True)
    else:
        from rarereg import console

        console.stdout().print(console.table(rows, headings))
        typer.echo(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", err=True)


def main() -> None:
    """Entry point: run the app; a closed pipe or Ctrl-C ends quietly."""
    # A run is short and builds many objects but no cycles worth collecting (see gcpause).
    gc.disable()
    from rarereg.interrupt import Interrupted, on_ctrl_c

    on_ctrl_c()
    if sys.argv[1:] == ["--version"]:
        # The most common probe answers before Typer builds the command tree.
        print(f"rarereg {__version__}")
        return
    try:
        app()
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; silence the flush at exit too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except (KeyboardInterrupt, Interrupted):
        typer.echo("rarereg: interrupted", err=True)
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
