"""`rarereg list` and `rarereg show`: filters, formats, suggestions, exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from rarereg import query
from rarereg.model import load_registry
from tests.helpers import run

Data = dict[str, dict[str, dict[str, Any]]]


def rows(runner: CliRunner, registry: Path, *args: str) -> list[dict[str, Any]]:
    """Rows of `list` as JSON."""
    result = run(runner, "list", *args, "--registry", registry, "--format", "json")
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(
    "name", ["CHU Lille", "chu de lille", "CHRU de Lille", "chu-lille", "CHU DE LILLE", "Lille"]
)
def test_hospital_matches_id_name_alias_ignoring_case(
    runner: CliRunner, registry: Path, name: str
) -> None:
    """Any way people name CHU de Lille finds its centres, its sites included."""
    found = rows(runner, registry, "--hospital", name)
    assert {(r["id"], r["hospital"]) for r in found} == {
        ("cracmo", "chu-lille"),
        ("ccmr-lupus-lille", "hopital-jeanne-de-flandre"),
    }


def test_accents_are_ignored(runner: CliRunner, registry: Path) -> None:
    """'pitie salpetriere' matches 'Hôpital Pitié-Salpêtrière'."""
    found = rows(runner, registry, "--hospital", "hopital pitie salpetriere")
    assert [r["id"] for r in found] == ["lupus"]


def test_legal_entity_includes_its_sites(runner: CliRunner, registry: Path) -> None:
    """AP-HP's centres include those at Pitié-Salpêtrière."""
    found = rows(runner, registry, "--hospital", "AP-HP")
    assert [(r["id"], r["hospital"], r["legal_entity"]) for r in found] == [
        ("lupus", "hopital-pitie-salpetriere", "ap-hp")
    ]


def test_unknown_hospital_exits_two_with_suggestion(runner: CliRunner, registry: Path) -> None:
    """A misspelt hospital: exit 2, nothing on stdout, the closest names on stderr."""
    result = run(runner, "list", "--hospital", "CHU Lile", "--registry", registry)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no hospital matches 'CHU Lile'; did you mean: CHU de Lille (chu-lille)" in result.stderr


def test_one_row_per_site(runner: CliRunner, registry: Path) -> None:
    """A crmr with two sites gives two rows, each with its role."""
    found = [r for r in rows(runner, registry) if r["id"] == "lupus"]
    assert [(r["hospital"], r["role"]) for r in found] == [
        ("hopital-pitie-salpetriere", "coordinating"),
        ("chu-reims", "constitutive"),
    ]


def test_filters_combine(runner: CliRunner, registry: Path) -> None:
    """--network and --kind narrow together; --region uses the site's (or parent's) region."""
    assert {r["id"] for r in rows(runner, registry, "--network", "FAI2R", "--kind", "ccmr")} == {
        "ccmr-lupus-lille"
    }
    assert {r["hospital"] for r in rows(runner, registry, "--region", "hauts-de-france")} == {
        "chu-lille",
        "hopital-jeanne-de-flandre",
    }
    assert {r["hospital"] for r in rows(runner, registry, "--city", "reims")} == {"chu-reims"}
    assert {r["id"] for r in rows(runner, registry, "--ern", "ERN ReCONNECT")} == {"lupus"}
    assert {r["id"] for r in rows(runner, registry, "--search", "oesophage")} == {"cracmo"}
    assert rows(runner, registry, "--network", "fimatho", "--hospital", "CHU de Reims") == []


def test_unknown_region_and_kind_exit_two(runner: CliRunner, registry: Path) -> None:
    """Values from a fixed list are checked, with suggestions."""
    region = run(runner, "list", "--region", "Haut de France", "-r", registry)
    assert region.exit_code == 2 and "Hauts-de-France" in region.stderr
    kind = run(runner, "list", "--kind", "crm", "-r", registry)
    assert kind.exit_code == 2 and "crmr" in kind.stderr


