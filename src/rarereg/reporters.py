"""Findings rendered as text for each output format; pure functions, no printing."""

from __future__ import annotations

import json

from rarereg.findings import Finding
from rarereg.validate import Report


def text(report: Report) -> str:
    """One line per finding, ``path:line:col: severity[code] message``, then a summary."""
    lines = [
        f"{f.path}:{f.line}:{f.col}: {f.severity.value}[{f.code}] {f.message}"
        for f in report.findings
    ]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    """A one-line count of what was checked and found."""
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    if not report.findings:
        return f"ok: {files} checked, no problems"
    parts = [
        f"{report.errors} error{'s' if report.errors != 1 else ''}",
        f"{report.warnings} warning{'s' if report.warnings != 1 else ''}",
    ]
    return f"{', '.join(parts)} in {files} checked"


def as_json(report: Report, *, strict: bool = False) -> str:
    """A JSON document with stable keys: summary counts and the list of findings."""
    payload = {
        "registry": str(report.root),
        "files": report.files,
        "errors": report.errors,
        "warnings": report.warnings,
        "ok": not report.failed(strict=strict),
        "findings": [f.as_dict() for f in report.findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """GitHub Actions workflow commands, one annotation per finding."""
    lines = [_annotation(f) for f in report.findings]
    return "".join(line + "\n" for line in lines)


def _annotation(f: Finding) -> str:
    props = ",".join(
        [
            f"file={_escape_property(f.path)}",
            f"line={f.line}",
            f"col={f.col}",
            f"title={_escape_property('rarereg ' + f.code)}",
        ]
    )
    return f"::{f.severity.value} {props}::{_escape_data(f.message)}"


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif(report: Report, tool_version: str) -> str:
    """SARIF 2.1.0, for code-scanning dashboards: one result per finding, rules by code."""
    codes = sorted({f.code for f in report.findings})
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code),
            "level": "error" if f.severity.value == "error" else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {"startLine": f.line, "startColumn": f.col},
                    }
                }
            ],
        }
        for f in report.findings
    ]
    run = {
        "tool": {
            "driver": {
                "name": "rarereg",
                "version": tool_version,
                "rules": [{"id": code, "name": code} for code in codes],
            }
        },
        "results": results,
    }
    payload = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
