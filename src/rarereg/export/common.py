"""What every export shares: the date it speaks for, progress, facts' sources, atomic writes."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from rarereg import __version__
from rarereg.labels import labelled_on
from rarereg.model import Centre, Registry
from rarereg.render.safe import json_text

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what): the CLI shows it on a terminal, tests record it."""


def no_progress(done: int, total: int, what: str) -> None:
    """The default: report nothing."""


class ExportError(Exception):
    """An export that cannot be written as asked (a usage or input error, not a crash)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The registry as published: centres labelled on ``as_of``, and the facts about the run."""

    reg: Registry
    as_of: dt.date

    @property
    def centres(self) -> list[Centre]:
        """Centres in id order (exports never depend on file-system order)."""
        return [self.reg.centres[k] for k in sorted(self.reg.centres)]


def snapshot(reg: Registry, as_of: dt.date) -> Snapshot:
    """The registry as labelled on ``as_of`` (hospitals, networks, campaigns are kept whole)."""
    return Snapshot(labelled_on(reg, as_of), as_of)


def generated_at() -> str | None:
    """The build time, only when SOURCE_DATE_EPOCH gives it: exports are otherwise timeless."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not (epoch.isascii() and epoch.isdigit()):  # '²' is a digit int() cannot read
        return None
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def about(snap: Snapshot) -> dict[str, Any]:
    """What an export says about itself, with stable keys."""
    info: dict[str, Any] = {
        "generator": f"rarereg {__version__}",
        "as_of": snap.as_of.isoformat(),
        "centres": len(snap.reg.centres),
        "hospitals": len(snap.reg.hospitals),
        "networks": len(snap.reg.networks),
        "campaigns": len(snap.reg.campaigns),
    }
    stamp = generated_at()
    if stamp is not None:
        info["generated"] = stamp
    return info


def registry_file(reg: Registry, entity_id: str) -> str | None:
    """The entity's file relative to the registry root (``centres/x.yaml``), whatever the cwd."""
    path = reg.paths.get(entity_id)
    if path is None:
        return None
    return "/".join(path.replace(os.sep, "/").split("/")[-2:])


def sources_of(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An entity's sources, as written."""
    found = raw.get("sources") or []
    return [dict(s) for s in found if isinstance(s, Mapping)]


def listed_by(reg: Registry, centre: Centre) -> Centre | None:
    """The centre whose file lists the diseases ``centre`` covers: itself, or a CCMR's CRMR."""
    if centre.diseases or not centre.reference_centre:
        return centre if centre.diseases else None
    reference = reg.centres.get(centre.reference_centre)
    return reference if reference is not None and reg.diseases_of(centre) else None


def disease_sources(centre: Centre, position: int) -> list[dict[str, Any]]:
    """The sources given for the centre's own disease at ``position`` (from 1)."""
    items = centre.raw.get("diseases") or []
    item = items[position - 1] if 0 < position <= len(items) else None
    return sources_of(item) if isinstance(item, Mapping) else []


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to build into; renamed onto ``path`` only on success.

    On any failure the temporary file is removed and ``path`` is left as it was.
    """
    folder = path.parent if str(path.parent) else Path()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        # mkstemp makes the file private; a published file gets the usual permissions.
        Path(tmp).chmod(0o666 & ~_umask())
        yield Path(tmp)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def is_special(path: Path) -> bool:
    """A device or pipe (``/dev/null``, ``/dev/stdout``, a FIFO): written to, never replaced."""
    return path.exists() and not path.is_file() and not path.is_dir()


def write_with(path: Path, fill: Callable[[BinaryIO], None]) -> None:
    """Let ``fill`` write into ``path`` so that a reader never sees half of the file.

    A device or pipe is written to directly: renaming a file onto it would replace it.
    """
    if is_special(path):
        with path.open("wb") as handle:
            fill(handle)
        return
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        fill(handle)
        handle.flush()
        os.fsync(handle.fileno())


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader never sees half of it."""

    def fill(handle: BinaryIO) -> None:
        handle.write(data)

    write_with(path, fill)


def write_json(
    handle: BinaryIO, head: dict[str, Any], key: str, items: Iterable[Any], batch: int = 500
) -> None:
    """Write ``{**head, key: items}`` as ``json.dumps(..., indent=2)`` would, and a newline.

    Characters that could act on a terminal are escaped, as in every JSON rarereg writes.
    Items are encoded a batch at a time as they come: one call for a large document would hold
    many times its size in encoder pieces, and a call per item would leave a reference cycle
    per call behind while the CLI runs with the garbage collector off.
    """
    if not head:
        raise ValueError("write_json needs a non-empty head")
    opening = json_text(json.dumps(head, ensure_ascii=False, indent=2)[:-2])  # without "\n}"
    handle.write(f"{opening},\n  {json.dumps(key)}: [".encode())
    wrote = False
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= batch:
            _write_chunk(handle, chunk, wrote)
            wrote, chunk = True, []
    if chunk:
        _write_chunk(handle, chunk, wrote)
        wrote = True
    handle.write(b"\n  ]\n}\n" if wrote else b"]\n}\n")


def _write_chunk(handle: BinaryIO, chunk: list[Any], after: bool) -> None:
    # A list at depth 0 puts its items two spaces in; in the document they sit four spaces in.
    inner = json_text(json.dumps(chunk, ensure_ascii=False, indent=2)[2:-2])
    handle.write(((",\n  " if after else "\n  ") + inner.replace("\n", "\n  ")).encode())
