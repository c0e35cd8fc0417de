"""`rarereg validate`: every rule, reported with file, line, column and code; exit 0/1/2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rarereg.validate import validate
from tests.helpers import run

Data = dict[str, dict[str, dict[str, Any]]]


def findings_for(registry: Path) -> list[dict[str, Any]]:
    """Findings of a core validation run, as dicts."""
    return [f.as_dict() for f in validate(registry, registry.parent).findings]


def codes_for(registry: Path) -> set[str]:
    """The set of finding codes for a registry."""
    return {f["code"] for f in findings_for(registry)}


def test_valid_registry_exits_zero(runner: CliRunner, registry: Path) -> None:
    """A clean registry: exit 0 and an 'ok' summary."""
    result = run(runner, "validate", "--registry", registry)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 12 files checked, no problems")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d["centres"]["lupus"].update(nmae="x"), "schema"),
        (lambda d: d["centres"]["lupus"].pop("sources"), "schema"),
        (lambda d: d["centres"]["lupus"].update(sources=[]), "schema"),
        (lambda d: d["centres"]["lupus"].update(kind="crmrr"), "schema"),
        (lambda d: d["hospitals"]["chu-lille"].update(finess="590780194"), "finess-key"),
        (lambda d: d["hospitals"]["chu-lille"].update(finess=590780193), "schema"),
        (lambda d: d["hospitals"]["chu-lille"].update(region="Nord"), "schema"),
        (lambda d: d["hospitals"]["chu-reims"].update(finess="590780193"), "duplicate-finess"),
        (lambda d: d["centres"]["lupus"].update(id="lupus-2"), "id-mismatch"),
        (lambda d: d["centres"]["lupus"].update(network="fai2"), "unknown-reference"),
        (lambda d: d["centres"]["lupus"].update(network="ern-reconnet"), "reference-kind"),
        (lambda d: d["centres"]["lupus"].update(erns=["fai2r"]), "reference-kind"),
        (
            lambda d: d["centres"]["lupus"]["sites"][0].update(hospital="chu-lile"),
            "unknown-reference",
        ),
        (lambda d: d["centres"]["lupus"]["sites"][0].update(hospital="fai2r"), "reference-kind"),
        (
            lambda d: d["centres"]["lupus"]["label"].update(campaign="campaign-2017"),
            "unknown-reference",
        ),
        (
            lambda d: d["centres"]["ccmr-lupus-lille"].update(reference_centre="ccmr-lupus-lille"),
            "reference-kind",
        ),
        (lambda d: d["centres"]["cracmo"].update(reference_centre="lupus"), "reference-kind"),
        (lambda d: d["hospitals"]["chu-lille"].update(parent="nowhere"), "unknown-reference"),
        (lambda d: d["hospitals"]["chu-lille"].update(parent="chu-lille"), "reference-cycle"),
        (
            lambda d: d["hospitals"]["ap-hp"].update(parent="hopital-pitie-salpetriere"),
            "reference-cycle",
        ),
        (lambda d: d["networks"]["fai2r"].update(host="fimatho"), "reference-kind"),
        (lambda d: d["networks"]["ern-reconnet"].update(erns=["ern-reconnet"]), "reference-kind"),
        (lambda d: d["campaigns"]["campaign-2023"].update(end="2022-12-31"), "label-dates"),
        (lambda d: d["campaigns"]["campaign-2023"].update(end="2027-02-30"), "invalid-date"),
        (lambda d: d["campaigns"]["campaign-2023"].update(end="31/12/2027"), "schema"),
        (lambda d: d["centres"]["lupus"]["sites"][1].update(role="coordinating"), "site-roles"),
        (lambda d: d["centres"]["lupus"]["sites"][0].update(role="constitutive"), "site-roles"),
        (lambda d: d["centres"]["lupus"]["sites"][0].update(role="competence"), "site-roles"),
        (
            lambda d: d["centres"]["ccmr-lupus-lille"]["sites"].append(
                {"hospital": "chu-reims", "role": "competence"}
            ),
            "site-roles",
        ),
        (
            lambda d: d["centres"]["ccmr-lupus-lille"]["sites"][0].update(role="coordinating"),
            "site-roles",
        ),
        (
            lambda d: d["centres"]["lupus"]["sources"].append({"document": "missing.txt"}),
            "unknown-source",
        ),
        (lambda d: d["centres"]["lupus"]["sources"].append({"url": "https://x.example"}), "schema"),
    ],
)
def test_each_rule_gives_its_code(
    make_registry: Callable[[Data], Path],
    base_data: Data,
    change: Callable[[Data], None],
    code: str,
) -> None:
    """Breaking one rule yields an error with that rule's code."""
    change(base_data)
    assert code in codes_for(make_registry(base_data))


