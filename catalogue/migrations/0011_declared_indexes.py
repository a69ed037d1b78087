"""Placeholder: reserved for the housekeeping engineer (raw-SQL indexes declared in model state)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0010_cursor_seek")]

    operations = []
