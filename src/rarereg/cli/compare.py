"""rarereg compare: what changed between two states of the registry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rarereg.cli import common
from rarereg.cli.app import EXIT_FINDINGS, EXIT_OK
from rarereg.cli.options import (
    CompareFormat,
    HospitalOpt,
    KindOpt,
    NetworkOpt,
    OutputOpt,
    RegistryOpt,
)

if TYPE_CHECKING:
    from rarereg.compare import Diff


def command(
    ctx: typer.Context,
    old: Annotated[
        str | None,
        typer.Argument(
            metavar="[OLD]",
            show_default=False,
            help="A git revision (tag, branch, HEAD~3, commit) or a folder holding a registry.",
        ),
    ] = None,
    new: Annotated[
        str | None,
        typer.Argument(
            metavar="[NEW]",
            show_default=False,
            help="Same; default: the working tree, uncommitted edits included.",
        ),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            metavar="FILE.csv",
            show_default=False,
            dir_okay=False,
            help="Compare the registry with a CSV list of centres (columns kind, name, hospital, "
            "network; id optional).",
        ),
    ] = None,
    hospital: HospitalOpt = None,
    network: NetworkOpt = None,
    kind: KindOpt = None,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code", help="Exit 1 when there are differences, like git diff --exit-code."
        ),
    ] = False,
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CompareFormat.table
    ),
    output: OutputOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """What changed between two states of the registry, read straight from git or folders.

    Added, removed and changed entities with each changed field, and label events named:
    renewed, lapsed, new centre, withdrawn, site promoted, renamed. A one-line summary first.

    Example: rarereg compare v2023 HEAD --format markdown
    """
    from rarereg import compare as cmp
    from rarereg import query

    root = common.registry_path(registry)
    cwd = Path.cwd()
    if against is not None:
        if old is not None:
            common.fail(
                "--against compares the registry (the working tree or --registry) with a CSV; "
                "give no revision"
            )
        _compare_csv(ctx, against, root, cwd, fmt, output, exit_code)
        return
    if old is None:
        common.fail("give a revision or folder to compare with, e.g. 'rarereg compare HEAD~1'")
    try:
        before = cmp.load_side(old, root, cwd, common.cache_dir(ctx))
        after = cmp.load_side(new, root, cwd, common.cache_dir(ctx))
    except cmp.SideError as exc:
        common.fail(str(exc))
    filters = query.Filters(hospital or [], network or [], kind or [])
    resolved = common.resolve(after.registry, filters) if (hospital or network or kind) else None
    diff = cmp.compare(before, after, resolved)
    _deliver_compare(diff, fmt, output)
    raise typer.Exit(EXIT_FINDINGS if exit_code and not diff.empty else EXIT_OK)


def _deliver_compare(diff: Diff, fmt: CompareFormat, output: Path | None) -> None:
    from rarereg import compare as cmp
    from rarereg import formats

    data = cmp.as_data(diff)
    sections = _compare_sections(data)
    if fmt is CompareFormat.json:
        common.deliver(formats.to_json(data), output)
    elif fmt is CompareFormat.markdown:
        summary_line = formats.md_escape(data["summary"])
        common.deliver(f"**{summary_line}**\n\n" + formats.to_markdown(sections), output)
    else:
        if output is not None:
            common.fail("--output needs --format json or markdown")
        from rarereg import console

        out = console.stdout()
        out.print(console.cell(data["summary"]))
        for title, rows, cols in sections:
            if rows:
                out.print(console.table(rows, [(c, c) for c in cols], title=title))


def _compare_sections(
    data: dict[str, object],
) -> list[tuple[str, list[dict[str, object]], tuple[str, ...]]]:
    events = data["events"]
    added = data["added"]
    removed = data["removed"]
    changed = data["changed"]
    assert isinstance(events, list) and isinstance(added, dict)
    assert isinstance(removed, dict) and isinstance(changed, dict)
    entity_rows = [{"change": "added", "kind": k, "id": i} for k, ids in added.items() for i in ids]
    entity_rows += [
        {"change": "removed", "kind": k, "id": i} for k, ids in removed.items() for i in ids
    ]
    field_rows = [
        {"kind": k, "id": i, "field": c["field"], "old": _short(c["old"]), "new": _short(c["new"])}
        for k, per in changed.items()
        for i, cs in per.items()
        for c in cs
    ]
    return [
        ("Label events", events, ("event", "id", "detail")),
        ("Added and removed", entity_rows, ("change", "kind", "id")),
        ("Changed fields", field_rows, ("kind", "id", "field", "old", "new")),
    ]


def _short(value: object) -> str:
    """A field value on one line: scalars as is, mappings and lists as compact JSON."""
    import json

    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _compare_csv(
    ctx: typer.Context,
    path: Path,
    root: Path,
    cwd: Path,
    fmt: CompareFormat,
    output: Path | None,
    exit_code: bool,
) -> None:
    from rarereg import against as csvcmp
    from rarereg import formats
    from rarereg.config import ConfigError
    from rarereg.model import load_registry

    try:
        reg = load_registry(root, cwd, common.cache_dir(ctx))
    except ConfigError as exc:
        common.fail(str(exc))
    try:
        rows = csvcmp.read_rows(path)
    except csvcmp.CsvError as exc:
        common.fail(str(exc))
    result = csvcmp.match(reg, rows)
    summary = (
        f"{path.name} vs registry: {len(result.matched)} matched, "
        f"{len(result.mismatched)} disagree, {len(result.only_in_csv)} only in the CSV, "
        f"{len(result.only_in_registry)} only in the registry"
    )
    sections = [
        ("Only in the CSV", result.only_in_csv, ("line", "kind", "name", "hospital", "network")),
        ("Only in the registry", result.only_in_registry, ("id", "kind", "name", "hospital")),
        ("Disagree", result.mismatched, ("line", "id", "name", "differences")),
    ]
    if fmt is CompareFormat.json:
        payload = {
            "summary": summary,
            "matched": result.matched,
            "mismatched": result.mismatched,
            "only_in_csv": result.only_in_csv,
            "only_in_registry": result.only_in_registry,
        }
        common.deliver(formats.to_json(payload), output)
    elif fmt is CompareFormat.markdown:
        common.deliver(
            f"**{formats.md_escape(summary)}**\n\n" + formats.to_markdown(sections), output
        )
    else:
        from rarereg import console

        out = console.stdout()
        out.print(console.cell(summary))
        for title, section_rows, cols in sections:
            if section_rows:
                out.print(console.table(section_rows, [(c, c) for c in cols], title=title))
    raise typer.Exit(EXIT_FINDINGS if exit_code and result.differs else EXIT_OK)
