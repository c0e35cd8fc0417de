"""rarereg: a registry of France's rare-disease care network, and the tool to check and query it."""

__version__ = "0.1.0"

DOCS_URL = "https://github.com/rarereg/rarereg/blob/main/README.md"
"""Where rarereg is documented (SARIF links each rule here); the project's public home."""
