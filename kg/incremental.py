"""`kg build --update DIR NEW_INPUT...`: add papers to a built graph in time that follows the new papers.

A build leaves `DIR/index.json` beside its outputs: the duplicate rules' memory of every
paper, the byte size of each line of papers.jsonl, the abbreviation definitions counted
per short form, which papers looked up which alias-table key, and per entity the names
and surface forms the papers give it. An update reads the new papers against that memory,
extracts them, and works out what changes:

- the new papers and their links;
- old papers whose bare short forms now resolve otherwise, because a new paper defines
  (or contradicts) an abbreviation: only the papers that looked up a changed key, read
  back from papers.jsonl by offset;
- every entity those papers name, renamed from its counts.

Each sorted export (N-Triples, Turtle, GraphML) is then patched where it lies
(kg.export.splice): the old units of what changed are blanked into comments and the new
ones appended as a sorted run, every overwrite journalled first (kg.export.journal);
papers.jsonl gets the new lines at its end, and the store is patched in a checkpoint.
No unchanged byte is copied. papers.jsonl is then the bytes a full rebuild of the old
inputs followed by the new ones gives, and each export says what a full rebuild's says,
in another order (tested), as long as the pipeline is the one DIR was built with. Once an
export's appended runs outgrow COMPACT_SHARE of its first run, the next update makes
the exports again, sorted: the bytes of a full rebuild. That, and every case where a
patch cannot be promised cheaply, falls back to extracting only new papers and making the
graph and exports again (`add_papers`): no index, an index out of step with
papers.jsonl or not naming an export, an exporter without a patch, or a missing output.
Stored title-less papers, kept last as in a full build, are read back and written again
after the new titled ones (a titled copy met later replaces one).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import networkx as nx

from kg.canonical import Definitions, agreed, alias_table, count_definitions
from kg.export.core import Exporter, GraphPatch, atomic_path, chosen_exporters
from kg.export.journal import apply_edits, journalled
from kg.export.jsonl import from_record, read_records, record_line
from kg.export.splice import Edit, Run, plan
from kg.graph import (
    KIND,
    GraphSummary,
    Key,
    Part,
    add_paper,
    definitions,
    name_entity,
    paper_part,
)
from kg.ids import link_id
from kg.ingest import ReadReport, Seen, read_papers
from kg.ingest.core import paper_keys
from kg.types import Extraction, Paper

Extract = Callable[[list[Paper]], Iterable[Extraction]]
INDEX_FILE = "index.json"
VERSION = 2
# Appended runs may grow to this share of an export's first run before an update makes
# the exports again instead (sorted, without blanks): amortised, still linear in the new papers.
COMPACT_SHARE = 0.25


@dataclass
class GraphIndex:
    """What an update needs to know of a built graph without reading it all (see the module)."""

    ids: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    seen: Seen = field(default_factory=Seen)
    untitled: int = 0
    definitions: Definitions = field(default_factory=lambda: defaultdict(Counter))
    lookups: dict[Key, list[int]] = field(default_factory=lambda: defaultdict(list))
    names: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    said: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    links: Counter[str] = field(default_factory=Counter)
    # Per sorted export file, its sorted runs ([] for one, its body: a full export).
    exports: dict[str, list[Run]] = field(default_factory=dict)
    token: str = ""  # names the update that wrote the index (kg.export.journal)

    def add(self, ex: Extraction, part: Part) -> None:
        """Note a paper appended to the graph, with its part (made with `keys=True`)."""
        seq = len(self.ids)
        self.ids.append(ex.paper.id)
        self.untitled += not ex.paper.title
        for key in part.keys or ():
            self.lookups[key].append(seq)
        self.count(part, 1)

    def define(self, extractions: Iterable[Extraction]) -> None:
        count_definitions(definitions(extractions), self.definitions)

    def count(self, part: Part, sign: int) -> None:
        """Add (`sign` 1) or take away (-1) what `part` says of its entities and links."""
        for entity, names in part.names.items():
            own, said = self.names[entity], self.said[entity]
            for name, n in names.items():
                own[name] += sign * n
            for alias in part.said[entity]:
                said[alias] += sign
            if sign < 0:
                _prune(own)
                _prune(said)
                if not own:
                    del self.names[entity], self.said[entity]
        for _, relation in part.edges:
            self.links[relation] += sign

    def summary(self) -> GraphSummary:
        kinds = Counter(KIND[label_of(entity)] for entity in self.names)
        links = {relation: n for relation, n in sorted(self.links.items()) if n > 0}
        return GraphSummary(len(self.ids), dict(sorted(kinds.items())), links)


def _prune(counts: Counter[str]) -> None:
    for key in [key for key, n in counts.items() if n <= 0]:
        del counts[key]


def label_of(entity: str) -> str:
    """The label of an entity id (`method:bert` → METHOD; kg.ids.entity_id)."""
    return entity.partition(":")[0].upper()


def save_index(index: GraphIndex, path: Path) -> None:
    data: dict[str, Any] = {
        "version": VERSION,
        "ids": index.ids,
        "sizes": index.sizes,
        "first": index.seen.first,
        "texts": sorted(index.seen.texts),
        "untitled": index.untitled,
        "definitions": [[*key, counts] for key, counts in index.definitions.items()],
        "lookups": [[*key, seqs] for key, seqs in index.lookups.items()],
        "names": index.names,
        "said": index.said,
        "links": index.links,
        "exports": index.exports,
        "token": index.token,
    }
    # One dumps call: json.dump to a file runs the pure-Python encoder, five times slower.
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def load_index(path: Path) -> GraphIndex | None:
    """The index at `path`, or None if there is none or it is of another version."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    index = GraphIndex(
        ids=data["ids"],
        sizes=data["sizes"],
        seen=Seen({k: (v[0], v[1]) for k, v in data["first"].items()}, set(data["texts"])),
        untitled=data["untitled"],
        links=Counter(data["links"]),
        exports={name: [(a, b) for a, b in runs] for name, runs in data["exports"].items()},
        token=data["token"],
    )
    for label, key, counts in data["definitions"]:
        index.definitions[(label, key)] = Counter(counts)
    for label, key, seqs in data["lookups"]:
        index.lookups[(label, key)] = seqs
    for entity, counts in data["names"].items():
        index.names[entity] = Counter(counts)
    for entity, counts in data["said"].items():
        index.said[entity] = Counter(counts)
    return index


