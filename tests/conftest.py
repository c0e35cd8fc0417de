"""Shared fixtures: a small valid registry written into a temporary folder, and a CLI runner."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

SRC = [{"document": "page.txt"}]

BASE: dict[str, dict[str, dict[str, Any]]] = {
    "hospitals": {
        "chu-lille": {
            "id": "chu-lille",
            "name": "CHU de Lille",
            "aliases": ["CHRU de Lille"],
            "city": "Lille",
            "region": "Hauts-de-France",
            "finess": "590780193",
            "sources": SRC,
        },
        "hopital-jeanne-de-flandre": {
            "id": "hopital-jeanne-de-flandre",
            "name": "Hôpital Jeanne de Flandre",
            "parent": "chu-lille",
            "sources": SRC,
        },
        "ap-hp": {
            "id": "ap-hp",
            "name": "Assistance Publique - Hôpitaux de Paris",
            "aliases": ["AP-HP"],
            "city": "Paris",
            "region": "Île-de-France",
            "sources": SRC,
        },
        "hopital-pitie-salpetriere": {
            "id": "hopital-pitie-salpetriere",
            "name": "Hôpital Pitié-Salpêtrière",
            "parent": "ap-hp",
            "sources": SRC,
        },
        "chu-reims": {
            "id": "chu-reims",
            "name": "CHU de Reims",
            "city": "Reims",
            "region": "Grand Est",
            "sources": SRC,
        },
    },
    "networks": {
        "fai2r": {
            "id": "fai2r",
            "name": "Filière des maladies auto-immunes et auto-inflammatoires rares",
            "kind": "fsmr",
            "acronym": "FAI2R",
            "host": "chu-lille",
            "erns": ["ern-reconnet"],
            "sources": SRC,
        },
        "fimatho": {
            "id": "fimatho",
            "name": "Filière de santé des maladies rares abdomino-thoraciques",
            "kind": "fsmr",
            "acronym": "FIMATHO",
            "host": "chu-lille",
            "sources": SRC,
        },
        "ern-reconnet": {
            "id": "ern-reconnet",
            "name": "European Reference Network on Rare and "
            "Complex Connective Tissue and Musculoskeletal Diseases",
            "kind": "ern",
            "acronym": "ERN ReCONNET",
            "aliases": ["ERN ReCONNECT"],
            "sources": SRC,
        },
    },
    "campaigns": {
        "campaign-2023": {
            "id": "campaign-2023",
            "name": "Labellisation 2023",
            "start": "2023-01-01",
            "end": "2027-12-31",
            "sources": SRC,
        },
    },
    "centres": {
        "lupus": {
            "id": "lupus",
            "name": "Centre de référence du lupus",
            "kind": "crmr",
            "network": "fai2r",
            "erns": ["ern-reconnet"],
            "label": {"campaign": "campaign-2023"},
            "sites": [
                {
                    "hospital": "hopital-pitie-salpetriere",
                    "role": "coordinating",
                    "department": "Médecine interne 2",
                    "lead": "Pr Zahir Amoura",
                },
                {"hospital": "chu-reims", "role": "constitutive"},
            ],
            "sources": SRC,
        },
        "ccmr-lupus-lille": {
            "id": "ccmr-lupus-lille",
            "name": "Centre de compétence lupus",
            "kind": "ccmr",
            "network": "fai2r",
            "reference_centre": "lupus",
            "label": {"campaign": "campaign-2023"},
            "sites": [{"hospital": "hopital-jeanne-de-flandre", "role": "competence"}],
            "sources": SRC,
        },
        "cracmo": {
            "id": "cracmo",
            "name": "Centre de Référence des Affections Chroniques et Malformatives de l'Œsophage",
            "acronym": "CRACMO",
            "kind": "crmr",
            "network": "fimatho",
            "sites": [{"hospital": "chu-lille", "role": "coordinating"}],
            "sources": SRC,
        },
    },
}


def write_registry(root: Path, data: dict[str, dict[str, dict[str, Any]]]) -> Path:
    """Write one YAML file per entity, and the cited source document."""
    for folder, entities in data.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name, content in entities.items():
            text = yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
            (root / folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "page.txt").write_text("source page\n", encoding="utf-8")
    return root


TODAY = "2025-06-01"
"""The date every test runs on, so results do not change with the calendar."""


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin rarereg's idea of today."""
    import datetime as dt

    from rarereg import labels

    monkeypatch.setattr(labels, "today", lambda: dt.date.fromisoformat(TODAY))


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets its own cache folder, never the user's."""
    monkeypatch.setenv("RAREREG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def base_data() -> dict[str, dict[str, dict[str, Any]]]:
    """A deep copy of the base registry content, to change in a test."""
    return copy.deepcopy(BASE)


@pytest.fixture
def make_registry(tmp_path: Path) -> Callable[..., Path]:
    """Build a registry folder from data (the base registry by default)."""

    def build(data: dict[str, dict[str, dict[str, Any]]] | None = None) -> Path:
        return write_registry(tmp_path / "registry", data if data is not None else BASE)

    return build


@pytest.fixture
def registry(make_registry: Callable[..., Path]) -> Path:
    """The base registry, valid."""
    return make_registry()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files parsed (not taken from the cache) during a test."""
    from rarereg import loader

    seen: list[str] = []
    real = loader.entry_from_bytes

    def counting(
        kind: str, stem: str, shown: str, raw: bytes, source: str | None = None
    ) -> loader.Entry:
        seen.append(stem)
        return real(kind, stem, shown, raw, source)

    monkeypatch.setattr(loader, "entry_from_bytes", counting)
    return seen


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner with no registry in the environment."""
    monkeypatch.delenv("RAREREG_REGISTRY", raising=False)
    return CliRunner()
