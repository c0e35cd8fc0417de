"""`rarereg new`: valid files from field values, checked before writing, never overwriting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rarereg.authoring import new
from rarereg.authoring.files import AuthoringError, slugify
from rarereg.model import load_registry
from tests.helpers import run


@pytest.fixture(autouse=True)
def _in_registry(registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each command from the folder holding the registry, as maintainers do."""
    monkeypatch.chdir(registry.parent)


def test_new_hospital_is_written_in_canonical_form(runner: CliRunner, registry: Path) -> None:
    """The id comes from the name; the region is matched; the file is exactly this."""
    result = run(
        runner,
        "new",
        "hospital",
        "--name",
        "CHU de Nîmes",
        "--city",
        "Nîmes",
        "--region",
        "occitanie",
        "--finess",
        "300780038",
        "--source",
        "https://www.chu-nimes.fr/",
        "--retrieved",
        "2026-11-20",
        "--no-input",
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == "created registry/hospitals/chu-nimes.yaml\n"
    assert (registry / "hospitals" / "chu-nimes.yaml").read_text(encoding="utf-8") == (
        "id: chu-nimes\nname: CHU de Nîmes\ncity: Nîmes\nregion: Occitanie\n"
        "finess: '300780038'\nsources:\n- url: https://www.chu-nimes.fr/\n"
        "  retrieved: '2026-11-20'\n"
    )
    assert run(runner, "validate").exit_code == 0


def test_new_centre_resolves_names_like_the_filters(runner: CliRunner, registry: Path) -> None:
    """Hospital, filière and campaign by name or alias; sites pair with roles in order."""
    result = run(
        runner,
        "new",
        "centre",
        "--name",
        "Centre de référence des maladies X",
        "--kind",
        "CRMR",
        "--network",
        "FAI2R",
        "--hospital",
        "Pitié-Salpêtrière",
        "--role",
        "coordinating",
        "--hospital",
        "CHU Reims",
        "--campaign",
        "campaign-2023",
        "--source",
        "page.txt",
        "--no-input",
    )
    assert result.exit_code == 0, result.output
    assert (registry / "centres" / "maladies-x.yaml").read_text(encoding="utf-8") == (
        "id: maladies-x\nname: Centre de référence des maladies X\nkind: crmr\nnetwork: fai2r\n"
        "label:\n  campaign: campaign-2023\nsites:\n- hospital: hopital-pitie-salpetriere\n"
        "  role: coordinating\n- hospital: chu-reims\nsources:\n- document: page.txt\n"
    )


def test_dry_run_prints_the_file_and_writes_nothing(runner: CliRunner, registry: Path) -> None:
    """The text on stdout, nothing on disk."""
    result = run(
        runner,
        "new",
        "campaign",
        "--name",
        "Labellisation 2028",
        "--id",
        "campaign-2028",
        "--start",
        "2028-01-01",
        "--end",
        "2032-12-31",
        "--source",
        "page.txt",
        "--no-input",
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "id: campaign-2028\nname: Labellisation 2028\nstart: '2028-01-01'\nend: '2032-12-31'\n"
        "sources:\n- document: page.txt\n"
    )
    assert not (registry / "campaigns" / "campaign-2028.yaml").exists()


HOSPITAL = ["new", "hospital", "--source", "page.txt", "--no-input"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--name", "X", "--id", "../x"],
            "id '../x' is not a safe id: use lowercase letters a-z, digits and single hyphens, "
            "at most 120 characters, like 'chu-lille'",
        ),
        (
            ["--name", "X", "--id", "/etc/passwd"],
            "id '/etc/passwd' is not a safe id: use lowercase letters a-z, digits and single "
            "hyphens, at most 120 characters, like 'chu-lille'",
        ),
        (
            ["--name", "CHU de Lille"],
            "id 'chu-lille' is taken by registry/hospitals/chu-lille.yaml; choose another "
            "with --id",
        ),
        (
            ["--name", "X", "--id", "lupus"],
            "id 'lupus' is taken by registry/centres/lupus.yaml; choose another with --id",
        ),
        (
            ["--name", "X", "--region", "Bretange"],
            "unknown region 'Bretange'; did you mean: Bretagne?",
        ),
        (["--name", "X", "--parent", "Nowhere"], "no hospital matches 'Nowhere'"),
        ([], "a name is needed (--name)"),
        (
            ["--name", "X", "--retrieved", "yesterday"],
            "--retrieved 'yesterday' is not a date; write it YYYY-MM-DD",
        ),
    ],
)
def test_refusals(runner: CliRunner, registry: Path, args: list[str], message: str) -> None:
    """Each refusal is one line, exit 2, and nothing is written."""
    before = sorted(registry.rglob("*"))
    result = run(runner, *HOSPITAL, *args)
    assert result.exit_code == 2
    assert result.stderr == f"rarereg: error: {message}\n"
    assert sorted(registry.rglob("*")) == before


