"""The results table: one row per measurement, one column per (database, tier)."""

from __future__ import annotations

NA = "not available"

# (key, label, kind, budget at 100,000 documents on SQLite)
ROWS = [
    ("generate", "Generate corpus (docs/s)", "rate", "≥ 5,000"),
    ("import", "Import Avalon texts (docs/s)", "rate", "≥ 1,000"),
    ("search_cold", "Search + 3 facets, cold caches, p50/p95/p99 ms", "p3", "≤ 50 / 150"),
    ("search", "Search + 3 facets, warm (cached counts), p50/p95/p99 ms", "p3", "≤ 50 / 150"),
    ("document_page_cold", "Document page, cold caches, p50/p95 ms", "p2", "p50 ≤ 15"),
    ("document_page", "Document page, warm (page cache), p50/p95 ms", "p2", "p50 ≤ 15"),
    ("agent_page", "Agent page, p50/p95 ms", "p2", ""),
    ("unit_page", "Unit tree page, p50/p95 ms", "p2", ""),
    ("browse_pages", "Agent index, chronology, fullest unit, cold, p50/p95 ms", "p2", ""),
    ("api_list", "API list of 100, p50/p95 ms", "p2", "p50 ≤ 60"),
    ("api_detail", "API detail, p50/p95 ms", "p2", ""),
    ("export", "NDJSON export, s / peak RSS MB", "export", "≤ 20 s / 200 MB"),
]
QUERY_ROWS = [
    "search_cold",
    "search",
    "document_page_cold",
    "document_page",
    "agent_page",
    "unit_page",
    "browse_pages",
    "api_list",
    "api_detail",
]
QUERY_LABELS = {
    "search_cold": "search (cold)",
    "search": "search (warm)",
    "document_page_cold": "document (cold)",
    "document_page": "document (warm)",
    "agent_page": "agent",
    "unit_page": "unit",
    "browse_pages": "browse",
    "api_list": "API list",
    "api_detail": "API detail",
}


def cell(measurement: dict | None, kind: str) -> str:
    if not measurement:
        return NA
    if "not_available" in measurement:
        return NA
    if kind == "rate":
        value = measurement.get("documents_per_s")
        cpu = measurement.get("documents_per_cpu_s")
        if value is None:
            return NA
        text = f"{value:,.0f}"
        if cpu:
            text += f" ({cpu:,.0f} per CPU-s)"
        if measurement.get("failed"):
            text += " [failures]"
        return text
    cpu = ""
    if measurement.get("cpu_p50_ms") is not None:
        cpu = f" (CPU {measurement['cpu_p50_ms']:.1f} / {measurement['cpu_p95_ms']:.1f})"
    if kind == "p3":
        return (
            f"{measurement['p50_ms']:.1f} / {measurement['p95_ms']:.1f} / "
            f"{measurement['p99_ms']:.1f}{cpu}"
        )
    if kind == "p2":
        return f"{measurement['p50_ms']:.1f} / {measurement['p95_ms']:.1f}{cpu}"
    if kind == "export":
        return f"{measurement['seconds']:.1f} s / {measurement['peak_rss_mb']:.0f} MB"
    return str(measurement)


def queries_cell(run: dict) -> str:
    parts = []
    for key in QUERY_ROWS:
        m = run.get("measurements", {}).get(key) or {}
        if "queries_max" in m:
            q = m["queries_max"]
            if m.get("queries_min") not in (None, q):
                q = f"{m['queries_min']}–{q}"
            parts.append(str(q))
        else:
            parts.append("–")
    return " / ".join(parts)


def rows(data: dict) -> tuple[list[str], list[list[str]]]:
    runs = data.get("runs", [])
    header = [
        "Measurement",
        *[f"{r['database']} {r['tier']:,}" for r in runs],
        "Budget (100k SQLite)",
    ]
    table = []
    for key, label, kind, budget in ROWS:
        table.append(
            [label, *[cell(r.get("measurements", {}).get(key), kind) for r in runs], budget]
        )
    table.append(
        [
            "Queries: " + " / ".join(QUERY_LABELS[k] for k in QUERY_ROWS),
            *[queries_cell(r) for r in runs],
            "constant",
        ]
    )
    return header, table


def notes(data: dict) -> list[str]:
    out = []
    for run in data.get("runs", []):
        where = f"{run['database']} {run['tier']:,}"
        if run.get("error"):
            out.append(
                f"{where}: worker failed: {run['error'].strip().splitlines()[-1] if run['error'].strip() else ''}"
            )
        for key, m in run.get("measurements", {}).items():
            if isinstance(m, dict) and "not_available" in m:
                out.append(f"{where}: {key} not available — {m['not_available']}")
            elif isinstance(m, dict) and m.get("note"):
                out.append(f"{where}: {key}: {m['note']}")
        agent = run.get("measurements", {}).get("agent_page") or {}
        if "agent" in agent:
            out.append(
                f"{where}: agent page = {agent['agent']} ({agent['agent_documents']} published documents)"
            )
        unit = run.get("measurements", {}).get("unit_page") or {}
        if "unit" in unit:
            out.append(f"{where}: unit page = {unit['unit']} ({unit['children']} child units)")
    return out


def machine_lines(data: dict) -> list[str]:
    m = data.get("machine", {})
    versions = sorted(
        {r.get("database_version", "") for r in data.get("runs", []) if r.get("database_version")}
    )
    lines = [
        f"Machine: {m.get('cores')} cores ({m.get('cpu') or 'unknown CPU'}), "
        f"{m.get('memory_mb')} MB RAM, Python {m.get('python')}, {m.get('platform')}",
        f"Databases: {', '.join(versions) or 'n/a'}",
        f"Load average at start: {m.get('load_average_at_start')}",
    ]
    probes = [
        f"{r.get('database')} {r.get('tier'):,}: {start['cpu_s']:.3f} → {end['cpu_s']:.3f} s"
        for r in data.get("runs", [])
        if (start := r.get("calibration_at_start")) and (end := r.get("calibration_at_end"))
    ]
    if probes:
        lines.append(
            "Machine speed, CPU seconds for a fixed task at a tier's start → end "
            "(lower is faster): " + "; ".join(probes)
        )
    return lines


def text(data: dict) -> str:
    header, table = rows(data)
    widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(len(header))]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(row) for row in table]
    out.append("")
    out += machine_lines(data)
    out += notes(data)
    return "\n".join(out)


def markdown(data: dict) -> str:
    header, table = rows(data)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in table]
    out.append("")
    out += [f"- {line}" for line in machine_lines(data) + notes(data)]
    return "\n".join(out) + "\n"


def is_complete(data: dict) -> bool:
    """Every run has every row, as a figure or an explicit "not available"."""
    for run in data.get("runs", []):
        if run.get("error"):
            return False
        for key, *_ in ROWS:
            if key not in run.get("measurements", {}):
                return False
    return True
