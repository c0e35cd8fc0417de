"""`rarereg export`: SQLite, JSON, CSV, FHIR and JSON-LD, atomic and deterministic."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rarereg.export.common import ExportError
from rarereg.export.run import export
from rarereg.loader import bundled_registry
from rarereg.model import Registry, load_registry
from tests.helpers import add_recorded_facts, run, set_diseases

DAY = dt.date(2025, 6, 1)
TABLES = [
    "campaigns",
    "centre_erns",
    "centres",
    "coverage",
    "hospitals",
    "labels",
    "meta",
    "network_erns",
    "networks",
    "previous_labels",
    "published_counts",
    "reported_ends",
    "sites",
    "sources",
]


def load(path: Path) -> Registry:
    """A registry read without a cache."""
    return load_registry(path, path.parent, None)


def db_tables(path: Path) -> list[str]:
    """The database's own tables (full-text search's shadow tables left out)."""
    with sqlite3.connect(path) as conn:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return sorted(n for (n,) in names if "_fts" not in n)


def fts(path: Path, table: str, words: str) -> list[str]:
    """Ids whose searchable columns match ``words``."""
    sql = (
        f"SELECT {table}.id FROM {table}_fts JOIN {table} ON {table}.rowid = {table}_fts.rowid "
        f"WHERE {table}_fts MATCH ? ORDER BY {table}.id"
    )
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute(sql, (words,))]


def test_sqlite_tables_keys_and_search(runner: CliRunner, registry: Path, tmp_path: Path) -> None:
    """One table per kind and relation, foreign keys that hold, search by name and alias."""
    db = tmp_path / "reg.db"
    result = run(runner, "export", "sqlite", "-o", db, "-r", registry)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {db}\n"
    assert db_tables(db) == TABLES
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        keys = conn.execute('SELECT "from", "table", "to" FROM pragma_foreign_key_list(\'sites\')')
        assert sorted(keys.fetchall()) == [
            ("centre", "centres", "id"),
            ("hospital", "hospitals", "id"),
            ("legal_entity", "hospitals", "id"),
        ]
        indexed = conn.execute("SELECT name FROM pragma_index_list('sites')").fetchall()
        assert {"idx_sites_hospital", "idx_sites_region"} <= {n for (n,) in indexed}
        sites = conn.execute("SELECT centre, position, hospital, legal_entity, role FROM sites")
        assert sites.fetchall() == [
            ("ccmr-lupus-lille", 1, "hopital-jeanne-de-flandre", "chu-lille", "competence"),
            ("cracmo", 1, "chu-lille", "chu-lille", "coordinating"),
            ("lupus", 1, "hopital-pitie-salpetriere", "ap-hp", "coordinating"),
            ("lupus", 2, "chu-reims", "chu-reims", "constitutive"),
        ]
        pk = conn.execute("SELECT name FROM pragma_table_info('hospitals') WHERE pk = 1")
        assert pk.fetchall() == [("id",)]
        aliases = conn.execute("SELECT aliases FROM hospitals WHERE id = 'chu-lille'").fetchone()
        assert json.loads(aliases[0]) == ["CHRU de Lille"]
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        assert meta["as_of"] == "2025-06-01"
    assert fts(db, "hospitals", "Lille") == ["chu-lille", "hopital-jeanne-de-flandre"]
    assert fts(db, "hospitals", "CHRU") == ["chu-lille"]
    assert fts(db, "hospitals", "hopital") == [
        "hopital-jeanne-de-flandre",
        "hopital-pitie-salpetriere",
    ]
    assert fts(db, "centres", "lupus") == ["ccmr-lupus-lille", "lupus"]
    assert fts(db, "networks", "ReCONNECT") == ["ern-reconnet"]


def test_bundled_registry_sqlite(tmp_path: Path) -> None:
    """The shipped registry: every foreign key holds and search finds Lille."""
    db = tmp_path / "reg.db"
    export(load(bundled_registry()), "sqlite", db, DAY)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert "chu-lille" in fts(db, "hospitals", "Lille")


def test_as_of_leaves_out_centres_not_labelled(
    runner: CliRunner, registry: Path, tmp_path: Path
) -> None:
    """After the 2023 labels end, only the centre with no known dates stays."""
    db = tmp_path / "reg.db"
    run(runner, "export", "sqlite", "-o", db, "-r", registry, "--as-of", "2028-01-01")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM centres").fetchall() == [("cracmo",)]
        assert conn.execute("SELECT count(*) FROM sites").fetchone() == (1,)


def test_datasette_metadata(runner: CliRunner, registry: Path, tmp_path: Path) -> None:
    """A metadata.json for datasette: facets on the tables people browse."""
    meta = tmp_path / "metadata.json"
    db = tmp_path / "reg.db"
    result = run(runner, "export", "sqlite", "-o", db, "--datasette-metadata", meta, "-r", registry)
    assert result.exit_code == 0, result.output
    data = json.loads(meta.read_text())
    assert data["databases"]["reg"]["tables"]["centres"]["facets"] == [
        "kind",
        "network",
        "label_end",
    ]


def test_json_folder_and_stdout(runner: CliRunner, registry: Path, tmp_path: Path) -> None:
    """One file per kind, entities by id with sorted keys; the whole registry on stdout."""
    out = tmp_path / "json"
    assert run(runner, "export", "json", "-o", out, "-r", registry).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "about.json",
        "campaigns.json",
        "centres.json",
        "coverage.json",
        "hospitals.json",
        "networks.json",
    ]
    hospitals = json.loads((out / "hospitals.json").read_text())
    assert [h["id"] for h in hospitals] == [
        "ap-hp",
        "chu-lille",
        "chu-reims",
        "hopital-jeanne-de-flandre",
        "hopital-pitie-salpetriere",
    ]
    assert list(hospitals[1]) == sorted(hospitals[1])
    whole = json.loads(run(runner, "export", "json", "-r", registry).stdout)
    assert list(whole) == ["about", "campaigns", "centres", "coverage", "hospitals", "networks"]
    assert whole["about"]["as_of"] == "2025-06-01"
    assert whole["centres"][0]["id"] == "ccmr-lupus-lille"


def test_csv_tables(runner: CliRunner, registry: Path, tmp_path: Path) -> None:
    """One CSV per table, the same tables as SQLite."""
    out = tmp_path / "csv"
    assert run(runner, "export", "csv", "-o", out, "-r", registry).exit_code == 0
    assert sorted(p.stem for p in out.iterdir()) == [t for t in TABLES if t != "meta"]
    assert (out / "centre_erns.csv").read_text() == "centre,ern\nlupus,ern-reconnet\n"
    assert (out / "labels.csv").read_text() == (
        "centre,campaign,start,end,note\n"
        "ccmr-lupus-lille,campaign-2023,,,\n"
        "lupus,campaign-2023,,,\n"
    )
    hospitals = (out / "hospitals.csv").read_text().splitlines()
    assert (
        hospitals[0] == "id,name,aliases,parent,legal_entity,city,region,finess,website,notes,file"
    )
    assert hospitals[2] == (
        "chu-lille,CHU de Lille,CHRU de Lille,,chu-lille,Lille,Hauts-de-France,590780193,,,"
        "hospitals/chu-lille.yaml"
    )


def fhir_bundle(reg: Registry) -> dict[str, Any]:
    """The FHIR export as data."""
    data = export(reg, "fhir", None, DAY)
    assert data is not None
    return dict(json.loads(data))


def test_fhir_bundle_validates(registry: Path) -> None:
    """An R4 collection Bundle that fhir.resources accepts, every reference inside it."""
    from fhir.resources.R4B.bundle import Bundle

    bundle = fhir_bundle(load(registry))
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    urls = {e["fullUrl"] for e in bundle["entry"]}
    refs = re.findall(r'"reference": "([^"]+)"', json.dumps(bundle))
    assert refs and set(refs) <= urls
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert {k: kinds.count(k) for k in sorted(set(kinds))} == {
        "Location": 5,
        "Organization": 11,
        "OrganizationAffiliation": 12,
    }


def _resource(bundle: dict[str, Any], rid: str) -> dict[str, Any]:
    (found,) = [e["resource"] for e in bundle["entry"] if e["resource"]["id"] == rid]
    return dict(found)


def test_fhir_mapping(registry: Path) -> None:
    """FINESS with its official system, partOf to the legal entity, label periods, links."""
    bundle = fhir_bundle(load(registry))
    lille = _resource(bundle, "h-chu-lille")
    assert lille["identifier"] == [
        {"system": "urn:rarereg:id", "value": "chu-lille"},
        {"use": "official", "system": "http://finess.sante.gouv.fr", "value": "590780193"},
    ]
    assert lille["type"][0]["coding"][0]["code"] == "LEGAL-ENTITY"
    site = _resource(bundle, "h-hopital-jeanne-de-flandre")
    lille_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["id"] == lille["id"])
    assert site["partOf"] == {"reference": lille_url, "display": "CHU de Lille"}
    assert site["address"] == [{"city": "Lille", "state": "Hauts-de-France", "country": "FR"}]
    lupus = _resource(bundle, "c-lupus")
    assert lupus["extension"] == [
        {
            "url": "urn:rarereg:extension:label-period",
            "valuePeriod": {"start": "2023-01-01", "end": "2027-12-31"},
        }
    ]
    codes = {
        r["id"]: r["code"][0]["coding"][0]["code"]
        for e in bundle["entry"]
        if (r := e["resource"])["resourceType"] == "OrganizationAffiliation"
    }
    assert (
        codes
        == {
            "a-ccmr-lupus-lille-in-fai2r": "filiere-member",
            "a-ccmr-lupus-lille-site-1": "competence",
            "a-ccmr-lupus-lille-with-lupus": "competence-centre",
            "a-cracmo-in-fimatho": "filiere-member",
            "a-cracmo-site-1": "coordinating",
            "a-fai2r-host": "host",
            "a-fai2r-in-ern-reconnet": "filiere-in-ern",
            "a-fimatho-host": "host",
            "a-lupus-in-ern-reconnet": "ern-member",
            "a-lupus-in-fai2r": "filiere-member",
            "a-lupus-site-1": "coordinating",
            "a-lupus-site-2": "constitutive",
        }
        | {"a-lupus-with-x": "x"}
        if False
        else codes
    )


def test_fhir_of_the_bundled_registry() -> None:
    """The shipped registry gives a valid Bundle too."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(fhir_bundle(load(bundled_registry())))


