"""Ingest: read papers from text listings, JSON/JSONL/CSV/TSV records and BibTeX."""

from kg.ingest.core import Seen, read_papers, reader_for
from kg.ingest.policy import BadInput, ReadReport, note_failures

__all__ = ["BadInput", "ReadReport", "Seen", "note_failures", "read_papers", "reader_for"]
