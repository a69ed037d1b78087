"""Fewer index entries per imported document: indexes nothing reads, dropped.

An import into a large SQLite catalogue is bound by writing pages: each new row lands on
a different leaf page of every index over a column with scattered values, and each dirty
page is written to the WAL and again at the checkpoint (docs/performance.md, "Import:
fewer index entries per document (session 4)"). Dropped here:

* single-column indexes that are the leading column of another index of the same table
  (``document.doc_type``, ``classification``, ``unit``; ``documentagent
  .agent``; ``eventagent.event``; ``citation.publication``): the composite index serves
  every lookup they did, joins and the ON DELETE checks included. Kept although led by a
  unique index: ``documentagent.document``, ``footnote.document`` and ``agentname
  .agent``, because the search index concatenates a document's agents and notes (and an
  agent's names) in the order these read them, and that text shows in snippets; and
  ``document.status``, whose entries end with the row id: the API's list (published,
  in id order) reads it without sorting, where ``document_status_date`` would make
  SQLite sort every published document (0.64 s a page at 100,000);
* indexes no query reads: ``document.slug`` (pages are found by pk), ``document
  .message_number`` (only ever searched with ``icontains``), ``documentagent.role`` and
  ``citation.kind`` (never a filter without the agent or the publication);
* on the four history tables, every index django-simple-history copies from the model
  (12 on documents) and ``history_channel``: history is read by record id and date.
  Kept: ``id``, ``history_date``, ``history_user``, ``history_import_run``.

Only state changes for Django (``AlterField`` to ``db_index=False``); the database only
drops indexes. On SQLite an ``AlterField`` would copy each table whole (100,000
documents with their texts); ``DROP INDEX`` is instant and, not writing rows, does not
make ``migrate`` rebuild the search index (``catalogue/search/install.py``).
PostgreSQL also has a ``varchar_pattern_ops`` twin (``…_like``) for each indexed text
column, dropped with it."""

import django.db.models.deletion
from django.db import migrations, models

