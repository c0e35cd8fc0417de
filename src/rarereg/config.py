"""Per-registry settings: `rarereg.toml`, or `[tool.rarereg]` in a `pyproject.toml`.

Looked for in the registry folder, then in its parent (the repository root when the registry is
its `registry/` folder). Rules can be turned off, or made errors or warnings; the expiry warning
window can be set.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarereg.findings import Finding, Severity

LEVELS = ("error", "warning", "off")
SETTINGS_FILES = ("rarereg.toml", "pyproject.toml")
"""Where settings are looked for, in the registry folder and its parent."""
MAX_SETTINGS_BYTES = 1024 * 1024
"""Settings are a few lines; a bigger file is the wrong one, refused by its size before reading."""


def known_codes() -> frozenset[str]:
    """Every rule code, from the catalogue of rules."""
    from rarereg import rules

    return frozenset(rule.code for rule in rules.catalog())


def unreadable_codes() -> frozenset[str]:
    """Codes meaning a file could not be read at all: such findings stay errors."""
    from rarereg import rules

    return frozenset(rule.code for rule in rules.catalog() if not rule.readable)


class ConfigError(Exception):
    """A settings file that cannot be used: a usage error naming the file."""


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of one registry."""

    rules: dict[str, str] = field(default_factory=dict)
    expiry_window: str | None = None
    source: Path | None = None

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Findings with their rule's severity, as the settings set it; rules turned off dropped."""
        from rarereg import rules

        defaults = {rule.code: rule.default_severity for rule in rules.catalog()}
        out = []
        for f in findings:
            level = self.rules.get(f.code)
            if level == "off":
                continue
            severity = Severity(level) if level is not None else defaults.get(f.code, f.severity)
            out.append(
                f
                if severity is f.severity
                else Finding(f.path, f.line, f.col, f.code, f.message, severity)
            )
        return out

    def digest(self) -> str:
        """Everything in the settings that can change a finding, as text for cache keys."""
        return repr((sorted(self.rules.items()), self.expiry_window))


def load(registry_root: Path) -> Config:
    """The settings for a registry, or defaults when it has none."""
    for folder in (registry_root, registry_root.parent):
        own = folder / "rarereg.toml"
        if _present(own):
            return _parse(own, _read(own))
        project = folder / "pyproject.toml"
        if _present(project) and _may_name_us(project):
            tool = _read(project).get("tool", {})
            table = tool.get("rarereg") if isinstance(tool, dict) else tool
            if table is not None:
                if not isinstance(table, dict):
                    raise ConfigError(f"{project}: [tool.rarereg] must be a table")
                return _parse(project, table)
    return Config()


def _may_name_us(path: Path) -> bool:
    """False when a pyproject.toml cannot hold a ``[tool.rarereg]`` table, decided from its text.

    Parsing TOML (and importing the parser) is a good part of a small query's start, and most
    project files never set rarereg's settings. The table can only come from a header naming
    ``tool.rarereg``, from a ``[tool]`` table (or ``[[tool]]``, which :func:`load` refuses) or a
    top-level ``tool`` key in a file that says ``rarereg`` somewhere, or through an escape in a
    quoted key: anything else is not ours.
    Unreadable: left to the parser to say.
    """
    try:
        text = path.read_bytes()
    except OSError:
        return True
    if b"\\u" in text or b"\\U" in text:
        return True
    if b"rarereg" not in text:
        return False
    import re

    quoted = rb"[\"']?"
    tool = rb"\s*" + quoted + rb"tool" + quoted + rb"\s*"
    header = re.compile(rb"(?m)^\s*\[+" + tool + rb"\.\s*" + quoted + rb"rarereg\b")
    tool_table = re.compile(rb"(?m)^\s*\[+" + tool + rb"\]")
    tool_key = re.compile(rb"(?m)^" + tool + rb"[.=]")
    return bool(header.search(text) or tool_table.search(text) or tool_key.search(text))


def _present(path: Path) -> bool:
    """True for a settings file; one that is a folder, FIFO or device is refused, not opened."""
    try:
        st = path.stat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{path}: not a regular file; make it a TOML file or remove it")
    if st.st_size > MAX_SETTINGS_BYTES:
        raise ConfigError(f"{path}: {st.st_size} bytes, over the 1 MiB a settings file may have")
    return True


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a settings file: most registries have none

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
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
    known, unreadable = known_codes(), unreadable_codes()
    for code, level in rules.items():
        if code not in known:
            raise ConfigError(f"{path}: unknown rule '{code}'")
        if level not in LEVELS:
            raise ConfigError(f"{path}: rule '{code}' = {level!r}; use error, warning or off")
        if code in unreadable and level != "error":
            raise ConfigError(
                f"{path}: rule '{code}' means the file could not be read; it stays an error"
            )
    window = table.get("expiry-window")
    if window is not None and not isinstance(window, str):
        raise ConfigError(f'{path}: expiry-window must be text like "180d"')
    if window is not None:
        import datetime as dt

        from rarereg.labels import DateError, add_span

        try:
            add_span(dt.date(2000, 1, 1), window)
        except DateError as exc:
            raise ConfigError(f"{path}: expiry-window: {exc}") from None
    return Config(dict(rules), window, path)
