"""Benchmark rarereg against the floor (a bare C-loader parse) and check-jsonschema.

    python benchmarks/run.py                       # 2,000, 20,000 and 100,000 files
    python benchmarks/run.py --sizes 2000 --repeat 5

Every measurement is a fresh process: median wall time over --repeat runs and the peak resident
memory of that process (from wait4). Results are printed as a Markdown table and written into
benchmarks/README.md between the RESULTS markers. check-jsonschema is used when installed
(`pip install check-jsonschema`); it is skipped above --cjs-max files, where it takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from generate import generate  # noqa: E402

from rarereg.loader import bundled_registry  # noqa: E402

PY = sys.executable
BIN = Path(sys.executable).parent
RAREREG = [str(BIN / "rarereg")] if (BIN / "rarereg").exists() else [PY, "-m", "rarereg"]
FLOOR = """
import sys, yaml
loader = yaml.CSafeLoader
for name in sys.stdin.read().splitlines():
    with open(name, 'rb') as handle:
        yaml.load(handle.read(), Loader=loader)
"""


def measure(
    cmd: list[str],
    repeat: int,
    env: dict[str, str],
    cwd: Path,
    stdin: str | None = None,
    before: object = None,
) -> tuple[float, float]:
    """Median seconds and peak MiB of a command run ``repeat`` times."""
    times, peaks = [], []
    for _ in range(repeat):
        if callable(before):
            before()
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if stdin is not None:
            proc.stdin.write(stdin.encode())  # type: ignore[union-attr]
        proc.stdin.close()  # type: ignore[union-attr]
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # a crash measures nothing: say so rather than print its time
            raise SystemExit(f"benchmark: {' '.join(cmd)} exited with {code}")
    return statistics.median(times), max(peaks)


def interleaved(
    commands: list[tuple[str, list[str]]], repeat: int, env: dict[str, str], cwd: Path
) -> list[tuple[str, tuple[float, float]]]:
    """Each command's median seconds and peak MiB, the commands taking turns ``repeat`` times.

    Start-up times are compared with ``import typer``'s: taking turns, a change of load on the
    machine weighs on every command alike instead of on whichever ran at that moment.
    """
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in commands}
    for _ in range(repeat):
        for name, cmd in commands:
            runs[name].append(measure(cmd, 1, env, cwd))
    return [
        (
            name,
            (statistics.median(t for t, _ in runs[name]), max(m for _, m in runs[name])),
        )
        for name, _ in commands
    ]


def git(repo: Path, *args: str) -> None:
    """Quiet git."""
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.email=bench@example.org",
            "-c",
            "user.name=bench",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def bundled_schemas(out: Path) -> dict[str, Path]:
    """Self-contained schemas (common definitions inlined) for check-jsonschema."""
    from rarereg.schemas import bundled

    paths = {}
    for kind in ("hospital", "network", "campaign", "centre"):
        paths[kind] = out / f"{kind}.json"
        paths[kind].write_text(json.dumps(bundled(kind)))
    return paths


def run_size(
    size: int, repeat: int, work: Path, env: dict[str, str], cjs_max: int
) -> list[tuple[str, float, float]]:
    """All measurements for one registry size."""
    base = work / f"r{size}"
    registry = base / "registry"
    generate(registry, size, seed=1)
    git(base, "init", "-q", "-b", "main")
    git(base, "add", "-A")
    git(base, "commit", "-qm", "first")
    changed = sorted((registry / "centres").glob("crmr-*.yaml"))[: max(size // 100, 1)]
    for path in changed:
        path.write_text(path.read_text().replace("Dr Synthetic", "Pr Synthetic"))
    git(base, "commit", "-qam", "second")
    files = sorted(str(p) for p in registry.glob("*/*.yaml"))
    cache = work / f"cache{size}"
    env = {**env, "RAREREG_CACHE_DIR": str(cache)}
    rr = list(RAREREG)
    rows: list[tuple[str, float, float]] = []

    def fresh_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    one = registry / "hospitals" / "hospital-0.yaml"

    def change_one() -> None:
        text = one.read_text()
        one.write_text(
            text.replace("Synthetic Hospital 0", "Synthetic Hospital 0 (edited)")
            if "(edited)" not in text
            else text.replace(" (edited)", "")
        )

    rows.append(
        (
            "floor: yaml.load(CSafeLoader), one process",
            *measure([PY, "-c", FLOOR], repeat, env, base, stdin="\n".join(files)),
        )
    )
    rows.append(
        (
            "rarereg validate, cold (no cache)",
            *measure([*rr, "validate"], repeat, env, base, before=fresh_cache),
        )
    )
    subprocess.run([*rr, "validate"], env=env, cwd=base, capture_output=True, check=False)
    time.sleep(2.1)  # let the files age past the cache's racy window, as real files are
    subprocess.run([*rr, "validate"], env=env, cwd=base, capture_output=True, check=False)
    rows.append(
        ("rarereg validate, warm (nothing changed)", *measure([*rr, "validate"], repeat, env, base))
    )
    rows.append(
        (
            "rarereg validate, one file changed",
            *measure([*rr, "validate"], repeat, env, base, before=change_one),
        )
    )
    # Warm means warm: the edits above left no snapshot of the registry as it now is, and the
    # edited file is too recent for its time to be trusted. One query builds the snapshot.
    time.sleep(2.1)
    subprocess.run([*rr, "list", "-f", "json"], env=env, cwd=base, capture_output=True, check=False)
    rows.append(
        (
            "rarereg list --hospital X, warm",
            *measure(
                [*rr, "list", "--hospital", "Synthetic Hospital 3", "-f", "json"], repeat, env, base
            ),
        )
    )
    for name, cmd in (
        ("rarereg report, warm", ["report", "-f", "json"]),
        ("rarereg expiring, warm", ["expiring", "-f", "json"]),
    ):
        rows.append((name, *measure([*rr, *cmd], repeat, env, base)))
    rows.append(
        (
            "rarereg compare HEAD~1 HEAD",
            *measure([*rr, "compare", "HEAD~1", "HEAD", "-f", "json"], repeat, env, base),
        )
    )
    cjs = shutil.which("check-jsonschema") or (
        str(BIN / "check-jsonschema") if (BIN / "check-jsonschema").exists() else None
    )
    if cjs and size <= cjs_max:
        schemas = bundled_schemas(work)
        script = " && ".join(
            f"{cjs} --schemafile {schemas[kind]} registry/{folder}/*.yaml > /dev/null"
            for kind, folder in (
                ("hospital", "hospitals"),
                ("network", "networks"),
                ("campaign", "campaigns"),
                ("centre", "centres"),
            )
        )
        rows.append(
            (
                "check-jsonschema, same schemas and files",
                *measure(["bash", "-c", script], repeat, env, base),
            )
        )
    return rows


def target_lines(
    startup: list[tuple[str, tuple[float, float]]],
    by_size: dict[int, list[tuple[str, float, float]]],
) -> list[str]:
    """Issue 15's targets, each with the figure of this run and whether it is met."""
    out = ["| target | figure | met? |", "| --- | --- | --- |"]

    def row(target: str, figure: str, met: bool) -> None:
        out.append(f"| {target} | {figure} | {'yes' if met else 'no'} |")

    def get(size: int, prefix: str) -> tuple[float, float] | None:
        for name, t, mem in by_size.get(size, []):
            if name.startswith(prefix):
                return t, mem
        return None

    for size, limit in ((2000, 0.9), (20000, 0.6), (100000, 0.6)):
        floor, cold = get(size, "floor"), get(size, "rarereg validate, cold")
        if floor and cold:
            ratio = cold[0] / floor[0]
            row(
                f"cold `validate`, {size:,} files ≤ {limit} × floor",
                f"{ratio:.2f} ×",
                ratio <= limit,
            )
    floor, edit = get(20000, "floor"), get(20000, "rarereg validate, one file")
    if floor and edit:
        ratio = edit[0] / floor[0]
        row("one file edited in 20,000 ≤ 0.15 × floor", f"{ratio:.2f} ×", ratio <= 0.15)
    for size, limit in ((20000, 0.25), (100000, 0.75)):
        for label, prefix in (
            ("list --hospital X", "rarereg list"),
            ("report", "rarereg report"),
            ("expiring", "rarereg expiring"),
        ):
            got = get(size, prefix)
            if got:
                row(
                    f"warm `{label}`, {size:,} files ≤ {limit} s",
                    f"{got[0]:.2f} s",
                    got[0] <= limit,
                )
    typer_t = startup[0][1][0]
    table = next((t for name, (t, _) in startup if "-f table" in name), None)
    if table is not None:
        ratio = table / typer_t
        row(
            "`list --hospital 'CHU Lille'` as a table ≤ 1.5 × `import typer`",
            f"{ratio:.2f} ×",
            ratio <= 1.5,
        )
    cold = get(100000, "rarereg validate, cold")
    if cold:
        row(
            "peak memory, cold validate of 100,000 files ≤ 400 MiB",
            f"{cold[1]:.0f} MiB",
            cold[1] <= 400,
        )
    return out


