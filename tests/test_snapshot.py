"""Warm queries from the snapshot of the built registry: the same answers, never a stale one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from rarereg import model, shares, validate, warmstart
from rarereg.model import Registry, load_registry


def age(registry: Path, seconds: int = 60) -> None:
    """Make every file look older than the caches, as files usually are."""
    for path in registry.rglob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def view(reg: Registry) -> dict[str, Any]:
    """Everything a query can see of a registry."""
    return {
        "tables": [
            {k: e.raw for k, e in t.items()}
            for t in (reg.hospitals, reg.networks, reg.campaigns, reg.centres)
        ],
        "paths": reg.paths,
        "skipped": reg.skipped,
        "children": {k: reg.children(k) for k in reg.hospitals},
    }


@pytest.fixture(autouse=True, params=["overlapped", "one after the other"])
def overlap(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Every test both ways: the stamp taken by a fork while the snapshot is read, and not."""
    overlapped = request.param == "overlapped"
    monkeypatch.setattr(warmstart, "WORTH_BYTES", 0 if overlapped else 1 << 62)
    return overlapped


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A cache folder of its own."""
    return tmp_path / "cache"


@pytest.fixture
def no_validation(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the validation runs a query makes."""
    runs: list[int] = []
    real = validate.run

    def counting(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(validate, "run", counting)
    return runs


def test_second_query_is_served_from_the_snapshot(
    registry: Path, cache: Path, no_validation: list[int]
) -> None:
    """Nothing changed: the registry comes from the snapshot, exactly as built the first time."""
    age(registry)
    first = load_registry(registry, registry.parent, cache)
    assert no_validation == [1]
    second = load_registry(registry, registry.parent, cache)
    assert no_validation == [1]
    assert view(second) == view(first)


def test_snapshot_keeps_skipped_files(
    make_registry: Any, base_data: dict[str, Any], cache: Path, no_validation: list[int]
) -> None:
    """A file that fails validation stays out of the rebuilt registry, and is listed as skipped."""
    base_data["hospitals"]["chu-reims"]["parent"] = "no-such-hospital"
    registry = make_registry(base_data)
    age(registry)
    first = load_registry(registry, registry.parent, cache)
    second = load_registry(registry, registry.parent, cache)
    assert no_validation == [1]
    assert "chu-reims" not in second.hospitals
    assert second.skipped == first.skipped and second.skipped


def test_an_edit_is_never_served_stale(
    registry: Path, cache: Path, no_validation: list[int]
) -> None:
    """An edited file changes the key: the registry is built again, with the edit."""
    age(registry)
    load_registry(registry, registry.parent, cache)
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_text(path.read_text().replace("city: Reims", "city: REIMS"))
    age(registry)
    reg = load_registry(registry, registry.parent, cache)
    assert no_validation == [1, 1]
    assert reg.hospitals["chu-reims"].city == "REIMS"


def test_a_deleted_source_is_never_served_stale(
    registry: Path, cache: Path, no_validation: list[int]
) -> None:
    """Deleting a source document changes what passes validation: built again."""
    age(registry)
    assert "chu-reims" in load_registry(registry, registry.parent, cache).hospitals
    (registry / "sources" / "page.txt").unlink()
    reg = load_registry(registry, registry.parent, cache)
    assert no_validation == [1, 1]
    assert reg.hospitals == {}


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"",
        lambda raw: b"garbage",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw.replace(b"CHU de Reims", b"CHU de Rheims"),
        lambda raw: raw.split(b"\n", 1)[0] + b'\n[[["hospital", "x", {}]], []]',
    ],
    ids=["empty", "garbage", "truncated", "edited", "reshaped"],
)
def test_damaged_snapshot_is_a_miss(
    registry: Path, cache: Path, no_validation: list[int], damage: Any
) -> None:
    """A snapshot that is altered or torn is never believed: the registry is built again."""
    age(registry)
    first = load_registry(registry, registry.parent, cache)
    path = validate.snapshot_path(registry, cache)
    path.write_bytes(damage(path.read_bytes()))
    again = load_registry(registry, registry.parent, cache)
    assert no_validation == [1, 1]
    assert view(again) == view(first)


