"""Reserved for session-2 work; empty operations are harmless."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0008_page_performance")]

    operations = []
