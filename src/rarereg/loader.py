"""Finding a registry on disk and reading its files into parsed, schema-checked entries."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarereg import gcpause, schemas
from rarereg.document import MAX_BYTES, YamlDoc
from rarereg.findings import Finding, Severity, error, warning
from rarereg.resources import data_dir

FOLDERS = {
    "hospitals": "hospital",
    "networks": "network",
    "campaigns": "campaign",
    "centres": "centre",
}
"""Registry sub-folder → kind of file it holds."""
ENV_VAR = "RAREREG_REGISTRY"


class RegistryNotFoundError(Exception):
    """No registry where one was asked for: a usage error, not a finding."""


@dataclass(slots=True)
class Entry:
    """One registry file: where it is, what kind, and its parsed content if readable."""

    kind: str
    stem: str
    path: str
    doc: YamlDoc | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def well_formed(self) -> bool:
        """True when the file parsed and its data has its schema's shape, which checks rely on.

        Other errors (a cut value, a hidden character) leave the shape as the checks expect it.
        """
        return self.doc is not None and not any(
            f.code == "schema" and f.severity is Severity.ERROR for f in self.findings
        )

    @property
    def ok(self) -> bool:
        """True when the file parsed and matched its schema (warnings allowed)."""
        return self.doc is not None and not any(f.severity is Severity.ERROR for f in self.findings)


class Loaded:
    """Every file of a registry, plus the findings that belong to no single file.

    Entries of files taken from the cache are only built when ``entries`` is first read.
    """

    def __init__(
        self,
        root: Path,
        entries: list[Entry] | None = None,
        findings: list[Finding] | None = None,
        build: Callable[[], list[Entry]] | None = None,
        count: int | None = None,
    ) -> None:
        self.root = root
        self.count = count if count is not None else len(entries or [])
        """How many registry files were read (without building their entries)."""
        self._entries = entries
        self._build = build
        self.findings = findings or []
        self.saved: Callable[[], None] = _saved
        """Waits until the cache of the files read is written (it may be written meanwhile)."""
        self.hashes: dict[str, str] = {}
        """The content hash of each file as it was read (by file path), where known."""
        self.wanted: frozenset[str] | None = None
        """The display paths whose findings are wanted (None: all), when only part is checked.

        The other files are there for what the wanted ones look up: their own references need
        not be followed.
        """
        self.known_kinds: Callable[[], dict[str, str]] | None = None
        """The kind of every id of the whole registry, when ``entries`` are only part of it.

        Set by an incremental run, which checks a few files against the rest of the registry:
        a "did you mean" hint must choose among every id, not only those of the files loaded.
        """

    @property
    def entries(self) -> list[Entry]:
        """The registry's files, built on first use."""
        if self._entries is None:
            with gcpause.paused():
                self._entries = self._build() if self._build is not None else []
        return self._entries


def is_registry(path: Path) -> bool:
    """A registry is a folder holding at least one of the kind folders."""
    return any((path / name).is_dir() for name in FOLDERS)


def bundled_registry() -> Path:
    """The registry shipped with rarereg."""
    return data_dir("registry")


def find_registry(explicit: str | None, env: Mapping[str, str], cwd: Path) -> Path:
    """Locate the registry: ``--registry``, else $RAREREG_REGISTRY, else nearest ``registry/``.

    Falls back on the bundled copy, so an installed rarereg works from anywhere.
    """
    for given, origin in ((explicit, "--registry"), (env.get(ENV_VAR) or None, ENV_VAR)):
        if given is not None:
            path = Path(given).expanduser()
            if not path.is_dir():
                raise RegistryNotFoundError(f"{origin} {given}: no such folder")
            if not is_registry(path):
                kinds = ", ".join(f"{n}/" for n in FOLDERS)
                raise RegistryNotFoundError(
                    f"{origin} {given}: not a registry (it holds none of {kinds})"
                )
            return path
    for folder in (cwd, *cwd.parents):
        candidate = folder / "registry"
        if candidate.is_dir() and is_registry(candidate):
            return candidate
        if is_registry(folder):
            return folder
    return bundled_registry()


