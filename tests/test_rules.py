"""Rules as declarations: the catalogue, and everything derived from what rules read."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from rarereg import config, rules
from rarereg.findings import Severity
from rarereg.rules import Input
from rarereg.validate import validate
from tests.helpers import run, tamper_cache

ROOT = Path(__file__).resolve().parents[1]
GIT = ["-c", "user.email=t@e.org", "-c", "user.name=T"]


def git(repo: Path, *args: str) -> None:
    """Run git quietly."""
    subprocess.run(["git", "-C", str(repo), *GIT, *args], check=True, capture_output=True)


def committed(registry: Path) -> Path:
    """The registry's parent as a git repository with everything committed."""
    top = registry.parent
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "base")
    return top


def findings(runner: CliRunner, registry: Path, *extra: str) -> tuple[int, list[tuple[str, str]]]:
    """Exit code and (file name, code) of every finding of `validate -f json`."""
    result = run(runner, "validate", "-r", registry, "-f", "json", *extra)
    found = json.loads(result.stdout)["findings"]
    return result.exit_code, [(Path(f["path"]).name, f["code"]) for f in found]


def test_catalogue_is_complete_and_stable() -> None:
    """Every rule: a unique code, one-line summary, a description, inputs; a stable order."""
    catalogue = rules.catalog()
    codes = [r.code for r in catalogue]
    assert len(codes) == len(set(codes))
    assert codes == [r.code for r in rules.catalog()]
    for rule in catalogue:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.code)
        assert isinstance(rule.default_severity, Severity)
        assert rule.summary and "\n" not in rule.summary
        assert rule.description.count(".") >= 1 and len(rule.description) > len(rule.summary)
        assert rule.inputs
        assert callable(rule.check())


