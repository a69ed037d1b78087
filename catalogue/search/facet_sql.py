"""The SQL pieces of the facet engine's one counting statement: the filter test, the
``IN`` lists and one grouped branch per facet. Text only; ``facet_engine`` runs it."""

from .facets import AGENT_KEYS_TABLE, ROLE_SLOTS, ROW_COLUMNS, facets_pg

# The narrow row's columns the counting statement materialises.
MATERIALISED = [c.strip() for c in ROW_COLUMNS.split(",") if c.strip() != "status"]


def at_most_one_fails(conditions: list[tuple[str, list]]) -> tuple[str, list]:
    """SQL true when at most one of these conditions fails (NULL fails), short-circuited:
    a row passing the first needs at most one failure among the rest, a row failing it
    must pass all the rest, so most rows are decided after one or two tests instead of
    every condition being evaluated and summed."""
    if len(conditions) < 2:
        return "1 = 1", []
    (sql, params), rest = conditions[0], conditions[1:]
    passing, passing_params = at_most_one_fails(rest)
    every = " AND ".join(f"({s})" for s, _ in rest)
    return (
        f"CASE WHEN {sql} THEN {passing} ELSE {every} END",
        [*params, *passing_params, *(p for _, ps in rest for p in ps)],
    )


def in_list(column: str, values: list) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def link_branch(facet: str, through: str, column: str, label_table: str, key: str, label: str):
    return (
        f"SELECT '{facet}', t.{key}{{text}}, t.{label}, NULL, g.n FROM ("
        f"SELECT x.{column} v, count(*) n FROM {{source}} {{join}} {through} x "
        f"ON x.document_id = m.document_id WHERE {{where}} GROUP BY 1) g "
        f"JOIN {label_table} t ON t.id = g.v ORDER BY g.n DESC, t.{key} LIMIT {{limit}}"
    )


def column_branch(facet: str, column: str, label_table: str, key: str, label: str, order=None):
    return (
        f"SELECT '{facet}', t.{key}{{text}}, t.{label}, "
        f"{'t.rank{text}' if order else 'NULL'}, g.n FROM ("
        f"SELECT m.{column} v, count(*) n FROM {{source}} WHERE m.{column} IS NOT NULL "
        f"AND {{where}} "
        f"GROUP BY 1) g JOIN {label_table} t ON t.id = g.v "
        f"ORDER BY {order or f'g.n DESC, t.{key}'} LIMIT {{limit}}"
    )


# One branch per facet of ``catalogue.filters.FACETS``: (facet, value, label, extra, n).
FACET_SQL = {
    "type": column_branch("type", "doc_type_id", "catalogue_documenttype", "key", "label"),
    "classification": column_branch(
        "classification",
        "classification_id",
        "catalogue_classificationlevel",
        "slug",
        "name",
        order="t.rank DESC",
    ),
    "caveat": link_branch(
        "caveat", "catalogue_document_caveats", "caveat_id", "catalogue_caveat", "slug", "name"
    ),
    "repository": column_branch(
        "repository", "repository_id", "catalogue_repository", "slug", "name"
    ),
    "unit": column_branch("unit", "unit_id", "catalogue_archivalunit", "id", "title"),
    # Grouped by the one-integer agent key, split into agent and role afterwards.
    "agent": (
        f"SELECT 'agent', g.v{{text}}, t.authorised_name, g.w, g.n FROM ("
        f"SELECT k.agent_key / {ROLE_SLOTS} v, {facets_pg.role_of('k.agent_key')} w, k.n FROM ("
        f"SELECT x.agent_key, count(*) n FROM {{source}} {{join}} {AGENT_KEYS_TABLE} x "
        f"ON x.document_id = m.document_id WHERE {{where}} GROUP BY 1) k) g "
        f"JOIN catalogue_agent t ON t.id = g.v ORDER BY g.n DESC, t.authorised_name, g.w, g.v "
        f"LIMIT {{limit}}"
    ),
    "date": (
        "SELECT 'date', m.date{text}, NULL, NULL, count(*) FROM {source} "
        "WHERE m.date IS NOT NULL AND {where} GROUP BY m.date ORDER BY m.date LIMIT {limit}"
    ),
    "subject": link_branch(
        "subject", "catalogue_document_subjects", "subject_id", "catalogue_subject", "slug", "name"
    ),
}
