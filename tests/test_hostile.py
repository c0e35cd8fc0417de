"""Hostile and broken input: clear findings, bounded time and memory, no traceback, ever."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rarereg import schemas
from rarereg.loader import read_entry
from rarereg.yamlstrict import parse_bytes

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file())
MEMORY_LIMIT = 1024 * 1024 * 1024
TIME_LIMIT = 60
FUZZ_EXAMPLES = int(os.environ.get("RAREREG_FUZZ_EXAMPLES", "300"))


def _limit_memory() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def validate_in_process(registry: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    """`rarereg validate --format json` in a child process with time and memory limits."""
    done = subprocess.run(
        [sys.executable, "-m", "rarereg", "validate", "-r", str(registry), "-f", "json", *extra],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
        check=False,
    )
    payload = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, payload, done.stderr


def check_clean_failure(code: int, payload: dict[str, Any], stderr: str) -> set[str]:
    """No crash: exit 1 with findings that all carry a place and a code, nothing on stderr."""
    assert "Traceback" not in stderr
    assert code in (0, 1), stderr
    for finding in payload["findings"]:
        assert finding["path"] and finding["code"] and finding["line"] >= 1
    return {f["code"] for f in payload["findings"]}


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case: str) -> None:
    """Each stored case gives its expected codes."""
    expected = set(json.loads((CORPUS / case / "expected.json").read_text())["codes"])
    codes = check_clean_failure(*validate_in_process(CORPUS / case / "registry"))
    assert expected <= codes


def hospital(name: str = "h") -> str:
    """A valid hospital file."""
    return f"id: {name}\nname: H\nsources:\n- document: page.txt\n"


@pytest.fixture
def reg(tmp_path: Path) -> Path:
    """An empty registry with a hospital and its source document."""
    root = tmp_path / "registry"
    (root / "hospitals").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "sources" / "page.txt").write_text("page\n")
    (root / "hospitals" / "h.yaml").write_text(hospital())
    return root


def test_fifty_megabyte_file(reg: Path) -> None:
    """A 50 MB file is refused by its size without being read whole."""
    with (reg / "hospitals" / "big.yaml").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    codes = check_clean_failure(*validate_in_process(reg))
    assert "file-too-large" in codes


def test_two_hundred_thousand_keys(reg: Path) -> None:
    """A file of 200,000 keys stops at the size or value-count limit."""
    text = "".join(f"k{i}: v\n" for i in range(200_000))
    (reg / "hospitals" / "keys.yaml").write_text(text)
    codes = check_clean_failure(*validate_in_process(reg))
    assert codes & {"file-too-large", "too-large"}


def test_symlinks_outside_and_looping(reg: Path, tmp_path: Path) -> None:
    """A link out of the registry, and a link loop, are findings; nothing is read through them."""
    secret = tmp_path / "secret.yaml"
    secret.write_text(hospital("secret"))
    (reg / "hospitals" / "secret.yaml").symlink_to(secret)
    (reg / "hospitals" / "loop.yaml").symlink_to(reg / "hospitals" / "loop.yaml")
    code, payload, stderr = validate_in_process(reg)
    codes = check_clean_failure(code, payload, stderr)
    assert codes == {"symlink"}
    assert len(payload["findings"]) == 2


def test_unreadable_and_vanishing_files(reg: Path) -> None:
    """A file that cannot be read, or vanishes while the registry is read, is a finding."""
    (reg / "hospitals" / "folder.yaml").mkdir()
    codes = check_clean_failure(*validate_in_process(reg))
    assert codes == {"unreadable"}
    gone = read_entry("hospital", reg / "hospitals" / "gone.yaml", "hospitals/gone.yaml")
    assert [f.code for f in gone.findings] == ["unreadable"]


def test_nothing_is_written_or_run(reg: Path, tmp_path: Path) -> None:
    """A python tag does not run: the marker file is never created."""
    marker = tmp_path / "pwned"
    (reg / "hospitals" / "evil.yaml").write_text(
        f"id: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    check_clean_failure(*validate_in_process(reg))
    assert not marker.exists()


def test_csv_output_defuses_formulas(reg: Path) -> None:
    """A name starting with '=' reaches a CSV cell as text."""
    (reg / "hospitals" / "h.yaml").write_text(
        'id: h\nname: "=HYPERLINK(\\"http://x\\")"\nsources:\n- document: page.txt\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "rarereg", "list", "hospitals", "-r", str(reg), "-f", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'=HYPERLINK" in done.stdout


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_fuzz_bytes(data: bytes) -> None:
    """Arbitrary bytes: no exception escapes, every finding has a place and a code."""
    doc, findings = parse_bytes(data, "f.yaml")
    for finding in findings:
        assert finding.path == "f.yaml" and finding.code and finding.line >= 1
    if doc is not None:
        for finding in schemas.check("centre", doc, "f.yaml"):
            assert finding.code == "schema" and finding.line >= 1


_scalars = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.none(),
    st.sampled_from(["no", "010780054", "2027-02-30", "crmr", "&a", "*a", "#x"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "id",
        "name",
        "kind",
        "sites",
        "label",
        "sources",
        "network",
        "erns",
        "reference_centre",
        "finess",
        "parent",
        "x",
    ]
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _values, max_size=8), st.sampled_from(schemas.KINDS))
def test_fuzz_documents(document: dict[str, Any], kind: str) -> None:
    """Arbitrary YAML mappings of any shape through loader, schema and cross-file checks."""
    import yaml

    from rarereg import checks
    from rarereg.loader import Entry, Loaded

    text = yaml.safe_dump(document, allow_unicode=True)
    doc, findings = parse_bytes(text.encode(), "f.yaml")
    if doc is None:
        return
    findings += schemas.check(kind, doc, "f.yaml")
    entry = Entry(kind, "f", "f.yaml", doc, findings)
    for finding in [*findings, *checks.run(Loaded(Path("/nonexistent"), [entry]))]:
        assert finding.path == "f.yaml" and finding.code and finding.line >= 1