def test_a_file_that_exists_is_never_overwritten(runner: CliRunner, registry: Path) -> None:
    """Even a file the registry could not read (so its id is not known) keeps its name."""
    broken = registry / "networks" / "chu-nantes.yaml"
    broken.write_text("id: [\n", encoding="utf-8")
    result = run(runner, *HOSPITAL, "--name", "CHU de Nantes")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "rarereg: error: registry/networks/chu-nantes.yaml exists; choose another id with --id\n"
    )
    assert broken.read_text(encoding="utf-8") == "id: [\n"


def test_a_source_must_be_a_url_or_a_document(runner: CliRunner, registry: Path) -> None:
    """No file outside sources/ and no path tricks."""
    for given in ("missing.pdf", "../conftest.py", "/etc/passwd"):
        result = run(runner, "new", "hospital", "--name", "X", "--source", given, "--no-input")
        assert result.exit_code == 2
        assert result.stderr.startswith(f"rarereg: error: source '{given}' is neither")


def test_a_source_is_required(runner: CliRunner, registry: Path) -> None:
    """A fact without a source is not written."""
    result = run(runner, "new", "hospital", "--name", "X", "--no-input")
    assert result.exit_code == 2
    assert result.stderr == (
        "rarereg: error: a source is needed (--source URL or --source DOCUMENT)\n"
    )


def test_schema_errors_refuse_the_file(runner: CliRunner, registry: Path) -> None:
    """Checked before writing: the finding with its place, exit 1, no file."""
    result = run(runner, *HOSPITAL, "--name", "CHU de Nantes", "--finess", "123")
    assert result.exit_code == 1
    assert result.stderr == (
        "registry/hospitals/chu-nantes.yaml:3:9: error[schema] finess: '123' is not a quoted "
        "9-character FINESS number, like '590780193' (Corsica: '2A…', '2B…')\n"
        "not written: registry/hospitals/chu-nantes.yaml would have errors\n"
    )
    assert not (registry / "hospitals" / "chu-nantes.yaml").exists()


def test_cross_file_errors_refuse_the_file(runner: CliRunner, registry: Path) -> None:
    """A CRMR with no coordinating site is refused as validate would refuse it."""
    result = run(
        runner,
        "new",
        "centre",
        "--name",
        "X",
        "--kind",
        "crmr",
        "--hospital",
        "chu-reims",
        "--source",
        "page.txt",
        "--no-input",
    )
    assert result.exit_code == 1
    assert "error[site-roles]" in result.stderr
    assert not (registry / "centres" / "x.yaml").exists()


def test_more_roles_than_hospitals_is_refused(runner: CliRunner, registry: Path) -> None:
    """Roles pair with hospitals in order."""
    result = run(
        runner,
        "new",
        "centre",
        "--name",
        "X",
        "--kind",
        "crmr",
        "--hospital",
        "chu-reims",
        "--role",
        "coordinating",
        "--role",
        "constitutive",
        "--source",
        "page.txt",
        "--no-input",
    )
    assert result.exit_code == 2
    assert result.stderr == ("rarereg: error: 2 --role for 1 --hospital; they pair up in order\n")


def test_without_a_terminal_nothing_is_asked(runner: CliRunner, registry: Path) -> None:
    """No --no-input and no terminal: a missing field is an error, never a hang."""
    result = run(runner, "new", "network", "--name", "Filière X", "--source", "page.txt")
    assert result.exit_code == 2
    assert result.stderr == ("rarereg: error: a network needs --acronym and --kind (fsmr or ern)\n")


# --- the interview, as on a terminal -------------------------------------------------------


def test_interview_asks_for_missing_fields_and_picks_by_name(registry: Path) -> None:
    """Names are matched; a name that fits several is picked by number; regions by number."""
    reg = load_registry(registry, registry.parent)
    answers = iter(["Hôpital Nord", "hopital", "2", "", "", "", "page.txt", ""])
    questions: list[str] = []
    said: list[str] = []

    def ask(question: str) -> str:
        questions.append(question)
        return next(answers)

    got = new.interview("hospital", {}, reg, ask, said.append)
    assert questions == [
        "Name",
        "Legal entity it belongs to (for a site) (optional)",
        "Which one (number)",
        "City (optional)",
        "Region (optional)",
        "FINESS number (optional)",
        "Source (a URL, or a document in the registry's sources/)",
        "Source (a URL, or a document in the registry's sources/) (another, or empty to stop)",
    ]
    assert got["name"] == "Hôpital Nord"
    assert got["parent"] == "hopital-pitie-salpetriere"
    assert got["sources"] == ["page.txt"]
    assert "  1. Hôpital Jeanne de Flandre (hopital-jeanne-de-flandre)" in said[0]


def test_interview_shows_regions_by_number(registry: Path) -> None:
    """The 18 regions are listed; a number picks one."""
    reg = load_registry(registry, registry.parent)
    answers = iter(["X", "", "", "7", "", "page.txt", ""])
    said: list[str] = []
    got = new.interview("hospital", {}, reg, lambda q: next(answers), said.append)
    assert got == {"name": "X", "region": "Hauts-de-France", "sources": ["page.txt"]}
    assert "  7. Hauts-de-France" in said[0]


