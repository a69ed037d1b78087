"""Archivists' data entry: one module per model family."""

from django.contrib import admin

from . import agents, documents, imports, review, units, vocabulary  # noqa: F401

admin.site.site_header = "Archival catalogue — cataloguing"
admin.site.site_title = "Archival catalogue"
admin.site.index_title = "Catalogue records"
# The index links to the data-quality dashboard (catalogue/admin/dashboard.py).
admin.site.index_template = "admin/catalogue_index.html"
