"""arXiv's API (an Atom feed), paged by `start`, oldest submissions first.

arXiv asks for no more than one request every three seconds
(https://info.arxiv.org/help/api/tou.html); that is the default delay.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kg.fetch.core import Client, FetchError, FetchQuery, Pages, make_record, register_source

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ARXIV = "{http://arxiv.org/schemas/atom}"
MAX_PAGE = 2000


def search_query(query: FetchQuery) -> str:
    """The `search_query`: arXiv syntax as given (`cat:cs.LG AND abs:benchmark`), else every word in `all:`."""
    text = query.query.strip()
    parts = [f"({text})"] if ":" in text else [f"all:{word}" for word in text.split()]
    if query.since or query.until:
        low = query.since.strftime("%Y%m%d") + "0000" if query.since else "000001010000"
        high = query.until.strftime("%Y%m%d") + "2359" if query.until else "999912312359"
        parts.append(f"submittedDate:[{low} TO {high}]")
    if not parts:
        raise FetchError("arxiv needs a query or a date range")
    return " AND ".join(parts)


def _text(entry: ET.Element, tag: str) -> str:
    return (entry.findtext(tag) or "").strip()


def parse_feed(body: bytes) -> tuple[list[dict[str, object]], int]:
    """The records of one Atom page and the total number of results."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as err:
        raise FetchError(f"arxiv: unreadable feed ({err})") from err
    total = int(root.findtext(f"{OPENSEARCH}totalResults") or 0)
    records = []
    for entry in root.iter(f"{ATOM}entry"):
        abs_url = _text(entry, f"{ATOM}id")
        records.append(
            make_record(
                "arxiv",
                _text(entry, f"{ATOM}title"),
                _text(entry, f"{ATOM}summary"),
                _text(entry, f"{ATOM}published") or None,
                {"arxiv_id": abs_url.rsplit("/abs/", 1)[-1], "doi": _text(entry, f"{ARXIV}doi")},
                url=abs_url,
                authors=[_text(a, f"{ATOM}name") for a in entry.iter(f"{ATOM}author")],
                categories=[c.get("term", "") for c in entry.iter(f"{ATOM}category")],
            )
        )
    return records, total


@register_source("arxiv", "https://export.arxiv.org", delay=3.0)
def walk(client: Client, query: FetchQuery, state: str | None) -> Pages:
    """Pages of `/api/query`; the resume point is the next `start` offset."""
    start = int(state or 0)
    size = min(query.page_size, MAX_PAGE)
    search = search_query(query)
    while True:
        body = client.get(
            "/api/query",
            {
                "search_query": search,
                "start": start,
                "max_results": size,
                "sortBy": "submittedDate",
                "sortOrder": "ascending",
            },
        )
        records, total = parse_feed(body)
        start += len(records)
        done = not records or start >= total
        yield records, None if done else str(start)
        if done:
            return