def display_path(path: Path | str, cwd: Path) -> str:
    """Path as users should see it: relative to the working directory when inside it."""
    # String work, not pathlib: this runs once per file, tens of thousands of times.
    text = os.fspath(path)
    base = os.fspath(cwd).rstrip(os.sep) + os.sep
    if text.startswith(base):
        text = text[len(base) :]
    return text.replace(os.sep, "/") if os.sep != "/" else text


def list_files(root: Path, cwd: Path) -> tuple[list[tuple[str, str]], list[Finding]]:
    """Every registry file as (kind, path), sorted, and findings on misplaced files.

    Nothing is opened here: a file's type comes from the folder listing, so a FIFO or a device
    named like a registry file is reported and never read.
    """
    files: list[tuple[str, str]] = []
    findings: list[Finding] = []
    folders: list[Path] = []  # where no registry file belongs: searched for stray YAML files
    root = root.absolute()  # absolute paths: the cache's keys must not depend on the cwd
    real_root = root.resolve()
    for folder, kind in FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        if base.is_symlink() and not _inside(base, real_root):
            findings.append(
                error(
                    display_path(base, cwd),
                    (1, 1),
                    "symlink",
                    "kind folder is a symbolic link out of the registry: not read; "
                    "move the files in",
                )
            )
            continue
        for item in sorted(os.scandir(base), key=lambda e: e.name):
            name = item.name
            # The usual name, decided cheaply: this runs once per file on every run.
            usual = name.endswith(".yaml") and name[0] != "." and name.isascii()
            problem = None if usual else _misnamed(name)
            if problem == "skip":
                # Hidden ones too: nothing but registry files belongs in a kind folder.
                if item.is_dir(follow_symlinks=False):
                    folders.append(Path(item.path))
                continue
            if problem:
                findings.append(error(shown_path(item.path, cwd), (1, 1), "file-name", problem))
                continue
            path = item.path
            if item.is_symlink() and not _inside(Path(path), real_root):
                findings.append(
                    error(
                        display_path(path, cwd),
                        (1, 1),
                        "symlink",
                        "symbolic link to a file outside the registry; copy the file in",
                    )
                )
                continue
            try:
                special = not item.is_file() and not item.is_dir()
            except OSError:
                special = False  # then reading it says why it cannot be read
            if special:
                findings.append(
                    error(
                        display_path(path, cwd),
                        (1, 1),
                        "special-file",
                        "not a regular file (a FIFO, socket or device): not read",
                    )
                )
                continue
            files.append((kind, path))
    sources = root / "sources"
    if sources.is_symlink() and not _inside(sources, real_root):
        findings.append(
            error(
                display_path(sources, cwd),
                (1, 1),
                "symlink",
                "sources/ is a symbolic link out of the registry: its documents do not count; "
                "move them in",
            )
        )
    findings.extend(_strays(root, cwd))
    for sub in sorted(os.scandir(root), key=lambda e: e.name):
        if (
            sub.name not in FOLDERS
            and sub.name != "sources"
            and not sub.name.startswith(".")
            and sub.is_dir(follow_symlinks=False)
        ):
            folders.append(Path(sub.path))
    findings.extend(_strays_below(sorted(folders), root, cwd))
    return files, findings


def source_documents(root: Path) -> frozenset[str]:
    """Names of the documents ``sources/`` holds: regular files, or links to one in the registry.

    Nothing is opened: a FIFO, socket, device or folder with a cited name is no document (and a
    FIFO would block the reader), nor is anything reached through a link out of the registry.
    """
    real_root = root.resolve()
    folder = root / "sources"
    if not _inside(folder, real_root):
        return frozenset()
    try:
        items = list(os.scandir(folder))
    except OSError:
        return frozenset()
    found = []
    for item in items:
        try:
            if item.is_symlink() and not _inside(Path(item.path), real_root):
                continue
            if item.is_file():  # follows a link inside the registry; no open
                found.append(item.name)
        except OSError:
            continue
    return frozenset(found)


MAX_STRAY_DEPTH = 8
"""How many folder levels below the registry are searched for stray YAML files."""
MAX_STRAY_ENTRIES = 50_000
"""How many names, at most, that search lists: a huge tree is not walked forever."""


def _strays(folder: Path, cwd: Path) -> list[Finding]:
    """YAML files directly in ``folder``, where no registry file belongs (hidden names aside)."""
    return _strays_below([folder], folder, cwd, depth=0)