def test_filter_that_does_not_apply_is_refused(runner: CliRunner, registry: Path) -> None:
    """`list hospitals --network X` is an error, not a silent no-op."""
    result = run(runner, "list", "hospitals", "--network", "fai2r", "-r", registry)
    assert result.exit_code == 2
    assert "--network does not apply to 'list hospitals'" in result.stderr


def test_csv_has_header_and_stable_columns(runner: CliRunner, registry: Path) -> None:
    """CSV output: a header with every column, one row per centre and site."""
    result = run(runner, "list", "-r", registry, "-f", "csv")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(table[0]) == query.CENTRE_COLUMNS
    assert len(table) == 4
    assert {r["label_end"] for r in table if r["id"] == "lupus"} == {"2027-12-31"}


def test_table_output_and_empty_result(runner: CliRunner, registry: Path) -> None:
    """The table names the centres; an empty result says so on stderr and exits 0."""
    table = run(runner, "list", "-r", registry)
    assert table.exit_code == 0 and "cracmo" in table.stdout
    empty = run(runner, "list", "--kind", "crc", "-r", registry)
    assert empty.exit_code == 0 and empty.stdout == "" and "No centres match" in empty.stderr


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        (
            "hospitals",
            {
                "chu-lille",
                "hopital-jeanne-de-flandre",
                "ap-hp",
                "hopital-pitie-salpetriere",
                "chu-reims",
            },
        ),
        ("networks", {"fai2r", "fimatho", "ern-reconnet"}),
        ("campaigns", {"campaign-2023"}),
    ],
)
def test_other_lists(runner: CliRunner, registry: Path, what: str, expected: set[str]) -> None:
    """Hospitals, networks and campaigns are listed too."""
    assert {r["id"] for r in rows(runner, registry, what)} == expected


def test_list_hospitals_of_a_legal_entity(runner: CliRunner, registry: Path) -> None:
    """`list hospitals --hospital AP-HP` gives the entity and its sites."""
    found = rows(runner, registry, "hospitals", "--hospital", "AP-HP")
    assert {r["id"] for r in found} == {"ap-hp", "hopital-pitie-salpetriere"}
    assert {r["region"] for r in found} == {"Île-de-France"}


def test_invalid_files_are_left_out_with_a_warning(runner: CliRunner, registry: Path) -> None:
    """A broken file does not stop queries; stderr says it was left out."""
    (registry / "centres" / "broken.yaml").write_text("id: [\n")
    result = run(runner, "list", "-r", registry, "-f", "json")
    assert result.exit_code == 0
    assert "1 file with errors left out" in result.stderr
    assert json.loads(result.stdout)


def test_show_crmr_lists_sites_and_competence_centres(runner: CliRunner, registry: Path) -> None:
    """`show` of a crmr gives its sites, label dates and competence centres."""
    result = run(runner, "show", "lupus", "-r", registry, "-f", "json")
    view = json.loads(result.stdout)
    assert view["type"] == "centre" and view["label_end"] == "2027-12-31"
    assert [c["id"] for c in view["competence_centres"]] == ["ccmr-lupus-lille"]
    assert view["sites"][1]["hospital_name"] == "CHU de Reims"
    assert view["file"].endswith("centres/lupus.yaml")


def test_show_hospital_lists_sites_centres_networks(runner: CliRunner, registry: Path) -> None:
    """`show` of a legal entity gives its sites, the centres there and the networks it hosts."""
    view = json.loads(run(runner, "show", "chu-lille", "-r", registry, "-f", "json").stdout)
    assert [s["id"] for s in view["sites"]] == ["hopital-jeanne-de-flandre"]
    assert {c["id"] for c in view["centres"]} == {"cracmo", "ccmr-lupus-lille"}
    assert set(view["hosted_networks"]) == {"fai2r", "fimatho"}


