"""`rarereg compare`: two git revisions, a revision and the working tree, two folders, a CSV."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tests.helpers import run


def git(repo: Path, *args: str) -> None:
    """Run git quietly in the repository."""
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def edit(path: Path, **changes: Any) -> None:
    """Change top-level fields of a registry file."""
    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@pytest.fixture
def repo(registry: Path) -> Path:
    """A git repository whose history changes the registry: tag v2023, then edits."""
    top = registry.parent
    git(top, "init", "-q", "-b", "main")
    git(top, "config", "user.email", "t@example.org")
    git(top, "config", "user.name", "Test")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "v2023")
    git(top, "tag", "v2023")
    centres = registry / "centres"
    # renewal, promoted site, new centre, withdrawn centre, renamed id
    edit(
        centres / "lupus.yaml",
        label={"campaign": "campaign-2028"},
        sites=[
            {
                "hospital": "hopital-pitie-salpetriere",
                "role": "coordinating",
                "department": "Médecine interne 2",
                "lead": "Pr Zahir Amoura",
            },
            {"hospital": "chu-reims", "role": "constitutive", "lead": "Dr New"},
        ],
    )
    (registry / "campaigns" / "campaign-2028.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "campaign-2028",
                "name": "Labellisation 2028",
                "start": "2028-01-01",
                "end": "2032-12-31",
                "sources": [{"document": "page.txt"}],
            }
        )
    )
    (centres / "ccmr-lupus-lille.yaml").unlink()
    data = yaml.safe_load((centres / "cracmo.yaml").read_text())
    data["id"] = "cracmo-lille"
    (centres / "cracmo-lille.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    (centres / "cracmo.yaml").unlink()
    git(top, "add", "-A")
    git(top, "commit", "-qm", "2028 campaign")
    return registry


def compare_json(runner: CliRunner, registry: Path, *args: str) -> dict[str, Any]:
    """`compare` as JSON."""
    result = run(runner, "compare", *args, "-r", registry, "-f", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_two_revisions(runner: CliRunner, repo: Path) -> None:
    """A tag against HEAD: events named, fields listed, a summary first."""
    data = compare_json(runner, repo, "v2023", "HEAD")
    events = {(e["event"], e["id"]) for e in data["events"]}
    assert ("renewed", "lupus") in events
    assert ("withdrawn", "ccmr-lupus-lille") in events
    assert ("renamed", "cracmo-lille") in events
    assert data["added"]["campaign"] == ["campaign-2028"]
    fields = {c["field"] for c in data["changed"]["centre"]["lupus"]}
    assert "label.campaign" in fields and "sites[chu-reims].lead" in fields
    assert data["summary"] == (
        "HEAD vs v2023: +1 campaign, −1 CCMR, 1 renewed, 1 changed site, 2 changed"
    )


def test_working_tree_is_the_default_new_side(runner: CliRunner, repo: Path) -> None:
    """Uncommitted edits count; the working tree is not touched."""
    path = repo / "centres" / "lupus.yaml"
    edit(path, name="Centre de référence du lupus systémique")
    before = path.read_text()
    data = compare_json(runner, repo, "HEAD")
    assert data["new"] == "working tree"
    assert [c["field"] for c in data["changed"]["centre"]["lupus"]] == ["name"]
    assert {e["event"] for e in data["events"]} == {"renamed"}
    assert path.read_text() == before
    status = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status.strip() == "M registry/centres/lupus.yaml"


def test_identical_sides_and_exit_code(runner: CliRunner, repo: Path) -> None:
    """No difference: exit 0 even with --exit-code; a difference with --exit-code: exit 1."""
    same = run(runner, "compare", "HEAD", "HEAD", "-r", repo, "--exit-code")
    assert same.exit_code == 0 and "no differences" in same.stdout
    differ = run(runner, "compare", "v2023", "-r", repo, "--exit-code")
    assert differ.exit_code == 1
    assert run(runner, "compare", "v2023", "-r", repo).exit_code == 0


def test_site_promoted(runner: CliRunner, repo: Path) -> None:
    """A constitutive site made coordinating is named as a promotion."""
    path = repo / "centres" / "lupus.yaml"
    data = yaml.safe_load(path.read_text())
    data["sites"][0]["role"] = "constitutive"
    data["sites"][1]["role"] = "coordinating"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    events = compare_json(runner, repo, "HEAD")["events"]
    assert {"event": "site promoted", "id": "lupus", "detail": "sites[chu-reims]"} in events


def test_unknown_revision_and_option_like_names(runner: CliRunner, repo: Path) -> None:
    """An unknown revision or a name starting with '-' is refused with exit 2."""
    unknown = run(runner, "compare", "v1999", "-r", repo)
    assert unknown.exit_code == 2 and "unknown revision 'v1999'" in unknown.stderr
    dash = run(runner, "compare", "-r", repo, "--", "--output=/tmp/x")
    assert dash.exit_code == 2 and "may not start with '-'" in dash.stderr


def test_two_folders(runner: CliRunner, registry: Path, tmp_path: Path) -> None:
    """Two registry folders compare without git."""
    other = tmp_path / "registry-2017"
    shutil.copytree(registry, other)
    (other / "centres" / "cracmo.yaml").unlink()
    data = compare_json(runner, registry, str(other), str(registry))
    assert data["added"]["centre"] == ["cracmo"]
    assert {"event": "new centre", "id": "cracmo", "detail": "crmr"} in data["events"]


def test_narrowing_to_a_hospital(runner: CliRunner, repo: Path) -> None:
    """--hospital keeps only centres with a site there."""
    data = compare_json(runner, repo, "v2023", "HEAD", "--hospital", "CHU de Reims")
    assert set(data["changed"]["centre"]) == {"lupus"}
    assert data["added"].get("campaign") is None


def test_markdown_for_a_pull_request(runner: CliRunner, repo: Path) -> None:
    """Markdown: the summary in bold, then tables."""
    result = run(runner, "compare", "v2023", "HEAD", "-r", repo, "-f", "markdown")
    assert result.stdout.startswith("**HEAD vs v2023:")
    assert "### Label events" in result.stdout and "| renewed | lupus |" in result.stdout


def test_outside_git_a_revision_is_a_clear_error(runner: CliRunner, registry: Path) -> None:
    """Without a repository, a revision cannot be read: exit 2, one line."""
    result = run(runner, "compare", "HEAD", "-r", registry)
    assert result.exit_code == 2
    assert "neither a folder nor a revision" in result.stderr


def test_against_csv(runner: CliRunner, registry: Path, tmp_path: Path) -> None:
    """A CSV list: matched by id, else by name and hospital; both sides' gaps listed."""
    listing = tmp_path / "official.csv"
    listing.write_text(
        "kind;name;hospital;network;id\n"
        "crmr;Centre de référence du lupus;Hôpital Pitié-Salpêtrière;FAI2R;\n"
        "crmr;CRACMO;CHU de Lille;FAI2R;\n"
        "ccmr;Centre de compétence lupus;CHU de Lille;FAI2R;ccmr-lupus-lille\n"
        "ccmr;Centre inconnu;CHU de Reims;FAI2R;\n",
        encoding="utf-8",
    )
    result = run(runner, "compare", "--against", listing, "-r", registry, "-f", "json")
    data = json.loads(result.stdout)
    assert {r["id"] for r in data["matched"]} == {"lupus", "ccmr-lupus-lille"}
    assert [(r["id"], r["differences"]) for r in data["mismatched"]] == [
        ("cracmo", "network: CSV FAI2R, registry fimatho")
    ]
    assert [r["name"] for r in data["only_in_csv"]] == ["Centre inconnu"]
    assert data["only_in_registry"] == [
        {
            "id": "lupus",
            "kind": "crmr",
            "name": "Centre de référence du lupus",
            "hospital": "chu-reims",
        }
    ]
    assert (
        run(runner, "compare", "--against", listing, "-r", registry, "--exit-code").exit_code == 1
    )