def test_unbuildable_snapshot_is_a_miss(
    registry: Path, cache: Path, no_validation: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sealed data that the index cannot build (another version's) is a miss, not a crash."""
    age(registry)
    first = load_registry(registry, registry.parent, cache)
    from rarereg import snapshot

    real = snapshot.read

    def unbuildable(*args: Any) -> Any:
        kept = real(*args)
        return kept._replace(entities=[("centre", "x.yaml", {"id": "x"})]) if kept else None

    monkeypatch.setattr(snapshot, "read", unbuildable)
    again = load_registry(registry, registry.parent, cache)
    assert no_validation == [1, 1]
    assert view(again) == view(first)


def test_without_cache_no_snapshot(registry: Path, tmp_path: Path) -> None:
    """--no-cache: nothing is kept."""
    load_registry(registry, registry.parent, None)
    assert not any(tmp_path.rglob("*.snapshot.json"))


def test_snapshot_order_matches_the_build(registry: Path, cache: Path) -> None:
    """Tables keep the order the files were read in (queries list in it)."""
    age(registry)
    first = load_registry(registry, registry.parent, cache)
    second = load_registry(registry, registry.parent, cache)
    assert [list(t) for t in (first.hospitals, first.centres)] == [
        list(t) for t in (second.hospitals, second.centres)
    ]
    assert model._items(second) == model._items(first)


def test_recent_files_are_checked_by_content(
    registry: Path, cache: Path, no_validation: list[int]
) -> None:
    """Files changed just before the snapshot: served when their content is the same."""
    path = registry / "hospitals" / "chu-reims.yaml"
    path.write_text(path.read_text().replace("city: Reims", "city: REIMS"))
    load_registry(registry, registry.parent, cache)
    reg = load_registry(registry, registry.parent, cache)
    assert no_validation == [1]
    assert reg.hospitals["chu-reims"].city == "REIMS"


def test_same_size_same_time_edit_is_caught(
    registry: Path, cache: Path, no_validation: list[int]
) -> None:
    """An edit right after the snapshot that keeps size and time is still seen."""
    load_registry(registry, registry.parent, cache)
    path = registry / "hospitals" / "chu-reims.yaml"
    st = path.stat()
    path.write_text(path.read_text().replace("city: Reims", "city: REIMZ"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    reg = load_registry(registry, registry.parent, cache)
    assert no_validation == [1, 1]
    assert reg.hospitals["chu-reims"].city == "REIMZ"


def test_overlap_without_fork_is_one_after_the_other(
    registry: Path, cache: Path, no_validation: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no process can be forked, the snapshot serves the query all the same."""
    age(registry)
    first = load_registry(registry, registry.parent, cache)

    def no_fork() -> int:
        raise OSError("no fork here")

    monkeypatch.setattr(os, "fork", no_fork)
    second = load_registry(registry, registry.parent, cache)
    assert no_validation == [1]
    assert view(second) == view(first)


def test_a_failed_fork_leaves_the_answer_unchanged(
    registry: Path, cache: Path, no_validation: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fork that dies or sends garbage: the stamp is taken here instead, the answer the same."""
    age(registry)
    first = load_registry(registry, registry.parent, cache)
    real = warmstart._stamp_values
    parent = os.getpid()

    def dying(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return real(*args)

    monkeypatch.setattr(warmstart, "_stamp_values", dying)
    second = load_registry(registry, registry.parent, cache)
    assert no_validation == [1]
    assert view(second) == view(first)
    (registry / "hospitals" / "chu-reims.yaml").write_text(
        (registry / "hospitals" / "chu-reims.yaml").read_text().replace("Reims", "Rheims")
    )
    third = load_registry(registry, registry.parent, cache)
    assert no_validation == [1, 1]
    assert third.hospitals["chu-reims"].name != first.hospitals["chu-reims"].name


def test_alongside_gives_the_task_value_or_computes_it_here() -> None:
    """The fork's value when it sends one; the task run here when it cannot."""
    job = shares.alongside(lambda: ("stamp", [1, 2], {"a": None}))
    assert job is not None
    assert job.result() == ("stamp", [1, 2], {"a": None})
    unmarshalable = shares.alongside(lambda: {1, object()} and "here")
    assert unmarshalable is not None and unmarshalable.result() == "here"
    stopped = shares.alongside(lambda: 1)
    assert stopped is not None
    stopped.stop()
    stopped.stop()


def test_the_overlapped_way_forks(
    registry: Path, cache: Path, overlap: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overlapped runs of this module really take the stamp in a fork."""
    age(registry)
    load_registry(registry, registry.parent, cache)
    made: list[object] = []
    real = shares.alongside

    def spy(task: Any) -> Any:
        made.append(job := real(task))
        return job

    monkeypatch.setattr(shares, "alongside", spy)
    load_registry(registry, registry.parent, cache)
    assert len(made) == (1 if overlap else 0) and all(made)
