"""Diseases and ORPHAcodes: the format, the index, the queries and the name check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rarereg import diseases, model, query, report
from rarereg.query import Filters, QueryError

Data = dict[str, dict[str, dict[str, Any]]]


@pytest.fixture
def with_diseases(base_data: Data) -> Data:
    """The base registry, the lupus CRMR naming its diseases; its Lille CCMR names none."""
    base_data["centres"]["lupus"]["diseases"] = [
        {
            "name": "Lupus érythémateux systémique",
            "orpha": "ORPHA:536",
            "synonyms": ["LES"],
            "age_group": "both",
        },
        {"name": "Syndrome des anticorps antiphospholipides", "orpha": 80},
        {"name": "Maladies auto-immunes rares"},
    ]
    base_data["centres"]["cracmo"]["diseases"] = [
        {"name": "Atrésie de l'œsophage", "orpha": 1199, "age_group": "children"}
    ]
    return base_data


def _registry(make_registry: Callable[..., Path], data: Data) -> model.Registry:
    root = make_registry(data)
    return model.load_registry(root, root.parent)


def _ids(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(row["id"], row["hospital"]) for row in rows]


def test_orpha_number_normalises_every_written_form() -> None:
    """Orpha number normalises every written form."""
    assert [model.orpha_number(v) for v in (536, "536", "ORPHA:536", "orpha: 536")] == [536] * 4
    assert [model.orpha_number(v) for v in (0, -3, True, "ORPHA:", "5x", "١٢", None)] == [None] * 7


def test_disease_query_ignores_case_and_accents_and_a_ccmr_inherits(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Disease query ignores case and accents and a ccmr inherits."""
    reg = _registry(make_registry, with_diseases)

    rows = query.list_rows(reg, "centres", Filters(disease=["LUPUS erythemateux"]))

    assert _ids(rows) == [
        ("ccmr-lupus-lille", "hopital-jeanne-de-flandre"),
        ("lupus", "hopital-pitie-salpetriere"),
        ("lupus", "chu-reims"),
    ]