def index_token(path: Path) -> str | None:
    """The token of the index at `path` (None if there is none)."""
    index = load_index(path)
    return None if index is None else index.token


def record_exports(index: GraphIndex, chosen: list[Exporter]) -> None:
    """Note in `index` that the sorted exports of `chosen` were written in full."""
    index.exports = {e.filename: [] for e in chosen if e.sorted is not None}


def _patchable(exporter: Exporter, index: GraphIndex, out: Path) -> bool:
    """Whether an update can patch the output of `exporter` in `out` (see COMPACT_SHARE)."""
    if not (out / exporter.filename).exists():
        return False
    if exporter.sorted is None:
        return exporter.patch is not None
    runs = index.exports.get(exporter.filename)
    if runs is None:  # not written by the build that wrote the index
        return False
    appended = sum(b - a for a, b in runs[1:])
    return not runs or appended <= COMPACT_SHARE * (runs[0][1] - runs[0][0])


def read_at(path: Path, starts: list[int], seqs: list[int]) -> Iterator[Extraction]:
    """The extractions on lines `seqs` (ascending) of a papers.jsonl whose lines start at `starts`
    (one more offset than lines: the last is the file's size)."""
    with path.open("rb") as handle:
        for seq in seqs:
            handle.seek(starts[seq])
            yield from_record(json.loads(handle.read(starts[seq + 1] - starts[seq])))


@dataclass
class Patched:
    """What a patched update did."""

    summary: GraphSummary
    written: list[Path]
    extracted: int
    changed_papers: int


