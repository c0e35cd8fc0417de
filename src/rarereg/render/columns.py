"""One column spec per table: the row key, its heading, and how much it matters.

``priority`` orders what a narrow terminal gives up first: the highest number goes first, and
priority 1 is never dropped. ``ident`` marks ids and codes, which are never wrapped or split.
JSON and CSV carry every key of the row; the spec only shapes the terminal table (and the
column order of CSV and Markdown).
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    """A table column: the row key, its heading, its priority, and whether it is an id."""

    key: str
    heading: str
    priority: int = 5
    ident: bool = False


def col(key: str, heading: str | None = None, priority: int = 5, *, ident: bool = False) -> Column:
    """A column whose heading defaults to its key."""
    return Column(key, heading or key, priority, ident)


CENTRES = (
    col("id", priority=1, ident=True),
    col("kind", priority=3, ident=True),
    col("name", priority=2),
    col("network_id", "network id", 10, ident=True),
    col("network", priority=5, ident=True),
    col("erns", "ERNs", 11),
    col("hospital", "hospital id", 9, ident=True),
    col("hospital_name", "hospital", 4),
    col("role", priority=6, ident=True),
    col("city", priority=7),
    col("label_end", "label ends", 8, ident=True),
)
"""The terminal columns of ``list centres``; CSV and JSON have every column of the rows."""


HOSPITALS = (
    col("id", priority=1, ident=True),
    col("name", priority=2),
    col("parent", priority=5, ident=True),
    col("city", priority=3),
    col("region", priority=4),
    col("finess", "FINESS", 6, ident=True),
)

NETWORKS = (
    col("id", priority=1, ident=True),
    col("kind", priority=2, ident=True),
    col("acronym", priority=3),
    col("name", priority=4),
    col("host", priority=5, ident=True),
    col("erns", "ERNs", 6),
)

CAMPAIGNS = (
    col("id", priority=1, ident=True),
    col("name", priority=2),
    col("start", priority=3, ident=True),
    col("end", priority=3, ident=True),
    col("centres", priority=4),
)

DISEASES = (
    col("key", "id", 1, ident=True),
    col("name", priority=2),
    col("centres", priority=3, ident=True),
    col("crmr", "CRMR", 4, ident=True),
    col("ccmr", "CCMR", 4, ident=True),
    col("synonyms", priority=6),
    col("age_groups", "ages", 7),
)
"""``list diseases``: a disease's key is its ORPHAcode, else ``name:`` and its normalised name."""

LISTS = {
    "centres": CENTRES,
    "hospitals": HOSPITALS,
    "networks": NETWORKS,
    "campaigns": CAMPAIGNS,
    "diseases": DISEASES,
}

EXPIRING = (
    col("id", priority=1, ident=True),
    col("kind", priority=3, ident=True),
    col("name", priority=7),
    col("network_id", "network id", 9, ident=True),
    col("network", priority=4, ident=True),
    col("hospitals", "hospital ids", 10),
    col("hospital_names", "hospitals", 5),
    col("campaign", priority=8, ident=True),
    col("end", "ends", 2, ident=True),
    col("days_left", "days left", 2, ident=True),
    col("certainty", "end known?", 3, ident=True),
    col("possible_end_years", "possible years", 3),
)
"""``expiring``; a narrow terminal keeps the id, the end (or possible years) and the days left."""

EXPIRING_FIELDS = (
    "id",
    "name",
    "kind",
    "network_id",
    "network",
    "hospitals",
    "hospital_names",
    "campaign",
    "end",
    "days_left",
    "certainty",
    "possible_end_years",
    "reported_ends",
)

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
    "published_total": "published total",
    "published_as_of": "published as of",
    "coverage": "in registry / published",
    "role_unstated": "role?",
}


_REPORT_PRIORITY = {"name": 2, "total": 3, "centres": 3, "sites": 3, "crmr_sites": 4, "ccmr": 4}


def report(keys: tuple[str, ...]) -> tuple[Column, ...]:
    """The columns of one report breakdown: the key, the name and the total given up last."""
    out = []
    for n, key in enumerate(keys):
        if n == 0:
            priority = 1
        elif key == "coverage":
            priority = 3
        elif key.startswith("published"):
            priority = 4 if key == "published_as_of" else 8
        else:
            priority = _REPORT_PRIORITY.get(key, 6 if key.startswith("crmr_") else 5)
        out.append(col(key, _REPORT_HEADINGS.get(key, key), priority, ident=n == 0))
    return tuple(out)


COMPARE_EVENTS = (
    col("event", priority=1, ident=True),
    col("id", priority=1, ident=True),
    col("detail", priority=2),
)
COMPARE_ENTITIES = (
    col("change", priority=1, ident=True),
    col("kind", priority=2, ident=True),
    col("id", priority=1, ident=True),
)
COMPARE_FIELDS = (
    col("kind", priority=4, ident=True),
    col("id", priority=1, ident=True),
    col("field", priority=2, ident=True),
    col("old", priority=3),
    col("new", priority=3),
)
AGAINST_ONLY_CSV = (
    col("line", priority=1, ident=True),
    col("kind", priority=2, ident=True),
    col("name", priority=2),
    col("hospital", priority=3),
    col("network", priority=4, ident=True),
)
AGAINST_ONLY_REGISTRY = (
    col("id", priority=1, ident=True),
    col("kind", priority=2, ident=True),
    col("name", priority=2),
    col("hospital", priority=3),
)
AGAINST_DISAGREE = (
    col("line", priority=1, ident=True),
    col("id", priority=1, ident=True),
    col("name", priority=3),
    col("differences", priority=2),
)

FINDINGS = (
    col("path", priority=1, ident=True),
    col("line", priority=1, ident=True),
    col("col", priority=1, ident=True),
    col("severity", priority=2, ident=True),
    col("code", priority=2, ident=True),
    col("message", priority=1),
)

SHOW_SITES = (
    col("hospital", "hospital id", 1, ident=True),
    col("id", priority=1, ident=True),
    col("hospital_name", "hospital", 2),
    col("name", priority=2),
    col("role", priority=3, ident=True),
    col("department", priority=4),
    col("lead", priority=5),
)
"""A centre's sites, or a hospital's sites, in ``show``."""

SHOW_CENTRES = (
    col("id", priority=1, ident=True),
    col("kind", priority=2, ident=True),
    col("name", priority=3),
    col("role", priority=4, ident=True),
    col("hospital", "hospital id", 5, ident=True),
    col("hospitals", "hospital ids", 5),
    col("department", priority=6),
    col("label_end", "label ends", 4, ident=True),
)
"""Centres related to the entity ``show`` prints."""

SHOW_DISEASES = (
    col("name", priority=1),
    col("orpha", "ORPHAcode", 2, ident=True),
    col("age_group", "ages", 3, ident=True),
    col("synonyms", priority=4),
)
"""A centre's diseases in ``show``."""

SHOW_TABLES = {
    "sites": SHOW_SITES,
    "centres": SHOW_CENTRES,
    "competence_centres": SHOW_CENTRES,
    "diseases": SHOW_DISEASES,
}
