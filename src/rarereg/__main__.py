"""Allow ``python -m rarereg``."""

from rarereg.cli import entry

entry()