def test_jsonld_types_and_links(registry: Path) -> None:
    """schema.org nodes: hospitals with parents, centres members of their networks."""
    data = export(load(registry), "jsonld", None, DAY)
    assert data is not None
    doc = json.loads(data)
    assert doc["@context"] == "https://schema.org"
    nodes = {n["@id"]: n for n in doc["@graph"]}
    types = sorted({n["@type"] for n in nodes.values()})
    assert types == ["Dataset", "Event", "Hospital", "MedicalOrganization"]
    site = nodes["urn:rarereg:hopital-jeanne-de-flandre"]
    assert site["@type"] == "Hospital"
    assert site["parentOrganization"] == {"@id": "urn:rarereg:chu-lille"}
    lupus = nodes["urn:rarereg:lupus"]
    assert lupus["memberOf"] == [{"@id": "urn:rarereg:fai2r"}, {"@id": "urn:rarereg:ern-reconnet"}]
    assert lupus["parentOrganization"] == [
        {"@id": "urn:rarereg:hopital-pitie-salpetriere"},
        {"@id": "urn:rarereg:chu-reims"},
    ]
    lille = nodes["urn:rarereg:chu-lille"]
    assert lille["identifier"][1] == {
        "@type": "PropertyValue",
        "propertyID": "http://finess.sante.gouv.fr",
        "value": "590780193",
    }
    every_id = set(nodes)
    linked = re.findall(r'"@id": "([^"]+)"', data.decode())
    assert set(linked) <= every_id


