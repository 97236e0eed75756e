"""Score Curator's answers by the facts they contain: one question set against one knowledge base.

Kept to the API every version of Curator has (build_knowledge_base, ingestor().run, ask.ask with a
history of Turns, finish, citations, found), so `bench.answers --baseline REF` can run this same file
against older code. Run on its own it prints the figures as JSON:

    python -m bench._answers_eval --kb examples/kb --items examples/eval/answers.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Outcome:
    """How one question went: what the answer said, what it cited and how long it took."""

    id: str
    kind: str
    correct: bool
    refused: bool
    cited_doc: bool
    seconds: float
    missing: list[str] = field(default_factory=list)
    answer: str = ""


def load_items(path: Path) -> list[dict]:
    """The questions of one JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def normalise(text: str) -> str:
    """Lower-case with runs of whitespace collapsed: how facts are matched against answers."""
    return " ".join(text.lower().split())


def missing_facts(facts: list, answer: str) -> list[str]:
    """The facts (a string, or a list of alternatives) that `answer` does not contain."""
    text = normalise(answer)
    missing = []
    for fact in facts:
        options = fact if isinstance(fact, list) else [fact]
        if not any(normalise(option) in text for option in options):
            missing.append(" | ".join(options))
    return missing


def evaluate(kb, items: list[dict], turn_type) -> list[Outcome]:
    """Ask every item (follow-ups after their history, each earlier answer kept in the thread)."""
    return [_ask_item(kb, item, turn_type) for item in items]


def _ask_item(kb, item: dict, turn_type) -> Outcome:
    history = []
    for earlier in item.get("history", []):
        reply = kb.ask.ask(earlier, history=list(history)).finish()
        history += [turn_type("user", earlier), turn_type("assistant", reply)]
    started = time.perf_counter()
    answer = kb.ask.ask(item["question"], history=history)
    text = answer.finish()
    seconds = time.perf_counter() - started
    cited = {passage.doc_id for _, passage in answer.citations}
    refused = not answer.found
    if item["kind"] == "absent":
        return Outcome(item["id"], "absent", refused, refused, False, seconds, answer=text)
    missing = missing_facts(item["facts"], text)
    cited_doc = item["doc"] in cited
    correct = not missing and cited_doc
    return Outcome(item["id"], item["kind"], correct, refused, cited_doc, seconds, missing, text)


def plain_text(path: Path) -> str:
    """A document's words without markup (Markdown emphasis, HTML tags, PDF layout), to check a set."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in {".html", ".htm"}:
        from bs4 import BeautifulSoup

        text = BeautifulSoup(text, "html.parser").get_text(" ")
    return re.sub(r"\s+([.,;:!?)])", r"\1", text.replace("**", "").replace("`", ""))


def run(kb_root: Path, items: list[dict], settings=None, threads: int = 1) -> list[Outcome]:
    """Ingest `kb_root` into a temporary store (offline unless `settings` say otherwise) and ask every item.

    torch runs on `threads` intra-op threads: on a shared 2-core machine two threads wait on each other
    whenever a third process runs (a MiniLM query took 26 ms on one thread and 445 ms on two, measured), so
    the timings compare versions at one thread each."""
    import torch

    torch.set_num_threads(threads)
    from bot.config import Settings
    from bot.services import build_knowledge_base
    try:
        from bot.types import Turn
    except ImportError:  # code from before the layout step (issue 13), run as a --baseline
        from bot.providers.base import Turn

    with tempfile.TemporaryDirectory() as tmp:
        kb = build_knowledge_base(settings or Settings(_env_file=None, CURATOR_DATA_DIR=Path(tmp)))
        try:
            kb.ingestor().run([kb_root])
            kb.ask.ask(items[0]["question"]).finish()  # load the model and warm the store before timing
            return evaluate(kb, items, Turn)
        finally:
            kb.close()


def main() -> None:
    """Print the outcomes of one set as JSON (used by bench.answers for the baseline run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--items", type=Path, required=True)
    parser.add_argument("--limit", type=int, help="only the first N items")
    args = parser.parse_args()
    items = load_items(args.items)[: args.limit]
    print(json.dumps([asdict(outcome) for outcome in run(args.kb, items)]))


if __name__ == "__main__":
    main()
