"""Hugging Face daily papers (`/api/daily_papers?date=YYYY-MM-DD`), one request per day.

The feed has no search: query words, when given, keep the papers whose title or abstract
holds all of them. Without a date range it fetches today's list.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kg.fetch.core import Client, FetchQuery, Pages, make_record, register_source


def item_record(item: dict[str, Any]) -> dict[str, Any]:
    paper = item.get("paper") or {}
    return make_record(
        "hf-daily",
        paper.get("title") or item.get("title") or "",
        paper.get("summary") or item.get("summary") or "",
        paper.get("publishedAt") or item.get("publishedAt"),
        {"arxiv_id": paper.get("id")},
        url=f"https://huggingface.co/papers/{paper['id']}" if paper.get("id") else None,
        authors=[a.get("name", "") for a in paper.get("authors") or []],
    )


def matches(record: dict[str, Any], words: list[str]) -> bool:
    text = (record["title"] + " " + record["abstract"]).lower()
    return all(w in text for w in words)


@register_source("hf-daily", "https://huggingface.co", delay=1.0)
def walk(client: Client, query: FetchQuery, state: str | None) -> Pages:
    """One page per day from `since` to `until`; the resume point is the next day."""
    last = query.until or date.today()
    day = date.fromisoformat(state) if state else (query.since or last)
    words = query.query.lower().split()
    while day <= last:
        items = client.get_json("/api/daily_papers", {"date": day.isoformat(), **client.params})
        records = [item_record(i) for i in items if isinstance(i, dict)]
        day += timedelta(days=1)
        yield (
            [r for r in records if r["title"] and matches(r, words)],
            (day.isoformat() if day <= last else None),
        )