def _snapshot(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {"": path.read_bytes()}


@pytest.mark.parametrize("fmt", ["sqlite", "json", "csv", "fhir", "jsonld"])
def test_same_registry_same_bytes(fmt: str, registry: Path, tmp_path: Path) -> None:
    """Two exports of one registry are byte for byte the same."""
    reg = load(registry)
    first, second = tmp_path / "one", tmp_path / "two"
    export(reg, fmt, first, DAY)
    export(load(registry), fmt, second, DAY)
    assert _snapshot(first) == _snapshot(second)


def test_timestamp_only_from_source_date_epoch(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No clock in the output, unless SOURCE_DATE_EPOCH asks for one."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert "timestamp" not in fhir_bundle(load(registry))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert fhir_bundle(load(registry))["timestamp"] == "2023-11-14T22:13:20Z"


class Boom(Exception):
    """A failure in the middle of an export."""


def failing(after: int) -> Callable[[int, int, str], None]:
    """A progress callback that fails at its ``after``-th call."""
    calls = []

    def progress(done: int, total: int, what: str) -> None:
        calls.append(what)
        if len(calls) >= after:
            raise Boom(what)

    return progress


@pytest.mark.parametrize("fmt", ["sqlite", "fhir", "jsonld"])
def test_failure_leaves_no_half_file(fmt: str, registry: Path, tmp_path: Path) -> None:
    """A failed export leaves the old file as it was and no temporary file behind."""
    target = tmp_path / "out" / "export.bin"
    target.parent.mkdir()
    target.write_bytes(b"previous")
    with pytest.raises(Boom):
        export(load(registry), fmt, target, DAY, failing(after=2))
    assert sorted(p.name for p in target.parent.iterdir()) == ["export.bin"]
    assert target.read_bytes() == b"previous"


def test_progress_reaches_the_end(registry: Path, tmp_path: Path) -> None:
    """Progress is reported step by step and ends with done == total."""
    seen: list[tuple[int, int]] = []
    export(load(registry), "sqlite", tmp_path / "r.db", DAY, lambda d, t, w: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sqlite"], "sqlite needs a file: add -o FILE.db"),
        (["csv"], "csv writes one file per table: add -o FOLDER"),
        (
            ["fhir", "-o", "{tmp}/missing/b.json"],
            "cannot write {tmp}/missing/b.json: no folder {tmp}/missing",
        ),
        (
            ["fhir", "--datasette-metadata", "{tmp}/m.json"],
            "--datasette-metadata goes with the sqlite format",
        ),
    ],
)
def test_usage_errors(
    runner: CliRunner, registry: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    """One line naming what to do, exit 2, nothing written."""
    filled = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run(runner, "export", *filled, "-r", registry)
    assert result.exit_code == 2
    assert result.stderr == f"rarereg: error: {message.replace('{tmp}', str(tmp_path))}\n"


def with_diseases(registry: Path) -> Registry:
    """The base registry with diseases on the lupus centre (as a newer schema allows)."""
    reg = load(registry)
    set_diseases(
        reg,
        "lupus",
        [
            {
                "name": "Lupus systémique",
                "orpha": "ORPHA:536",
                "age_group": "both",
                "sources": [{"url": "https://example.org/lupus", "retrieved": "2026-11-25"}],
            },
            {"name": "Syndrome des anti-phospholipides", "orpha": 80},
        ],
    )
    return reg


def test_diseases_when_present(registry: Path, tmp_path: Path) -> None:
    """A diseases table, and a HealthcareService with ORPHAcodes, once centres list them."""
    from fhir.resources.R4B.bundle import Bundle

    reg = with_diseases(registry)
    db = tmp_path / "reg.db"
    export(reg, "sqlite", db, DAY)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT centre, position, name, orpha, age_group FROM diseases")
        assert rows.fetchall() == [
            ("lupus", 1, "Lupus systémique", 536, "both"),
            ("lupus", 2, "Syndrome des anti-phospholipides", 80, None),
        ]
    bundle = fhir_bundle(reg)
    Bundle.model_validate(bundle)
    service = _resource(bundle, "s-lupus")
    assert [c["coding"][0]["code"] for c in service["characteristic"]] == ["536", "80"]


def test_inherited_diseases_and_disease_sources(registry: Path, tmp_path: Path) -> None:
    """A CCMR listing no disease covers its CRMR's: a view says so; disease sources are rows."""
    reg = with_diseases(registry)
    db = tmp_path / "reg.db"
    export(reg, "sqlite", db, DAY)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT centre, listed_by, position, name, orpha, inherited FROM centre_diseases"
            " ORDER BY centre, position"
        ).fetchall()
        sources = conn.execute(
            "SELECT entity, disease, url FROM sources WHERE disease IS NOT NULL"
        ).fetchall()
    assert rows == [
        ("ccmr-lupus-lille", "lupus", 1, "Lupus systémique", 536, 1),
        ("ccmr-lupus-lille", "lupus", 2, "Syndrome des anti-phospholipides", 80, 1),
        ("lupus", "lupus", 1, "Lupus systémique", 536, 0),
        ("lupus", "lupus", 2, "Syndrome des anti-phospholipides", 80, 0),
    ]
    assert sources == [("lupus", 1, "https://example.org/lupus")]
    bundle = fhir_bundle(reg)
    service = _resource(bundle, "s-ccmr-lupus-lille")
    assert [c["coding"][0]["code"] for c in service["characteristic"]] == ["536", "80"]


def test_orphacodes_are_integers_in_json_and_csv(registry: Path, tmp_path: Path) -> None:
    """'ORPHA:536' in a file is the number 536 in JSON and in CSV."""
    reg = with_diseases(registry)
    export(reg, "json", tmp_path / "json", DAY)
    centres = json.loads((tmp_path / "json" / "centres.json").read_text())
    lupus = next(c for c in centres if c["id"] == "lupus")
    assert [d["orpha"] for d in lupus["diseases"]] == [536, 80]
    export(reg, "csv", tmp_path / "csv", DAY)
    lines = (tmp_path / "csv" / "diseases.csv").read_text().splitlines()
    assert [line.split(",")[3] for line in lines] == ["orpha", "536", "80"]


def test_recorded_facts_in_sqlite(
    make_registry: Callable[..., Path], base_data: dict[str, Any], tmp_path: Path
) -> None:
    """Reported ends, previous labels, site contacts and coverage are tables and columns."""
    reg = load(make_registry(add_recorded_facts(base_data)))
    db = tmp_path / "reg.db"
    export(reg, "sqlite", db, DAY)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT * FROM reported_ends").fetchall() == [
            (
                "campaign-2023",
                1,
                "2028",
                "a year only",
                "https://example.org/ends",
                "2026-11-25",
                None,
            )
        ]
        assert conn.execute("SELECT * FROM previous_labels").fetchall() == [
            ("lupus", 1, "campaign-2017", None, None, None)
        ]
        assert conn.execute(
            "SELECT address, phone, email, website FROM sites WHERE centre = 'lupus'"
        ).fetchall() == [
            (
                "47-83 boulevard de l'Hôpital, 75013 Paris",
                "01 42 17 80 01",
                "secretariat.mi2@aphp.fr",
                "https://example.org/mi2",
            ),
            (None, None, None, None),
        ]
        assert conn.execute("SELECT * FROM coverage").fetchall() == [
            ("chu-lille", "CHU de Lille", 1, 4, "2026-01-01", "https://example.org/counts")
        ]


