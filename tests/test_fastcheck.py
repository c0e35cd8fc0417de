"""The fast schema check gives jsonschema's verdict on every rule the schemas use."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rarereg import schemas
from rarereg.fastcheck import checker
from rarereg.loader import bundled_registry
from rarereg.yamlstrict import parse_bytes
from tests.conftest import BASE
from tests.test_hostile import FUZZ_EXAMPLES

KIND_OF = {
    "hospitals": "hospital",
    "networks": "network",
    "campaigns": "campaign",
    "centres": "centre",
}
SAMPLES = [(KIND_OF[folder], doc) for folder, docs in BASE.items() for doc in docs.values()]
SAMPLES.append(
    (
        "centre",
        {
            **BASE["centres"]["lupus"],
            "diseases": [
                {"name": "Lupus", "orpha": 536, "synonyms": ["LES"], "age_group": "both"},
                {"name": "SAPL", "orpha": "ORPHA:80", "sources": [{"document": "page.txt"}]},
            ],
        },
    )
)

_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10),
    st.sampled_from([9999999, 10000000]),
    st.floats(allow_nan=False, width=16),
    st.sampled_from(
        [
            "",
            " ",
            "x",
            "crmr",
            "ccmr",
            "fsmr",
            "ern",
            "coordinating",
            "competence",
            "chu-lille",
            "Chu_Lille",
            "2023-01-01",
            "2023-1-1",
            "590780193",
            "2A0000001",
            "https://e.org",
            "ftp://e.org",
            "Grand Est",
            "Nord",
            "page.txt",
            "../x",
            "2006",
            "labelled",
            "lapsed",
            "gone",
            "ORPHA:536",
            "ORPHA:0",
            "536",
            "children",
        ]
    ),
)
_value = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "hospital",
                    "role",
                    "campaign",
                    "url",
                    "retrieved",
                    "document",
                    "start",
                    "end",
                    "note",
                    "x",
                    "crmr",
                    "source",
                    "as_of",
                    "orpha",
                    "name",
                    "age_group",
                ]
            ),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=8,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A valid sample with one to three places replaced, removed or added to."""
    kind, doc = draw(st.sampled_from(SAMPLES))
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(doc)))
        action = draw(st.sampled_from(["set", "delete", "add"]))
        if not path:
            continue
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        if action == "set":
            parent[last] = draw(_value)
        elif action == "delete":
            del parent[last]
        elif isinstance(parent[last], dict):
            parent[last][draw(st.sampled_from(["x", "name", "role", "extra"]))] = draw(_value)
        elif isinstance(parent[last], list):
            parent[last].append(draw(_value))
    return kind, doc


@settings(
    max_examples=FUZZ_EXAMPLES * 3, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(mutated())
def test_parity_on_mutated_documents(sample: tuple[str, Any]) -> None:
    """Same verdict as jsonschema on documents near the valid ones."""
    kind, doc = sample
    assert checker(kind)(doc) == schemas.validator(kind).is_valid(doc), doc


@pytest.mark.parametrize(("kind", "doc"), SAMPLES)
def test_valid_samples_pass(kind: str, doc: Any) -> None:
    """The test registry's files pass both."""
    assert checker(kind)(doc) and schemas.validator(kind).is_valid(doc)


def test_parity_on_bundled_registry() -> None:
    """Every bundled file gets the same verdict from both."""
    for folder, kind in KIND_OF.items():
        for path in (bundled_registry() / folder).glob("*.yaml"):
            doc, _ = parse_bytes(path.read_bytes(), str(path))
            assert doc is not None
            assert checker(kind)(doc.data) == schemas.validator(kind).is_valid(doc.data), path
