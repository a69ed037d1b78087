from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0014_import_pages"),
    ]

    operations = [
        migrations.CreateModel(
            name="LoginFailure",
            fields=[
                ("digest", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("attempts", models.PositiveIntegerField(default=0)),
                (
                    "expires_at",
                    models.FloatField(db_index=True, help_text="Unix time the window ends."),
                ),
            ],
            options={
                "verbose_name": "admin login failure count",
            },
        ),
    ]