# (name, the statement that re-creates it)
INDEXES = [
    (
        "catalogue_citation_kind_9c2d48df",
        'CREATE INDEX "catalogue_citation_kind_9c2d48df" ON "catalogue_citation" ("kind")',
    ),
    (
        "catalogue_citation_publication_id_82663b55",
        'CREATE INDEX "catalogue_citation_publication_id_82663b55" ON "catalogue_citation" ("publication_id")',
    ),
    (
        "catalogue_document_classification_id_f09234c4",
        'CREATE INDEX "catalogue_document_classification_id_f09234c4" ON "catalogue_document" ("classification_id")',
    ),
    (
        "catalogue_document_doc_type_id_097a2b3f",
        'CREATE INDEX "catalogue_document_doc_type_id_097a2b3f" ON "catalogue_document" ("doc_type_id")',
    ),
    (
        "catalogue_document_message_number_871b2531",
        'CREATE INDEX "catalogue_document_message_number_871b2531" ON "catalogue_document" ("message_number")',
    ),
    (
        "catalogue_document_slug_3dc850a1",
        'CREATE INDEX "catalogue_document_slug_3dc850a1" ON "catalogue_document" ("slug")',
    ),
    (
        "catalogue_document_unit_id_4748fdb5",
        'CREATE INDEX "catalogue_document_unit_id_4748fdb5" ON "catalogue_document" ("unit_id")',
    ),
    (
        "catalogue_documentagent_agent_id_da273a73",
        'CREATE INDEX "catalogue_documentagent_agent_id_da273a73" ON "catalogue_documentagent" ("agent_id")',
    ),
    (
        "catalogue_documentagent_role_cfe8a3e7",
        'CREATE INDEX "catalogue_documentagent_role_cfe8a3e7" ON "catalogue_documentagent" ("role")',
    ),
    (
        "catalogue_eventagent_event_id_a6387577",
        'CREATE INDEX "catalogue_eventagent_event_id_a6387577" ON "catalogue_eventagent" ("event_id")',
    ),
    (
        "catalogue_historicalagent_history_channel_b876d4ff",
        'CREATE INDEX "catalogue_historicalagent_history_channel_b876d4ff" ON "catalogue_historicalagent" ("history_channel")',
    ),
    (
        "catalogue_historicalagent_import_run_id_0028354e",
        'CREATE INDEX "catalogue_historicalagent_import_run_id_0028354e" ON "catalogue_historicalagent" ("import_run_id")',
    ),
    (
        "catalogue_historicalagent_kind_0c2fc2fa",
        'CREATE INDEX "catalogue_historicalagent_kind_0c2fc2fa" ON "catalogue_historicalagent" ("kind")',
    ),
    (
        "catalogue_historicalagent_merged_into_id_3e5922d7",
        'CREATE INDEX "catalogue_historicalagent_merged_into_id_3e5922d7" ON "catalogue_historicalagent" ("merged_into_id")',
    ),
    (
        "catalogue_historicalagent_normalised_name_724476ef",
        'CREATE INDEX "catalogue_historicalagent_normalised_name_724476ef" ON "catalogue_historicalagent" ("normalised_name")',
    ),
    (
        "catalogue_historicalagent_slug_48cc3a5e",
        'CREATE INDEX "catalogue_historicalagent_slug_48cc3a5e" ON "catalogue_historicalagent" ("slug")',
    ),
    (
        "catalogue_historicalagent_sort_name_47ab7374",
        'CREATE INDEX "catalogue_historicalagent_sort_name_47ab7374" ON "catalogue_historicalagent" ("sort_name")',
    ),
    (
        "catalogue_historicalarchivalunit_creator_id_725253e7",
        'CREATE INDEX "catalogue_historicalarchivalunit_creator_id_725253e7" ON "catalogue_historicalarchivalunit" ("creator_id")',
    ),
    (
        "catalogue_historicalarchivalunit_history_channel_4811d8e2",
        'CREATE INDEX "catalogue_historicalarchivalunit_history_channel_4811d8e2" ON "catalogue_historicalarchivalunit" ("history_channel")',
    ),
    (
        "catalogue_historicalarchivalunit_import_run_id_98b2abe9",
        'CREATE INDEX "catalogue_historicalarchivalunit_import_run_id_98b2abe9" ON "catalogue_historicalarchivalunit" ("import_run_id")',
    ),
    (
        "catalogue_historicalarchivalunit_level_62b8f22a",
        'CREATE INDEX "catalogue_historicalarchivalunit_level_62b8f22a" ON "catalogue_historicalarchivalunit" ("level")',
    ),
    (
        "catalogue_historicalarchivalunit_merged_into_id_a751cf12",
        'CREATE INDEX "catalogue_historicalarchivalunit_merged_into_id_a751cf12" ON "catalogue_historicalarchivalunit" ("merged_into_id")',
    ),
    (
        "catalogue_historicalarchivalunit_parent_id_e31082f1",
        'CREATE INDEX "catalogue_historicalarchivalunit_parent_id_e31082f1" ON "catalogue_historicalarchivalunit" ("parent_id")',
    ),
    (
        "catalogue_historicalarchivalunit_repository_id_4e08edee",
        'CREATE INDEX "catalogue_historicalarchivalunit_repository_id_4e08edee" ON "catalogue_historicalarchivalunit" ("repository_id")',
    ),
    (
        "catalogue_historicalarchivalunit_slug_8e9c2f6b",
        'CREATE INDEX "catalogue_historicalarchivalunit_slug_8e9c2f6b" ON "catalogue_historicalarchivalunit" ("slug")',
    ),
    (
        "catalogue_historicalarchivalunit_tree_path_3eeff0c1",
        'CREATE INDEX "catalogue_historicalarchivalunit_tree_path_3eeff0c1" ON "catalogue_historicalarchivalunit" ("tree_path")',
    ),
    (
        "catalogue_historicaldocument_classification_id_35c86b35",
        'CREATE INDEX "catalogue_historicaldocument_classification_id_35c86b35" ON "catalogue_historicaldocument" ("classification_id")',
    ),
    (
        "catalogue_historicaldocument_collection_id_584e88cc",
        'CREATE INDEX "catalogue_historicaldocument_collection_id_584e88cc" ON "catalogue_historicaldocument" ("collection_id")',
    ),
    (
        "catalogue_historicaldocument_date_0b0b6fa8",
        'CREATE INDEX "catalogue_historicaldocument_date_0b0b6fa8" ON "catalogue_historicaldocument" ("date")',
    ),
    (
        "catalogue_historicaldocument_doc_type_id_fa4d2c1c",
        'CREATE INDEX "catalogue_historicaldocument_doc_type_id_fa4d2c1c" ON "catalogue_historicaldocument" ("doc_type_id")',
    ),
    (
        "catalogue_historicaldocument_history_channel_a5ca95ec",
        'CREATE INDEX "catalogue_historicaldocument_history_channel_a5ca95ec" ON "catalogue_historicaldocument" ("history_channel")',
    ),
    (
        "catalogue_historicaldocument_import_run_id_4b348a1c",
        'CREATE INDEX "catalogue_historicaldocument_import_run_id_4b348a1c" ON "catalogue_historicaldocument" ("import_run_id")',
    ),
    (
        "catalogue_historicaldocument_message_number_b8169d8a",
        'CREATE INDEX "catalogue_historicaldocument_message_number_b8169d8a" ON "catalogue_historicaldocument" ("message_number")',
    ),
    (
        "catalogue_historicaldocument_needs_review_a0fb6181",
        'CREATE INDEX "catalogue_historicaldocument_needs_review_a0fb6181" ON "catalogue_historicaldocument" ("needs_review")',
    ),
    (
        "catalogue_historicaldocument_recipient_id_b9a4dfa7",
        'CREATE INDEX "catalogue_historicaldocument_recipient_id_b9a4dfa7" ON "catalogue_historicaldocument" ("recipient_id")',
    ),
    (
        "catalogue_historicaldocument_sender_id_7be99562",
        'CREATE INDEX "catalogue_historicaldocument_sender_id_7be99562" ON "catalogue_historicaldocument" ("sender_id")',
    ),
    (
        "catalogue_historicaldocument_slug_927eaa59",
        'CREATE INDEX "catalogue_historicaldocument_slug_927eaa59" ON "catalogue_historicaldocument" ("slug")',
    ),
    (
        "catalogue_historicaldocument_status_bd321d67",
        'CREATE INDEX "catalogue_historicaldocument_status_bd321d67" ON "catalogue_historicaldocument" ("status")',
    ),
    (
        "catalogue_historicaldocument_unit_id_d55cb3a7",
        'CREATE INDEX "catalogue_historicaldocument_unit_id_d55cb3a7" ON "catalogue_historicaldocument" ("unit_id")',
    ),
    (
        "catalogue_historicalrepository_history_channel_5e1dd2c6",
        'CREATE INDEX "catalogue_historicalrepository_history_channel_5e1dd2c6" ON "catalogue_historicalrepository" ("history_channel")',
    ),
    (
        "catalogue_historicalrepository_name_836beaaf",
        'CREATE INDEX "catalogue_historicalrepository_name_836beaaf" ON "catalogue_historicalrepository" ("name")',
    ),
    (
        "catalogue_historicalrepository_slug_d036b2db",
        'CREATE INDEX "catalogue_historicalrepository_slug_d036b2db" ON "catalogue_historicalrepository" ("slug")',
    ),
]

