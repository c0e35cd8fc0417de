"""rarereg schema: one kind's JSON Schema, self-contained, for editors and other validators."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer

from rarereg.cli import common
from rarereg.cli.options import OutputOpt

SchemaKind = enum.StrEnum("SchemaKind", "centre hospital network campaign")


def command(
    kind: Annotated[SchemaKind, typer.Argument(help="Which kind of registry file.")],
    output: OutputOpt = None,
) -> None:
    """Print one kind's JSON Schema, self-contained (shared definitions included).

    For editors and other validators: save it and point your editor at it (see the README).

    Example: rarereg schema centre > centre.schema.json
    """
    import json

    from rarereg.schemas import bundled

    text = json.dumps(bundled(kind.value), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        common.write_file(text, output)
