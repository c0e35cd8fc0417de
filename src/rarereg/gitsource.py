"""Reading a registry as it was at a git revision, straight from git's objects.

Nothing is checked out and the working tree is never touched. Git runs with argument lists
(never a shell), with ``--`` before paths, and a revision that starts with ``-`` is refused so it
can never be taken for an option.
"""

from __future__ import annotations

import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rarereg.loader import FOLDERS


class GitError(Exception):
    """Git is missing, the folder is not in a repository, or the revision is unknown."""


@dataclass(frozen=True, slots=True)
class Blob:
    """One registry file at a revision."""

    kind: str
    path: str
    oid: str


def _git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            input=data,
            capture_output=True,
            check=False,
            timeout=300,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (needed to read revisions)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took too long") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def repository_of(folder: Path) -> tuple[Path, str]:
    """The top of the git work tree holding ``folder``, and the folder's path inside it."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").decode().strip()
    except GitError:
        raise GitError(f"{folder} is not inside a git repository") from None
    inside = folder.resolve().relative_to(Path(top).resolve()).as_posix()
    return Path(top), "" if inside == "." else inside


def resolve_revision(repo: Path, revision: str) -> str:
    """The commit id a revision names; unknown names and option-like names are refused."""
    if not revision or revision.startswith("-"):
        raise GitError(f"'{revision}' is not a revision (it may not start with '-')")
    try:
        return (
            _git(
                repo,
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                f"{revision}^{{commit}}",
            )
            .decode()
            .strip()
        )
    except GitError:
        raise GitError(f"unknown revision '{revision}'") from None


def list_blobs(repo: Path, commit: str, prefix: str) -> list[Blob]:
    """Registry files (``<kind folder>/<id>.yaml``) under ``prefix`` at ``commit``."""
    spec = f"{prefix}/" if prefix else "."
    out = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", spec)
    blobs = []
    base = f"{prefix}/" if prefix else ""
    tree: dict[str, tuple[str, str]] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind_of_object, oid = meta.decode().split()
        path = name.decode("utf-8", "surrogateescape")
        if kind_of_object == "blob":
            tree[path] = (mode, oid)
        inner = path[len(base) :].split("/")
        if kind_of_object != "blob" or len(inner) != 2 or inner[0] not in FOLDERS:
            continue
        if inner[1].endswith(".yaml"):
            blobs.append(Blob(FOLDERS[inner[0]], path, oid))
    return _through_links(repo, blobs, tree, base)


_LINK_MODE = "120000"
_MAX_HOPS = 40


def _through_links(
    repo: Path, blobs: list[Blob], tree: dict[str, tuple[str, str]], base: str
) -> list[Blob]:
    """Links replaced by the file they lead to in the registry, as the working tree reads them.

    A link's blob holds the path it points to, not YAML. A link out of the registry, into a
    loop or to nothing is left out, as the working tree's loader leaves it out.
    """
    links = [b for b in blobs if tree[b.path][0] == _LINK_MODE]
    if not links:
        return blobs
    targets = read_blobs(repo, [Blob("", t[1], t[1]) for t in tree.values() if t[0] == _LINK_MODE])
    resolved: dict[str, str | None] = {}
    for blob in links:
        path: str | None = blob.path
        for _ in range(_MAX_HOPS):
            if path is None or tree.get(path, ("", ""))[0] != _LINK_MODE:
                break
            text = targets[tree[path][1]].decode("utf-8", "surrogateescape")
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), text))
            if not path.startswith(base) or path.startswith("../") or text.startswith("/"):
                path = None
        ok = path is not None and path in tree and tree[path][0] != _LINK_MODE
        resolved[blob.path] = tree[path][1] if ok and path is not None else None
    out = []
    for blob in blobs:
        if blob.path not in resolved:
            out.append(blob)
        elif (oid := resolved[blob.path]) is not None:
            out.append(Blob(blob.kind, blob.path, oid))
    return out


def read_blobs(repo: Path, blobs: list[Blob]) -> dict[str, bytes]:
    """Contents of many blobs through one ``git cat-file --batch`` process."""
    if not blobs:
        return {}
    request = "".join(f"{b.oid}\n" for b in blobs).encode()
    out = _git(repo, "cat-file", "--batch", data=request)
    contents: dict[str, bytes] = {}
    pos = 0
    for blob in blobs:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        size = int(header[2])
        start = header_end + 1
        contents[blob.oid] = out[start : start + size]
        pos = start + size + 1  # the content is followed by a newline
    return contents


def changed_paths(repo: Path, commit: str, prefix: str) -> list[str]:
    """Paths under ``prefix`` that differ between ``commit`` and the working tree, new files too."""
    spec = f"{prefix}/" if prefix else "."
    diff = _git(repo, "diff", "--name-only", "-z", "--no-renames", commit, "--", spec)
    new = _git(repo, "ls-files", "--others", "--exclude-standard", "-z", "--", spec)
    # rarereg reads the files git ignores too: new ones in the folders it reads are changes.
    base = f"{prefix}/" if prefix else ""
    read = [f"{base}{folder}/" for folder in (*FOLDERS, "sources")]
    ignored = _git(repo, "ls-files", "--others", "-z", "--", *read, f":(glob){base}*")
    names = {p.decode("utf-8", "surrogateescape") for p in (diff + new + ignored).split(b"\0") if p}
    return sorted(names)


def changed_among(repo: Path, commit: str, paths: list[str]) -> bool:
    """True when any of these paths differs between ``commit`` and the working tree."""
    if not paths:
        return False
    diff = _git(repo, "diff", "--name-only", "-z", "--no-renames", commit, "--", *paths)
    new = _git(repo, "ls-files", "--others", "-z", "--", *paths)  # ignored or not, it is read
    return bool((diff + new).strip(b"\0"))
