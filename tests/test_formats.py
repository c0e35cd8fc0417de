"""Each output read the way its consumer reads it.

SARIF against the official schema, GitHub annotations and job summary, CSV with Python's csv
module, Markdown, iCalendar with the icalendar library, files written with -o.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import stat
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest
from typer.testing import CliRunner

from rarereg.output import write_atomic
from tests.helpers import run

Data = dict[str, dict[str, dict[str, Any]]]
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
APP = __import__("rarereg.cli").cli.app


def git(repo: Path, *args: str) -> None:
    """Run git quietly."""
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def broken(make_registry: Callable[[Data], Path], base_data: Data) -> Path:
    """A registry inside a git repository, with findings in a file whose name needs encoding."""
    base_data["hospitals"]["chu-reims"]["citty"] = "Reims"
    registry = make_registry(base_data)
    (registry / "hospitals" / "chu lille #2.yaml").write_text("id: x\nname: [\n")
    git(registry.parent, "init", "-q")
    return registry


# --- SARIF ------------------------------------------------------------------------------------


def sarif(runner: CliRunner, registry: Path, cwd: Path) -> dict[str, Any]:
    """The SARIF of `validate`, run from ``cwd``."""
    here = Path.cwd()
    os.chdir(cwd)
    try:
        result = run(runner, "validate", "-r", registry, "-f", "sarif")
    finally:
        os.chdir(here)
    assert result.exit_code == 1, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_sarif_is_valid_against_the_official_schema(runner: CliRunner, broken: Path) -> None:
    """The OASIS SARIF 2.1.0 schema accepts the log, formats checked."""
    log = sarif(runner, broken, broken)
    jsonschema.Draft4Validator(
        SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    ).validate(log)


def test_sarif_has_what_github_code_scanning_reads(runner: CliRunner, broken: Path) -> None:
    """Rules described, fingerprints, encoded URIs relative to SRCROOT, whatever the cwd."""
    for cwd in (broken, broken / "hospitals", broken.parent.parent):
        log = sarif(runner, broken, cwd)
        (the_run,) = log["runs"]
        assert the_run["originalUriBaseIds"] == {
            "SRCROOT": {"uri": broken.parent.resolve().as_uri() + "/"}
        }
        rules = the_run["tool"]["driver"]["rules"]
        for rule in rules:
            assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
            assert rule["help"]["text"] and rule["help"]["markdown"]
            assert rule["helpUri"].startswith("https://")
            assert rule["defaultConfiguration"]["level"] in ("error", "warning")
        ids = [r["id"] for r in rules]
        places = []
        for result in the_run["results"]:
            assert ids[result["ruleIndex"]] == result["ruleId"]
            assert result["partialFingerprints"]["primaryLocationLineHash"]
            where = result["locations"][0]["physicalLocation"]
            assert where["artifactLocation"]["uriBaseId"] == "SRCROOT"
            places.append((where["artifactLocation"]["uri"], result["ruleId"]))
        assert sorted(places) == [
            ("registry/hospitals/chu%20lille%20%232.yaml", "yaml-syntax"),
            ("registry/hospitals/chu-reims.yaml", "schema"),
        ]


def test_sarif_fingerprints_survive_moved_lines(runner: CliRunner, broken: Path) -> None:
    """A finding keeps its fingerprint when lines are added above it."""

    def prints() -> set[str]:
        log = sarif(runner, broken, broken)
        return {
            r["partialFingerprints"]["primaryLocationLineHash"] for r in log["runs"][0]["results"]
        }

    before = prints()
    reims = broken / "hospitals" / "chu-reims.yaml"
    reims.write_text("# a comment\n" + reims.read_text())
    assert prints() == before


def test_sarif_rules_come_from_the_catalogue() -> None:
    """Given a catalogue, every rule is described with its own words and severity."""
    from dataclasses import dataclass

    from rarereg.findings import Finding, Severity
    from rarereg.render import render
    from rarereg.render.document import Findings
    from rarereg.validate import Report

    @dataclass
    class Rule:
        code: str
        default_severity: Severity
        summary: str
        description: str

    rules = [Rule("bom", Severity.WARNING, "Byte-order mark", "The file starts with a BOM.")]
    report = Report(Path("/r"), 1, (Finding("a.yaml", 1, 1, "bom", "BOM", Severity.WARNING),))
    log = json.loads(render("sarif", Findings(report, rules, Path("/r"), tool_version="1.0")))
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert (rule["id"], rule["shortDescription"], rule["fullDescription"]) == (
        "bom",
        {"text": "Byte-order mark"},
        {"text": "The file starts with a BOM."},
    )
    assert rule["defaultConfiguration"] == {"level": "warning"}


# --- GitHub annotations and job summary ------------------------------------------------------


def test_github_paths_are_relative_to_the_repository_root(
    runner: CliRunner, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a sub-folder, annotations still name files from the repository root."""
    monkeypatch.chdir(broken / "centres")
    result = run(runner, "validate", "-f", "github")
    assert result.stdout.splitlines() == [
        "::error file=registry/hospitals/chu lille #2.yaml,line=3,col=1,title=rarereg "
        "yaml-syntax::" + result.stdout.splitlines()[0].split("yaml-syntax::")[1],
        "::error file=registry/hospitals/chu-reims.yaml,line=7,col=1,title=rarereg schema::"
        "unknown field 'citty' (did you mean 'city'?); allowed: id, name, aliases, parent, "
        "city, region, finess, website, published_counts, notes, sources",
    ]


