"""The cache of parsed files: correct after every kind of change, harmless when broken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rarereg import cache as cache_module
from rarereg import loader, schemas
from rarereg.cache import read_cache_file
from rarereg.validate import validate
from tests.helpers import tamper_cache


def age(registry: Path, seconds: int = 60) -> None:
    """Make every file look older than the cache, as files usually are."""
    for path in registry.rglob("*.yaml"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def records_folder(folder: Path) -> Path:
    """The cache's folder of record shards (beside it, the files of kept results and rows)."""
    (found,) = [p for p in folder.iterdir() if p.is_dir()]
    return found


def shard_files(folder: Path) -> list[Path]:
    """Every shard file of the cache in ``folder``."""
    return sorted(records_folder(folder).glob("*.json"))


def all_records(folder: Path) -> dict[str, Any]:
    """Every record of every shard."""
    out: dict[str, Any] = {}
    for shard in shard_files(folder):
        whole = read_cache_file(shard)
        assert whole is not None, shard
        out.update(whole["files"])
    return out


def forget_results(cache: Path) -> None:
    """Remove the kept results and rows, so that the next run reads the records of every file."""
    for kept in [*cache.glob("*.results.json"), *cache.glob("*.rows")]:
        kept.unlink()


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


def cache_format() -> int:
    """The format the cache is written in."""
    from rarereg import cache

    return cache.FORMAT


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
    """A shard that does not parse or has the wrong shape is ignored, then rewritten."""
    cache = tmp_path / "c"
    expected = codes(registry, cache)
    shards = shard_files(cache)
    for shard in shards:
        shard.write_bytes(garbage)
    forget_results(cache)
    assert codes(registry, cache) == expected
    assert shard_files(cache) == shards
    for shard in shards:
        rebuilt = read_cache_file(shard)
        assert rebuilt is not None and rebuilt["format"] == cache_format()


def test_poisoned_record_is_not_trusted(registry: Path, tmp_path: Path) -> None:
    """A record of the wrong shape is parsed afresh, not believed."""
    age(registry)
    cache = tmp_path / "c"
    codes(registry, cache)

    def poison(files: dict[str, Any]) -> None:
        for name in files:
            files[name][4] = [["x"]]

    for shard in shard_files(cache):
        tamper_cache(shard, poison)
    assert codes(registry, cache) == []


def test_one_edit_rewrites_one_shard(registry: Path, tmp_path: Path) -> None:
    """An edited file rewrites the shard that holds it, and no other."""
    age(registry)
    cache = tmp_path / "c"
    codes(registry, cache)
    before = {p.name: p.stat().st_mtime_ns for p in shard_files(cache)}
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_text(path.read_text().replace("city: Reims", "city: REIMS"))
    forget_results(cache)
    codes(registry, cache)
    after = {p.name: p.stat().st_mtime_ns for p in shard_files(cache)}
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == [f"{cache_module.shard_of(str(path)):02d}.json"]
    assert all_records(cache)[str(path)][3]["city"] == "REIMS"


