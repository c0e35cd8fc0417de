"""A static website of the registry: plain HTML, inline SVG charts, client-side search."""
