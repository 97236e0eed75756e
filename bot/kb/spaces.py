"""The embedding spaces of one knowledge base: what each collection holds, and advice that works when followed.

Each space is its own collection (`kb__<model>__<dim>`). After a model switch the configured space is empty
while older ones still hold the knowledge base, so the message says what is there, offers `curator reindex`
when the manifest knows the files, and names the settings that go back to an older space only where settings
can (the offline space is reached by removing the Google credentials, never by naming MiniLM as a Google
model; a space prepared in a way Curator no longer uses can only be rebuilt).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LOCAL_SLUG = "all-minilm-l6-v2"  # the offline MiniLM space (bot.providers.local_embedder.MODEL_ID, lower-cased)
GOOGLE_CREDENTIALS = "GEMINI_API_KEY and GOOGLE_GENAI_USE_VERTEXAI"


@dataclass(frozen=True)
class Space:
    """One collection of a knowledge base: its name, the space's model slug and its dimension."""

    name: str
    slug: str
    dimension: int

    @property
    def label(self) -> str:
        """`gemini-embedding-001 (768-d)`."""
        return f"{self.slug} ({self.dimension}-d)"


def parse_space(name: str) -> Space | None:
    """`kb__gemini-embedding-001__768` -> Space; None for a collection that is not a text space."""
    parts = name.split("__")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    return Space(name, parts[1], int(parts[2]))


def switch_back(space: Space, offline_now: bool = False) -> str | None:
    """The settings that make Curator use `space` again, or None when no setting does."""
    if space.slug == LOCAL_SLUG:
        return (f"remove {GOOGLE_CREDENTIALS} from the environment and .env to go back to the offline "
                f"embeddings it was built with")
    if space.slug.startswith("gemini-embedding-2") and not space.slug.endswith(".task-prefix"):
        return None  # gemini-embedding-2 with task types: Curator now always sends task prefixes
    model = space.slug.removesuffix(".task-prefix")
    if model.startswith(("gemini-", "text-embedding-")):
        credentials = "GEMINI_API_KEY (or Vertex AI, docs/google-setup.md) with " if offline_now else ""
        return f"set {credentials}EMBEDDING_MODEL={model} and EMBEDDING_DIM={space.dimension} to go back to it"
    return None


def missing_space_message(base: str, model_id: str, dimension: int, others: Sequence[Space],
                          files_known: int) -> str:
    """What to do when the configured space of `base` has never been built."""
    if not others and not files_known:
        return f"The knowledge base '{base}' is empty. Add documents with `curator ingest PATH`."
    built = f" It was built with {', '.join(s.label for s in others)}." if others else ""
    model = model_id.removesuffix(".task-prefix")
    if files_known:
        fix = (f"Build it from the {files_known} files already ingested with `curator reindex` (it reads them "
               f"again and embeds them with {model})")
    else:
        fix = f"Ingest the documents again with `curator ingest PATH` (they are embedded with {model})"
    offline_now = model_id.lower() == LOCAL_SLUG
    backs = [advice for advice in (switch_back(s, offline_now) for s in others) if advice]
    back = f"; or {backs[0]}" if backs else ""
    return (f"The knowledge base '{base}' has nothing yet in the embedding space Curator is now configured for: "
            f"{model_id} ({dimension}-d).{built} Vectors of different spaces can't be mixed. {fix}{back}.")
