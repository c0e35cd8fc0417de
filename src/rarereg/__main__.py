"""Allow ``python -m rarereg``."""

from rarereg.cli import main

main()
