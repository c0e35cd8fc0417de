"""Build the site: every page as bytes, then written into OUT/ in one swap."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from rarereg.export.common import ExportError, Progress, generated_at, no_progress, snapshot
from rarereg.export.jsonld import campaign_node, centre_node, hospital_node, network_node
from rarereg.model import Registry
from rarereg.render.safe import json_text
from rarereg.site import home, layout, pages, search
from rarereg.site.context import Ctx
from rarereg.site.html import Markup

MARKER = ".rarereg-site"
"""A file in every built site: OUT/ is only replaced when it holds one (or is empty)."""
STATIC = Path(__file__).resolve().parent / "static"
BASE = "urn:rarereg:"


def _documents(sources_dir: Path | None) -> dict[str, bytes]:
    """The registry's source documents, to publish beside the pages that cite them.

    A link to a file outside the folder is left out: publishing must never copy, say, a
    home-folder file that a symbolic link happens to point at.
    """
    if sources_dir is None or not sources_dir.is_dir():
        return {}
    inside = sources_dir.resolve()
    return {
        p.name: p.read_bytes()
        for p in sorted(sources_dir.iterdir())
        if p.is_file() and not p.name.startswith(".") and p.resolve().parent == inside
    }


def render(
    reg: Registry,
    as_of: dt.date,
    sources_dir: Path | None = None,
    progress: Progress = no_progress,
) -> dict[str, bytes]:
    """Every file of the site, by path relative to OUT/ (pure: nothing is written)."""
    snap = snapshot(reg, as_of)
    documents = _documents(sources_dir)
    ctx = Ctx.make(snap, frozenset(documents))
    day = as_of.isoformat()
    diseases = bool(ctx.diseases)
    r = snap.reg

    pending: list[tuple[str, str, Callable[[], Markup], dict[str, Any] | None]] = []
    for c in snap.centres:
        pending.append(
            (
                f"centres/{c.id}.html",
                c.name,
                partial(pages.centre_page, ctx, c),
                centre_node(snap, c, BASE),
            )
        )
    for h in sorted(r.hospitals.values(), key=lambda x: x.id):
        pending.append(
            (
                f"hospitals/{h.id}.html",
                h.name,
                partial(pages.hospital_page, ctx, h),
                hospital_node(snap, h, BASE),
            )
        )
    for n in sorted(r.networks.values(), key=lambda x: x.id):
        pending.append(
            (
                f"networks/{n.id}.html",
                n.name,
                partial(pages.network_page, ctx, n),
                network_node(n, BASE),
            )
        )
    for cp in sorted(r.campaigns.values(), key=lambda x: x.id):
        pending.append(
            (
                f"campaigns/{cp.id}.html",
                cp.name,
                partial(pages.campaign_page, ctx, cp),
                campaign_node(cp, BASE),
            )
        )
    for d in ctx.diseases.values():
        pending.append(
            (f"diseases/{d.key}.html", d.name, partial(pages.disease_page, ctx, d), None)
        )
    sections = ["centres", "hospitals", "networks", "campaigns"] + (
        ["diseases"] if diseases else []
    )
    inner = layout.frame(pages.ROOT, day, diseases)
    total = len(pending) + len(sections) + 1
    files: dict[str, bytes] = {}
    for done, (path, title, body, node) in enumerate(pending, 1):
        ld = {"@context": "https://schema.org", **node} if node else None
        files[path] = layout.page(title, body(), inner, jsonld=ld)
        progress(done, total, path)
    for done, section in enumerate(sections, len(pending) + 1):
        title, section_body = pages.section_index(ctx, section)
        files[f"{section}/index.html"] = layout.page(title, section_body, inner)
        progress(done, total, f"{section}/index.html")
    files["index.html"] = layout.page(
        "Rare-disease centres in France",
        home.home(ctx),
        layout.frame(home.ROOT, day, diseases),
        scripts=("search-index.js", "search.js"),
    )
    progress(total, total, "index.html")
    records = search.index(ctx)
    index_text = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    index_text = json_text(index_text)
    files["search-index.json"] = (index_text + "\n").encode()
    # A script, not a fetch of the JSON: browsers refuse fetch() on file:// pages.
    safe = index_text.replace("<", "\\u003c")
    files["assets/search-index.js"] = f"window.RAREREG_INDEX = {safe};\n".encode()
    for name in ("style.css", "search.js"):
        files[f"assets/{name}"] = (STATIC / name).read_bytes()
    for name, data in documents.items():
        files[f"sources/{name}"] = data
    stamp = generated_at()
    marker = {"generator": "rarereg", "as_of": day, **({"generated": stamp} if stamp else {})}
    files[MARKER] = (json.dumps(marker, sort_keys=True) + "\n").encode()
    files[".nojekyll"] = b""  # GitHub Pages: serve the files as they are
    return files


def write(files: dict[str, bytes], out: Path) -> None:
    """Put the site in ``out``: built beside it, then swapped in; a failure leaves ``out`` as was.

    ``out`` must be missing, empty, or a site rarereg built: nothing else is ever deleted.
    """
    if Path.cwd().resolve().is_relative_to(out.absolute().resolve()):
        # The folder is swapped for a new one: the shell would be left in a deleted folder.
        raise ExportError(f"{out} holds the current folder; build the site somewhere else")
    if out.exists():
        if not out.is_dir():
            raise ExportError(f"{out} is a file; give a folder for the site")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise ExportError(
                f"{out} holds files that rarereg did not write; give an empty or new folder"
            )
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    try:
        tmp.chmod(0o755)
        for rel, data in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            old.rmdir()
            out.replace(old)
            try:
                tmp.replace(out)
            except OSError:
                old.replace(out)  # put the previous site back
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.replace(out)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
