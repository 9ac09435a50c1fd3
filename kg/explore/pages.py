"""The HTML pages of `kg serve`: home, search, paper, entity and the SPARQL query page.

Names, titles and sentences come from untrusted text. Every value enters a page through
`html()`, which escapes it (quotes included) unless it is `Safe`, i.e. markup built here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from html import escape
from urllib.parse import urlencode

import networkx as nx

from kg.explore.endpoint import Result
from kg.explore.entity import EntityReport
from kg.explore.lookup import Hit, display_name
from kg.explore.related import Related

STYLE = """
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #222; }
nav { background: #1f3a5f; padding: 8px 16px; display: flex; gap: 18px; align-items: center; }
nav a { color: #fff; text-decoration: none; font-weight: 600; }
nav form { margin-left: auto; }
main { max-width: 980px; margin: 0 auto; padding: 12px 18px 40px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 26px; }
.meta, .why { color: #555; } .why { font-size: 14px; }
mark { background: #ffe58a; padding: 0 2px; }
blockquote { margin: 4px 0 10px 12px; color: #444; border-left: 3px solid #ddd; padding-left: 10px; }
table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
textarea { width: 100%; font: 13px monospace; }
.kind { font-size: 12px; color: #fff; border-radius: 3px; padding: 1px 5px; background: #777; }
ul.examples li { margin-bottom: 4px; }
"""


class Safe(str):
    """Markup made here: inserted into pages as it is."""


def html(template: str, **values: object) -> Safe:
    """`template` with each `{name}` filled by its value, escaped unless it is Safe."""
    return Safe(
        template.format(
            **{
                k: v if isinstance(v, Safe) else escape(str(v), quote=True)
                for k, v in values.items()
            }
        )
    )


def join(parts: Iterable[str], sep: str = "") -> Safe:
    return Safe(sep.join(p if isinstance(p, Safe) else escape(p) for p in parts))


def href(path: str, **params: str | int) -> str:
    """A local URL with its query string (escaped later, when inserted into a page)."""
    return path + ("?" + urlencode(params) if params else "")


def page(title: str, body: Safe, query: str = "") -> bytes:
    """A whole page: navigation with a search box, then `body`."""
    return html(
        """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · kg</title><style>{style}</style></head>
<body><nav><a href="/">kg</a><a href="/graph">Graph</a><a href="/query">SPARQL</a>
<form action="/search" method="get" role="search"><input type="search" name="q" value="{query}" placeholder="Search papers and entities" aria-label="Search"> <button type="submit">Search</button></form></nav>
<main>{body}</main></body></html>""",
        title=title,
        style=Safe(STYLE),
        query=query,
        body=body,
    ).encode("utf-8")


def link_to(graph: nx.MultiDiGraph, node: str) -> Safe:
    """A link to a node's page, named by its title or name."""
    kind = graph.nodes[node].get("kind")
    path = "/paper" if kind == "Paper" else "/entity"
    return html(
        '<a href="{url}">{name}</a>', url=href(path, id=node), name=display_name(graph, node)
    )


def home(graph: nx.MultiDiGraph, top: int = 15) -> Safe:
    kinds = Counter(d.get("kind", "") for _, d in graph.nodes(data=True))
    counts = join((html("<li>{k}: {n}</li>", k=k, n=n) for k, n in sorted(kinds.items())))
    popular = sorted(
        (n for n, d in graph.nodes(data=True) if d.get("kind") != "Paper"),
        key=lambda n: (-len(set(graph.predecessors(n))), n),
    )[:top]
    items = join(
        html(
            '<li>{link} <span class="meta">({n} papers)</span></li>',
            link=link_to(graph, n),
            n=len(set(graph.predecessors(n))),
        )
        for n in popular
    )
    return html(
        """<h1>Explore the graph</h1>
<form action="/search" method="get"><input id="q" type="search" name="q" size="50" placeholder="A benchmark, a method, words of a title" autofocus> <button type="submit">Search</button></form>
<h2>What it holds</h2><ul>{counts}</ul><h2>Most linked entities</h2><ul>{items}</ul>""",
        counts=counts,
        items=items,
    )


def search_results(graph: nx.MultiDiGraph, text: str, hits: list[Hit]) -> Safe:
    if not hits:
        return html("<h1>Search</h1><p>Nothing matches “{q}”.</p>", q=text)
    rows = join(
        html(
            '<li><span class="kind">{kind}</span> {link}{extra}</li>',
            kind=h.kind,
            link=link_to(graph, h.id),
            extra=Safe("")
            if h.kind == "Paper"
            else html(' <span class="meta">({n} papers)</span>', n=h.papers),
        )
        for h in hits
    )
    return html('<h1>Search: “{q}”</h1><ul id="results">{rows}</ul>', q=text, rows=rows)


def highlighted(graph: nx.MultiDiGraph, paper: str, evidence: dict[str, object]) -> Safe:
    """The evidence sentence with the mention marked, when its offsets place it in the sentence."""
    sentence = str(evidence.get("sentence", ""))
    field = str(evidence.get("field", "abstract"))
    text = str(graph.nodes[paper].get(field) or "")
    start, end = int(str(evidence.get("start", -1))), int(str(evidence.get("end", -1)))
    offset = text.rfind(sentence, 0, max(start, 0) + len(sentence)) if sentence else -1
    if offset < 0 or not (offset <= start < end <= offset + len(sentence)):
        return html("{s}", s=sentence)
    a, b = start - offset, end - offset
    return html(
        "{pre}<mark>{hit}</mark>{post}", pre=sentence[:a], hit=sentence[a:b], post=sentence[b:]
    )


def repository_url(name: str) -> str | None:
    """An https link for a repository entity (names are stored without scheme), if it looks like one."""
    if not name or any(c.isspace() or c in "\"'<>`" for c in name) or "." not in name.split("/")[0]:
        return None
    return "https://" + name


def paper_page(graph: nx.MultiDiGraph, paper: str, related: list[Related]) -> Safe:
    data = graph.nodes[paper]
    groups = []
    for _, entity, relation, edge in sorted(
        graph.out_edges(paper, keys=True, data=True), key=lambda e: (e[2], e[1])
    ):
        quotes = join(
            html("<blockquote>{q}</blockquote>", q=highlighted(graph, paper, ev))
            for ev in edge.get("evidence", [])
        )
        name = display_name(graph, entity)
        url = repository_url(name) if graph.nodes[entity].get("kind") == "Repository" else None
        code = (
            html(' · <a href="{u}" rel="noopener noreferrer nofollow">open repository</a>', u=url)
            if url
            else Safe("")
        )
        groups.append(
            html(
                '<li><span class="meta">{rel}</span> <span class="kind">{kind}</span> {link}{code}{quotes}</li>',
                rel=relation.replace("_", " "),
                kind=graph.nodes[entity].get("kind", ""),
                link=link_to(graph, entity),
                code=code,
                quotes=quotes,
            )
        )
    near = join(
        html(
            '<li class="related">{link} <span class="meta">({score})</span><div class="why">{why}</div></li>',
            link=link_to(graph, r.paper),
            score=f"{r.score:.2f}",
            why=r.explanation,
        )
        for r in related
    )
    return html(
        """<h1 id="title">{title}</h1><p class="meta">{id}{date} · <a href="{graph}">graph around it</a></p>
<p>{abstract}</p><h2>Entities and evidence</h2><ul id="entities">{groups}</ul>
<h2>Related papers</h2><ul id="related">{near}</ul>""",
        title=data.get("title") or paper,
        id=paper,
        date=f" · {data['date']}" if data.get("date") else "",
        graph=href("/graph", focus=paper, hops=2),
        abstract=data.get("abstract") or "",
        groups=join(groups) if groups else Safe("<li>none found</li>"),
        near=near if related else Safe("<li>no paper shares a specific entity with this one</li>"),
    )


def entity_page(graph: nx.MultiDiGraph, report: EntityReport) -> Safe:
    relations = join(
        html(
            "<h2>{rel} ({n})</h2><ul>{items}</ul>",
            rel=relation.replace("_", " "),
            n=len(refs),
            items=join(
                html(
                    "<li>{link}{date}</li>",
                    link=link_to(graph, r.id),
                    date=f" · {r.date}" if r.date else "",
                )
                for r in refs
            ),
        )
        for relation, refs in report.by_relation.items()
    )
    together = join(
        html(
            '<li>{link} <span class="meta">({n})</span></li>', link=link_to(graph, c.id), n=c.papers
        )
        for c in report.co_occurring
    )
    dates = (
        html(
            "<p>First seen {a} ({fa}); last seen {b} ({fb}).</p>",
            a=report.first.date,
            fa=report.first.title,
            b=report.last.date,
            fb=report.last.title,
        )
        if report.first and report.last
        else Safe("")
    )
    return html(
        """<h1 id="title">{name}</h1><p class="meta"><span class="kind">{kind}</span> {id} · {n} papers · <a href="{graph}">graph around it</a></p>
<p>{aliases}</p>{dates}{relations}<h2>Appears with</h2><ul>{together}</ul>""",
        name=report.name,
        kind=report.kind,
        id=report.id,
        n=report.papers,
        graph=href("/graph", focus=report.id, hops=2),
        aliases=("Also written: " + ", ".join(report.aliases)) if report.aliases else "",
        dates=dates,
        relations=relations,
        together=together,
    )


def _cell(term: tuple[str, str, str, str] | None) -> Safe:
    if term is None:
        return Safe("")
    return html("{v}", v=term[1])


def result_table(result: Result) -> Safe:
    if result.kind == "ask":
        return html('<p id="answer">{b}</p>', b=str(result.boolean).lower())
    if result.kind == "graph":
        return html('<pre id="answer">{t}</pre>', t="".join(result.triples))
    head = join(html("<th>{v}</th>", v=v) for v in result.variables)
    rows = join(
        html("<tr>{cells}</tr>", cells=join(html("<td>{c}</td>", c=_cell(t)) for t in row))
        for row in result.rows
    )
    note = html(
        '<p class="meta">{n} rows{cut}</p>',
        n=len(result.rows),
        cut=" (cut at the result cap)" if result.truncated else "",
    )
    return html(
        '{note}<table id="answer"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>',
        note=note,
        head=head,
        rows=rows,
    )


def query_page(query: str, examples: dict[str, str], outcome: Safe) -> Safe:
    items = join(
        html(
            '<li><a class="example" href="{u}">{title}</a></li>',
            u=href("/query", example=name),
            title=text.splitlines()[0].lstrip("# "),
        )
        for name, text in examples.items()
    )
    downloads = (
        html(
            '<p class="meta">Download: <a href="{j}">JSON</a> · <a href="{c}">CSV</a></p>',
            j=href("/sparql", query=query, format="json"),
            c=href("/sparql", query=query, format="csv"),
        )
        if query.strip()
        else Safe("")
    )
    return html(
        """<h1>SPARQL</h1><p class="meta">Read-only. Prefixes kg:, skos:, dcterms:, schema: … are added when used. The protocol endpoint is <code>/sparql</code>.</p>
<form action="/query" method="post"><textarea id="query" name="query" rows="10">{query}</textarea><p><button id="run" type="submit">Run</button></p></form>
<h2>Examples</h2><ul class="examples">{items}</ul>{downloads}<div id="outcome">{outcome}</div>""",
        query=query,
        items=items,
        downloads=downloads,
        outcome=outcome,
    )
