"""Labels over time: `expiring`, `--as-of`, and the calendar findings of `validate`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
from typer.testing import CliRunner

from rarereg import labels
from tests.helpers import run

Data = dict[str, dict[str, dict[str, Any]]]


@pytest.fixture
def timeline(make_registry: Callable[[Data], Path], base_data: Data) -> Path:
    """Labels ending on 31 Dec 2027 (campaign), 29 Feb 2028 (own end) and 31 Mar 2025 (past)."""
    base_data["campaigns"]["campaign-2017"] = {
        "id": "campaign-2017",
        "name": "Labellisation 2017",
        "start": "2017-08-08",
        "end": "2022-12-31",
        "notes": "Extended to the end of 2022.",
        "sources": [{"document": "page.txt"}],
    }
    base_data["centres"]["cracmo"]["label"] = {
        "campaign": "campaign-2023",
        "start": "2023-03-01",
        "end": "2028-02-29",
    }
    base_data["centres"]["old"] = {
        "id": "old",
        "name": "Ancien centre",
        "kind": "ccmr",
        "network": "fimatho",
        "label": {
            "campaign": "campaign-2017",
            "end": "2025-03-31",
            "note": "Extended until March 2025.",
        },
        "sites": [{"hospital": "chu-reims", "role": "competence"}],
        "sources": [{"document": "page.txt"}],
    }
    return make_registry(base_data)


def expiring(runner: CliRunner, registry: Path, *args: str) -> list[dict[str, Any]]:
    """`expiring` rows as JSON."""
    result = run(runner, "expiring", "-r", registry, "-f", "json", *args)
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def test_year_lists_labels_ending_that_year_soonest_first(
    runner: CliRunner, timeline: Path
) -> None:
    """Labels ending on 31 December of the year count; days left are from today."""
    rows = expiring(runner, timeline, "--year", "2027", "--as-of", "2027-01-01")
    assert [(r["id"], r["end"], r["days_left"]) for r in rows] == [
        ("ccmr-lupus-lille", "2027-12-31", 364),
        ("lupus", "2027-12-31", 364),
    ]
    assert rows[0]["hospitals"] == ["hopital-jeanne-de-flandre"]
    assert rows[0]["hospital_names"] == ["Hôpital Jeanne de Flandre"]
    assert rows[1]["hospitals"] == ["hopital-pitie-salpetriere", "chu-reims"]
    assert (rows[1]["network_id"], rows[1]["network"]) == ("fai2r", "FAI2R")


def test_own_end_overrides_campaign_and_leap_day(runner: CliRunner, timeline: Path) -> None:
    """A centre's own end (29 Feb 2028) wins over its campaign's."""
    rows = expiring(runner, timeline, "--year", "2028")
    assert [(r["id"], r["end"]) for r in rows] == [("cracmo", "2028-02-29")]


def test_before_and_within(runner: CliRunner, timeline: Path) -> None:
    """--before is exclusive; --within counts from --as-of, months on the calendar."""
    assert expiring(runner, timeline, "--before", "2027-12-31") == []
    assert len(expiring(runner, timeline, "--before", "2028-01-01")) == 2
    rows = expiring(runner, timeline, "--as-of", "2027-12-31", "--within", "2m")
    assert {r["id"] for r in rows} == {"lupus", "ccmr-lupus-lille", "cracmo"}
    rows = expiring(runner, timeline, "--as-of", "2027-12-31", "--within", "1m")
    assert {r["id"] for r in rows} == {"lupus", "ccmr-lupus-lille"}


def test_expired_only_when_asked(runner: CliRunner, timeline: Path) -> None:
    """A past end is hidden unless --include-expired; its days left are negative."""
    assert "old" not in {r["id"] for r in expiring(runner, timeline)}
    rows = expiring(runner, timeline, "--include-expired", "--as-of", "2025-07-01")
    assert [(r["id"], r["days_left"]) for r in rows if r["id"] == "old"] == [("old", -92)]


def test_filters_apply(runner: CliRunner, timeline: Path) -> None:
    """--hospital, --network, --kind and --region narrow the list."""
    assert {r["id"] for r in expiring(runner, timeline, "--hospital", "CHU Lille")} == {
        "ccmr-lupus-lille",
        "cracmo",
    }
    assert {r["id"] for r in expiring(runner, timeline, "--kind", "ccmr")} == {"ccmr-lupus-lille"}
    assert {r["id"] for r in expiring(runner, timeline, "--region", "Grand Est")} == {"lupus"}


def test_nothing_expiring_is_friendly(runner: CliRunner, timeline: Path) -> None:
    """An empty answer exits 0 with a message on stderr; --fail-if-any exits 1 on rows."""
    empty = run(runner, "expiring", "-r", timeline, "--year", "2031")
    assert empty.exit_code == 0 and empty.stdout == ""
    assert "No label ends as asked" in empty.stderr
    assert run(runner, "expiring", "-r", timeline, "--year", "2031", "--fail-if-any").exit_code == 0
    assert run(runner, "expiring", "-r", timeline, "--year", "2027", "--fail-if-any").exit_code == 1


def test_unknown_hospital_and_bad_dates_exit_two(runner: CliRunner, timeline: Path) -> None:
    """Bad names, dates and spans are usage errors."""
    for args in (
        ["--hospital", "CHU Lile"],
        ["--before", "2027-02-30"],
        ["--within", "soon"],
        ["--as-of", "tomorrow"],
    ):
        result = run(runner, "expiring", "-r", timeline, *args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("rarereg: error:")


def test_ics_parses_with_a_real_library(runner: CliRunner, timeline: Path) -> None:
    """The calendar is valid iCalendar: one all-day event per label end."""
    result = run(runner, "expiring", "-r", timeline, "-f", "ics", "--as-of", "2027-01-01")
    assert result.exit_code == 0
    assert result.stdout_bytes.count(b"\r\n") == result.stdout_bytes.count(b"\n")
    cal = icalendar.Calendar.from_ical(result.stdout_bytes)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 3
    first = events[0]
    assert first.decoded("DTSTART") == dt.date(2027, 12, 31)
    assert first.decoded("DURATION") == dt.timedelta(days=1)
    assert str(first["SUMMARY"]).startswith("Label ends: ")
    assert len({str(e["UID"]) for e in events}) == 3


def test_ics_escapes_and_folds(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """Commas, semicolons and long names survive the round trip."""
    name = "Centre; très long, avec virgules — " + "x" * 120
    base_data["centres"]["lupus"]["name"] = name
    result = run(runner, "expiring", "-r", make_registry(base_data), "-f", "ics")
    assert all(len(line) <= 75 for line in result.stdout_bytes.split(b"\r\n"))
    summaries = [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    ]
    assert f"Label ends: {name}" in summaries


def test_output_file_is_written_whole(runner: CliRunner, timeline: Path, tmp_path: Path) -> None:
    """-o writes the file (via a temporary file and a rename) and says so on stderr."""
    target = tmp_path / "renewals.ics"
    result = run(runner, "expiring", "-r", timeline, "-f", "ics", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text().startswith("BEGIN:VCALENDAR")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_csv_columns(runner: CliRunner, timeline: Path) -> None:
    """CSV has the documented columns."""
    result = run(runner, "expiring", "-r", timeline, "-f", "csv")
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header == [
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
    ]


def test_list_as_of_keeps_centres_labelled_that_day(runner: CliRunner, timeline: Path) -> None:
    """--as-of drops centres whose label does not cover the date; unknown labels stay."""

    def ids(day: str) -> set[str]:
        result = run(runner, "list", "-r", timeline, "-f", "json", "--as-of", day)
        return {r["id"] for r in json.loads(result.stdout)}

    assert ids("2024-01-01") == {"lupus", "ccmr-lupus-lille", "cracmo", "old"}
    assert ids("2022-06-01") == {"old"}
    assert ids("2028-01-15") == {"cracmo"}


def test_show_as_of_says_whether_labelled(runner: CliRunner, timeline: Path) -> None:
    """`show` tells whether the centre was labelled on the date, and filters related centres."""
    view = json.loads(
        run(runner, "show", "lupus", "-r", timeline, "-f", "json", "--as-of", "2030-01-01").stdout
    )
    assert view["labelled_on_as_of"] is False and view["as_of"] == "2030-01-01"
    hospital = json.loads(
        run(
            runner, "show", "chu-lille", "-r", timeline, "-f", "json", "--as-of", "2028-01-15"
        ).stdout
    )
    assert [c["id"] for c in hospital["centres"]] == ["cracmo"]


def test_validate_expired_and_expiring(runner: CliRunner, timeline: Path) -> None:
    """An ended label is an error at its date; one ending soon a warning; lapsed is fine."""
    result = run(runner, "validate", "-r", timeline, "--as-of", "2027-10-01")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    expired = [line for line in lines if "label-expired" in line]
    assert len(expired) == 1 and "centres/old.yaml:" in expired[0]
    assert "label ended on 2025-03-31" in expired[0]
    expiring_lines = [line for line in lines if "label-expiring" in line]
    assert len(expiring_lines) == 3
    assert "end of campaign campaign-2023" in expiring_lines[0]
    assert "ends on 2028-02-29, in 151 day(s)" in expiring_lines[1]


def test_validate_expiry_window_and_lapsed_status(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """The warning window is configurable; a lapsed centre's past end is no error."""
    registry = make_registry(base_data)
    quiet = run(
        runner, "validate", "-r", registry, "--as-of", "2027-10-01", "--expiry-window", "30d"
    )
    assert quiet.exit_code == 0 and "label-expiring" not in quiet.stdout
    base_data["centres"]["lupus"]["status"] = "lapsed"
    base_data["centres"]["ccmr-lupus-lille"]["status"] = "withdrawn"
    registry = make_registry(base_data)
    late = run(runner, "validate", "-r", registry, "--as-of", "2028-06-01")
    assert late.exit_code == 0, late.stdout


def test_add_span_calendar_months() -> None:
    """Months are calendar months, clamped to the month's last day."""
    assert labels.add_span(dt.date(2027, 1, 31), "1m") == dt.date(2027, 2, 28)
    assert labels.add_span(dt.date(2028, 2, 29), "1y") == dt.date(2029, 2, 28)
    assert labels.add_span(dt.date(2027, 1, 1), "180d") == dt.date(2027, 6, 30)
    with pytest.raises(labels.DateError):
        labels.add_span(dt.date(2027, 1, 1), "6 months")
