"""A cited document cannot be deleted out from under the relation that cites it
(the relation's check constraint needs a target or a label): withdraw it instead."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_curation")]

    operations = [
        migrations.AlterField(
            model_name="documentrelation",
            name="target",
            field=models.ForeignKey(
                blank=True,
                help_text="A cited document cannot be deleted while cited: withdraw it instead.",
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="incoming_relations",
                to="catalogue.document",
            ),
        ),
    ]
