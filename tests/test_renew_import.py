"""`rarereg renew` and `rarereg import`: bulk edits that keep comments and cite their source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import run

CAMPAIGN_2028 = (
    "id: campaign-2028\nname: Labellisation 2028\nstart: '2028-01-01'\nend: '2032-12-31'\n"
    "sources:\n- document: page.txt\n"
)
LUPUS_WITH_COMMENTS = """\
# reference centre, renewed every five years
id: lupus
name: Centre de référence du lupus
kind: crmr
network: fai2r
erns:
- ern-reconnet
label:
  campaign: campaign-2023
  end: '2027-06-30'  # an extension, to be dropped at renewal
sites:
- hospital: hopital-pitie-salpetriere
  role: coordinating   # since 2004
- hospital: chu-reims
  role: constitutive
sources:
- document: page.txt
"""


@pytest.fixture
def with_2028(registry: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The base registry plus a 2028 campaign, run from the registry's parent folder."""
    (registry / "campaigns" / "campaign-2028.yaml").write_text(CAMPAIGN_2028, encoding="utf-8")
    monkeypatch.chdir(registry.parent)
    return registry


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_renew_shows_the_plan_and_keeps_comments(runner: CliRunner, with_2028: Path) -> None:
    """The label moves, its own end goes, comments stay, the decision joins the sources."""
    lupus = with_2028 / "centres" / "lupus.yaml"
    lupus.write_text(LUPUS_WITH_COMMENTS, encoding="utf-8")
    result = run(
        runner,
        "renew",
        "--campaign",
        "2028",
        "--network",
        "FAI2R",
        "--source",
        "https://example.org/arrete-2028",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": "ccmr-lupus-lille",
            "old_campaign": "campaign-2023",
            "old_end": "2027-12-31",
            "new_campaign": "campaign-2028",
            "new_end": "2032-12-31",
            "action": "renew",
        },
        {
            "id": "lupus",
            "old_campaign": "campaign-2023",
            "old_end": "2027-06-30",
            "new_campaign": "campaign-2028",
            "new_end": "2032-12-31",
            "action": "renew",
        },
    ]
    assert result.stderr == "renewed 2 centre(s) in campaign-2028\n"
    assert lupus.read_text(encoding="utf-8") == (
        "# reference centre, renewed every five years\n"
        "id: lupus\nname: Centre de référence du lupus\nkind: crmr\nnetwork: fai2r\nerns:\n"
        "- ern-reconnet\nlabel:\n  campaign: campaign-2028\nsites:\n"
        "- hospital: hopital-pitie-salpetriere\n  role: coordinating   # since 2004\n"
        "- hospital: chu-reims\n  role: constitutive\nsources:\n- document: page.txt\n"
        "- url: https://example.org/arrete-2028\n  retrieved: '2025-06-01'\n"
        "  note: the decision that renews the label in campaign-2028\n"
    )
    assert run(runner, "validate").exit_code == 0


def test_renew_dry_run_writes_nothing(runner: CliRunner, with_2028: Path) -> None:
    """The plan as a table, and a count on stderr."""
    before = _snapshot(with_2028)
    result = run(
        runner,
        "renew",
        "--campaign",
        "campaign-2028",
        "cracmo",
        "--source",
        "page.txt",
        "--dry-run",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "id,old_campaign,old_end,new_campaign,new_end,action\n"
        "cracmo,,,campaign-2028,2032-12-31,renew\n"
    )
    assert result.stderr == "dry run: 1 centre(s) would be renewed\n"
    assert _snapshot(with_2028) == before


def test_renew_leaves_out_withdrawn_centres_unless_named(
    runner: CliRunner, with_2028: Path
) -> None:
    """Chosen by filière: left out; named: renewed and labelled again."""
    path = with_2028 / "centres" / "ccmr-lupus-lille.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "status: withdrawn\n", encoding="utf-8")
    by_network = run(
        runner,
        "renew",
        "--campaign",
        "campaign-2028",
        "--network",
        "fai2r",
        "--source",
        "page.txt",
        "--dry-run",
        "--format",
        "json",
    )
    actions = {r["id"]: r["action"] for r in json.loads(by_network.stdout)}
    assert actions == {
        "ccmr-lupus-lille": "left out: withdrawn (name it to renew it)",
        "lupus": "renew",
    }
    named = run(
        runner,
        "renew",
        "--campaign",
        "campaign-2028",
        "ccmr-lupus-lille",
        "--source",
        "page.txt",
        "--format",
        "json",
    )
    assert json.loads(named.stdout)[0]["action"] == "renew (withdrawn → labelled)"
    assert "status: labelled\n" in path.read_text(encoding="utf-8")


