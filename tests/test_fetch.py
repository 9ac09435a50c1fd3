"""Fetch connectors against answers in each API's format, replayed by a loopback HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.fetch.core import (
    Client,
    FetchError,
    FetchQuery,
    fetch,
    get_source,
    source_names,
    state_path,
)
from kg.fetch.openalex import abstract_text
from kg.ids import paper_id
from kg.ingest import read_papers

from .conftest import DATA

RECORDED = DATA / "fetch"
# The query each source is fetched with, and the ids its recorded answers hold.
QUERIES = {
    "arxiv": FetchQuery("reasoning", date(2024, 3, 1), date(2024, 3, 31), page_size=2),
    "openalex": FetchQuery("reasoning", date(2024, 3, 1), date(2024, 3, 31), page_size=2),
    "semanticscholar": FetchQuery("reasoning", date(2023, 1, 1), date(2024, 12, 31)),
    "hf-daily": FetchQuery("", date(2024, 3, 1), date(2024, 3, 3)),
}


def recorded_file(path: str, params: dict[str, str]) -> Path | None:
    """Which recorded answer a request gets (None: the API's empty answer)."""
    if path == "/api/query":
        return RECORDED / "arxiv" / f"start-{params['start']}.xml"
    if path == "/works":
        cursor = params["cursor"]
        return RECORDED / "openalex" / f"cursor-{'start' if cursor == '*' else cursor}.json"
    if path == "/graph/v1/paper/search/bulk":
        return RECORDED / "semanticscholar" / f"{params.get('token', 'first')}.json"
    if path == "/api/daily_papers":
        day = RECORDED / "hf-daily" / f"{params['date']}.json"
        return day if day.exists() else None
    raise AssertionError(f"unexpected request {path}")


class Replay(ThreadingHTTPServer):
    """Serves the recorded answers; answers 429 to the next `failures` requests."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.failures = 0


class Handler(BaseHTTPRequestHandler):
    server: Replay

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.server.seen.append(
            (parts.path, params, {k.lower(): v for k, v in self.headers.items()})
        )
        if self.server.failures:
            self.server.failures -= 1
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        found = recorded_file(parts.path, params)
        body = found.read_bytes() if found else b"[]"
        self.send_response(200)
        self.send_header(
            "Content-Type", "application/xml" if parts.path == "/api/query" else "application/json"
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def replay() -> Iterator[Replay]:
    server = Replay()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def base(server: Replay) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def replayed(replay: Replay, source: str, out: Path, **options: Any) -> Any:
    """Fetch `source`'s recorded query from the replay server, with no delay."""
    return fetch(source, QUERIES[source], out, base_url=base(replay), delay=0, **options)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def recorded_titles(source: str) -> set[str]:
    """Every title in a source's recorded answers, read straight from the files."""
    import xml.etree.ElementTree as ET

    titles = set()
    for path in sorted((RECORDED / source).iterdir()):
        if path.suffix == ".xml":
            found = ET.parse(path).getroot().iter("{http://www.w3.org/2005/Atom}entry")
            titles |= {e.findtext("{http://www.w3.org/2005/Atom}title") or "" for e in found}
            continue
        data = json.loads(path.read_text())
        items = data if isinstance(data, list) else data.get("results") or data.get("data")
        titles |= {(i.get("paper") or i)["title"] for i in items}
    return {" ".join(t.split()) for t in titles}


def test_every_source_has_recorded_answers() -> None:
    assert set(source_names()) == set(QUERIES) == {p.name for p in RECORDED.iterdir() if p.is_dir()}


@pytest.mark.parametrize("source", sorted(QUERIES))
def test_fetch_writes_what_kg_build_reads(source: str, replay: Replay, tmp_path: Path) -> None:
    out = tmp_path / f"{source}.jsonl"
    report = replayed(replay, source, out)
    records = lines(out)
    assert report.complete and report.written == len(records)
    assert {r["title"] for r in records} == recorded_titles(source)
    assert all(r["id"] == paper_id({**r, "id": None}) for r in records)
    papers = list(read_papers([out]))
    assert [p.id for p in papers] == [r["id"] for r in records]
    assert all(p.date and len(p.date) >= 4 for p in papers)
    again = replayed(replay, source, out)
    assert again.complete and again.written == 0 and lines(out) == records


@pytest.mark.parametrize("source", sorted(QUERIES))
def test_a_stopped_fetch_resumes_without_duplicates(
    source: str, replay: Replay, tmp_path: Path
) -> None:
    whole = tmp_path / "whole.jsonl"
    replayed(replay, source, whole)
    part = tmp_path / "part.jsonl"
    limited = QUERIES[source].__class__(**{**QUERIES[source].__dict__, "limit": 1})
    first = fetch(source, limited, part, base_url=base(replay), delay=0)
    assert first.written == 1 and not first.complete
    assert not json.loads(state_path(part).read_text())["complete"]
    # A fetch killed while writing leaves a torn line; resuming cuts it off.
    with part.open("a") as handle:
        handle.write('{"id": "torn')
    rest = replayed(replay, source, part)
    assert rest.complete and rest.earlier == 1
    assert sorted(r["id"] for r in lines(part)) == sorted(r["id"] for r in lines(whole))


def test_query_and_date_range_reach_the_api(replay: Replay, tmp_path: Path) -> None:
    for source in QUERIES:
        replayed(replay, source, tmp_path / f"{source}.jsonl")
    params = {path: p for path, p, _ in replay.seen}
    assert "submittedDate:[202403010000 TO 202403312359]" in params["/api/query"]["search_query"]
    assert "all:reasoning" in params["/api/query"]["search_query"]
    assert (
        params["/works"]["filter"]
        == "from_publication_date:2024-03-01,to_publication_date:2024-03-31"
    )
    assert params["/graph/v1/paper/search/bulk"]["publicationDateOrYear"] == "2023-01-01:2024-12-31"
    days = [p["date"] for path, p, _ in replay.seen if path == "/api/daily_papers"]
    assert days == ["2024-03-01", "2024-03-02", "2024-03-03"]


def test_keys_and_contact_go_where_each_source_takes_them(replay: Replay, tmp_path: Path) -> None:
    replayed(replay, "openalex", tmp_path / "o.jsonl", contact="me@example.org", api_key="K1")
    replayed(replay, "semanticscholar", tmp_path / "s.jsonl", api_key="K2")
    openalex = [(p, h) for path, p, h in replay.seen if path == "/works"]
    s2 = [h for path, _, h in replay.seen if path.startswith("/graph")]
    assert all(p["mailto"] == "me@example.org" and p["api_key"] == "K1" for p, _ in openalex)
    assert all("mailto:me@example.org" in h["user-agent"] for _, h in openalex)
    assert all(h["x-api-key"] == "K2" for h in s2)


def test_rate_limited_answers_are_retried(replay: Replay, tmp_path: Path) -> None:
    replay.failures = 2
    report = fetch(
        "semanticscholar",
        QUERIES["semanticscholar"],
        tmp_path / "s.jsonl",
        base_url=base(replay),
        delay=0,
    )
    assert report.complete and report.requests == 4  # two refusals, then two pages


def test_too_many_refusals_is_a_clear_error(replay: Replay, tmp_path: Path) -> None:
    replay.failures = 10
    client = Client(base(replay), 0, retries=2)
    with pytest.raises(FetchError, match="HTTP 429"):
        fetch("openalex", QUERIES["openalex"], tmp_path / "o.jsonl", client=client)


def test_requests_are_spaced_by_the_delay() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    client = Client("http://127.0.0.1:9", 3.0, clock=lambda: now[0], sleep=sleep)
    client.wait_turn()
    now[0] += 1.0
    client.wait_turn()
    now[0] += 5.0
    client.wait_turn()
    assert slept == [pytest.approx(2.0)]


def test_another_query_into_the_same_file_is_refused(replay: Replay, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    replayed(replay, "arxiv", out)
    with pytest.raises(FetchError, match="another source or query"):
        fetch("arxiv", FetchQuery("other words"), out, base_url=base(replay), delay=0)


def test_one_paper_from_several_sources_is_read_once(replay: Replay, tmp_path: Path) -> None:
    outs = []
    for source in QUERIES:
        outs.append(tmp_path / f"{source}.jsonl")
        replayed(replay, source, outs[-1])
    ids = [p.id for p in read_papers(outs)]
    assert len(ids) == len(set(ids))
    # arXiv, OpenAlex (through arXiv's DOI) and the daily papers all carry 2403.00101.
    found = [r for out in outs for r in lines(out) if r["id"] == "arxiv:2403.00101"]
    assert {r["origin"] for r in found} == {"arxiv", "openalex", "hf-daily"}


def test_openalex_abstract_is_put_back_in_order() -> None:
    assert abstract_text({"b": [1], "a": [0, 2]}) == "a b a"
    assert abstract_text(None) == ""


def test_arxiv_doi_is_an_arxiv_id() -> None:
    assert paper_id({"doi": "https://doi.org/10.48550/arXiv.2403.00101"}) == "arxiv:2403.00101"


def test_unknown_source_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="unknown source"):
        get_source("nowhere")
    result = CliRunner().invoke(app, ["fetch", "nowhere", "--out", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 1 and "unknown source" in result.output


def test_cli_fetch(replay: Replay, tmp_path: Path) -> None:
    out = tmp_path / "cli.jsonl"
    args = [
        "fetch",
        "arxiv",
        "--query",
        "reasoning",
        "--since",
        "2024-03-01",
        "--until",
        "2024-03-31",
    ]
    result = CliRunner().invoke(
        app, [*args, "--out", str(out), "--base-url", base(replay), "--delay", "0", "--limit", "2"]
    )
    assert result.exit_code == 0, result.output
    assert len(lines(out)) == 2 and "more to fetch" in result.output
