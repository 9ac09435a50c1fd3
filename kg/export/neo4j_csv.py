"""CSV files for `neo4j-admin database import full`: one node file per label, one relationship file per type.

Headers follow the import tool's format: `id:ID(Label)` id spaces per label, `:LABEL`,
`:START_ID(Label)`, `:END_ID(Label)`, `:TYPE`, typed properties (`confidence:float`,
`start:int`, `aliases:string[]` with `|` between items).
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from kg.export.core import atomic_path
from kg.export.neo4j import node_rows, rel_rows

NODE_FIELDS = {
    "Paper": [("title", ""), ("abstract", ""), ("date", ""), ("source", "")],
    "entity": [("name", ""), ("aliases", "string[]")],
}
REL_FIELDS = [
    ("id", ""),
    ("confidence", "float"),
    ("sentence", ""),
    ("field", ""),
    ("start", "int"),
    ("end", "int"),
    ("extractor", ""),
    ("version", ""),
    ("evidence", ""),
]


def _header(name: str, kind: str) -> str:
    return f"{name}:{kind}" if kind else name


def write_neo4j_csv(graph: nx.MultiDiGraph, out_dir: Path) -> dict[str, int]:
    """Write `nodes_<Label>.csv` and `rels_<TYPE>_<From>_<To>.csv` into `out_dir` (replaced atomically)."""
    counts = {"nodes": 0, "relationships": 0}
    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        for label, rows in node_rows(graph).items():
            fields = NODE_FIELDS["Paper" if label == "Paper" else "entity"]
            with (tmp / f"nodes_{label}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([f"id:ID({label})", *(_header(n, k) for n, k in fields), ":LABEL"])
                for row in rows:
                    values = [
                        "|".join(v) if isinstance(v := row["props"].get(n, ""), list) else v
                        for n, _ in fields
                    ]
                    writer.writerow([row["id"], *values, label])
                    counts["nodes"] += 1
        for (rel_type, src, dst), rows in rel_rows(graph).items():
            with (tmp / f"rels_{rel_type}_{src}_{dst}.csv").open(
                "w", encoding="utf-8", newline=""
            ) as handle:
                writer = csv.writer(handle)
                writer.writerow(
                    [
                        f":START_ID({src})",
                        f":END_ID({dst})",
                        *(_header(n, k) for n, k in REL_FIELDS),
                        ":TYPE",
                    ]
                )
                for row in rows:
                    writer.writerow(
                        [
                            row["src"],
                            row["dst"],
                            *(row["props"][n] for n, _ in REL_FIELDS),
                            rel_type,
                        ]
                    )
                    counts["relationships"] += 1
    return counts


def import_command(out_dir: Path, database: str = "neo4j") -> str:
    """The `neo4j-admin` command that imports the files of `out_dir` (as mounted at /import)."""
    parts = [
        "neo4j-admin database import full",
        database,
        "--overwrite-destination",
        "--array-delimiter='|'",
    ]
    for path in sorted(out_dir.glob("nodes_*.csv")):
        parts.append(f"--nodes=/import/{path.name}")
    for path in sorted(out_dir.glob("rels_*.csv")):
        parts.append(f"--relationships=/import/{path.name}")
    return " ".join(parts)


__all__ = ["import_command", "write_neo4j_csv"]
