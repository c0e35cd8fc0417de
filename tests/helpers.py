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


def add_recorded_facts(data: dict[str, Any]) -> dict[str, Any]:
    """The base registry with reported ends, a previous label, site contacts, published counts."""
    data["campaigns"]["campaign-2023"]["reported_ends"] = [
        {
            "end": "2028",
            "source": {"url": "https://example.org/ends", "retrieved": "2026-11-25"},
            "note": "a year only",
        }
    ]
    data["campaigns"]["campaign-2017"] = {
        "id": "campaign-2017",
        "name": "Labellisation 2017",
        "start": "2017-07-01",
        "end": "2022-06-30",
        "sources": [{"document": "page.txt"}],
    }
    data["centres"]["lupus"]["previous_labels"] = [{"campaign": "campaign-2017"}]
    data["centres"]["lupus"]["sites"][0].update(
        {
            "address": "47-83 boulevard de l'Hôpital, 75013 Paris",
            "phone": "01 42 17 80 01",
            "email": "secretariat.mi2@aphp.fr",
            "website": "https://example.org/mi2",
        }
    )
    data["hospitals"]["chu-lille"]["published_counts"] = {
        "as_of": "2026-01-01",
        "crmr": 4,
        "source": {"url": "https://example.org/counts", "retrieved": "2026-11-25"},
    }
    return data