def test_against_csv_without_needed_columns(
    runner: CliRunner, registry: Path, tmp_path: Path
) -> None:
    """A CSV lacking a needed column is a usage error naming it."""
    listing = tmp_path / "bad.csv"
    listing.write_text("name,hospital\nX,Y\n")
    result = run(runner, "compare", "--against", listing, "-r", registry)
    assert result.exit_code == 2 and "lacks kind, network" in result.stderr


def test_revisions_reuse_what_the_cache_checked(
    runner: CliRunner,
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    parses: list[str],
) -> None:
    """Contents the working tree's cache has seen are not parsed again when read from git."""
    monkeypatch.setenv("RAREREG_CACHE_DIR", str(tmp_path / "c"))
    run(runner, "validate", "-r", repo)
    parses.clear()
    data = compare_json(runner, repo, "HEAD")
    assert parses == [] and data["identical"] is True
    compare_json(runner, repo, "v2023", "HEAD")
    assert sorted(parses) == ["ccmr-lupus-lille", "cracmo", "lupus"]


def test_a_linked_file_is_read_through_its_link_at_a_revision(
    runner: CliRunner, registry: Path
) -> None:
    """A registry file committed as a link to a file in the registry: no change, as on disk."""
    path = registry / "hospitals" / "chu-reims.yaml"
    (registry / "shared").mkdir()
    path.rename(registry / "shared" / "chu-reims.data")
    path.symlink_to(Path("..", "shared", "chu-reims.data"))
    top = registry.parent
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "-c", "user.email=t@e.org", "-c", "user.name=T", "commit", "-qm", "base")
    result = run(runner, "compare", "HEAD", "-r", registry, "-f", "json")
    assert json.loads(result.stdout)["identical"] is True
