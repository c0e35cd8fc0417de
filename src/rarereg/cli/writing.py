"""What the commands that write registry files share: where to write, the check, the write."""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rarereg.cli import common

if TYPE_CHECKING:
    from rarereg.authoring.files import Change
    from rarereg.findings import Finding

DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")
]


def writable_root(registry: Path | None) -> Path:
    """The registry to write to; never the copy installed with rarereg."""
    from rarereg.authoring.files import is_bundled

    root = common.registry_path(registry)
    if is_bundled(root):
        common.fail(
            "no registry checkout here (only the copy installed with rarereg, which is not "
            "edited); run this inside one or pass --registry"
        )
    return root


def print_findings(findings: list[Finding]) -> None:
    """Findings on stderr, one line each, as validate writes them."""
    for f in findings:
        common.say(f"{f.path}:{f.line}:{f.col}: {f.severity.value}[{f.code}] {f.message}")


def check_or_fail(root: Path, changes: list[Change], today: dt.date) -> list[Finding]:
    """The findings of the changed files, the registry checked as it would be after them."""
    from rarereg.authoring.files import AuthoringError, check_changes

    if not changes:
        return []
    try:
        found = check_changes(root, Path.cwd(), changes, today)
    except AuthoringError as exc:
        common.fail(str(exc))
    return [f for change in changes for f in found[change.path]]


def write_or_fail(path: Path, text: str, *, new: bool = False) -> None:
    """Write atomically; a new file never replaces one; a failure is a one-line error."""
    from rarereg.output import write_atomic

    try:
        if new:  # a registry may not have this kind's folder yet; never deeper than that
            path.parent.mkdir(exist_ok=True)
        write_atomic(path, text, exclusive=new)
    except FileExistsError:
        common.fail(f"{path} exists; nothing is overwritten")
    except OSError as exc:
        common.fail(f"cannot write {path}: {exc.strerror or exc}")


PlanFormat = enum.StrEnum("PlanFormat", "table json csv")
"""Formats of the plan (renew) and report (import) tables."""