def test_disease_combines_with_region_for_where_near_me(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Disease combines with region for where near me."""
    reg = _registry(make_registry, with_diseases)

    rows = query.list_rows(reg, "centres", Filters(disease=["lupus"], region=["Hauts-de-France"]))

    assert _ids(rows) == [("ccmr-lupus-lille", "hopital-jeanne-de-flandre")]


def test_orpha_matches_a_code_in_any_written_form(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Orpha matches a code in any written form."""
    reg = _registry(make_registry, with_diseases)

    by_number = query.list_rows(reg, "centres", Filters(orpha=["1199"]))
    by_prefix = query.list_rows(reg, "centres", Filters(orpha=["orpha:1199"]))

    assert _ids(by_number) == _ids(by_prefix) == [("cracmo", "chu-lille")]


def test_search_finds_centres_by_disease_name(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Search finds centres by disease name."""
    reg = _registry(make_registry, with_diseases)

    rows = query.list_rows(reg, "centres", Filters(search="lupus érythémateux"))

    assert [row["id"] for row in rows] == ["ccmr-lupus-lille", "lupus", "lupus"]


def test_unknown_disease_suggests_the_closest_names(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Unknown disease suggests the closest names."""
    reg = _registry(make_registry, with_diseases)

    with pytest.raises(QueryError) as err:
        query.list_rows(reg, "centres", Filters(disease=["lupis"]))

    assert str(err.value) == (
        "no disease matches 'lupis'; did you mean: Lupus érythémateux systémique (ORPHA:536)?"
    )


def test_unknown_or_malformed_code_is_a_query_error(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Unknown or malformed code is a query error."""
    reg = _registry(make_registry, with_diseases)

    with pytest.raises(QueryError, match=r"no centre in the registry gives ORPHA:999"):
        query.list_rows(reg, "centres", Filters(orpha=["999"]))
    with pytest.raises(QueryError, match=r"'lupus' is not an ORPHAcode"):
        query.list_rows(reg, "centres", Filters(orpha=["lupus"]))


def test_list_diseases_counts_centres_with_inherited_ones(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """List diseases counts centres with inherited ones."""
    reg = _registry(make_registry, with_diseases)

    rows = query.list_rows(reg, "diseases", Filters())

    assert [(r["key"], r["name"], r["centres"], r["crmr"], r["ccmr"]) for r in rows] == [
        ("ORPHA:536", "Lupus érythémateux systémique", 2, 1, 1),
        ("name:maladies auto immunes rares", "Maladies auto-immunes rares", 2, 1, 1),
        ("ORPHA:80", "Syndrome des anticorps antiphospholipides", 2, 1, 1),
        ("ORPHA:1199", "Atrésie de l'œsophage", 1, 1, 0),
    ]
    assert rows[0]["synonyms"] == ["LES"]
    assert rows[0]["age_groups"] == ["both"]


def test_a_ccmr_listing_its_own_diseases_does_not_inherit(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """A ccmr listing its own diseases does not inherit."""
    with_diseases["centres"]["ccmr-lupus-lille"]["diseases"] = [{"name": "Lupus pédiatrique"}]
    reg = _registry(make_registry, with_diseases)

    rows = query.list_rows(reg, "centres", Filters(orpha=["536"]))

    assert [row["id"] for row in rows] == ["lupus", "lupus"]


def test_show_a_disease_lists_its_centres(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Show a disease lists its centres."""
    reg = _registry(make_registry, with_diseases)

    view = diseases.disease_view(reg, diseases.find(reg, "ORPHA:536"))

    assert view == {
        "type": "disease",
        "id": "ORPHA:536",
        "orpha": 536,
        "name": "Lupus érythémateux systémique",
        "synonyms": ["LES"],
        "age_groups": ["both"],
        "centres": [
            {
                "id": "ccmr-lupus-lille",
                "name": "Centre de compétence lupus",
                "kind": "ccmr",
                "inherited": True,
                "hospitals": ["hopital-jeanne-de-flandre"],
                "cities": ["Lille"],
            },
            {
                "id": "lupus",
                "name": "Centre de référence du lupus",
                "kind": "crmr",
                "inherited": False,
                "hospitals": ["hopital-pitie-salpetriere", "chu-reims"],
                "cities": ["Paris", "Reims"],
            },
        ],
    }


def test_report_by_disease_counts_each_centre_once_per_disease(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Report by disease counts each centre once per disease."""
    with_diseases["centres"]["cracmo"].pop("diseases")
    reg = _registry(make_registry, with_diseases)
    recs = report.records(reg, query.resolve(reg, Filters()))

    rows = report.breakdown(reg, recs, "disease")

    assert [(r["key"], r["centres"], r["total"]) for r in rows] == [
        ("ORPHA:536", 2, 3),
        ("ORPHA:80", 2, 3),
        ("name:maladies auto immunes rares", 2, 3),
        ("(none)", 1, 1),
    ]


def test_a_name_without_code_joins_the_coded_disease_of_that_name(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """A name without code joins the coded disease of that name."""
    with_diseases["centres"]["cracmo"]["diseases"] = [{"name": "lupus erythemateux systemique"}]
    reg = _registry(make_registry, with_diseases)

    known = diseases.index(reg)

    assert known["ORPHA:536"].centres == {"lupus", "ccmr-lupus-lille", "cracmo"}


def test_orpha_name_conflict_is_reported_where_the_second_name_stands(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """Orpha name conflict is reported where the second name stands."""
    from rarereg import loader

    with_diseases["centres"]["cracmo"]["diseases"] = [{"name": "Lupus systémique", "orpha": 536}]
    root = make_registry(with_diseases)
    loaded = loader.load(root, root.parent)
    docs = [(e.path, e.doc) for e in loaded.entries if e.doc is not None]

    found = diseases.name_conflicts(docs)

    assert [(f.path, f.line, f.col, f.code, f.message) for f in found] == [
        (
            "registry/centres/lupus.yaml",
            19,
            9,
            "orpha-name-conflict",
            "ORPHA:536 is named 'Lupus érythémateux systémique' here but 'Lupus systémique' in"
            " registry/centres/cracmo.yaml:12; use one name (list the other under synonyms)",
        )
    ]


def test_a_synonym_is_not_a_conflict(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """A synonym is not a conflict."""
    from rarereg import loader

    with_diseases["centres"]["cracmo"]["diseases"] = [
        {"name": "Lupus systémique", "orpha": 536, "synonyms": ["Lupus érythémateux systémique"]}
    ]
    root = make_registry(with_diseases)
    loaded = loader.load(root, root.parent)

    assert diseases.name_conflicts([(e.path, e.doc) for e in loaded.entries if e.doc]) == []