def patch_build(
    out: Path,
    papers_file: str,
    inputs: Iterable[str | Path],
    fmt: str | None,
    read: ReadReport,
    extract: Extract,
    names: list[str] | None,
    stage: contextlib.ExitStack,
) -> Patched | None:
    """Add `inputs` to the graph in `out` by patching its outputs; None when it cannot (see the module).

    The sorted exports and papers.jsonl are edited in place under a journal; outputs
    patched in a copy (the store) are written to temporaries. When `stage` closes they
    go in place, then index.json (the commit), then the journal; a failure undoes the
    edits.
    """
    index = load_index(out / INDEX_FILE)
    stored = out / papers_file
    chosen = chosen_exporters(names)
    starts = [0, *accumulate(index.sizes)] if index is not None else []  # of each line, and the end
    if (
        index is None
        or not stored.exists()
        or stored.stat().st_size != starts[-1]
        or not all(_patchable(e, index, out) for e in chosen)
    ):
        return None
    papers, held, fresh = _read_new(index, stored, starts, inputs, fmt, read)
    new = {ex.paper.id: ex for ex in extract(fresh)} if fresh else {}  # no model load for none
    titled = len(index.ids) - len(held)
    kept = {id(p) for p in papers}
    dropped = [(seq, ex) for seq, ex in held.values() if id(ex.paper) not in kept]
    stays_held = {id(ex.paper) for _, ex in held.values()} & kept
    if not new and not dropped:  # nothing read that the graph does not hold: nothing to write
        return Patched(index.summary(), [], 0, 0)

    old_table = alias_table(index.definitions)
    gone = count_definitions(definitions(ex for _, ex in dropped))
    for key, counts in gone.items():
        index.definitions[key].subtract(counts)
        _prune(index.definitions[key])
    index.define(new.values())
    touched = set(gone) | set(count_definitions(definitions(new.values())))
    changed = {k for k in touched if agreed(index.definitions[k]) != old_table.long_forms.get(k)}
    for key in touched:
        if not index.definitions[key]:
            del index.definitions[key]
    table = alias_table(index.definitions)

    graph = nx.MultiDiGraph()
    gone_nodes: list[tuple[str, str]] = []
    gone_links: list[str] = []
    entities: set[str] = set()
    out_seqs = {seq for seq, _ in dropped}
    affected = sorted({s for k in changed for s in index.lookups.get(k, ())} - out_seqs)
    redo = list(read_at(stored, starts, affected))
    for ex, stays in [*((ex, True) for ex in redo), *((ex, False) for _, ex in dropped)]:
        was = paper_part(ex, old_table)
        index.count(was, -1)
        entities |= was.names.keys()
        gone_nodes.append((ex.paper.id, "Paper"))
        gone_links += [link_id(ex.paper.id, relation, e) for e, relation in was.edges]
        if stays:
            now = paper_part(ex, table)
            index.count(now, 1)
            entities |= now.names.keys()
            add_paper(graph, ex.paper, now)

    # Papers after the titled stored ones, in build order: new titled, stored title-less
    # kept, new title-less; the stored title-less ones move (and renumber) behind the new.
    place = {held[p.id][0]: titled + i for i, p in enumerate(papers) if id(p) in stays_held}
    for key, seqs in index.lookups.items():
        if seqs and seqs[-1] >= titled:
            moved = sorted(place[s] for s in seqs if s in place)
            index.lookups[key] = [s for s in seqs if s < titled] + moved
    old_sizes = index.sizes
    index.ids, index.sizes, index.untitled = index.ids[:titled], old_sizes[:titled], 0
    lines: list[bytes] = []
    with stored.open("rb") as handle:
        for paper in papers:
            index.untitled += not paper.title
            if id(paper) in stays_held:
                seq = held[paper.id][0]
                handle.seek(starts[seq])
                lines.append(handle.read(old_sizes[seq]))
                index.ids.append(paper.id)
                index.sizes.append(old_sizes[seq])
                continue
            ex = new[paper.id]
            part = paper_part(ex, table, keys=True)
            index.add(ex, part)
            for key in part.keys or ():
                index.lookups[key].sort()
            lines.append(record_line(ex).encode())
            index.sizes.append(len(lines[-1]))
            entities |= part.names.keys()
            add_paper(graph, ex.paper, part)
    for entity in sorted(entities):
        label = label_of(entity)
        gone_nodes.append((entity, KIND[label]))
        if entity in index.names:
            if not graph.has_node(entity):
                graph.add_node(entity, kind=KIND[label], label=label)
            name_entity(graph, entity, index.names[entity], index.said[entity].keys())
    change = GraphPatch(graph, gone_nodes, gone_links)

    index.token = uuid.uuid4().hex
    stage.enter_context(journalled(out))
    # Entered before the other outputs' paths: put in place after them, the commit.
    index_tmp = stage.enter_context(atomic_path(out / INDEX_FILE))
    edits = [Edit(stored, [], starts[titled], b"".join(lines))]
    written = [stored]
    for exporter in chosen:
        target = out / exporter.filename
        if exporter.sorted is not None:
            how = exporter.sorted
            runs = index.exports[exporter.filename]
            edit = plan(target, how.layout, runs, how.drops(change), how.blocks(change.graph))
            edits.append(edit)
            index.exports[exporter.filename] = edit.runs
        else:
            assert exporter.patch is not None
            exporter.patch(change, target, stage.enter_context(atomic_path(target)))
        written.append(target)
    apply_edits(out, index.token, edits)
    save_index(index, index_tmp)
    return Patched(index.summary(), [*written, out / INDEX_FILE], len(new), len(affected))