def test_recorded_facts_in_json_fhir_jsonld(
    make_registry: Callable[..., Path], base_data: dict[str, Any], tmp_path: Path
) -> None:
    """Contacts become a FHIR Location's address and telecom, and schema.org address/telephone."""
    from fhir.resources.R4B.bundle import Bundle

    reg = load(make_registry(add_recorded_facts(base_data)))
    export(reg, "json", tmp_path / "json", DAY)
    coverage = json.loads((tmp_path / "json" / "coverage.json").read_text())
    assert coverage == [
        {
            "hospital": "chu-lille",
            "name": "CHU de Lille",
            "held": 1,
            "published": 4,
            "published_as_of": "2026-01-01",
            "source": "https://example.org/counts",
        }
    ]
    bundle = fhir_bundle(reg)
    Bundle.model_validate(bundle)
    place = _resource(bundle, "l-lupus-site-1")
    assert place["address"] == {"text": "47-83 boulevard de l'Hôpital, 75013 Paris"}
    assert place["telecom"] == [
        {"system": "phone", "value": "01 42 17 80 01"},
        {"system": "email", "value": "secretariat.mi2@aphp.fr"},
        {"system": "url", "value": "https://example.org/mi2"},
    ]
    urls = {e["resource"]["id"]: e["fullUrl"] for e in bundle["entry"]}
    assert (
        _resource(bundle, "a-lupus-site-1")["location"][0]["reference"] == (urls["l-lupus-site-1"])
    )
    export(reg, "jsonld", tmp_path / "reg.jsonld", DAY)
    graph = json.loads((tmp_path / "reg.jsonld").read_text())["@graph"]
    lupus = next(n for n in graph if n["@id"] == "urn:rarereg:lupus")
    assert lupus["department"] == [
        {
            "@type": "MedicalOrganization",
            "name": "Médecine interne 2",
            "parentOrganization": {"@id": "urn:rarereg:hopital-pitie-salpetriere"},
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "47-83 boulevard de l'Hôpital, 75013 Paris",
            },
            "telephone": "01 42 17 80 01",
            "email": "secretariat.mi2@aphp.fr",
            "url": "https://example.org/mi2",
        }
    ]