# PostgreSQL's pattern-ops twins of the text columns above.
LIKE_INDEXES = [
    (
        "catalogue_citation_kind_9c2d48df_like",
        'CREATE INDEX "catalogue_citation_kind_9c2d48df_like" ON "catalogue_citation" ("kind" varchar_pattern_ops)',
    ),
    (
        "catalogue_document_message_number_871b2531_like",
        'CREATE INDEX "catalogue_document_message_number_871b2531_like" ON "catalogue_document" ("message_number" varchar_pattern_ops)',
    ),
    (
        "catalogue_document_slug_3dc850a1_like",
        'CREATE INDEX "catalogue_document_slug_3dc850a1_like" ON "catalogue_document" ("slug" varchar_pattern_ops)',
    ),
    (
        "catalogue_documentagent_role_cfe8a3e7_like",
        'CREATE INDEX "catalogue_documentagent_role_cfe8a3e7_like" ON "catalogue_documentagent" ("role" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalagent_history_channel_b876d4ff_like",
        'CREATE INDEX "catalogue_historicalagent_history_channel_b876d4ff_like" ON "catalogue_historicalagent" ("history_channel" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalagent_kind_0c2fc2fa_like",
        'CREATE INDEX "catalogue_historicalagent_kind_0c2fc2fa_like" ON "catalogue_historicalagent" ("kind" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalagent_normalised_name_724476ef_like",
        'CREATE INDEX "catalogue_historicalagent_normalised_name_724476ef_like" ON "catalogue_historicalagent" ("normalised_name" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalagent_slug_48cc3a5e_like",
        'CREATE INDEX "catalogue_historicalagent_slug_48cc3a5e_like" ON "catalogue_historicalagent" ("slug" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalagent_sort_name_47ab7374_like",
        'CREATE INDEX "catalogue_historicalagent_sort_name_47ab7374_like" ON "catalogue_historicalagent" ("sort_name" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalarchivalunit_history_channel_4811d8e2_like",
        'CREATE INDEX "catalogue_historicalarchivalunit_history_channel_4811d8e2_like" ON "catalogue_historicalarchivalunit" ("history_channel" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalarchivalunit_level_62b8f22a_like",
        'CREATE INDEX "catalogue_historicalarchivalunit_level_62b8f22a_like" ON "catalogue_historicalarchivalunit" ("level" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalarchivalunit_slug_8e9c2f6b_like",
        'CREATE INDEX "catalogue_historicalarchivalunit_slug_8e9c2f6b_like" ON "catalogue_historicalarchivalunit" ("slug" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalarchivalunit_tree_path_3eeff0c1_like",
        'CREATE INDEX "catalogue_historicalarchivalunit_tree_path_3eeff0c1_like" ON "catalogue_historicalarchivalunit" ("tree_path" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicaldocument_history_channel_a5ca95ec_like",
        'CREATE INDEX "catalogue_historicaldocument_history_channel_a5ca95ec_like" ON "catalogue_historicaldocument" ("history_channel" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicaldocument_message_number_b8169d8a_like",
        'CREATE INDEX "catalogue_historicaldocument_message_number_b8169d8a_like" ON "catalogue_historicaldocument" ("message_number" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicaldocument_slug_927eaa59_like",
        'CREATE INDEX "catalogue_historicaldocument_slug_927eaa59_like" ON "catalogue_historicaldocument" ("slug" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicaldocument_status_bd321d67_like",
        'CREATE INDEX "catalogue_historicaldocument_status_bd321d67_like" ON "catalogue_historicaldocument" ("status" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalrepository_history_channel_5e1dd2c6_like",
        'CREATE INDEX "catalogue_historicalrepository_history_channel_5e1dd2c6_like" ON "catalogue_historicalrepository" ("history_channel" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalrepository_name_836beaaf_like",
        'CREATE INDEX "catalogue_historicalrepository_name_836beaaf_like" ON "catalogue_historicalrepository" ("name" varchar_pattern_ops)',
    ),
    (
        "catalogue_historicalrepository_slug_d036b2db_like",
        'CREATE INDEX "catalogue_historicalrepository_slug_d036b2db_like" ON "catalogue_historicalrepository" ("slug" varchar_pattern_ops)',
    ),
]


