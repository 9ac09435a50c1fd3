"""Ingest: read papers from text listings, JSON/JSONL/CSV/TSV records and BibTeX."""

from kg.ingest.core import Seen, read_papers, reader_for
from kg.ingest.policy import BadInput, ReadReport

__all__ = ["BadInput", "ReadReport", "Seen", "read_papers", "reader_for"]
