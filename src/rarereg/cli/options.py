"""Options shared by the commands, declared once.

A command takes the ones it needs as parameters, e.g. ``hospital: HospitalOpt = None``. Value
completion (kinds, regions, hospital and network names, ids) comes from
:mod:`rarereg.cli.complete`, which reads the registry only when the shell asks.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from rarereg.cli import complete

# Formats each command offers, one enum each so --help lists them and the shell completes them.
ValidateFormat = enum.StrEnum("ValidateFormat", "text json csv github sarif")
ListFormat = enum.StrEnum("ListFormat", "table json csv markdown")
ShowFormat = enum.StrEnum("ShowFormat", "table json csv")
ExpiringFormat = enum.StrEnum("ExpiringFormat", "table json csv markdown ics")
ReportFormat = enum.StrEnum("ReportFormat", "table json csv markdown")
CompareFormat = enum.StrEnum("CompareFormat", "table json csv markdown")
ListWhat = enum.StrEnum("ListWhat", "centres hospitals networks campaigns diseases")
ReportBy = enum.StrEnum(
    "ReportBy",
    [
        ("kind", "kind"),
        ("hospital", "hospital"),
        ("network", "network"),
        ("region", "region"),
        ("campaign", "campaign"),
        ("end_year", "end-year"),
        ("disease", "disease"),
    ],
)


def format_option(default_help: str = "Output format.") -> Any:
    """The --format/-f option (its choices come from the parameter's enum)."""
    return typer.Option("--format", "-f", show_default=True, help=default_help)


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
        autocompletion=complete.hospitals,
        help="Hospital id, name or alias (case and accents ignored); a legal entity includes its "
        "sites. Repeat for several.",
    ),
]
NetworkOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--network",
        metavar="FSMR",
        autocompletion=complete.networks,
        help="Filière id, acronym or name. Repeatable.",
    ),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        autocompletion=complete.kinds,
        help="crmr, ccmr, crc or platform (networks: fsmr or ern). Repeatable.",
    ),
]
RegionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--region",
        metavar="REGION",
        autocompletion=complete.regions,
        help="One of the 18 regions, e.g. 'Hauts-de-France'.",
    ),
]
CityOpt = Annotated[list[str] | None, typer.Option("--city", metavar="CITY", help="City.")]
ErnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--ern",
        metavar="ERN",
        autocompletion=complete.erns,
        help="European Reference Network id, acronym or name.",
    ),
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
        help="Write to FILE (whole or not at all) instead of stdout.",
    ),
]
ExcelOpt = Annotated[
    bool,
    typer.Option(
        "--excel", help="CSV for Excel in French: a byte-order mark and ';' between cells."
    ),
]
NoPagerOpt = Annotated[
    bool,
    typer.Option("--no-pager", help="Never page the output (default: page on a terminal)."),
]
DiseaseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--disease",
        metavar="TEXT",
        autocompletion=complete.diseases,
        help="Centres for a disease: words of its name or synonyms (case and accents ignored); "
        "a CCMR that lists none covers its reference centre's. Repeatable.",
    ),
]
OrphaOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--orpha",
        metavar="CODE",
        help="Centres for a disease by its ORPHAcode: 536 or ORPHA:536. Repeatable.",
    ),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search", "-s", metavar="TEXT", help="Words that must all appear in the name or aliases."
    ),
]
