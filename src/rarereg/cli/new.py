"""rarereg new: a file for a centre, hospital, network or campaign, checked before it is written.

A command group (``rarereg new centre`` …); the package registers :data:`group` under ``new``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rarereg.cli import common, complete, writing
from rarereg.cli.options import ErnOpt, RegistryOpt
from rarereg.cli.root import EXIT_FINDINGS
from rarereg.cli.writing import DryRunOpt

NoInputOpt = Annotated[
    bool,
    typer.Option("--no-input", help="Never ask: fail on a missing field (for scripts)."),
]
IdOpt = Annotated[
    str | None,
    typer.Option("--id", metavar="ID", show_default=False, help="Id (default: from the name)."),
]
NameOpt = Annotated[str | None, typer.Option("--name", metavar="TEXT", show_default=False)]
AliasOpt = Annotated[
    list[str] | None, typer.Option("--alias", metavar="TEXT", help="Another name. Repeatable.")
]
WebsiteOpt = Annotated[str | None, typer.Option("--website", metavar="URL", show_default=False)]
NotesOpt = Annotated[str | None, typer.Option("--notes", metavar="TEXT", show_default=False)]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        metavar="URL|DOC",
        help="Where the facts come from: a web address, or a file in the registry's sources/. "
        "Repeatable; required.",
    ),
]
RetrievedOpt = Annotated[
    str | None,
    typer.Option(
        "--retrieved",
        metavar="DATE",
        show_default=False,
        help="When the --source web pages were read (default: today).",
    ),
]


group = typer.Typer(
    name="new",
    help="Create a registry file: centre, hospital, network or campaign.\n\n"
    "Options give the fields; on a terminal, the missing ones are asked for (names are "
    "matched like --hospital). The id comes from the name unless --id is given; the file is "
    "checked with the whole registry before it is written, and never overwrites one.\n\n"
    'Example: rarereg new hospital --name "CHU de Nîmes" --city Nîmes --region Occitanie '
    "--source https://www.chu-nimes.fr/",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _create(
    ctx: typer.Context,
    kind: str,
    answers: dict[str, object],
    registry: Path | None,
    no_input: bool,
    dry_run: bool,
    retrieved: str | None,
) -> None:
    from rarereg import labels
    from rarereg.authoring import canonical, new
    from rarereg.authoring.files import AuthoringError, Change, has_errors

    root = writing.writable_root(registry)
    reg = common.load(ctx, registry)
    if not no_input and _interactive():
        answers = new.interview(kind, answers, reg, _ask, lambda text: common.say(text))
    today = labels.today()
    try:
        read_on = labels.parse_date(retrieved, "--retrieved") if retrieved else today
        data = new.build(kind, answers, reg, root, read_on)
        path = new.ensure_free(str(data["id"]), kind, reg, root)
    except (AuthoringError, labels.DateError) as exc:
        common.fail(str(exc))
    from rarereg.loader import display_path

    change = Change(path, kind, canonical.render(data, kind), new=True)
    findings = writing.check_or_fail(root, [change], today)
    writing.print_findings(findings)
    shown = display_path(path.absolute(), Path.cwd())
    if has_errors(findings):
        common.say(f"not written: {shown} would have errors")
        raise typer.Exit(EXIT_FINDINGS)
    if dry_run:
        sys.stdout.write(change.text)
        return
    writing.write_or_fail(path, change.text, new=True)
    common.say(f"created {shown}")


def _interactive() -> bool:
    """Ask questions only when a person is there to answer."""
    return sys.stdin.isatty()


def _ask(question: str) -> str:
    return str(typer.prompt(question, default="", show_default=False, err=True))


@group.command("centre")
def new_centre(
    ctx: typer.Context,
    name: NameOpt = None,
    kind: Annotated[
        str | None, typer.Option("--kind", metavar="KIND", help="crmr, ccmr, crc or platform.")
    ] = None,
    acronym: Annotated[str | None, typer.Option("--acronym", metavar="TEXT")] = None,
    network: Annotated[
        str | None,
        typer.Option(
            "--network",
            metavar="FSMR",
            autocompletion=complete.networks,
            help="Filière id, acronym or name.",
        ),
    ] = None,
    ern: ErnOpt = None,
    reference_centre: Annotated[
        str | None,
        typer.Option("--reference-centre", metavar="CRMR", help="For a CCMR: its CRMR."),
    ] = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", metavar="ID", help="Labelling campaign.")
    ] = None,
    label_start: Annotated[
        str | None,
        typer.Option("--label-start", metavar="DATE", help="Only if not the campaign's."),
    ] = None,
    label_end: Annotated[
        str | None, typer.Option("--label-end", metavar="DATE", help="Only if not the campaign's.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", metavar="STATUS", help="labelled, withdrawn, lapsed.")
    ] = None,
    labelled_since: Annotated[
        str | None, typer.Option("--labelled-since", metavar="YEAR", help="e.g. 2006.")
    ] = None,
    hospital: Annotated[
        list[str] | None,
        typer.Option(
            "--hospital",
            metavar="NAME",
            autocompletion=complete.hospitals,
            help="A site's hospital (name or id). Repeatable.",
        ),
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="coordinating, constitutive or competence: one per --hospital, in order.",
        ),
    ] = None,
    department: Annotated[
        list[str] | None,
        typer.Option("--department", metavar="TEXT", help="One per --hospital, in order."),
    ] = None,
    lead: Annotated[
        list[str] | None,
        typer.Option("--lead", metavar="TEXT", help="One per --hospital, in order."),
    ] = None,
    sites_incomplete: Annotated[
        bool, typer.Option("--sites-incomplete", help="The sources list only some sites.")
    ] = False,
    disease: Annotated[
        list[str] | None,
        typer.Option(
            "--disease",
            metavar="NAME",
            help="A disease or group the centre covers, as its source names it; with its "
            "ORPHAcode where a source gives one: 'Lupus systémique (ORPHA:536)'. Repeatable.",
        ),
    ] = None,
    entity_id: IdOpt = None,
    alias: AliasOpt = None,
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    source: SourceOpt = None,
    retrieved: RetrievedOpt = None,
    no_input: NoInputOpt = False,
    dry_run: DryRunOpt = False,
    registry: RegistryOpt = None,
) -> None:
    """Create a centre file (CRMR, CCMR, CRC or platform) with its sites.

    Example: rarereg new centre --name "Centre de référence du lupus" --kind crmr
    --network FAI2R --hospital "Pitié-Salpêtrière" --role coordinating --campaign campaign-2023
    --source https://example.org/arrete
    """
    answers: dict[str, object] = {
        "name": name,
        "kind": kind,
        "acronym": acronym,
        "network": network,
        "erns": ern,
        "reference_centre": reference_centre,
        "diseases": disease,
        "campaign": campaign,
        "label_start": label_start,
        "label_end": label_end,
        "status": status,
        "labelled_since": labelled_since,
        "hospitals": hospital,
        "roles": role,
        "departments": department,
        "leads": lead,
        "sites_incomplete": sites_incomplete,
        "id": entity_id,
        "aliases": alias,
        "website": website,
        "notes": notes,
        "sources": source,
    }
    _create(ctx, "centre", answers, registry, no_input, dry_run, retrieved)


@group.command("hospital")
def new_hospital(
    ctx: typer.Context,
    name: NameOpt = None,
    parent: Annotated[
        str | None,
        typer.Option(
            "--parent",
            metavar="NAME",
            autocompletion=complete.hospitals,
            help="For a site: its legal entity.",
        ),
    ] = None,
    city: Annotated[str | None, typer.Option("--city", metavar="CITY")] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="REGION",
            autocompletion=complete.regions,
            help="One of the 18 regions.",
        ),
    ] = None,
    finess: Annotated[
        str | None, typer.Option("--finess", metavar="NUMBER", help="9-character FINESS.")
    ] = None,
    entity_id: IdOpt = None,
    alias: AliasOpt = None,
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    source: SourceOpt = None,
    retrieved: RetrievedOpt = None,
    no_input: NoInputOpt = False,
    dry_run: DryRunOpt = False,
    registry: RegistryOpt = None,
) -> None:
    """Create a hospital file: a legal entity, or one of its sites (--parent).

    Example: rarereg new hospital --name "CHU de Nîmes" --city Nîmes --region Occitanie
    --source https://www.chu-nimes.fr/
    """
    answers: dict[str, object] = {
        "name": name,
        "parent": parent,
        "city": city,
        "region": region,
        "finess": finess,
        "id": entity_id,
        "aliases": alias,
        "website": website,
        "notes": notes,
        "sources": source,
    }
    _create(ctx, "hospital", answers, registry, no_input, dry_run, retrieved)


@group.command("network")
def new_network(
    ctx: typer.Context,
    name: NameOpt = None,
    acronym: Annotated[str | None, typer.Option("--acronym", metavar="TEXT")] = None,
    kind: Annotated[str | None, typer.Option("--kind", metavar="KIND", help="fsmr or ern.")] = None,
    host: Annotated[
        str | None,
        typer.Option(
            "--host", metavar="NAME", autocompletion=complete.hospitals, help="Host hospital."
        ),
    ] = None,
    coordinator: Annotated[str | None, typer.Option("--coordinator", metavar="TEXT")] = None,
    ern: ErnOpt = None,
    entity_id: IdOpt = None,
    alias: AliasOpt = None,
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    source: SourceOpt = None,
    retrieved: RetrievedOpt = None,
    no_input: NoInputOpt = False,
    dry_run: DryRunOpt = False,
    registry: RegistryOpt = None,
) -> None:
    """Create a network file: a filière (fsmr) or a European Reference Network (ern).

    Example: rarereg new network --name "Filière X" --acronym FILX --kind fsmr
    --source https://example.org/filx
    """
    answers: dict[str, object] = {
        "name": name,
        "acronym": acronym,
        "kind": kind,
        "host": host,
        "coordinator": coordinator,
        "erns": ern,
        "id": entity_id,
        "aliases": alias,
        "website": website,
        "notes": notes,
        "sources": source,
    }
    _create(ctx, "network", answers, registry, no_input, dry_run, retrieved)


@group.command("campaign")
def new_campaign(
    ctx: typer.Context,
    name: NameOpt = None,
    start: Annotated[str | None, typer.Option("--start", metavar="DATE")] = None,
    end: Annotated[str | None, typer.Option("--end", metavar="DATE")] = None,
    legal_basis: Annotated[str | None, typer.Option("--legal-basis", metavar="TEXT")] = None,
    entity_id: IdOpt = None,
    alias: AliasOpt = None,
    notes: NotesOpt = None,
    source: SourceOpt = None,
    retrieved: RetrievedOpt = None,
    no_input: NoInputOpt = False,
    dry_run: DryRunOpt = False,
    registry: RegistryOpt = None,
) -> None:
    """Create a labelling campaign file.

    Example: rarereg new campaign --name "Labellisation 2028" --id campaign-2028
    --start 2028-01-01 --end 2032-12-31 --source https://example.org/arrete
    """
    answers: dict[str, object] = {
        "name": name,
        "start": start,
        "end": end,
        "legal_basis": legal_basis,
        "id": entity_id,
        "aliases": alias,
        "notes": notes,
        "sources": source,
    }
    _create(ctx, "campaign", answers, registry, no_input, dry_run, retrieved)