def test_readme_codes_table_is_the_catalogue() -> None:
    """The README's table of codes is exactly the catalogue's."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rules.codes_table() in readme


def test_every_code_reported_in_the_source_is_declared() -> None:
    """No finding code in the source that the catalogue lacks."""
    declared = {r.code for r in rules.catalog()}
    used: set[str] = set()
    for path in (ROOT / "src" / "rarereg").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r'(?:error|warning)\(\s*[^,]+,\s*[^,]+,\s*"([a-z-]+)"', text))
        used.update(re.findall(r'_Stop\(\s*[^"]*?"([a-z-]+)"', text))
    assert used, "the pattern found nothing: fix the test"
    assert used <= declared


def test_settings_accept_every_code_and_keep_unreadable_ones_errors(tmp_path: Path) -> None:
    """Severity settings are validated against the catalogue."""
    for rule in rules.catalog():
        (tmp_path / "rarereg.toml").write_text(f'[rules]\n{rule.code} = "error"\n')
        assert config.load(tmp_path).rules == {rule.code: "error"}
        (tmp_path / "rarereg.toml").write_text(f'[rules]\n{rule.code} = "off"\n')
        if rule.readable:
            assert config.load(tmp_path).rules == {rule.code: "off"}
        else:
            with pytest.raises(config.ConfigError):
                config.load(tmp_path)


def test_every_declared_input_enters_the_results_key() -> None:
    """The results cache knows how to key every input a rule can declare."""
    from rarereg import loader
    from rarereg import validate as v

    stamp = loader.stamp(ROOT / "registry", ROOT)
    assert stamp is not None
    window = (dt.date(2025, 1, 1), dt.date(2025, 7, 1))
    parts = v._key_parts(ROOT / "registry", ROOT, config.Config(), *window, stamp)
    assert set(Input) <= set(parts)


def test_ambiguous_and_cut_values_fail_by_default(runner: CliRunner, registry: Path) -> None:
    """`ambiguous-value` and `comment-in-value` are errors unless the settings lower them."""
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_text(path.read_text().replace("city: Reims", "city: Centre #3 Lyon\nnotes: no"))
    code, found = findings(runner, registry)
    assert code == 1
    assert found == [("chu-reims.yaml", "comment-in-value"), ("chu-reims.yaml", "ambiguous-value")]
    (registry / "rarereg.toml").write_text(
        '[rules]\nambiguous-value = "warning"\ncomment-in-value = "warning"\n'
    )
    assert findings(runner, registry)[0] == 0


def test_cr_only_line_endings_do_not_hide_a_cut_value(runner: CliRunner, registry: Path) -> None:
    """A file with old Mac line endings still has its `#` cut reported, at its line."""
    path = registry / "hospitals" / "chu-reims.yaml"
    text = path.read_text().replace("city: Reims", "city: Centre #3 Lyon")
    path.write_bytes(text.replace("\n", "\r").encode())
    result = run(runner, "validate", "-r", registry)
    assert "chu-reims.yaml:3:7: error[comment-in-value]" in result.stdout


def test_changed_since_catches_what_a_campaign_edit_causes(
    runner: CliRunner, registry: Path
) -> None:
    """A campaign ending in the past: label-expired in centres nobody touched."""
    committed(registry)
    path = registry / "campaigns" / "campaign-2023.yaml"
    path.write_text(path.read_text().replace("2027-12-31", "2025-01-01"))
    full = findings(runner, registry)
    since = findings(runner, registry, "--changed-since", "HEAD")
    assert since == full
    assert since[0] == 1
    assert ("lupus.yaml", "label-expired") in since[1]


def test_changed_since_catches_a_deleted_source_document(runner: CliRunner, registry: Path) -> None:
    """Deleting a cited document: unknown-source everywhere it is cited."""
    committed(registry)
    (registry / "sources" / "page.txt").unlink()
    full = findings(runner, registry)
    assert full[0] == 1 and len(full[1]) == 12
    assert findings(runner, registry, "--changed-since", "HEAD") == full


def test_changed_since_catches_a_deleted_git_ignored_source_document(
    runner: CliRunner, registry: Path
) -> None:
    """Git cannot see an ignored document go: rules reading sources/ are re-run all the same."""
    (registry.parent / ".gitignore").write_text("sources/\n")
    committed(registry)
    (registry / "sources" / "page.txt").unlink()
    full = findings(runner, registry)
    assert full[0] == 1 and len(full[1]) == 12
    assert {code for _, code in full[1]} == {"unknown-source"}
    assert findings(runner, registry, "--changed-since", "HEAD") == full


def test_changed_since_keeps_only_changed_files_for_file_rules(
    runner: CliRunner, registry: Path
) -> None:
    """A per-file finding in an untouched file is not reported; settings changes report all."""
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_text(path.read_text().replace("city: Reims", "city: Reims #51"))
    committed(registry)
    assert findings(runner, registry, "--changed-since", "HEAD") == (0, [])
    (registry / "rarereg.toml").write_text('[rules]\nfiness-key = "warning"\n')
    assert findings(runner, registry, "--changed-since", "HEAD") == findings(runner, registry)


def test_results_cache_sees_sources_settings_and_the_date(registry: Path, tmp_path: Path) -> None:
    """Deleting or restoring a source, editing settings, another day: never a stale answer."""
    import os
    import time

    old = time.time() - 3600
    for p in registry.rglob("*"):
        os.utime(p, (old, old))
    cache = tmp_path / "c"

    def codes(day: str = "2025-06-01") -> list[str]:
        report = validate(
            registry, registry.parent, cache_dir=cache, today=dt.date.fromisoformat(day)
        )
        return sorted({f.code for f in report.findings})

    assert codes() == []
    page = registry / "sources" / "page.txt"
    page.rename(tmp_path / "page.txt")
    assert codes() == ["unknown-source"]
    (tmp_path / "page.txt").rename(page)
    assert codes() == []
    assert codes("2027-12-01") == ["label-expiring"]
    (registry / "rarereg.toml").write_text('expiry-window = "1d"\n')
    assert codes("2027-12-01") == []


@pytest.mark.parametrize(
    "record",
    [
        [1, 2, "h", {"id": "x"}, []],
        [1, 2, "h", {"id": 3, "sites": "no"}, []],
        [1, 2, "h", {}, [[1, 1, "schema", "m", "fatal"]]],
        "x",
    ],
)
def test_cache_record_of_the_wrong_shape_is_a_miss(
    registry: Path, tmp_path: Path, record: object
) -> None:
    """A record that is not a parsed file of its kind is read again, never trusted."""
    import os
    import time

    from rarereg import cache as cache_mod
    from rarereg import schemas
    from rarereg.model import load_registry

    old = time.time() - 3600
    for p in registry.rglob("*"):
        os.utime(p, (old, old))
    cache = tmp_path / "c"
    expected = sorted(load_registry(registry, registry.parent, cache).centres)
    shards = cache_mod.cache_path(cache, registry, schemas.schema_fingerprint(), ".d")

    def reshape(files: dict[str, object]) -> None:
        for name in files:
            st = Path(name).stat()
            files[name] = (
                [st.st_size, st.st_mtime_ns, *record[2:]] if isinstance(record, list) else record
            )

    for path in shards.glob("*.json"):
        tamper_cache(path, reshape)
    for results in cache.glob("*.results.json"):
        results.unlink()
    assert sorted(load_registry(registry, registry.parent, cache).centres) == expected
    assert not validate(registry, registry.parent, cache_dir=cache).findings


@pytest.mark.parametrize("change", ["rm", "mv"])
def test_pre_commit_hook_catches_a_deleted_file_others_point_to(
    registry: Path, change: str
) -> None:
    """What pre-commit runs for a commit deleting or renaming a hospital: the references fail."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    # pre-commit passes no file names with pass_filenames: false, and runs even when the
    # commit holds only a deletion with always_run: true.
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    top = committed(registry)
    old = "registry/hospitals/chu-reims.yaml"
    if change == "rm":
        git(top, "rm", "-q", old)
    else:  # a rename done right in the file itself (id and name agree), wrong for others
        new = top / "registry/hospitals/chu-de-reims.yaml"
        git(top, "mv", old, str(new))
        new.write_text(new.read_text().replace("id: chu-reims", "id: chu-de-reims"))
        git(top, "add", str(new))
    entry = hook["entry"].split()
    assert entry[0] == "rarereg"
    done = subprocess.run(
        [sys.executable, "-m", "rarereg", *entry[1:], *hook.get("args", [])],
        cwd=top,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "registry/centres/lupus.yaml:14:13: error[unknown-reference]" in done.stdout


def test_duplicate_id_the_file_named_after_it_wins(
    runner: CliRunner, make_registry: object, base_data: dict[str, dict[str, dict[str, object]]]
) -> None:
    """Two files claim one id: the impostor is reported and left out of every query."""
    impostor = dict(base_data["hospitals"]["chu-reims"], name="Faux CHU")
    base_data["hospitals"]["a-chu-reims"] = impostor
    registry = make_registry(base_data)  # type: ignore[operator]
    code, found = findings(runner, registry)
    assert (code, found) == (
        1,
        [("a-chu-reims.yaml", "duplicate-id"), ("a-chu-reims.yaml", "id-mismatch")],
    )
    shown = run(runner, "show", "chu-reims", "-r", registry, "-f", "json")
    assert json.loads(shown.stdout)["name"] == "CHU de Reims"


def test_a_broken_reference_leaves_the_file_out_of_queries(
    runner: CliRunner, registry: Path
) -> None:
    """A file failing validation for a broken reference is left out of list, like any other."""
    path = registry / "centres" / "cracmo.yaml"
    path.write_text(path.read_text().replace("hospital: chu-lille", "hospital: chu-lile"))
    listed = run(runner, "list", "-r", registry, "-f", "json")
    assert "cracmo" not in {row["id"] for row in json.loads(listed.stdout)}
    assert "1 file with errors left out (first: " in listed.stderr


def test_schema_patterns_match_whole_values(runner: CliRunner, registry: Path) -> None:
    """A trailing line break does not slip a date or a FINESS past its pattern."""
    path = registry / "campaigns" / "campaign-2023.yaml"
    path.write_text(path.read_text().replace("end: '2027-12-31'", "end: |\n  2027-12-31"))
    path = registry / "hospitals" / "chu-lille.yaml"
    path.write_text(path.read_text().replace("finess: '590780193'", 'finess: "590780193\\n"'))
    result = run(runner, "validate", "-r", registry, "-f", "json")
    found = [(Path(f["path"]).name, f["line"], f["col"], f["code"]) for f in _json(result)]
    assert found == [
        ("campaign-2023.yaml", 4, 6, "schema"),
        ("chu-lille.yaml", 7, 9, "schema"),
    ]


def _json(result: object) -> list[dict[str, object]]:
    out: list[dict[str, object]] = json.loads(result.stdout)["findings"]  # type: ignore[attr-defined]
    return out


@pytest.mark.parametrize(
    ("pattern", "python"),
    [("^a$", "^a\\Z"), ("[$]$", "[$]\\Z"), ("\\$x", "\\$x"), ("[\\]$]", "[\\]$]")],
)
def test_ecma_anchors(pattern: str, python: str) -> None:
    """`$` outside character classes and escapes ends the value only."""
    from rarereg.schemas import ecma_pattern

    assert ecma_pattern(pattern) == python


def test_stages_come_from_the_declarations() -> None:
    """Loading reports only what stops a file being checked; checkers run by declared stage."""
    from rarereg.rules import Stage
    from rarereg.rules.engine import checkers

    assert checkers(Stage.FILE) == ("rarereg.schemas:check", "rarereg.filechecks:run")
    assert checkers(Stage.REGISTRY) == (
        "rarereg.checks:run",
        "rarereg.diseases:check",
        "rarereg.label_checks:check",
    )
    loading = {r.checker for r in rules.catalog() if r.stage is Stage.LOAD}
    assert loading == {
        "rarereg.yamlstrict:parse_bytes",
        "rarereg.loader:read_entry",
        "rarereg.loader:list_files",
    }
    for rule in rules.catalog():
        if rule.stage is Stage.LOAD:
            assert not rule.inputs & (Input.REGISTRY | Input.DATE | Input.SOURCES_DIR)


def test_changed_since_through_a_linked_path(
    runner: CliRunner, registry: Path, tmp_path: Path
) -> None:
    """The registry named through a symbolic link: its changed files are still reported."""
    committed(registry)
    path = registry / "centres" / "lupus.yaml"
    path.write_text(path.read_text().replace("name: ", "name: Centre #3 ", 1))
    link = tmp_path / "link"
    link.symlink_to(registry.parent, target_is_directory=True)
    linked = link / registry.name
    full = findings(runner, linked)
    assert full == (1, [("lupus.yaml", "comment-in-value")])
    assert findings(runner, linked, "--changed-since", "HEAD") == full


def test_changed_since_reports_a_new_file_with_a_non_utf8_name(
    runner: CliRunner, registry: Path
) -> None:
    """A new file whose name is not UTF-8 is a change like any other."""
    import os

    committed(registry)
    name = os.fsencode(registry / "centres") + b"/bad\xff.yaml"
    with open(name, "wb"):  # noqa: PTH123 - a bytes path
        pass
    full = run(runner, "validate", "-r", registry)
    assert full.exit_code == 1
    assert "bad\\xff.yaml:1:1: error[file-name]" in full.stdout
    since = run(runner, "validate", "-r", registry, "--changed-since", "HEAD")
    assert (since.exit_code, since.stdout) == (full.exit_code, full.stdout)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rarereg.toml", b"\xff\xfe\x00binary", "rarereg.toml: not UTF-8 text; save it as UTF-8"),
        (
            "rarereg.toml",
            b"#" + b"x" * 1024 * 1024 + b"\n",
            "rarereg.toml: 1048578 bytes, over the 1 MiB a settings file may have",
        ),
        (
            "pyproject.toml",
            b"[project]\n#" + b"x" * 1024 * 1024 + b"\n",
            "pyproject.toml: 1048588 bytes, over the 1 MiB a settings file may have",
        ),
        (
            "pyproject.toml",
            b'tool = "rarereg"\n',
            "pyproject.toml: [tool.rarereg] must be a table",
        ),
        (
            "pyproject.toml",
            b'[tool]\nrarereg = "x"\n',
            "pyproject.toml: [tool.rarereg] must be a table",
        ),
        (
            "rarereg.toml",
            None,
            "rarereg.toml: not a regular file; make it a TOML file or remove it",
        ),
    ],
)
def test_hostile_settings_file_is_a_usage_error(
    runner: CliRunner, registry: Path, name: str, content: bytes | None, message: str
) -> None:
    """A settings file that cannot be used: one line naming it, exit 2, never an internal error."""
    target = registry / name
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    for args in (["validate"], ["list"]):
        result = run(runner, *args, "-r", registry)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"rarereg: error: {registry}/{message}\n"


