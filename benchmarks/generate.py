"""Generate a realistic synthetic registry of any size, deterministic from a seed.

Proportions follow France's network: about one CRMR (1-4 sites) for five CCMR attached to it,
a few CRC and platforms, hospitals as legal entities with geographic sites, the 23 FSMR and 24
ERN, two campaigns. The content is invented on purpose (it is test data, never registry data):
names say "Synthetic".

    python benchmarks/generate.py OUT_DIR --files 2000 --seed 1
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

from rarereg.query import regions_of_schema

SOURCE = [{"document": "synthetic.txt"}]


def _luhn_finess(rng: random.Random, taken: set[str]) -> str:
    payload = f"{rng.randint(10, 95):02d}{rng.randint(0, 999999):06d}"
    while payload in taken:
        payload = f"{rng.randint(10, 95):02d}{rng.randint(0, 999999):06d}"
    taken.add(payload)
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return payload + str((10 - total % 10) % 10)


def _dump(path: Path, data: dict[str, object]) -> None:
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )


def generate(out: Path, files: int, seed: int) -> None:
    """Write about ``files`` registry files under ``out``."""
    rng = random.Random(seed)
    for folder in ("hospitals", "networks", "campaigns", "centres", "sources"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    (out / "sources" / "synthetic.txt").write_text("synthetic test data\n")
    for year, start, end in (
        ("2017", "2017-08-08", "2022-12-31"),
        ("2023", "2023-01-01", "2027-12-31"),
    ):
        _dump(
            out / "campaigns" / f"campaign-{year}.yaml",
            {
                "id": f"campaign-{year}",
                "name": f"Synthetic campaign {year}",
                "start": start,
                "end": end,
                "notes": "Synthetic.",
                "sources": SOURCE,
            },
        )
    erns = [f"ern-{i}" for i in range(24)]
    for ern in erns:
        _dump(
            out / "networks" / f"{ern}.yaml",
            {
                "id": ern,
                "name": f"Synthetic ERN {ern}",
                "kind": "ern",
                "acronym": ern.upper(),
                "sources": SOURCE,
            },
        )
    budget = max(files - 2 - 24 - 23, 10)
    n_hospitals = max(budget // 12, 4)
    legal = max(n_hospitals // 4, 2)
    hospitals = []
    taken: set[str] = set()
    for i in range(n_hospitals):
        hid = f"hospital-{i}"
        data: dict[str, object] = {
            "id": hid,
            "name": f"Synthetic Hospital {i}",
            "aliases": [f"SH {i}"],
            "finess": _luhn_finess(rng, taken),
        }
        if i < legal:
            data.update(city=f"City {i}", region=rng.choice(regions_of_schema()))
        else:
            data["parent"] = f"hospital-{rng.randrange(legal)}"
        data["sources"] = SOURCE
        _dump(out / "hospitals" / f"{hid}.yaml", data)
        hospitals.append(hid)
    filieres = [f"fsmr-{i}" for i in range(23)]
    for i, fid in enumerate(filieres):
        _dump(
            out / "networks" / f"{fid}.yaml",
            {
                "id": fid,
                "name": f"Synthetic filière {i}",
                "kind": "fsmr",
                "acronym": f"F{i}",
                "host": rng.choice(hospitals),
                "erns": rng.sample(erns, 2),
                "sources": SOURCE,
            },
        )
    centres = budget - n_hospitals
    n_crmr = max(centres // 6, 1)
    crmrs = []
    for i in range(n_crmr):
        cid = f"crmr-{i}"
        sites = rng.sample(hospitals, min(rng.randint(1, 4), len(hospitals)))
        _dump(
            out / "centres" / f"{cid}.yaml",
            {
                "id": cid,
                "name": f"Synthetic reference centre {i}",
                "kind": "crmr",
                "network": rng.choice(filieres),
                "erns": [rng.choice(erns)],
                "label": {"campaign": "campaign-2023"},
                "sites": [
                    {
                        "hospital": h,
                        "role": "coordinating" if j == 0 else "constitutive",
                        "department": f"Department {rng.randint(1, 40)}",
                        "lead": f"Dr Synthetic {rng.randint(1, 999)}",
                    }
                    for j, h in enumerate(sites)
                ],
                "sources": SOURCE,
            },
        )
        crmrs.append(cid)
    for i in range(centres - n_crmr):
        ref = rng.choice(crmrs)
        kind = "ccmr" if i % 40 else rng.choice(["crc", "platform"])
        data = {
            "id": f"{kind}-{i}",
            "name": f"Synthetic {kind} {i}",
            "kind": kind,
            "network": rng.choice(filieres),
            "label": {"campaign": "campaign-2023"},
            "sites": [
                {
                    "hospital": rng.choice(hospitals),
                    "role": "competence",
                    "lead": f"Dr Synthetic {rng.randint(1, 999)}",
                }
            ],
            "sources": SOURCE,
        }
        if kind == "ccmr":
            data["reference_centre"] = ref
        _dump(out / "centres" / f"{kind}-{i}.yaml", data)


def main() -> None:
    """Command line: OUT_DIR --files N --seed S."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.files, args.seed)


if __name__ == "__main__":
    main()
