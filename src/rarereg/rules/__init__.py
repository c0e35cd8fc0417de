"""Every rule rarereg checks, as declarations: what it reports, how much it matters, what it reads.

A rule's ``inputs`` say which inputs its findings can change with. Everything that has to know
what a rule depends on is derived from them rather than guessed: which findings ``--changed-since``
keeps, the key of the results cache, which findings leave a file out of queries, the README's table
of codes and the settings that may change a rule's severity.

This module imports nothing heavy: a rule names the function that checks it (``checker``) as
``module:function``, imported only when the rule runs.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rarereg.findings import Severity

__all__ = ["Input", "Rule", "Scope", "Stage", "by_code", "catalog", "declared_inputs"]


class Input(enum.Flag):
    """What a rule reads; its findings may change when any of these changes."""

    FILE_PATH = enum.auto()
    """The file's name and place in the registry."""
    FILE_TEXT = enum.auto()
    """The bytes of the file itself."""
    PARSED_FILE = enum.auto()
    """The values of the file, once parsed."""
    SCHEMAS = enum.auto()
    """The JSON Schemas shipped with rarereg."""
    REGISTRY = enum.auto()
    """Other files of the registry (a reference, a duplicate, a campaign's dates)."""
    SOURCES_DIR = enum.auto()
    """The names of the documents in the registry's ``sources/`` folder."""
    DATE = enum.auto()
    """The calendar date the registry is checked for (today, or ``--as-of``)."""
    SETTINGS = enum.auto()
    """The registry's settings (``rarereg.toml``), e.g. the expiry window."""


class Scope(enum.StrEnum):
    """Where a rule looks: one file's text, one parsed file, or the registry as a whole."""

    FILE_TEXT = "file-text"
    FILE = "file"
    REGISTRY = "registry"


class Stage(enum.StrEnum):
    """When a rule's checker runs: while loading, on each parsed file, or on the registry."""

    LOAD = "load"
    """Discovery, reading and parsing report it (the file cannot be checked further)."""
    FILE = "file"
    """Run on each parsed file alone; the findings are cached with the file."""
    REGISTRY = "registry"
    """Run once over the loaded registry, every run (cross-file, calendar)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One finding code and everything known about it."""

    code: str
    default_severity: Severity
    summary: str
    """One line, for tables and SARIF's shortDescription."""
    description: str
    """A few sentences: what is wrong and what to do."""
    scope: Scope
    inputs: Input
    checker: str
    """``module:function`` that reports this rule (several rules may share one function)."""
    readable: bool = True
    """False for rules meaning the file could not be read at all: they stay errors."""
    stage: Stage = Stage.REGISTRY

    def check(self) -> Callable[..., Any]:
        """The function that reports this rule."""
        module, _, name = self.checker.partition(":")
        func: Callable[..., Any] = getattr(importlib.import_module(module), name)
        return func

    @property
    def date_dependent(self) -> bool:
        """True when the finding depends on the day it is checked for, not only on the files."""
        return bool(self.inputs & Input.DATE)


def catalog() -> Sequence[Rule]:
    """Every rule, in the stable order of the README's table."""
    from rarereg.rules.declarations import RULES

    return RULES


def by_code() -> dict[str, Rule]:
    """Every rule by its code."""
    return {rule.code: rule for rule in catalog()}


def declared_inputs() -> Input:
    """Every input some rule reads: what a cached result must be keyed by."""
    out = Input(0)
    for rule in catalog():
        out |= rule.inputs
    return out


def codes_table() -> str:
    """The Markdown table of codes the README shows (a test keeps them identical)."""
    lines = ["| code | severity | what it means |", "| --- | --- | --- |"]
    lines += [
        f"| `{rule.code}` | {rule.default_severity.value} | {rule.summary} |" for rule in catalog()
    ]
    return "\n".join(lines) + "\n"