def test_same_id_in_two_folders(make_registry: Callable[[Data], Path], base_data: Data) -> None:
    """Ids are unique across the registry, not only within a folder."""
    base_data["networks"]["lupus"] = dict(base_data["networks"]["fai2r"], id="lupus")
    assert "duplicate-id" in codes_for(make_registry(base_data))


def test_label_override_of_other_length_warns_unless_explained(
    make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """Own label dates not five years long: a warning, silenced by label.note."""
    base_data["centres"]["lupus"]["label"]["end"] = "2025-12-31"
    found = findings_for(make_registry(base_data))
    assert [(f["code"], f["severity"]) for f in found] == [("label-duration", "warning")]
    base_data["centres"]["lupus"]["label"]["note"] = "Extended by the arrêté of ..."
    assert findings_for(make_registry(base_data)) == []


def test_label_start_after_end_on_a_centre(
    make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """A centre's own start after its campaign's end is a label-dates error."""
    base_data["centres"]["lupus"]["label"]["start"] = "2028-01-01"
    assert "label-dates" in codes_for(make_registry(base_data))


def test_crmr_with_only_partial_sites_may_lack_a_coordinating_site(
    make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """`sites_incomplete: true` allows a crmr known only by its constitutive sites."""
    centre = base_data["centres"]["lupus"]
    centre["sites"] = [{"hospital": "chu-reims", "role": "constitutive"}]
    assert "site-roles" in codes_for(make_registry(base_data))
    centre["sites_incomplete"] = True
    assert codes_for(make_registry(base_data)) == set()


def test_finding_points_at_line_and_column(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """An unknown hospital in a site is reported where its value stands, with a suggestion."""
    base_data["centres"]["lupus"]["sites"][0]["hospital"] = "hopital-pitie-salpetrier"
    registry = make_registry(base_data)
    result = run(runner, "validate", "--registry", registry)
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    assert line.endswith(
        "centres/lupus.yaml:10:13: error[unknown-reference] sites[0].hospital: "
        "no hospital 'hopital-pitie-salpetrier'; did you mean "
        "'hopital-pitie-salpetriere'?"
    )


def test_unknown_field_points_at_key_and_suggests(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """A typo in a key is an error at the key, with the closest allowed key."""
    base_data["hospitals"]["chu-reims"]["citty"] = "Reims"
    result = run(runner, "validate", "--registry", make_registry(base_data))
    assert result.exit_code == 1
    assert (
        "chu-reims.yaml:7:1: error[schema] unknown field 'citty' (did you mean 'city'?)"
        in result.stdout
    )


def test_unquoted_finess_says_quote_it(runner: CliRunner, registry: Path) -> None:
    """An unquoted FINESS number is a schema error that tells how to fix it."""
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_text(path.read_text() + "finess: 510000029\n")
    result = run(runner, "validate", "--registry", registry)
    assert "finess: expected text, got a number 510000029; quote it: '510000029'" in result.stdout


def test_all_problems_reported_in_one_run(runner: CliRunner, registry: Path) -> None:
    """Broken YAML in one file does not hide problems in others."""
    (registry / "centres" / "broken.yaml").write_text("id: broken\nname: [unclosed\n")
    (registry / "hospitals" / "dup.yaml").write_text(
        "id: dup\nname: A\nname: B\nsources: [{document: page.txt}]\n"
    )
    result = run(runner, "validate", "--registry", registry, "--format", "json")
    payload = json.loads(result.stdout)
    assert {f["code"] for f in payload["findings"]} == {"yaml-syntax", "duplicate-key"}
    assert payload["errors"] == 2 and payload["ok"] is False
    assert result.exit_code == 1


def test_warnings_pass_unless_strict(runner: CliRunner, registry: Path) -> None:
    """Warnings alone exit 0; --strict makes them fail."""
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(runner, "validate", "--registry", registry).exit_code == 0
    strict = run(runner, "validate", "--registry", registry, "--strict")
    assert strict.exit_code == 1
    assert "warning[bom]" in strict.stdout


def test_github_format(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """GitHub annotations name file, line and column; the summary goes to stderr."""
    base_data["hospitals"]["chu-lille"]["finess"] = "590780194"
    result = run(runner, "validate", "--registry", make_registry(base_data), "-f", "github")
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("::error file=")
    assert (
        "hospitals/chu-lille.yaml,line=7,col=9,title=rarereg finess-key::FINESS 590780194" in line
    )
    assert "1 error" in result.stderr


def test_json_format_has_stable_keys(runner: CliRunner, registry: Path) -> None:
    """JSON output: summary counts and findings with fixed keys."""
    (registry / "hospitals" / "chu-reims.yaml").write_text("id: chu-reims\n")
    payload = json.loads(run(runner, "validate", "-r", registry, "-f", "json").stdout)
    assert set(payload) == {"registry", "files", "errors", "warnings", "ok", "findings"}
    assert set(payload["findings"][0]) == {"path", "line", "col", "severity", "code", "message"}


def test_paths_limit_the_report_but_resolve_references(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """Naming one file reports only its findings; its references still resolve."""
    base_data["hospitals"]["chu-reims"]["finess"] = "123"
    registry = make_registry(base_data)
    clean = run(runner, "validate", registry / "centres" / "lupus.yaml")
    assert clean.exit_code == 0, clean.output
    dirty = run(runner, "validate", registry / "hospitals" / "chu-reims.yaml")
    assert dirty.exit_code == 1


def test_no_registry_exits_two(runner: CliRunner, tmp_path: Path) -> None:
    """A --registry that is not a registry is a usage error."""
    result = run(runner, "validate", "--registry", tmp_path)
    assert result.exit_code == 2
    assert "not a registry" in result.stderr
    missing = run(runner, "validate", "--registry", tmp_path / "nope")
    assert missing.exit_code == 2 and "no such folder" in missing.stderr


def test_bad_option_exits_two(runner: CliRunner, registry: Path) -> None:
    """An unknown format is a usage error, exit 2, without a traceback."""
    result = run(runner, "validate", "-r", registry, "--format", "xml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_missing_path_exits_two(runner: CliRunner, registry: Path) -> None:
    """A path that does not exist is named in a one-line error."""
    result = run(runner, "validate", registry / "centres" / "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml: no such file or folder" in result.stderr


def test_yml_extension_and_stray_files(runner: CliRunner, registry: Path) -> None:
    """A .yml file is an error; a YAML file outside the kind folders a warning."""
    (registry / "centres" / "x.yml").write_text("id: x\n")
    (registry / "stray.yaml").write_text("id: stray\n")
    codes = codes_for(registry)
    assert {"file-name", "unknown-file"} <= codes


def test_environment_variable_selects_registry(
    runner: CliRunner, registry: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """RAREREG_REGISTRY is used when --registry is not given."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        __import__("rarereg.cli").cli.app, ["validate"], env={"RAREREG_REGISTRY": str(registry)}
    )
    assert result.exit_code == 0
    assert "12 files" in result.stdout


def test_nearest_registry_folder_is_found(
    runner: CliRunner, registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From inside a registry's sub-folder, that registry is used."""
    monkeypatch.chdir(registry / "centres")
    result = run(runner, "validate")
    assert result.exit_code == 0 and "12 files" in result.stdout


def test_unreadable_file_does_not_cascade(
    make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """References to a file that fails to parse are not reported as unknown."""
    registry = make_registry(base_data)
    (registry / "hospitals" / "chu-lille.yaml").write_text("id: chu-lille\nname: [\n")
    assert codes_for(registry) == {"yaml-syntax"}
