"""Indexes for media requests that name a page image's derivative file."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0006_api_ordering")]

    operations = [
        migrations.AddIndex(
            model_name="digitalobject",
            index=models.Index(fields=["thumbnail"], name="page_thumbnail_name"),
        ),
        migrations.AddIndex(
            model_name="digitalobject",
            index=models.Index(fields=["web_image"], name="page_web_image_name"),
        ),
    ]
