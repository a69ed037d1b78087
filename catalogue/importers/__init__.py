"""Importers: turn source files into plain dataclasses (see ``records``).

Nothing in this package imports Django's ORM, so parsing can run (and be tested)
with no settings configured, and be reused for previews.
"""
