"""One edit costs one file: a run's findings from the last run's, when few files changed.

A full run keeps, beside its results, what the next run needs to redo only part of its work: each
file's name, size, time and content hash, its findings (its own: reading, parsing, schema; and
those the cross-file checks gave it), and one line of summary: what the file gives other files'
checks (the id it claims, a FINESS number, ORPHAcodes, each with what those checks read of it),
what it looks up (its id, the ids it refers to, its FINESS number and codes), and its parent
link if it is a hospital. A full run keeps only the paths, sizes, times and hashes (and the
findings, in a file of their own): the first incremental run after it makes the summaries from
the cache's records of the very same contents, so that a full run pays nothing for them.

A later run whose other inputs (version, working folder, settings, schemas, ``sources/``, date)
are unchanged finds the changed files by size and time (a time too close to the rows' writing
is not trusted: the content hash decides, as for the cache of files), parses only those, and
checks again the files whose findings can change: the changed ones, those that look up what a
change gave or took away, and, when ids changed hands, those with an unknown reference (its
"did you mean" chooses among every id). They are checked by the very checkers of a full run
(the rules declared for the registry stage), over a registry made of them and of every file
giving what they look up; the others keep their findings. A file's summaries are searched as
text: a token is found where the summaries spell it, and only those lines are read.

Such a run keeps its few changed rows in a journal beside the rows, rather than writing them
whole again; a run whose files are not the same (added, removed, renamed) or whose journal grew
long writes them whole. Anything this does not cover is a full run: a hospital's parent link
changed, a checker the summaries are not made for, too many files changed, rows, journal or
findings missing, altered, of another version or of another run.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import functools
import itertools
import json
import operator
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from rarereg import cache, loader
from rarereg.document import YamlDoc
from rarereg.findings import Finding, Severity
from rarereg.loader import Entry

COVERED = frozenset({"rarereg.checks:run", "rarereg.diseases:check", "rarereg.label_checks:check"})
"""The registry-stage checkers whose inputs :func:`summarize` records. Any other rule reading
the registry makes every run a full one, until what it reads is recorded here too."""

FORMAT = 1
"""Bump when the kept rows or the summaries change shape (the cache's format counts too)."""
MIN_LIMIT = 64
"""Always worth it below this many changed (or rechecked) files, whatever the registry's size."""
_NO_HASH = "-" * 32
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_QUOTE: Callable[[str], str] = json.encoder.encode_basestring

Summary = list[Any]
"""gives ({token: what is read of it}), needs ([token]), parsed, claimed id, [id, parent]."""
_GIVES, _NEEDS, _PARSED, _CLAIM, _LOOP = range(5)


def supported() -> bool:
    """True when every rule reading other files is run by a checker the summaries are made for."""
    from rarereg.rules import Input, Stage, catalog

    used = {r.checker for r in catalog() if r.stage is Stage.REGISTRY or r.inputs & Input.REGISTRY}
    return used <= COVERED


@functools.cache
def readers() -> tuple[Callable[[str, dict[str, Any]], list[str]], Callable[..., list[int]]]:
    """What the checks look up in a file: the ids it refers to, the ORPHAcodes it names."""
    from rarereg import checks, diseases

    return checks.references, diseases.codes_given


def summarize(
    kind: str, path: str, data: dict[str, Any] | None, findings: list[Any], content_hash: str
) -> str:
    """One file's summary, as the line of JSON that is kept (as the encoder would write it).

    ``findings`` are the file's own, as the cache keeps them; ``data`` is None when the file
    could not be read.
    """
    gives, needs, parsed, claim, loop = _summary(kind, path, data, findings, content_hash)
    # Written piece by piece with the encoder's own quoting: this runs for every file.
    quote = _QUOTE
    return (
        "[{"
        + ",".join([f"{quote(k)}:{quote(v)}" for k, v in gives.items()])
        + "},["
        + ",".join(map(quote, needs))
        + ("],true," if parsed else "],false,")
        + ("null," if claim is None else f"{quote(claim)},")
        + ("null]" if loop is None else f"[{quote(loop[0])},{quote(loop[1])}]]")
    )


def _summary(
    kind: str, path: str, data: dict[str, Any] | None, findings: list[Any], content_hash: str
) -> Summary:
    if data is None:
        # An unreadable file still answers a reference to its name (see checks._context).
        return [{f"i:{_stem(path)}": f"unreadable|{kind}"}, [], False, None, None]
    references, codes_given = readers()
    claim = data.get("id")
    if not isinstance(claim, str):
        claim = None
    gives = {}
    needs = [f"i:{target}" for target in references(kind, data)]
    loop = None
    if claim is not None:
        # What others' checks read of a file claiming an id: its kind, its shape (no schema
        # error), a network's or centre's kind; a campaign's dates and where its end stands
        # (all of it, hashed).
        sort = data.get("kind") if kind in ("network", "centre") else None
        whole = content_hash if kind == "campaign" else None
        shaped = not findings or not any(f[2] == "schema" and f[4] == "error" for f in findings)
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
    elif kind == "centre" and "diseases" in data:
        codes = codes_given(data)
        if codes:
            needs += [f"o:{code}" for code in codes]
            if not any(f[4] == "error" for f in findings):
                # The first file to name a code sets its name, quoted with its line: all of it.
                gives.update((f"o:{code}", content_hash) for code in codes)
    return [gives, needs, True, claim, loop]


def rows_path(root: Path, cache_dir: Path) -> Path:
    """Where the rows of a registry are kept, beside its kept results (and their findings)."""
    from rarereg import schemas

    return cache.cache_path(cache_dir, root, schemas.schema_fingerprint(), ".rows")


def _findings_path(rows: Path) -> Path:
    return rows.with_name(rows.name + "-findings.json")


class Kept:
    """The rows of a run: per file its path, size and time, hash, findings and summary."""

    __slots__ = (
        "_split",
        "base",
        "findings",
        "generation",
        "hashes",
        "journal",
        "key",
        "lines",
        "paths",
        "stats",
        "whole",
        "written_ns",
    )

    def __init__(
        self,
        key: str,
        generation: str,
        paths: bytes,
        stats: array.array[int],
        hashes: str,
        findings: dict[str, list[list[list[Any]]]],
        lines: bytes | None,
        written_ns: int = 0,
    ) -> None:
        self.key = key
        self.generation = generation
        """The key of the run's results: its findings are kept apart, under the same one."""
        self.paths = paths
        """Every file's path, one a line, as the listing gives them."""
        self.stats = stats
        """Size and time of each file, one after the other."""
        self.hashes = hashes
        """The content hashes, 32 characters each (dashes for a file that could not be read)."""
        self.findings = findings
        """By file index (as text), only for files with any: [own findings, cross-file ones]."""
        self.lines = lines or b""
        """One summary per file, a line each."""
        self.whole = lines is not None
        """False for rows a full run kept without their summaries (made when first needed)."""
        self.written_ns = written_ns
        self._split: list[bytes] | None = None
        self.base = generation
        """The generation of the rows file whole; the journal says what changed since."""
        self.journal: dict[int, list[Any]] = {}
        """By file index: [size, time, hash, summary line, written] of rows changed since."""

    def written(self, j: int) -> int:
        """When row ``j`` was written (its time is trusted only when older than that)."""
        entry = self.journal.get(j)
        return self.written_ns if entry is None else int(entry[4])

    def apply(self, journal: dict[int, list[Any]]) -> None:
        """The rows changed since the whole file was written, in place of theirs."""
        lines = self.split()
        hashes = [self.hashes[i : i + 32] for i in range(0, len(self.hashes), 32)]
        for j, (size, ns, content_hash, line, _) in journal.items():
            self.stats[2 * j], self.stats[2 * j + 1] = size, ns
            hashes[j] = content_hash
            lines[j] = line.encode()
        self.hashes = "".join(hashes)
        self.lines = b"\n".join(lines)
        self.journal = journal

    def line(self, j: int) -> bytes:
        """The summary of file ``j`` as kept."""
        return self.split()[j]

    def split(self) -> list[bytes]:
        """Every summary line."""
        if self._split is None:
            self._split = self.lines.split(b"\n")
        return self._split

    def summary(self, j: int) -> Summary:
        """The summary of file ``j``."""
        value: Summary = json.loads(self.line(j))
        return value

    def hash(self, j: int) -> str:
        """The content hash of file ``j`` ("" when it could not be read)."""
        found = self.hashes[32 * j : 32 * j + 32]
        return "" if found == _NO_HASH else found

    def givers(self, token: str) -> list[int]:
        """The files whose summary gives ``token`` (found as text: a key is followed by ':')."""
        return self._lines_with([_ENCODE(token).encode() + b":"])

    def needers(self, token: str) -> list[int]:
        """The files whose summary looks ``token`` up (an item of a list: ',' or ']' follows)."""
        quoted = _ENCODE(token).encode()
        return self._lines_with([quoted + b",", quoted + b"]"])

    def _lines_with(self, needles: list[bytes]) -> list[int]:
        blob = self.lines
        found: set[int] = set()
        for needle in needles:
            line, last = 0, 0
            at = blob.find(needle)
            while at != -1:
                line += blob.count(b"\n", last, at)
                found.add(line)
                last = at
                at = blob.find(needle, at + 1)
        return sorted(found)

    def encode(self) -> bytes:
        """The file's bytes: a header line (format, time, seal, sizes), then each part."""
        import zlib

        meta = _ENCODE({"key": self.key, "generation": self.generation}).encode()
        parts = [meta, self.paths, self.stats.tobytes(), self.hashes.encode(), self.lines]
        body = b"".join(parts)
        # The seal finds a torn or altered file, cheaply (a CRC: 8 MB in a few milliseconds);
        # what the rows say is checked as it is used, and JSON holds no code.
        header = {
            "format": [cache.FORMAT, FORMAT, sys.byteorder],
            "written_ns": self.written_ns,
            "seal": zlib.crc32(body),
            "sizes": [len(part) for part in parts],
            "whole": self.whole,
        }
        return json.dumps(header).encode() + b"\n" + body


def _read(where: Path) -> Kept | None:
    """The kept rows, or None when absent, torn, altered or of another version.

    The rows and their findings are two files (the rows are written while the checks run, the
    findings after): both must be of the same run.
    """
    import zlib

    try:
        raw = cache.read_regular(where)
        start = raw.index(b"\n") + 1
        header = json.loads(raw[:start])
        body = memoryview(raw)[start:]  # the parts are read in place: megabytes, not copied
        if (
            not isinstance(header, dict)
            or header.get("format") != [cache.FORMAT, FORMAT, sys.byteorder]
            or header.get("seal") != zlib.crc32(body)
            or not isinstance(header.get("written_ns"), int)
        ):
            return None
        parts, at = [], 0
        for size in header["sizes"]:
            parts.append(body[at : at + size])
            at += size
        meta_text, paths_view, stats_raw, hashes_raw, lines_view = parts
        meta = json.loads(bytes(meta_text))
        paths, lines = bytes(paths_view), bytes(lines_view)
        stats = array.array("q")
        stats.frombytes(stats_raw)
        findings = json.loads(cache.read_regular(_findings_path(where)))
        whole = header["whole"] is True
        kept = Kept(
            meta["key"],
            meta["generation"],
            paths,
            stats,
            str(hashes_raw, "ascii"),
            findings["findings"],
            lines if whole else None,
            header["written_ns"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    n = paths.count(b"\n") + 1
    if not (
        at == len(body)
        and isinstance(kept.key, str)
        and isinstance(kept.generation, str)
        and isinstance(kept.findings, dict)
        and len(stats) == 2 * n
        and len(kept.hashes) == 32 * n
        and (lines.count(b"\n") == n - 1 if whole else not lines)
    ):
        return None
    journal = _read_journal(where, kept.generation, n) if whole else None
    if journal is not None:
        kept.generation, rows = journal
        kept.apply(rows)
    if findings.get("generation") != kept.generation:
        return None  # findings of another run than these rows
    return kept


def _journal_path(rows: Path) -> Path:
    return rows.with_name(rows.name + "-journal")


def _read_journal(where: Path, base: str, n: int) -> tuple[str, dict[int, list[Any]]] | None:
    """The generation and rows of the journal kept on top of rows ``base``, if one is."""
    import zlib

    try:
        head, _, body = cache.read_regular(_journal_path(where)).partition(b"\n")
        header = json.loads(head)
        if header.get("format") != [cache.FORMAT, FORMAT] or header.get("seal") != zlib.crc32(body):
            return None
        journal = json.loads(body)
        if journal["base"] != base or not isinstance(journal["generation"], str):
            return None
        rows = {int(j): row for j, row in journal["rows"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    for j, row in rows.items():
        if not (
            0 <= j < n
            and isinstance(row, list)
            and len(row) == 5
            and all(isinstance(x, int) for x in (row[0], row[1], row[4]))
            and isinstance(row[2], str)
            and len(row[2]) == 32
            and row[2].isascii()
            and isinstance(row[3], str)
            and "\n" not in row[3]
        ):
            return None
    return journal["generation"], rows


def _write_journal(where: Path, base: str, generation: str, rows: dict[int, list[Any]]) -> None:
    import zlib

    body = _ENCODE({"base": base, "generation": generation, "rows": rows}).encode()
    header = json.dumps({"format": [cache.FORMAT, FORMAT], "seal": zlib.crc32(body)})
    with contextlib.suppress(OSError):  # then the next run is a full one
        cache.replace_file(_journal_path(where), header.encode() + b"\n" + body)


def forget_journal(where: Path) -> None:
    """Remove the journal: new rows were written whole."""
    with contextlib.suppress(OSError):  # then it names rows that are gone, and is not read
        _journal_path(where).unlink(missing_ok=True)


def _write(where: Path, kept: Kept) -> None:
    kept.written_ns = time.time_ns()
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        cache.replace_file(where, kept.encode())
    except OSError:
        pass  # a read-only or full disk: the next run is a full one


def _write_findings(where: Path, generation: str, findings: dict[str, Any]) -> None:
    text = _ENCODE({"generation": generation, "findings": findings})
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        cache.replace_file(_findings_path(where), text)
    except OSError:
        pass


def _paths_and_stats(before: loader.Stamp) -> tuple[bytes, array.array[int]]:
    """The listing's paths as the rows keep them, and sizes and times one after the other."""
    paths = "\n".join(map(operator.itemgetter(1), before.listing[0]))
    stats = array.array("q", itertools.chain.from_iterable(before.stats))
    return paths.encode("utf-8", "surrogateescape"), stats


def keeper(
    where: Path, key: str, generation: str, before: loader.Stamp
) -> Callable[[list[loader.Plain]], None] | None:
    """What keeps the rows of a full run, given its files as the cache keeps them.

    Only each file's path, size, time and hash are kept here (milliseconds): the summaries are
    made by the first incremental run, from the cache's records of the very same contents, so
    that a full run pays nothing for them. None when rows cannot describe this registry.
    """
    files = before.listing[0]
    if not files or not supported() or any("\n" in path for _, path in files):
        return None

    def keep(plain: list[loader.Plain]) -> None:
        hashes = [content_hash or _NO_HASH for _, _, content_hash in plain]
        if any(len(h) != 32 for h in hashes):
            return  # a row that could not be read back
        paths, stats = _paths_and_stats(before)
        _write(where, Kept(key, generation, paths, stats, "".join(hashes), {}, None))

    return keep


def _fill(kept: Kept, root: Path, cache_dir: Path) -> bool:
    """Make the summaries of rows kept without them, from the cache's records of each file.

    A record counts only if it holds the very content the rows name (its hash): else False.
    """
    from rarereg import schemas

    store = cache.FileCache.open(cache_dir, root, schemas.schema_fingerprint())
    names = kept.paths.decode("utf-8", "surrogateescape").split("\n")
    lines = []
    for j, path in enumerate(names):
        kind = loader.FOLDERS.get(path.rsplit(os.sep, 2)[-2])
        expected = kept.hash(j)
        record = store.record(path) if expected else None
        if kind is None or (expected and (record is None or record.hash != expected)):
            return False
        data, findings = (record.data, record.findings) if record is not None else (None, [])
        lines.append(summarize(kind, path, data, findings, expected))
    kept.lines = "\n".join(lines).encode()
    return True


def keep_findings(
    where: Path, generation: str, loaded: loader.Loaded, cross: list[Finding]
) -> None:
    """Keep the findings of a full run, by file, beside its rows (written meanwhile)."""
    by_path: dict[str, list[Finding]] = {}
    for f in cross:
        by_path.setdefault(f.path, []).append(f)
    findings = {}
    for i, entry in enumerate(loaded.entries):
        if entry.findings and any(f.path != entry.path for f in entry.findings):
            return  # a finding placed elsewhere than its file: rows could not hold it
        others = by_path.pop(entry.path, []) if by_path else []
        if entry.findings or others:
            own = cache.findings_to_json(entry.findings)
            findings[str(i)] = [own, cache.findings_to_json(others)]
    if not by_path:  # else a cross-file finding on no file: it could not be placed again
        _write_findings(where, generation, findings)


class Outcome(NamedTuple):
    """The findings of an incremental run (unsorted, severities as the rules set them)."""

    findings: list[Finding]
    kept: Kept
    journal: dict[int, list[Any]] | None
    """The rows changed since the rows were written whole, when few: kept instead of them."""

    def racy(self, before: loader.Stamp) -> dict[str, str]:
        """Content hashes of the files changed too recently for their time to be trusted."""
        limit = time.time_ns() - cache.RACY_NS
        if before.newest_ns <= limit:
            return {}
        times = self.kept.stats[1::2]
        files = before.listing[0]
        return {
            files[i][1]: self.kept.hash(i)
            for i, ns in enumerate(times)
            if ns > limit and self.kept.hash(i)
        }


def save(where: Path, generation: str, outcome: Outcome) -> None:
    """Keep the rows and findings of an incremental run for the next one.

    A few changed rows go to the journal: the rows are not written whole again (megabytes).
    """
    kept = outcome.kept
    if outcome.journal is not None:
        now = time.time_ns()
        for row in outcome.journal.values():
            row[4] = row[4] or now
        _write_journal(where, kept.base, generation, outcome.journal)
    else:
        kept.generation = generation
        _write(where, kept)
        forget_journal(where)
    _write_findings(where, generation, kept.findings)


def update(
    where: Path,
    key: str,
    root: Path,
    before: loader.Stamp,
    cwd: Path,
    today: dt.date,
    warn_until: dt.date,
    cache_dir: Path,
) -> Outcome | None:
    """The findings after the changes since the kept rows, or None when a full run is needed."""
    if not supported():
        return None
    kept = _read(where)
    if kept is None or kept.key != key:
        return None
    if not kept.whole and not _fill(kept, root, cache_dir):
        return None
    try:
        return _Run(kept, before, root, cwd, (today, warn_until)).outcome()
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None  # rows of another shape than written: not believed


class _Run:
    """One incremental run: the listing now against the kept rows."""

    def __init__(
        self,
        kept: Kept,
        before: loader.Stamp,
        root: Path,
        cwd: Path,
        dates: tuple[dt.date, dt.date],
    ) -> None:
        self.kept, self.before, self.root, self.cwd, self.dates = kept, before, root, cwd, dates
        self.files = before.listing[0]
        self.paths, self.stats = _paths_and_stats(before)
        self.same_names = self.paths == kept.paths
        self.count = kept.paths.count(b"\n") + 1
        if self.same_names:
            self.old = list(range(len(self.files)))
            self.new_of: dict[int, int] | None = None
        else:
            index = {
                name: j
                for j, name in enumerate(kept.paths.decode("utf-8", "surrogateescape").split("\n"))
            }
            self.old = [index.get(path, -1) for _, path in self.files]
            self.new_of = {j: i for i, j in enumerate(self.old) if j >= 0}
        self.fresh: dict[int, Entry] = {}
        self.summaries: dict[int, Summary] = {}
        self.lines: dict[int, bytes] = {}
        self.hashes: dict[int, str] = {}
        self.verified: set[int] = set()  # rows whose content was compared: written anew
        limit = max(MIN_LIMIT, len(self.files) // 20)
        self.limit = limit

    def new(self, j: int) -> int | None:
        """The index now of kept file ``j`` (None when it is gone)."""
        return j if self.new_of is None else self.new_of.get(j)

    def summary(self, i: int) -> Summary:
        """The summary of file ``i`` (index now)."""
        return self.summaries[i] if i in self.summaries else self.kept.summary(self.old[i])

    def outcome(self) -> Outcome | None:
        """The findings now, or None when a full run is needed."""
        changed = self._changed()
        gone = []
        if self.new_of is not None:
            gone = sorted(set(range(self.count)) - set(self.old))
        if len(changed) + len(gone) > self.limit:
            return None
        touched: set[str] = set()  # tokens whose givers changed what they give
        for i in changed:
            (kind, path), j = self.files[i], self.old[i]
            same = self.kept.hash(j) if j >= 0 else ""
            shown = loader.display_path(path, self.cwd)
            entry, content_hash = loader.read_hashed(kind, path, shown, same)
            self.hashes[i] = content_hash
            if entry is None:
                continue  # touched, not changed: its row stands
            self.fresh[i] = entry
            data = entry.doc.data if entry.doc is not None else None
            own = cache.findings_to_json(entry.findings)
            self.lines[i] = summarize(kind, path, data, own, content_hash).encode()
            now = self.summaries[i] = json.loads(self.lines[i])
            was: Summary = self.kept.summary(j) if j >= 0 else [{}, [], False, None, None]
            if was[_LOOP] != now[_LOOP]:
                return None  # hospitals' parent links form loops through any number of files
            touched |= _differ(was[_GIVES], now[_GIVES])
        for j in gone:
            was = self.kept.summary(j)
            if was[_LOOP] is not None:
                return None
            touched |= set(was[_GIVES])
        recheck = self._to_recheck(touched)
        if len(recheck) > self.limit:
            return None
        found = self._check(recheck)
        return Outcome(*self._assemble(recheck, found))

    def _changed(self) -> list[int]:
        """The files whose row cannot be reused: new, or of another size or time, or racy."""
        kept, stats, old = self.kept, self.stats, self.old
        if not self.same_names:
            changed = [
                i
                for i, j in enumerate(old)
                if j < 0
                or kept.stats[2 * j] != stats[2 * i]
                or kept.stats[2 * j + 1] != stats[2 * i + 1]
            ]
        else:
            changed = []
            step = 512  # compared a slice at a time: most slices are equal
            for start in range(0, len(stats), step):
                if stats[start : start + step] != kept.stats[start : start + step]:
                    stop = min(start + step, len(stats)) // 2
                    changed += [
                        i
                        for i in range(start // 2, stop)
                        if stats[2 * i : 2 * i + 2] != kept.stats[2 * i : 2 * i + 2]
                    ]
        written = min([kept.written_ns, *(row[4] for row in kept.journal.values())])
        if self.before.newest_ns + cache.RACY_NS <= written:
            return changed
        # Changed too close to its row's writing for its time to tell: its content decides.
        known = set(changed)
        cutoff = written - cache.RACY_NS
        for i, ns in enumerate(stats[1::2]):
            if ns <= cutoff or i in known or ns + cache.RACY_NS <= kept.written(old[i]):
                continue
            expected = kept.hash(old[i])
            self.verified.add(i)
            if not expected or not cache.same_content(self.files[i][1], expected):
                changed.append(i)
        return sorted(changed)

    def _to_recheck(self, touched: set[str]) -> set[int]:
        """The changed files, and those whose cross-file findings a change may alter."""
        recheck = set(self.fresh)
        for token in touched:
            recheck.update(i for j in self.kept.needers(token) if (i := self.new(j)) is not None)
        if any(t.startswith("i:") for t in touched):  # the ids of a kind may have changed
            for j, (_, cross) in self.kept.findings.items():
                i = self.new(int(j))
                if i is not None and any(f[2] == "unknown-reference" for f in cross):
                    recheck.add(i)
        return recheck

    def _check(self, recheck: set[int]) -> dict[int, list[Finding]]:
        """The cross-file findings of the files to recheck, by index.

        They are checked over a registry of themselves and every file giving what they look up;
        when one of them has a parent link, with every hospital that has one (a loop may be
        long), of which only the link is read.
        """
        from rarereg.rules import Stage
        from rarereg.rules.engine import check_registry, checkers

        assert set(checkers(Stage.REGISTRY)) <= COVERED
        wanted: set[str] = set()
        for i in recheck:
            wanted.update(self.summary(i)[_NEEDS])
        members = set(recheck)
        for token in wanted:
            members.update(k for j in self.kept.givers(token) if (k := self.new(j)) is not None)
        members.update(i for i in self.fresh if not wanted.isdisjoint(self.summaries[i][_GIVES]))
        links = {}
        if any(self.summary(i)[_LOOP] is not None for i in recheck):
            links = {i: s[_LOOP] for i, s in self._all_summaries() if s[_LOOP] is not None}
        entries = []
        shown_of = {}
        for i in sorted(members | set(links)):
            (kind, path), shown = self.files[i], loader.display_path(self.files[i][1], self.cwd)
            if i in self.fresh:
                entries.append(self.fresh[i])
            elif i in members:
                entries.append(loader.read_entry(kind, path, shown))
            else:  # only its parent link is read: the rest of the file is never looked at
                data = {"id": links[i][0], "parent": links[i][1]}
                doc = YamlDoc(data, None, None, (path, shown))
                entries.append(Entry(kind, _stem(path), shown, doc))
            if i in recheck:
                shown_of[shown] = i
        part = loader.Loaded(self.root, entries, [])
        part.known_kinds = functools.cache(self._id_kinds)
        part.wanted = frozenset(shown_of)
        found: dict[int, list[Finding]] = {}
        for f in check_registry(part, *self.dates):
            at = shown_of.get(f.path)
            if at is not None:
                found.setdefault(at, []).append(f)
        return found

    def _all_summaries(self) -> list[tuple[int, Summary]]:
        lines = self.kept.split()
        return [
            (i, self.summaries[i] if i in self.summaries else json.loads(lines[j]))
            for i, j in enumerate(self.old)
        ]

    def _id_kinds(self) -> dict[str, str]:
        """The kind of every id of the registry, from the summaries (for "did you mean")."""
        from rarereg import checks

        parsed, unreadable = [], []
        for i, summary in self._all_summaries():
            kind, path = self.files[i]
            if not summary[_PARSED]:
                unreadable.append(Entry(kind, _stem(path), path, None))
                continue
            claim = summary[_CLAIM]
            data = {"id": claim} if claim is not None else {}
            parsed.append(Entry(kind, _stem(path), path, YamlDoc(data, None, None)))
        return checks.id_kinds(parsed, unreadable)

    def _assemble(
        self, recheck: set[int], found: dict[int, list[Finding]]
    ) -> tuple[list[Finding], Kept, dict[int, list[Any]] | None]:
        """Every finding, the rows to keep for the next run, and the journal to keep instead."""
        kept = self.kept
        findings: dict[int, list[list[list[Any]]]] = {}
        for j, pair in kept.findings.items():
            i = self.new(int(j))
            if i is not None:
                findings[i] = pair
        for i in recheck:
            own = findings.get(i, [[], []])[0]
            if i in self.fresh:
                own = cache.findings_to_json(self.fresh[i].findings)
            cross = cache.findings_to_json(found.get(i, []))
            if own or cross:
                findings[i] = [own, cross]
            else:
                findings.pop(i, None)
        out = list(self.before.listing[1])
        for i in sorted(findings):
            shown = loader.display_path(self.files[i][1], self.cwd)
            own, cross = findings[i]
            out += [Finding(shown, f[0], f[1], f[2], f[3], Severity(f[4])) for f in (*own, *cross)]
        rows = Kept(
            kept.key,
            kept.base,
            self.paths,
            self.stats,
            self._hashes(),
            {str(i): pair for i, pair in sorted(findings.items())},
            self._lines(),
            kept.written_ns,
        )
        return out, rows, self._journal()

    def _journal(self) -> dict[int, list[Any]] | None:
        """The rows changed since the rows were written whole, or None to write them whole."""
        if not self.same_names or not self.kept.whole:
            return None
        journal = dict(self.kept.journal)
        for i in {*self.hashes, *self.verified}:
            line = self.lines[i] if i in self.lines else self.kept.line(i)
            content_hash = self.hashes.get(i, self.kept.hash(i)) or _NO_HASH
            # Written now (0 until the journal is): compared by content, or read, this run.
            journal[i] = [self.stats[2 * i], self.stats[2 * i + 1], content_hash, line.decode(), 0]
        return journal if len(journal) <= self.limit else None

    def _hashes(self) -> str:
        kept = self.kept
        if self.same_names:
            text = kept.hashes
            for i, content_hash in self.hashes.items():
                text = f"{text[: 32 * i]}{content_hash or _NO_HASH}{text[32 * i + 32 :]}"
            return text
        return "".join(
            (self.hashes[i] or _NO_HASH) if i in self.hashes else kept.hashes[32 * j : 32 * j + 32]
            for i, j in enumerate(self.old)
        )

    def _lines(self) -> bytes:
        if self.same_names and not self.fresh:
            return self.kept.lines
        lines = self.kept.split()
        return b"\n".join(
            self.lines[i] if i in self.fresh else lines[j] for i, j in enumerate(self.old)
        )


def _differ(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The tokens a file gives differently (or only before, or only after)."""
    return {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}


def _stem(path: str) -> str:
    return path.rsplit(os.sep, 1)[-1].removesuffix(".yaml")
