"""Names and texts both vendors' indexes share: the index tables' names, the agent-key
mark, and the SQL gathering a document's four indexed texts and an agent's names.

Separate because the FTS5 statements (``fts5.py``) and the PostgreSQL functions
(``tsvector.py``) index the same texts: one definition keeps what a document is found
by identical on both databases.
"""

# One name on both databases, so one unmanaged model (``models.DocumentSearchEntry``)
# maps either; the document id is the ``rowid`` on both.
FTS_TABLE = PG_TABLE = "catalogue_document_search"
AGENT_TABLE = "catalogue_agent_search"
# U+E002, private use: the first character of an agent key (U+E000/E001 mark highlights).
AGENT_MARK = 0xE002

# The agents of document ``d``: its roles, sender and recipient.
_DOC_AGENT_IDS = (
    "SELECT da.agent_id AS id FROM catalogue_documentagent da WHERE da.document_id = d.id "
    "UNION SELECT d.sender_id UNION SELECT d.recipient_id"
)


def _fields_sql(agg: str, keys: bool, texts: bool = True) -> str:
    """The four indexed texts of every document ``d``; ``agg`` is the string aggregate;
    ``keys`` adds a fifth, ``agent_keys`` (SQLite: its own column, so that snippets of
    the agents column never show them; PostgreSQL puts them in the vector only, see
    ``_PG_KEYS``); ``texts=False`` leaves out the document's own title and body (SQLite
    reads those from the document row, see ``SQLITE_SOURCE``)."""

    def joined(expr: str, source: str) -> str:
        return f"COALESCE((SELECT {agg}({expr}, ' ') FROM {source}), '')"

    notes = (
        "COALESCE(d.subject_line, '') || ' ' || COALESCE(d.source_note, '') || ' ' || "
        + joined("f.text", "catalogue_footnote f WHERE f.document_id = d.id")
    )
    agents = (
        joined(
            "a.authorised_name || ' ' || da.name_as_written",
            "catalogue_documentagent da JOIN catalogue_agent a ON a.id = da.agent_id "
            "WHERE da.document_id = d.id",
        )
        + " || ' ' || "
        + joined(
            "s.authorised_name", "catalogue_agent s WHERE s.id IN (d.sender_id, d.recipient_id)"
        )
    )
    fields = f"{notes} AS notes, {agents} AS agents"
    if texts:
        fields = "COALESCE(d.title, '') AS title, COALESCE(d.text, '') AS body, " + fields
    if keys:
        fields += ", " + joined(
            f"char({AGENT_MARK}) || k.id", f"({_DOC_AGENT_IDS}) k WHERE k.id IS NOT NULL"
        )
        fields += " AS agent_keys"
    return fields


def _agent_names_sql(agg: str) -> str:
    """All names of agent ``a``, authorised first."""
    return (
        f"a.authorised_name || ' ' || COALESCE((SELECT {agg}(n.name, ' ') "
        "FROM catalogue_agentname n WHERE n.agent_id = a.id), '')"
    )