def test_renew_twice_changes_nothing_the_second_time(runner: CliRunner, with_2028: Path) -> None:
    """Already in the campaign: left as is, the source not added twice."""
    args = ["renew", "--campaign", "campaign-2028", "lupus", "--source", "page.txt"]
    assert run(runner, *args).exit_code == 0
    after_first = _snapshot(with_2028)
    second = run(runner, *args, "--format", "json")
    assert json.loads(second.stdout)[0]["action"] == "already in campaign-2028"
    assert second.stderr == "renewed 0 centre(s) in campaign-2028\n"
    assert _snapshot(with_2028) == after_first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--campaign", "campaign-2099", "lupus", "--source", "page.txt"],
            "no campaign matches 'campaign-2099'; did you mean: Labellisation 2028 "
            "(campaign-2028); Labellisation 2023 (campaign-2023)?",
        ),
        (
            ["--campaign", "campaign-2028", "lupos", "--source", "page.txt"],
            "no centre with id 'lupos'; did you mean: lupus?",
        ),
        (
            ["--campaign", "campaign-2028", "--source", "page.txt"],
            "name the centres to renew: --network FILIERE, or centre ids",
        ),
        (
            ["--campaign", "campaign-2028", "--network", "Nope", "--source", "page.txt"],
            "no filière matches 'Nope'",
        ),
        (
            ["lupus", "--source", "page.txt"],
            "--campaign is needed: the campaign the labels move to",
        ),
        (
            ["--campaign", "campaign-2028", "lupus"],
            "--source is needed: the decision's URL or document",
        ),
        (
            ["--campaign", "campaign-2028", "lupus", "--source", "../secret.txt"],
            "source '../secret.txt' is neither a web address (http:// or https://) nor a file in "
            "registry/sources; put the document there first",
        ),
    ],
)
def test_renew_refusals(runner: CliRunner, with_2028: Path, args: list[str], message: str) -> None:
    """Exit 2, one line, nothing written."""
    before = _snapshot(with_2028)
    result = run(runner, "renew", *args)
    assert result.exit_code == 2
    assert result.stderr == f"rarereg: error: {message}\n"
    assert _snapshot(with_2028) == before


def test_renew_refuses_a_centre_file_it_cannot_read(runner: CliRunner, with_2028: Path) -> None:
    """A file the strict reader rejects is not in the registry, so not renewable by id."""
    path = with_2028 / "centres" / "lupus.yaml"
    path.write_text(LUPUS_WITH_COMMENTS + "kind: crc\n", encoding="utf-8")
    result = run(runner, "renew", "--campaign", "campaign-2028", "lupus", "--source", "page.txt")
    assert result.exit_code == 2
    assert result.stderr.endswith("rarereg: error: no centre with id 'lupus'; see 'rarereg list'\n")


# --- import ---------------------------------------------------------------------------------

LIST = """\
kind,name,hospital,network,role,city,region
crmr,Centre de référence du lupus,Hôpital Pitié-Salpêtrière,FAI2R,coordinating,,
ccmr,Centre de compétence lupus,CHU de Lille,FIMATHO,competence,,
crmr,Centre de référence Nouveau,CHU de Lille,FAI2R,coordinating,,
crmr,Centre de référence Nouveau,CHU de Reims,FAI2R,constitutive,,
ccmr,Centre de compétence Nouveau,Centre hospitalier de Zut,FAI2R,competence,Zut,Bretagne
crmr,Chose,CHU Lille,NOPE,,,
"""


