"""`kg serve`: a local web app over a built graph, on the standard library's threading HTTP server.

Routes are registered in `ROUTES` by path. Every answer carries a Content-Security-Policy
(no script at all except the graph page's own, allowed by hash), and requests whose Host
is not this server's are refused, so a web page elsewhere cannot reach the app through a
rebound DNS name.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import networkx as nx

from kg.explore import pages
from kg.explore.endpoint import Answer, SparqlService, answer
from kg.explore.entity import entity_report
from kg.explore.lookup import NotFound, find_paper, is_paper, search
from kg.explore.related import related_index, related_papers

log = logging.getLogger(__name__)
HTML = "text/html; charset=utf-8"
JSON = "application/json"
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
MAX_BODY = 1_000_000


@dataclass(frozen=True)
class Request:
    """What a route sees: method, path, parameters (query string and form body), headers, raw body."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class App:
    """The served graph and what is computed once for it."""

    graph_dir: Path
    graph: nx.MultiDiGraph
    sparql: SparqlService
    examples: dict[str, str]
    _graph_page: tuple[bytes, str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)


def load_app(
    graph_dir: str | Path, workers: int = 2, timeout: float = 10.0, cap: int = 10_000
) -> App:
    """Load the graph, index it for related work, and start the SPARQL workers."""
    from kg.graph import load_graph

    graph = load_graph(graph_dir)
    related_index(graph)  # built once here rather than by the first concurrent requests
    folder = resources.files("kg").joinpath("query/examples")
    examples = {
        p.name.removesuffix(".rq"): p.read_text(encoding="utf-8")
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith(".rq")
    }
    return App(Path(graph_dir), graph, SparqlService(graph_dir, workers, timeout, cap), examples)


def html_answer(title: str, body: pages.Safe, status: int = 200, query: str = "") -> Answer:
    return Answer(
        status, HTML, pages.page(title, body, query), (("Content-Security-Policy", PAGE_POLICY),)
    )


def not_found(message: str) -> Answer:
    return html_answer("Not found", pages.html("<h1>Not found</h1><p>{m}</p>", m=message), 404)


