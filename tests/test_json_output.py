"""JSON output: the fast writer of flat rows gives exactly what json.dumps(indent=2) gives."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from rarereg.render import safe
from rarereg.render.jsonfmt import dumps

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
_values = st.one_of(_scalars, st.lists(_scalars, max_size=3))
_rows = st.lists(st.dictionaries(st.text(max_size=5), _values, max_size=5), max_size=5)
_tables = st.dictionaries(st.text(max_size=5), _rows, max_size=3)
_nested = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.one_of(
        _rows,
        _tables,
        _nested,
        st.lists(_nested, max_size=3),  # rows that are not flat: left to json.dumps, same text
        st.dictionaries(st.text(max_size=3), st.lists(_nested, max_size=3), max_size=3),
        # Tables beside plain values, as a report writes them (its date first).
        st.dictionaries(st.text(max_size=3), st.one_of(_scalars, _rows), max_size=4),
    )
)
@example([{"a": "\x000\x00", "b": [1]}])  # a text that looks like the writer's own marker
@example([{"hospitals": ["a", "b"], "none": [], "n": 1}])
@example([{"a": 1}, {}])  # an empty row after a flat one
@example({"t": [{"a": [1, [2]]}]})  # a nested list in the last place
@example({"as_of": "2026-11-25", "kind": [{"kind": "crmr", "centres": 2}], "none": []})
def test_same_text_as_the_standard_encoder(data: Any) -> None:
    """Rows, tables of rows or any other value: byte for byte what json.dumps writes."""
    expected = json.dumps(data, ensure_ascii=False, indent=2)
    assert dumps(data) == safe.json_text(expected) + "\n"