def test_show_network_and_ern(runner: CliRunner, registry: Path) -> None:
    """A filière shows its centres; an ERN its filières and centres."""
    fai2r = json.loads(run(runner, "show", "fai2r", "-r", registry, "-f", "json").stdout)
    assert {c["id"] for c in fai2r["centres"]} == {"lupus", "ccmr-lupus-lille"}
    ern = json.loads(run(runner, "show", "ern-reconnet", "-r", registry, "-f", "json").stdout)
    assert ern["filieres"] == ["fai2r"] and [c["id"] for c in ern["centres"]] == ["lupus"]


def test_show_table_escapes_markup(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """A name holding Rich markup or an escape sequence prints as text."""
    base_data["hospitals"]["chu-reims"]["name"] = "[red]CHU[/red] \x1b[31mReims"
    registry = make_registry(base_data)
    # validate refuses the escape (control-character); lowered, the file reaches queries.
    (registry / "rarereg.toml").write_text('[rules]\ncontrol-character = "warning"\n')
    result = run(runner, "show", "chu-reims", "-r", registry)
    assert "[red]CHU[/red] \\x1b[31mReims" in result.stdout


def test_show_unknown_id_suggests(runner: CliRunner, registry: Path) -> None:
    """An unknown id: exit 2, the closest ids on stderr."""
    result = run(runner, "show", "chu-lile", "-r", registry)
    assert result.exit_code == 2
    assert "did you mean: chu-lille" in result.stderr


def test_show_by_name_points_to_id(runner: CliRunner, registry: Path) -> None:
    """A name instead of an id is answered with the id to use."""
    result = run(runner, "show", "CHU de Lille", "-r", registry)
    assert result.exit_code == 2 and "chu-lille" in result.stderr


def test_core_rows_match_cli(registry: Path) -> None:
    """The core answers the same question without the CLI."""
    reg = load_registry(registry, registry.parent)
    found = query.list_rows(reg, "centres", query.Filters(hospital=["CHU Lille"]))
    assert {r["id"] for r in found} == {"cracmo", "ccmr-lupus-lille"}


def test_normalise() -> None:
    """Accents, case, punctuation and linking words do not matter."""
    assert query.normalise("CHU de Lille") == query.normalise("chu   lille")
    assert query.normalise("Hôpital Pitié-Salpêtrière") == "hopital pitie salpetriere"


def test_one_id_named_by_files_of_two_kinds(runner: CliRunner, registry: Path) -> None:
    """hospitals/cracmo.yaml and centres/cracmo.yaml: both duplicate-id, neither serves queries.

    Neither is the impostor (each is named after the id), so the order of kinds decides nothing.
    """
    (registry / "hospitals" / "cracmo.yaml").write_text(
        "id: cracmo\nname: Hôpital Cracmo\nsources:\n- document: page.txt\n"
    )
    result = run(runner, "validate", "-r", registry, "-f", "json")
    assert result.exit_code == 1
    found = [
        (f["path"], f["line"], f["col"], f["code"], f["message"])
        for f in json.loads(result.stdout)["findings"]
    ]
    hospital, centre = (str(registry / k / "cracmo.yaml") for k in ("hospitals", "centres"))
    also = "ids are unique across the registry, so neither file is used: rename all but one"
    assert found == [
        (centre, 1, 5, "duplicate-id", f"id 'cracmo' is also used by {hospital}; {also}"),
        (hospital, 1, 5, "duplicate-id", f"id 'cracmo' is also used by {centre}; {also}"),
    ]
    shown = run(runner, "show", "cracmo", "-r", registry)
    assert (shown.exit_code, shown.stdout) == (2, "")
    assert shown.stderr == (
        f"rarereg: warning: 2 files with errors left out (first: {hospital}); "
        "run 'rarereg validate'\n"
        f"rarereg: error: 'cracmo' is left out of queries ({hospital}, {centre}): its file has "
        "errors or points to one left out; run 'rarereg validate'\n"
    )
    listed = run(runner, "list", "-r", registry, "-f", "json")
    assert "cracmo" not in {r["id"] for r in json.loads(listed.stdout)}
    hospitals = run(runner, "list", "hospitals", "-r", registry, "-f", "json")
    assert "cracmo" not in {r["id"] for r in json.loads(hospitals.stdout)}


def test_centres_pointing_at_a_file_left_out_are_left_out(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """A hospital that fails takes the centres sited there (and their ccmr) out of every query."""
    base_data["centres"]["cracmo"]["label"] = {"campaign": "campaign-2023"}
    registry = make_registry(base_data)
    reims = registry / "hospitals" / "chu-reims.yaml"
    reims.write_text(reims.read_text() + "citty: Reims\n")
    shown = [str(registry / p) for p in ("hospitals/chu-reims.yaml",)]
    warning = (
        f"rarereg: warning: 3 files with errors left out (first: {shown[0]}); "
        "run 'rarereg validate'\n"
    )
    listed = run(runner, "list", "-r", registry, "-f", "json")
    assert (listed.exit_code, listed.stderr) == (0, warning)
    assert [r["id"] for r in json.loads(listed.stdout)] == ["cracmo"]
    lupus = run(runner, "show", "lupus", "-r", registry)
    assert (lupus.exit_code, lupus.stdout) == (2, "")
    assert lupus.stderr == warning + (
        f"rarereg: error: 'lupus' is left out of queries ({registry / 'centres' / 'lupus.yaml'}): "
        "its file has errors or points to one left out; run 'rarereg validate'\n"
    )
    lille = json.loads(run(runner, "show", "chu-lille", "-r", registry, "-f", "json").stdout)
    assert [c["id"] for c in lille["centres"]] == ["cracmo"]
    report = run(runner, "report", "--by", "kind", "-r", registry, "-f", "json")
    assert (report.exit_code, report.stderr) == (0, warning)
    counts = {row["kind"]: row["centres"] for row in json.loads(report.stdout)["kind"]}
    assert counts == {"crmr": 1, "ccmr": 0, "crc": 0, "platform": 0}
    expiring = run(runner, "expiring", "-r", registry, "-f", "json", "--include-expired")
    assert (expiring.exit_code, expiring.stderr) == (
        0,
        warning + "0 of 1 labels have no known end date (0 with reported ends that disagree, 0 with"
        " a reported end, 0 with none); 0 centres have no current label on record\n",
    )
    assert [r["id"] for r in json.loads(expiring.stdout)] == ["cracmo"]
    export = run(runner, "export", "json", "-r", registry)
    assert (export.exit_code, export.stderr) == (0, warning)
    exported = json.loads(export.stdout)
    text = json.dumps(exported)
    assert "chu-reims" not in text and "lupus" not in text, text[:2000]


_NAME = st.lists(
    st.sampled_from([*"abcDE é-'Œœ0", " de ", " la ", "Lille", "CHU", "Hôpital"]), max_size=6
).map("".join)


@given(names=st.lists(st.tuples(_NAME, st.lists(_NAME, max_size=2)), max_size=6), query=_NAME)
def test_hospital_names_match_as_when_every_name_is_normalised(
    names: list[tuple[str, list[str]]], query: str
) -> None:
    """Skipping names that cannot hold the query's words changes no answer (nor any error)."""
    from rarereg import query as q
    from rarereg.model import Hospital

    hospitals = [
        Hospital(f"h-{i}", name, tuple(aliases), None, None, None, None, {})
        for i, (name, aliases) in enumerate(names)
    ]

    def every_name_normalised() -> list[str]:
        wanted = q.normalise(query)
        if not wanted:
            raise q.QueryError("empty hospital name")
        exact = [h.id for h in hospitals if any(q.normalise(n) == wanted for n in q._names(h))]
        if exact:
            return exact
        words = set(wanted.split())
        partial = [
            h.id
            for h in hospitals
            if any(words <= set(q.normalise(n).split()) for n in q._names(h))
        ]
        if partial:
            return partial
        raise q.QueryError(q._unknown_message("hospital", query, hospitals))

    def outcome(find: Any) -> Any:
        try:
            return find()
        except q.QueryError as exc:
            return str(exc)

    assert outcome(lambda: q.match_names(query, hospitals, "hospital")) == outcome(
        every_name_normalised
    )