def test_github_is_the_default_under_actions_with_a_job_summary(
    runner: CliRunner, broken: Path, tmp_path: Path
) -> None:
    """GITHUB_ACTIONS=true: annotations without --format; counts in the step summary."""
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    result = runner.invoke(
        APP,
        ["validate", "-r", str(broken)],
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=registry/hospitals/")
    assert summary.read_text() == (
        "earlier step\n"
        "### rarereg validate\n\n"
        "2 errors, 0 warnings in 13 files checked\n\n"
        "| | count |\n| --- | --- |\n| files checked | 13 |\n| errors | 2 |\n| warnings | 0 |\n\n"
        "| rule | severity | findings |\n| --- | --- | --- |\n"
        "| schema | error | 1 |\n| yaml-syntax | error | 1 |\n"
    )
    plain = runner.invoke(APP, ["validate", "-r", str(broken)], env={"GITHUB_ACTIONS": ""})
    assert plain.stdout.startswith(str(broken / "hospitals"))


def test_job_summary_says_when_github_hides_annotations(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data, tmp_path: Path
) -> None:
    """Over 10 errors in a step, the summary says how many GitHub does not show."""
    registry = make_registry(base_data)
    for n in range(12):
        (registry / "hospitals" / f"bad-{n}.yaml").write_text("id: [\n")
    summary = tmp_path / "summary.md"
    result = runner.invoke(
        APP,
        ["validate", "-r", str(registry), "-f", "github"],
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.stdout.count("::error ") == 12
    assert summary.read_text().endswith(
        "> GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job): "
        "2 errors are not shown on the files. The step's log lists every finding; "
        "`--format sarif` uploads them all to code scanning.\n"
    )


# --- CSV --------------------------------------------------------------------------------------


def read_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    """Rows as Python's csv module reads them."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.fixture
def hostile(make_registry: Callable[[Data], Path], base_data: Data) -> Path:
    """Names a spreadsheet would misread: LF, formulas, both separators (CR is refused)."""
    base_data["centres"]["cracmo"]["name"] = "=3+3\n@SUM(1)"
    base_data["centres"]["lupus"]["name"] = "Lupus\nnew line, comma; =HYPERLINK(1)"
    base_data["centres"]["ccmr-lupus-lille"]["name"] = "-2+3"
    base_data["campaigns"]["campaign-2023"]["end"] = "2025-05-22"
    return make_registry(base_data)


def test_csv_quotes_cr_and_lf_and_defuses_formulas(runner: CliRunner, hostile: Path) -> None:
    """One record per row whatever the text; formulas shown as text."""
    result = run(runner, "list", "-r", hostile, "-f", "csv", "--as-of", "2024-01-01")
    rows = read_csv(result.stdout)
    header = rows[0]
    names = {r[header.index("id")]: r[header.index("name")] for r in rows[1:]}
    assert len(rows) == 1 + 4
    assert names == {
        "cracmo": "'=3+3\n'@SUM(1)",
        "lupus": "Lupus\nnew line, comma; '=HYPERLINK(1)",
        "ccmr-lupus-lille": "'-2+3",
    }
    assert '"Lupus\nnew line, comma; \'=HYPERLINK(1)"' in result.stdout


def test_csv_quotes_a_carriage_return() -> None:
    """Validation refuses CR in values; the CSV renderer still keeps CR then =3+3 in one cell."""
    from rarereg.render import Options, render
    from rarereg.render.columns import col
    from rarereg.render.document import Table, Tables

    doc = Tables([Table([col("id"), col("name")], [{"id": "x", "name": "\r=3+3"}])])
    for excel, delimiter in ((False, ","), (True, ";")):
        text = render("csv", doc, Options(excel=excel)).removeprefix("\ufeff")
        assert read_csv(text, delimiter) == [["id", "name"], ["x", "'\r'=3+3"]]


def test_csv_guards_text_never_numbers(runner: CliRunner, hostile: Path) -> None:
    """days_left of -10 stays a number; the guard is for text."""
    result = run(runner, "expiring", "-r", hostile, "-f", "csv", "--include-expired")
    rows = read_csv(result.stdout)
    days = {r[0]: r[rows[0].index("days_left")] for r in rows[1:]}
    assert days == {"ccmr-lupus-lille": "-10", "lupus": "-10"}


def test_semicolon_spreadsheets_cannot_split_a_cell(runner: CliRunner, hostile: Path) -> None:
    """Read with ';' (French Excel), a ','-file's cell holding ';' is still one cell."""
    result = run(runner, "list", "-r", hostile, "-f", "csv", "--as-of", "2024-01-01")
    for row in read_csv(result.stdout, delimiter=";")[1:]:
        assert not any(cell.lstrip().startswith(("=", "+", "-", "@")) for cell in row)


def test_excel_csv(runner: CliRunner, hostile: Path) -> None:
    """--excel: a byte-order mark, ';' between cells, CRLF; Excel's reading matches."""
    result = run(runner, "list", "-r", hostile, "-f", "csv", "--excel", "--as-of", "2024-01-01")
    raw = result.stdout_bytes
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    rows = read_csv(text, delimiter=";")
    assert rows[0][:3] == ["id", "name", "acronym"]
    assert len(rows) == 1 + 4 and text.endswith("\r\n")
    assert run(runner, "list", "-r", hostile, "--excel").exit_code == 2


def test_ids_beside_names(runner: CliRunner, registry: Path) -> None:
    """The list gives network_id and network, erns; expiring gives hospital ids as a list."""
    data = json.loads(run(runner, "list", "-r", registry, "-f", "json").stdout)
    lupus = next(r for r in data if r["id"] == "lupus")
    assert (lupus["network_id"], lupus["network"], lupus["erns"]) == (
        "fai2r",
        "FAI2R",
        ["ern-reconnet"],
    )
    header = read_csv(run(runner, "list", "-r", registry, "-f", "csv").stdout)[0]
    assert {"network_id", "network", "erns", "hospital", "hospital_name"} <= set(header)
    rows = json.loads(run(runner, "expiring", "-r", registry, "-f", "json").stdout)
    lupus = next(r for r in rows if r["id"] == "lupus")
    assert lupus["hospitals"] == ["hopital-pitie-salpetriere", "chu-reims"]
    assert lupus["hospital_names"] == ["Hôpital Pitié-Salpêtrière", "CHU de Reims"]


def test_every_table_command_offers_json_and_csv(runner: CliRunner, registry: Path) -> None:
    """The show and compare commands too."""
    shown = read_csv(run(runner, "show", "lupus", "-r", registry, "-f", "csv").stdout)
    assert shown[0] == ["field", "value"]
    fields = {r[0]: r[1] for r in shown[1:]}
    assert fields["id"] == "lupus"
    assert fields["sites[0].hospital"] == "hopital-pitie-salpetriere"
    assert fields["sources[0].document"] == "page.txt"
    other = registry.parent / "other"
    shutil.copytree(registry, other)
    (other / "centres" / "cracmo.yaml").unlink()
    compared = run(runner, "compare", str(other), "-r", registry, "-f", "csv")
    assert compared.exit_code == 0, compared.output
    assert read_csv(compared.stdout) == [
        ["section", "event", "id", "detail", "change", "kind", "field", "old", "new"],
        ["events", "new centre", "cracmo", "crmr", "", "", "", "", ""],
        ["entities", "", "cracmo", "", "added", "centre", "", "", ""],
    ]
    for command in (["list"], ["report"], ["expiring"], ["show", "lupus"]):
        out = run(runner, *command, "-r", registry, "-f", "json")
        assert out.exit_code == 0 and json.loads(out.stdout) is not None


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_neutralises_mentions_and_controls(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """@team and HTML in data do not notify or render; control characters do not drive."""
    from rarereg.render.safe import markdown

    base_data["hospitals"]["chu-lille"]["name"] = "CHU @octo-org/admins <b>x</b>"
    registry = make_registry(base_data)
    result = run(runner, "report", "-r", registry, "--by", "hospital", "-f", "markdown")
    assert "@octo" not in result.stdout
    assert "| chu-lille | CHU @&#8203;octo-org/admins &lt;b&gt;x&lt;/b&gt; |" in result.stdout
    assert markdown("a\x1b[31m\u202eb\nc") == r"a\\x1b\[31m\\u202eb c"


# --- iCalendar --------------------------------------------------------------------------------


def calendar(runner: CliRunner, registry: Path, *args: str, **env: str) -> icalendar.Calendar:
    """The calendar of `expiring`, parsed by the icalendar library."""
    result = runner.invoke(
        APP, ["expiring", "-r", str(registry), "-f", "ics", *args], env=env or None
    )
    assert result.exit_code == 0, result.output
    return icalendar.Calendar.from_ical(result.stdout_bytes)


def test_ics_uid_stays_when_the_end_date_moves(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """Correcting an end date updates the event on re-import instead of adding one."""
    registry = make_registry(base_data)
    before = {
        str(e["UID"]): e.decoded("DTSTART") for e in calendar(runner, registry).walk("VEVENT")
    }
    campaign = registry / "campaigns" / "campaign-2023.yaml"
    campaign.write_text(campaign.read_text().replace("2027-12-31", "2028-06-30"))
    after = {str(e["UID"]): e.decoded("DTSTART") for e in calendar(runner, registry).walk("VEVENT")}
    assert (
        set(before)
        == set(after)
        == {
            "label-end-lupus@rarereg",
            "label-end-ccmr-lupus-lille@rarereg",
        }
    )
    assert set(after.values()) == {dt.date(2028, 6, 30)}


def test_ics_dtstamp_is_reproducible(runner: CliRunner, registry: Path) -> None:
    """DTSTAMP is when the file is made, or SOURCE_DATE_EPOCH."""
    cal = calendar(runner, registry, SOURCE_DATE_EPOCH="1767225600")
    stamps = {e.decoded("DTSTAMP") for e in cal.walk("VEVENT")}
    assert stamps == {dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
    now = dt.datetime.now(dt.UTC)
    fresh = {e.decoded("DTSTAMP") for e in calendar(runner, registry).walk("VEVENT")}
    assert all(abs((s - now).total_seconds()) < 3600 for s in fresh)


def test_ics_reminder(runner: CliRunner, registry: Path) -> None:
    """--remind 6m: a display alarm six calendar months before each end."""
    cal = calendar(runner, registry, "--remind", "6m")
    for event in cal.walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert event.decoded("DTSTART") + alarm.decoded("TRIGGER") == dt.date(2027, 6, 30)
    assert run(runner, "expiring", "-r", registry, "--remind", "6m").exit_code == 2


def test_ics_empty_and_year_9999(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """No label: still a calendar; a label ending 9999-12-31: no crash."""
    registry = make_registry(base_data)
    empty = calendar(runner, registry, "--year", "2031")
    assert empty.name == "VCALENDAR" and list(empty.walk("VEVENT")) == []
    base_data["campaigns"]["campaign-2023"]["end"] = "9999-12-31"
    far = calendar(runner, make_registry(base_data), "--remind", "1y")
    assert {e.decoded("DTSTART") for e in far.walk("VEVENT")} == {dt.date(9999, 12, 31)}


# --- Files written with -o --------------------------------------------------------------------


def test_output_file_gets_the_umask(runner: CliRunner, registry: Path, tmp_path: Path) -> None:
    """A new file is 0644 under umask 022, 0640 under 027; an existing one keeps its mode."""
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.json"
        run(runner, "list", "-r", registry, "-f", "json", "-o", target)
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        os.umask(0o027)
        other = tmp_path / "other.json"
        run(runner, "list", "-r", registry, "-f", "json", "-o", other)
        assert stat.S_IMODE(other.stat().st_mode) == 0o640
        target.chmod(0o600)
        run(runner, "list", "-r", registry, "-f", "json", "-o", target)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_output_never_replaces_a_device_fifo_or_link(tmp_path: Path) -> None:
    """/dev/null stays a device, a FIFO a FIFO (read by its reader), a link a link."""
    write_atomic(Path("/dev/null"), "x\n")
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(10)
    assert got == ["through the pipe\n"] and stat.S_ISFIFO(fifo.lstat().st_mode)
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_no_temporary_file_left_on_failure(
    runner: CliRunner, registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails: exit 2, one line, the folder as it was."""
    folder = tmp_path / "out"
    folder.mkdir()

    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = run(runner, "list", "-r", registry, "-f", "csv", "-o", folder / "x.csv")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"rarereg: error: cannot write {folder / 'x.csv'}: No space left on device\n"
    )
    assert list(folder.iterdir()) == []
