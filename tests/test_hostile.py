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
        [
            sys.executable,
            "-m",
            "rarereg",
            "validate",
            "-r",
            str(registry.resolve()),
            "-f",
            "json",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
        cwd=registry.resolve().parent,
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


AS_OF = "2026-01-01"
"""The date every corpus case is checked for, so outcomes do not move with the calendar."""


def outcome(registry: Path, *extra: str) -> dict[str, Any]:
    """The whole outcome of `validate`: exit code and every finding, paths inside the registry."""
    code, payload, stderr = validate_in_process(registry, "--as-of", AS_OF, *extra)
    check_clean_failure(code, payload, stderr)
    return {
        "exit": code,
        "findings": [
            [f["path"], f["line"], f["col"], f["code"], f["severity"]] for f in payload["findings"]
        ],
    }


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case: str) -> None:
    """Each stored case gives exactly its expected outcome: exit code and every finding."""
    expected = json.loads((CORPUS / case / "expected.json").read_text())
    assert outcome(CORPUS / case / "registry") == expected


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


def rarereg(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Any rarereg command in a child process with the time and memory limits."""
    return subprocess.run(
        [sys.executable, "-m", "rarereg", *[str(a) for a in args]],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
        cwd=cwd,
        check=False,
    )


@pytest.mark.parametrize("case", CASES)
def test_corpus_case_without_libyaml(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML's pure-Python parser gives every case the same outcome as libyaml."""
    import datetime as dt

    import yaml

    from rarereg import yamlstrict
    from rarereg.validate import validate

    monkeypatch.setattr(yamlstrict, "_LOADER", yaml.SafeLoader)
    registry = (CORPUS / case / "registry").resolve()
    report = validate(registry, registry.parent, today=dt.date.fromisoformat(AS_OF))
    expected = json.loads((CORPUS / case / "expected.json").read_text())
    found = [[f.path, f.line, f.col, f.code, f.severity.value] for f in report.findings]
    assert found == expected["findings"]


def test_pyyaml_without_libyaml_runs(reg: Path) -> None:
    """A PyYAML built without its C extension: the pure-Python parser, same findings."""
    (reg / "hospitals" / "h.yaml").write_text(hospital() + "notes: no\n")
    script = (
        "import sys, yaml; del yaml.CSafeLoader; from rarereg.cli import main; "
        f"sys.argv = ['rarereg', '--no-cache', 'validate', '-r', {str(reg)!r}]; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines()[0].endswith(
        "h.yaml:5:8: error[ambiguous-value] "
        + (
            "unquoted no is read as the text 'no', but other YAML readers take it for a boolean "
            "or number; quote it: 'no'"
        )
    )


def test_ninety_nine_thousand_aliases(reg: Path) -> None:
    """99,000 aliases in one file: checked in linear time (it took minutes), twice an error."""
    aliases = "".join(f"- a{i}\n" for i in range(99_000))
    (reg / "hospitals" / "h.yaml").write_text(
        f"id: h\nname: H\naliases:\n{aliases}- a5\nsources:\n- document: page.txt\n"
    )
    assert outcome(reg) == {
        "exit": 1,
        "findings": [["registry/hospitals/h.yaml", 4, 1, "schema", "error"]],
    }
    (reg / "hospitals" / "h.yaml").write_text(
        f"id: h\nname: H\naliases:\n{aliases}sources:\n- document: page.txt\n"
    )
    assert outcome(reg) == {"exit": 0, "findings": []}
    done = rarereg("list", "hospitals", "-r", reg, "-f", "csv")
    assert done.returncode == 0 and done.stdout.startswith("id,")


def test_special_files_are_findings_never_opened(reg: Path) -> None:
    """A FIFO named x.yaml (opening it would block) and a device: findings, never read."""
    os.mkfifo(reg / "hospitals" / "fifo.yaml")
    findings = [["registry/hospitals/fifo.yaml", 1, 1, "special-file", "error"]]
    try:
        os.mknod(reg / "hospitals" / "null.yaml", 0o600 | 0o020000, os.makedev(1, 3))
        findings.append(["registry/hospitals/null.yaml", 1, 1, "special-file", "error"])
    except PermissionError:
        pass  # not allowed to make devices here: the FIFO shows the same path
    assert outcome(reg) == {"exit": 1, "findings": findings}
    done = rarereg("list", "hospitals", "-r", reg, "-f", "csv")
    assert done.returncode == 0 and "Traceback" not in done.stderr


def test_kind_folder_linked_out_of_the_registry(reg: Path, tmp_path: Path) -> None:
    """A kind folder that is a symbolic link out: a finding, and nothing in it is read."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "c.yaml").write_text("id: c\nname: [unclosed\n")
    (reg / "centres").symlink_to(outside)
    assert outcome(reg) == {
        "exit": 1,
        "findings": [["registry/centres", 1, 1, "symlink", "error"]],
    }


def test_file_name_that_is_not_utf8(reg: Path) -> None:
    """A file name with a byte that is not UTF-8: a finding printed with an escape, no crash."""
    name = os.fsencode(reg / "hospitals") + b"/caf\xe9.yaml"
    with open(name, "wb") as handle:  # noqa: PTH123 - a bytes path
        handle.write(hospital("cafe").encode())
    assert outcome(reg) == {
        "exit": 1,
        "findings": [["registry/hospitals/caf\\xe9.yaml", 1, 1, "file-name", "error"]],
    }
    text = rarereg("validate", "-r", reg)
    assert text.returncode == 1 and text.stderr == ""


def test_huge_spans_and_the_end_of_the_calendar(reg: Path) -> None:
    """8000y windows and --as-of 9999-12-31 end at once: no hang, no crash."""
    (reg / "campaigns").mkdir()
    (reg / "campaigns" / "c.yaml").write_text(
        "id: c\nname: C\nstart: '9994-12-31'\nend: '9999-12-31'\nsources:\n- document: page.txt\n"
    )
    (reg / "centres").mkdir()
    (reg / "centres" / "x.yaml").write_text(
        "id: x\nname: X\nkind: ccmr\nlabel:\n  campaign: c\nsites:\n- hospital: h\n"
        "  role: competence\nsources:\n- document: page.txt\n"
    )
    (reg.parent / "rarereg.toml").write_text('expiry-window = "8000y"\n')
    expiring = ["registry/centres/x.yaml", 5, 13, "label-expiring", "warning"]
    assert outcome(reg) == {"exit": 0, "findings": [expiring]}
    assert outcome(reg, "--as-of", "9999-12-31", "--expiry-window", "8000y") == {
        "exit": 0,
        "findings": [expiring],
    }
    done = rarereg("expiring", "-r", reg, "--within", "8000y", "--as-of", "9999-12-31")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    ics = rarereg("expiring", "-r", reg, "--format", "ics", "--within", "8000y")
    assert ics.returncode == 0
    assert "DTSTART;VALUE=DATE:99991231" in ics.stdout and "DTEND" not in ics.stdout
    (reg.parent / "rarereg.toml").write_text('expiry-window = "eight"\n')
    bad = rarereg("list", "-r", reg)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "rarereg.toml" in bad.stderr
    assert bad.stderr.startswith("rarereg: error: ")  # a usage error, not an internal one


def test_against_csv_that_is_hostile(reg: Path, tmp_path: Path) -> None:
    """A FIFO, extra columns, a 200,000-character cell: a result or one line, never a hang."""
    fifo = tmp_path / "list.csv"
    os.mkfifo(fifo)
    done = rarereg("compare", "--against", fifo, "-r", reg)
    assert done.returncode == 2 and done.stderr == f"rarereg: error: {fifo}: not a regular file\n"
    extra = tmp_path / "extra.csv"
    extra.write_text("kind,name,hospital,network\ncrmr,X,h,n,surplus,more\n")
    done = rarereg("compare", "--against", extra, "-r", reg, "-f", "json")
    assert done.returncode == 0, done.stderr
    big = tmp_path / "big.csv"
    big.write_text("kind,name,hospital,network\ncrmr," + "x" * 200_000 + ",h,n\n")
    done = rarereg("compare", "--against", big, "-r", reg, "-f", "json")
    assert done.returncode == 0, done.stderr


def test_paths_through_dotdot_and_linked_folders(reg: Path, tmp_path: Path) -> None:
    """`centres/../hospitals/x.yaml` and a path through a linked folder name that file."""
    (reg / "hospitals" / "x.yaml").write_text(hospital("x") + "notes: on\n")
    (reg / "centres").mkdir()
    expected = {
        "exit": 1,
        "findings": [["registry/hospitals/x.yaml", 5, 8, "ambiguous-value", "error"]],
    }
    assert outcome(reg, str(reg / "centres" / ".." / "hospitals" / "x.yaml")) == expected
    link = tmp_path / "link"
    link.symlink_to(reg)
    assert outcome(reg, str(link / "hospitals" / "x.yaml")) == expected
    assert outcome(reg, str(link / "hospitals")) == expected
    assert outcome(reg, str(reg / "hospitals" / "h.yaml")) == {"exit": 0, "findings": []}


def test_ctrl_c_during_a_cold_validate(reg: Path) -> None:
    """Ctrl-C while workers parse: one line, exit 130, no traceback from any process."""
    import signal
    import time

    from rarereg import loader

    if min(os.cpu_count() or 1, 8) < 2:
        pytest.skip("one core: rarereg parses in-process, without workers to interrupt")
    assert loader.PARALLEL_MIN <= 6000
    for i in range(6000):
        (reg / "hospitals" / f"h{i}.yaml").write_text(hospital(f"h{i}"))
    child = subprocess.Popen(
        [sys.executable, "-m", "rarereg", "--no-cache", "validate", "-r", str(reg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    children = Path(f"/proc/{child.pid}/task/{child.pid}/children")
    while child.poll() is None and not children.read_text().split():
        time.sleep(0.005)  # until the worker processes have started parsing
    assert child.poll() is None, "the run ended before it could be interrupted"
    os.killpg(child.pid, signal.SIGINT)  # as a terminal does: every process of the group
    out, err = child.communicate(timeout=TIME_LIMIT)
    assert (child.returncode, out, err) == (130, "", "rarereg: interrupted\n")


def test_nfd_names_match(reg: Path) -> None:
    """A name stored decomposed (NFD) matches the composed name typed, and the other way."""
    import unicodedata

    (reg / "hospitals" / "p.yaml").write_text(
        f"id: p\nname: {unicodedata.normalize('NFD', 'Hôpital Pitié')}\n"
        "sources:\n- document: page.txt\n"
    )
    for typed in ("Hôpital Pitié", unicodedata.normalize("NFD", "Hôpital Pitié")):
        done = rarereg("list", "hospitals", "-r", reg, "--search", typed, "-f", "csv")
        assert done.returncode == 0, done.stderr
        assert [line.split(",")[0] for line in done.stdout.splitlines()[1:]] == ["p"]
        # --hospital knows the name (an unknown one exits 2); p hosts no centre.
        done = rarereg("list", "-r", reg, "--hospital", typed, "-f", "csv")
        assert (done.returncode, done.stdout.count("\n")) == (0, 1), done.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero", "link"])
def test_cache_files_that_are_not_regular_files(reg: Path, tmp_path: Path, kind: str) -> None:
    """Cache files that are FIFOs or links: never read (no hang) nor written through."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n")
    cache = tmp_path / "cache"
    first = rarereg("--cache-dir", cache, "validate", "-r", reg)
    assert first.returncode == 0
    made = sorted(p for p in cache.rglob("*") if p.is_file())
    assert len(made) >= 2  # the records (in shards) and the kept results
    for path in made:
        path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero" if kind == "zero" else victim)
    for args in (["validate"], ["list", "hospitals", "-f", "csv"]):
        warm = rarereg("--cache-dir", cache, *args, "-r", reg)
        cold = rarereg("--no-cache", *args, "-r", reg)
        assert (warm.returncode, warm.stdout, warm.stderr) == (0, cold.stdout, "")
    assert victim.read_text() == "keep\n"


