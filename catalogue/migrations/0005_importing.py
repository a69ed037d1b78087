# Reserved for importer additions.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_curation")]
    operations = []
