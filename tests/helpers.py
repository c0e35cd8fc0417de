"""Small helpers for tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from rarereg.cli import app


def run(runner: CliRunner, *args: str | Path) -> Result:
    """Invoke the CLI with string arguments."""
    return runner.invoke(app, [str(a) for a in args])


def tamper_cache(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Change the records of a cache file in place, as a hand edit would (the digest stays)."""
    head, _, body = path.read_bytes().partition(b"\n")
    files = json.loads(body)
    edit(files)
    path.write_bytes(head + b"\n" + json.dumps(files).encode())


def set_diseases(reg: Any, centre_id: str, items: list[dict[str, Any]]) -> None:
    """Give a loaded centre these diseases, as if its file listed them."""
    from rarereg import model

    raw = {**reg.centres[centre_id].raw, "diseases": items}
    reg.centres[centre_id] = model._centre(raw)
