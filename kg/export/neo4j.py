"""Neo4j: the graph as labelled nodes and typed relationships, written by `UNWIND … MERGE` over Bolt.

Labels and relationship types come only from the whitelists below; every value is a
query parameter, so a name such as ``x`}) DETACH DELETE n //`` lands as data. Writes are
idempotent (MERGE on `id`), so a second export changes nothing and a larger graph merges
into what is there. Dialects: `neo4j` (uniqueness constraints first) and `falkordb`
(FalkorDB's Bolt endpoint: no schema statements, and no message over about 4 KB, so
batches are cut by size and long strings are written in pieces).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.graph import KIND

log = logging.getLogger(__name__)

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
MAX_MESSAGE = {"neo4j": None, "falkordb": 3000}
CHUNK = 1500  # characters of a long string sent per statement on FalkorDB


class ExportError(RuntimeError):
    """A one-line reason the export failed (wrong URI, credentials, unreachable server)."""


@dataclass(frozen=True)
class Statement:
    """A Cypher text (labels from the whitelists only) and its parameters.

    `kind` is `nodes` or `relationships` (`rows` are unwound, and counted) or `append`
    (`rows` holds the one parameter map of a long string written in pieces).
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


def schema_statements(dialect: str) -> list[str]:
    """Uniqueness constraints on `id`, one per label (Neo4j).

    FalkorDB gets none: its Bolt endpoint rejects constraint DDL and, seen here, a second
    `CREATE INDEX` on an existing index hangs the connection; MERGE stays correct without.
    """
    if dialect == "neo4j":
        return [
            f"CREATE CONSTRAINT kg_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
            for label in sorted(NODE_LABELS)
        ]
    return []


def node_cypher(label: str) -> str:
    return f"UNWIND $rows AS row MERGE (n:{_label(label)} {{id: row.id}}) SET n += row.props"


def rel_cypher(rel_type: str, src: str, dst: str) -> str:
    if rel_type not in REL_TYPES.values():
        raise ValueError(f"relationship type {rel_type!r} is not in the whitelist")
    return (
        f"UNWIND $rows AS row MATCH (a:{_label(src)} {{id: row.src}}) MATCH (b:{_label(dst)} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel_type}]->(b) SET r += row.props"
    )


def _size(row: dict[str, Any]) -> int:
    return len(json.dumps(row, ensure_ascii=False).encode("utf-8"))


def batches(
    rows: list[dict[str, Any]], batch_size: int, max_bytes: int | None = None
) -> Iterator[list[dict[str, Any]]]:
    """Consecutive batches of at most `batch_size` rows and, if given, about `max_bytes` of JSON."""
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        row_size = _size(row)
        if batch and (len(batch) >= batch_size or (max_bytes and size + row_size > max_bytes)):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield batch


def _split_long(
    rows: list[dict[str, Any]], max_bytes: int | None
) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """Rows with long string properties cut to CHUNK characters, and the (id, key, rest) to append."""
    if not max_bytes:
        return rows, []
    short, rest = [], []
    for row in rows:
        props = dict(row["props"])
        for key, value in row["props"].items():
            if isinstance(value, str) and len(value.encode("utf-8")) > CHUNK:
                props[key] = value[:CHUNK]
                rest.append((row["id"], key, value[CHUNK:]))
        short.append({**row, "props": props})
    return short, rest


def statements(
    graph: nx.MultiDiGraph, dialect: str = "neo4j", batch_size: int = 500
) -> Iterator[Statement]:
    """All write statements of an export, nodes before relationships."""
    max_bytes = MAX_MESSAGE[dialect]
    for label, rows in sorted(node_rows(graph).items()):
        short, rest = _split_long(rows, max_bytes)
        for batch in batches(short, batch_size, max_bytes):
            yield Statement(node_cypher(label), batch, "nodes")
        for node_id, key, tail in rest:
            for start in range(0, len(tail), CHUNK):
                # `key` is one of our own property names, never text from a paper.
                yield Statement(
                    f"MATCH (n:{label} {{id: $id}}) SET n.{key} = n.{key} + $part",
                    [{"id": node_id, "part": tail[start : start + CHUNK]}],
                    "append",
                )
    for (rel_type, src, dst), rows in sorted(rel_rows(graph).items()):
        for batch in batches(rows, batch_size, max_bytes):
            yield Statement(rel_cypher(rel_type, src, dst), batch, "relationships")


def _run(tx: Any, statement: Statement) -> None:
    if statement.kind == "append":
        tx.run(statement.cypher, **statement.rows[0]).consume()
    else:
        tx.run(statement.cypher, rows=statement.rows).consume()


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
    """Write `graph` to the server at `uri`; returns counts of rows sent per kind."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ConfigurationError, Neo4jError, ServiceUnavailable

    if dialect not in MAX_MESSAGE:
        raise ExportError(f"unknown dialect {dialect!r} (neo4j or falkordb)")
    auth = (user, password or "") if user else None
    try:
        driver = GraphDatabase.driver(uri, auth=auth)
    except (ValueError, ConfigurationError) as err:
        raise ExportError(f"bad Neo4j URI {uri!r}: {err}") from None
    counts = {"nodes": 0, "relationships": 0}
    try:
        with driver:
            driver.verify_connectivity()
            with driver.session(database=database) as session:
                for cypher in schema_statements(dialect):
                    try:
                        session.run(cypher).consume()
                    except Neo4jError as err:  # an index that exists already, on FalkorDB
                        log.debug("schema statement skipped: %s", err)
                todo: Iterable[Statement] = statements(graph, dialect, batch_size)
                if progress:
                    from tqdm import tqdm

                    todo = tqdm(list(todo), desc="neo4j", unit="batch", disable=None, leave=False)
                for statement in todo:
                    session.execute_write(_run, statement)  # retried on transient errors
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
    return counts