class PostgreSQLOnlySQL(migrations.RunSQL):
    """``RunSQL`` that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def drop(indexes):
    return [f"DROP INDEX IF EXISTS {name}" for name, _ in indexes]


def create(indexes):
    return [sql for _, sql in indexes]


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0012_unit_tree"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="citation",
                    name="kind",
                    field=models.CharField(
                        choices=[
                            ("published_in", "Published in"),
                            ("transcribed_in", "Transcribed in"),
                            ("cites_printed", "Cites a printed source"),
                            ("cites_archival", "Cites an archival item"),
                        ],
                        max_length=20,
                    ),
                ),
                migrations.AlterField(
                    model_name="citation",
                    name="publication",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="citations",
                        to="catalogue.publication",
                    ),
                ),
                migrations.AlterField(
                    model_name="document",
                    name="classification",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="catalogue.classificationlevel",
                    ),
                ),
                migrations.AlterField(
                    model_name="document",
                    name="doc_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="catalogue.documenttype",
                        verbose_name="type",
                    ),
                ),
                migrations.AlterField(
                    model_name="document",
                    name="message_number",
                    field=models.CharField(blank=True, max_length=40),
                ),
                migrations.AlterField(
                    model_name="document",
                    name="slug",
                    field=models.SlugField(blank=True, db_index=False, max_length=120),
                ),
                migrations.AlterField(
                    model_name="document",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The file (or other unit) the original is filed in.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="documents",
                        to="catalogue.archivalunit",
                    ),
                ),
                migrations.AlterField(
                    model_name="documentagent",
                    name="agent",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="document_roles",
                        to="catalogue.agent",
                    ),
                ),
                migrations.AlterField(
                    model_name="documentagent",
                    name="role",
                    field=models.CharField(
                        choices=[
                            ("author", "Author"),
                            ("sender", "Sender"),
                            ("recipient", "Recipient"),
                            ("participant", "Participant"),
                            ("speaker", "Speaker"),
                            ("drafter", "Drafter"),
                            ("cleared", "Cleared by"),
                            ("concurred", "Concurred in by"),
                            ("approved", "Approved by"),
                            ("signer", "Signer"),
                            ("mentioned", "Mentioned"),
                        ],
                        max_length=20,
                    ),
                ),
                migrations.AlterField(
                    model_name="eventagent",
                    name="event",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="event_agents",
                        to="catalogue.provenanceevent",
                    ),
                ),
                migrations.AlterField(
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
                        max_length=10,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagent",
                    name="import_run",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.importrun",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagent",
                    name="kind",
                    field=models.CharField(
                        choices=[
                            ("person", "Person"),
                            ("organisation", "Organisation or office"),
                            ("family", "Family"),
                        ],
                        default="person",
                        max_length=20,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagent",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.agent",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagent",
                    name="normalised_name",
                    field=models.CharField(editable=False, max_length=255),
                ),
                migrations.AlterField(
                    model_name="historicalagent",
                    name="slug",
                    field=models.SlugField(blank=True, db_index=False, max_length=120),
                ),
                migrations.AlterField(
                    model_name="historicalagent",
                    name="sort_name",
                    field=models.CharField(blank=True, max_length=255),
                ),
                migrations.AlterField(
                    model_name="historicalarchivalunit",
                    name="creator",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.agent",
                    ),
                ),
                migrations.AlterField(
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
                        max_length=10,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalarchivalunit",
                    name="import_run",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.importrun",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalarchivalunit",
                    name="level",
                    field=models.CharField(
                        choices=[
                            ("record_group", "Record group"),
                            ("collection", "Collection"),
                            ("series", "Series"),
                            ("subseries", "Subseries"),
                            ("file", "File"),
                            ("item", "Item"),
                        ],
                        max_length=20,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalarchivalunit",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.archivalunit",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalarchivalunit",
                    name="parent",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.archivalunit",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalarchivalunit",
                    name="repository",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.repository",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalarchivalunit",
                    name="slug",
                    field=models.SlugField(blank=True, db_index=False, max_length=120),
                ),
                migrations.AlterField(
                    model_name="historicalarchivalunit",
                    name="tree_path",
                    field=models.CharField(blank=True, editable=False, max_length=255),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="classification",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.classificationlevel",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="collection",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.collection",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="date",
                    field=models.DateField(blank=True, null=True),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="doc_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.documenttype",
                        verbose_name="type",
                    ),
                ),
                migrations.AlterField(
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
                        max_length=10,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="import_run",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.importrun",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="message_number",
                    field=models.CharField(blank=True, max_length=40),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="needs_review",
                    field=models.BooleanField(default=False),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="recipient",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.agent",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="sender",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.agent",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="slug",
                    field=models.SlugField(blank=True, db_index=False, max_length=120),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("published", "Published"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        max_length=12,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocument",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        help_text="The file (or other unit) the original is filed in.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.archivalunit",
                    ),
                ),
                migrations.AlterField(
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
                        max_length=10,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalrepository",
                    name="name",
                    field=models.CharField(max_length=255),
                ),
                migrations.AlterField(
                    model_name="historicalrepository",
                    name="slug",
                    field=models.SlugField(blank=True, db_index=False, max_length=120),
                ),
            ],
            database_operations=[
                migrations.RunSQL(drop(INDEXES), reverse_sql=create(INDEXES)),
                PostgreSQLOnlySQL(drop(LIKE_INDEXES), reverse_sql=create(LIKE_INDEXES)),
            ],
        ),
    ]
