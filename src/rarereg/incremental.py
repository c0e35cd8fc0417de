"""One edit costs one file: a run's findings from the last run's, when few files changed.

A full run keeps, beside its results, one row per registry file: its size, time and content
hash, its own findings (reading, parsing, schema), the findings the cross-file checks gave it,
and what those checks need of it: what it gives other files (the id it claims, a FINESS number,
ORPHAcodes, each with what their checks read of it) and what it looks up (its id, the ids it
refers to, its FINESS number and codes).

A later run whose other inputs (version, working folder, settings, schemas, ``sources/``, date)
are unchanged finds the changed files by size and time (a time too close to the rows' writing
is not trusted: the content hash decides, as for the cache of files), parses only those, and
checks again the files whose findings can change: the changed ones, those that look up what a
change gave or took away, and, when ids changed hands, those with an unknown reference (its
"did you mean" chooses among every id). They are checked by the very checkers of a full run
(the rules declared for the registry stage), over a registry made of them and of every file
giving what they look up; the rest keep their findings. Anything this does not cover (a
hospital's parent link changed, a checker it does not know, too many files, rows missing,
altered or of another version) is a full run.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rarereg import cache, loader
from rarereg.document import YamlDoc
from rarereg.findings import Finding, Severity
from rarereg.loader import Entry

COVERED = frozenset({"rarereg.checks:run", "rarereg.diseases:check", "rarereg.label_checks:check"})
"""The registry-stage checkers whose inputs :func:`_row` records. Any other rule reading the
registry makes every run a full one, until what it reads is recorded here too."""

MIN_LIMIT = 64
"""Always worth it below this many changed (or rechecked) files, whatever the registry's size."""

Row = list[Any]
"""path, kind, size, time, hash, parsed, claimed id, parent link, gives, needs, own, cross."""
_PATH, _KIND, _SIZE, _NS, _HASH, _PARSED, _CLAIM, _LOOP, _GIVES, _NEEDS, _OWN, _CROSS = range(12)


def supported() -> bool:
    """True when every rule reading other files is run by a checker the rows are made for."""
    from rarereg.rules import Input, Stage, catalog

    used = {r.checker for r in catalog() if r.stage is Stage.REGISTRY or r.inputs & Input.REGISTRY}
    return used <= COVERED


def rows_path(root: Path, cache_dir: Path) -> Path:
    """Where the rows of a registry are kept, beside its kept results."""
    from rarereg import schemas

    return cache.cache_path(cache_dir, root, schemas.schema_fingerprint(), ".rows.json")


def _readers() -> tuple[Callable[[str, dict[str, Any]], list[str]], Callable[..., list[int]]]:
    """What the checks look up in a file: the ids it refers to, the ORPHAcodes it gives."""
    from rarereg import checks, diseases

    return checks.references, diseases.codes_given


def _row(
    path: str, kind: str, size: int, ns: int, content_hash: str, entry: Entry, readers: Any
) -> Row:
    """One file's row, without its cross-file findings (added once they are known)."""
    own = cache.findings_to_json(entry.findings) if entry.findings else []
    if entry.doc is None:
        # An unreadable file still answers a reference to its name (see checks._context).
        gives = {f"i:{entry.stem}": f"unreadable|{kind}"}
        return [path, kind, size, ns, content_hash, False, None, None, gives, [], own, []]
    references, codes_given = readers
    data = entry.doc.data
    claim = data.get("id")
    if not isinstance(claim, str):
        claim = None
    gives = {}
    needs = [f"i:{target}" for target in references(kind, data)]
    loop = None
    if claim is not None:
        # What others' checks read of a file claiming an id: its kind, its shape, a network's
        # or centre's kind; a campaign's dates and where its end stands (all of it, hashed).
        sort = data.get("kind") if kind in ("network", "centre") else None
        whole = content_hash if kind == "campaign" else None
        shaped = not own or entry.well_formed
        gives[f"i:{claim}"] = f"{kind}|{shaped:d}|{sort!r}|{whole}"
        needs.append(f"i:{claim}")
    if kind == "hospital":
        number = data.get("finess")
        if isinstance(number, str):
            gives[f"f:{number}"] = "1"
            needs.append(f"f:{number}")
        parent = data.get("parent")
        if claim is not None and isinstance(parent, str) and parent != claim:
            loop = [claim, parent]
    elif kind == "centre":
        codes = codes_given(data)
        if codes:
            needs += [f"o:{code}" for code in codes]
            if entry.ok:
                # The first file to name a code sets its name, quoted with its line: all of it.
                gives.update((f"o:{code}", content_hash) for code in codes)
    return [path, kind, size, ns, content_hash, True, claim, loop, gives, needs, own, []]


