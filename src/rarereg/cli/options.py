"""Options shared by the commands, declared once."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

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