def test_digits_that_are_not_ascii_are_refused(reg: Path) -> None:
    """'٣d' (Arabic-Indic three) is not a span; ²/٣ in SOURCE_DATE_EPOCH or COLUMNS: no crash."""
    (reg.parent / "rarereg.toml").write_text('expiry-window = "٣d"\n')
    bad = rarereg("validate", "-r", reg)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == (
        f"rarereg: error: {reg.parent / 'rarereg.toml'}: expiry-window: span '٣d' is not"
        " understood; write e.g. 180d, 26w, 6m or 1y\n"
    )
    (reg.parent / "rarereg.toml").unlink()
    for span in ("٣d", "３d", "3d\u00a0"):
        done = rarereg("expiring", "-r", reg, "--within", span)
        assert (done.returncode, done.stdout) == (2, ""), span
        assert done.stderr.startswith("rarereg: error: --within: span ") and "Traceback" not in (
            done.stderr
        )
    for value in ("²", "١٧٠٠٠٠٠٠٠٠"):
        env = {**os.environ, "SOURCE_DATE_EPOCH": value, "COLUMNS": value}
        for args in (["export", "json"], ["list", "hospitals"]):
            done = subprocess.run(
                [sys.executable, "-m", "rarereg", *args, "-r", str(reg)],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            assert done.returncode == 0 and "error" not in done.stderr, (value, args)
        done = subprocess.run(
            [sys.executable, "-m", "rarereg", "expiring", "-r", str(reg), "-f", "ics"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            f"rarereg: error: SOURCE_DATE_EPOCH must be whole seconds since 1970, not '{value}'\n"
        )


def test_sources_folder_linked_out_and_documents_that_are_not_files(
    reg: Path, tmp_path: Path
) -> None:
    """sources/ linked out of the registry is a finding; a FIFO, socket or folder is no document."""
    import socket

    unknown = ["registry/hospitals/h.yaml", 4, 13, "unknown-source", "error"]
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "page.txt").write_text("page\n")
    (reg / "sources" / "page.txt").unlink()
    (reg / "sources").rmdir()
    (reg / "sources").symlink_to(outside)
    linked = ["registry/sources", 1, 1, "symlink", "error"]
    assert outcome(reg) == {"exit": 1, "findings": [unknown, linked]}
    (reg / "sources").unlink()
    (reg / "sources").mkdir()
    page = reg / "sources" / "page.txt"
    os.mkfifo(page)  # never opened: validate would block on it
    assert outcome(reg) == {"exit": 1, "findings": [unknown]}
    page.unlink()
    page.mkdir()
    assert outcome(reg) == {"exit": 1, "findings": [unknown]}
    page.rmdir()
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(page))
        assert outcome(reg) == {"exit": 1, "findings": [unknown]}
    page.unlink()
    page.symlink_to(outside / "page.txt")
    assert outcome(reg) == {"exit": 1, "findings": [unknown]}
    page.unlink()
    (reg / "sources" / "real.txt").write_text("page\n")
    page.symlink_to("real.txt")
    assert outcome(reg) == {"exit": 0, "findings": []}


