"""`rarereg fmt` and `rarereg schema`: one canonical form, comments kept; schemas for editors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rarereg.authoring.canonical import format_bytes
from rarereg.findings import error
from rarereg.loader import FOLDERS, bundled_registry
from rarereg.schemas import KINDS, bundled
from rarereg.yamlstrict import parse_text
from tests.helpers import run

MESSY = """\
# yaml-language-server: $schema=../../schemas/hospital.schema.json
sources:   # where the facts come from
  - {url: "https://example.org/chu", retrieved: 2023-01-01}
name: "CHU de Lille"  # the usual name
id: chu-lille
finess: 590780193
aliases: [CHRU de Lille, 'yes', no, 010]
notes: |
  Two lines
  of notes.
region: Hauts-de-France
# the city, from the same page
city: Lille
"""

CANONICAL = """\
# yaml-language-server: $schema=../../schemas/hospital.schema.json
id: chu-lille
name: CHU de Lille    # the usual name
aliases:
- CHRU de Lille
- 'yes'
- 'no'
- '010'
# the city, from the same page
city: Lille
region: Hauts-de-France
finess: '590780193'
notes: |
  Two lines
  of notes.
sources:   # where the facts come from
- url: https://example.org/chu
  retrieved: '2023-01-01'
"""


def test_canonical_form_of_a_messy_file() -> None:
    """Schema key order, quoted codes, dates and ambiguous words, block lists, comments kept."""
    text, findings = format_bytes(MESSY.encode(), "hospital", "chu-lille.yaml")
    assert findings == []
    assert text == CANONICAL


def test_formatting_twice_changes_nothing() -> None:
    """The canonical form is a fixed point."""
    assert format_bytes(CANONICAL.encode(), "hospital", "x.yaml") == (CANONICAL, [])


def test_values_never_change() -> None:
    """Only the form changes: the strict reader reads the same values.

    Except the FINESS written as a number, which becomes the quoted text validate asks for.
    """
    before, _ = parse_text(MESSY, "a")
    after, _ = parse_text(CANONICAL, "b")
    assert before is not None and after is not None
    expected = dict(before.data, finess="590780193")
    assert after.data == expected


def test_text_with_an_apostrophe_stays_in_single_quotes() -> None:
    """As the registry writes it, not in ruamel's double quotes."""
    text = "id: x\nname: 'Centre : maladies de l''œil'\nkind: crmr\n"
    out, _ = format_bytes(text.encode(), "centre", "x.yaml")
    assert out == text


def test_nested_keys_and_comments_move_together() -> None:
    """Sites and labels are ordered too; a comment above a key stays with that key."""
    text = (
        "name: Centre X\nid: centre-x\nkind: crmr\nsites:\n  - role: coordinating\n"
        "    hospital: chu-lille   # CHU\nlabel:\n  end: 2027-12-31\n  # from the arrêté\n"
        "  campaign: campaign-2023\nsources:\n  - document: page.txt\n# end of file\n"
    )
    out, findings = format_bytes(text.encode(), "centre", "x.yaml")
    assert findings == []
    assert out == (
        "id: centre-x\nname: Centre X\nkind: crmr\nlabel:\n  campaign: campaign-2023\n"
        "  # from the arrêté\n  end: '2027-12-31'\nsites:\n- hospital: chu-lille     # CHU\n"
        "  role: coordinating\nsources:\n- document: page.txt\n# end of file\n"
    )
    assert format_bytes(out.encode(), "centre", "x.yaml") == (out, [])


def test_bundled_registry_is_in_canonical_form() -> None:
    """Every bundled file is already canonical: `rarereg fmt --check registry/` passes."""
    root = bundled_registry()
    for folder, kind in FOLDERS.items():
        for path in sorted((root / folder).glob("*.yaml")):
            raw = path.read_bytes()
            assert format_bytes(raw, kind, str(path)) == (raw.decode(), []), path


