"""What ``rarereg`` alone prints: what the registry holds and five commands to start with."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from rarereg import __version__

START = (
    ("rarereg list --disease lupus", "where the experts for a disease are (by name or --orpha)"),
    ('rarereg list --hospital "CHU Lille"', "the centres a hospital hosts (rarereg show ID: one)"),
    ("rarereg report", "how many centres and sites, by kind, hospital, network, region"),
    ("rarereg expiring --within 6m", "labels that end in the next six months"),
    ("rarereg validate", "check every file (in CI: --format github or sarif)"),
)


def _holdings(cache_dir: Path | None) -> list[str]:
    from rarereg.loader import (
        RegistryNotFoundError,
        bundled_registry,
        display_path,
        find_registry,
    )
    from rarereg.model import load_registry
    from rarereg.render.safe import terminal

    try:
        root = find_registry(None, os.environ, Path.cwd())
    except RegistryNotFoundError as exc:
        return [f"No registry here: {terminal(exc)}"]
    reg = load_registry(root, Path.cwd(), cache_dir)
    where = (
        "the bundled registry"
        if root == bundled_registry()
        else terminal(display_path(root, Path.cwd()))
    )
    kinds = Counter(c.kind for c in reg.centres.values())
    nets = Counter(n.kind for n in reg.networks.values())
    centres = ", ".join(f"{kinds[k]} {k.upper()}" for k in ("crmr", "ccmr", "crc") if kinds[k])
    if kinds["platform"]:
        centres += f", {kinds['platform']} expertise platforms"
    lines = [
        f"Registry: {where}",
        f"  {len(reg.centres)} centres ({centres})",
        f"  {len(reg.hospitals)} hospitals and sites, {nets['fsmr']} filières (FSMR), "
        f"{nets['ern']} European Reference Networks, {len(reg.campaigns)} labelling campaigns",
    ]
    if reg.skipped:
        lines.append(f"  {len(reg.skipped)} files with errors left out (run rarereg validate)")
    return lines


def orientation(cache_dir: Path | None) -> str:
    """The text, ending in a newline."""
    width = max(len(c) for c, _ in START) + 2
    lines = [
        f"rarereg {__version__}: the registry of France's rare-disease care network.",
        "",
        *_holdings(cache_dir),
        "",
        "Start with:",
        *(f"  {command:<{width}}{what}" for command, what in START),
        "",
        "rarereg COMMAND --help for a command's options; rarereg --help for all commands.",
    ]
    return "\n".join(lines) + "\n"
