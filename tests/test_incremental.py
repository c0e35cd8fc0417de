"""One edit costs one file: after any edits, the findings are exactly those of a cold run."""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rarereg import cache, checks, incremental, loader
from rarereg.findings import Finding
from rarereg.validate import validate
from tests.conftest import BASE, write_registry

TODAY = dt.date(2025, 6, 1)

EXTRA: dict[str, dict[str, dict[str, Any]]] = {
    "hospitals": {
        "chu-nancy": {
            "id": "chu-nancy",
            "name": "CHRU de Nancy",
            "finess": "540023264",
            "sources": [{"document": "page.txt"}],
        },
    },
    "campaigns": {
        "campaign-2018": {
            "id": "campaign-2018",
            "name": "Labellisation 2018",
            "start": "2020-08-01",
            "end": "2025-07-31",
            "sources": [{"document": "page.txt"}],
        },
    },
    "centres": {
        "ccmr-lupus-nancy": {
            "id": "ccmr-lupus-nancy",
            "name": "Centre de compétence lupus Nancy",
            "kind": "ccmr",
            "network": "fai2r",
            "reference_centre": "lupus",
            "label": {"campaign": "campaign-2018"},
            "diseases": [{"name": "Lupus systémique", "orpha": "ORPHA:536"}],
            "sites": [{"hospital": "chu-nancy", "role": "competence"}],
            "sources": [{"document": "page.txt"}],
        },
    },
}


def _data() -> dict[str, dict[str, dict[str, Any]]]:
    data = copy.deepcopy(BASE)
    for folder, files in EXTRA.items():
        data[folder].update(copy.deepcopy(files))
    data["centres"]["lupus"]["diseases"] = [{"name": "Lupus", "orpha": 536}]
    return data


class Clock:
    """Gives each write its own modification time, later than any status change.

    A file's time is the later of the two; with :func:`trust_times`, it alone tells changes.
    """

    def __init__(self) -> None:
        self.now = 4_100_000_000_000_000_000  # in 2099

    def stamp(self, path: Path) -> None:
        """Give the file the next time."""
        self.now += 1_000_000_000
        os.utime(path, ns=(self.now, self.now))


class Editor:
    """Random edits of a small registry, of every kind that moves a cross-file finding."""

    def __init__(self, root: Path, clock: Clock | None) -> None:
        self.root = root
        self.clock = clock
        self.broken: dict[Path, str] = {}

    def files(self) -> list[Path]:
        """The registry's files, in path order."""
        return sorted(p for p in self.root.glob("*/*.yaml") if p.is_file())

    def write(self, path: Path, text: str) -> None:
        """Write a file and give it its time."""
        path.write_text(text, encoding="utf-8")
        if self.clock is not None:
            self.clock.stamp(path)

    def read(self, path: Path) -> dict[str, Any] | None:
        """A file's data, or None when it is broken."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            return None
        return data if isinstance(data, dict) else None

    def change(self, path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
        """Edit a file's data (a broken file is left alone)."""
        data = self.read(path)
        if data is None:
            return
        edit(data)
        self.write(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    def apply(self, op: str, path: Path, other: Path, pick: int) -> None:
        """One edit of ``path`` (``other`` and ``pick`` choose among its variants)."""
        stem, other_id = path.stem, other.stem
        near = ["chu-lile", "nowhere", "lupus", "cracmo", "ccmr-lupus-lille", other_id][pick % 6]
        if op == "field":
            self.change(path, lambda d: d.update(name=f"{d.get('name')} x"))
        elif op == "id":
            choice = [other_id, f"{stem}-b", stem][pick % 3]
            self.change(path, lambda d: d.update(id=choice))
        elif op == "delete":
            path.unlink()
        elif op == "add":
            target = path.with_name(f"{stem}-{pick % 3}.yaml")
            text = path.read_text(encoding="utf-8")
            self.write(target, text.replace(f"id: {stem}\n", f"id: {target.stem}\n", pick % 2))
        elif op == "rename":
            target = path.with_name(f"{stem}-r.yaml")
            path.rename(target)
            if self.clock is not None:
                self.clock.stamp(target)  # a rename moves the status-change time
        elif op == "break":
            self.broken[path] = path.read_text(encoding="utf-8")
            self.write(path, "id: [unclosed\n")
        elif op == "fix":
            for broken, text in list(self.broken.items()):
                if broken.exists():
                    self.write(broken, text)
            self.broken.clear()
        elif op == "reference":
            self.change(path, lambda d: _point(d, near, pick))
        elif op == "finess":
            numbers = ["590780193", "540023264", "750712184", None]
            self.change(path, lambda d: _set(d, "finess", numbers[pick % 4]))
        elif op == "parent":
            self.change(path, lambda d: _set(d, "parent", [other_id, None][pick % 2]))
        elif op == "kind":
            kinds = ["crmr", "ccmr", "fsmr", "ern"]
            self.change(path, lambda d: d.update(kind=kinds[pick % 4]))
        elif op == "dates":
            ends = ["2025-07-31", "2025-05-01", "2028-01-01", "2020-01-01"]
            self.change(path, lambda d: d.update(end=ends[pick % 4]))
        elif op == "disease":
            names = ["Lupus", "Lupus systémique", "Sclérodermie"]
            item = {"name": names[pick % 3], "orpha": 536}
            self.change(path, lambda d: d.update(diseases=[item]))
        elif op == "schema":
            self.change(path, lambda d: d.pop("name", None))
        elif op == "fifo" and hasattr(os, "mkfifo"):
            path.unlink()
            os.mkfifo(path)  # listed as a special file, never read
        elif op == "stray":
            self.write(self.root / f"{stem}.yaml", path.read_text(encoding="utf-8"))


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


def _point(data: dict[str, Any], target: str, pick: int) -> None:
    """Point one of the file's references at ``target``."""
    if "sites" in data and isinstance(data["sites"], list) and data["sites"] and pick % 3 == 0:
        data["sites"][0]["hospital"] = target
    elif "reference_centre" in data or pick % 3 == 1:
        data["reference_centre"] = target
    elif "label" in data:
        data["label"] = {"campaign": target}
    elif "host" in data:
        data["host"] = target
    else:
        data["parent"] = target


OPS = [
    "field",
    "id",
    "delete",
    "add",
    "rename",
    "break",
    "fix",
    "reference",
    "finess",
    "parent",
    "kind",
    "dates",
    "disease",
    "schema",
    "fifo",
    "stray",
]

steps = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.integers(0, 50), st.integers(0, 11)),
    min_size=1,
    max_size=8,
)


