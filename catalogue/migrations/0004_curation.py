# Reserved for the curation workflow (groups, history channel, merges).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search")]
    operations = []
