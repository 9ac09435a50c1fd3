"""Neo4j: the graph as labelled nodes and typed relationships, written by `UNWIND … MERGE` over Bolt.

Labels and relationship types come only from the whitelists below; every value is a
query parameter, so a name such as ``x`}) DETACH DELETE n //`` lands as data. Writes are
idempotent (MERGE on `id`), so a second export changes nothing and a larger graph merges
into what is there. Dialects (`DIALECTS`): `neo4j` (uniqueness constraints first) and
`falkordb` (FalkorDB's Bolt endpoint, see kg/export/falkordb.py: strings escaped, an id
index per label, statements measured and long strings written in pieces).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.export import falkordb
from kg.graph import KIND
from kg.ids import link_id

NODE_LABELS = frozenset({"Paper", *KIND.values()})
REL_TYPES = {
    "proposes": "PROPOSES",
    "uses": "USES",
    "evaluates_on": "EVALUATES_ON",
    "compares_with": "COMPARES_WITH",
    "addresses": "ADDRESSES",
    "reports": "REPORTS",
    "has_code": "HAS_CODE",
}
CHUNK = 600  # bytes of a long string sent per statement on FalkorDB (5 per row stay < 4 KB)


class ExportError(RuntimeError):
    """A one-line reason the export failed (wrong URI, credentials, unreachable server)."""


@dataclass(frozen=True)
class Statement:
    """A Cypher text (labels from the whitelists only) and its parameters.

    `kind` is `nodes` or `relationships` (`rows` are unwound, and counted) or `append`
    (`rows` holds the one parameter map of a long string written in pieces). Rows are as
    the dialect sends them (escaped for FalkorDB).
    """

    cypher: str
    rows: list[dict[str, Any]]
    kind: str


def _label(kind: str) -> str:
    if kind not in NODE_LABELS:
        raise ValueError(f"label {kind!r} is not in the whitelist")
    return kind


def node_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    """Rows per node label: `{id, props}` with list-free, nesting-free properties."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node, data in sorted(graph.nodes(data=True)):
        kind = _label(data["kind"])
        if kind == "Paper":
            props = {k: data.get(k) or "" for k in ("title", "abstract", "date", "source")}
        else:
            props = {"name": data.get("name", ""), "aliases": list(data.get("aliases", []))}
        rows[kind].append({"id": node, "props": props})
    return rows


