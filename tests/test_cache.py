"""The cache of parsed files: correct after every kind of change, harmless when broken."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rarereg import loader, schemas
from rarereg.validate import validate


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files parsed (not taken from the cache) during a test."""
    seen: list[str] = []
    real = loader.entry_from_bytes

    def counting(kind: str, stem: str, shown: str, raw: bytes) -> loader.Entry:
        seen.append(stem)
        return real(kind, stem, shown, raw)

    monkeypatch.setattr(loader, "entry_from_bytes", counting)
    return seen


def age(registry: Path, seconds: int = 60) -> None:
    """Make every file look older than the cache, as files usually are."""
    for path in registry.rglob("*.yaml"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def codes(registry: Path, cache: Path) -> list[str]:
    """Finding codes of a cached validation run."""
    return [f.code for f in validate(registry, registry.parent, cache_dir=cache).findings]


def test_unchanged_files_are_not_parsed_again(
    registry: Path, tmp_path: Path, parses: list[str]
) -> None:
    """The second run takes every file from the cache and finds the same."""
    age(registry)
    cache = tmp_path / "c"
    first = codes(registry, cache)
    assert len(parses) == 12
    parses.clear()
    assert codes(registry, cache) == first
    assert parses == []


def test_changed_file_is_parsed_again(registry: Path, tmp_path: Path, parses: list[str]) -> None:
    """An edited file is read afresh and its new problem reported."""
    age(registry)
    cache = tmp_path / "c"
    codes(registry, cache)
    parses.clear()
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_text(path.read_text() + "finess: '123456789'\n")
    assert "finess-key" in codes(registry, cache)
    assert parses == ["chu-reims"]


def test_touched_but_unchanged_file_is_not_parsed(
    registry: Path, tmp_path: Path, parses: list[str]
) -> None:
    """A new modification time with the same content: the hash says it is unchanged."""
    age(registry)
    cache = tmp_path / "c"
    codes(registry, cache)
    parses.clear()
    (registry / "hospitals" / "chu-reims.yaml").touch()
    codes(registry, cache)
    assert parses == []


def test_same_size_same_time_edit_is_caught(registry: Path, tmp_path: Path) -> None:
    """An edit that keeps size and time, right after the cache was written, is still seen."""
    cache = tmp_path / "c"
    path = registry / "hospitals" / "chu-reims.yaml"
    codes(registry, cache)
    st = path.stat()
    path.write_text(path.read_text().replace("city: Reims", "city: REIMS"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    reg = loader.load(registry, registry.parent, cache)
    entry = next(e for e in reg.entries if e.stem == "chu-reims")
    assert entry.doc is not None and entry.doc.data["city"] == "REIMS"


def test_schema_change_empties_the_cache(
    registry: Path, tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The schemas' digest is part of the key: a new schema parses everything again."""
    age(registry)
    cache = tmp_path / "c"
    codes(registry, cache)
    parses.clear()
    monkeypatch.setattr(schemas, "schema_fingerprint", lambda: "another-schema")
    codes(registry, cache)
    assert len(parses) == 12


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format": 1, "files": []}',
        b'{"format": 1, "written_ns": 9e99, "files": {"x": 1}}',
    ],
)
def test_corrupt_cache_is_rebuilt(registry: Path, tmp_path: Path, garbage: bytes) -> None:
    """A cache that does not parse or has the wrong shape is ignored, then rewritten."""
    cache = tmp_path / "c"
    expected = codes(registry, cache)
    (cache_file,) = cache.iterdir()
    cache_file.write_bytes(garbage)
    assert codes(registry, cache) == expected
    assert json.loads(cache_file.read_bytes())["format"] == 1


def test_poisoned_record_is_not_trusted(registry: Path, tmp_path: Path) -> None:
    """A record of the wrong shape is parsed afresh, not believed."""
    age(registry)
    cache = tmp_path / "c"
    codes(registry, cache)
    (cache_file,) = cache.iterdir()
    payload = json.loads(cache_file.read_bytes())
    for name in payload["files"]:
        payload["files"][name][4] = [["x"]]
    cache_file.write_text(json.dumps(payload))
    assert codes(registry, cache) == []


def test_unwritable_cache_folder_still_works(registry: Path, tmp_path: Path) -> None:
    """When the cache cannot be written, the run works as without one."""
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    assert codes(registry, blocker / "cache") == []


def test_two_runs_at_once(registry: Path, tmp_path: Path) -> None:
    """Two processes sharing a cache both succeed and leave a whole cache."""
    env = {**os.environ, "RAREREG_CACHE_DIR": str(tmp_path / "shared")}
    cmd = [sys.executable, "-m", "rarereg", "validate", "-r", str(registry)]
    runs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in runs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert b"ok: 12 files" in out
    (cache_file,) = (tmp_path / "shared").iterdir()
    assert len(json.loads(cache_file.read_bytes())["files"]) == 12


def test_findings_from_cache_still_have_positions(registry: Path, tmp_path: Path) -> None:
    """A cross-file finding in a cached file points at the right line (re-read on demand)."""
    age(registry)
    cache = tmp_path / "c"
    codes(registry, cache)
    (registry / "hospitals" / "chu-reims.yaml").unlink()
    found = validate(registry, registry.parent, cache_dir=cache).findings
    assert [(f.code, f.line, f.col) for f in found] == [("unknown-reference", 14, 13)]


def test_no_cache_option(registry: Path, tmp_path: Path) -> None:
    """--no-cache neither reads nor writes a cache."""
    env = {**os.environ, "RAREREG_CACHE_DIR": str(tmp_path / "unused")}
    subprocess.run(
        [sys.executable, "-m", "rarereg", "--no-cache", "validate", "-r", str(registry)],
        env=env,
        check=True,
        capture_output=True,
    )
    assert not (tmp_path / "unused").exists()


def test_parallel_parse_gives_the_same_findings(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes find exactly what one process finds."""
    (registry / "hospitals" / "chu-reims.yaml").write_text("id: chu-reims\nname: [\n")
    single = codes(registry, tmp_path / "a")
    monkeypatch.setattr(loader, "PARALLEL_MIN", 1)
    assert codes(registry, tmp_path / "b") == single
