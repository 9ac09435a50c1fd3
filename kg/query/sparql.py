"""SPARQL 1.1 over a graph folder's embedded Oxigraph store, with table, CSV and JSON output."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from kg.export.rdf import PREFIXES
from kg.export.store import STORE


@dataclass(frozen=True)
class Table:
    """A SELECT result: column names and rows of plain strings (None for unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]


def with_prefixes(query: str) -> str:
    """The query with the project's PREFIX lines added for prefixes it uses but does not declare."""
    declared = {
        line.split()[1].rstrip(":")
        for line in query.splitlines()
        if line.strip().upper().startswith("PREFIX")
    }
    head = [
        f"PREFIX {p}: <{iri}>"
        for p, iri in PREFIXES.items()
        if p not in declared and f"{p}:" in query
    ]
    return "\n".join([*head, query])


def _value(term: object) -> str | None:
    if term is None:
        return None
    return str(getattr(term, "value", term))


def open_store(graph_dir: str | Path, read_only: bool = True) -> object:
    from pyoxigraph import Store

    path = Path(graph_dir) / STORE
    if not path.is_dir():
        raise FileNotFoundError(
            f"{graph_dir}: no SPARQL store here (run `kg build … --out {graph_dir}`)"
        )
    return Store.read_only(str(path)) if read_only else Store(str(path))


def query(graph_dir: str | Path, sparql: str) -> Table | bool:
    """Run a SELECT (→ Table) or ASK (→ bool) query against the store in `graph_dir`."""
    from pyoxigraph import QueryBoolean, QuerySolutions

    store = open_store(graph_dir)
    result = store.query(with_prefixes(sparql))  # type: ignore[attr-defined]
    if isinstance(result, QueryBoolean):
        return bool(result)
    if not isinstance(result, QuerySolutions):
        raise ValueError("only SELECT and ASK queries are answered here")
    columns = tuple(v.value for v in result.variables)
    rows = tuple(tuple(_value(solution[c]) for c in columns) for solution in result)
    return Table(columns, rows)


def render(result: Table | bool, fmt: str = "table") -> str:
    """The result as an aligned text table, CSV or SPARQL-JSON-like JSON."""
    if isinstance(result, bool):
        return json.dumps({"boolean": result}) if fmt == "json" else str(result).lower()
    return RENDERERS[fmt](result)


def compact(value: str | None) -> str:
    """An IRI shortened with the project's prefixes (`kg:Dataset`), other values as they are."""
    if not value:
        return ""
    for prefix, iri in PREFIXES.items():
        if value.startswith(iri) and "/" not in value[len(iri) :] and "#" not in value[len(iri) :]:
            return f"{prefix}:{value[len(iri) :]}"
    return value


def _table(result: Table) -> str:
    cells = [list(result.columns)] + [[compact(v) for v in row] for row in result.rows]
    widths = [min(max(len(r[i]) for r in cells), 80) for i in range(len(result.columns))]
    lines = [" | ".join(c[:80].ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines) + f"\n({len(result.rows)} rows)"


def _csv(result: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([[v or "" for v in row] for row in result.rows])
    return buffer.getvalue()


def _json(result: Table) -> str:
    bindings = [
        {c: {"value": v} for c, v in zip(result.columns, row, strict=True) if v is not None}
        for row in result.rows
    ]
    return json.dumps(
        {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}},
        ensure_ascii=False,
        indent=1,
    )


RENDERERS = {"table": _table, "csv": _csv, "json": _json}