def test_every_bundled_file_formats_to_a_fixed_point() -> None:
    """Whatever the registry's form today, formatting it keeps its values and settles."""
    root = bundled_registry()
    for folder, kind in FOLDERS.items():
        for path in sorted((root / folder).glob("*.yaml")):
            raw = path.read_bytes()
            once, findings = format_bytes(raw, kind, str(path))
            assert findings == [] and once is not None, path
            assert format_bytes(once.encode(), kind, str(path)) == (once, []), path
            before, _ = parse_text(raw.decode(), "a")
            after, _ = parse_text(once, "b")
            assert before is not None and after is not None and before.data == after.data


def test_fmt_check_prints_a_diff_and_exits_1(runner: CliRunner, registry: Path) -> None:
    """--check writes nothing: the diff on stdout, the count on stderr."""
    path = registry / "hospitals" / "chu-lille.yaml"
    path.write_text(MESSY, encoding="utf-8")
    before = {p: p.read_bytes() for p in registry.rglob("*.yaml")}
    result = run(runner, "fmt", "--check", path)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"--- a/{path}\n+++ b/{path}\n@@ -1,13 +1,18 @@\n"
        " # yaml-language-server: $schema=../../schemas/hospital.schema.json\n"
    )
    assert "-finess: 590780193\n" in result.stdout and "+finess: '590780193'\n" in result.stdout
    assert result.stderr == "1 file would be reformatted, 0 unchanged\n"
    assert {p: p.read_bytes() for p in registry.rglob("*.yaml")} == before


def test_fmt_rewrites_then_has_nothing_to_do(runner: CliRunner, registry: Path) -> None:
    """The whole registry by default; a second run changes nothing, and --check then passes."""
    path = registry / "hospitals" / "chu-lille.yaml"
    path.write_text(MESSY, encoding="utf-8")
    first = run(runner, "fmt", "--registry", registry)
    assert first.exit_code == 0, first.output
    assert f"reformatted {path}\n" in first.stderr
    assert path.read_text(encoding="utf-8") == CANONICAL
    second = run(runner, "fmt", "--registry", registry)
    assert second.exit_code == 0
    assert second.stderr == "0 files reformatted, 12 unchanged\n"
    assert run(runner, "fmt", "--check", registry).exit_code == 0


def test_fmt_leaves_broken_files_alone(runner: CliRunner, registry: Path) -> None:
    """A file the strict reader rejects is reported with its place and not touched (exit 1)."""
    path = registry / "hospitals" / "chu-reims.yaml"
    broken = "id: chu-reims\nname: A\nname: B\n"
    path.write_text(broken, encoding="utf-8")
    result = run(runner, "fmt", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:3:1: error[duplicate-key] duplicate key 'name' (first at line 2); "
        "keep one of them\n0 files reformatted, 0 unchanged, 1 not readable\n"
    )
    assert path.read_text(encoding="utf-8") == broken


