"""rarereg site: a static website of the registry (work in rarereg.site)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from rarereg.cli import common
from rarereg.cli.options import AsOfOpt, RegistryOpt


def command(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Argument(metavar="OUT/", file_okay=False, help="Folder to write the site into."),
    ],
    as_of: AsOfOpt = None,
    registry: RegistryOpt = None,
) -> None:
    """Build a static website of the registry into OUT/ (offline, GitHub Pages ready).

    A home page with totals, coverage and charts, a page per centre, hospital, network and
    campaign, and search in the browser. OUT/ must be new, empty, or a site rarereg built.

    Example: rarereg site public/ && python -m http.server -d public
    """
    from rarereg.export.common import ExportError
    from rarereg.site import build

    reg = common.load(ctx, registry)
    day = common.as_of(as_of)
    sources = common.registry_path(registry) / "sources"
    try:
        files = build.render(reg, day, sources, _progress())
        build.write(files, out)
    except ExportError as exc:
        common.fail(str(exc))
    except OSError as exc:
        common.fail(f"cannot write {exc.filename or out}: {exc.strerror or exc}")
    common.say(f"wrote {len(files)} files to {out} (open {out / 'index.html'})")


def _progress() -> Callable[[int, int, str], None]:
    """Pages rendered, on a terminal; silent elsewhere."""
    from rarereg.cli import terminal

    tell = terminal.progress("site", unit="pages")
    return (lambda done, total, what: tell(done, total)) if tell else _quiet


def _quiet(done: int, total: int, what: str) -> None:
    """No one is watching."""
