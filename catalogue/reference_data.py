"""Reference data every installation needs: the controlled vocabularies (migration 0002)
and the role groups (migration 0004).

The data migrations put them in place once; a ``flush`` (as run between transactional
tests, or by an operator) empties every table and then emits ``post_migrate``, so this
handler puts back whatever is missing — without touching rows an archivist has edited.
"""

import importlib


def ensure_reference_data(sender, apps=None, **kwargs):
    if apps is None:  # flush sends no migration state
        from django.apps import apps
    ClassificationLevel = apps.get_model("catalogue", "ClassificationLevel")
    if not ClassificationLevel.objects.exists():
        importlib.import_module("catalogue.migrations.0002_vocabulary").load(apps, None)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    if Permission.objects.filter(codename="publish_document").exists() and not (
        Group.objects.filter(name__in=["Cataloguer", "Reviewer", "Administrator"]).exists()
    ):
        importlib.import_module("catalogue.migrations.0004_curation").assign_group_permissions(apps)
