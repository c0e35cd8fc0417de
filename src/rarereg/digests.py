"""The hash functions of cache keys and stamps, without loading OpenSSL.

``hashlib`` loads OpenSSL's library on import (about 2.5 ms, a tenth of a warm query's own
work); CPython's built-in BLAKE2 and SHA-256 give the same digests. Where an interpreter lacks
them, hashlib's are used.
"""

from __future__ import annotations

from typing import Protocol


class Hash(Protocol):
    """What rarereg uses of a hash object."""

    def update(self, data: bytes, /) -> None:
        """Add bytes to what is hashed."""

    def hexdigest(self) -> str:
        """The digest so far, in hexadecimal."""


def blake2b(data: bytes = b"", *, digest_size: int = 64) -> Hash:
    """A BLAKE2b hash object, as ``hashlib.blake2b`` makes."""
    try:
        from _blake2 import blake2b as builtin
    except ImportError:  # pragma: no cover - every CPython build we support has it
        from hashlib import blake2b as builtin
    made: Hash = builtin(data, digest_size=digest_size)
    return made


def sha256(data: bytes = b"") -> Hash:
    """A SHA-256 hash object, as ``hashlib.sha256`` makes."""
    try:
        from _sha2 import sha256 as builtin  # type: ignore[import-not-found]  # named so from 3.12
    except ImportError:
        try:
            from _sha256 import sha256 as builtin  # type: ignore[import-not-found]
        except ImportError:  # pragma: no cover
            from hashlib import sha256 as builtin
    made: Hash = builtin(data)
    return made
