"""Placeholder: reserved for the unit-tree / PostgreSQL engineer."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0011_declared_indexes")]

    operations = []
