"""Publishing the registry: SQLite, JSON, CSV, FHIR and JSON-LD exports. No printing here.

Every export is a pure function of a loaded registry and a date; writers put the bytes in
place atomically, and the same registry gives the same bytes.
"""
