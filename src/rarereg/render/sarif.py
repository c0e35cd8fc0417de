"""SARIF 2.1.0 for GitHub code scanning and other dashboards.

What GitHub reads (docs: "SARIF support for code scanning"): each rule's ``shortDescription``,
``fullDescription``, ``help`` and ``helpUri``; ``partialFingerprints`` to follow a result across
commits; locations as percent-encoded URIs relative to the repository root (``SRCROOT``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from rarereg import DOCS_URL
from rarereg.findings import Finding, Severity
from rarereg.render import OutputError
from rarereg.render.document import Findings, Rule
from rarereg.render.jsonfmt import dumps

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
CODES_URL = f"{DOCS_URL}#rarereg-validate-paths"


def render(doc: Any, _options: Any) -> str:
    """The report as a SARIF log with one run."""
    if not isinstance(doc, Findings):
        raise OutputError(f"a {type(doc).__name__.lower()} cannot be written as sarif")
    rules = _rules(doc.rules, doc.report.findings)
    index = {r["id"]: n for n, r in enumerate(rules)}
    seen: Counter[str] = Counter()
    results = []
    for f in doc.report.findings:
        key = _fingerprint(doc, f)
        seen[key] += 1
        results.append(_result(doc, f, index[f.code], f"{key}:{seen[key]}"))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "rarereg",
                "version": doc.tool_version,
                "semanticVersion": doc.tool_version,
                "informationUri": DOCS_URL,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {
            "SRCROOT": {"uri": (doc.repo_root or doc.cwd).absolute().as_uri().rstrip("/") + "/"}
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]})


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _rules(catalog: Sequence[Rule], findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Every rule of the catalogue, and any code a finding carries that it lacks."""
    known = {r.code: r for r in catalog}
    out = [_rule(r.code, r.default_severity, r.summary, r.description) for r in catalog]
    for f in findings:
        if f.code not in known:
            known[f.code] = f  # type: ignore[assignment]
            out.append(_rule(f.code, f.severity, f"rarereg {f.code}", f"rarereg {f.code}."))
    return sorted(out, key=lambda r: str(r["id"]))


def _rule(code: str, severity: Severity, summary: str, description: str) -> dict[str, Any]:
    name = "".join(part.capitalize() for part in code.split("-"))
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": description},
        "help": {
            "text": f"{description}\n\nRule {code}; see {CODES_URL}",
            "markdown": f"{description}\n\nRule `{code}`; see [the list of codes]({CODES_URL}).",
        },
        "helpUri": CODES_URL,
        "defaultConfiguration": {"level": _level(severity)},
        "properties": {"tags": ["rarereg", "registry"], "precision": "very-high"},
    }


def _fingerprint(doc: Findings, f: Finding) -> str:
    """A result's identity that survives lines moving: rule, file and message."""
    path = doc.repo_path(f.path) or f.path
    return hashlib.sha256(f"{f.code}\0{path}\0{f.message}".encode()).hexdigest()[:16]


def _result(doc: Findings, f: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    inside = doc.repo_path(f.path)
    if inside is not None:
        artifact = {"uri": quote(inside, safe="/"), "uriBaseId": "SRCROOT"}
    else:
        artifact = {"uri": (doc.cwd / f.path).absolute().as_uri()}
    return {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": _level(f.severity),
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {"startLine": max(f.line, 1), "startColumn": max(f.col, 1)},
                }
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
    }