def _strays_below(
    folders: list[Path], root: Path, cwd: Path, depth: int = MAX_STRAY_DEPTH
) -> list[Finding]:
    """YAML files in ``folders`` and their subfolders, down to ``depth`` levels below ``root``.

    Hidden folders (``.git``) are skipped and linked folders never followed (a link loop would
    not end). Where the search stops at its bounds, a warning says the rest was not searched.
    """
    found: list[Finding] = []
    listed = 0
    pending = list(reversed(folders))  # depth first, in name order
    while pending:
        folder = pending.pop()
        try:
            items = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        listed += len(items)
        if listed > MAX_STRAY_ENTRIES:
            found.append(_unsearched(folder, cwd, f"over {MAX_STRAY_ENTRIES} names listed"))
            break
        below: list[Path] = []
        for item in items:
            if item.name.startswith("."):
                continue
            if item.name.lower().endswith((".yaml", ".yml")):
                found.append(
                    warning(
                        shown_path(item.path, cwd),
                        (1, 1),
                        "unknown-file",
                        "not in a kind folder (hospitals/, networks/, campaigns/, centres/): "
                        "ignored",
                    )
                )
            elif depth and _is_real_dir(item):
                below.append(Path(item.path))
        if below and len(folder.relative_to(root).parts) >= depth:
            found.append(_unsearched(folder, cwd, f"over {depth} levels deep"))
            continue
        pending.extend(reversed(below))
    return found


def _is_real_dir(item: os.DirEntry[str]) -> bool:
    try:
        return item.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _unsearched(folder: Path, cwd: Path, why: str) -> Finding:
    return warning(
        shown_path(str(folder), cwd),
        (1, 1),
        "unknown-file",
        f"subfolders not searched for YAML files ({why}): keep only registry files here",
    )


def _misnamed(name: str) -> str | None:
    """Why a file name in a kind folder is refused; "skip" for files that are not YAML."""
    lower = name.lower()
    if not lower.endswith((".yaml", ".yml")):
        return "skip"
    if not _is_text(name):
        return "the file name is not UTF-8 text: rename the file to <id>.yaml"
    if name.startswith("."):
        return "hidden file: registry files are named <id>.yaml; rename or remove it"
    if not name.endswith(".yaml"):
        return "registry files end in .yaml (lower case): rename this file"
    return None


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def shown_path(path: str, cwd: Path) -> str:
    """A display path that can be printed even when the name is not UTF-8."""
    raw = os.fsencode(display_path(path, cwd))
    return raw.decode("utf-8", "backslashreplace")


def _inside(path: Path, real_root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):  # a loop of links
        return False


def changed_ns(st: os.stat_result) -> int:
    """When a file last changed, as far as its status tells: the later of its times.

    The modification time alone can be set back (``touch -d``, ``cp -p``) and survives a rename,
    so two files swapped with ``mv`` keep their sizes and times. The status-change time moves on
    every write and rename and cannot be set, so a cache keyed by it is not fooled (as git does).
    """
    return max(st.st_mtime_ns, st.st_ctime_ns)


