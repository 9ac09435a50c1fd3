from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import ReadReport, read_papers, reader_for
from kg.registry import load_builtins, readers

from .conftest import DATA

READERS = DATA / "readers"
# One fixture file per registered reader: a new reader without a fixture fails the test below.
FIXTURES = {
    "text": READERS / "listing.txt",
    "jsonl": READERS / "records.jsonl",
    "json": READERS / "papers.json",
    "csv": READERS / "papers.csv",
    "tsv": READERS / "papers.tsv",
    "bibtex": READERS / "refs.bib",
}


def test_every_reader_has_a_fixture() -> None:
    load_builtins("readers")
    assert set(readers.get_all()) == set(FIXTURES)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_reader_yields_papers_with_text(name: str) -> None:
    path = FIXTURES[name]
    assert reader_for(path).name == name
    papers = list(read_papers([path]))
    assert papers
    for paper in papers:
        assert paper.abstract or paper.title
        assert paper.source.startswith(path.name + ":")
        assert paper.abstract == paper.abstract.strip()


def test_listing_drops_chrome_and_duplicates() -> None:
    report = ReadReport()
    papers = list(read_papers([READERS / "listing.txt"], report=report))
    assert [p.title for p in papers] == [
        "ToyNet: A Tiny Network for Toy Problems",
        "A Second Toy Paper",
    ]
    assert report.duplicates == 1
    assert papers[0].abstract.startswith("We propose ToyNet")


def test_title_abstract_pairs_and_glued_chrome() -> None:
    papers = list(read_papers([READERS / "pairs.txt"]))
    assert [p.title for p in papers] == ["First Title Glued to Chrome", "Second Title"]
    assert papers[1].abstract.startswith("Another abstract")


def test_abstract_lines_are_title_less_and_skip_affiliations() -> None:
    papers = list(read_papers([READERS / "abstract_lines.txt"]))
    assert len(papers) == 2
    assert all(p.title == "" and p.id.startswith("a:") for p in papers)
    assert papers[0].abstract.startswith("An abstract without a title")


def test_jsonl_keeps_own_ids_and_skips_bad_lines(caplog: pytest.LogCaptureFixture) -> None:
    report = ReadReport()
    papers = list(read_papers([READERS / "records.jsonl"], report=report))
    assert [p.id for p in papers] == ["own-1", "arxiv:2301.00001"]
    assert "records.jsonl:3" in caplog.text


def test_arxiv_snapshot_format() -> None:
    (paper,) = read_papers([READERS / "arxiv.jsonl"])
    assert paper.id == "2302.00002"
    assert paper.date == "2023-02-03"
    assert paper.abstract.startswith("We propose SnapNet") and paper.abstract.endswith("ETTh1.")


def test_csv_tsv_ids_from_doi_and_openreview() -> None:
    (csv_paper,) = read_papers([READERS / "papers.csv"])
    (tsv_paper,) = read_papers([READERS / "papers.tsv"])
    assert csv_paper.id == "doi:10.1234/abc.5"
    assert tsv_paper.id == "openreview:OR123"


def test_bibtex_reads_abstract_entries_and_survives_broken_ones() -> None:
    papers = list(read_papers([READERS / "refs.bib"]))
    assert len(papers) == 1
    assert papers[0].id == "arxiv:2201.00003"
    assert papers[0].title == "A {BibTeX} Paper"
    assert r"\textit{LoRA}" in papers[0].abstract


def test_folder_input_reads_every_file(tmp_path: Path) -> None:
    papers = list(read_papers([READERS]))
    ids = [p.id for p in papers]
    assert len(ids) == len(set(ids))
    assert {"own-1", "2302.00002", "arxiv:2201.00003"} <= set(ids)


def test_titled_copy_wins_over_title_less_copy(tmp_path: Path) -> None:
    abstract = (
        "We propose a thing. It works on GLUE and is long enough to be an abstract for this test."
    )
    (tmp_path / "a.txt").write_text(f"Abstract: {abstract}\n")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"title": "The Thing", "abstract": abstract}) + "\n"
    )
    papers = list(read_papers([tmp_path / "a.txt", tmp_path / "b.jsonl"]))
    assert [p.title for p in papers] == ["The Thing"]
