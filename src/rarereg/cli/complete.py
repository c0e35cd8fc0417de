"""Shell completion of option values from the registry: kinds, regions, names, ids.

The shell calls rarereg with what is typed so far; these functions answer with matching values
(and, where the shell shows them, the name beside an id). They never fail: completion that
cannot read the registry offers nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rarereg.model import Registry

Candidates = list[tuple[str, str]]


def _registry(ctx: Any) -> Registry | None:
    from rarereg.cache import default_dir
    from rarereg.loader import find_registry
    from rarereg.model import load_registry

    explicit = ctx.params.get("registry") if ctx is not None else None
    root = find_registry(str(explicit) if explicit else None, os.environ, Path.cwd())
    cache = None if os.environ.get("RAREREG_NO_CACHE") else default_dir()
    return load_registry(root, Path.cwd(), cache)


def _matching(incomplete: str, pairs: Iterable[tuple[str, str]]) -> Candidates:
    """Values starting with what is typed (case and accents ignored), each once, in order.

    Bash splits completions on spaces, so there only values without a space are offered.
    """
    from rarereg.query import normalise

    typed = normalise(incomplete)
    bash = "bash" in os.environ.get("_RAREREG_COMPLETE", "")
    out: dict[str, str] = {}
    for value, help_text in pairs:
        if bash and " " in value:
            continue
        if value.casefold().startswith(incomplete.casefold()) or (
            typed and normalise(value).startswith(typed)
        ):
            out.setdefault(value, help_text)
    return list(out.items())


def _safely(
    build: Callable[[Any], Iterable[tuple[str, str]]],
) -> Callable[[typer.Context, str], Candidates]:
    def complete(ctx: typer.Context, incomplete: str) -> Candidates:
        try:
            return _matching(incomplete, build(ctx))
        except Exception:  # completion must never break the shell
            return []

    return complete


def _kinds(ctx: Any) -> Iterable[tuple[str, str]]:
    from rarereg.query import CENTRE_KINDS, NETWORK_KINDS

    listing = ctx is not None and ctx.params.get("what") is not None
    kinds = NETWORK_KINDS if listing and str(ctx.params["what"]) == "networks" else CENTRE_KINDS
    return [(k, "") for k in kinds]


def _regions(_ctx: Any) -> Iterable[tuple[str, str]]:
    from rarereg.query import regions_of_schema

    return [(r, "") for r in regions_of_schema()]


def _hospitals(ctx: Any) -> Iterable[tuple[str, str]]:
    reg = _registry(ctx)
    if reg is None:
        return []
    pairs = [(h.id, h.name) for h in reg.hospitals.values()]
    pairs += [(h.name, h.id) for h in reg.hospitals.values()]
    return sorted(pairs)


def _networks_of(kind: str) -> Callable[[Any], Iterable[tuple[str, str]]]:
    def build(ctx: Any) -> Iterable[tuple[str, str]]:
        reg = _registry(ctx)
        if reg is None:
            return []
        nets = [n for n in reg.networks.values() if n.kind == kind]
        return sorted([(n.acronym, n.name) for n in nets] + [(n.id, n.name) for n in nets])

    return build


def _ids(ctx: Any) -> Iterable[tuple[str, str]]:
    reg = _registry(ctx)
    if reg is None:
        return []
    groups: list[Iterable[Any]] = [
        reg.centres.values(),
        reg.hospitals.values(),
        reg.networks.values(),
        reg.campaigns.values(),
    ]
    return sorted((e.id, e.name) for group in groups for e in group)


def _diseases(ctx: Any) -> Iterable[tuple[str, str]]:
    from rarereg.diseases import index

    reg = _registry(ctx)
    if reg is None:
        return []
    return sorted((n, e.key) for e in index(reg).values() for n in e.all_names())


kinds = _safely(_kinds)
regions = _safely(_regions)
hospitals = _safely(_hospitals)
networks = _safely(_networks_of("fsmr"))
erns = _safely(_networks_of("ern"))
ids = _safely(_ids)
diseases = _safely(_diseases)
