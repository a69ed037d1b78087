"""Reserved for session-2 work; empty operations are harmless."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0006_api_ordering")]

    operations = []