@contextmanager
def registry_copy() -> Iterator[Path]:
    """A fresh registry of its own (Hypothesis runs many examples in one test)."""
    folder = Path(tempfile.mkdtemp(prefix="rarereg-incr-"))
    try:
        yield write_registry(folder / "registry", _data())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cold(root: Path) -> tuple[Finding, ...]:
    """The findings of a run without any cache."""
    return validate(root, root.parent, today=TODAY).findings


def warm(root: Path, cache_dir: Path) -> tuple[Finding, ...]:
    """The findings of a run with the cache (incremental when it can be)."""
    return validate(root, root.parent, today=TODAY, cache_dir=cache_dir).findings


def _differential(
    edits: list[tuple[str, int, int, int]], clock: Clock | None, used: list[bool]
) -> None:
    with registry_copy() as root:
        cache_dir = root.parent / "cache"
        if clock is not None:
            for path in root.glob("*/*.yaml"):
                clock.stamp(path)
        assert warm(root, cache_dir) == cold(root)
        editor = Editor(root, clock)
        for op, a, b, pick in edits:
            files = editor.files()
            if not files:
                break
            editor.apply(op, files[a % len(files)], files[b % len(files)], pick)
            assert warm(root, cache_dir) == cold(root), (op, a, b, pick)
            assert warm(root, cache_dir) == cold(root)  # and served again, unchanged
        used.append(True)