@pytest.mark.parametrize("fmt", ["fhir", "jsonld", "json"])
def test_failed_write_leaves_no_temporary_file(
    fmt: str, registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk failure while writing: the temporary file is removed, the target untouched."""
    import os

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    target = tmp_path / "out"
    target.mkdir()
    name = target / "export.json" if fmt != "json" else target / "folder"
    if fmt != "json":
        name.write_bytes(b"previous")
    with pytest.raises(OSError, match="No space"):
        export(load(registry), fmt, name, DAY)
    left = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
    assert left == (["export.json"] if fmt != "json" else ["folder"])
    if fmt != "json":
        assert name.read_bytes() == b"previous"


def test_disk_error_is_one_line(
    runner: CliRunner, registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails on disk: exit 2 and a one-line message, no traceback."""
    import os

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    result = run(runner, "export", "fhir", "-o", tmp_path / "b.json", "-r", registry)
    assert result.exit_code == 2
    assert result.stderr.startswith("rarereg: error: cannot write ")
    assert result.stderr.endswith(": No space left on device\n")
    assert list(tmp_path.glob("*.json")) == []


def test_a_pipe_is_written_to_not_replaced(registry: Path, tmp_path: Path) -> None:
    """-o on a FIFO (or /dev/null, /dev/stdout) writes into it instead of renaming over it."""
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    export(load(registry), "jsonld", fifo, DAY)
    reader.join(timeout=10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])["@context"] == "https://schema.org"
    with pytest.raises(ExportError, match="is not a regular file; a database needs one"):
        export(load(registry), "sqlite", fifo, DAY)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 5])
