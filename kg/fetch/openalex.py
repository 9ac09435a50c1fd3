"""OpenAlex works (https://docs.openalex.org), walked with cursor paging.

Abstracts come as an inverted index (word → positions) and are put back in order here.
OpenAlex allows ten requests a second; give `mailto` for its polite pool.
"""

from __future__ import annotations

from typing import Any

from kg.fetch.core import Client, FetchQuery, Pages, make_record, register_source

MAX_PAGE = 200


def abstract_text(inverted: dict[str, list[int]] | None) -> str:
    """The abstract from OpenAlex's `abstract_inverted_index`."""
    if not inverted:
        return ""
    placed = sorted((pos, word) for word, positions in inverted.items() for pos in positions)
    return " ".join(word for _, word in placed)


def work_record(work: dict[str, Any]) -> dict[str, Any]:
    doi = (work.get("doi") or "").removeprefix("https://doi.org/")
    return make_record(
        "openalex",
        work.get("title") or work.get("display_name") or "",
        abstract_text(work.get("abstract_inverted_index")),
        work.get("publication_date"),
        {"doi": doi},
        openalex=work.get("id"),
        authors=[
            (a.get("author") or {}).get("display_name", "") for a in work.get("authorships") or []
        ],
    )


def filters(query: FetchQuery) -> str:
    parts = []
    if query.since:
        parts.append(f"from_publication_date:{query.since.isoformat()}")
    if query.until:
        parts.append(f"to_publication_date:{query.until.isoformat()}")
    return ",".join(parts)


@register_source(
    "openalex", "https://api.openalex.org", delay=0.1, key_param="api_key", contact_param="mailto"
)
def walk(client: Client, query: FetchQuery, state: str | None) -> Pages:
    """Pages of `/works`; the resume point is the next cursor."""
    cursor: str | None = state or "*"
    while True:
        page = client.get_json(
            "/works",
            {
                "search": query.query,
                "filter": filters(query),
                "per-page": min(query.page_size, MAX_PAGE),
                "cursor": cursor,
                **client.params,
            },
        )
        results = page.get("results") or []
        cursor = (page.get("meta") or {}).get("next_cursor")
        records = [work_record(w) for w in results if w.get("title") or w.get("display_name")]
        done = not results or not cursor
        yield records, None if done else cursor
        if done:
            return
