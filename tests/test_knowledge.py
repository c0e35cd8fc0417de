"""What the registry knows and does not: label-end certainty, earlier labels, coverage."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rarereg import labels, report
from rarereg.model import Registry, load_registry
from rarereg.validate import validate
from tests.helpers import run

Data = dict[str, dict[str, dict[str, Any]]]
RESPIFIL = {"url": "https://respifil.fr/actualites/x", "retrieved": "2026-11-25"}
NOONAN = {"url": "https://assonoonan.fr/y", "retrieved": "2026-11-25"}


@pytest.fixture
def uncertain(make_registry: Callable[[Data], Path], base_data: Data) -> Path:
    """campaign-2023 without an end, two sources disagreeing; a 2017 campaign with dates."""
    campaign = base_data["campaigns"]["campaign-2023"]
    del campaign["start"], campaign["end"]
    campaign["reported_ends"] = [
        {"end": "2027", "source": RESPIFIL},
        {"end": "2028", "source": NOONAN, "note": "association page"},
    ]
    base_data["campaigns"]["campaign-2017"] = {
        "id": "campaign-2017",
        "name": "Labellisation 2017",
        "start": "2017-08-08",
        "end": "2022-12-31",
        "notes": "Runs to the end of 2022.",
        "sources": [{"document": "page.txt"}],
    }
    base_data["centres"]["lupus"]["previous_labels"] = [
        {"campaign": "campaign-2017", "source": {"document": "page.txt"}}
    ]
    base_data["hospitals"]["chu-lille"]["published_counts"] = {
        "crmr": 18,
        "ccmr": 64,
        "as_of": "2024",
        "source": {"document": "page.txt"},
    }
    base_data["hospitals"]["chu-reims"]["published_counts"] = {
        "total": 51,
        "source": {"document": "page.txt"},
    }
    return make_registry(base_data)


def _load(root: Path) -> Registry:
    return load_registry(root, root)


def test_the_new_fields_validate(uncertain: Path) -> None:
    """Reported ends, earlier labels and year-only dates are valid."""
    assert validate(uncertain, uncertain).errors == 0


def test_unknown_campaign_in_an_earlier_label_is_an_error(
    make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """An earlier label names a campaign that exists."""
    base_data["centres"]["lupus"]["previous_labels"] = [{"campaign": "campaign-2071"}]
    root = make_registry(base_data)
    found = [(f.code, f.message) for f in validate(root, root).findings]
    assert found == [
        (
            "unknown-reference",
            "previous_labels[0].campaign: no campaign 'campaign-2071'; did you mean "
            "'campaign-2023'?",
        )
    ]


def test_a_month_that_does_not_exist_is_an_invalid_date(
    make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """A source may speak for a month; the 13th month does not exist."""
    base_data["centres"]["lupus"]["sources"] = [{"document": "page.txt", "as_of": "2017-13"}]
    root = make_registry(base_data)
    found = [(f.code, f.message) for f in validate(root, root).findings]
    assert found == [("invalid-date", "as_of: 2017-13 is not a month of the calendar")]


def test_end_certainty_per_label(uncertain: Path) -> None:
    """Own end: known; campaign's reported ends disagreeing: disputed; no label: no-label."""
    reg = _load(uncertain)
    lupus = labels.end_certainty(reg, reg.centres["lupus"])
    assert (lupus.certainty, lupus.end, lupus.years) == ("disputed", None, (2027, 2028))
    assert [r.source for r in lupus.reported] == [RESPIFIL["url"], NOONAN["url"]]
    assert labels.end_certainty(reg, reg.centres["cracmo"]).certainty == "no-label"
    assert labels.certainty_counts(reg) == {
        "known": 0,
        "reported": 0,
        "disputed": 2,
        "unknown": 0,
        "no-label": 1,
    }