@pytest.fixture
def listed(with_2028: Path) -> Path:
    """The list, in the registry's sources/ folder so that it can be cited."""
    path = with_2028 / "sources" / "liste-2028.csv"
    path.write_text(LIST, encoding="utf-8")
    return path


def test_import_creates_what_the_registry_lacks(
    runner: CliRunner, with_2028: Path, listed: Path
) -> None:
    """Matched rows are left alone, the rest becomes files citing the list.

    Exit 1 for the rows it could not use.
    """
    result = run(runner, "import", listed, "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout) == [
        {"action": "present", "kind": "centre", "id": "lupus", "lines": "2", "detail": ""},
        {
            "action": "differs",
            "kind": "centre",
            "id": "ccmr-lupus-lille",
            "lines": "3",
            "detail": "network: CSV FIMATHO, registry fai2r (pass --update to take the list's)",
        },
        {
            "action": "created",
            "kind": "centre",
            "id": "nouveau",
            "lines": "4 5",
            "detail": "Centre de référence Nouveau",
        },
        {
            "action": "created",
            "kind": "hospital",
            "id": "centre-hospitalier-zut",
            "lines": "6",
            "detail": "Centre hospitalier de Zut",
        },
        {
            "action": "created",
            "kind": "centre",
            "id": "ccmr-nouveau-zut",
            "lines": "6",
            "detail": "Centre de compétence Nouveau",
        },
        {
            "action": "unmatched",
            "kind": "centre",
            "id": "",
            "lines": "7",
            "detail": "no filière matches 'NOPE'",
        },
    ]
    assert result.stderr == (
        "liste-2028.csv: 3 created, 0 updated, 1 present, 1 differs, 1 unmatched\nwrote 3 file(s)\n"
    )
    assert (with_2028 / "centres" / "nouveau.yaml").read_text(encoding="utf-8") == (
        "id: nouveau\nname: Centre de référence Nouveau\nkind: crmr\nnetwork: fai2r\nsites:\n"
        "- hospital: chu-lille\n  role: coordinating\n- hospital: chu-reims\n"
        "  role: constitutive\nsources:\n- document: liste-2028.csv\n"
    )
    assert (with_2028 / "hospitals" / "centre-hospitalier-zut.yaml").read_text() == (
        "id: centre-hospitalier-zut\nname: Centre hospitalier de Zut\ncity: Zut\n"
        "region: Bretagne\nsources:\n- document: liste-2028.csv\n"
    )
    assert "network: fai2r" in (with_2028 / "centres" / "ccmr-lupus-lille.yaml").read_text()
    assert run(runner, "validate").exit_code == 0
    again = run(runner, "import", listed, "--format", "json")
    assert [r["action"] for r in json.loads(again.stdout)] == [
        "present",
        "differs",
        "present",
        "present",
        "present",
        "unmatched",
    ]


def test_import_update_takes_the_lists_fields(
    runner: CliRunner, with_2028: Path, listed: Path
) -> None:
    """With --update a differing filière is changed, and the list cited."""
    run(runner, "import", listed, "--update")
    text = (with_2028 / "centres" / "ccmr-lupus-lille.yaml").read_text(encoding="utf-8")
    assert "network: fimatho\n" in text
    assert text.endswith("- document: page.txt\n- document: liste-2028.csv\n")


def test_import_refuses_unsafe_or_taken_ids(runner: CliRunner, with_2028: Path) -> None:
    """An id column naming a path, or an id in use, leaves the row unmatched."""
    path = with_2028 / "sources" / "ids.csv"
    path.write_text(
        "id,kind,name,hospital,network,role\n"
        "../../x,crmr,Un,CHU de Lille,FAI2R,coordinating\n"
        "chu-reims,crmr,Deux,CHU de Lille,FAI2R,coordinating\n",
        encoding="utf-8",
    )
    before = _snapshot(with_2028)
    result = run(runner, "import", path, "--format", "json")
    assert result.exit_code == 1
    assert [(r["action"], r["detail"]) for r in json.loads(result.stdout)] == [
        (
            "unmatched",
            "id '../../x' is not a safe id: use lowercase letters a-z, digits and single "
            "hyphens, at most 120 characters, like 'chu-lille'",
        ),
        ("unmatched", "id 'chu-reims' is taken"),
    ]
    assert _snapshot(with_2028) == before


