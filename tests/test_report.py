"""`rarereg report`: counts as hospitals publish them, side by side, in four formats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.helpers import run

Data = dict[str, dict[str, dict[str, Any]]]


def report(runner: CliRunner, registry: Path, *args: str) -> dict[str, Any]:
    """`report` as JSON."""
    result = run(runner, "report", "-r", registry, "-f", "json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_default_report_has_every_breakdown(runner: CliRunner, registry: Path) -> None:
    """Totals by kind, then hospital, network, region, campaign, end year and disease."""
    data = report(runner, registry)
    assert list(data) == [
        "as_of",
        "kind",
        "hospital",
        "network",
        "region",
        "campaign",
        "end-year",
        "disease",
    ]
    crmr = next(row for row in data["kind"] if row["kind"] == "crmr")
    assert crmr == {
        "kind": "crmr",
        "centres": 2,
        "sites": 3,
        "coordinating": 2,
        "constitutive": 1,
        "role_unstated": 0,
    }


def test_hospital_folds_sites_into_legal_entity(runner: CliRunner, registry: Path) -> None:
    """CHU de Lille counts the CCMR at its site Jeanne de Flandre."""
    rows = {r["key"]: r for r in report(runner, registry, "--by", "hospital")["hospital"]}
    lille = rows["chu-lille"]
    assert (lille["crmr_coordinating"], lille["ccmr"], lille["total"]) == (1, 1, 2)
    assert rows["ap-hp"]["crmr_coordinating"] == 1


def test_side_by_side_hospitals_in_the_order_asked(runner: CliRunner, registry: Path) -> None:
    """Two --hospital give two rows, even when one has nothing."""
    rows = report(runner, registry, "--hospital", "CHU de Reims", "--hospital", "CHU Lille")
    assert [r["key"] for r in rows["hospital"]] == ["chu-reims", "chu-lille"]
    assert rows["hospital"][0]["crmr_constitutive"] == 1


def test_published_counts_shown_beside(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """A hospital's own published counts appear next to the registry's."""
    base_data["hospitals"]["chu-lille"]["published_counts"] = {
        "crmr": 18,
        "ccmr": 64,
        "crc": 3,
        "platform": 1,
        "source": {"document": "page.txt"},
    }
    rows = report(runner, make_registry(base_data), "--hospital", "CHU Lille")["hospital"]
    assert (rows[0]["published_crmr"], rows[0]["crmr_sites"]) == (18, 1)


def test_other_breakdowns(runner: CliRunner, registry: Path) -> None:
    """Network, region, campaign and end year group the same sites."""
    data = report(runner, registry)
    assert {r["key"]: r["total"] for r in data["network"]} == {"fai2r": 3, "fimatho": 1}
    assert {r["key"]: r["total"] for r in data["region"]} == {
        "Hauts-de-France": 2,
        "Île-de-France": 1,
        "Grand Est": 1,
    }
    assert {r["key"]: r["total"] for r in data["campaign"]} == {"campaign-2023": 3, "(none)": 1}
    assert {r["key"]: r["total"] for r in data["end-year"]} == {"2027": 3, "(none)": 1}


def test_filters_and_as_of(runner: CliRunner, registry: Path) -> None:
    """Filters narrow the counted sites; --as-of drops centres not labelled then."""
    data = report(runner, registry, "--by", "kind", "--network", "fimatho")
    assert [r["sites"] for r in data["kind"]] == [1, 0, 0, 0]
    later = report(runner, registry, "--by", "kind", "--as-of", "2029-01-01")
    assert [r["centres"] for r in later["kind"]] == [1, 0, 0, 0]


def test_markdown_escapes_registry_text(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """Markdown output is tables under headings, with | and HTML in names escaped."""
    base_data["hospitals"]["chu-lille"]["name"] = "CHU <b>Lille</b> | [x](http://e)"
    result = run(
        runner, "report", "-r", make_registry(base_data), "--by", "hospital", "-f", "markdown"
    )
    assert result.stdout.startswith("### By hospital")
    assert "CHU &lt;b&gt;Lille&lt;/b&gt; \\| \\[x\\]\\(http://e\\)" in result.stdout
    assert "<b>" not in result.stdout


def test_csv_single_and_all(runner: CliRunner, registry: Path) -> None:
    """One breakdown is a plain CSV; the full report adds a 'breakdown' column."""
    one = list(
        csv.DictReader(
            io.StringIO(
                run(runner, "report", "-r", registry, "--by", "network", "-f", "csv").stdout
            )
        )
    )
    assert one[0]["key"] == "fai2r"
    every = list(
        csv.DictReader(io.StringIO(run(runner, "report", "-r", registry, "-f", "csv").stdout))
    )
    assert {r["breakdown"] for r in every} == {
        "kind",
        "hospital",
        "network",
        "region",
        "campaign",
        "end-year",
        "disease",
    }


def test_table_output(runner: CliRunner, registry: Path) -> None:
    """The table has a title per breakdown."""
    result = run(runner, "report", "-r", registry)
    assert result.exit_code == 0
    assert "By kind" in result.stdout and "By end-year" in result.stdout


def test_unknown_hospital_exits_two(runner: CliRunner, registry: Path) -> None:
    """An unknown hospital is a usage error with suggestions."""
    result = run(runner, "report", "-r", registry, "--hospital", "CHU Lile")
    assert result.exit_code == 2 and "did you mean" in result.stderr