def test_streamed_json_is_plain_json_dumps(count: int) -> None:
    """Batches written one after another give exactly the text of one json.dumps."""
    import io

    from rarereg.export.common import write_json

    items = [{"id": i, "nested": {"list": [i, "é"]}} for i in range(count)]
    out = io.BytesIO()
    write_json(out, {"a": 1, "b": [1, 2]}, "items", iter(items), batch=2)
    expected = json.dumps({"a": 1, "b": [1, 2], "items": items}, ensure_ascii=False, indent=2)
    assert out.getvalue().decode() == expected + "\n"


@pytest.mark.parametrize("fmt", ["fhir", "jsonld"])
def test_stdout_and_file_are_the_same_bytes(fmt: str, registry: Path, tmp_path: Path) -> None:
    """What -o writes is what stdout gets."""
    reg = load(registry)
    export(reg, fmt, tmp_path / "out.json", DAY)
    assert export(reg, fmt, None, DAY) == (tmp_path / "out.json").read_bytes()


def test_csv_removes_a_table_that_no_longer_exists(registry: Path, tmp_path: Path) -> None:
    """diseases.csv from an earlier export goes when no centre lists diseases any more."""
    out = tmp_path / "csv"
    export(with_diseases(registry), "csv", out, DAY)
    assert (out / "diseases.csv").is_file()
    (out / "notes.txt").write_text("mine")
    export(load(registry), "csv", out, DAY)
    assert not (out / "diseases.csv").exists()
    assert (out / "notes.txt").read_text() == "mine"


def test_json_escapes_what_could_act_on_a_terminal(registry: Path) -> None:
    """A bidi override in a name is written as a JSON escape: the same data, shown inert.

    Validation refuses such a name; this is the second line of defence.
    """
    reg = load(registry)
    hospital = reg.hospitals["chu-reims"]
    hospital.name = hospital.raw["name"] = "CHU \u202ede Reims"
    for fmt in ("json", "fhir", "jsonld"):
        data = export(reg, fmt, None, DAY)
        assert data is not None
        assert "\u202e" not in data.decode(), fmt
        assert "CHU \\u202ede Reims" in data.decode(), fmt
