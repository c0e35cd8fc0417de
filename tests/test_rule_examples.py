"""Each rule on an example that breaks it and on the same registry without it: whole outcomes.

The base registry is valid (no finding for any rule); each example changes a file or two and lists
every finding expected, with line, column, code and severity. Every code of the catalogue has an
example here or in the hostile corpus (`tests/corpus`, `tests/test_hostile.py`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from rarereg import rules
from rarereg.validate import validate

SRC = "sources:\n- document: page.txt\n"
BASE = {
    "hospitals/h.yaml": f"id: h\nname: H\nfiness: '590780193'\n{SRC}",
    "hospitals/g.yaml": f"id: g\nname: G\nparent: h\n{SRC}",
    "networks/net.yaml": f"id: net\nname: Net\nacronym: NET\nkind: fsmr\nerns:\n- ern\n{SRC}",
    "networks/ern.yaml": f"id: ern\nname: Ern\nacronym: ERN\nkind: ern\n{SRC}",
    "campaigns/c.yaml": f"id: c\nname: C\nstart: '2023-01-01'\nend: '2027-12-31'\n{SRC}",
    "centres/r.yaml": (
        "id: r\nname: R\nkind: crmr\nnetwork: net\nlabel:\n  campaign: c\nsites:\n"
        f"- hospital: h\n  role: coordinating\n{SRC}"
    ),
    "centres/m.yaml": (
        "id: m\nname: M\nkind: ccmr\nreference_centre: r\nsites:\n"
        f"- hospital: g\n  role: competence\n{SRC}"
    ),
}
TODAY = dt.date(2025, 6, 1)

E, W = "error", "warning"
EXAMPLES: dict[str, tuple[dict[str, str | None], list[tuple[str, int, int, str]]]] = {
    "yaml-alias": ({"hospitals/g.yaml": "id: g\nname: *x\n"}, [("hospitals/g.yaml", 2, 7, E)]),
    "complex-key": ({"hospitals/g.yaml": "? [a]\n: b\n"}, [("hospitals/g.yaml", 1, 3, E)]),
    "multiple-documents": (
        {"hospitals/g.yaml": BASE["hospitals/g.yaml"] + "---\nid: x\n"},
        [("hospitals/g.yaml", 6, 1, E)],
    ),
    "unknown-reference": (
        {"hospitals/g.yaml": None},
        [("centres/m.yaml", 6, 13, E)],
    ),
    "reference-kind": (
        {"centres/r.yaml": BASE["centres/r.yaml"].replace("network: net", "network: ern")},
        [("centres/r.yaml", 4, 10, E)],
    ),
    "finess-key": (
        {"hospitals/h.yaml": BASE["hospitals/h.yaml"].replace("590780193", "590780194")},
        [("hospitals/h.yaml", 3, 9, E)],
    ),
    "duplicate-finess": (
        {"hospitals/g.yaml": BASE["hospitals/g.yaml"].replace("parent: h", "finess: '590780193'")},
        [("hospitals/h.yaml", 3, 9, E)],
    ),
    "orpha-name-conflict": (
        {
            "centres/m.yaml": BASE["centres/m.yaml"].replace(
                "sites:", "diseases:\n- name: Lupus\n  orpha: 536\nsites:"
            ),
            "centres/r.yaml": BASE["centres/r.yaml"].replace(
                "sites:", "diseases:\n- name: Lupus systémique\n  orpha: ORPHA:536\nsites:"
            ),
        },
        [("centres/r.yaml", 8, 9, E)],
    ),
    "label-dates": (
        {
            "campaigns/c.yaml": BASE["campaigns/c.yaml"]
            .replace("2023-01-01", "2026-01-01")
            .replace("2027-12-31", "2025-12-31")
        },
        [("campaigns/c.yaml", 4, 6, E)],
    ),
    "label-duration": (
        {"campaigns/c.yaml": BASE["campaigns/c.yaml"].replace("2027-12-31", "2026-12-31")},
        [("campaigns/c.yaml", 4, 6, W)],
    ),
    "label-expired": (
        {
            "campaigns/c.yaml": BASE["campaigns/c.yaml"]
            .replace("2023-01-01", "2020-01-01")
            .replace("2027-12-31", "2024-12-31")
        },
        [("centres/r.yaml", 6, 13, E)],
    ),
    "label-expiring": (
        {
            "campaigns/c.yaml": BASE["campaigns/c.yaml"]
            .replace("2023-01-01", "2020-09-01")
            .replace("2027-12-31", "2025-08-31")
        },
        [("centres/r.yaml", 6, 13, W)],
    ),
    "site-roles": (
        {"centres/r.yaml": BASE["centres/r.yaml"].replace("coordinating", "constitutive")},
        [("centres/r.yaml", 8, 1, E)],
    ),
    "unknown-source": (
        {"hospitals/g.yaml": BASE["hospitals/g.yaml"].replace("page.txt", "gone.txt")},
        [("hospitals/g.yaml", 5, 13, E)],
    ),
    "unknown-file": ({"stray.yaml": "id: s\n"}, [("stray.yaml", 1, 1, W)]),
}


def write(root: Path, files: dict[str, str | None]) -> Path:
    """The base registry with the example's changes (None deletes a file)."""
    for name, text in {**BASE, **files}.items():
        if text is not None:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "page.txt").write_text("page\n")
    return root


def outcome(root: Path) -> list[tuple[str, int, int, str, str]]:
    """Every finding of a full run, paths inside the registry."""
    report = validate(root, root, today=TODAY)
    return [(f.path, f.line, f.col, f.code, f.severity.value) for f in report.findings]


def test_the_base_registry_breaks_no_rule(tmp_path: Path) -> None:
    """The negative example of every rule: the base registry has no finding at all."""
    assert outcome(write(tmp_path, {})) == []


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_rule_example(code: str, tmp_path: Path) -> None:
    """The positive example: exactly these findings, all of this rule."""
    files, expected = EXAMPLES[code]
    found = outcome(write(tmp_path, files))
    assert found == [(p, line, col, code, sev) for p, line, col, sev in expected]


def test_every_rule_has_an_example() -> None:
    """Every code of the catalogue is shown by an example, here or in the hostile tests."""
    corpus = Path(__file__).parent / "corpus"
    covered = set(EXAMPLES)
    for expected in corpus.glob("*/expected.json"):
        covered.update(f[3] for f in json.loads(expected.read_text())["findings"])
    hostile = (Path(__file__).parent / "test_hostile.py").read_text()
    covered.update(r.code for r in rules.catalog() if f'"{r.code}"' in hostile)
    assert {r.code for r in rules.catalog()} - covered == set()
