"""GitHub Actions: workflow-command annotations, and the job summary.

Paths are relative to the repository root (git's top level), whatever folder rarereg ran in,
since GitHub places annotations by repository path. GitHub shows at most 10 error and 10
warning annotations per step; the summary says when there are more.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rarereg.findings import Finding, Severity
from rarereg.render import OutputError, safe
from rarereg.render.document import Findings
from rarereg.render.text import summary

SHOWN_PER_TYPE = 10
"""Annotations of one type (error, warning) GitHub shows for one step."""
SHOWN_PER_JOB = 50
"""Annotations GitHub shows for a whole job."""


def render(doc: Any, _options: Any) -> str:
    """One ``::error``/``::warning`` line per finding."""
    if not isinstance(doc, Findings):
        raise OutputError(f"a {type(doc).__name__.lower()} cannot be written as github")
    return "".join(_annotation(doc, f) + "\n" for f in doc.report.findings)


def _annotation(doc: Findings, f: Finding) -> str:
    path = doc.repo_path(f.path) or f.path
    props = ",".join(
        [
            f"file={safe.github_property(path)}",
            f"line={f.line}",
            f"col={f.col}",
            f"title={safe.github_property('rarereg ' + f.code)}",
        ]
    )
    return f"::{f.severity.value} {props}::{safe.github_data(f.message)}"


def step_summary(doc: Findings) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: counts, counts by rule, what GitHub leaves out."""
    report = doc.report
    lines = [
        "### rarereg validate",
        "",
        safe.markdown(summary(doc)),
        "",
        "| | count |",
        "| --- | --- |",
        f"| files checked | {report.files} |",
        f"| errors | {report.errors} |",
        f"| warnings | {report.warnings} |",
    ]
    by_rule = Counter((f.code, f.severity.value) for f in report.findings)
    if by_rule:
        lines += ["", "| rule | severity | findings |", "| --- | --- | --- |"]
        lines += [
            f"| {safe.markdown(code)} | {level} | {n} |"
            for (code, level), n in sorted(by_rule.items())
        ]
    hidden = {
        level: count - SHOWN_PER_TYPE
        for level, count in ((Severity.ERROR, report.errors), (Severity.WARNING, report.warnings))
        if count > SHOWN_PER_TYPE
    }
    if hidden:
        left = " and ".join(f"{n} {level.value}s" for level, n in hidden.items())
        lines += [
            "",
            f"> GitHub shows at most {SHOWN_PER_TYPE} error and {SHOWN_PER_TYPE} warning "
            f"annotations per step (and {SHOWN_PER_JOB} per job): {left} are not shown on the "
            "files. The step's log lists every finding; `--format sarif` uploads them all to "
            "code scanning.",
        ]
    return "\n".join(lines) + "\n"
