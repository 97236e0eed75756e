"""BM25-style sparse vectors: stemmed terms hashed to ids, saturated term frequencies.

Qdrant applies the IDF part itself (sparse vectors with `Modifier.IDF`), so documents carry only the
BM25 term-frequency component and queries carry a weight of 1 per term.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache

import snowballstemmer

K1 = 1.2
B = 0.75
AVERAGE_CHUNK_TERMS = 100  # measured on the sample KB: chunks of ~900 chars keep ~100 terms

_TOKEN = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
_COMPOUND = re.compile(r"[-_.]")
STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "you", "your", "yours", "yourself", "yourselves", "i'm", "it's", "what's", "how's"]
)
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word."""
    return _STEMMER.stemWord(word)


def tokens(text: str) -> list[str]:
    """The lower-case words and compounds of `text`, before stemming (stopwords dropped)."""
    return [token for token in _TOKEN.findall(text.lower()) if token not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Stemmed index terms; compounds (ERR_TUNNEL_TIMEOUT, Wi-Fi) also yield their parts and joined form."""
    out: list[str] = []
    for token in tokens(text):
        out.append(stem(token))
        if not _COMPOUND.search(token):  # most tokens: skip the split
            continue
        parts = _COMPOUND.split(token)
        if len(parts) > 1:
            out.extend(stem(part) for part in parts if part and part not in STOPWORDS)
            out.append(stem("".join(parts)))  # "wi-fi" also matches "wifi"
    return out


@lru_cache(maxsize=200_000)
def term_id(term: str) -> int:
    """A stable 32-bit id for a term (Qdrant sparse indices are u32)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "little")


def document_vector(text: str) -> tuple[list[int], list[float]]:
    """BM25 term-frequency weights of a chunk, as (indices, values)."""
    counts = Counter(term_id(t) for t in terms(text))
    length_norm = K1 * (1 - B + B * sum(counts.values()) / AVERAGE_CHUNK_TERMS)
    indices = sorted(counts)
    return indices, [counts[i] * (K1 + 1) / (counts[i] + length_norm) for i in indices]


def query_vector(text: str) -> tuple[list[int], list[float]]:
    """One unit weight per distinct query term; Qdrant multiplies in the IDF."""
    indices = sorted({term_id(t) for t in terms(text)})
    return indices, [1.0] * len(indices)
