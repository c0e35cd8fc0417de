"""The installed command's exit (rarereg.cli.entry): statuses and messages at the very end."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

NO_SPACE = "rarereg: error: cannot write the output: No space left on device\n"


def rarereg(args: Sequence[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """The command in a child process, its output block-buffered as a user's would be."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-m", "rarereg", *map(str, args)],
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        env=env,
        check=False,
        **kwargs,
    )


def test_stdout_closed_keeps_the_status_and_gives_no_traceback(registry: Path) -> None:
    """Started with no stdout at all (``>&-``): the command's own message and status, no more."""

    def close_stdout() -> None:  # runs in the child before exec
        os.close(1)

    done = rarereg(["show", "nope", "-r", registry], preexec_fn=close_stdout)
    assert (done.returncode, done.stderr) == (
        2,
        "rarereg: error: no entity with id 'nope'; see 'rarereg list'\n",
    )
    done = rarereg(["--version"], preexec_fn=close_stdout)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_closed_a_listing_goes_nowhere(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list with no stdout is not an internal error: its rows go nowhere, as print's would."""

    def close_stdout() -> None:  # runs in the child before exec
        os.close(1)

    monkeypatch.setenv("RAREREG_CACHE_DIR", str(tmp_path))
    done = rarereg(["list", "-r", registry], preexec_fn=close_stdout)
    assert (done.returncode, done.stderr) == (0, "4 rows\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_version_to_a_full_disk_is_an_error(tmp_path: Path) -> None:
    """Even the --version shortcut, unbuffered, says a full disk in one line."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open("/dev/full", "w") as full:  # noqa: PTH123 - a device
        done = subprocess.run(
            [sys.executable, "-m", "rarereg", "--version"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert (done.returncode, done.stderr) == (2, NO_SPACE)


@pytest.mark.parametrize("args", [["--version"], ["list", "networks", "-f", "csv"]])
def test_output_that_cannot_be_written_at_the_end_is_an_error(
    registry: Path, args: list[str]
) -> None:
    """Output small enough to wait in the buffer until the exit, to a full disk: one line, 2."""
    with Path("/dev/full").open("w") as full:
        done = rarereg([*args, "-r", registry] if len(args) > 1 else args, stdout=full)
    assert (done.returncode, done.stderr) == (2, NO_SPACE)


def test_a_reader_gone_before_the_end_is_quiet(registry: Path) -> None:
    """A closed pipe met only when the last output is flushed: quiet and 0, as during a run."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = rarereg(["list", "networks", "-f", "csv", "-r", registry], stdout=write_end)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


def test_ctrl_c_before_the_command_runs_is_one_line() -> None:
    """Ctrl-C while the command line is still being set up: the usual line and 130."""
    script = (
        "import rarereg.cli as cli\n"
        "def interrupted():\n"
        "    raise KeyboardInterrupt\n"
        "cli.main = interrupted\n"
        "cli.entry()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "rarereg: interrupted\n")


def test_ctrl_c_while_the_cache_writer_is_waited_for(tmp_path: Path) -> None:
    """Ctrl-C once the output is out, while the exit waits for the cache writer: no traceback.

    The writer still finishes (the next run is warm); the run says it was interrupted.
    """
    import signal
    import time

    marker = tmp_path / "written"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "import rarereg.cli as cli\n"
        "from rarereg import shares\n"
        "from rarereg.interrupt import on_ctrl_c\n"
        "def command():\n"
        "    on_ctrl_c()\n"
        f"    shares.in_background(lambda: (time.sleep(2), Path({str(marker)!r}).touch()))\n"
        "    print('output', flush=True)\n"
        "    sys.exit(0)\n"
        "cli.main = command\n"
        "cli.entry()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "output\n"
    time.sleep(0.5)  # into the exit's wait for the writer
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert (child.returncode, err) == (130, "rarereg: interrupted\n")
    assert marker.exists()
