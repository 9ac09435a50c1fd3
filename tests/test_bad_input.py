"""Bad input of every kind: each bad record is skipped with `file:line: reason`, the good ones are kept.

Fixtures are made in tmp_path by the cases below; `--strict` turns the first warning into
the error. The CLI runs (subprocess, as a user runs it) are in test_bad_input_cli.py.
"""

from __future__ import annotations

import codecs
import gzip
import itertools
import json
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kg.export.jsonl import problems, to_record
from kg.extract.pipeline import extract_papers
from kg.ingest import BadInput, ReadReport, read_papers
from kg.types import Paper

_count = itertools.count(1)


def good(title: str = "", abstract: str = "") -> dict[str, str]:
    """A record no other call returns: unique id, title and abstract."""
    n = next(_count)
    return {
        "id": f"good-{n}",
        "title": title or f"Good Paper Number {n}",
        "abstract": abstract
        or f"We propose GoodNet{n}, a method for image classification. We evaluate it on CIFAR-10.",
    }


def jl(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


@dataclass
class Case:
    """Files to write, the ids that must be read from them, and the warnings (file, line, reason part)."""

    files: dict[str, bytes | str]
    ids: set[str]
    warnings: list[tuple[str, int, str]] = field(default_factory=list)
    check: Callable[[dict[str, Paper]], None] | None = None


def _text(path: str, records: list[dict[str, str]]) -> str:
    return "".join(f"{r['title']}\n{r['abstract']}\n" for r in records)


def cases() -> dict[str, Case]:
    """Every kind of bad input, each with the good records that must survive it."""
    g = [good() for _ in range(43)]
    long_abstract = "word " * 2_100_000  # a 10 MB single line
    rtl = good(
        "نموذج ToyNet للتصنيف",
        "We propose שלום-Net (ToyNet‏) for café e\u0301 and 👩‍🔬 science 🚀. We evaluate on CIFAR-10.",
    )
    soup = good(
        "<b>SoupNet</b>: HTML &amp; \\LaTeX{} Soup",
        "<p>We <i>propose</i> \\textbf{SoupNet} with $O(n^2)$ cost &mdash; see "
        "\\url{https://github.com/soup/net}. We evaluate on <em>ImageNet</em>.</p>",
    )
    return {
        "invalid_json_lines": Case(
            {"a.jsonl": jl(g[0]) + "{not json\n" + jl(g[1]) + "[1, 2]\n" + '"text"\n'},
            {g[0]["id"], g[1]["id"]},
            [
                ("a.jsonl", 2, "invalid JSON"),
                ("a.jsonl", 4, "not a JSON object (list)"),
                ("a.jsonl", 5, "not a JSON object (str)"),
            ],
        ),
        "truncated_jsonl": Case(
            {"t.jsonl": jl(g[2], g[3])[:-25]}, {g[2]["id"]}, [("t.jsonl", 2, "invalid JSON")]
        ),
        "truncated_json_array": Case(
            {"t.json": "[\n" + json.dumps(g[4]) + ",\n" + json.dumps(g[5])[:-10]},
            {g[4]["id"]},
            [("t.json", 3, "invalid JSON")],
        ),
        "truncated_json_wrapper_one_line": Case(
            {"w.json": json.dumps({"papers": [g[6], g[7], g[8]]})[:-30]},
            {g[6]["id"], g[7]["id"]},
            [("w.json", 1, "invalid JSON")],
        ),
        "json_array_with_broken_element": Case(
            {"b.json": json.dumps([g[9], "x", {"title": 5}, g[10]]).replace('"x"', "{x: 1}")},
            {g[9]["id"], g[10]["id"]},
            [("b.json", 1, "invalid JSON"), ("b.json", 1, "no title or abstract")],
        ),
        "json_nested_too_deeply": Case(
            {"deep.json": "[" * 100_000, "deep.jsonl": "[" * 100_000 + "\n" + jl(g[11])},
            {g[11]["id"]},
            [("deep.json", 1, "invalid JSON"), ("deep.jsonl", 1, "nested too deeply")],
        ),
        "latin1": Case(
            {
                "l.txt": "Café Über Paper\nWe propose CaféNet for naïve élan in classification. We test it on CIFAR-10 and more.\n".encode(
                    "latin-1"
                )
            },
            set(),  # the id is a hash of the title: checked by title below
            [("l.txt", 1, "not valid UTF-8, read as cp1252")],
            check=lambda ps: _has_title(ps, "Café Über Paper"),
        ),
        "cp1252_smart_quotes": Case(
            {"q.jsonl": jl({**g[12], "title": "“Quoted” – Title"}).encode("cp1252")},
            {g[12]["id"]},
            [("q.jsonl", 1, "not valid UTF-8")],
            check=lambda ps: _has_title(ps, "“Quoted” – Title"),
        ),
        "mixed_encodings": Case(
            {
                "m.jsonl": jl({**g[13], "title": "Zürich Paper A"}).encode()
                + jl({**g[14], "title": "Zürich Paper B"}).encode("latin-1")
            },
            {g[13]["id"], g[14]["id"]},
            [("m.jsonl", 2, "not valid UTF-8")],
            check=lambda ps: _has_title(ps, "Zürich Paper B"),
        ),
        "invalid_utf8": Case(
            {"u.jsonl": jl(g[15]).encode()[:20] + b"\xc3\x28\xa0\xa1" + jl(g[15]).encode()[20:]},
            {g[15]["id"]},
            [("u.jsonl", 1, "not valid UTF-8")],
        ),
        "utf16_and_boms": Case(
            {
                "le-bom.jsonl": codecs.BOM_UTF16_LE + jl(g[16]).encode("utf-16-le"),
                "be-bom.jsonl": codecs.BOM_UTF16_BE + jl(g[17]).encode("utf-16-be"),
                "le.jsonl": jl(g[18]).encode("utf-16-le"),
                "be.csv": (
                    "id,title,abstract\n" + ",".join(f'"{v}"' for v in g[19].values()) + "\n"
                ).encode("utf-16-be"),
                "utf8-bom.jsonl": codecs.BOM_UTF8 + jl(g[20]).encode(),
                "utf32.jsonl": jl(g[21]).encode("utf-32"),
            },
            {g[i]["id"] for i in range(16, 22)},
        ),
        "line_endings": Case(
            {
                "crlf.csv": codecs.BOM_UTF8
                + (
                    "id,title,abstract\r\n" + ",".join(f'"{v}"' for v in g[40].values()) + "\r\n"
                ).encode(),
                "cr.tsv": "id\ttitle\tabstract\r" + "\t".join(g[41].values()) + "\r{broken\r",
                "cr.jsonl": jl(g[42]).replace("\n", "\r") + "{broken\r",
            },
            {g[40]["id"], g[41]["id"], g[42]["id"]},
            [
                ("cr.tsv", 3, "no title or abstract (1 fields where the header has 3)"),
                ("cr.jsonl", 2, "invalid JSON"),
            ],
        ),
        "nul_and_control_characters": Case(
            {
                "c.jsonl": jl({**g[22], "title": "Nul\u0000 and \u0007bell\u001b Title\u0085"})
                + '{"id": "raw-nul", "title": "Raw\x00 NUL\x01", "abstract": "A\\ud800b"}\n',
                "c.txt": b"Control\x00 Title\x07\nWe propose NulNet\x00 for digits. It works well on MNIST and on SVHN.\n",
            },
            {g[22]["id"], "raw-nul"},
            check=every(
                lambda ps: _has_title(ps, "Nul and bell Title"),
                lambda ps: _has_title(ps, "Raw NUL"),
                lambda ps: _has_title(ps, "Control Title"),
            ),
        ),
        "binary_files": Case(
            {
                "image.jsonl": b"\x89PNG\r\n\x1a\n" + os.urandom(300),
                "packed.txt": gzip.compress(jl(g[23]).encode()),
                "zipped.csv": b"PK\x03\x04" + os.urandom(100),
                "paper.bib": b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n" + zlib.compress(os.urandom(500)),
                "noise.txt": bytes(range(256)) * 8,
                "ok.jsonl": jl(g[24]),
            },
            {g[24]["id"]},
            [
                ("image.jsonl", 1, "binary file (PNG)"),
                ("packed.txt", 1, "binary file (gzip)"),
                ("zipped.csv", 1, "binary file (zip)"),
                ("paper.bib", 1, "binary file (PDF)"),
                ("noise.txt", 1, "binary data"),
            ],
        ),
        "empty_files_and_abstracts": Case(
            {
                "empty.jsonl": "",
                "blank.txt": "\n\n   \n",
                "e.jsonl": jl(
                    {**g[25], "abstract": ""}, {"id": "nothing", "title": " ", "abstract": ""}
                ),
            },
            {g[25]["id"]},
            [
                ("empty.jsonl", 1, "empty file"),
                ("blank.txt", 1, "no papers found"),
                ("e.jsonl", 2, "no title or abstract"),
            ],
        ),
        "ten_megabyte_line": Case(
            {"big.jsonl": jl({**g[26], "abstract": long_abstract}, g[27])},
            {g[27]["id"]},
            [("big.jsonl", 1, "abstract has 10,499,999 characters (limit 100,000)")],
        ),
        "html_latex_rtl_emoji": Case(
            {"s.jsonl": jl(soup, rtl)},
            {soup["id"], rtl["id"]},
            check=every(
                lambda ps: _has_text(ps, soup),
                lambda ps: _has_text(ps, rtl),
            ),
        ),
        "duplicate_ids": Case(
            {
                "d1.jsonl": jl(g[28]),
                "d2.jsonl": jl(g[28], {**g[28], "abstract": "Entirely different text here."}),
            },
            {g[28]["id"]},
            [("d2.jsonl", 2, f"id '{g[28]['id']}' was read before with other text")],
        ),
        "csv_columns_and_quoting": Case(
            {
                "c.csv": "id,title,abstract\n"
                + f'{g[29]["id"]},{g[29]["title"]},"{g[29]["abstract"]}"\n'
                + f'x1,"Unclosed title,{g[30]["abstract"]}\n'
                + f'{g[31]["id"]},"{g[31]["title"]}","{g[31]["abstract"]}",extra\n'
                + 'x2,"Bad "quote" here",abc\n'
                + f"{g[32]['id']},{g[32]['title']}\n"
                + f'{g[33]["id"]},"{g[33]["title"]}","{g[33]["abstract"]}"\n',
                "nocol.csv": "foo,bar\n1,2\n",
            },
            {g[29]["id"], g[32]["id"], g[33]["id"]},
            [
                ("c.csv", 3, "CSV syntax error"),
                ("c.csv", 4, "4 fields where the header has 3"),
                ("c.csv", 5, "CSV syntax error"),
                ("c.csv", 6, "2 fields where the header has 3"),
                ("nocol.csv", 1, "no title or abstract column"),
            ],
        ),
        "tsv_quotes_are_text": Case(
            {
                "t.tsv": "id\ttitle\tabstract\n"
                + "\t".join([*list(g[34].values())[:2], '"Quoted" start. ' + g[34]["abstract"]])
                + "\n"
            },
            {g[34]["id"]},
            check=lambda ps: _startswith(ps, g[34]["id"], '"Quoted" start.'),
        ),
        "bibtex_syntax_errors": Case(
            {
                "r.bib": "@article{open,\n  title = {Never {closed},\n  abstract = {Lost.}\n"
                + "@article{ok1,\n  title = {Fine One},\n  abstract = {"
                + g[35]["abstract"]
                + "},\n  month = jan, year = 2021\n}\n"
                + "@article{noeq,\n  title {Missing equals},\n  abstract = {x}\n}\n"
                + '@misc{quote,\n  title = "Unclosed quote,\n  abstract = {y}\n}\n'
                + "@article(paren,\n  title = {Paren (entry)},\n  abstract = {"
                + g[36]["abstract"]
                + "}\n)\n",
            },
            set(),
            [
                ("r.bib", 1, "BibTeX entry never closes"),
                ("r.bib", 9, "BibTeX syntax error"),
                ("r.bib", 13, "BibTeX syntax error (unclosed quote)"),
            ],
            check=every(
                lambda ps: _has_title(ps, "Fine One"),
                lambda ps: _has_title(ps, "Paren (entry)"),
                lambda ps: _has_date(ps, "Fine One", "2021-01"),
            ),
        ),
        "folder_of_mixed_files": Case(
            {
                "deep/er/a.jsonl": jl(g[37]),
                "deep/notes.docx": b"PK\x03\x04" + bytes(40),
                "deep/README": "just words",
                ".hidden.jsonl": jl(g[38]),
                ".git/objects.jsonl": jl(g[38]),
                "deep/b.JSONL": jl(g[39]),
            },
            {g[37]["id"], g[39]["id"]},
            [
                ("deep/notes.docx", 1, "no reader for this file type"),
                ("deep/README", 1, "no reader for this file type"),
            ],
        ),
    }


def every(*checks: Callable[[dict[str, Paper]], None]) -> Callable[[dict[str, Paper]], None]:
    """One check that runs each of `checks`."""

    def run(papers: dict[str, Paper]) -> None:
        for check in checks:
            check(papers)

    return run


def _has_title(papers: dict[str, Paper], title: str) -> None:
    assert title in {p.title for p in papers.values()}, sorted(p.title for p in papers.values())


def _has_text(papers: dict[str, Paper], record: dict[str, str]) -> None:
    paper = papers[record["id"]]
    assert (paper.title, paper.abstract) == (record["title"], record["abstract"])


def _startswith(papers: dict[str, Paper], pid: str, start: str) -> None:
    assert papers[pid].abstract.startswith(start)


def _has_date(papers: dict[str, Paper], title: str, date: str) -> None:
    assert date in {p.date for p in papers.values() if p.title == title}


CASES = cases()


def write(root: Path, files: dict[str, bytes | str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        path.write_bytes(content)


def read(root: Path, strict: bool = False) -> tuple[dict[str, Paper], list[str], ReadReport]:
    warnings: list[str] = []
    report = ReadReport(strict=strict, warn=warnings.append)
    papers = {p.id: p for p in read_papers([root], report=report)}
    return papers, warnings, report


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_records_are_skipped_with_file_and_line(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    write(tmp_path, case.files)
    papers, warnings, report = read(tmp_path)
    for pid in case.ids:
        assert pid in papers, (pid, warnings)
    for file, line, reason in case.warnings:
        prefix = f"{tmp_path / file}:{line}: "
        assert any(w.startswith(prefix) and reason in w for w in warnings), (
            prefix,
            reason,
            warnings,
        )
    assert all("\n" not in w for w in warnings)
    assert report.skipped == sum(w.endswith("; skipped") for w in warnings)
    if case.check:
        case.check(papers)
    for paper in papers.values():
        for text in (paper.id, paper.title, paper.abstract, paper.source):
            assert not any(ord(c) < 32 and c not in "\t\n\r" for c in text)
            text.encode("utf-8")  # no lone surrogate left


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n].warnings))
def test_strict_stops_at_the_first_warning(tmp_path: Path, name: str) -> None:
    write(tmp_path, CASES[name].files)
    _, warnings, _ = read(tmp_path)
    with pytest.raises(BadInput) as err:
        read(tmp_path, strict=True)
    assert warnings[0].removesuffix("; skipped") == str(err.value)


def test_cleaned_text_keeps_offsets_of_mentions(tmp_path: Path, nlp: object) -> None:
    """RTL, combining marks, emoji and markup are stored exactly; every mention points into them."""
    write(tmp_path, CASES["html_latex_rtl_emoji"].files | CASES["nul_and_control_characters"].files)
    papers, _, _ = read(tmp_path)
    extractions = list(extract_papers(papers.values(), nlp))
    assert sum(len(ex.mentions) for ex in extractions) > 0
    for ex in extractions:
        assert problems(to_record(ex)) == []
    names = {link.entity for ex in extractions for link in ex.links}
    assert not any("<" in name or "&amp;" in name for name in names), names


def test_symlink_loops_and_missing_paths(tmp_path: Path) -> None:
    record = good()
    write(tmp_path / "corpus", {"sub/a.jsonl": jl(record)})
    (tmp_path / "corpus" / "sub" / "loop").symlink_to(tmp_path / "corpus")
    (tmp_path / "corpus" / "self.jsonl").symlink_to(tmp_path / "corpus" / "self.jsonl")
    warnings: list[str] = []
    report = ReadReport(warn=warnings.append)
    papers = list(read_papers([tmp_path / "corpus", tmp_path / "missing.jsonl"], report=report))
    assert [p.id for p in papers] == [record["id"]]
    assert any(w.startswith(f"{tmp_path / 'missing.jsonl'}:1: no such file") for w in warnings)
    assert any("self.jsonl:1: broken or looping symbolic link" in w for w in warnings)


def test_unprintable_file_names_stay_on_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "new\nline\x1b.jsonl"
    bad.write_text("{broken\n")
    _, warnings, _ = read(tmp_path)
    assert warnings == [
        f"{tmp_path}/new\\x0aline\\x1b.jsonl:1: invalid JSON (Expecting property name enclosed in double quotes at column 2); skipped"
    ]


def test_unknown_format_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="unknown format 'yaml'"):
        list(read_papers([tmp_path], fmt="yaml"))


def test_blank_or_numeric_ids_and_month_names(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {**good(), "id": "   "},
        {**good(), "id": 42, "year": 2020, "month": "Sept"},
    ]
    write(tmp_path, {"ids.jsonl": jl(*rows)})
    papers, warnings, _ = read(tmp_path)
    assert warnings == []
    assert len(papers) == 2
    assert papers["42"].date == "2020-09"
    assert any(pid.startswith("t:") for pid in papers)
