"""The strict YAML reader: values kept as written, every trap reported with its place."""

from __future__ import annotations

import pytest

from rarereg.findings import Severity
from rarereg.yamlstrict import MAX_BYTES, MAX_DEPTH, parse_bytes, parse_text


def codes(text: str) -> list[str]:
    """Codes of the findings for a YAML text."""
    return [f.code for f in parse_text(text, "f.yaml")[1]]


def test_plain_mapping_keeps_values_and_positions() -> None:
    """Values come back as plain data, each with its 1-based line and column."""
    doc, findings = parse_text("id: x\nsites:\n  - hospital: h\n", "f.yaml")
    assert findings == []
    assert doc is not None
    assert doc.data == {"id": "x", "sites": [{"hospital": "h"}]}
    assert doc.pos(("sites", 0, "hospital")) == (3, 15)
    assert doc.key_pos(("sites",)) == (2, 1)


def test_dates_stay_strings() -> None:
    """An unquoted ISO date is text, never a date object."""
    doc, findings = parse_text("start: 2023-01-01\n", "f.yaml")
    assert doc is not None and doc.data["start"] == "2023-01-01"
    assert findings == []


@pytest.mark.parametrize("value", ["no", "yes", "on", "off", "NO", "Yes"])
def test_yaml11_booleans_stay_text_with_an_error(value: str) -> None:
    """`no` stays the text 'no', and the user is told to quote it: an error by default."""
    doc, findings = parse_text(f"code: {value}\n", "f.yaml")
    assert doc is not None and doc.data["code"] == value
    assert [(f.code, f.severity) for f in findings] == [("ambiguous-value", Severity.ERROR)]
    assert "quote it" in findings[0].message


def test_leading_zero_number_is_kept_as_written() -> None:
    """A FINESS with a leading zero never becomes a number; the warning says to quote it."""
    doc, findings = parse_text("finess: 010780054\n", "f.yaml")
    assert doc is not None and doc.data["finess"] == "010780054"
    assert findings[0].code == "ambiguous-value"
    assert "quote it: '010780054'" in findings[0].message


def test_core_types_resolve() -> None:
    """true/false, integers and null resolve as in YAML 1.2."""
    doc, _ = parse_text("a: true\nb: 12\nc: null\nd: ~\ne: 1.5\n", "f.yaml")
    assert doc is not None
    assert doc.data == {"a": True, "b": 12, "c": None, "d": None, "e": 1.5}


def test_duplicate_keys_are_reported_at_every_level() -> None:
    """Each repeated key is an error at the repeat, naming the first line."""
    doc, findings = parse_text("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n", "f.yaml")
    assert [(f.code, f.line) for f in findings] == [("duplicate-key", 2), ("duplicate-key", 5)]
    assert "first at line 1" in findings[0].message
    assert doc is not None and doc.data["a"] == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: &x 1\nb: *x\n", "yaml-anchor"),
        ("a: *x\n", "yaml-alias"),
        ("a: !!python/object:os.system 1\n", "yaml-tag"),
        ("a: !custom 1\n", "yaml-tag"),
        ("", "empty-file"),
        ("# only a comment\n", "empty-file"),
        ("- a\n- b\n", "not-a-mapping"),
        ("just text\n", "not-a-mapping"),
        ("a: 1\n---\nb: 2\n", "multiple-documents"),
        ("a: b\n\tc: d\n", "yaml-syntax"),
        ("a: [1, 2\n", "yaml-syntax"),
        ("? [a, b]\n: c\n", "complex-key"),
    ],
)
def test_refused_constructs(text: str, code: str) -> None:
    """Anchors, aliases, tags, empty and non-mapping files are refused with a code."""
    doc, findings = parse_text(text, "f.yaml")
    assert doc is None
    assert findings[-1].code == code


def test_billion_laughs_is_refused_before_expansion() -> None:
    """An alias bomb stops at its first anchor, in no time and memory."""
    bomb = "a: &a [x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20)
    )
    doc, findings = parse_text(bomb, "f.yaml")
    assert doc is None and findings[0].code == "yaml-anchor"


def test_deep_nesting_is_refused_without_crashing() -> None:
    """30,000 nested lists (libyaml's composer segfaults there) give a finding."""
    doc, findings = parse_text("a: " + "[" * 30000 + "]" * 30000 + "\n", "f.yaml")
    assert doc is None
    assert findings[0].code == "too-deep"
    assert str(MAX_DEPTH) in findings[0].message


def test_oversized_bytes_are_refused() -> None:
    """A file over the size limit is not parsed at all."""
    doc, findings = parse_bytes(b"a: " + b"x" * MAX_BYTES, "f.yaml")
    assert doc is None and findings[0].code == "file-too-large"


def test_invalid_utf8_names_line_and_column() -> None:
    """A bad byte is reported where it stands."""
    doc, findings = parse_bytes(b"a: 1\nb: caf\xe9\n", "f.yaml")
    assert doc is None
    assert (findings[0].code, findings[0].line, findings[0].col) == ("encoding", 2, 7)


def test_binary_file_is_refused() -> None:
    """A NUL byte means a binary file."""
    doc, findings = parse_bytes(b"\x89PNG\r\n\x1a\n\x00\x00", "f.yaml")
    assert doc is None and findings[0].code == "encoding"


def test_bom_is_dropped_with_a_warning() -> None:
    """A UTF-8 byte-order mark is harmless but reported."""
    doc, findings = parse_bytes("\ufeffa: 1\n".encode(), "f.yaml")
    assert doc is not None and doc.data == {"a": 1}
    assert [f.code for f in findings] == ["bom"]


def test_comment_cutting_a_value_is_warned() -> None:
    """`name: Centre #3 Lyon` loads as 'Centre': say so."""
    doc, findings = parse_text("name: Centre #3 Lyon\n", "f.yaml")
    assert doc is not None and doc.data["name"] == "Centre"
    assert [f.code for f in findings] == ["comment-in-value"]
    assert "#3 Lyon" in findings[0].message


def test_ordinary_comment_is_not_warned() -> None:
    """A spaced comment after a value is a normal comment."""
    assert codes("name: Centre  # the old name\n") == []


def test_quoted_values_are_never_resolved() -> None:
    """Quoted text stays text whatever it looks like."""
    doc, findings = parse_text("a: '010'\nb: \"no\"\nc: '12'\n", "f.yaml")
    assert doc is not None and doc.data == {"a": "010", "b": "no", "c": "12"}
    assert findings == []
