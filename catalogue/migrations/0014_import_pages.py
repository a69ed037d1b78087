from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0013_index_diet")]

    operations = []