def test_fmt_refuses_a_missing_path(runner: CliRunner, registry: Path) -> None:
    """A missing path is a usage error."""
    result = run(runner, "fmt", registry / "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"rarereg: error: {registry / 'nowhere.yaml'}: no such file or folder\n"


def test_fmt_refuses_rather_than_lose_a_comment() -> None:
    """The YAML writer drops a comment after an empty flow mapping in a list: fmt says so."""
    text = "id: x\nnotes:\n- - {}\n# kept?\n- {}\n"
    assert format_bytes(text.encode(), "hospital", "x.yaml") == (
        None,
        [
            error(
                "x.yaml",
                (1, 1),
                "fmt-unreadable",
                "the comment '# kept?' would be lost; move it next to a key or value and "
                "format again",
            )
        ],
    )


def test_fmt_does_not_search_below_a_checkout(runner: CliRunner, tmp_path: Path) -> None:
    """A folder that is no registry (nor holds one in registry/) is refused, not searched.

    A checkout's test registries must stay as they are.
    """
    (tmp_path / "tests" / "registry" / "centres").mkdir(parents=True)
    result = run(runner, "fmt", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"rarereg: error: {tmp_path}: not a registry (no hospitals/, networks/, campaigns/ or "
        "centres/ in it or in its registry/ folder)\n"
    )


def test_fmt_refuses_a_file_outside_kind_folders(runner: CliRunner, tmp_path: Path) -> None:
    """Its kind cannot be known, so it is not guessed."""
    stray = tmp_path / "x.yaml"
    stray.write_text("id: x\n", encoding="utf-8")
    result = run(runner, "fmt", stray)
    assert result.exit_code == 2
    assert result.stderr == (
        f"rarereg: error: {stray}: not a registry file (a .yaml file in hospitals/, networks/, "
        "campaigns/ or centres/), so its kind is unknown\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fmt_does_not_hang_on_a_fifo(runner: CliRunner, registry: Path) -> None:
    """A FIFO named like a registry file is reported, never opened for a blocking read."""
    fifo = registry / "hospitals" / "pipe.yaml"
    os.mkfifo(fifo)
    result = run(runner, "fmt", "--check", fifo)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{fifo}:1:1: error[unreadable] not a regular file\n")


def test_fmt_does_not_write_into_the_installed_registry(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With no registry around, fmt would edit rarereg's own copy: refused."""
    from rarereg.authoring import files

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(files, "is_bundled", lambda root: True)
    result = run(runner, "fmt")
    assert result.exit_code == 2
    assert "no registry checkout here" in result.stderr


# --- schemas ---------------------------------------------------------------------------------


def test_schema_prints_a_self_contained_schema(runner: CliRunner) -> None:
    """No reference leaves the document, so it validates with no other file."""
    result = run(runner, "schema", "centre")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == bundled("centre")
    refs = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert refs and all(r.startswith("#/$defs/") for r in refs)


def test_schema_refuses_an_unknown_kind(runner: CliRunner) -> None:
    """Usage error, with the choices."""
    result = run(runner, "schema", "clinic")
    assert result.exit_code == 2
    assert "'clinic' is not one of 'centre', 'hospital', 'network', 'campaign'" in result.stderr


def test_bundled_schemas_validate_with_jsonschema_alone() -> None:
    """Without rarereg's registry of schemas: the bundled copy is enough."""
    from jsonschema import Draft202012Validator

    from rarereg.yamlstrict import parse_bytes

    root = bundled_registry()
    for folder, kind in FOLDERS.items():
        validator = Draft202012Validator(bundled(kind))
        for path in sorted((root / folder).glob("*.yaml")):
            doc, _ = parse_bytes(path.read_bytes(), str(path))
            assert doc is not None
            assert list(validator.iter_errors(doc.data)) == [], path
    assert set(KINDS) == set(FOLDERS.values())


def _check_jsonschema() -> list[str]:
    found = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    return [found]


@pytest.mark.parametrize("kind", KINDS)
def test_check_jsonschema_accepts_the_registry_with_the_bundled_schema(
    kind: str, tmp_path: Path
) -> None:
    """Another validator, another YAML reader: the same verdict on the bundled registry."""
    schema = tmp_path / f"{kind}.schema.json"
    schema.write_text(json.dumps(bundled(kind)), encoding="utf-8")
    folder = {v: k for k, v in FOLDERS.items()}[kind]
    files = sorted(str(p) for p in (bundled_registry() / folder).glob("*.yaml"))
    done = subprocess.run(
        [*_check_jsonschema(), "--schemafile", str(schema), *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_jsonschema_resolves_the_schema_files_themselves(tmp_path: Path) -> None:
    """The repository's schemas resolve common.schema.json from their own place.

    A bad file is reported through the shared definitions.
    """
    from rarereg.schemas import schema_dir

    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Not A Slug\nname: x\nkind: crmr\nsites: []\nsources: []\n")
    done = subprocess.run(
        [*_check_jsonschema(), "--schemafile", str(schema_dir() / "centre.schema.json"), str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "'Not A Slug' does not match '^[a-z0-9]+(?:-[a-z0-9]+)*$'" in done.stdout


CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.parametrize("case", sorted(p.name for p in CORPUS.iterdir() if p.is_dir()))
def test_fmt_survives_the_hostile_corpus(runner: CliRunner, case: str, tmp_path: Path) -> None:
    """Every hostile file: reported or formatted, never a crash, and never a changed value."""
    root = tmp_path / "registry"
    shutil.copytree(CORPUS / case / "registry", root)
    result = run(runner, "fmt", root)
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    again = run(runner, "fmt", "--check", root)
    assert again.stdout == ""  # whatever was formatted is now canonical


_text = st.text(alphabet="ab :#'\"-é\n\t!&*?{}[],%@`|>0123456789.", max_size=12)
_scalar = st.one_of(
    _text,
    st.sampled_from(["yes", "no", "on", "~", "null", "010", "0x1f", "1_000", "2023-01-01", ".inf"]),
    st.integers(-5, 10**12),
    st.booleans(),
    st.none(),
)
_value = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_text.filter(bool), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["sites", "name", "id", "x", "label", "finess", "notes", "aliases"]),
        _value,
        min_size=1,
    ),
    st.booleans(),
)
def test_fmt_is_a_fixed_point_that_keeps_values(data: dict[str, object], flow: bool) -> None:
    """Whatever the values and however written, formatting keeps them and settles at once."""
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False)
    before, found = parse_text(text, "a")
    if before is None or any(f.severity.value == "error" for f in found):
        return  # the strict reader refuses it; fmt leaves such files alone
    out, findings = format_bytes(text.encode(), "hospital", "a")
    assert findings == [] and out is not None
    after, _ = parse_text(out, "b")
    assert after is not None
    assert after.data == _codes_as_text(before.data)
    assert format_bytes(out.encode(), "hospital", "a") == (out, [])


def _codes_as_text(data: dict[str, object]) -> dict[str, object]:
    """A FINESS written as a number is the one value fmt turns into text, as validate asks."""
    value = data.get("finess")
    if isinstance(value, int) and not isinstance(value, bool):
        return {**data, "finess": str(value)}
    return data


_registry_value = st.recursive(
    st.one_of(_text, st.integers(0, 99), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(
            st.text(alphabet="abc_", min_size=1, max_size=5), inner, min_size=1, max_size=3
        ),
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["sources", "name", "id", "city", "label", "region", "notes", "aliases"]),
        _registry_value,
        min_size=1,
    ),
    st.lists(st.integers(0, 40), max_size=4),
    st.booleans(),
)
def test_fmt_keeps_every_comment(data: dict[str, object], where: list[int], eol: bool) -> None:
    """Comments on their own lines or at line ends survive formatting, however keys move.

    Or the file is refused, when ruamel would drop one. Values as registry files hold them:
    no empty list items or mappings, keys on one line (with those, a comment may settle only
    on the second run, or fmt refuses the file; it never changes a value or drops a comment).
    """
    import yaml

    lines = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).splitlines()
    marks = []
    for n, at in enumerate(sorted(set(where))):
        if at < len(lines):
            mark = f"# note{n}"
            marks.append(mark)
            lines[at] = f"{lines[at]}  {mark}" if eol else f"{mark}\n{lines[at]}"
    text = "\n".join(lines) + "\n"
    before, found = parse_text(text, "a")
    plain, _ = parse_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "p")
    if before is None or plain is None or before.data != plain.data or found:
        return  # a comment inside a quoted text, or a value the strict reader refuses
    out, findings = format_bytes(text.encode(), "hospital", "a")
    if out is None:  # refused, never a lost comment
        assert [f.code for f in findings] == ["fmt-unreadable"]
        return
    for mark in marks:
        assert mark in out
    assert format_bytes(out.encode(), "hospital", "a") == (out, [])
