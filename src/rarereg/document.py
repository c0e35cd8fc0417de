"""A parsed registry file: plain data, and where each value stands. No YAML library here.

Kept apart from the parser so that a run served from the cache never imports PyYAML.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 1024 * 1024
"""A registry file is about 1 KB; anything near this limit is a mistake or an attack."""

PathKey = tuple[str | int, ...]
Pos = tuple[int, int]


@dataclass(slots=True)
class YamlDoc:
    """A parsed file: plain data, and where each value and key stands (1-based).

    Positions may be left out (``None``) when the data came from the cache or a worker
    process; the file named by ``source`` is then parsed again the first time a position is
    asked for, which only happens for files with a finding.
    """

    data: dict[str, Any]
    values: dict[PathKey, Pos] | None = field(default_factory=dict)
    keys: dict[PathKey, Pos] | None = field(default_factory=dict)
    source: tuple[str, str] | None = None
    """(file path, display path) to re-read positions from, when they were left out."""
    content: bytes | None = None
    """The content itself, for data parsed from memory (no file on disk) without positions."""

    def _reload(self) -> YamlDoc | None:
        from rarereg.yamlstrict import parse_bytes

        if self.content is not None:
            return parse_bytes(self.content, "")[0]
        if self.source is None:
            return None

        try:
            with open(self.source[0], "rb") as handle:  # noqa: PTH123 - a str path
                size = os.fstat(handle.fileno()).st_size
                return parse_bytes(handle.read(min(size, MAX_BYTES) + 1), self.source[1])[0]
        except OSError:
            return None

    def _positions(self) -> tuple[dict[PathKey, Pos], dict[PathKey, Pos]]:
        if self.values is None or self.keys is None:
            fresh = self._reload()
            self.values = fresh.values if fresh is not None and fresh.values is not None else {}
            self.keys = fresh.keys if fresh is not None and fresh.keys is not None else {}
        return self.values, self.keys

    def pos(self, path: PathKey) -> Pos:
        """Position of the value at ``path``, or of its nearest enclosing value."""
        values, _ = self._positions()
        while path not in values and path:
            path = path[:-1]
        return values.get(path, (1, 1))

    def key_pos(self, path: PathKey) -> Pos:
        """Position of the key that holds ``path``, else of the value."""
        _, keys = self._positions()
        return keys.get(path) or self.pos(path)
