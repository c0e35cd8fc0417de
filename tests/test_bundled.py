"""The registry shipped with rarereg: valid, sourced, and answering the README's questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rarereg.loader import bundled_registry
from rarereg.validate import validate
from tests.helpers import run


@pytest.fixture(autouse=True)
def _outside_any_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty folder so the bundled registry is the one found."""
    monkeypatch.chdir(tmp_path)


def test_bundled_registry_validates_without_errors() -> None:
    """`rarereg validate` passes on the bundled registry."""
    report = validate(bundled_registry(), Path.cwd())
    assert report.errors == 0, [f.as_dict() for f in report.findings]
    assert report.files > 150


def test_cli_falls_back_on_bundled_registry(runner: CliRunner) -> None:
    """With no registry around, the bundled one is used."""
    result = run(runner, "validate")
    assert result.exit_code == 0, result.output


def test_chu_lille_example(runner: CliRunner) -> None:
    """The README's first command answers with CHU de Lille's centres and platform."""
    result = run(runner, "list", "--hospital", "CHU Lille", "--format", "json")
    ids = {r["id"] for r in json.loads(result.stdout)}
    assert {"plemara", "cracmo", "ccmr-cardiomyopathies-lille"} <= ids


def test_reconnect_spelling_is_an_alias(runner: CliRunner) -> None:
    """The lupus page's 'ERN ReCONNECT' finds ERN ReCONNET."""
    result = run(runner, "list", "--ern", "ERN ReCONNECT", "--format", "json")
    assert {r["id"] for r in json.loads(result.stdout)} == {"lupus-saph"}


def test_all_23_filieres_and_24_erns(runner: CliRunner) -> None:
    """The networks are complete."""
    found = json.loads(run(runner, "list", "networks", "--format", "json").stdout)
    kinds = [r["kind"] for r in found]
    assert kinds.count("fsmr") == 23 and kinds.count("ern") == 24


def test_every_file_cites_a_source() -> None:
    """Every registry file says where its facts come from."""
    for path in bundled_registry().rglob("*.yaml"):
        assert "\nsources:\n" in path.read_text(encoding="utf-8"), path


def test_chu_lille_has_at_least_ten_centres(runner: CliRunner) -> None:
    """CHU de Lille's centres: at least ten of those it publishes, its sites included."""
    result = run(runner, "list", "--hospital", "CHU Lille", "--format", "json")
    ids = {r["id"] for r in json.loads(result.stdout)}
    assert len(ids) >= 10
    assert {"crmw", "mardi", "hernie-coupole-diaphragmatique"} <= ids


def test_aoc_is_one_crmr_coordinated_from_bordeaux(runner: CliRunner) -> None:
    """One AOC centre: Bordeaux coordinating, Nantes and Toulouse sites without a stated role."""
    view = json.loads(run(runner, "show", "neuromusculaire-aoc", "--format", "json").stdout)
    sites = {s["hospital"]: s.get("role") for s in view["sites"]}
    assert sites == {"chu-bordeaux": "coordinating", "chu-nantes": None, "chu-toulouse": None}
    found = run(runner, "show", "neuromusculaire-aoc-toulouse")
    assert found.exit_code == 2


def test_2023_label_ends_are_disputed_not_invented() -> None:
    """The 2023 campaign has no end date; its reported ends disagree and stay recorded."""
    from rarereg import labels
    from rarereg.model import load_registry

    reg = load_registry(bundled_registry(), Path.cwd())
    assert reg.campaigns["campaign-2023"].end is None
    cert = labels.end_certainty(reg, reg.centres["orphalung"])
    assert (cert.certainty, cert.years) == ("disputed", (2027, 2028))


def test_the_2017_campaign_labelled_centres(runner: CliRunner) -> None:
    """History has an answer: the 2017 campaign lists the centres its sources attach to it."""
    view = json.loads(run(runner, "show", "campaign-2017", "--format", "json").stdout)
    assert len(view["centres"]) >= 50
