"""Where the package's own data lives: bundled in the wheel, or in the source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The ``registry`` or ``schemas`` folder that ships with rarereg.

    A wheel carries copies under ``rarereg/_bundled/``; an editable install or
    a source checkout reads the repository's own folders, so edits show at once.
    """
    bundled = _PACKAGE / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parents[1] / name
