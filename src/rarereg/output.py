"""Writing output files: whole or not at all, with the user's permissions, never over a device.

A regular file (or a new one) is written to a temporary file in the same folder and renamed
over it, so a reader never sees half of it; the temporary file is removed if anything fails.
A new file gets the permissions the user's umask gives (0644 usually), an existing one keeps
its own. A symbolic link is followed: the file it points to is replaced, the link stays.
Anything else (``/dev/null``, ``/dev/stdout``, a FIFO) is written to in place, never replaced.
With ``exclusive`` (a new registry file), nothing that exists is replaced, not even a dangling
link: the temporary file is hard-linked into place, which fails if the name is taken.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def _umask() -> int:
    # The only portable way to read the umask is to set it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str, *, exclusive: bool = False, durable: bool = True) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path``; see the module docstring.

    With ``exclusive``, an existing ``path`` raises :class:`FileExistsError`. ``durable=False``
    skips the flush to disk, for files that are checked when read and rebuilt when torn (the
    cache): 64 of them would otherwise wait for the disk 64 times.
    """
    if exclusive and os.path.lexists(path):
        raise FileExistsError(17, "exists", str(path))
    target = Path(os.path.realpath(path))
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "is a folder", str(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        with target.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            os.fchmod(handle.fileno(), mode)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if exclusive:
            _link_new(Path(tmp), target)
        else:
            Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        # a file system without hard links: check, then rename (a small window, not none)
        if os.path.lexists(path):
            raise FileExistsError(17, "exists", str(path)) from None
        tmp.replace(path)
        return
    tmp.unlink()