def test_yaml_files_deep_down_are_reported_within_bounds(reg: Path, tmp_path: Path) -> None:
    """YAML files two or more levels down are unknown-file, within bounds.

    Hidden and linked folders are not searched; the search stops at its depth with a warning.
    """
    from rarereg import loader

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.yaml").write_text(hospital("x"))
    for folder in ("centres/a/b", "other/a", ".git/objects", "other/.cache", "centres/.drafts"):
        (reg / folder).mkdir(parents=True)
        (reg / folder / "x.yaml").write_text(hospital("x"))
    (reg / "other" / "link").symlink_to(tmp_path / "elsewhere")
    (reg / "other" / "loop").symlink_to(reg / "other")
    deep = reg / "deep"
    for _ in range(loader.MAX_STRAY_DEPTH + 3):
        deep /= "d"
    deep.mkdir(parents=True)
    (deep / "x.yaml").write_text(hospital("x"))
    stop = "registry/deep" + "/d" * (loader.MAX_STRAY_DEPTH - 1)
    assert outcome(reg) == {
        "exit": 0,
        "findings": [
            ["registry/centres/.drafts/x.yaml", 1, 1, "unknown-file", "warning"],
            ["registry/centres/a/b/x.yaml", 1, 1, "unknown-file", "warning"],
            [stop, 1, 1, "unknown-file", "warning"],
            ["registry/other/a/x.yaml", 1, 1, "unknown-file", "warning"],
        ],
    }
    done = rarereg("validate", "-r", reg)
    assert (
        f"{stop}:1:1: warning[unknown-file] subfolders not searched for YAML files "
        f"(over {loader.MAX_STRAY_DEPTH} levels deep): keep only registry files here"
    ) in done.stdout
