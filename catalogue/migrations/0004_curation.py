# The curation workflow: review permissions, roles, history channel, merge records,
# derivative checksums for fixity. Hand-assembled (see the preamble's migration rule).
import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

VIEW = ["view"]
EDIT = ["add", "change", "view"]
LINK = ["add", "change", "delete", "view"]

# What a Cataloguer may do: create and edit drafts with everything a record links to.
CATALOGUER = {
    "catalogue": {
        "document": EDIT,
        "footnote": LINK,
        "documentagent": LINK,
        "provenanceevent": LINK,
        "eventagent": LINK,
        "documentrelation": LINK,
        "citation": LINK,
        "digitalobject": LINK,
        "agent": EDIT,
        "agentname": LINK,
        "position": LINK,
        "agentidentifier": LINK,
        "archivalunit": EDIT,
        "repository": VIEW,
        "publication": EDIT,
        "subject": EDIT,
        "collection": VIEW,
        "documenttype": VIEW,
        "classificationlevel": VIEW,
        "caveat": VIEW,
        "authorityreview": VIEW,
        "importrun": VIEW,
        "importedfile": VIEW,
        "fixitycheck": VIEW,
        "mergerecord": VIEW,
    }
}
# A Reviewer also publishes, withdraws, settles authority reviews and merges.
REVIEWER_EXTRA = [
    ("catalogue", "publish_document"),
    ("catalogue", "withdraw_document"),
    ("catalogue", "change_authorityreview"),
    ("catalogue", "merge_agent"),
    ("catalogue", "merge_archivalunit"),
    ("catalogue", "change_repository"),
    ("catalogue", "add_repository"),
]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    assign_group_permissions(apps)