def keep(
    where: Path,
    key: str,
    before: loader.Stamp,
    loaded: loader.Loaded,
    cross: list[Finding],
) -> None:
    """Keep the rows of a full run for the next run; nothing is kept when one does not fit."""
    files, stats = before.listing[0], before.stats
    entries = loaded.entries
    if len(entries) != len(files) or not supported():
        return
    by_path: dict[str, list[Finding]] = {}
    for f in cross:
        by_path.setdefault(f.path, []).append(f)
    rows = []
    readers = _readers()
    hashes = loaded.hashes
    for (kind, path), (size, ns), entry in zip(files, stats, entries, strict=True):
        if entry.findings and any(f.path != entry.path for f in entry.findings):
            return  # a finding placed elsewhere than its file: rows could not hold it
        row = _row(path, kind, size, ns, hashes.get(path, ""), entry, readers)
        if by_path:
            row[_CROSS] = cache.findings_to_json(by_path.pop(entry.path, []))
        rows.append(row)
    if not by_path:  # else a cross-file finding on no file: it could not be placed again
        _write(where, key, rows)


def _write(where: Path, key: str, rows: list[Row]) -> None:
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        cache.write_cache_file(where, time.time_ns(), {"key": key, "rows": rows})
    except OSError:
        pass  # a read-only or full disk: the next run is a full one


@dataclass(frozen=True, slots=True)
class Outcome:
    """The findings of an incremental run (unsorted, severities as the rules set them)."""

    findings: list[Finding]
    rows: list[Row]

    def racy(self, before: loader.Stamp) -> dict[str, str]:
        """Content hashes of the files changed too recently for their time to be trusted."""
        limit = time.time_ns() - cache.RACY_NS
        return {
            row[_PATH]: row[_HASH]
            for row, (_, ns) in zip(self.rows, before.stats, strict=True)
            if ns > limit and row[_HASH]
        }


def update(
    where: Path,
    key: str,
    root: Path,
    before: loader.Stamp,
    cwd: Path,
    today: dt.date,
    warn_until: dt.date,
) -> Outcome | None:
    """The findings after the changes since the kept rows, or None when a full run is needed."""
    if not supported():
        return None
    kept = cache.read_cache_file(where)
    if kept is None or not isinstance(kept["files"], dict) or kept["files"].get("key") != key:
        return None
    rows = kept["files"].get("rows")
    if not isinstance(rows, list):
        return None
    try:
        return _update(rows, kept["written_ns"], before, root, cwd, (today, warn_until))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None  # rows of another shape than written: not believed


