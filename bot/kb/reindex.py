"""`curator reindex`: rebuild the configured embedding space from the files the manifest knows.

Switching EMBEDDING_MODEL or EMBEDDING_DIM (or how texts are prepared for the model) opens a new space;
vectors of two spaces never mix, so the new one starts empty. The manifest remembers every folder and file
`curator ingest` was given for the knowledge base, and which files each older space holds: reindex ingests
those again into the current space (incrementally, like ingest) and leaves the older spaces untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.kb.manifest import Manifest
from bot.kb.stores.qdrant import KnowledgeBaseError


@dataclass(frozen=True)
class ReindexPlan:
    """What to ingest again: the recorded paths that still exist, and those that are gone."""

    paths: list[Path]
    missing: list[str] = field(default_factory=list)


def plan_reindex(manifest: Manifest, base: str) -> ReindexPlan:
    """The paths to rebuild `base` from: recorded ingest roots, plus files that older spaces hold outside them
    (manifests written before roots were recorded)."""
    roots = manifest.roots(base)
    outside = sorted(s for s in manifest.sources_of_base(base) if not any(_under(s, r) for r in roots))
    recorded = roots + outside
    if not recorded:
        raise KnowledgeBaseError(f"Nothing to rebuild: no files were ever ingested into '{base}'. "
                                 "Add documents with `curator ingest PATH`.")
    paths = [Path(p) for p in recorded if Path(p).exists()]
    if not paths:
        raise KnowledgeBaseError(f"Nothing to rebuild: none of the paths ingested into '{base}' exists any more "
                                 f"({', '.join(recorded[:3])}). Add documents with `curator ingest PATH`.")
    return ReindexPlan(paths, [p for p in recorded if not Path(p).exists()])


def _under(source: str, root: str) -> bool:
    return source == root or source.startswith(root.rstrip("/") + "/")