def assign_group_permissions(apps):
    """Create the three role groups with their permissions (also run after a flush)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    cataloguer_perms = [
        perm(app, f"{action}_{model}")
        for app, models_ in CATALOGUER.items()
        for model, actions in models_.items()
        for action in actions
    ]
    reviewer_perms = cataloguer_perms + [perm(app, code) for app, code in REVIEWER_EXTRA]

    cataloguer, _ = Group.objects.get_or_create(name="Cataloguer")
    cataloguer.permissions.set(cataloguer_perms)
    reviewer, _ = Group.objects.get_or_create(name="Reviewer")
    reviewer.permissions.set(reviewer_perms)
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.set(Permission.objects.all())


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Cataloguer", "Reviewer", "Administrator"]
    ).delete()


def add_version_in_place(model_name: str):
    """Add ``version`` with ALTER TABLE ADD COLUMN rather than Django's SQLite table
    rebuild: the search index triggers (0003) name catalogue_agent and
    catalogue_archivalunit, and SQLite refuses to rename a rebuilt table under them."""
    table = f"catalogue_{model_name}"
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AddField(
                model_name=model_name,
                name="version",
                field=models.PositiveIntegerField(
                    default=1,
                    help_text="Optimistic lock: a save based on an older version is refused.",
                ),
            )
        ],
        database_operations=[
            migrations.RunSQL(
                f'ALTER TABLE {table} ADD COLUMN "version" integer DEFAULT 1 NOT NULL '
                'CHECK ("version" >= 0)',
                f'ALTER TABLE {table} DROP COLUMN "version"',
            )
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.AlterModelOptions(
            name="agent",
            options={
                "ordering": ["sort_name", "authorised_name"],
                "permissions": [("merge_agent", "Can merge duplicate agents and undo merges")],
            },
        ),
        migrations.AlterModelOptions(
            name="archivalunit",
            options={
                "ordering": ["tree_path", "sort_order", "title"],
                "permissions": [
                    ("merge_archivalunit", "Can merge duplicate units and undo merges")
                ],
            },
        ),
        migrations.AlterModelOptions(
            name="document",
            options={
                "ordering": ["date", "time", "id"],
                "permissions": [
                    ("publish_document", "Can publish documents and return them to draft"),
                    ("withdraw_document", "Can withdraw published documents"),
                ],
            },
        ),
        migrations.AddField(
            model_name="digitalobject",
            name="original_name",
            field=models.CharField(
                blank=True,
                help_text="The uploaded file's name, for the record only.",
                max_length=255,
            ),
        ),
        migrations.AddField(
            model_name="digitalobject",
            name="original_sha256",
            field=models.CharField(
                blank=True,
                help_text="Checksum of the file as uploaded, before cleaning.",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="digitalobject",
            name="thumbnail_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="digitalobject",
            name="web_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="fixitycheck",
            name="path",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="fixitycheck",
            name="role",
            field=models.CharField(
                choices=[
                    ("master", "Page image"),
                    ("thumbnail", "Thumbnail"),
                    ("web", "Web-sized image"),
                ],
                default="master",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalagent",
            name="history_channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("admin", "Admin"),
                    ("api", "API"),
                    ("import", "Import run"),
                    ("command", "Command or shell"),
                    ("web", "Web request"),
                ],
                db_index=True,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalagent",
            name="history_import_run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalogue.importrun",
            ),
        ),
        migrations.AddField(
            model_name="historicalarchivalunit",
            name="history_channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("admin", "Admin"),
                    ("api", "API"),
                    ("import", "Import run"),
                    ("command", "Command or shell"),
                    ("web", "Web request"),
                ],
                db_index=True,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalarchivalunit",
            name="history_import_run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalogue.importrun",
            ),
        ),
        migrations.AddField(
            model_name="historicaldocument",
            name="history_channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("admin", "Admin"),
                    ("api", "API"),
                    ("import", "Import run"),
                    ("command", "Command or shell"),
                    ("web", "Web request"),
                ],
                db_index=True,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicaldocument",
            name="history_import_run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalogue.importrun",
            ),
        ),
        migrations.AddField(
            model_name="historicalrepository",
            name="history_channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("admin", "Admin"),
                    ("api", "API"),
                    ("import", "Import run"),
                    ("command", "Command or shell"),
                    ("web", "Web request"),
                ],
                db_index=True,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalrepository",
            name="history_import_run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalogue.importrun",
            ),
        ),
        migrations.AlterField(
            model_name="fixitycheck",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("ok", "Unchanged"),
                    ("changed", "Checksum changed"),
                    ("missing", "File missing"),
                ],
                db_index=True,
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="MergeRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("agent", "Agent"), ("unit", "Archival unit")],
                        db_index=True,
                        max_length=10,
                    ),
                ),
                ("survivor_id", models.PositiveBigIntegerField(db_index=True)),
                ("loser_id", models.PositiveBigIntegerField(db_index=True)),
                ("survivor_label", models.CharField(max_length=500)),
                ("loser_label", models.CharField(max_length=500)),
                (
                    "changes",
                    models.JSONField(
                        default=list, encoder=django.core.serializers.json.DjangoJSONEncoder
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("merged_at", models.DateTimeField(auto_now_add=True)),
                ("undone_at", models.DateTimeField(blank=True, null=True)),
                (
                    "merged_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "review",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="merges",
                        to="catalogue.authorityreview",
                    ),
                ),
                (
                    "undone_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-merged_at", "-id"],
            },
        ),
        *[add_version_in_place(table) for table in ("agent", "archivalunit")],
        migrations.AddField(
            model_name="historicalagent",
            name="version",
            field=models.PositiveIntegerField(
                default=1, help_text="Optimistic lock: a save based on an older version is refused."
            ),
        ),
        migrations.AddField(
            model_name="historicalarchivalunit",
            name="version",
            field=models.PositiveIntegerField(
                default=1, help_text="Optimistic lock: a save based on an older version is refused."
            ),
        ),
        migrations.RunPython(create_groups, remove_groups),
    ]
