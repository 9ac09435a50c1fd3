"""A read-only SPARQL 1.1 Protocol service over a graph's Oxigraph store, with a timeout and a cap.

Queries run in worker processes that open the store read-only; a query still running at
the timeout has its worker killed and replaced (Oxigraph cannot interrupt a query, a
process can be stopped). Results: SPARQL 1.1 Query Results JSON and CSV for SELECT, JSON
for ASK, N-Triples for CONSTRUCT and DESCRIBE; rows past the cap are not sent.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.query.sparql import with_prefixes

JSON_TYPE = "application/sparql-results+json"
CSV_TYPE = "text/csv"
NT_TYPE = "application/n-triples"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FORMATS = {"json": JSON_TYPE, "csv": CSV_TYPE}


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, content type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Result:
    """A query result as plain data: `kind` is select, ask or graph.

    `rows` hold terms as (type, value, datatype, language) tuples, None when unbound;
    `triples` holds N-Triples lines; `truncated` says the cap cut rows off.
    """

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[tuple[str, str, str, str] | None, ...], ...] = ()
    boolean: bool = False
    triples: tuple[str, ...] = ()
    truncated: bool = False


class QueryFailed(Exception):
    """The query was refused or failed; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _term(term: Any) -> tuple[str, str, str, str] | None:
    from pyoxigraph import BlankNode, Literal, NamedNode

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return ("uri", term.value, "", "")
    if isinstance(term, BlankNode):
        return ("bnode", term.value, "", "")
    if isinstance(term, Literal):
        language = term.language or ""
        datatype = "" if language or term.datatype.value == XSD_STRING else term.datatype.value
        return ("literal", term.value, datatype, language)
    return ("literal", str(term), "", "")  # RDF-star triple terms, as text


def evaluate(store: Any, sparql: str, cap: int) -> Result:
    """Run one query on an open store, keeping at most `cap` rows or triples."""
    from pyoxigraph import QueryBoolean, QuerySolutions

    result = store.query(with_prefixes(sparql))
    if isinstance(result, QueryBoolean):
        return Result("ask", boolean=bool(result))
    if isinstance(result, QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows: list[tuple[tuple[str, str, str, str] | None, ...]] = []
        for solution in result:
            if len(rows) == cap:
                return Result("select", variables, tuple(rows), truncated=True)
            rows.append(tuple(_term(solution[v]) for v in variables))
        return Result("select", variables, tuple(rows))
    triples: list[str] = []
    for triple in result:
        if len(triples) == cap:
            return Result("graph", triples=tuple(triples), truncated=True)
        triples.append(f"{triple} .\n")
    return Result("graph", triples=tuple(triples))


def _worker(store_dir: str, conn: Connection) -> None:
    """A worker process: answer (query, cap) messages until the pipe closes."""
    from pyoxigraph import Store

    store = Store.read_only(store_dir)
    while True:
        try:
            sparql, cap = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", evaluate(store, sparql, cap)))
        except SyntaxError as err:
            conn.send(("syntax", str(err)))
        except Exception as err:  # any failure of one query is that query's answer
            conn.send(("error", f"{type(err).__name__}: {err}"))


class _Worker:
    def __init__(self, store_dir: str) -> None:
        context = mp.get_context("spawn")  # never fork a threaded server
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(store_dir, child), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class SparqlService:
    """A pool of query worker processes over the store of one graph folder."""

    def __init__(
        self, graph_dir: str | Path, workers: int = 2, timeout: float = 10.0, cap: int = 10_000
    ) -> None:
        from kg.export.store import STORE
        from kg.query.sparql import open_store

        open_store(graph_dir)  # fail early, in this process, on a missing store
        self.store_dir = str(Path(graph_dir) / STORE)
        self.timeout = timeout
        self.cap = cap
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.all: list[_Worker] = []
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.store_dir)
        with self.lock:
            self.all.append(worker)
        self.idle.put(worker)

    def run(self, sparql: str, cap: int | None = None) -> Result:
        """Evaluate `sparql`; QueryFailed(400) if it is not a query, (503) on timeout or when busy."""
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty as err:
            raise QueryFailed(503, "all query workers are busy; try again") from err
        try:
            worker.conn.send((sparql, min(cap or self.cap, self.cap)))
            if not worker.conn.poll(self.timeout):
                raise TimeoutError
            status, payload = worker.conn.recv()
        except (TimeoutError, EOFError, OSError) as err:
            self._replace(worker)
            raise QueryFailed(
                503, f"query stopped after {self.timeout:g} s (the time limit)"
            ) from err
        self.idle.put(worker)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        raise QueryFailed(400 if status == "syntax" else 500, payload)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self.lock:
            self.all.remove(worker)
        self._add()

    def close(self) -> None:
        with self.lock:
            workers, self.all = self.all, []
        for worker in workers:
            worker.stop()


def results_json(result: Result) -> bytes:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}).encode()
    bindings = []
    for row in result.rows:
        binding: dict[str, dict[str, str]] = {}
        for name, term in zip(result.variables, row, strict=True):
            if term is None:
                continue
            kind, value, datatype, language = term
            binding[name] = {"type": kind, "value": value}
            if datatype:
                binding[name]["datatype"] = datatype
            if language:
                binding[name]["xml:lang"] = language
        bindings.append(binding)
    body = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def results_csv(result: Result) -> bytes:
    """SPARQL 1.1 Query Results CSV (values only, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            ["" if t is None else ("_:" + t[1] if t[0] == "bnode" else t[1]) for t in row]
        )
    return buffer.getvalue().encode("utf-8")


def choose_format(accept: str | None, fmt: str | None) -> str | None:
    """`json` or `csv` from the `format` parameter, else from the Accept header (JSON by default)."""
    if fmt:
        key = fmt.lower()
        key = next((k for k, v in FORMATS.items() if v == key), key)
        return key if key in FORMATS else None
    wanted = [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]
    for media in wanted:
        if media in (JSON_TYPE, "application/json"):
            return "json"
        if media == CSV_TYPE:
            return "csv"
    return "json"


def answer(service: SparqlService, sparql: str, accept: str | None, fmt: str | None) -> Answer:
    """The HTTP answer to a SPARQL query per the protocol's content negotiation."""
    chosen = choose_format(accept, fmt)
    if chosen is None:
        return Answer(
            406, "text/plain; charset=utf-8", f"unknown format {fmt!r}: json or csv\n".encode()
        )
    try:
        result = service.run(sparql)
    except QueryFailed as err:
        return Answer(err.status, "text/plain; charset=utf-8", (str(err) + "\n").encode())
    headers = (("X-Result-Cap", str(service.cap)), ("X-Truncated", str(result.truncated).lower()))
    if result.kind == "graph":
        return Answer(200, NT_TYPE, "".join(result.triples).encode("utf-8"), headers)
    if chosen == "csv" and result.kind == "select":
        return Answer(200, f"{CSV_TYPE}; charset=utf-8", results_csv(result), headers)
    return Answer(200, JSON_TYPE, results_json(result), headers)