def test_changed_since_reports_a_new_file_git_ignores(runner: CliRunner, registry: Path) -> None:
    """A registry file that .gitignore hides from git is still read, so it is still reported."""
    (registry.parent / ".gitignore").write_text("draft*.yaml\n")
    committed(registry)
    path = registry / "hospitals" / "draft.yaml"
    path.write_text("id: draft\nname: Draft\ncitty: x\n")
    full = findings(runner, registry)
    assert full[0] == 1 and full[1]
    assert findings(runner, registry, "--changed-since", "HEAD") == full


def test_yaml_files_outside_the_kind_folders_are_reported(
    runner: CliRunner, registry: Path
) -> None:
    """A file in a misspelt folder, a subfolder or named .yml is warned about, never silent."""
    text = (registry / "hospitals" / "chu-reims.yaml").read_text()
    committed(registry)
    (registry / "hospital").mkdir()
    (registry / "hospital" / "x.yaml").write_text(text)
    (registry / "centres" / "drafts").mkdir()
    (registry / "centres" / "drafts" / "y.yaml").write_text(text)
    (registry / "z.yml").write_text(text)
    (registry / "sources" / "kept.yaml").write_text(text)  # a cited document may be YAML
    expected = (
        1,
        [
            ("y.yaml", "unknown-file"),
            ("x.yaml", "unknown-file"),
            ("z.yml", "unknown-file"),
        ],
    )
    assert findings(runner, registry, "--strict") == expected
    assert findings(runner, registry, "--strict", "--changed-since", "HEAD") == expected


