"""The compiled parser's gate: it never reads a value differently, never accepts a problem.

Property: whenever :func:`rarereg.fastyaml.read` returns data, the strict reader returns the
same data, value for value and type for type, and no finding at all. Checked on Hypothesis
texts built line by line from normal and hostile pieces, on every file of the hostile corpus and
the bundled registry, and on each kind of trap by name.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rarereg import fastyaml
from rarereg.loader import bundled_registry
from rarereg.yamlstrict import parse_bytes
from tests.test_hostile import CORPUS, FUZZ_EXAMPLES


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1, 1.0 and True differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def check_agrees(raw: bytes) -> bool:
    """The property; True when the fast path took the file."""
    fast = fastyaml.read(raw)
    if fast is None:
        return False
    doc, findings = parse_bytes(raw, "f.yaml")
    assert findings == [], (raw, findings)
    assert doc is not None
    assert same(fast, doc.data), (raw, fast, doc.data)
    return True


_PIECES = [
    # ordinary values
    "x",
    "Centre de référence",
    "Hauts-de-France",
    "Provence-Alpes-Côte d'Azur",
    "https://e.org/a?b=c",
    "https://e.org/page#part",
    "2023-01-01",
    "2027-02-30",
    "590780193",
    "'010780054'",
    '"010780054"',
    "'it''s'",
    "0",
    "12",
    "004_ecc6b2fd1b2b9971.txt",
    "true",
    "True",
    "FALSE",
    "null",
    "Null",
    "~",
    "R&D",
    "a*b",
    "a!b",
    "50%",
    "«guillemets» – dash…",
    # traps
    "010780054",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "12:30",
    "1.5",
    "1.",
    ".5",
    "1e3",
    "1E3",
    "+1",
    "-1",
    "-0",
    ".inf",
    ".NaN",
    "00",
    "017",
    "123456789012345678901234567890",
    "999999999999999",
    "9007199254740993",
    "123456789012345678",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "&a x",
    "*a",
    "!tag x",
    "!!str 1",
    "!!int '1'",
    "%YAML 1.1",
    "|",
    ">",
    "|-\n  text",
    "[a, b]",
    "{a: b}",
    "[]",
    "a #b",
    "a  # comment",
    "a:b",
    "a: b",
    "a:",
    "'open",
    '"esc\\n"',
    '"a\\x41"',
    '"tab\\t"',
    "a\tb",
    "\ta",
    "a\rb",
    "\ufeffa",
    "a\u202eb",
    "a\u200bb",
    "a\x85b",
    "a\u2028b",
    "a\xa0b",
    "a\x1cb",
    "e\u0301",
    "@x",
    "`x",
    "?x",
    "- x",
    "-x",
    ",x",
    "a,b",
    "---",
    "...",
    "",
    " ",
    "2023-01-01 10:00",
    "2023-01-01T10:00:00Z",
    "12e3g",
    "1 000",
    "1e3 km",
]
_KEYS = ["id", "name", "sites", "a", "x_y", "Key", "true", "null", "yes", "1", "a b", "'q'", "-"]
_scalar = st.one_of(st.sampled_from(_PIECES), st.text(max_size=6))
_indent = st.sampled_from(["", "", "", " ", "  ", "  ", "    ", "\t"])


@st.composite
def yaml_texts(draw: st.DrawFn) -> bytes:
    """A text of lines in the shapes registry files use, with traps mixed in."""
    lines = []
    for _ in range(draw(st.integers(1, 10))):
        indent = draw(_indent)
        key = draw(st.sampled_from(_KEYS))
        shape = draw(st.sampled_from(["key", "kv", "kv", "kv", "item", "ikv", "note", "blank"]))
        line = {
            "key": f"{key}:",
            "kv": f"{key}: {draw(_scalar)}",
            "item": f"- {draw(_scalar)}",
            "ikv": f"- {key}: {draw(_scalar)}",
            "note": f"# {draw(_scalar)}",
            "blank": "",
        }[shape]
        lines.append(indent + line + draw(st.sampled_from(["", "", " ", "  # c"])))
    end = draw(st.sampled_from(["\n", "\n", "", "\r\n", "\n\n", "\n---\n", "\n...\n"]))
    text = draw(st.sampled_from(["", "", "", "---\n", "%YAML 1.2\n---\n", "\ufeff"]))
    text += "\n".join(lines) + end
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at]
            + draw(st.sampled_from(["&", "*", "!", "#", "\t", "\r", ":", "'"]))
            + text[at:]
        )
    return text.encode("utf-8", "surrogatepass")


_word = st.text(alphabet=st.sampled_from("aZé0_-'.:/ &*!%,?@«’"), min_size=1, max_size=8)
_safe_scalar = st.one_of(
    st.sampled_from(_PIECES[:26]),
    st.sampled_from(_PIECES),
    st.builds(lambda a, b: a + b, st.sampled_from("aZéx0159"), _word),
)
_tree = st.recursive(
    _safe_scalar,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(st.sampled_from(_KEYS[:5]), inner, min_size=1, max_size=3),
    ),
    max_leaves=10,
)


def render(node: Any, indent: str = "") -> list[str]:
    """Block-style lines for a tree whose leaves are scalars as written."""
    lines = []
    items = node.items() if isinstance(node, dict) else [(None, v) for v in node]
    for key, value in items:
        head = f"{indent}{key}:" if key is not None else f"{indent}-"
        if isinstance(value, str):
            lines.append(f"{head} {value}")
        elif key is None and isinstance(value, dict):
            inner = render(value, indent + "  ")
            lines.append(f"{head} {inner[0].lstrip()}")
            lines.extend(inner[1:])
        else:
            lines.append(head)
            lines.extend(render(value, indent + ("  " if isinstance(value, dict) else "")))
    return lines


@st.composite
def yaml_documents(draw: st.DrawFn) -> bytes:
    """Registry-like documents, mostly plain enough for the fast path, some lines shifted."""
    lines = render(draw(st.dictionaries(st.sampled_from(_KEYS[:5]), _tree, min_size=1)))
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = draw(st.sampled_from([" ", "  ", "\t"])) + lines[at]
    return ("\n".join(lines) + "\n").encode()


@settings(
    max_examples=FUZZ_EXAMPLES * 10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(yaml_documents())
def test_fast_path_agrees_on_registry_like_documents(raw: bytes) -> None:
    """Documents shaped like registry files: the same property, on many that take the fast path."""
    check_agrees(raw)


@settings(
    max_examples=FUZZ_EXAMPLES * 10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(yaml_texts())
@example(b"id: x\nname: 010780054\n")
@example(b"a: 1\na: 2\n")
@example(b"a:\n  b: 1\n  b: 2\n")
@example(b"a:\n  b: 1\n c: 2\n")
@example(b"a:\n- b\n  - c\n")
def test_fast_path_agrees_with_the_strict_reader(raw: bytes) -> None:
    """Whatever the text, the fast path reads it as the strict reader does, or leaves it."""
    check_agrees(raw)


@settings(
    max_examples=FUZZ_EXAMPLES * 3, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.binary(max_size=300))
def test_fast_path_on_arbitrary_bytes(raw: bytes) -> None:
    """Arbitrary bytes: the same property."""
    check_agrees(raw)


def test_ordinary_values_take_the_fast_path() -> None:
    """The gate is not so strict that the fast path never runs (the property would be empty)."""
    taken = 0
    for name, value in [("name", p) for p in _PIECES]:
        taken += check_agrees(f"id: x\n{name}: {value}\n".encode())
    assert taken >= 25


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.yaml") if p.is_file())


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_hostile_corpus(path: Path) -> None:
    """Every file of the hostile corpus: the same property."""
    check_agrees(path.read_bytes())


def test_bundled_registry_takes_the_fast_path() -> None:
    """Bundled files are read the same; nearly all are plain enough for the fast path.

    The others hold values such as phone numbers (``04 92 03 87 54``) that start with a digit
    and hold no letter: the gate leaves any such value to the strict reader.
    """
    paths = sorted(bundled_registry().glob("*/*.yaml"))
    fast = [check_agrees(p.read_bytes()) for p in paths]
    assert sum(fast) >= 0.9 * len(paths)


TRAPS = {
    "anchor": "a: &x 1\nb: 2\n",
    "alias": "a: 1\nb: *x\n",
    "tag": "a: !!str 1\n",
    "custom tag": "a: !x y\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "document start": "---\na: 1\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "leading zero": "finess: 010780054\n",
    "octal": "n: 0o17\n",
    "hexadecimal": "n: 0x1F\n",
    "underscore": "n: 1_000\n",
    "integer past 2**53": "n: 9007199254740993\n",
    "sexagesimal": "t: 12:30\n",
    "float": "n: 1.5\n",
    "yes": "a: yes\n",
    "off": "a: Off\n",
    "y": "a: y\n",
    "infinity": "a: .inf\n",
    "timestamp": "a: 2023-01-01 10:00:00\n",
    "tab indent": "a:\n\tb: 1\n",
    "tab in value": "a: b\tc\n",
    "comment in value": "name: Centre #3 Lyon\n",
    "comment after value": "name: Centre  # old\n",
    "CR line ends": "a: 1\rb: 2\r",
    "CRLF line ends": "a: 1\r\nb: 2\r\n",
    "byte-order mark": "\ufeffa: 1\n",
    "stray byte-order mark": "a: b\ufeffc\n",
    "bidi override": "a: b\u202ec\n",
    "zero-width space": "a: b\u200bc\n",
    "control character": "a: b\x1cc\n",
    "next line": "a: b\x85c\n",
    "line separator": "a: b\u2028c\n",
    "no-break space": "a: b\xa0c\n",
    "combining accent": "a: e\u0301\n",
    "flow list": "a: [1, 2]\n",
    "flow mapping": "a: {b: 1}\n",
    "block scalar": "a: |\n  text\n",
    "folded scalar": "a: >\n  text\n",
    "two-line value": "a: b\n  c\n",
    "escapes": 'a: "b\\nc"\n',
    "complex key": "? a\n: 1\n",
    "duplicate key": "a: 1\na: 2\n",
    "not a mapping": "- a\n",
    "empty": "",
    "comment only": "# x\n",
    "deep indent": "a:\n" + " " * 30 + "b: 1\n",
}


@pytest.mark.parametrize("text", TRAPS.values(), ids=list(TRAPS))
def test_traps_go_to_the_strict_reader(text: str) -> None:
    """Each kind of file that could be read two ways is left to the strict reader."""
    assert fastyaml.read(text.encode()) is None


def test_not_utf8_goes_to_the_strict_reader() -> None:
    """Bytes that are not UTF-8 are the strict reader's to report."""
    assert fastyaml.read(b"a: caf\xe9\n") is None


