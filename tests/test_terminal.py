"""Output read at a terminal: orientation, sanitising, widths, pager, progress, completion, show."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from rarereg.cli import terminal
from tests.helpers import run

Data = dict[str, dict[str, dict[str, Any]]]
RAREREG = [str(Path(sys.executable).parent / "rarereg")]


def test_rarereg_alone_orients(runner: CliRunner, registry: Path) -> None:
    """No command: what the registry holds and five commands to start with, exit 0."""
    result = runner.invoke(
        __import__("rarereg.cli").cli.app, [], env={"RAREREG_REGISTRY": str(registry)}
    )
    assert result.exit_code == 0
    out = result.stdout
    assert f"Registry: {registry}" in out
    assert "3 centres (2 CRMR, 1 CCMR)" in out
    assert "5 hospitals and sites, 2 filières (FSMR), 1 European Reference Networks" in out
    commands = [line.split()[1] for line in out.splitlines() if line.startswith("  rarereg ")]
    assert commands == ["list", "list", "report", "expiring", "validate"]
    assert "rarereg list --disease lupus" in out


def test_rarereg_alone_as_installed(tmp_path: Path) -> None:
    """The installed entry point answers too, on the bundled registry."""
    env = {**os.environ, "RAREREG_CACHE_DIR": str(tmp_path)}
    env.pop("RAREREG_REGISTRY", None)
    done = subprocess.run(RAREREG, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Registry: the bundled registry" in done.stdout
    assert done.stderr == ""


def test_installed_command_exits_with_the_commands_status(registry: Path, tmp_path: Path) -> None:
    """The installed command ends without teardown, yet says all and exits as the command does."""
    env = {**os.environ, "RAREREG_CACHE_DIR": str(tmp_path / "cache")}

    def rarereg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*RAREREG, *args], capture_output=True, text=True, env=env, check=False
        )

    listed = rarereg("list", "-r", str(registry), "-f", "json")
    assert listed.returncode == 0, listed.stderr
    ids = sorted({row["id"] for row in json.loads(listed.stdout)})
    assert ids == ["ccmr-lupus-lille", "cracmo", "lupus"]
    # The cache is written by a background process the exit waits for: the next run is warm.
    assert sorted(p.name.split(".", 1)[1] for p in (tmp_path / "cache").iterdir()) == [
        "d",
        "results.json",
        "rows",
        "rows-findings.json",
        "snapshot.json",
    ]
    (registry / "centres" / "lupus.yaml").write_text("id: [\n")
    assert rarereg("validate", "-r", str(registry)).returncode == 1
    assert rarereg("list", "--no-such-option").returncode == 2
    assert rarereg("--version").stdout.startswith("rarereg ")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_disk_is_one_line_and_status_two(registry: Path, tmp_path: Path) -> None:
    """Output that cannot be written (a full disk) is a user's problem said once, not a bug."""
    env = {**os.environ, "RAREREG_CACHE_DIR": str(tmp_path)}
    with open("/dev/full", "w") as full:  # noqa: PTH123 - a device, not a path to build
        done = subprocess.run(
            [*RAREREG, "list", "-r", str(registry), "-f", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr == "rarereg: error: cannot write the output: No space left on device\n"


def test_exit_status_of_a_message_is_one(capsys: pytest.CaptureFixture[str]) -> None:
    """sys.exit("text") says the text and exits 1, as Python does."""
    from rarereg.cli.ending import _status

    assert (_status(None), _status(3), _status("stopped")) == (0, 3, 1)
    assert capsys.readouterr().err == "stopped\n"


# --- Nothing from the registry reaches the terminal raw -------------------------------------


def test_file_name_with_newline_cannot_forge_a_finding(
    runner: CliRunner, registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newline in a file name is shown escaped; every output line is a real finding."""
    forged = "x\nFORGED.yaml:9:9: error[schema] all good"
    (registry / "hospitals" / f"{forged}.yaml").write_text("id: x\n")
    monkeypatch.chdir(registry.parent)
    result = run(runner, "validate")
    lines = result.stdout.splitlines()
    assert not any(line.startswith("FORGED") for line in lines)
    assert lines[:-1] and all(line.startswith("registry/") for line in lines[:-1])
    assert "x\\x0aFORGED.yaml" in result.stdout


EVIL = "Evil \x1b[2J\x1b]0;pwned\x07 \u202eenil\u202c \x9b31m"
"""Text that would clear the screen, retitle the window, reverse the line and recolour."""


def _inert(text: str) -> bool:
    return not any(c in text for c in ("\x1b", "\x07", "\u202e", "\u202c", "\x9b"))


def test_escape_sequences_and_bidi_in_findings_are_neutralised(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """A key, a value and a file name full of escapes: validate shows them inert."""
    base_data["centres"]["cracmo"]["name"] = EVIL
    registry = make_registry(base_data)
    (registry / "centres" / "lupus.yaml").write_text('"bogus\\e[31m": 1\n', encoding="utf-8")
    (registry / "hospitals" / "\x1b[31mred\u202e.yaml").write_text("id: x\n", encoding="utf-8")
    checked = run(runner, "validate", "-r", registry)
    listed = run(runner, "list", "-r", registry)
    for text in (checked.stdout, checked.stderr, listed.stdout, listed.stderr):
        assert _inert(text)
    assert "bogus\\x1b[31m" in checked.stdout
    assert "\\x1b[31mred\\u202e.yaml" in checked.stdout


def test_every_terminal_renderer_neutralises_data() -> None:
    """Data that validation would refuse still reaches the screen inert from every renderer."""
    from rarereg.render import Options, render
    from rarereg.render.columns import CENTRES, SHOW_TABLES
    from rarereg.render.document import Record, Table, Tables

    row = {"id": "x", "kind": "crmr", "name": EVIL, "hospital_name": EVIL, "erns": [EVIL]}
    table = render("table", Tables([Table(CENTRES, [row], title=EVIL)], summary=EVIL), Options(80))
    view = {"id": "x", "name": EVIL, "label": {"note": EVIL}, "sources": [{"note": EVIL}]}
    record = render("table", Record({**view, "sites": [row]}, SHOW_TABLES), Options(80))
    for text in (table, record):
        assert _inert(text)
        assert "\\x1b[2J\\x1b]0;pwned\\x07" in text and "\\u202eenil\\u202c" in text


def test_error_messages_are_neutralised(runner: CliRunner, registry: Path) -> None:
    """An option value echoed in an error cannot drive the terminal either."""
    result = run(runner, "list", "-r", registry, "--hospital", "\x1b[31mCHU\u202e")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\\x1b[31mCHU\\u202e" in result.stderr


# --- Tables fit the terminal ------------------------------------------------------------------


def _ids_and_words(registry: Path) -> tuple[list[str], list[str]]:
    runner = CliRunner()
    data = json.loads(run(runner, "list", "-r", registry, "-f", "json").stdout)
    ids = [r["id"] for r in data]
    words = [w for r in data for w in str(r["name"]).split()]
    return ids, words


@pytest.mark.parametrize("width", [60, 80, 200])
def test_tables_fit_the_terminal(runner: CliRunner, registry: Path, width: int) -> None:
    """At 60, 80 and 200 columns: no line too wide, ids whole, no word of a name cut."""
    result = runner.invoke(
        __import__("rarereg.cli").cli.app,
        ["list", "-r", str(registry)],
        env={"COLUMNS": str(width)},
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    ids, words = _ids_and_words(registry)
    tokens = {t for line in lines for t in line.replace("│", " ").split()}
    assert set(ids) <= tokens
    if "name" in lines[0].split():
        assert set(words) <= tokens


def test_narrow_terminal_drops_least_important_columns_first(
    runner: CliRunner, registry: Path
) -> None:
    """The header at each width, and the note naming what was left out."""
    app = __import__("rarereg.cli").cli.app

    def header(width: int) -> tuple[list[str], str]:
        out = runner.invoke(app, ["list", "-r", str(registry)], env={"COLUMNS": str(width)})
        lines = out.stdout.splitlines()
        heads = [h.strip() for h in lines[0].split("┃")]
        return heads, " ".join(lines[-2:]) if "Left out" in out.stdout else ""

    wide, note = header(200)
    assert wide == [
        "id",
        "kind",
        "name",
        "network id",
        "network",
        "ERNs",
        "hospital id",
        "hospital",
        "role",
        "city",
        "label ends",
    ]
    assert note == ""
    narrow, note = header(80)
    assert narrow == ["id", "kind", "name", "hospital"]
    assert note == (
        "Left out to fit 80 columns: ERNs, network id, hospital id, label ends, city, "
        "role, network (--format csv has them all)."
    )
    assert header(60)[0] == ["id", "kind", "name"]


# --- The pager --------------------------------------------------------------------------------


def _in_a_terminal(args: list[str], env: dict[str, str], rows: int = 5) -> str:
    """Run rarereg with stdout on a pseudo-terminal of ``rows`` lines; what it showed."""
    import fcntl
    import struct
    import termios

    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 100, 0, 0))
    done = subprocess.run(
        [*RAREREG, *args],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode()


def test_pager_on_a_terminal_only(registry: Path, tmp_path: Path) -> None:
    """Long output on a terminal goes to $PAGER; --no-pager and pipes never page."""
    paged = tmp_path / "paged.txt"
    env = {
        "PAGER": f"cat > {paged}",
        "RAREREG_REGISTRY": str(registry),
        "RAREREG_CACHE_DIR": str(tmp_path / "c"),
    }
    env.pop("COLUMNS", None)
    shown = _in_a_terminal(["list"], env)
    assert "lupus" in paged.read_text() and "lupus" not in shown
    paged.unlink()
    shown = _in_a_terminal(["list", "--no-pager"], env)
    assert "lupus" in shown and not paged.exists()
    shown = _in_a_terminal(["--no-pager", "list"], env)
    assert "lupus" in shown and not paged.exists()
    piped = subprocess.run(
        [*RAREREG, "list"], capture_output=True, text=True, env={**os.environ, **env}, check=True
    )
    assert "lupus" in piped.stdout and not paged.exists()


def test_short_output_is_not_paged(registry: Path, tmp_path: Path) -> None:
    """Output shorter than the screen is written straight out."""
    paged = tmp_path / "paged.txt"
    env = {"PAGER": f"cat > {paged}", "RAREREG_CACHE_DIR": str(tmp_path / "c")}
    shown = _in_a_terminal(["show", "cracmo", "-r", str(registry), "-f", "json"], env, rows=200)
    assert '"id": "cracmo"' in shown and not paged.exists()


# --- Progress ---------------------------------------------------------------------------------


class FakeTerminal:
    """A stderr that says it is a terminal and keeps what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        """It is a terminal."""
        return True

    def write(self, text: str) -> int:
        """Keep the text."""
        self.text += text
        return len(text)

    def flush(self) -> None:
        """Nothing to flush."""


def test_progress_only_on_a_terminal_and_never_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """No callback for pipes or CI; on a terminal a line that is erased at the end."""
    for name in ("CI", "GITHUB_ACTIONS", "RAREREG_NO_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    assert terminal.progress("Checking", FakeTerminal()) is not None
    monkeypatch.setenv("CI", "true")
    assert terminal.progress("Checking", FakeTerminal()) is None
    monkeypatch.delenv("CI")

    class Pipe(FakeTerminal):
        def isatty(self) -> bool:
            """Not a terminal."""
            return False

    assert terminal.progress("Checking", Pipe()) is None
    clock = iter([0.0, 1.0, 1.05, 2.0])
    monkeypatch.setattr(terminal.time, "monotonic", lambda: next(clock))
    screen = FakeTerminal()
    tell = terminal.progress("Checking", screen)
    assert tell is not None
    tell(100, 20000)  # at 1.0 s: shown
    tell(200, 20000)  # 50 ms later: not redrawn
    tell(20000, 20000)  # done: erased
    assert screen.text == "\rChecking: 100/20,000 files\r\x1b[K"


def test_core_reports_progress_to_a_plain_callable(registry: Path) -> None:
    """The core validate calls what it is given with (done, total), ending with all files done."""
    from rarereg.validate import validate

    calls: list[tuple[int, int]] = []
    validate(registry, registry.parent, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1] == (12, 12)
    assert all(d <= t == 12 for d, t in calls)


def test_no_progress_in_pipes(registry: Path, tmp_path: Path) -> None:
    """Piped, a cold validate writes only its summary to stderr."""
    env = {**os.environ, "RAREREG_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [*RAREREG, "validate", "-r", str(registry), "-f", "sarif"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.stderr == "ok: 12 files checked, no problems\n"


# --- Shell completion -------------------------------------------------------------------------


def complete(registry: Path, tmp_path: Path, line: str, shell: str = "zsh") -> str:
    """What rarereg offers when the shell asks to complete ``line``."""
    env = {
        **os.environ,
        "_RAREREG_COMPLETE": f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": line,
        "RAREREG_REGISTRY": str(registry),
        "RAREREG_CACHE_DIR": str(tmp_path),
    }
    if shell == "bash":
        env["COMP_WORDS"] = line
        env["COMP_CWORD"] = str(len(line.split()) - 1)
    done = subprocess.run(
        RAREREG,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_completion_offers_registry_values(registry: Path, tmp_path: Path) -> None:
    """Kinds, regions, hospital names and ids, network acronyms, ids for show."""
    assert '"crmr"' in complete(registry, tmp_path, "rarereg list --kind c")
    assert '"Hauts-de-France"' in complete(registry, tmp_path, "rarereg list --region Haut")
    hospitals = complete(registry, tmp_path, "rarereg list --hospital CHU")
    assert '"CHU de Lille":"chu-lille"' in hospitals and '"CHU de Reims"' in hospitals
    assert '"chu-lille"' in complete(registry, tmp_path, "rarereg list --hospital chu-l")
    assert '"FAI2R"' in complete(registry, tmp_path, "rarereg expiring --network FA")
    ids = complete(registry, tmp_path, "rarereg show lu")
    assert '"lupus":"Centre de référence du lupus"' in ids
    bash = complete(registry, tmp_path, "rarereg list --hospital CHU", shell="bash")
    assert bash.split() == []  # names with spaces would be split by bash: ids only there
    assert complete(registry, tmp_path, "rarereg list --hospital chu", shell="bash").split() == [
        "chu-lille",
        "chu-reims",
    ]


# --- show -------------------------------------------------------------------------------------


def test_show_prints_sources_and_nested_values_readably(
    runner: CliRunner, make_registry: Callable[[Data], Path], base_data: Data
) -> None:
    """Sources and published counts as indented lines, never a Python dict."""
    base_data["hospitals"]["chu-lille"]["sources"] = [
        {"document": "page.txt"},
        {"url": "https://www.chu-lille.fr/maladies-rares", "retrieved": "2026-11-23"},
    ]
    base_data["hospitals"]["chu-lille"]["published_counts"] = {
        "crmr": 18,
        "ccmr": 64,
        "source": {"url": "https://www.chu-lille.fr/chiffres", "retrieved": "2026-11-23"},
    }
    registry = make_registry(base_data)
    result = runner.invoke(
        __import__("rarereg.cli").cli.app,
        ["show", "chu-lille", "-r", str(registry)],
        env={"COLUMNS": "100"},
    )
    assert result.exit_code == 0
    assert "{'" not in result.stdout and "'}" not in result.stdout
    assert _block(result.stdout, "published_counts") == [
        "  crmr: 18",
        "  ccmr: 64",
        "  source:",
        "    url: https://www.chu-lille.fr/chiffres",
        "    retrieved: 2026-11-23",
    ]
    assert _block(result.stdout, "sources") == [
        "  - document: page.txt",
        "  - url: https://www.chu-lille.fr/maladies-rares",
        "    retrieved: 2026-11-23",
    ]


def _block(text: str, key: str) -> list[str]:
    """The indented lines under a field of `show`."""
    lines = text.splitlines()
    start = lines.index(key) + 1
    end = next(n for n in range(start, len(lines)) if not lines[n].startswith(" "))
    return lines[start:end]


def test_json_and_documents_on_screen_are_inert() -> None:
    """JSON escapes C1 and bidi characters (same data); CSV shown on a terminal is made inert."""
    from rarereg.render import render
    from rarereg.render.columns import CENTRES
    from rarereg.render.document import Table, Tables
    from rarereg.render.safe import terminal_document

    doc = Tables([Table(CENTRES, [{"id": "x", "name": EVIL}])])
    as_json = render("json", doc)
    assert "\u202e" not in as_json and "\x9b" not in as_json and "\\u202eenil" in as_json
    assert json.loads(as_json) == [{"id": "x", "name": EVIL}]
    as_csv = render("csv", doc)
    assert EVIL in as_csv  # a pipe or a file gets the data as it is
    assert _inert(terminal_document(as_csv))
    assert terminal_document("a,b\r\nc\t\x1b\n") == "a,b\r\nc\t\\x1b\n"


# --- Start-up: only what the command line needs -----------------------------------------------


def _modules_after(args: list[str], tmp_path: Path, columns: str = "80") -> set[str]:
    """The modules loaded by a run of rarereg with these arguments."""
    script = (
        "import sys\n"
        f"sys.argv = ['rarereg', *{args!r}]\n"
        "from rarereg.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "RAREREG_CACHE_DIR": str(tmp_path), "COLUMNS": columns}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    return set(done.stderr.split())


def test_rich_loads_only_to_draw_a_table(registry: Path, tmp_path: Path) -> None:
    """JSON never imports Rich or other commands; a table does import Rich."""
    as_json = _modules_after(["list", "-r", str(registry), "-f", "json"], tmp_path)
    assert "rarereg.cli.list_" in as_json
    assert not any(m == "rich" or m.startswith("rich.") for m in as_json)
    assert "rarereg.cli.validate" not in as_json and "rarereg.cli.compare" not in as_json
    as_table = _modules_after(["list", "-r", str(registry)], tmp_path)
    assert "rich.table" in as_table  # 80 columns: names wrap, and Rich wraps them


def test_a_query_does_not_load_openssl(registry: Path, tmp_path: Path) -> None:
    """Cache keys and stamps use CPython's own BLAKE2 and SHA-256, the same digests as hashlib's."""
    import hashlib

    from rarereg import digests

    assert (
        digests.blake2b(b"x", digest_size=16).hexdigest()
        == hashlib.blake2b(b"x", digest_size=16).hexdigest()
    )
    assert digests.sha256(b"x").hexdigest() == hashlib.sha256(b"x").hexdigest()
    _modules_after(["validate", "-r", str(registry)], tmp_path)  # fills the cache
    warm = _modules_after(["list", "-r", str(registry), "-f", "json"], tmp_path)
    assert "rarereg.model" in warm
    assert "_hashlib" not in warm and "hashlib" not in warm


def test_a_table_that_fits_is_drawn_without_rich(registry: Path, tmp_path: Path) -> None:
    """Piped, uncoloured, every cell on one line: drawn as Rich would, without importing it."""
    wide = _modules_after(["list", "-r", str(registry)], tmp_path, columns="1000")
    assert not any(m == "rich" or m.startswith("rich.") for m in wide)


def test_characters_drawn_without_rich_are_one_column_for_rich() -> None:
    """Every character the plain drawing accepts is one column wide by Rich's own measure."""
    from rarereg.render.terminal import _one_column_each

    accepted = [chr(c) for c in range(0x110000) if _one_column_each(chr(c))]
    assert len(accepted) > 1500  # Latin, Greek, Cyrillic and punctuation, not a token few
    assert [ch for ch in accepted if cell_len(ch) != 1] == []


_CELL_TEXT = st.text(
    alphabet=st.sampled_from(
        [*"ab Zé-'–Œœ0.9:’«»ß", *"\u0301\u6f22\t\u00a0\u202f\u200b\u2028\u1160\u03a9\u0416"]
    ),
    max_size=14,
)


@given(
    headings=st.lists(st.sampled_from(["id", "name", "a b", "x", "long heading"]), min_size=1),
    idents=st.lists(st.booleans(), min_size=6, max_size=6),
    rows=st.lists(st.lists(st.one_of(st.none(), _CELL_TEXT), min_size=6, max_size=6), max_size=4),
    title=st.one_of(st.none(), _CELL_TEXT),
    width=st.sampled_from([None, 12, 40, 80, 200]),
)
def test_plain_drawing_is_richs(
    headings: list[str],
    idents: list[bool],
    rows: list[list[str | None]],
    title: str | None,
    width: int | None,
) -> None:
    """Whenever a table is drawn without Rich, the text is exactly what Rich draws."""
    from rarereg.render import Options
    from rarereg.render import terminal as drawing
    from rarereg.render.columns import Column
    from rarereg.render.document import Table

    columns = tuple(
        Column(f"k{i}", heading, i + 1, idents[i]) for i, heading in enumerate(headings[:6])
    )
    table = Table(columns, [{c.key: row[i] for i, c in enumerate(columns)} for row in rows], title)
    options = Options(width=width)
    shown, widths, _ = drawing.layout(columns, table.rows, width)
    cells = [[drawing.safe.terminal(row.get(c.key)) for c in shown] for row in table.rows]
    plain = drawing._plain(table, shown, widths, cells, options)
    assume(plain is not None)
    assert plain == drawing._rich(table, shown, widths, options)


def test_the_command_run_is_found_after_root_options() -> None:
    """Root options and their values are skipped; help and unknown words build every command."""
    from rarereg.cli import _command_in

    assert _command_in(["list", "--kind", "crmr"]) == "list"
    assert _command_in(["--no-cache", "--cache-dir", "show", "expiring"]) == "expiring"
    assert _command_in(["--help"]) is None
    assert _command_in(["lisst"]) is None
    assert _command_in([]) is None
