"""Small helpers for tests."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from rarereg.cli import app


def run(runner: CliRunner, *args: str | Path) -> Result:
    """Invoke the CLI with string arguments."""
    return runner.invoke(app, [str(a) for a in args])
