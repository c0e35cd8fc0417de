"""The Typer application (without its commands), its root options, and running it."""

from __future__ import annotations

import errno
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NamedTuple, NoReturn

import typer

from rarereg import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="rarereg",
    help="Check and query the registry of France's rare-disease care network.\n\n"
    "Exit codes: 0 fine, 1 findings (validate), 2 usage or input error.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Run(NamedTuple):
    """What the root options decided for this run; commands find it in ``ctx.obj``."""

    cache_dir: Path | None
    no_pager: bool = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rarereg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Read every file afresh; neither use nor update the cache."
        ),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="PATH",
            show_default=False,
            file_okay=False,
            help="Cache folder. Default: $RAREREG_CACHE_DIR, else the user cache folder.",
        ),
    ] = None,
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Never page the output (default: page on a terminal)."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Check and query the registry of France's rare-disease care network."""
    if no_cache or os.environ.get("RAREREG_NO_CACHE"):
        ctx.obj = Run(cache_dir=None, no_pager=no_pager)
    else:
        from rarereg.cache import default_dir

        ctx.obj = Run(cache_dir=cache_dir or default_dir(), no_pager=no_pager)
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        from rarereg.cli.orientation import orientation

        typer.echo(orientation(ctx.obj.cache_dir), nl=False)


def run(register: Callable[[], None]) -> None:
    """Run the app once ``register`` has added its commands; a closed pipe or Ctrl-C is quiet."""
    # A run is short and builds many objects but no cycles worth collecting (see gcpause).
    gc.disable()
    from rarereg.interrupt import Interrupted, on_ctrl_c

    on_ctrl_c()
    if sys.stdout is None:  # started with standard output closed (>&-): output goes nowhere
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115, PTH123 - kept open until the exit
    try:
        if sys.argv[1:] == ["--version"]:
            # The most common probe answers before Typer builds the command tree.
            print(f"rarereg {__version__}")
            return
        register()
        app()
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; silence the flush at exit too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except (KeyboardInterrupt, Interrupted):
        typer.echo("rarereg: interrupted", err=True)
        sys.exit(130)
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRORS:
            _internal_error(exc)
        # Files rarereg writes itself (-o, the cache) say their own errors: this is the output
        # (a full disk, a quota). What is left in its buffer goes nowhere, so it is said once.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        typer.echo(f"rarereg: error: cannot write the output: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a bug in rarereg: one line, and the details on request
        _internal_error(exc)


_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""Why standard output could not be written: the disk or quota is full, the file too big."""


def _internal_error(exc: Exception) -> NoReturn:
    if os.environ.get("RAREREG_DEBUG"):
        raise exc
    from rarereg.render.safe import terminal

    typer.echo(
        f"rarereg: internal error: {type(exc).__name__}: {terminal(exc)} (this is a bug; "
        f"rerun with RAREREG_DEBUG=1 for details and report it)",
        err=True,
    )
    sys.exit(EXIT_USAGE)