def machine() -> str:
    """One line about the machine the numbers come from."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> None:
    """Run every size, print the table, update benchmarks/README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="2000,20000,100000", help="registry sizes; '' measures start-up only"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cjs-max", type=int, default=20000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [PY, "-m", "compileall", "-q", str(ROOT / "src")], check=True, capture_output=True
    )
    lines = [f"Machine: {machine()}. Median of {args.repeat} runs; peak memory of the process.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bundled = str(bundled_registry())
        cache_env = {**env, "RAREREG_CACHE_DIR": str(work / "cache-bundled")}
        subprocess.run(
            [*RAREREG, "validate", "-r", bundled], env=cache_env, capture_output=True, check=False
        )
        lille = [*RAREREG, "list", "--hospital", "CHU Lille", "-r", bundled]
        startup = interleaved(
            [
                ("python -c 'import typer'", [PY, "-c", "import typer"]),
                ("rarereg --version", [*RAREREG, "--version"]),
                ("rarereg --help", [*RAREREG, "--help"]),
                ("rarereg list --hospital 'CHU Lille' -f table (bundled, warm)", lille),
                (
                    "rarereg list --hospital 'CHU Lille' -f json (bundled, warm)",
                    [*lille, "-f", "json"],
                ),
            ],
            25,
            cache_env,
            work,
        )
        floor_t = startup[0][1][0]
        lines += ["| startup | median | × import typer | peak MiB |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {name} | {t * 1000:.0f} ms | {t / floor_t:.2f} | {mem:.0f} |"
            for name, (t, mem) in startup
        ]
        by_size: dict[int, list[tuple[str, float, float]]] = {}
        for size in (int(s) for s in args.sizes.split(",") if s):  # --sizes '': start-up only
            print(f"measuring {size} files…", file=sys.stderr)
            rows = by_size[size] = run_size(size, args.repeat, work, env, args.cjs_max)
            floor = rows[0][1]
            cjs = next((t for name, t, _ in rows if name.startswith("check-jsonschema")), None)
            lines += [
                "",
                f"**{size:,} files**",
                "",
                "| measurement | median | × floor | × check-jsonschema | peak MiB |",
                "| --- | --- | --- | --- | --- |",
            ]
            for name, t, mem in rows:
                ratio = f"{t / cjs:.3f}" if cjs else "n/a"
                lines.append(f"| {name} | {t:.2f} s | {t / floor:.2f} | {ratio} | {mem:.0f} |")
    table = "\n".join(lines) + "\n"
    targets = "\n".join(target_lines(startup, by_size)) + "\n"
    print(table)
    print(targets)
    if not args.no_write:
        readme = HERE / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = "<!-- RESULTS START -->", "<!-- RESULTS END -->"
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        from rarereg.output import write_atomic

        text = f"{head}{start}\n{table}{end}{tail}"
        start, end = "<!-- TARGETS START -->", "<!-- TARGETS END -->"
        if start in text:
            head, _, rest = text.partition(start)
            _, _, tail = rest.partition(end)
            text = f"{head}{start}\n{targets}{end}{tail}"
        write_atomic(readme, text)


if __name__ == "__main__":
    main()
