"""rarereg compare: what changed between two states of the registry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rarereg.cli import common
from rarereg.cli.options import (
    CompareFormat,
    ExcelOpt,
    HospitalOpt,
    KindOpt,
    NetworkOpt,
    NoPagerOpt,
    OutputOpt,
    RegistryOpt,
    format_option,
)
from rarereg.cli.root import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from rarereg.compare import Diff
    from rarereg.render.document import Tables


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
    fmt: Annotated[CompareFormat, format_option()] = CompareFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
    no_pager: NoPagerOpt = False,
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
        _compare_csv(ctx, against, root, fmt, output, exit_code, excel, no_pager)
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
    common.present(ctx, _diff_document(diff), fmt.value, output, excel=excel, no_pager=no_pager)
    raise typer.Exit(EXIT_FINDINGS if exit_code and not diff.empty else EXIT_OK)


def _diff_document(diff: Diff) -> Tables:
    from rarereg import compare as cmp
    from rarereg.render import columns
    from rarereg.render.document import Table, Tables

    data = cmp.as_data(diff)
    events, added, removed, changed = (data[k] for k in ("events", "added", "removed", "changed"))
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
    tables = [
        Table(columns.COMPARE_EVENTS, events, title="Label events", name="events"),
        Table(columns.COMPARE_ENTITIES, entity_rows, title="Added and removed", name="entities"),
        Table(columns.COMPARE_FIELDS, field_rows, title="Changed fields", name="fields"),
    ]
    return Tables(tables, data=data, summary=str(data["summary"]), drop_empty=True)


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
    fmt: CompareFormat,
    output: Path | None,
    exit_code: bool,
    excel: bool,
    no_pager: bool,
) -> None:
    from rarereg import against as csvcmp
    from rarereg.config import ConfigError
    from rarereg.model import load_registry
    from rarereg.render import columns
    from rarereg.render.document import Table, Tables

    try:
        reg = load_registry(root, Path.cwd(), common.cache_dir(ctx))
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
    tables = [
        Table(columns.AGAINST_ONLY_CSV, result.only_in_csv, "Only in the CSV", name="only_in_csv"),
        Table(
            columns.AGAINST_ONLY_REGISTRY,
            result.only_in_registry,
            "Only in the registry",
            name="only_in_registry",
        ),
        Table(columns.AGAINST_DISAGREE, result.mismatched, "Disagree", name="mismatched"),
    ]
    payload = {
        "summary": summary,
        "matched": result.matched,
        "mismatched": result.mismatched,
        "only_in_csv": result.only_in_csv,
        "only_in_registry": result.only_in_registry,
    }
    doc = Tables(tables, data=payload, summary=summary, drop_empty=True)
    common.present(ctx, doc, fmt.value, output, excel=excel, no_pager=no_pager)
    raise typer.Exit(EXIT_FINDINGS if exit_code and result.differs else EXIT_OK)