def trust_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times are trusted however recent (no file is in the racy window): the clock decides."""
    monkeypatch.setattr(cache, "RACY_NS", -(10**19))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files each incremental run checked again (one number per run that did)."""
    seen: list[int] = []
    real = incremental._Run._to_recheck

    def counting(*args: Any) -> set[int]:
        found = real(*args)
        seen.append(len(found))
        return found

    monkeypatch.setattr(incremental._Run, "_to_recheck", counting)
    return seen


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=steps)
def test_edits_by_time_give_the_findings_of_a_cold_run(
    edits: list[tuple[str, int, int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files trusted by size and time (old enough): every edit is seen, findings match."""
    trust_times(monkeypatch)
    _differential(edits, Clock(), [])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=steps)
def test_edits_in_the_racy_window_give_the_findings_of_a_cold_run(
    edits: list[tuple[str, int, int, int]],
) -> None:
    """Files just written: their times are not trusted, their contents decide."""
    _differential(edits, None, [])


def test_one_edit_checks_one_file(counted: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A name edited: only that file is parsed and checked again; a new id: its referrers too."""
    trust_times(monkeypatch)
    clock = Clock()
    with registry_copy() as root:
        cache_dir = root.parent / "cache"
        for path in root.glob("*/*.yaml"):
            clock.stamp(path)
        warm(root, cache_dir)
        editor = Editor(root, clock)
        hospital = root / "hospitals" / "chu-reims.yaml"
        editor.apply("field", hospital, hospital, 0)
        assert warm(root, cache_dir) == cold(root)
        assert counted == [1]
        editor.apply("id", hospital, hospital, 1)  # chu-reims-b: lupus's site no longer resolves
        findings = warm(root, cache_dir)
        assert findings == cold(root)
        assert counted == [1, 2]
        assert [(f.path.rsplit("/", 1)[-1], f.code) for f in findings] == [
            ("ccmr-lupus-nancy.yaml", "label-expiring"),
            ("lupus.yaml", "unknown-reference"),
            ("lupus.yaml", "orpha-name-conflict"),
            ("chu-reims.yaml", "id-mismatch"),
        ]


def test_unchanged_registry_parses_nothing(counted: list[int], parses: list[str]) -> None:
    """Nothing changed: the kept results answer, no rows are even read."""
    with registry_copy() as root:
        cache_dir = root.parent / "cache"
        warm(root, cache_dir)
        parses.clear()
        again = warm(root, cache_dir)
        assert parses == []
        assert counted == []
        assert again == cold(root)


def _results(cache_dir: Path) -> Path:
    (found,) = cache_dir.glob("*.results.json")
    return found


def _rows(cache_dir: Path) -> Path:
    (found,) = cache_dir.glob("*.rows")
    return found


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _resealed(path: Path, edit: Callable[[incremental.Kept], None]) -> None:
    """Change the kept rows and seal them again, as a hostile writer would."""
    kept = incremental._read(path)
    assert kept is not None
    edit(kept)
    path.write_bytes(kept.encode())


def _reseal(path: Path) -> None:
    kept = incremental._read(path)
    assert kept is not None
    incremental._write_findings(path, kept.generation, {"0": [[["x"]], 7]})  # of no shape


def _other_generation(path: Path) -> None:
    kept = incremental._read(path)
    assert kept is not None
    incremental._write_findings(path, "another run", kept.findings)


def _no_findings(path: Path) -> None:
    incremental._findings_path(path).unlink()


def _journal_cut(path: Path) -> None:
    _truncate(incremental._journal_path(path))


def _journal_elsewhere(path: Path) -> None:
    journal = incremental._journal_path(path)
    journal.write_bytes(journal.read_bytes().replace(b'"base":"', b'"base":"x', 1))


def _journal_of_garbage(path: Path) -> None:
    incremental._write_journal(path, "x", "y", {0: [1, 2, "3", "4", 5]})
    kept = incremental._read(path)  # the rows alone, as written whole
    assert kept is None  # their findings are of the journal's run: not these rows'


def _bad_seal(path: Path) -> None:
    head, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(head + b"\n" + body.replace(b"hospitals/", b"centres/", 1))


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _other_version(path: Path) -> None:
    head, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(head.replace(b'"format": [', b'"format": [9', 1) + b"\n" + body)


def _other_key(path: Path) -> None:
    def spoil(kept: incremental.Kept) -> None:
        kept.key = "another"

    _resealed(path, spoil)


def _rows_of_garbage(path: Path) -> None:
    def spoil(kept: incremental.Kept) -> None:
        kept.lines = b"\n".join([b'["x"]', b"1", b"null", *kept.split()[3:]])

    _resealed(path, spoil)


def _too_few_rows(path: Path) -> None:
    def spoil(kept: incremental.Kept) -> None:
        kept.lines = b"\n".join(kept.split()[1:])

    _resealed(path, spoil)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize(
    "spoil",
    [
        _truncate,
        _bad_seal,
        _reseal,
        _fifo,
        _other_version,
        _other_key,
        _rows_of_garbage,
        _too_few_rows,
        _other_generation,
        _no_findings,
        _journal_cut,
        _journal_elsewhere,
        _journal_of_garbage,
    ],
)
def test_hostile_rows_mean_a_full_run(
    spoil: Callable[[Path], None], counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows that do not check out are never believed: a full run, the same findings."""
    trust_times(monkeypatch)
    clock = Clock()
    with registry_copy() as root:
        cache_dir = root.parent / "cache"
        for path in root.glob("*/*.yaml"):
            clock.stamp(path)
        warm(root, cache_dir)
        editor = Editor(root, clock)
        editor.apply("id", root / "hospitals" / "chu-reims.yaml", root, 1)
        assert warm(root, cache_dir) == cold(root)  # incremental: the rows made whole
        editor.apply("field", root / "hospitals" / "chu-reims.yaml", root, 1)
        assert warm(root, cache_dir) == cold(root)  # incremental: its rows in a journal
        editor.apply("field", root / "hospitals" / "chu-lille.yaml", root, 1)
        spoil(_rows(cache_dir))
        ran = list(counted)
        assert warm(root, cache_dir) == cold(root)
        if spoil not in (_reseal, _rows_of_garbage):
            assert counted == ran  # no incremental run got as far as choosing files
        assert warm(root, cache_dir) == cold(root)


def test_checkers_not_covered_mean_a_full_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule reading the registry through a checker the rows do not describe: never partial."""
    assert incremental.supported()
    monkeypatch.setattr(incremental, "COVERED", frozenset({"rarereg.checks:run"}))
    assert not incremental.supported()


def test_references_cover_every_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every id the reference checks look up is among those :func:`checks.references` names."""

    class Recording(dict[str, Any]):
        def get(self, key: Any, default: Any = None) -> Any:
            looked.append(key)
            return super().get(key, default)

    looked: list[str] = []
    real = checks._context

    def recording(*args: Any) -> checks._Ctx:
        ctx = real(*args)
        ctx.kinds = Recording(ctx.kinds)
        ctx.network_kind = Recording(ctx.network_kind)
        ctx.centre_kind = Recording(ctx.centre_kind)
        ctx.campaign_dates = Recording(ctx.campaign_dates)
        return ctx

    monkeypatch.setattr(checks, "_context", recording)
    for root in (loader.bundled_registry(),):
        loaded = loader.load(root, root.parent)
        ctx = checks._context(
            [e for e in loaded.entries if e.doc], [e for e in loaded.entries if not e.doc], root
        )
        for entry in loaded.entries:
            if entry.doc is None or not entry.well_formed:
                continue
            looked.clear()
            list(checks._REFERENCE_CHECKS[entry.kind](entry, entry.doc.data, ctx))
            assert set(looked) <= set(checks.references(entry.kind, entry.doc.data)), entry.path


def _named(root: Path, name: str) -> Path:
    (found,) = root.glob(f"*/{name}.yaml")
    return found


SEQUENCES: dict[str, list[tuple[str, str, str, int]]] = {
    # An unknown reference's "did you mean" changes when the ids of its kind change.
    "hint": [
        ("reference", "lupus", "lupus", 0),
        ("delete", "chu-lille", "chu-lille", 0),
        ("add", "chu-reims", "chu-reims", 1),
    ],
    # A loop of three hospitals; then one of them edited elsewhere than its parent link.
    "loop": [
        ("parent", "chu-lille", "chu-reims", 0),
        ("parent", "chu-reims", "hopital-jeanne-de-flandre", 0),
        ("field", "chu-lille", "chu-lille", 0),
        ("field", "chu-reims", "chu-reims", 0),
    ],
    # Two files claim one id, then the one named after it goes.
    "claims": [
        ("id", "chu-reims", "chu-lille", 0),
        ("field", "chu-lille", "chu-lille", 0),
        ("delete", "chu-lille", "chu-lille", 0),
    ],
    # A ccmr's reference centre made a ccmr, then back.
    "reference-centre": [
        ("kind", "lupus", "lupus", 1),
        ("field", "ccmr-lupus-lille", "ccmr-lupus-lille", 0),
        ("kind", "lupus", "lupus", 0),
    ],
    # Two hospitals given one FINESS number, then the first loses it.
    "finess": [
        ("finess", "chu-reims", "chu-reims", 0),
        ("field", "chu-reims", "chu-reims", 0),
        ("finess", "chu-lille", "chu-lille", 3),
    ],
    # A campaign's end moves: the centres labelled by it are warned, or not.
    "campaign": [
        ("dates", "campaign-2018", "campaign-2018", 1),
        ("field", "ccmr-lupus-nancy", "ccmr-lupus-nancy", 0),
        ("dates", "campaign-2018", "campaign-2018", 2),
        ("break", "campaign-2018", "campaign-2018", 0),
        ("fix", "campaign-2018", "campaign-2018", 0),
    ],
    # One ORPHAcode named twice: the first file by path sets the name.
    "diseases": [
        ("disease", "ccmr-lupus-lille", "ccmr-lupus-lille", 2),
        ("schema", "ccmr-lupus-nancy", "ccmr-lupus-nancy", 0),
        ("rename", "lupus", "lupus", 0),
    ],
}


@pytest.mark.parametrize("clocked", [True, False], ids=["by-time", "racy"])
@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_edits_that_reach_other_files(
    name: str, clocked: bool, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits whose findings fall on other files: the same findings as a cold run, each time."""
    clock = Clock() if clocked else None
    if clocked:
        trust_times(monkeypatch)
    with registry_copy() as root:
        cache_dir = root.parent / "cache"
        if clock is not None:
            for path in root.glob("*/*.yaml"):
                clock.stamp(path)
        assert warm(root, cache_dir) == cold(root)
        editor = Editor(root, clock)
        for op, target, other, pick in SEQUENCES[name]:
            editor.apply(op, _named(root, target), _named(root, other), pick)
            assert warm(root, cache_dir) == cold(root), (op, target)
        assert counted  # some of them were incremental runs


def test_rows_kept_by_the_cache_writer(counted: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry large enough for the rows to be made in the process that writes the cache."""
    trust_times(monkeypatch)
    clock = Clock()
    with registry_copy() as root:
        text = (root / "hospitals" / "chu-reims.yaml").read_text(encoding="utf-8")
        for n in range(loader.PARALLEL_MIN + 20):
            path = root / "hospitals" / f"h-{n}.yaml"
            path.write_text(text.replace("chu-reims", f"h-{n}"), encoding="utf-8")
        for path in root.glob("*/*.yaml"):
            clock.stamp(path)
        cache_dir = root.parent / "cache"
        assert warm(root, cache_dir) == cold(root)
        editor = Editor(root, clock)
        editor.apply(
            "id", root / "hospitals" / "h-7.yaml", root / "hospitals" / "chu-reims.yaml", 0
        )
        assert warm(root, cache_dir) == cold(root)
        editor.apply("reference", root / "centres" / "lupus.yaml", root, 3)
        assert warm(root, cache_dir) == cold(root)
        assert len(counted) == 2


def test_a_few_edits_leave_the_rows_alone(
    counted: list[int], parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits of a few files go to a journal: the rows (megabytes, at scale) are not rewritten."""
    trust_times(monkeypatch)
    clock = Clock()
    with registry_copy() as root:
        cache_dir = root.parent / "cache"
        for path in root.glob("*/*.yaml"):
            clock.stamp(path)
        warm(root, cache_dir)
        rows = _rows(cache_dir)
        made = rows.stat().st_ino, rows.stat().st_mtime_ns
        editor = Editor(root, clock)
        editor.apply("field", _named(root, "ap-hp"), root, 0)
        assert warm(root, cache_dir) == cold(root)
        written = rows.stat().st_ino, rows.stat().st_mtime_ns
        assert written != made  # kept without summaries by the full run: now made whole
        for op, name in [("field", "chu-reims"), ("id", "chu-lille"), ("field", "lupus")]:
            editor.apply(op, _named(root, name), root / "hospitals" / "ap-hp.yaml", 0)
            assert warm(root, cache_dir) == cold(root)
            assert (rows.stat().st_ino, rows.stat().st_mtime_ns) == written
        assert incremental._journal_path(rows).exists()
        editor.apply("field", _named(root, "cracmo"), root, 0)
        parses.clear()
        findings = warm(root, cache_dir)
        # The edited file and the network it looks up; those in the journal are taken from it.
        assert parses == ["cracmo", "fimatho"]
        assert findings == cold(root)
        editor.apply("delete", _named(root, "cracmo"), root, 0)  # the paths change: written whole
        assert warm(root, cache_dir) == cold(root)
        assert (rows.stat().st_ino, rows.stat().st_mtime_ns) != written
        assert not incremental._journal_path(rows).exists()
        assert len(counted) == 6


def test_summaries_are_made_only_from_the_same_contents(
    counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summaries are made from the cache's records only where they hold the same contents.

    A full run keeps no summaries; the next run makes them from the records, unless one holds
    another content than the rows name: then a full run, with the same findings.
    """
    trust_times(monkeypatch)
    clock = Clock()
    with registry_copy() as root:
        cache_dir = root.parent / "cache"
        for path in root.glob("*/*.yaml"):
            clock.stamp(path)
        warm(root, cache_dir)
        editor = Editor(root, clock)
        editor.apply("id", _named(root, "chu-reims"), _named(root, "chu-lille"), 0)
        loader.load(root, root.parent, cache_dir)  # the cache now holds the new content
        assert warm(root, cache_dir) == cold(root)
        assert counted == []  # the rows' summaries could not be made: a full run
        editor.apply("field", _named(root, "lupus"), root, 0)
        assert warm(root, cache_dir) == cold(root)
        assert len(counted) == 1  # an incremental run again
