"""Ingest: read papers from text listings, JSON/JSONL/CSV/TSV records and BibTeX."""

from kg.ingest.core import ReadReport, read_papers, reader_for

__all__ = ["ReadReport", "read_papers", "reader_for"]
