"""Fetching a corpus from a paper API into JSONL that `kg build` reads: politely and resumably.

A source is registered by name with the function that walks its result pages. Every page's
new records are appended to the output and then the resume point is saved beside it
(`OUT.state.json`, written atomically), so a stopped fetch goes on where it left off and a
re-run never writes a paper twice.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kg.export.core import atomic_path
from kg.ids import paper_id
from kg.registry import fetchers, load_builtins

log = logging.getLogger(__name__)
USER_AGENT = "kg-fetch/0.1 (knowledge graphs of ML papers; polite client)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(RuntimeError):
    """A fetch that cannot go on; the message is one line for the user."""


@dataclass(frozen=True)
class FetchQuery:
    """What to fetch: search words, a publication date range (inclusive) and a record limit (0: all)."""

    query: str = ""
    since: date | None = None
    until: date | None = None
    limit: int = 0
    page_size: int = 100


# A page walker: given a client, the query and the resume point (None at the start), yield
# (records of one page, resume point of the page after it or None when there is none).
Pages = Iterator[tuple[list[dict[str, Any]], str | None]]
WalkFn = Callable[["Client", FetchQuery, str | None], Pages]


@dataclass(frozen=True)
class Source:
    """A registered source: name, API root, seconds between requests, walker, and how it takes a key.

    `key_header` or `key_param` carry an API key; `contact_param` carries the contact address
    a source asks polite clients for.
    """

    name: str
    base_url: str
    delay: float
    walk: WalkFn
    key_header: str = ""
    key_param: str = ""
    contact_param: str = ""


def register_source(
    name: str, base_url: str, delay: float, **auth: str
) -> Callable[[WalkFn], WalkFn]:
    """Register `walk(client, query, state)` as source `name` at `base_url`."""

    def wrap(fn: WalkFn) -> WalkFn:
        fetchers.register(name, func=Source(name, base_url, delay, fn, **auth))
        return fn

    return wrap


def make_client(
    source: Source,
    base_url: str | None = None,
    delay: float | None = None,
    api_key: str | None = None,
    contact: str | None = None,
) -> Client:
    """A client for `source`, with its key and contact address where the source takes them."""
    headers, params = {}, {}
    if api_key and source.key_header:
        headers[source.key_header] = api_key
    if api_key and source.key_param:
        params[source.key_param] = api_key
    if contact:
        headers["User-Agent"] = f"{USER_AGENT[:-1]}; mailto:{contact})"
        if source.contact_param:
            params[source.contact_param] = contact
    return Client(
        base_url or source.base_url, source.delay if delay is None else delay, headers, params
    )


def get_source(name: str) -> Source:
    load_builtins("fetchers")
    if name not in fetchers.get_all():
        raise FetchError(f"unknown source {name!r} (choose from {', '.join(source_names())})")
    return fetchers.get(name)  # type: ignore[no-any-return]


def source_names() -> list[str]:
    load_builtins("fetchers")
    return sorted(fetchers.get_all())


@dataclass
class Client:
    """HTTP GET with a minimum gap between requests and retries on 429/5xx (Retry-After honoured)."""

    base_url: str
    delay: float
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    retries: int = 4
    timeout: float = 60.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    _last: float | None = None

    def wait_turn(self) -> None:
        """Sleep until `delay` seconds have passed since the previous request."""
        now = self.clock()
        if self._last is not None and now - self._last < self.delay:
            self.sleep(self.delay - (now - self._last))
        self._last = self.clock()

    def url(self, path: str, params: Mapping[str, Any]) -> str:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, "")})
        return self.base_url.rstrip("/") + path + ("?" + query if query else "")

    def get(self, path: str, params: Mapping[str, Any]) -> bytes:
        """The body of GET `path?params`; raises FetchError after the last retry."""
        url = self.url(path, params)
        for attempt in range(self.retries + 1):
            self.wait_turn()
            self.requests += 1
            request = urllib.request.Request(
                url, headers={"User-Agent": USER_AGENT, **self.headers}
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return bytes(response.read())
            except urllib.error.HTTPError as err:
                if err.code not in RETRY_STATUS or attempt == self.retries:
                    raise FetchError(f"{url}: HTTP {err.code} {err.reason}") from err
                pause = _retry_after(
                    err.headers.get("Retry-After"), self.delay * 2 ** (attempt + 1)
                )
                log.warning("%s: HTTP %d, retrying in %.1f s", url, err.code, pause)
                self.sleep(pause)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
                if attempt == self.retries:
                    raise FetchError(f"{url}: {getattr(err, 'reason', err)}") from err
                self.sleep(self.delay * 2 ** (attempt + 1))
        raise FetchError(
            f"{url}: no answer"
        )  # pragma: no cover - the loop always returns or raises

    def get_json(self, path: str, params: Mapping[str, Any]) -> Any:
        body = self.get(path, params)
        try:
            return json.loads(body)
        except json.JSONDecodeError as err:
            raise FetchError(f"{self.url(path, params)}: not JSON ({err.msg})") from err


def _retry_after(value: str | None, default: float) -> float:
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default


def make_record(
    origin: str,
    title: str,
    abstract: str,
    day: str | None,
    ids: Mapping[str, str | None],
    **extra: Any,
) -> dict[str, Any]:
    """A JSONL record for `kg build`: id (from kg.ids), title, abstract, date and where it came from."""
    title = " ".join((title or "").split())
    abstract = " ".join((abstract or "").split())
    source_ids = {k: v for k, v in ids.items() if v}
    record: dict[str, Any] = {
        "id": paper_id({**source_ids, "title": title, "abstract": abstract}),
        "title": title,
        "abstract": abstract,
    }
    if day:
        record["date"] = day[:10]
    record["origin"] = origin
    record.update({k: v for k, v in {**source_ids, **extra}.items() if v not in (None, "", [])})
    return record


@dataclass
class FetchReport:
    """What a fetch did: records written now and before, duplicates skipped, pages, whether it is complete."""

    written: int = 0
    earlier: int = 0
    duplicates: int = 0
    pages: int = 0
    requests: int = 0
    complete: bool = False


def state_path(out: Path) -> Path:
    return out.with_name(out.name + ".state.json")


def _query_key(source: str, query: FetchQuery) -> dict[str, Any]:
    key = {k: (str(v) if isinstance(v, date) else v) for k, v in asdict(query).items()}
    key.pop("limit")  # a larger limit may continue a fetch that a smaller one stopped
    return {"source": source, **key}


def _existing_ids(out: Path) -> set[str]:
    """Ids already in `out`; a torn last line (a fetch killed mid-write) is cut off first."""
    if not out.exists():
        return set()
    data = out.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with out.open("r+b") as handle:
            handle.truncate(cut)
        data = data[:cut]
    return {json.loads(line)["id"] for line in data.splitlines() if line.strip()}


def fetch(
    source_name: str, query: FetchQuery, out: Path, client: Client | None = None, **options: Any
) -> FetchReport:
    """Fetch `query` from the source into `out` (JSONL), resuming from `out`'s state file if any.

    `options` go to `make_client` (base_url, delay, api_key, contact) when no client is given.
    """
    source = get_source(source_name)
    client = client or make_client(source, **options)
    key = _query_key(source.name, query)
    state_file = state_path(out)
    state: dict[str, Any] = {}
    if state_file.exists():
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("query") != key:
            raise FetchError(
                f"{out} was started with another source or query ({state_file}); use another --out"
            )
    seen = _existing_ids(out)
    report = FetchReport(earlier=len(seen))
    if state.get("complete"):
        report.complete = True
        return report
    out.parent.mkdir(parents=True, exist_ok=True)

    def save(resume: str | None, complete: bool) -> None:
        with atomic_path(state_file) as tmp:
            tmp.write_text(json.dumps({"query": key, "next": resume, "complete": complete}))

    resume = state.get("next")
    with out.open("a", encoding="utf-8") as handle:
        for records, after in source.walk(client, query, resume):
            report.pages += 1
            cut = False
            for record in records:
                if query.limit and len(seen) >= query.limit:
                    cut = True
                    break
                if record["id"] in seen:
                    report.duplicates += 1
                    continue
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                seen.add(record["id"])
                report.written += 1
            handle.flush()
            if cut:  # fetch this page again next time: its rest is not written yet
                save(resume, False)
                break
            resume = after
            report.complete = after is None
            save(resume, report.complete)
            if report.complete or (query.limit and len(seen) >= query.limit):
                break
    report.requests = client.requests
    return report
