"""Writing the registry: canonical form, new files, label renewals, imports from a list.

Everything here returns plans, texts and findings; only :mod:`rarereg.authoring.files` writes,
and the CLI decides when. ruamel.yaml (round-trip, comments kept) is imported only on this
write path: reading the registry stays on the strict reader.
"""
