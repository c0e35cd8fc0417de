"""rarereg: a registry of France's rare-disease care network, and the tool to check and query it."""

__version__ = "0.1.0"