def test_agreeing_reports_are_reported_not_known(
    make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """One reported year is still not the act's date."""
    campaign = base_data["campaigns"]["campaign-2023"]
    del campaign["end"]
    campaign["reported_ends"] = [{"end": "2028-12-31", "source": NOONAN}]
    reg = _load(make_registry(base_data))
    cert = labels.end_certainty(reg, reg.centres["lupus"])
    assert (cert.certainty, cert.years) == ("reported", (2028,))


def test_maybe_expiring_in_a_year_and_the_caveats(uncertain: Path) -> None:
    """Both 2023 labels may end in 2027; the sentences name the disagreement and the gaps."""
    reg = _load(uncertain)
    today = dt.date(2026, 11, 25)
    maybe = labels.maybe_expiring(reg, today, year=2027)
    assert [m.centre.id for m in maybe] == ["ccmr-lupus-lille", "lupus"]
    assert labels.maybe_expiring(reg, today, year=2029) == []
    assert labels.maybe_expiring(reg, today, before=dt.date(2027, 1, 1)) == []
    lines = labels.caveats(maybe, labels.certainty_counts(reg), year=2027)
    assert lines == [
        "2 labels of campaign-2023 end in 2027 or 2028: sources disagree "
        "(2027: respifil.fr; 2028: assonoonan.fr)",
        "no other label ends in 2027 on a known date",
        "2 of 2 labels have no known end date (2 with reported ends that disagree, 0 with a "
        "reported end, 0 with none); 1 centres have no current label on record",
    ]


def test_an_earlier_label_answers_for_an_earlier_date(uncertain: Path) -> None:
    """In 2019 lupus was labelled by the 2017 campaign; today by the current one."""
    reg = _load(uncertain)
    then = labels.labelled_on(reg, dt.date(2019, 6, 1))
    lupus = then.centres["lupus"].label
    assert lupus is not None and lupus.campaign == "campaign-2017"
    now = labels.labelled_on(reg, dt.date(2025, 6, 1)).centres["lupus"].label
    assert now is not None and now.campaign == "campaign-2023"
    before_2017 = labels.labelled_on(reg, dt.date(2017, 1, 1))
    assert "lupus" not in before_2017.centres


def test_coverage_of_a_hospital(uncertain: Path) -> None:
    """Lille publishes CRMR and CCMR only: its sites of those kinds against 82, as of 2024."""
    reg = _load(uncertain)
    found = report.coverage(reg, ["hopital-jeanne-de-flandre", "chu-reims", "ap-hp"])
    assert [c.as_dict() for c in found] == [
        {
            "hospital": "chu-lille",
            "name": "CHU de Lille",
            "held": 2,
            "published": 82,
            "published_as_of": "2024",
            "source": "page.txt",
        },
        {
            "hospital": "chu-reims",
            "name": "CHU de Reims",
            "held": 1,
            "published": 51,
            "published_as_of": None,
            "source": "page.txt",
        },
    ]
    assert found[0].sentence() == (
        "2 of 82 centres published by CHU de Lille are in the registry "
        "(count as of 2024; source: page.txt)"
    )


def test_expiring_in_a_disputed_year_says_so(runner: CliRunner, uncertain: Path) -> None:
    """Labels that may end in 2027 are listed with their certainty, the disagreement on stderr."""
    result = run(runner, "expiring", "-r", uncertain, "--year", "2027", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["id"], r["end"], r["certainty"], r["possible_end_years"]) for r in rows] == [
        ("ccmr-lupus-lille", None, "disputed", [2027, 2028]),
        ("lupus", None, "disputed", [2027, 2028]),
    ]
    assert rows[0]["reported_ends"] == [
        f"2027: {RESPIFIL['url']}",
        f"2028: {NOONAN['url']}",
    ]
    assert result.stderr.splitlines() == [
        "2 labels of campaign-2023 end in 2027 or 2028: sources disagree "
        "(2027: respifil.fr; 2028: assonoonan.fr)",
        "no other label ends in 2027 on a known date",
        "2 of 2 labels have no known end date (2 with reported ends that disagree, 0 with a "
        "reported end, 0 with none); 1 centres have no current label on record",
    ]


def test_fail_if_any_counts_known_ends_only(runner: CliRunner, uncertain: Path) -> None:
    """A label that may end in the window does not fail CI: only a known end does."""
    result = run(runner, "expiring", "-r", uncertain, "--year", "2027", "--fail-if-any")
    assert result.exit_code == 0


def test_list_by_hospital_says_how_much_it_holds(runner: CliRunner, uncertain: Path) -> None:
    """An answer about a hospital that publishes its counts says the coverage on stderr."""
    result = run(runner, "list", "-r", uncertain, "--hospital", "CHU Lille", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "2 of 82 centres published by CHU de Lille are in the registry "
        "(count as of 2024; source: page.txt)"
    ]


def test_report_by_hospital_has_a_coverage_column(runner: CliRunner, uncertain: Path) -> None:
    """`report --by hospital` sets the registry's count beside the published one."""
    result = run(runner, "report", "-r", uncertain, "--by", "hospital", "-f", "json")
    rows = {r["key"]: r for r in json.loads(result.stdout)["hospital"]}
    assert (rows["chu-lille"]["coverage"], rows["chu-lille"]["published_as_of"]) == (
        "2 of 82",
        "2024",
    )
    assert (rows["chu-reims"]["coverage"], rows["chu-reims"]["published_total"]) == ("1 of 51", 51)
    assert rows["ap-hp"]["coverage"] is None