def test_import_dry_run_writes_nothing(runner: CliRunner, with_2028: Path, listed: Path) -> None:
    """The report only."""
    before = _snapshot(with_2028)
    result = run(runner, "import", listed, "--dry-run", "--update", "--format", "csv")
    assert result.stdout.startswith("action,kind,id,lines,detail\n")
    assert "updated,centre,ccmr-lupus-lille,3,network: fimatho\n" in result.stdout
    assert _snapshot(with_2028) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "kind,name\ncrmr,X\n",
            "the header lacks hospital, network (it needs at least kind, "
            "name, hospital, network; id is optional)",
        ),
        (b"\xff\xfe".decode("latin-1"), "not UTF-8 text (byte 0); save it as UTF-8"),
    ],
)
def test_import_refuses_a_bad_csv(
    runner: CliRunner, with_2028: Path, content: str, message: str
) -> None:
    """Exit 2 with what to fix."""
    path = with_2028 / "sources" / "bad.csv"
    path.write_bytes(content.encode("latin-1"))
    result = run(runner, "import", path)
    assert result.exit_code == 2
    assert result.stderr == f"rarereg: error: {path}: {message}\n"


def test_import_wants_the_list_cited(runner: CliRunner, with_2028: Path, tmp_path: Path) -> None:
    """A CSV outside sources/ and no --source: refused, with the two ways out."""
    path = tmp_path / "liste.csv"
    path.write_text(LIST, encoding="utf-8")
    result = run(runner, "import", path)
    assert result.exit_code == 2
    assert result.stderr == (
        "rarereg: error: the created files must cite the list: copy liste.csv into "
        "registry/sources and import it from there, or pass --source URL\n"
    )
    cited = run(runner, "import", path, "--source", "https://example.org/liste", "--dry-run")
    assert cited.exit_code == 1  # the NOPE row
    assert "3 created" in cited.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_import_does_not_hang_on_a_fifo(runner: CliRunner, with_2028: Path) -> None:
    """A FIFO is refused before it is opened."""
    fifo = with_2028 / "sources" / "pipe.csv"
    os.mkfifo(fifo)
    result = run(runner, "import", fifo)
    assert result.exit_code == 2
    assert result.stderr == f"rarereg: error: {fifo}: not a regular file\n"


# --- the Python API -------------------------------------------------------------------------


def test_python_api(registry: Path) -> None:
    """load, centres with the CLI's filters, validate; unknown names raise QueryError."""
    import rarereg
    from rarereg.query import QueryError

    reg = rarereg.load(registry)
    assert sorted(reg.centres) == ["ccmr-lupus-lille", "cracmo", "lupus"]
    rows = rarereg.centres(reg, hospital="CHU Lille", kind=["crmr", "ccmr"])
    assert [(r["id"], r["hospital"]) for r in rows] == [
        ("ccmr-lupus-lille", "hopital-jeanne-de-flandre"),
        ("cracmo", "chu-lille"),
    ]
    report = rarereg.validate(registry)
    assert (report.errors, report.files) == (0, 12)
    with pytest.raises(QueryError):
        rarereg.centres(reg, hospital="Nowhere")


def test_import_rarereg_is_cheap() -> None:
    """No YAML, schema, CLI or round-trip library is loaded by `import rarereg`."""
    code = (
        "import sys, rarereg; heavy = {'yaml', 'jsonschema', 'typer', 'rich', 'ruamel', "
        "'pathlib', 'typing'}; print(sorted(m for m in sys.modules if m.split('.')[0] in heavy "
        "and m != 'typing' and m != 'pathlib'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_the_cli_does_not_load_ruamel_to_read() -> None:
    """The round-trip library is for the write path only."""
    code = (
        "import sys; from rarereg import cli; sys.argv = ['rarereg', 'list', 'campaigns', "
        "'-f', 'json'];\ntry: cli.main()\nexcept SystemExit: pass\n"
        "print('ruamel' in {m.split('.')[0] for m in sys.modules}, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stderr.endswith("False\n"), done.stderr
