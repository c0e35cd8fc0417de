"""The compiled schema check (jsonschema-rs) gives python-jsonschema's verdict, and findings.

python-jsonschema words every finding; the compiled validator only decides which files need
words. Both read patterns as ECMA-262 does. Without the compiled wheel, python-jsonschema alone
gives the same findings.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rarereg import schemas
from rarereg.document import YamlDoc
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
    st.sampled_from([1.0, 0.0, -0.0, 2006.0, 1e300]),
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
            # where JavaScript's and Python's regular expressions differ
            "760780238\n",
            "2023-01-01\n",
            "https://e.org\n",
            "\x1c",
            "\x85",
            "\ufeff",
            "\u2028",
            "\u3000",
            "a\x1fb",
            "https://e.org/\x85",
            "https://e.org/\ufeff",
            "٠١٢٣٤٥٦٧٨",
            "2023-01-0١",
        ]
    ),
    st.text(max_size=4),
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


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if the jsonschema-rs wheel were not installed."""
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)
    schemas.compiled_validator.cache_clear()
    yield
    schemas.compiled_validator.cache_clear()


def compiled(kind: str, doc: Any) -> bool:
    """The compiled validator's verdict."""
    validator = schemas.compiled_validator(kind)
    assert validator is not None, "jsonschema-rs is a dependency: the wheel must be installed"
    return bool(validator.is_valid(doc))


def wording(kind: str, doc: Any) -> bool:
    """python-jsonschema's verdict: valid when it finds no error to word."""
    return not any(True for _ in schemas.validator(kind).iter_errors(doc))


@settings(
    max_examples=FUZZ_EXAMPLES * 3, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(mutated())
def test_parity_on_mutated_documents(sample: tuple[str, Any]) -> None:
    """Same verdict from both on documents near the valid ones."""
    kind, doc = sample
    assert compiled(kind, doc) == wording(kind, doc), doc


@pytest.mark.parametrize(("kind", "doc"), SAMPLES)
def test_valid_samples_pass(kind: str, doc: Any) -> None:
    """The test registry's files pass both."""
    assert compiled(kind, doc) and wording(kind, doc)


def _parity_on_folder(root: Path) -> int:
    count = 0
    for folder, kind in KIND_OF.items():
        for path in sorted((root / folder).glob("*.yaml")):
            doc, _ = parse_bytes(path.read_bytes(), str(path))
            assert doc is not None
            assert compiled(kind, doc.data) == wording(kind, doc.data), path
            count += 1
    return count


def test_parity_on_bundled_registry() -> None:
    """Every bundled file gets the same verdict from both."""
    assert _parity_on_folder(bundled_registry()) > 100


def test_parity_on_synthetic_registry(tmp_path: Path) -> None:
    """Every file of the benchmark's synthetic registry gets the same verdict from both."""
    from benchmarks.generate import generate

    generate(tmp_path / "registry", 1000, seed=3)
    assert _parity_on_folder(tmp_path / "registry") >= 1000


SRC = [{"document": "page.txt"}]
BROKEN = [
    ("hospital", {"id": "h", "name": "H", "finess": "760780238\n", "sources": SRC}),
    ("hospital", {"id": "h", "name": "\ufeff", "sources": SRC}),
    ("hospital", {"id": "h", "name": "H", "city": 12, "sources": SRC}),
    ("campaign", {"id": "c", "name": "C", "start": "2023-01-01\n", "sources": SRC}),
    ("centre", {"id": "c", "name": "C", "kind": "crmr", "sites": [], "extra": 1, "sources": SRC}),
]


@pytest.mark.parametrize(("kind", "data"), BROKEN)
def test_same_findings_without_the_compiled_validator(
    kind: str, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With or without jsonschema-rs, a broken file gets the same findings, worded the same."""
    doc = YamlDoc(data)
    with_rs = schemas.check(kind, doc, "f.yaml")
    assert with_rs
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)
    schemas.compiled_validator.cache_clear()
    try:
        assert schemas.compiled_validator(kind) is None
        assert schemas.check(kind, doc, "f.yaml") == with_rs
    finally:
        schemas.compiled_validator.cache_clear()


@pytest.mark.usefixtures("pure_python")
@pytest.mark.parametrize(("kind", "doc"), SAMPLES)
def test_valid_samples_pass_without_the_compiled_validator(kind: str, doc: Any) -> None:
    """python-jsonschema alone passes the valid files."""
    assert schemas.compiled_validator(kind) is None
    assert schemas.check(kind, YamlDoc(doc), "f.yaml") == []


def test_trailing_newline_does_not_slip_past_a_pattern() -> None:
    """`$` is the end of the value, as in JavaScript: a FINESS and a newline is no FINESS."""
    doc = YamlDoc({"id": "h", "name": "H", "finess": "760780238\n", "sources": SRC})
    findings = schemas.check("hospital", doc, "f.yaml")
    assert [(f.code, f.message) for f in findings] == [
        (
            "schema",
            "finess: '760780238\\n' is not a quoted 9-character FINESS number, like "
            "'590780193' (Corsica: '2A…', '2B…')",
        ),
    ]


def test_compiled_words_when_jsonschema_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the two ever disagree, a file the compiled check rejects still gets a finding."""

    class Silent:
        def iter_errors(self, _: Any) -> Iterator[Any]:
            return iter(())

    monkeypatch.setattr(schemas, "validator", lambda _kind: Silent())
    doc = YamlDoc({"id": "h", "name": "H", "city": 12, "sources": SRC})
    findings = schemas.check("hospital", doc, "f.yaml")
    assert [(f.code, f.line, f.col, f.message) for f in findings] == [
        ("schema", 1, 1, 'city: 12 is not of type "string"'),
    ]


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


PATTERNS = sorted(set(_patterns(schemas.raw_schemas())))
_near_patterns = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789AB-az:/.\n\r\t \x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000\ufeff٣"),
        st.characters(exclude_categories=("Cs",)),  # no lone surrogate comes out of UTF-8
    ),
    max_size=12,
)


@settings(max_examples=FUZZ_EXAMPLES * 3, deadline=None)
@given(st.sampled_from(PATTERNS), _near_patterns)
def test_every_schema_pattern_reads_as_in_javascript(pattern: str, text: str) -> None:
    """Each pattern the schemas use matches the same texts in jsonschema-rs and in Python."""
    import jsonschema_rs

    from rarereg.ecma import compiled as ecma

    expected = jsonschema_rs.validator_for({"pattern": pattern}).is_valid(text)
    assert (ecma(pattern).search(text) is not None) == expected