def test_deleted_files_leave_the_cache(registry: Path, tmp_path: Path) -> None:
    """Records of files that are gone are dropped, shard files emptied of them removed."""
    age(registry)
    cache = tmp_path / "c"
    codes(registry, cache)
    for path in (registry / "hospitals").glob("*.yaml"):
        path.unlink()
    codes(registry, cache)
    assert len(all_records(cache)) == 12 - 5
    assert all((read_cache_file(s) or {}).get("files") for s in shard_files(cache))


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
    assert len(all_records(tmp_path / "shared")) == 12


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


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux memory maps")
def test_reading_many_files_does_not_map_a_page_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file is read into a buffer of its size, not a 1 MiB one shrunk to a mapped page.

    With one memory mapping per file, 65,530 files (Linux's usual limit) made the process
    unable to load a shared library: a 100,000-file registry crashed.
    """
    from benchmarks.generate import generate

    generate(tmp_path / "registry", 3000, seed=2)

    def maps() -> int:
        return len(Path("/proc/self/maps").read_text().splitlines())

    held: list[bytes] = []
    real = loader._read_raw

    def holding(*args: Any) -> Any:
        result = real(*args)
        held.append(result[0])  # keep every file's bytes alive, as a worker might
        return result

    monkeypatch.setattr(loader, "_read_raw", holding)
    monkeypatch.setattr(loader, "PARALLEL_MIN", 10**9)  # in this process, to see its maps
    before = maps()
    loaded = loader.load(tmp_path / "registry", tmp_path)
    assert len(loaded.entries) == 3000 and len(held) == 3000
    peak = [maps()]
    assert peak[0] - before < 1000


def test_unchanged_registry_reuses_the_last_findings(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same files, same date, same settings: the findings of the last run, no checks run."""
    import datetime as dt

    from rarereg import checks

    age(registry)
    cache = tmp_path / "c"
    first = codes(registry, cache)
    calls: list[int] = []
    real = checks.run
    monkeypatch.setattr(checks, "run", lambda loaded, *_: calls.append(1) or real(loaded))
    assert codes(registry, cache) == first
    assert calls == []
    later = validate(registry, registry.parent, cache_dir=cache, today=dt.date(2027, 12, 1))
    assert calls == [1]
    assert {f.code for f in later.findings} == {"label-expiring"}
    (registry / "rarereg.toml").write_text('[rules]\nlabel-expiring = "off"\n')
    validate(registry, registry.parent, cache_dir=cache, today=dt.date(2027, 12, 1))
    assert calls == [1, 1]


@pytest.mark.parametrize("garbage", [b"{", b'{"key": 1}', b'{"key": "k", "findings": [[1]]}'])
def test_corrupt_results_are_recomputed(registry: Path, tmp_path: Path, garbage: bytes) -> None:
    """A kept result that does not parse is ignored."""
    cache = tmp_path / "c"
    expected = codes(registry, cache)
    (results,) = [p for p in cache.iterdir() if p.name.endswith(".results.json")]
    results.write_bytes(garbage)
    assert codes(registry, cache) == expected


def test_gc_pause_restores_the_collector() -> None:
    """Pausing the cycle collector for a bulk load leaves it as it was, even on error."""
    import gc

    from rarereg import gcpause

    assert gc.isenabled()
    with pytest.raises(ValueError), gcpause.paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_racy_file_is_compared_by_content(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file changed in the same tick as it was checked: its content decides.

    Same size and time, new content: the kept findings are not served. An untouched recent file
    keeps them.
    """
    from rarereg import checks

    cache = tmp_path / "c"
    assert codes(registry, cache) == []  # every file is recent: all racy
    calls: list[int] = []
    real = checks.run
    monkeypatch.setattr(checks, "run", lambda loaded, *_: calls.append(1) or real(loaded))
    assert codes(registry, cache) == []
    assert calls == []  # same contents: the kept findings answer
    path = registry / "hospitals" / "chu-lille.yaml"
    st = path.stat()
    path.write_text(path.read_text().replace("590780193", "590780194"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same time
    assert codes(registry, cache) == ["finess-key"]
    assert calls == [1]


def test_files_swapped_by_renaming_are_read_again(registry: Path, tmp_path: Path) -> None:
    """Two files of one size and time swapped with `mv`: the cache must not serve either."""
    folder = registry / "hospitals"
    text = (folder / "chu-reims.yaml").read_text()
    for name in ("hosp-aa", "hosp-bb"):
        (folder / f"{name}.yaml").write_text(text.replace("chu-reims", name))
    for path in folder.iterdir():
        os.utime(path, ns=(1_577_836_800_000_000_000, 1_577_836_800_000_000_000))
    cache = tmp_path / "c"
    assert "id-mismatch" not in codes(registry, cache)
    (folder / "hosp-aa.yaml").rename(folder / "tmp")
    (folder / "hosp-bb.yaml").rename(folder / "hosp-aa.yaml")
    (folder / "tmp").rename(folder / "hosp-bb.yaml")
    fresh = [f.code for f in validate(registry, registry.parent).findings]
    assert fresh.count("id-mismatch") == 2
    assert codes(registry, cache) == fresh
