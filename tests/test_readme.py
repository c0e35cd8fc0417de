"""The README's examples are real: every `console` block is run and its output compared.

A block runs from the repository's root, one `$ command` at a time; the lines after a command
are what it prints (stdout, then stderr). A line `…` ends a shortened output: what comes before
it must start the real output. A block right after `<!-- illustrative -->` is not run (it shows
a registry or a date that the repository does not have).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"(<!-- illustrative -->\n)?```console\n(.*?)```", re.DOTALL)


def examples() -> list[tuple[str, list[str]]]:
    """Every (command, expected lines) of the README's console blocks that are not illustrative."""
    out: list[tuple[str, list[str]]] = []
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for match in BLOCK.finditer(text):
        if match.group(1):
            continue
        for chunk in re.split(r"^\$ ", match.group(2), flags=re.MULTILINE)[1:]:
            command, *lines = chunk.rstrip("\n").split("\n")
            out.append((command, lines))
    return out


def test_the_readme_has_examples() -> None:
    """The extraction finds the validate examples (guards against a README reshaped unseen)."""
    assert any(command.startswith("rarereg validate") for command, _ in examples())


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda v: str(v)[:60])
def test_readme_example(command: str, expected: list[str], tmp_path: Path) -> None:
    """The command prints what the README says it prints."""
    argv = shlex.split(command)
    assert argv[0] == "rarereg"
    env = {**os.environ, "RAREREG_CACHE_DIR": str(tmp_path), "COLUMNS": "100"}
    env.pop("RAREREG_REGISTRY", None)
    done = subprocess.run(
        [sys.executable, "-m", "rarereg", *argv[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    actual = (done.stdout + done.stderr).rstrip("\n").split("\n")
    if "…" in expected:
        shown = expected[: expected.index("…")]
        assert actual[: len(shown)] == shown
    else:
        assert actual == expected
