from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0012_unit_tree"),
    ]

    operations = []