def test_a_path_outside_the_registry_is_refused(registry: Path, tmp_path: Path) -> None:
    """Asking about a file elsewhere must not answer 'ok' for a file that was never checked."""
    from rarereg.validate import PathOutsideRegistry

    other = tmp_path / "elsewhere" / "x.yaml"
    other.parent.mkdir()
    other.write_text("id: x\n")
    inside = registry / "hospitals" / "chu-reims.yaml"
    with pytest.raises(PathOutsideRegistry) as raised:
        validate(registry, tmp_path, [inside, other])
    assert str(raised.value) == f"{other} is not inside the registry {registry}"
    assert validate(registry, tmp_path, [inside, registry, registry / "centres" / ".."]).files


def test_changed_since_sees_an_edit_through_a_linked_file(
    runner: CliRunner, registry: Path
) -> None:
    """A registry file linked to another file in the registry: editing that file is a change."""
    path = registry / "hospitals" / "chu-reims.yaml"
    target = registry / "shared" / "chu-reims.data"
    target.parent.mkdir()
    path.rename(target)
    path.symlink_to(Path("..", "shared", "chu-reims.data"))
    committed(registry)
    assert findings(runner, registry) == (0, [])
    target.write_text(target.read_text() + "citty: x\n")
    full = findings(runner, registry)
    assert full == (1, [("chu-reims.yaml", "schema")])
    assert findings(runner, registry, "--changed-since", "HEAD") == full


def test_validate_a_path_outside_the_registry_is_a_usage_error(
    runner: CliRunner, registry: Path, tmp_path: Path
) -> None:
    """`validate -r REG /elsewhere`: exit 2 with one line, not `ok` for an unchecked file."""
    result = run(runner, "validate", "-r", registry, tmp_path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"rarereg: error: {tmp_path} is not inside the registry {registry}\n"


def test_changed_since_reports_what_git_cannot_see(runner: CliRunner, registry: Path) -> None:
    """Git tracks no FIFO, no empty folder and no read permission: those findings always show."""
    import os

    committed(registry)
    os.mkfifo(registry / "hospitals" / "fifo.yaml")
    (registry / "hospitals" / "folder.yaml").mkdir()
    full = findings(runner, registry)
    assert full == (1, [("fifo.yaml", "special-file"), ("folder.yaml", "unreadable")])
    assert findings(runner, registry, "--changed-since", "HEAD") == full