def test_large_file_goes_to_the_strict_reader() -> None:
    """Files past the fast path's size bound are the strict reader's (it counts nodes)."""
    assert fastyaml.read(b"a:\n" + b"- x\n" * (fastyaml.MAX_FAST_BYTES // 4)) is None


def test_without_the_compiled_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the yaml_rs wheel every file goes to the strict reader."""
    monkeypatch.setitem(sys.modules, "yaml_rs", None)
    assert fastyaml.read(b"a: 1\n") is None


def test_plain_file_is_read_fast() -> None:
    """A file like the registry's is read by the compiled parser, with its values' types."""
    raw = (
        b"id: chu-lille\nname: CHU de Lille\naliases:\n- CHRU de Lille\nfiness: '590780193'\n"
        b"sources:\n- url: https://www.chu-lille.fr/\n  retrieved: 2026-11-23\n"
        b"sites_incomplete: true\ncount: 12\n"
    )
    assert fastyaml.read(raw) == {
        "id": "chu-lille",
        "name": "CHU de Lille",
        "aliases": ["CHRU de Lille"],
        "finess": "590780193",
        "sources": [{"url": "https://www.chu-lille.fr/", "retrieved": "2026-11-23"}],
        "sites_incomplete": True,
        "count": 12,
    }


def test_same_findings_without_either_compiled_wheel(
    make_registry: Any, base_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without yaml_rs and jsonschema-rs, validation finds exactly the same, place for place."""
    from rarereg import schemas
    from rarereg.validate import validate

    base_data["hospitals"]["chu-reims"]["finess"] = "760780238\n"
    base_data["hospitals"]["chu-lille"]["city"] = 12
    base_data["centres"][next(iter(base_data["centres"]))]["network"] = "no-such-network"
    registry = make_registry(base_data)
    (registry / "hospitals" / "extra.yaml").write_text(
        "id: extra\nname: Centre #3\nfiness: 010780054\n"
    )

    def found() -> list[tuple[str, int, int, str, str]]:
        report = validate(registry, registry.parent)
        return [(f.path, f.line, f.col, f.code, f.message) for f in report.findings]

    with_wheels = found()
    assert {code for _, _, _, code, _ in with_wheels} >= {
        "schema",
        "unknown-reference",
        "comment-in-value",
        "ambiguous-value",
    }
    monkeypatch.setitem(sys.modules, "yaml_rs", None)
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)
    schemas.compiled_validator.cache_clear()
    try:
        assert found() == with_wheels
    finally:
        schemas.compiled_validator.cache_clear()


def test_positions_of_content_not_on_disk() -> None:
    """A file checked from memory (about to be written, or from git) still gets real places."""
    from rarereg.loader import entry_from_bytes

    raw = b"id: h\nname: H\nfiness: '123'\nsources:\n- document: page.txt\n"
    entry = entry_from_bytes("hospital", "h", "hospitals/h.yaml", raw)
    assert entry.doc is not None and entry.doc.content == raw  # read by the fast path
    assert [(f.line, f.col, f.code) for f in entry.findings] == [(3, 9, "schema")]
