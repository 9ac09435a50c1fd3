"""Semantic Scholar's bulk paper search (`/graph/v1/paper/search/bulk`), walked by its token.

Without an API key requests share a public pool; one request a second is the default.
The key, when given, goes in the `x-api-key` header.
"""

from __future__ import annotations

from typing import Any

from kg.fetch.core import Client, FetchQuery, Pages, make_record, register_source

FIELDS = "title,abstract,externalIds,publicationDate,year,url,authors"


def paper_record(paper: dict[str, Any]) -> dict[str, Any]:
    ids = paper.get("externalIds") or {}
    day = paper.get("publicationDate") or (str(paper["year"]) if paper.get("year") else None)
    return make_record(
        "semanticscholar",
        paper.get("title") or "",
        paper.get("abstract") or "",
        day,
        {"arxiv_id": ids.get("ArXiv"), "doi": ids.get("DOI")},
        s2=paper.get("paperId"),
        url=paper.get("url"),
        authors=[a.get("name", "") for a in paper.get("authors") or []],
    )


def date_range(query: FetchQuery) -> str:
    if not (query.since or query.until):
        return ""
    low = query.since.isoformat() if query.since else ""
    high = query.until.isoformat() if query.until else ""
    return f"{low}:{high}"


@register_source(
    "semanticscholar", "https://api.semanticscholar.org", delay=1.0, key_header="x-api-key"
)
def walk(client: Client, query: FetchQuery, state: str | None) -> Pages:
    """Pages of bulk search (up to 1,000 papers each); the resume point is the continuation token."""
    token = state
    while True:
        page = client.get_json(
            "/graph/v1/paper/search/bulk",
            {
                "query": query.query,
                "fields": FIELDS,
                "publicationDateOrYear": date_range(query),
                "token": token,
                **client.params,
            },
        )
        data = page.get("data") or []
        token = page.get("token")
        records = [paper_record(p) for p in data if p.get("title")]
        done = not data or not token
        yield records, None if done else token
        if done:
            return
