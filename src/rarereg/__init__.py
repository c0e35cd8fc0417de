"""rarereg: a registry of France's rare-disease care network, and the tool to check and query it.

The Python API, for notebooks and scripts (these docstrings are its reference)::

    import rarereg

    reg = rarereg.load()                       # the registry, as the CLI finds it
    rows = rarereg.centres(reg, hospital="CHU Lille", kind="crmr")
    report = rarereg.validate()                # every finding, as `rarereg validate`
    print(report.errors, [f.message for f in report.findings])

Nothing is imported until a function is called, so ``import rarereg`` stays cheap.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing alone costs more than this module
if TYPE_CHECKING:  # annotations only: importing rarereg must stay cheap
    import datetime as dt
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Any

    from rarereg.model import Registry

__version__ = "0.1.0"

DOCS_URL = "https://github.com/rarereg/rarereg/blob/main/README.md"
"""Where rarereg is documented (SARIF links each rule here); the project's public home."""

__all__ = ["__version__", "centres", "find_registry", "load", "validate"]


def find_registry(path: str | Path | None = None) -> Path:
    """The registry folder to use.

    ``path``, else $RAREREG_REGISTRY, else the nearest ``registry/`` above the working
    directory, else the registry bundled with rarereg.

    Raises :class:`rarereg.loader.RegistryNotFoundError` when ``path`` (or the variable)
    names no registry.
    """
    import os
    from pathlib import Path

    from rarereg import loader

    return loader.find_registry(str(path) if path is not None else None, os.environ, Path.cwd())


def load(path: str | Path | None = None) -> Registry:
    """The registry's entities by id, in ``reg.centres``, ``reg.hospitals``, and so on.

    ``reg.networks`` and ``reg.campaigns`` too; the classes are in :mod:`rarereg.model`.

    Files with errors are left out and listed in ``reg.skipped``; :func:`validate` says why.
    ``path`` is found as by :func:`find_registry`.
    """
    from pathlib import Path

    from rarereg.model import load_registry

    return load_registry(find_registry(path), Path.cwd())


def centres(
    registry: Registry | None = None,
    *,
    hospital: str | Sequence[str] = (),
    network: str | Sequence[str] = (),
    kind: str | Sequence[str] = (),
    region: str | Sequence[str] = (),
    city: str | Sequence[str] = (),
    ern: str | Sequence[str] = (),
    search: str | None = None,
    disease: str | Sequence[str] = (),
    orpha: str | int | Sequence[str | int] = (),
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Centres as ``rarereg list centres`` gives them: one dict per centre and site.

    Filters take a value or a list of values (any of them matches) and combine like the
    CLI's options: hospital names include their sites, case and accents are ignored;
    ``disease`` matches disease names and synonyms and ``orpha`` ORPHAcodes (``536`` or
    ``"ORPHA:536"``), a CCMR covering its reference centre's diseases. Only
    centres labelled on ``as_of`` (default today) are kept. ``registry`` defaults to
    :func:`load`. An unknown name raises :class:`rarereg.query.QueryError`.
    """
    from rarereg import labels, query

    reg = registry if registry is not None else load()
    day = as_of or labels.today()
    filters = query.Filters(
        _many(hospital),
        _many(network),
        _many(kind),
        _many(region),
        _many(city),
        _many(ern),
        search,
        _many(disease),
        [str(code) for code in ([orpha] if isinstance(orpha, str | int) else orpha)],
    )
    return query.list_rows(labels.labelled_on(reg, day), "centres", filters)


def _many(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def __getattr__(name: str) -> Any:
    """``rarereg.validate``: the module :mod:`rarereg.validate`, which is also callable.

    ``rarereg.validate(path=None, *, today=None)`` checks the whole registry, as
    ``rarereg validate`` does, and returns a :class:`rarereg.validate.Report` (``findings``,
    ``errors``, ``warnings``, ``failed()``); nothing is printed. ``today`` decides which labels
    have ended (default: the real date). A function of that name here would hide the module
    from ``from rarereg import validate``, so the module itself answers the call.
    """
    if name == "validate":
        import importlib

        return importlib.import_module("rarereg.validate")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
