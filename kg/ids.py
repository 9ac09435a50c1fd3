"""The one id scheme: paper ids, entity keys and entity ids are made here and nowhere else."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from json.encoder import encode_basestring_ascii as _json
from typing import Any

_ARXIV_NEW = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.I)
_ARXIV_OLD = re.compile(r"^(?:arxiv:)?([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.I)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)  # DataCite DOIs arXiv mints
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([A-Za-z0-9_\-]+)")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Short all-caps names that are also common words keep their case in keys (ANNOTATION.md).
_COMMON_WORDS = frozenset(
    [
        "math",
        "art",
        "can",
        "it",
        "go",
        "be",
        "all",
        "arc",
        "race",
        "pile",
        "piqa",
        "boolq",
        "cola",
        "drop",
        "ego",
        "hello",
        "image",
        "mnist",
        "coco",
        "glue",
        "swag",
        "dart",
        "break",
        "star",
        "squad",
        "wild",
        "car",
        "cars",
        "bird",
        "birds",
        "flower",
        "flowers",
        "pets",
        "food",
        "text",
        "code",
        "web",
        "wiki",
        "news",
        "rest",
        "core",
        "ace",
    ]
)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _unless_combining(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match[0]) else match[0]


# ASCII but letters and digits → space: for ASCII text, one translate and a split do what
# `_NON_WORD` does, about 3 times faster (ingest keys every abstract with it).
_ASCII_SPACES = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isdigit() or "a" <= chr(c) <= "z")}
)


def normalise_title(text: str) -> str:
    """Lower case, accents folded, everything but letters and digits collapsed to one space."""
    if text.isascii():  # ASCII has nothing to fold
        return " ".join(text.lower().translate(_ASCII_SPACES).split())
    # Only non-ASCII characters can be combining marks: look at those alone.
    text = _NON_ASCII.sub(_unless_combining, unicodedata.normalize("NFKD", text))
    return _NON_WORD.sub(" ", text.lower()).strip()


def text_hash(text: str, n: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def arxiv_id(value: str) -> str | None:
    """The version-less arXiv id in `value`, or None."""
    value = value.strip()
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(value)
        if match:
            return match.group(1)
    return None


def paper_id(record: Mapping[str, Any]) -> str:
    """The paper id: the record's own id, else a source id, else a hash of title or abstract.

    Source ids are `arxiv:…` (also for arXiv's own DOIs, 10.48550/arXiv.…), `doi:…` (lower
    case) and `openreview:…`; hashes are `t:` (normalised title) or `a:` (normalised
    abstract) plus 16 hex digits.
    """
    own = record.get("id")
    if own not in (None, ""):
        return str(own).strip()
    for key in ("arxiv_id", "arxiv", "eprint"):
        if record.get(key):
            found = arxiv_id(str(record[key]))
            if found:
                return f"arxiv:{found}"
    if record.get("doi"):
        doi = re.sub(
            r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", str(record["doi"]).strip(), flags=re.I
        )
        on_arxiv = _ARXIV_DOI.match(doi)
        if on_arxiv and arxiv_id(on_arxiv.group(1)):
            return f"arxiv:{arxiv_id(on_arxiv.group(1))}"
        return f"doi:{doi.lower()}"
    for key in ("openreview_id", "paper_id", "forum"):
        if record.get(key):
            return f"openreview:{str(record[key]).strip()}"
    for key in ("link", "url"):
        match = _OPENREVIEW.search(str(record.get(key) or ""))
        if match:
            return f"openreview:{match.group(1)}"
    title = normalise_title(str(record.get("title") or ""))
    if title:
        return f"t:{text_hash(title)}"
    return f"a:{text_hash(normalise_title(str(record.get('abstract') or '')))}"


# Names recur across mentions and papers; the cache makes repeated keys nearly free.
@functools.lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """The identity key of a name: case, hyphens, spaces and punctuation folded (Meta-World = MetaWorld).

    A short all-caps name that is also a common word keeps its case, so `MATH` the
    benchmark stays apart from `math`.
    """
    # ASCII text is its own NFKC and NFKD form and has no combining marks.
    ascii_only = name.isascii()
    name = (name if ascii_only else unicodedata.normalize("NFKC", name)).strip()
    letters = re.sub(r"[^0-9A-Za-z]", "", name)
    if letters.isupper() and letters.isalpha() and letters.lower() in _COMMON_WORDS:
        return letters
    text = name.lower()
    if not ascii_only:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z@+#.]", "", text).strip(".")


def normalise_url(url: str) -> str:
    """A URL's identity: no scheme, no `www.`, no `.git`, no trailing slash; host in lower case.

    Applied until nothing changes, so it is idempotent (`https://https://x/ /` included).
    """
    while True:
        once = _normalise_url_once(url)
        if once == url:
            return once
        url = once


def _normalise_url_once(url: str) -> str:
    url = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", url.strip(), flags=re.I)
    url = re.sub(r"^www\.", "", url, flags=re.I)
    host, _, rest = url.partition("/")
    url = host.lower() + ("/" + rest if rest else "")
    url = url.rstrip("/")
    if url.endswith(".git"):
        url = url[: -len(".git")]
    return url.rstrip("/")


@functools.lru_cache(maxsize=1 << 17)  # pure; a build asks about the same names again and again
def entity_key(label: str, name: str) -> str:
    """The identity key of an entity of `label` named `name` (before cross-paper alias resolution)."""
    if label == "REPO":
        return normalise_url(name).lower() if "github.com" in name.lower() else normalise_url(name)
    return fold(name)


def entity_id(label: str, name: str) -> str:
    """The node id of an entity: `<label>:<key>`, e.g. `benchmark:metaworld`."""
    return f"{label.lower()}:{entity_key(label, name)}"


def link_id(paper: str, relation: str, entity: str) -> str:
    """The id of a (paper, relation, entity) link: 20 hex digits of a SHA-1 of the three.

    Hashed as the JSON text of the list of the three, so no two triples share a key.
    """
    key = f"[{_json(paper)}, {_json(relation)}, {_json(entity)}]"
    return hashlib.sha1(key.encode()).hexdigest()[:20]


def label_of(node_id: str) -> str:
    """The label an entity id was made with."""
    return node_id.split(":", 1)[0].upper()