def _read_new(
    index: GraphIndex,
    stored: Path,
    starts: list[int],
    inputs: Iterable[str | Path],
    fmt: str | None,
    read: ReadReport,
) -> tuple[list[Paper], dict[str, tuple[int, Extraction]], list[Paper]]:
    """The papers after the stored titled ones, in build order; the stored title-less ones by id
    (with their line numbers); and the papers to extract.

    The stored title-less papers (the last lines of papers.jsonl) go through the duplicate
    rules again, after the new titled ones as in a full build, so a titled copy of one wins.
    """
    titled = len(index.ids) - index.untitled
    seqs = list(range(titled, len(index.ids)))
    held = {
        ex.paper.id: (seq, ex) for seq, ex in zip(seqs, read_at(stored, starts, seqs), strict=True)
    }
    for _, ex in held.values():
        index.seen.first.pop(ex.paper.id, None)
        index.seen.texts.discard(paper_keys(ex.paper)[1])
    read.papers += titled
    known = [ex.paper for _, ex in held.values()]
    papers = list(read_papers(inputs, fmt, read, known=known, seen=index.seen))
    fresh = [p for p in papers if p.id not in held or held[p.id][1].paper is not p]
    return papers, held, fresh


def add_papers(
    stored: Path,
    inputs: Iterable[str | Path],
    fmt: str | None,
    read: ReadReport,
    extract: Extract,
    seen: Seen | None = None,
) -> tuple[list[Extraction], int]:
    """All extractions after adding `inputs` to the ones in `stored`, in build order, and how
    many papers `extract` had to extract (the caller writes them in place of `stored`).

    The stored papers go first, ahead of the new files, through the same duplicate rules
    as a full build, so the papers kept and their order are those of a full build; a kept
    paper whose id, title and abstract equal a stored one takes the stored extraction.
    """
    if not stored.exists():
        raise FileNotFoundError(
            f"{stored.parent}: no {stored.name} here to update (run `kg build` first)"
        )
    old = {ex.paper.id: ex for ex in read_records(stored)}
    # The stored papers were read and cleaned by the build that wrote them: they go through
    # the duplicate rules again, not through the reader (reading them twice cost as much as
    # building the graph).
    known = (ex.paper for ex in old.values())
    papers = list(read_papers(inputs, fmt, read, known=known, seen=seen))

    def reusable(paper: Paper) -> Extraction | None:
        ex = old.get(paper.id)
        same = ex is not None and (ex.paper.title, ex.paper.abstract) == (
            paper.title,
            paper.abstract,
        )
        return ex if same else None

    new = [p for p in papers if reusable(p) is None]
    fresh = {ex.paper.id: ex for ex in extract(new)} if new else {}
    return [reusable(p) or fresh[p.id] for p in papers], len(new)
