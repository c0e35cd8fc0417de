"""Diseases and ORPHAcodes: the format, the index, the queries and the name check."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from rarereg import diseases, model, query, report
from rarereg.query import Filters, QueryError
from tests.helpers import run

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


# Through the command line, as people ask.


def _cli(runner: CliRunner, root: Path, *args: str) -> Result:
    return run(runner, *args, "--registry", root)


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_list_disease_accents_and_inheritance(
    runner: CliRunner, make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """`list --disease` ignores case and accents and finds the CCMR through its CRMR."""
    root = make_registry(with_diseases)

    found = _json(_cli(runner, root, "list", "--disease", "Lupus Érythémateux", "-f", "json"))

    assert [(r["id"], r["hospital"], r["city"]) for r in found] == [
        ("ccmr-lupus-lille", "hopital-jeanne-de-flandre", "Lille"),
        ("lupus", "hopital-pitie-salpetriere", "Paris"),
        ("lupus", "chu-reims", "Reims"),
    ]


def test_cli_list_disease_near_me(
    runner: CliRunner, make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """`--disease` combines with `--region` and `--kind`."""
    root = make_registry(with_diseases)

    found = _json(
        _cli(
            runner, root, "list", "--disease", "lupus", "--region", "Hauts-de-France", "-f", "json"
        )
    )
    none = _cli(runner, root, "list", "--disease", "lupus", "--kind", "crc")

    assert [r["id"] for r in found] == ["ccmr-lupus-lille"]
    assert (none.exit_code, none.stdout, none.stderr.strip()) == (0, "", "No centres match.")


def test_cli_unknown_disease_exits_2_with_suggestions(
    runner: CliRunner, make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """A disease nobody covers is a usage error that names the closest ones."""
    root = make_registry(with_diseases)

    result = _cli(runner, root, "list", "--disease", "lupis")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "rarereg: error: no disease matches 'lupis'; did you mean:"
        " Lupus érythémateux systémique (ORPHA:536)?\n"
    )


def test_cli_orpha_and_list_diseases(
    runner: CliRunner, make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """`--orpha` takes either form; `list diseases` counts centres per disease, also as CSV."""
    root = make_registry(with_diseases)

    by_code = _json(_cli(runner, root, "list", "--orpha", "ORPHA:80", "-f", "json"))
    table = list(
        csv.DictReader(io.StringIO(_cli(runner, root, "list", "diseases", "-f", "csv").stdout))
    )

    assert [r["id"] for r in by_code] == ["ccmr-lupus-lille", "lupus", "lupus"]
    assert [(r["key"], r["orpha"], r["centres"]) for r in table] == [
        ("ORPHA:536", "536", "2"),
        ("name:maladies auto immunes rares", "", "2"),
        ("ORPHA:80", "80", "2"),
        ("ORPHA:1199", "1199", "1"),
    ]


def test_cli_show_orpha_and_a_centres_diseases(
    runner: CliRunner, make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """`show ORPHA:536` lists its centres; `show` of a CCMR gives the diseases it inherits."""
    root = make_registry(with_diseases)

    disease = _json(_cli(runner, root, "show", "orpha:536", "-f", "json"))
    ccmr = _json(_cli(runner, root, "show", "ccmr-lupus-lille", "-f", "json"))
    crmr = _json(_cli(runner, root, "show", "lupus", "-f", "json"))
    missing = _cli(runner, root, "show", "ORPHA:999")

    assert [c["id"] for c in disease["centres"]] == ["ccmr-lupus-lille", "lupus"]
    assert ccmr["diseases_from"] == "lupus"
    assert ccmr["diseases"][0] == {
        "name": "Lupus érythémateux systémique",
        "orpha": 536,
        "synonyms": ["LES"],
        "age_group": "both",
    }
    assert crmr["diseases"][0]["orpha"] == 536
    assert "diseases_from" not in crmr
    assert missing.exit_code == 2
    assert "no centre in the registry gives ORPHA:999" in missing.stderr


def test_cli_show_disease_as_a_table(
    runner: CliRunner, make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """The table view names the disease and each centre."""
    root = make_registry(with_diseases)

    result = _cli(runner, root, "show", "ORPHA:1199")

    assert result.exit_code == 0, result.output
    assert "Atrésie de l'œsophage" in result.stdout
    assert "cracmo" in result.stdout


def test_cli_report_by_disease(
    runner: CliRunner, make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """`report --by disease` counts centres per disease group, as JSON and CSV."""
    root = make_registry(with_diseases)

    data = _json(_cli(runner, root, "report", "--by", "disease", "-f", "json"))
    rows_csv = list(
        csv.DictReader(
            io.StringIO(_cli(runner, root, "report", "--by", "disease", "-f", "csv").stdout)
        )
    )

    assert [(r["key"], r["centres"]) for r in data["disease"]] == [
        ("ORPHA:536", 2),
        ("ORPHA:80", 2),
        ("name:maladies auto immunes rares", 2),
        ("ORPHA:1199", 1),
    ]
    assert [r["key"] for r in rows_csv] == [r["key"] for r in data["disease"]]


def test_cli_a_bad_orphacode_is_a_schema_error(
    runner: CliRunner, make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """ORPHA:0, a word or a negative number is refused by the schema, never a crash."""
    with_diseases["centres"]["cracmo"]["diseases"] = [
        {"name": "A", "orpha": "ORPHA:0"},
        {"name": "B", "orpha": -3},
        {"name": "C", "orpha": "lupus"},
    ]
    root = make_registry(with_diseases)

    result = run(runner, "--no-cache", "validate", "--registry", root, "-f", "json")

    found = [(f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert result.exit_code == 1
    assert found == [(13, "schema"), (15, "schema"), (17, "schema")]


def test_python_api_asks_by_disease_and_code(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """`rarereg.centres(disease=…, orpha=…)` answers as `list --disease` and `--orpha` do."""
    import datetime as dt

    import rarereg

    reg = rarereg.load(make_registry(with_diseases))

    by_name = rarereg.centres(reg, disease="lupus", as_of=dt.date(2025, 6, 1))
    by_code = rarereg.centres(reg, orpha=1199, as_of=dt.date(2025, 6, 1))

    assert [r["id"] for r in by_name] == ["ccmr-lupus-lille", "lupus", "lupus"]
    assert [r["id"] for r in by_code] == ["cracmo"]


def test_list_diseases_search_names_diseases(
    make_registry: Callable[..., Path], with_diseases: Data
) -> None:
    """`list diseases --search` matches disease names and synonyms, not the centres' names."""
    reg = _registry(make_registry, with_diseases)

    rows = query.list_rows(reg, "diseases", Filters(search="érythémateux"))

    assert [r["key"] for r in rows] == ["ORPHA:536"]


def test_disease_row_keys_are_one_list() -> None:
    """Query's disease columns and diseases' own are the same keys in the same order."""
    from rarereg import diseases, query

    assert query.COLUMNS["diseases"] == diseases.DISEASE_COLUMNS