def _update(
    rows: list[Row],
    written_ns: int,
    before: loader.Stamp,
    root: Path,
    cwd: Path,
    dates: tuple[dt.date, dt.date],
) -> Outcome | None:
    files, listing_findings = before.listing
    old = {row[_PATH]: row for row in rows}
    if len(old) != len(rows):
        return None
    new: list[Row] = [[]] * len(files)
    changed, matched = _changed(files, before.stats, old, written_ns, new)
    limit = max(MIN_LIMIT, len(files) // 20)
    gone = []
    if matched < len(old):
        listed = {path for _, path in files}
        gone = [row for path, row in old.items() if path not in listed]
    if len(changed) + len(gone) > limit:
        return None
    fresh: dict[int, Entry] = {}
    readers = _readers()
    touched: set[str] = set()  # tokens whose givers changed what they give
    for i in changed:
        (kind, path), (size, ns) = files[i], before.stats[i]
        was = old.get(path)
        same = was[_HASH] if was is not None and was[_KIND] == kind else ""
        entry, content_hash = loader.read_hashed(kind, path, loader.display_path(path, cwd), same)
        if entry is None:
            assert was is not None
            new[i] = [*was[:_SIZE], size, ns, *was[_HASH:]]  # touched, not changed
            continue
        fresh[i] = entry
        new[i] = _row(path, kind, size, ns, content_hash, entry, readers)
        if (was[_LOOP] if was is not None else None) != new[i][_LOOP]:
            return None  # hospitals' parent links form loops across any number of files
        touched |= _differ(was[_GIVES] if was is not None else {}, new[i][_GIVES])
    for row in gone:
        if row[_LOOP] is not None:
            return None
        touched |= set(row[_GIVES])
    recheck = _to_recheck(new, fresh, touched)
    if len(recheck) > limit:
        return None
    found = _check(root, cwd, files, new, fresh, recheck, dates)
    for i in recheck:
        new[i] = [*new[i][:_CROSS], cache.findings_to_json(found.get(i, []))]
    return Outcome(_assemble(files, listing_findings, new, cwd), new)


def _changed(
    files: list[tuple[str, str]],
    stats: list[tuple[int, int]],
    old: dict[str, Row],
    written_ns: int,
    new: list[Row],
) -> tuple[list[int], int]:
    """The files whose row cannot be reused, and how many listed files had a row.

    ``new`` is filled with the rows reused.
    """
    changed = []
    matched = 0
    for i, ((kind, path), (size, ns)) in enumerate(zip(files, stats, strict=True)):
        row = old.get(path)
        if row is None:
            changed.append(i)
            continue
        matched += 1
        if (
            row[_KIND] == kind
            and row[_SIZE] == size
            and row[_NS] == ns
            and (ns + cache.RACY_NS <= written_ns or cache.same_content(path, row[_HASH] or None))
        ):
            new[i] = row
        else:
            changed.append(i)
    return changed, matched


def _differ(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The tokens a file gives differently (or only before, or only after)."""
    return {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}


def _to_recheck(new: list[Row], fresh: dict[int, Entry], touched: set[str]) -> set[int]:
    """The changed files, and those whose cross-file findings a change may alter."""
    recheck = set(fresh)
    if not touched:
        return recheck
    hints = any(t.startswith("i:") for t in touched)  # the ids of a kind may have changed
    for i, row in enumerate(new):
        if not touched.isdisjoint(row[_NEEDS]) or (
            hints and any(f[2] == "unknown-reference" for f in row[_CROSS])
        ):
            recheck.add(i)
    return recheck


def _check(
    root: Path,
    cwd: Path,
    files: list[tuple[str, str]],
    new: list[Row],
    fresh: dict[int, Entry],
    recheck: set[int],
    dates: tuple[dt.date, dt.date],
) -> dict[int, list[Finding]]:
    """The cross-file findings of the files to recheck, by index.

    They are checked over a registry of themselves and every file giving what they look up;
    when one of them has a parent link, with every hospital that has one (a loop may be long).
    """
    from rarereg.rules import Stage
    from rarereg.rules.engine import check_registry, checkers

    assert set(checkers(Stage.REGISTRY)) <= COVERED
    wanted: set[str] = set()
    for i in recheck:
        wanted.update(new[i][_NEEDS])
    members = set(recheck)
    links = any(new[i][_LOOP] is not None for i in recheck)
    proxies = set()
    for i, row in enumerate(new):
        if not wanted.isdisjoint(row[_GIVES]):
            members.add(i)
        elif links and row[_LOOP] is not None:
            proxies.add(i)
    entries = []
    shown_of = {}
    for i in sorted(members | proxies):
        (kind, path), shown = files[i], loader.display_path(files[i][1], cwd)
        if i in fresh:
            entries.append(fresh[i])
        elif i in members:
            entries.append(loader.read_entry(kind, path, shown))
        else:  # only its parent link is read: the rest of the file is never looked at
            data = {"id": new[i][_LOOP][0], "parent": new[i][_LOOP][1]}
            stem = path.rsplit(os.sep, 1)[-1].removesuffix(".yaml")
            entries.append(Entry(kind, stem, shown, YamlDoc(data, None, None, (path, shown))))
        if i in recheck:
            shown_of[shown] = i
    part = loader.Loaded(root, entries, [])
    part.known_kinds = _memo(lambda: _id_kinds(files, new))
    found: dict[int, list[Finding]] = {}
    for f in check_registry(part, *dates):
        at = shown_of.get(f.path)
        if at is not None:
            found.setdefault(at, []).append(f)
    return found


def _id_kinds(files: list[tuple[str, str]], new: list[Row]) -> dict[str, str]:
    """The kind of every id of the registry, from the rows (for "did you mean" hints)."""
    from rarereg import checks

    parsed, unreadable = [], []
    for (kind, path), row in zip(files, new, strict=True):
        stem = path.rsplit(os.sep, 1)[-1].removesuffix(".yaml")
        if not row[_PARSED]:
            unreadable.append(Entry(kind, stem, path, None))
            continue
        data = {"id": row[_CLAIM]} if row[_CLAIM] is not None else {}
        parsed.append(Entry(kind, stem, path, YamlDoc(data, None, None)))
    return checks.id_kinds(parsed, unreadable)


def _memo(make: Callable[[], dict[str, str]]) -> Callable[[], dict[str, str]]:
    made: list[dict[str, str]] = []

    def get() -> dict[str, str]:
        if not made:
            made.append(make())
        return made[0]

    return get


def _assemble(
    files: list[tuple[str, str]], listing: list[Finding], new: list[Row], cwd: Path
) -> list[Finding]:
    """Every finding: the listing's, then each file's own and cross-file ones, in file order."""
    out = list(listing)
    for (_, path), row in zip(files, new, strict=True):
        if row[_OWN] or row[_CROSS]:
            shown = loader.display_path(path, cwd)
            out += [
                Finding(shown, f[0], f[1], f[2], f[3], Severity(f[4]))
                for f in (*row[_OWN], *row[_CROSS])
            ]
    return out


def save(where: Path, key: str, outcome: Outcome) -> None:
    """Keep the rows of an incremental run for the next one."""
    _write(where, key, outcome.rows)
