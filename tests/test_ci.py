"""rarereg in CI: SARIF, GitHub annotations, --changed-since, per-registry settings."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rarereg.rules import catalog
from tests.helpers import run

Data = dict[str, dict[str, dict[str, Any]]]


def broken(make_registry: Callable[[Data], Path], base_data: Data) -> Path:
    """A registry with one error and one warning."""
    base_data["hospitals"]["chu-lille"]["finess"] = "590780194"
    registry = make_registry(base_data)
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_text(path.read_text().replace("city: Reims", "city: Reims #51"))
    return registry


def test_sarif_has_the_same_findings(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """SARIF 2.1.0: one result per finding, with rule, level and region."""
    registry = broken(make_registry, base_data)
    plain = json.loads(run(runner, "validate", "-r", registry, "-f", "json").stdout)
    result = run(runner, "validate", "-r", registry, "-f", "sarif")
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        (f["code"], f["severity"]) for f in plain["findings"]
    ]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region == {
        "startLine": plain["findings"][0]["line"],
        "startColumn": plain["findings"][0]["col"],
    }
    rules = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert rules == sorted(r.code for r in catalog())  # every rule, so fixed ones show as fixed


def test_github_escapes_newlines_and_percent(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """Annotation data cannot break out of its line."""
    base_data["hospitals"]["chu-reims"]["region"] = "Grand\nEst 100%"
    result = run(runner, "validate", "-r", make_registry(base_data), "-f", "github")
    (line,) = result.stdout.splitlines()
    assert "Grand\\nEst 100%25" in line


def test_settings_change_severities(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """rarereg.toml turns a rule off, makes an error a warning, sets the expiry window."""
    registry = broken(make_registry, base_data)
    (registry / "rarereg.toml").write_text(
        'expiry-window = "3y"\n[rules]\nfiness-key = "off"\ncomment-in-value = "warning"\n'
    )
    found = json.loads(run(runner, "validate", "-r", registry, "-f", "json").stdout)["findings"]
    assert {(f["code"], f["severity"]) for f in found} == {
        ("comment-in-value", "warning"),
        ("label-expiring", "warning"),
    }


def test_pyproject_tool_table(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """[tool.rarereg] in the repository's pyproject.toml works the same."""
    registry = broken(make_registry, base_data)
    (registry.parent / "pyproject.toml").write_text(
        '[tool.rarereg.rules]\nfiness-key = "warning"\ncomment-in-value = "warning"\n'
    )
    result = run(runner, "validate", "-r", registry)
    assert result.exit_code == 0
    assert "warning[finess-key]" in result.stdout


@pytest.mark.parametrize(
    "text",
    [
        '[tool."rar\\u0065reg".rules]\nfiness-key = "warning"\ncomment-in-value = "warning"\n',
        '[tool]\nrarereg = { rules = { finess-key = "warning", comment-in-value = "warning" } }\n',
        '[project]\nname = "x"\n[ tool . "rarereg" . rules ]\nfiness-key = "warning"\n'
        'comment-in-value = "warning"\n',
        'tool.rarereg.rules.finess-key = "warning"\n'
        'tool.rarereg.rules.comment-in-value = "warning"\n',
    ],
)
def test_pyproject_tool_table_however_written(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data, text: str
) -> None:
    """The table is found however TOML spells it, an escaped key included."""
    registry = broken(make_registry, base_data)
    (registry.parent / "pyproject.toml").write_text(text)
    result = run(runner, "validate", "-r", registry)
    assert result.exit_code == 0, result.stderr
    assert "warning[finess-key]" in result.stdout


def test_a_pyproject_that_never_names_rarereg_is_not_read(
    runner: CliRunner, registry: Path
) -> None:
    """A project file of someone else's (even broken TOML) is not rarereg's business."""
    (registry.parent / "pyproject.toml").write_text(
        "[project\nname = 'rarereg'\n[project.scripts]\nrarereg = 'x'\n[tool.ruff]\n"
    )
    result = run(runner, "validate", "-r", registry)
    assert result.exit_code == 0, result.stderr


def test_a_pyproject_array_of_tool_tables_is_refused_not_skipped(
    runner: CliRunner, registry: Path
) -> None:
    """``[[tool]]`` holding rarereg's settings is not a table of settings: exit 2, as parsed."""
    (registry.parent / "pyproject.toml").write_text(
        '[[tool]]\nrarereg = { rules = { finess-key = "warning" } }\n'
    )
    result = run(runner, "validate", "-r", registry)
    assert result.exit_code == 2, result.stdout
    project = registry.parent / "pyproject.toml"
    assert result.stderr == f"rarereg: error: {project}: [tool.rarereg] must be a table\n"


def test_bad_settings_exit_two(runner: CliRunner, registry: Path) -> None:
    """An unknown rule or level, or broken TOML, is a usage error naming the file."""
    for text in (
        '[rules]\nno-such-rule = "off"\n',
        '[rules]\nschema = "maybe"\n',
        '[rules]\nyaml-syntax = "off"\n',
        "expiry-window = [\n",
        "colour = 1\n",
    ):
        (registry / "rarereg.toml").write_text(text)
        result = run(runner, "validate", "-r", registry)
        assert result.exit_code == 2, text
        assert "rarereg.toml" in result.stderr


def git(repo: Path, *args: str) -> None:
    """Run git quietly."""
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_changed_since_reports_changed_files_and_their_effects(
    runner: CliRunner, registry: Path
) -> None:
    """Only changed files are reported, plus references their change broke elsewhere."""
    top = registry.parent
    git(top, "init", "-q", "-b", "main")
    git(top, "-c", "user.email=t@e.org", "-c", "user.name=T", "add", "-A")
    git(top, "-c", "user.email=t@e.org", "-c", "user.name=T", "commit", "-qm", "base")
    old = registry / "hospitals" / "chu-lille.yaml"
    old.write_text(old.read_text().replace("590780193", "590780194"))
    (registry / "hospitals" / "chu-reims.yaml").unlink()
    result = run(runner, "validate", "-r", registry, "--changed-since", "HEAD", "-f", "json")
    codes = {(Path(f["path"]).name, f["code"]) for f in json.loads(result.stdout)["findings"]}
    assert codes == {("chu-lille.yaml", "finess-key"), ("lupus.yaml", "unknown-reference")}
    bad = run(runner, "validate", "-r", registry, "--changed-since", "nope")
    assert bad.exit_code == 2 and "unknown revision 'nope'" in bad.stderr


def test_pre_commit_hook_definition_is_valid() -> None:
    """The pre-commit hook runs `rarereg validate` on registry files."""
    import yaml

    root = Path(__file__).resolve().parents[1]
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "rarereg-validate"
    assert hooks[0]["entry"] == "rarereg validate"