def _read_raw(path: Path | str, shown: str) -> tuple[bytes | None, int, int, Finding | None]:
    """A file's bytes with its size and time, or the finding that says why it cannot be read."""
    try:
        # Non-blocking: a file replaced by a FIFO since it was listed must not hang the run.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with open(fd, "rb") as handle:  # noqa: PTH123 - a file descriptor
            st = os.fstat(handle.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(21, "Is a directory")
            if not stat.S_ISREG(st.st_mode):
                msg = "not a regular file (a FIFO, socket or device): not read"
                return None, 0, 0, error(shown, (1, 1), "special-file", msg)
            if st.st_size > MAX_BYTES:
                msg = (
                    f"file is {st.st_size} bytes, over the {MAX_BYTES}-byte limit for a "
                    f"registry file"
                )
                return None, st.st_size, changed_ns(st), error(shown, (1, 1), "file-too-large", msg)
            # Read what fstat says is there (plus one byte, to see a file that grew): asking for
            # MAX_BYTES would allocate 1 MiB per file and shrink it to a mapped page, one
            # memory mapping per file, past the kernel's limit on large registries.
            return handle.read(st.st_size + 1), st.st_size, changed_ns(st), None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, 0, 0, error(shown, (1, 1), "unreadable", f"cannot read the file: {reason}")


def read_entry(kind: str, path: Path | str, shown: str) -> Entry:
    """Read, parse and schema-check one file."""
    entry = read_hashed(kind, path, shown)[0]
    assert entry is not None
    return entry


def read_hashed(
    kind: str, path: Path | str, shown: str, unless: str = ""
) -> tuple[Entry | None, str]:
    """Read, parse and schema-check one file; with the hash of what was read ("" if nothing).

    A file whose content hash is ``unless`` is not parsed: its entry is None.
    """
    from rarereg.cache import digest

    stem = _stem(os.fspath(path))
    raw, _, _, problem = _read_raw(path, shown)
    if raw is None:
        return Entry(kind, stem, shown, None, [problem] if problem else []), ""
    content_hash = digest(raw)
    if unless and content_hash == unless:
        return None, content_hash
    return entry_from_bytes(kind, stem, shown, raw, os.fspath(path)), content_hash


def entry_from_bytes(
    kind: str, stem: str, shown: str, raw: bytes, source: str | None = None
) -> Entry:
    """Parse one file's content, wherever it was read from (disk, git), and check it.

    The checks are the rules declared for each parsed file (stage FILE): their findings are
    cached with the file.

    A plain file is read by the compiled parser, without positions: they are read again from
    ``source`` (the file on disk) by the strict reader only if a finding needs one.
    """
    from rarereg import fastyaml
    from rarereg.rules.engine import check_file

    data = fastyaml.read(raw)
    if data is not None:
        # Positions are read again when a finding needs one: from the file, or from the
        # content itself when it is not on disk (a file about to be written, a git object).
        doc: YamlDoc | None = (
            YamlDoc(data, None, None, (source, shown))
            if source
            else YamlDoc(data, None, None, None, raw)
        )
        findings: list[Finding] = []
    else:
        from rarereg.yamlstrict import parse_bytes

        doc, findings = parse_bytes(raw, shown)
    if doc is not None:
        findings.extend(check_file(kind, doc, shown))
    return Entry(kind, stem, shown, doc, findings)


PARALLEL_MIN = 500
"""Below this many files to parse, starting worker processes costs more than it saves."""


Progress = Callable[[int, int], None]
"""Told (files done, files in all) as files are read: the CLI shows it on a terminal."""


def _no_progress(_done: int, _total: int) -> None:
    return None


def load(
    root: Path,
    cwd: Path | None = None,
    cache_dir: Path | None = None,
    listing: Listing | None = None,
    stats: list[tuple[int, int]] | None = None,
    progress: Progress | None = None,
    background: Callable[[list[Plain]], None] | None = None,
) -> Loaded:
    """Read every file of the registry at ``root``; with ``cache_dir``, reuse unchanged files.

    ``listing`` is the result of :func:`list_files` when the caller already has it, and
    ``stats`` each of its files' size and time (from a :class:`Stamp`); ``progress`` is called
    as files are done. ``background`` is given every file as the cache keeps it.
    """
    with gcpause.paused():
        return _load(root, cwd, cache_dir, listing, stats, progress or _no_progress, background)


def _load(
    root: Path,
    cwd: Path | None,
    cache_dir: Path | None,
    listing: Listing | None,
    stats: list[tuple[int, int]] | None,
    progress: Progress,
    background: Callable[[list[Plain]], None] | None = None,
) -> Loaded:
    from rarereg import shares
    from rarereg.cache import FileCache, Record

    cwd = cwd or Path.cwd()
    files, findings = listing or list_files(root, cwd)
    store = FileCache.open(cache_dir, root, schemas.schema_fingerprint())
    shown_of = [display_path(path, cwd) for _, path in files]
    entries: list[Entry | None] = [None] * len(files)
    hits: list[tuple[int, Any]] = []
    todo: list[int] = []
    for i, (_, path) in enumerate(files):
        record = None
        if not store.empty:  # an empty cache (a cold run) has nothing to look up
            try:
                if stats is not None:
                    size, mtime_ns = stats[i]
                else:
                    st = os.stat(path)  # noqa: PTH116 - a str path from scandir
                    size, mtime_ns = st.st_size, changed_ns(st)
                record = store.get(path, size, mtime_ns)
            except OSError:
                record = None
        if record is not None:
            hits.append((i, record))
        else:
            todo.append(i)
        if i % 256 == 0:
            progress(len(hits), len(files))

    def work(n: int) -> Checked:
        i = todo[n]
        return _check_file(files[i][0], files[i][1], shown_of[i], store)

    if len(todo) >= PARALLEL_MIN:
        _prepare()  # once here, not once in every worker
    # Each process reads, hashes, parses and checks its own files, and sends back plain values.
    results = shares.run(
        len(todo),
        work,
        minimum=PARALLEL_MIN,
        progress=lambda n: progress(len(hits) + n, len(files)),
    )
    progress(len(files), len(files))
    for n, i in enumerate(todo):
        kind, path = files[i]
        size, mtime_ns, content_hash, status, data, found = results[n]
        if status == _SAME_CONTENT:
            hits.append((i, store.get_by_hash(path, content_hash, size, mtime_ns)))
            continue
        record = Record(size, mtime_ns, content_hash, data, found)
        entries[i] = _from_record(kind, path, shown_of[i], record)
        if status == _PARSED:
            store.put(path, record)
    if len(todo) >= PARALLEL_MIN:
        # Many records to write: a forked process writes them while this one checks.
        saved = shares.in_background(store.save)
    else:
        store.save()
        saved = _saved
    if background is not None:
        plain: list[Plain] = [(None, [], "")] * len(files)
        for i, record in hits:
            plain[i] = (record.data, record.findings, record.hash)
        for n, i in enumerate(todo):
            if results[n][3] != _SAME_CONTENT:
                plain[i] = (results[n][4], results[n][5], results[n][2])
        background(plain)

    def build() -> list[Entry]:
        for i, record in hits:
            entries[i] = _from_record(files[i][0], files[i][1], shown_of[i], record)
        return [e for e in entries if e is not None]

    loaded = Loaded(root, None, findings, build, len(files))
    loaded.hashes = {files[i][1]: record.hash for i, record in hits}
    loaded.hashes.update(
        (files[i][1], results[n][2]) for n, i in enumerate(todo) if results[n][3] != _UNREADABLE
    )
    loaded.saved = saved
    return loaded


Plain = tuple[dict[str, Any] | None, list[list[Any]], str]
"""One file as the cache keeps it: its data (None if unreadable), findings, content hash."""


def _saved() -> None:
    return None


def _prepare() -> None:
    """Import the parsers and build the schema validators, before workers are forked."""
    from rarereg import fastyaml

    fastyaml.read(b"id: x\n")
    for kind in schemas.KINDS:
        schemas.compiled_validator(kind)


Checked = tuple[int, int, str, int, dict[str, Any] | None, list[list[Any]]]
"""One file as a worker returns it: size, time, content hash, status, data, findings."""
_PARSED, _SAME_CONTENT, _UNREADABLE = 0, 1, 2


def _check_file(kind: str, path: str, shown: str, store: Any) -> Checked:
    """Read, hash, parse and check one file (in whichever process): only plain values out."""
    from rarereg.cache import digest, findings_to_json

    raw, size, mtime_ns, problem = _read_raw(path, shown)
    if raw is None:
        return size, mtime_ns, "", _UNREADABLE, None, findings_to_json([problem] if problem else [])
    content_hash = digest(raw)
    if not store.empty and store.known_hash(path) == content_hash:  # touched, not changed
        return size, mtime_ns, content_hash, _SAME_CONTENT, None, []
    entry = entry_from_bytes(kind, _stem(path), shown, raw, path)
    data = _shared_text(entry.doc.data) if entry.doc is not None else None
    return size, mtime_ns, content_hash, _PARSED, data, findings_to_json(entry.findings)


_SHORT = 64


def _shared_text(data: dict[str, Any]) -> dict[str, Any]:
    """The same data with keys and short texts interned: one object for each repeated text.

    100,000 files repeat the same keys, kinds, roles and ids millions of times; interned, they
    are held once in memory and sent once (as references) from a worker.
    """
    intern = sys.intern
    out: dict[str, Any] = {}
    for key, value in data.items():
        kind = type(value)
        if kind is str:
            if len(value) <= _SHORT:
                value = intern(value)
        elif kind is dict:
            value = _shared_text(value)
        elif kind is list:
            value = [
                _shared_text(v)
                if type(v) is dict
                else (intern(v) if type(v) is str and len(v) <= _SHORT else v)
                for v in value
            ]
        out[intern(key)] = value
    return out


Listing = tuple[list[tuple[str, str]], list[Finding]]


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a registry looks like without opening a file: paths, sizes and times."""

    digest: str
    newest_ns: int
    listing: Listing
    stats: list[tuple[int, int]]
    """Each listed file's size and modification time, in the listing's order."""

    @property
    def count(self) -> int:
        """How many registry files there are."""
        return len(self.listing[0])


def stamp(root: Path, cwd: Path) -> Stamp | None:
    """A digest of every registry file's path, size and time, and the newest time.

    Cheap (no file is opened): it tells whether the registry is exactly as a past run saw it.
    None when a file cannot even be examined.
    """
    from rarereg.digests import blake2b

    files, findings = list_files(root, cwd)
    lines = [f"{f.path}\0{f.code}\n" for f in findings]
    stats = []
    stat = os.stat
    try:
        for _, path in files:
            st = stat(path)  # nothing of it kept: 20,000 status objects would wake the collector
            # The same time the files are read and cached by: the stamp must agree with them.
            size, changed = st.st_size, changed_ns(st)
            lines.append(f"{path}\0{size}\0{changed}\0{st.st_ino}\n")
            stats.append((size, changed))
    except OSError:
        return None
    newest = max((changed for _, changed in stats), default=0)
    # One digest of the whole text: the same value as updating it line by line, in fewer calls.
    digest = blake2b("".join(lines).encode(errors="surrogateescape"), digest_size=16)
    return Stamp(digest.hexdigest(), newest, (files, findings), stats)


def _stem(path: str) -> str:
    return path.rsplit(os.sep, 1)[-1].removesuffix(".yaml")


def _from_record(kind: str, path: str, shown: str, record: Any) -> Entry:
    findings = record.findings_for(shown) if record.findings else []
    doc = None if record.data is None else YamlDoc(record.data, None, None, (path, shown))
    return Entry(kind, _stem(path), shown, doc, findings)


def entries_from_contents(
    jobs: list[tuple[str, str, str, bytes]], registry_root: Path, cache_dir: Path | None
) -> list[Entry]:
    """Entries for contents read from git, reusing what the working tree's cache checked.

    A content the cache has seen (same hash) is not parsed again; the others are parsed, on
    every core when there are many. Positions are read from the content if a finding needs one.
    """
    from rarereg import shares
    from rarereg.cache import FileCache, Record, digest, findings_to_json

    store = FileCache.open(cache_dir, registry_root, schemas.schema_fingerprint())
    known = store.by_hash()
    entries: list[Entry | None] = [None] * len(jobs)
    todo = []
    for n, (kind, stem, shown, raw) in enumerate(jobs):
        record = known.get(digest(raw))
        if record is None:
            todo.append(n)
            continue
        findings = record.findings_for(shown) if record.findings else []
        doc = None if record.data is None else YamlDoc(record.data, None, None, None, raw)
        entries[n] = Entry(kind, stem, shown, doc, findings)

    def work(k: int) -> tuple[dict[str, Any] | None, list[list[Any]]]:
        entry = entry_from_bytes(*jobs[todo[k]])
        return (entry.doc.data if entry.doc is not None else None), findings_to_json(entry.findings)

    if len(todo) >= PARALLEL_MIN:
        _prepare()
    results = shares.run(len(todo), work, minimum=PARALLEL_MIN)
    for k, n in enumerate(todo):
        kind, stem, shown, raw = jobs[n]
        data, found = results[k]
        doc = None if data is None else YamlDoc(data, None, None, None, raw)
        entries[n] = Entry(
            kind, stem, shown, doc, Record(0, 0, "", data, found).findings_for(shown)
        )
    return [e for e in entries if e is not None]


def registry_root_of(paths: Sequence[Path]) -> Path | None:
    """The registry that holds the given paths, by looking upwards from the first."""
    if not paths:
        return None
    start = paths[0].resolve()
    for folder in (start, *start.parents):
        if folder.is_dir() and is_registry(folder):
            return folder
    return None
