"""Searching and patching sorted exports (kg.export.splice), on made-up sorted files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export.rdf import NTRIPLES_LAYOUT, TURTLE_LAYOUT
from kg.export.splice import Layout, find, just, splice

keys = st.text(alphabet="abc", min_size=1, max_size=3).map(lambda k: f"<{k}>")
# Subjects with the padding of their one statement: long enough for the search to gallop.
units = st.lists(st.tuples(keys, st.integers(0, 3000)), max_size=40).map(sorted)


def ntriples(rows: list[tuple[str, int]]) -> bytes:
    return b"".join(f'{k} <p> "{"x" * pad}" .\n'.encode() for k, pad in rows)


def turtle(rows: list[tuple[str, int]]) -> bytes:
    # One block per subject, as the Turtle writer makes them: a blank line, then the subject.
    blocks: dict[str, list[int]] = {}
    for k, pad in rows:
        blocks.setdefault(k, []).append(pad)
    body = "".join(
        f"\n{k}\n    " + " ;\n    ".join(f'<p> "{"x" * pad}"' for pad in pads) + " .\n"
        for k, pads in blocks.items()
    )
    return b"@prefix ex: <http://example.org/> .\n" + body.encode()


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


@settings(max_examples=100, deadline=None)
@given(rows=units, gone=st.sets(keys, max_size=4), added=units)
def test_splice_equals_the_file_written_from_scratch(
    rows: list[tuple[str, int]], gone: set[str], added: list[tuple[str, int]]
) -> None:
    kept = [(k, pad) for k, pad in rows if k not in gone]
    new_keys = {k for k, _ in added}
    kept = [(k, pad) for k, pad in kept if k not in new_keys]
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.nt", Path(tmp) / "new.nt"
        old.write_bytes(ntriples(rows))
        drops = [just(k.encode()) for k in gone | new_keys]
        blocks = [ntriples([row]).decode() for row in added]
        splice(old, new, NTRIPLES_LAYOUT, drops, blocks)
        assert new.read_bytes() == ntriples(sorted(kept + added))
