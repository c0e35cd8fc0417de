"""Per-registry settings: `rarereg.toml`, or `[tool.rarereg]` in a `pyproject.toml`.

Looked for in the registry folder, then in its parent (the repository root when the registry is
its `registry/` folder). Rules can be turned off, or made errors or warnings; the expiry warning
window can be set.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarereg.findings import Finding, Severity

UNREADABLE_CODES = frozenset(
    {
        "yaml-syntax",
        "yaml-anchor",
        "yaml-alias",
        "yaml-tag",
        "complex-key",
        "empty-file",
        "not-a-mapping",
        "multiple-documents",
        "encoding",
        "file-too-large",
        "too-deep",
        "too-large",
        "unreadable",
    }
)
"""A file with one of these could not be read at all: such findings stay errors."""
KNOWN_CODES = UNREADABLE_CODES | {
    "duplicate-key",
    "ambiguous-value",
    "comment-in-value",
    "bom",
    "schema",
    "id-mismatch",
    "duplicate-id",
    "unknown-reference",
    "reference-kind",
    "reference-cycle",
    "finess-key",
    "duplicate-finess",
    "invalid-date",
    "label-dates",
    "label-duration",
    "label-expired",
    "label-expiring",
    "site-roles",
    "unknown-source",
    "file-name",
    "symlink",
    "unknown-file",
}
LEVELS = ("error", "warning", "off")


class ConfigError(Exception):
    """A settings file that cannot be used: a usage error naming the file."""


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of one registry."""

    rules: dict[str, str] = field(default_factory=dict)
    expiry_window: str | None = None
    source: Path | None = None

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Findings with the configured severities; rules turned off dropped."""
        out = []
        for f in findings:
            level = self.rules.get(f.code)
            if level is None:
                out.append(f)
            elif level != "off":
                out.append(Finding(f.path, f.line, f.col, f.code, f.message, Severity(level)))
        return out


def load(registry_root: Path) -> Config:
    """The settings for a registry, or defaults when it has none."""
    for folder in (registry_root, registry_root.parent):
        own = folder / "rarereg.toml"
        if own.is_file():
            return _parse(own, _read(own))
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("rarereg")
            if table is not None:
                return _parse(project, table)
    return Config()


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None


def _parse(path: Path, table: dict[str, Any]) -> Config:
    unknown = sorted(set(table) - {"rules", "expiry-window"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting {', '.join(unknown)} (known: expiry-window, rules)"
        )
    rules = table.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: 'rules' must be a table of code = \"error|warning|off\"")
    for code, level in rules.items():
        if code not in KNOWN_CODES:
            raise ConfigError(f"{path}: unknown rule '{code}'")
        if level not in LEVELS:
            raise ConfigError(f"{path}: rule '{code}' = {level!r}; use error, warning or off")
        if code in UNREADABLE_CODES and level != "error":
            raise ConfigError(
                f"{path}: rule '{code}' means the file could not be read; it stays an error"
            )
    window = table.get("expiry-window")
    if window is not None and not isinstance(window, str):
        raise ConfigError(f'{path}: expiry-window must be text like "180d"')
    return Config(dict(rules), window, path)