def json_answer(value: object, status: int = 200) -> Answer:
    return Answer(status, JSON, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def no_icon(app: App, request: Request) -> Answer:
    return Answer(204, "image/x-icon", b"")


def home(app: App, request: Request) -> Answer:
    return html_answer("Home", pages.home(app.graph))


def search_page(app: App, request: Request) -> Answer:
    text = request.params.get("q", "")
    return html_answer(
        "Search", pages.search_results(app.graph, text, search(app.graph, text)), query=text
    )


def paper(app: App, request: Request) -> Answer:
    wanted = request.params.get("id", "")
    if not is_paper(app.graph, wanted):
        return not_found(f"no paper {wanted!r}")
    title = str(app.graph.nodes[wanted].get("title") or wanted)
    return html_answer(
        title, pages.paper_page(app.graph, wanted, related_papers(app.graph, wanted, 10))
    )


def entity(app: App, request: Request) -> Answer:
    wanted = request.params.get("id") or request.params.get("name", "")
    try:
        report = entity_report(app.graph, wanted)
    except NotFound as err:
        return not_found(str(err))
    return html_answer(report.name, pages.entity_page(app.graph, report))


def graph_page(app: App, request: Request) -> Answer:
    from kg.explore.viz import VizError, graph_view, render_page, script_hashes

    focus = request.params.get("focus") or None
    try:
        hops = min(max(int(request.params.get("hops", "2")), 1), 4)
    except ValueError:
        hops = 2
    try:
        if focus is None and app._graph_page is not None:
            body, policy = app._graph_page
        else:
            view = graph_view(app.graph, focus, hops, 3000)
            text = render_page(view, f"kg: {focus or app.graph_dir.name}", links=True)
            policy = (
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                f"script-src {' '.join(script_hashes(text))}; base-uri 'none'; frame-ancestors 'none'"
            )
            body = text.encode("utf-8")
            if focus is None:
                with app._lock:
                    app._graph_page = (body, policy)
    except NotFound as err:
        return not_found(str(err))
    except VizError as err:
        return html_answer("Graph", pages.html("<h1>Graph</h1><p>{m}</p>", m=str(err)), 503)
    return Answer(200, HTML, body, (("Content-Security-Policy", policy),))


def query_ui(app: App, request: Request) -> Answer:
    text = request.params.get("query", "")
    example = request.params.get("example")
    if example in app.examples:
        text = app.examples[example]
    outcome = pages.Safe("")
    if text.strip():
        from kg.explore.endpoint import QueryFailed

        try:
            outcome = pages.result_table(app.sparql.run(text, cap=1000))
        except QueryFailed as err:
            outcome = pages.html('<p id="error">{m}</p>', m=str(err))
    return html_answer("SPARQL", pages.query_page(text, app.examples, outcome))


def sparql(app: App, request: Request) -> Answer:
    """The SPARQL 1.1 Protocol: query by GET or POST (form or sparql-query body); no updates."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if "update" in request.params or content_type == "application/sparql-update":
        return Answer(
            403, "text/plain; charset=utf-8", b"this endpoint is read-only: updates are refused\n"
        )
    if request.method == "POST" and content_type == "application/sparql-query":
        text = request.body.decode("utf-8", errors="replace")
    else:
        text = request.params.get("query", "")
    if not text.strip():
        if "text/html" in request.headers.get("accept", ""):
            return Answer(303, HTML, b"", (("Location", "/query"),))
        return Answer(400, "text/plain; charset=utf-8", b"missing query\n")
    return answer(app.sparql, text, request.headers.get("accept"), request.params.get("format"))


def api_related(app: App, request: Request) -> Answer:
    try:
        wanted = find_paper(app.graph, request.params.get("id", ""))
        k = min(max(int(request.params.get("k", "10")), 1), 100)
    except (NotFound, ValueError) as err:
        return json_answer({"error": str(err)}, 404)
    return json_answer([asdict(r) for r in related_papers(app.graph, wanted, k)])


def api_entity(app: App, request: Request) -> Answer:
    try:
        report = entity_report(app.graph, request.params.get("name", ""))
    except NotFound as err:
        return json_answer({"error": str(err)}, 404)
    return json_answer(asdict(report))


def api_search(app: App, request: Request) -> Answer:
    return json_answer([asdict(h) for h in search(app.graph, request.params.get("q", ""))])


Route = Callable[[App, Request], Answer]
ROUTES: dict[str, Route] = {
    "/": home,
    "/search": search_page,
    "/paper": paper,
    "/entity": entity,
    "/graph": graph_page,
    "/query": query_ui,
    "/sparql": sparql,
    "/api/related": api_related,
    "/api/entity": api_entity,
    "/api/search": api_search,
    "/favicon.ico": no_icon,
}
POST_ROUTES = frozenset({"/sparql", "/query"})


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self.handle_request("GET", b"")

    def do_HEAD(self) -> None:
        self.handle_request("HEAD", b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send(Answer(413, "text/plain", b"request body too large\n"))
            return
        self.handle_request("POST", self.rfile.read(length))

    def handle_request(self, method: str, body: bytes) -> None:
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        hosts = self.server.hosts
        if hosts is not None and headers.get("host", "").lower() not in hosts:
            self.send(Answer(421, "text/plain", b"unknown host\n"))
            return
        route = ROUTES.get(parts.path)
        if route is None:
            self.send(not_found(parts.path))
            return
        if method == "POST" and parts.path not in POST_ROUTES:
            self.send(Answer(405, "text/plain", b"method not allowed\n", (("Allow", "GET"),)))
            return
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            params.update({k: v[0] for k, v in form.items()})
        try:
            result = route(self.server.app, Request(method, parts.path, params, headers, body))
        except Exception:  # one broken request must not take the server down
            log.exception("%s %s failed", method, self.path)
            result = Answer(500, "text/plain", b"internal error\n")
        self.send(result, head=method == "HEAD")

    def send(self, result: Answer, head: bool = False) -> None:
        self.send_response(result.status)
        self.send_header("Content-Type", result.content_type)
        self.send_header("Content-Length", str(len(result.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for name, value in result.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(result.body)


class Server(ThreadingHTTPServer):
    """The HTTP server with the app it serves and the Host names it answers to.

    On a loopback address only `localhost`/`127.0.0.1`/`[::1]` with this port are answered:
    a page elsewhere that rebinds its own name to 127.0.0.1 gets 421. Bound to another
    address (`--host 0.0.0.0`), the server answers any Host.
    """

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, app: App, host: str, port: int) -> None:
        super().__init__((host, port), Handler)
        self.app = app
        bound = self.server_address[1]
        names = {host, "localhost", "127.0.0.1", "[::1]"}
        loopback = host in ("localhost", "::1") or host.startswith("127.")
        self.hosts: set[str] | None = {f"{n}:{bound}" for n in names} if loopback else None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        self.app.sparql.close()


def make_server(
    graph_dir: str | Path,
    host: str = "127.0.0.1",
    port: int = 0,
    workers: int = 2,
    timeout: float = 10.0,
    cap: int = 10_000,
) -> Server:
    """A server for the graph in `graph_dir` (port 0: any free port); call serve_forever() on it.

    `workers` SPARQL processes answer queries, each stopped after `timeout` seconds, with at
    most `cap` rows.
    """
    return Server(load_app(graph_dir, workers, timeout, cap), host, port)


def serve(
    graph_dir: str | Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    announce: Callable[[str], object] = print,
    **options: float,
) -> None:
    """Serve until interrupted; `options` as for `make_server`."""
    server = make_server(graph_dir, host, port, **options)  # type: ignore[arg-type]
    announce(
        f"serving {graph_dir} at {server.url}/ (SPARQL endpoint {server.url}/sparql); Ctrl-C stops"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
