# Reserved for the full-text search index (SQLite FTS5 / PostgreSQL tsvector).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_vocabulary")]
    operations = []