def rel_rows(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Rows per (type, source label, target label): `{src, dst, props}` with the evidence."""
    rows: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for src, dst, key, data in sorted(
        graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])
    ):
        evidence = data.get("evidence", [])
        first = evidence[0] if evidence else {}
        props = {
            # The RDF export's link id (`kgr:link/<id>`): joins a Cypher row to its provenance.
            "id": data.get("id") or link_id(src, key, dst),
            "confidence": float(data.get("confidence", 0.0)),
            "sentence": first.get("sentence", ""),
            "field": first.get("field", ""),
            "start": int(first.get("start", -1)),
            "end": int(first.get("end", -1)),
            "extractor": first.get("extractor", ""),
            "version": first.get("version", ""),
            "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True),
        }
        kind = (REL_TYPES[key], _label(graph.nodes[src]["kind"]), _label(graph.nodes[dst]["kind"]))
        rows[kind].append({"src": src, "dst": dst, "props": props})
    return rows


def constraint_statements(session: Any = None) -> list[str]:
    """Uniqueness constraints on `id`, one per label (Neo4j; `IF NOT EXISTS` makes them re-runnable)."""
    return [
        f"CREATE CONSTRAINT kg_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        for label in sorted(NODE_LABELS)
    ]


@dataclass(frozen=True)
class Dialect:
    """How one kind of Bolt server is written to.

    `encode` maps each row before it is measured and sent; `max_bytes` bounds a batch as
    `size` measures rows (None: count only); `schema(session)` gives the statements to run
    first; `settle(uri)` runs before connecting and after closing; `options` go to the driver.
    """

    name: str
    encode: Callable[[Any], Any]
    max_bytes: int | None
    size: Callable[[Any], int]
    schema: Callable[[Any], list[str]]
    settle: Callable[[str], Any]
    options: dict[str, Any] = field(default_factory=dict)


def _json_size(row: Any) -> int:
    return len(json.dumps(row, ensure_ascii=False).encode("utf-8"))


DIALECTS = {
    "neo4j": Dialect(
        "neo4j", lambda row: row, None, _json_size, constraint_statements, lambda uri: None
    ),
    "falkordb": Dialect(
        "falkordb",
        falkordb.splice_safe,
        3000,
        falkordb.row_size,
        lambda session: falkordb.index_statements(session, NODE_LABELS),
        falkordb.absorb_stale_connection,
        # A connection that still lands on a stale descriptor fails in seconds and is retried.
        {"connection_timeout": 5.0, "connection_acquisition_timeout": 5.0},
    ),
}


def dialect_of(name: str) -> Dialect:
    if name not in DIALECTS:
        raise ExportError(f"unknown dialect {name!r} (choose from {', '.join(DIALECTS)})")
    return DIALECTS[name]


def node_cypher(label: str) -> str:
    return f"UNWIND $rows AS row MERGE (n:{_label(label)} {{id: row.id}}) SET n += row.props"


def rel_cypher(rel_type: str, src: str, dst: str) -> str:
    if rel_type not in REL_TYPES.values():
        raise ValueError(f"relationship type {rel_type!r} is not in the whitelist")
    return (
        f"UNWIND $rows AS row MATCH (a:{_label(src)} {{id: row.src}}) MATCH (b:{_label(dst)} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel_type}]->(b) SET r += row.props"
    )


def batches(
    rows: list[dict[str, Any]],
    batch_size: int,
    max_bytes: int | None = None,
    size: Callable[[Any], int] = _json_size,
) -> Iterator[list[dict[str, Any]]]:
    """Consecutive batches of at most `batch_size` rows and, if given, `max_bytes` as `size` measures."""
    batch: list[dict[str, Any]] = []
    total = 0
    for row in rows:
        row_size = size(row) if max_bytes else 0
        if batch and (len(batch) >= batch_size or (max_bytes and total + row_size > max_bytes)):
            yield batch
            batch, total = [], 0
        batch.append(row)
        total += row_size
    if batch:
        yield batch


def _split_long(
    rows: list[dict[str, Any]], max_bytes: int | None, keys: tuple[str, ...]
) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], str, list[str]]]]:
    """Rows with long string properties cut to CHUNK bytes, and (row keys, property, rest) to append."""
    if not max_bytes:
        return rows, []
    short, rest = [], []
    for row in rows:
        props = dict(row["props"])
        for key, value in row["props"].items():
            if isinstance(value, str) and len(falkordb.splice_safe(value).encode()) > CHUNK:
                head, *tail = falkordb.pieces(value, CHUNK)
                props[key] = head
                rest.append(({k: row[k] for k in keys}, key, tail))
        short.append({**row, "props": props})
    return short, rest


def _append_cypher(match: str, key: str) -> str:
    # `key` is one of our own property names, never text from a paper.
    return f"{match} SET x.{key} = x.{key} + $part"


def statements(
    graph: nx.MultiDiGraph, dialect: str = "neo4j", batch_size: int = 500
) -> Iterator[Statement]:
    """All write statements of an export, nodes before relationships."""
    d = dialect_of(dialect)
    for label, rows in sorted(node_rows(graph).items()):
        short, rest = _split_long(rows, d.max_bytes, ("id",))
        encoded = [d.encode(row) for row in short]
        for batch in batches(encoded, batch_size, d.max_bytes, d.size):
            yield Statement(node_cypher(label), batch, "nodes")
        for keys, key, tail in rest:
            cypher = _append_cypher(f"MATCH (x:{label} {{id: $id}})", key)
            for part in tail:
                yield Statement(cypher, [d.encode({**keys, "part": part})], "append")
    for (rel_type, src, dst), rows in sorted(rel_rows(graph).items()):
        short, rest = _split_long(rows, d.max_bytes, ("src", "dst"))
        encoded = [d.encode(row) for row in short]
        for batch in batches(encoded, batch_size, d.max_bytes, d.size):
            yield Statement(rel_cypher(rel_type, src, dst), batch, "relationships")
        for keys, key, tail in rest:
            match = f"MATCH (:{src} {{id: $src}})-[x:{rel_type}]->(:{dst} {{id: $dst}})"
            for part in tail:
                yield Statement(
                    _append_cypher(match, key), [d.encode({**keys, "part": part})], "append"
                )


def _run(tx: Any, statement: Statement) -> tuple[int, int]:
    """Run one statement; (nodes created, relationships created) as the server counts them."""
    if statement.kind == "append":
        summary = tx.run(statement.cypher, **statement.rows[0]).consume()
    else:
        summary = tx.run(statement.cypher, rows=statement.rows).consume()
    return summary.counters.nodes_created, summary.counters.relationships_created


SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def open_driver(
    uri: str, user: str | None = None, password: str | None = None, **options: Any
) -> Any:
    """A neo4j driver for a Bolt URI (no auth without a user); ExportError for a malformed URI."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import ConfigurationError

    if uri.split("://")[0] not in SCHEMES or "://" not in uri:
        raise ExportError(f"bad Neo4j URI {uri!r}: expected {', '.join(SCHEMES)}://HOST:PORT")
    auth = (user, password or "") if user else None
    try:
        return GraphDatabase.driver(uri, auth=auth, **options)
    except (ValueError, ConfigurationError) as err:
        raise ExportError(f"bad Neo4j URI {uri!r}: {err}") from None


def export_neo4j(
    graph: nx.MultiDiGraph,
    uri: str,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    batch_size: int = 500,
    dialect: str = "neo4j",
    progress: bool = False,
) -> dict[str, int]:
    """Write `graph` to the server at `uri`.

    Returns rows sent (`nodes`, `relationships`) and what the server reports it created
    (`nodes_created`, `relationships_created`: zero on a re-run).
    """
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

    d = dialect_of(dialect)
    driver = open_driver(uri, user, password, **d.options)
    counts = dict.fromkeys(("nodes", "relationships", "nodes_created", "relationships_created"), 0)
    d.settle(uri)
    try:
        with driver:
            try:
                driver.verify_connectivity()
            except ServiceUnavailable:  # a stale descriptor on FalkorDB: settle, then once more
                d.settle(uri)
                driver.verify_connectivity()
            with driver.session(database=database) as session:
                for cypher in d.schema(session):
                    session.run(cypher).consume()
                todo: Iterable[Statement] = statements(graph, dialect, batch_size)
                if progress:
                    from tqdm import tqdm

                    todo = tqdm(list(todo), desc="neo4j", unit="batch", disable=None, leave=False)
                for statement in todo:
                    created = session.execute_write(_run, statement)  # retried if transient
                    counts["nodes_created"] += created[0]
                    counts["relationships_created"] += created[1]
                    if statement.kind != "append":
                        counts[statement.kind] += len(statement.rows)
    except AuthError:
        raise ExportError(
            f"Neo4j at {uri} refused the credentials (check NEO4J_USER / NEO4J_PASSWORD)"
        ) from None
    except ServiceUnavailable:
        raise ExportError(
            f"no Neo4j server answers at {uri} (is it running? is the URI right?)"
        ) from None
    except Neo4jError as err:
        raise ExportError(f"the server at {uri} rejected a statement: {err.message}") from None
    finally:
        d.settle(uri)
    return counts
