"""The shape of the rows the writer builds: each table's columns, the child tables a
document fills, and ``BatchRows``, one batch's rows per table.

Separate from ``documents`` (which builds and inserts the rows) because both sides of a
load agree on these: the planning worker lays rows out by them, the inserting process
and the scratch files of a staged load name their columns from them.
"""

from catalogue.models import Citation, DocumentAgent, DocumentRelation, Footnote

DOCUMENT_COLUMNS = [
    "id",
    "title",
    "slug",
    "collection_id",
    "doc_type_id",
    "sender_id",
    "recipient_id",
    "place",
    "date",
    "date_precision",
    "date_certainty",
    "date_text",
    "date_note",
    "time",
    "time_text",
    "message_number",
    "subject_line",
    "routing",
    "text",
    "raw_text",
    "source_note",
    "unit_id",
    "item_reference",
    "classification_id",
    "received_text",
    "received_time",
    "transmission_note",
    "editorial_note",
    "status",
    "withdrawn_reason",
    "published_at",
    "identity_key",
    "source_file",
    "source_checksum",
    "created_at",
    "updated_at",
]
TEXT_SLOT = DOCUMENT_COLUMNS.index("text")
TEXT_LENGTH = "corpus_text_length"
# Staged loads: tables whose rows still travel pickled and are bound by the inserting
# process. Binding is what staging moves to the worker, and these two cost the worker
# the most per row of what they save the inserting process (20k documents, CPU:
# events 0.44 s staged against 0.07 s pickled in the worker, 0.13 s copied against
# 0.72 s bound here; citations 0.16 / 0.01 against 0.05 / 0.25): sending them keeps
# the two processes' shares about even.
SENT_WHEN_STAGED = frozenset({"events", "citations"})
# (Only in a load's middle part, from ``staging.SEND_ALL_BUT_DOCUMENTS_UNTIL`` to
# ``staging.STAGE_ALL_FROM_SHARE``: see ``CorpusWriter.sent_pickled``.)
RAW_TEXT_SLOT = DOCUMENT_COLUMNS.index("raw_text")


class BatchRows:
    """One batch's rows per table, as plain tuples: what the planning side hands to the
    inserting side (pickled across a process boundary when planning runs in a worker).

    On SQLite a document row carries, in place of ``text``, where the body starts in
    ``raw_text`` (1-based) and, after the last column, its length: the database cuts
    ``text`` out of ``raw_text`` (``substr``), so the body crosses the pipe and the
    inserting process's bindings once. Events carry their ids on SQLite (contiguous
    from the top reserved before the load: nothing else can write under the
    transaction's lock); on PostgreSQL they carry none and event agents point at their
    event by its position in ``events``, the ids coming from the sequence, which only
    the inserting side may touch."""

    __slots__ = ("documents", "tables", "files_written")

    def __init__(self, documents: int, tables: dict[str, list[tuple]], files_written: int = 0):
        self.documents = documents
        self.tables = tables
        self.files_written = files_written

    def __getstate__(self):
        return (self.documents, self.tables, self.files_written)

    def __setstate__(self, state):
        self.documents, self.tables, self.files_written = state


# Child tables: (counter key, model or M2M field name, columns).
CHILD_TABLES = [
    (
        "footnotes",
        Footnote,
        ["document_id", "number", "text", "kind", "anchor_text", "marker_offset", "resolved_date"],
    ),
    (
        "agent_roles",
        DocumentAgent,
        [
            "document_id",
            "agent_id",
            "role",
            "position_title",
            "name_as_written",
            "sequence",
            "note",
        ],
    ),
    ("caveat_links", "caveats", ["document_id", "caveat_id"]),
    ("subject_links", "subjects", ["document_id", "subject_id"]),
    (
        "citations",
        Citation,
        [
            "document_id",
            "kind",
            "publication_id",
            "unit_id",
            "document_number",
            "pages",
            "text",
            "url",
            "sequence",
        ],
    ),
    (
        "relations",
        DocumentRelation,
        [
            "source_id",
            "target_id",
            "relation_type",
            "target_label",
            "target_document_number",
            "note",
        ],
    ),
]
EVENT_COLUMNS = [
    "id",
    "document_id",
    "event_type",
    "sequence",
    "date",
    "date_precision",
    "date_certainty",
    "date_text",
    "time",
    "place",
    "description",
    "evidence",
    "custodian_before_id",
    "custodian_after_id",
    "unit_id",
    "publication_id",
]

EVENT_AGENT_COLUMNS = ["event_id", "agent_id", "role"]
