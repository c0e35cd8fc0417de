"""Benchmark `rarereg export` (every format) and `rarereg site` on synthetic registries.

    python benchmarks/publish.py                    # 2,000 and 20,000 files
    python benchmarks/publish.py --sizes 2000 --repeat 3

Each measurement is a fresh process with a warm cache (the files are parsed once beforehand, as
after a `validate`): median wall time, peak memory, and the size of what was written. Results
are printed as a Markdown table and written into benchmarks/README.md between the PUBLISH
markers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import RAREREG, machine, measure  # noqa: E402

README = HERE / "README.md"
START, END = "<!-- PUBLISH START -->", "<!-- PUBLISH END -->"
JOBS = [
    ("export sqlite", ["export", "sqlite", "-o", "{out}/reg.db"], "reg.db"),
    ("export json", ["export", "json", "-o", "{out}/json"], "json"),
    ("export csv", ["export", "csv", "-o", "{out}/csv"], "csv"),
    ("export fhir", ["export", "fhir", "-o", "{out}/reg.fhir.json"], "reg.fhir.json"),
    ("export jsonld", ["export", "jsonld", "-o", "{out}/reg.jsonld"], "reg.jsonld"),
    ("site", ["site", "{out}/site"], "site"),
]


def size(path: Path) -> int:
    """Bytes in a file, or in every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_size(files: int, repeat: int, work: Path) -> list[str]:
    """Rows of the Markdown table for one registry size."""
    registry = work / f"reg-{files}"
    generate(registry, files, seed=1)
    env = {
        **os.environ,
        "RAREREG_REGISTRY": str(registry),
        "RAREREG_CACHE_DIR": str(work / f"cache-{files}"),
    }
    subprocess.run([*RAREREG, "validate"], env=env, capture_output=True, check=False)
    rows = [f"\n**{files:,} files**\n", "| command | median | peak MiB | written |"]
    rows.append("| --- | --- | --- | --- |")
    for name, args, target in JOBS:
        out = work / f"out-{files}"

        def clean(out: Path = out) -> None:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()

        cmd = [*RAREREG, *(a.format(out=out) for a in args), "--as-of", "2024-01-01"]
        seconds, peak = measure(cmd, repeat, env, work, before=clean)
        written = size(out / target) / 1024 / 1024
        rows.append(f"| rarereg {name} | {seconds:.2f} s | {peak:.0f} | {written:.1f} MiB |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    """Command line: --sizes, --repeat, --no-write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lines = [f"Machine: {machine()}. Median of {args.repeat} runs; peak memory of the process."]
        for files in args.sizes:
            lines += run_size(files, args.repeat, Path(tmp))
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        text = README.read_text(encoding="utf-8")
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        README.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
