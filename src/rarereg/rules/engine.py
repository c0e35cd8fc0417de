"""Running the rules: which checkers run at which stage comes from the declarations.

Loading (discovery, reading, parsing) reports only what stops a file from being checked; the
checkers declared for the FILE stage run on each parsed file (their findings are cached with it),
those of the REGISTRY stage once over the loaded registry.
"""

from __future__ import annotations

import datetime as dt
import importlib
from functools import cache
from typing import TYPE_CHECKING, Any

from rarereg.findings import Finding
from rarereg.rules import Stage, catalog

if TYPE_CHECKING:
    from rarereg.document import YamlDoc
    from rarereg.loader import Loaded


@cache
def checkers(stage: Stage) -> tuple[str, ...]:
    """The distinct checkers (``module:function``) of a stage, in catalogue order."""
    return tuple(dict.fromkeys(rule.checker for rule in catalog() if rule.stage is stage))


def _function(checker: str) -> Any:
    # Looked up at each call, not kept: the function is the module's current attribute.
    module, _, name = checker.partition(":")
    return getattr(importlib.import_module(module), name)


def check_file(kind: str, doc: YamlDoc, path: str) -> list[Finding]:
    """Every FILE-stage finding of one parsed file."""
    findings: list[Finding] = []
    for checker in checkers(Stage.FILE):
        findings.extend(_function(checker)(kind, doc, path))
    return findings


def check_registry(loaded: Loaded, today: dt.date, warn_until: dt.date) -> list[Finding]:
    """Every REGISTRY-stage finding of a loaded registry."""
    findings: list[Finding] = []
    for checker in checkers(Stage.REGISTRY):
        findings.extend(_function(checker)(loaded, today, warn_until))
    return findings
