"""Searching and patching sorted exports in place (kg.export.splice), on made-up sorted files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export.journal import apply_edits, finish
from kg.export.rdf import NTRIPLES_LAYOUT, TURTLE_LAYOUT
from kg.export.splice import Layout, find, just, live, plan

keys = st.text(alphabet="abc", min_size=1, max_size=3).map(lambda k: f"<{k}>")
# Subjects with the padding of their one statement: long enough for the search to gallop.
units = st.lists(st.tuples(keys, st.integers(0, 3000)), max_size=40).map(sorted)


def ntriples(rows: list[tuple[str, int]]) -> bytes:
    return b"".join(f'{k} <p> "{"x" * pad}" .\n'.encode() for k, pad in rows)


def turtle_blocks(rows: list[tuple[str, int]]) -> list[str]:
    # One block per subject, as the Turtle writer makes them: a blank line, then the subject.
    blocks: dict[str, list[int]] = {}
    for k, pad in rows:
        blocks.setdefault(k, []).append(pad)
    return [
        f"\n{k}\n    " + " ;\n    ".join(f'<p> "{"x" * pad}"' for pad in pads) + " .\n"
        for k, pads in sorted(blocks.items())
    ]


def turtle(rows: list[tuple[str, int]]) -> bytes:
    return b"@prefix ex: <http://example.org/> .\n" + "".join(turtle_blocks(rows)).encode()


def ntriples_blocks(rows: list[tuple[str, int]]) -> list[str]:
    subjects = sorted({k for k, _ in rows})
    return [ntriples([row for row in rows if row[0] == k]).decode() for k in subjects]


def starts(buf: bytes, layout: Layout) -> list[tuple[int, bytes]]:
    """Every unit's start and key, by walking the file unit by unit."""
    body, end = layout.body(buf)
    found = []
    u = layout.unit(buf, body, end)
    while u < end:
        found.append((u, layout.key(buf, u)))
        u = layout.unit(buf, u + 1, end)
    return found


@settings(max_examples=200, deadline=None)
@given(rows=units, key=keys, first=st.integers(0, 50), turtle_file=st.booleans())
def test_find_gives_the_first_unit_at_or_after_the_key(
    rows: list[tuple[str, int]], key: str, first: int, turtle_file: bool
) -> None:
    layout, buf = (
        (TURTLE_LAYOUT, turtle(rows)) if turtle_file else (NTRIPLES_LAYOUT, ntriples(rows))
    )
    all_units = starts(buf, layout)
    _, end = layout.body(buf)
    begin = all_units[first][0] if first < len(all_units) else end
    expected = next((u for u, k in all_units if u >= begin and k >= key.encode()), end)
    assert find(buf, layout, begin, end, key.encode()) == expected


def live_units(buf: bytes, layout: Layout) -> list[bytes]:
    """The text of every unit not blanked, in file order."""
    step = live(layout)
    body, end = layout.body(buf)
    found, u = [], step.unit(buf, body, end)
    while u < end:
        found.append(buf[u : layout.unit(buf, u + 1, end)])
        u = step.unit(buf, u + 1, end)
    return found


changes = st.lists(st.tuples(st.sets(keys, max_size=4), units), min_size=1, max_size=3)


@settings(max_examples=100, deadline=None)
@given(rows=units, rounds=changes, turtle_file=st.booleans())
def test_patches_in_place_say_what_the_file_written_from_scratch_says(
    rows: list[tuple[str, int]],
    rounds: list[tuple[set[str], list[tuple[str, int]]]],
    turtle_file: bool,
) -> None:
    """Round after round of subjects taken out and blocks added: the units not blanked are
    those of the file written from scratch, and each run stays sorted for the next search."""
    layout, write, blocks = (
        (TURTLE_LAYOUT, turtle, turtle_blocks)
        if turtle_file
        else (NTRIPLES_LAYOUT, ntriples, ntriples_blocks)
    )
    state = sorted(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph"
        path.write_bytes(write(state))
        runs: list[tuple[int, int]] = []
        for gone, added in rounds:
            out = gone | {k for k, _ in added}
            state = sorted([row for row in state if row[0] not in out] + added)
            edit = plan(path, layout, runs, [just(k.encode()) for k in out], blocks(added))
            apply_edits(Path(tmp), "t", [edit])
            finish(Path(tmp))
            runs = edit.runs
            buf = path.read_bytes()
            assert sorted(live_units(buf, layout)) == sorted(live_units(write(state), layout))
            step = live(layout)
            for a, b in runs:
                u, keys_in_run = step.unit(buf, a, b), []
                while u < b:
                    keys_in_run.append(layout.key(buf, u))
                    u = step.unit(buf, u + 1, b)
                assert keys_in_run == sorted(keys_in_run)


def test_a_subject_written_as_before_is_left_alone(tmp_path: Path) -> None:
    rows = [("<a>", 3), ("<b>", 5), ("<c>", 1)]
    path = tmp_path / "graph.nt"
    path.write_bytes(ntriples(rows))
    same = plan(path, NTRIPLES_LAYOUT, [], [just(b"<b>")], ntriples_blocks([("<b>", 5)]))
    assert same.blanks == [] and same.text == b"" and same.at == path.stat().st_size
    other = plan(path, NTRIPLES_LAYOUT, [], [just(b"<b>")], ntriples_blocks([("<b>", 6)]))
    assert len(other.blanks) == 1 and other.text == ntriples([("<b>", 6)])