def test_interview_insists_on_required_fields(registry: Path) -> None:
    """An empty answer to a required question asks again."""
    reg = load_registry(registry, registry.parent)
    answers = iter(["", "Campagne", "", "", "page.txt", ""])
    said: list[str] = []
    got = new.interview("campaign", {}, reg, lambda q: next(answers), said.append)
    assert said[0] == "Name is needed."
    assert got == {"name": "Campagne", "sources": ["page.txt"]}


def test_interview_asks_each_sites_role(registry: Path) -> None:
    """A centre's sites are asked one by one, each with its role (which may be skipped)."""
    reg = load_registry(registry, registry.parent)
    answers = iter(
        ["Centre Y", "1", "", "fai2r", "", "", "Reims", "2", "chu-lille", "", "", "page.txt", ""]
    )
    said: list[str] = []
    got = new.interview("centre", {}, reg, lambda q: next(answers), said.append)
    assert got == {
        "name": "Centre Y",
        "kind": "crmr",
        "network": "fai2r",
        "hospitals": ["chu-reims", "chu-lille"],
        "roles": ["constitutive", ""],
        "sources": ["page.txt"],
    }
    data = new.build("centre", got, reg, registry, dt.date(2025, 6, 1))
    assert data["sites"] == [
        {"hospital": "chu-reims", "role": "constitutive"},
        {"hospital": "chu-lille"},
    ]


def test_build_refuses_an_ambiguous_name(registry: Path) -> None:
    """Without a terminal, a name matching several hospitals lists them and stops."""
    reg = load_registry(registry, registry.parent)
    with pytest.raises(AuthoringError) as caught:
        new.build(
            "hospital",
            {"name": "X", "parent": "hopital", "sources": ["page.txt"]},
            reg,
            registry,
            dt.date(2025, 6, 1),
        )
    assert str(caught.value) == (
        "'hopital' matches several: Hôpital Jeanne de Flandre (hopital-jeanne-de-flandre); "
        "Hôpital Pitié-Salpêtrière (hopital-pitie-salpetriere); give the id"
    )


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("CHU de Lille", "chu-lille"),
        ("Hôpital Pitié-Salpêtrière", "hopital-pitie-salpetriere"),
        ("Œsophage & co", "oesophage-co"),
        ("../../etc", "etc"),
        ("  ", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    """Ids from names: accents, punctuation and linking words go; no path survives."""
    assert slugify(name) == slug


def test_a_registry_without_the_kind_folder_gets_it(runner: CliRunner, registry: Path) -> None:
    """The first campaign of a registry creates campaigns/."""
    import shutil

    shutil.rmtree(registry / "campaigns")
    result = run(
        runner, "new", "campaign", "--name", "Campagne", "--source", "page.txt", "--no-input"
    )
    assert result.exit_code == 0, result.output
    assert (registry / "campaigns" / "campagne.yaml").is_file()


def test_rules_switched_off_in_the_settings_do_not_block(runner: CliRunner, registry: Path) -> None:
    """rarereg.toml applies to the check before writing, as to validate."""
    args = ["new", "centre", "--name", "X", "--kind", "crmr", "--hospital", "chu-reims"]
    args += ["--source", "page.txt", "--no-input"]
    assert run(runner, *args, "--dry-run").exit_code == 1  # site-roles: an error by default
    (registry / "rarereg.toml").write_text('[rules]\n"site-roles" = "off"\n', encoding="utf-8")
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    (registry / "rarereg.toml").write_text("[rules\n", encoding="utf-8")
    broken = run(runner, *args, "--id", "y")
    assert broken.exit_code == 2
    assert broken.stderr.startswith("rarereg: error: ")


def test_new_centre_takes_its_diseases(runner: CliRunner, registry: Path) -> None:
    """--disease NAME, with '(ORPHA:CODE)' where a source gives one; a bad code is refused."""
    base = ["new", "centre", "--name", "Centre de référence Zeta", "--kind", "crmr"]
    base += ["--hospital", "CHU Reims", "--role", "coordinating", "--source", "page.txt"]

    result = run(
        runner,
        *base,
        "--disease",
        "Lupus systémique (ORPHA:536)",
        "--disease",
        "maladies auto-immunes rares",
        "--no-input",
    )
    bad = run(runner, *base, "--id", "zeta2", "--disease", " (ORPHA:536)", "--no-input")

    assert result.exit_code == 0, result.output
    assert (registry / "centres" / "zeta.yaml").read_text(encoding="utf-8") == (
        "id: zeta\nname: Centre de référence Zeta\nkind: crmr\ndiseases:\n"
        "- name: Lupus systémique\n"
        "  orpha: 536\n- name: maladies auto-immunes rares\nsites:\n- hospital: chu-reims\n"
        "  role: coordinating\nsources:\n- document: page.txt\n"
    )
    assert bad.exit_code == 2
    assert "is not 'NAME' or 'NAME (ORPHA:CODE)'" in bad.stderr
    assert not (registry / "centres" / "zeta2.yaml").exists()
