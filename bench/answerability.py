"""Does the offline answerer answer what the knowledge base covers and refuse what it doesn't?

The refusal rule (bot/providers/extractive_answerer.py) was tuned on questions.jsonl and absent.jsonl;
holdout.jsonl and holdout-absent.jsonl were written afterwards and never used for tuning, so their rows
are the honest estimate. Real MiniLM, the sample knowledge base, local Qdrant.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench._corpus import SAMPLE_KB
from bench._report import REPO, arguments, emit, stamp, table
from bot.config import Settings
from bot.services import build_knowledge_base

SETS = [
    ("questions.jsonl", "covered", "tuning"),
    ("absent.jsonl", "absent", "tuning"),
    ("holdout.jsonl", "covered", "held out"),
    ("holdout-absent.jsonl", "absent", "held out"),
]


def main() -> None:
    """Ask every question of the four sets and count correct answers and refusals."""
    args = arguments(__doc__.splitlines()[0]).parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        kb = build_knowledge_base(Settings(_env_file=None, CURATOR_DATA_DIR=Path(tmp)))
        kb.ingestor().run([SAMPLE_KB])
        for name, kind, use in SETS:
            questions = [json.loads(line) for line in (REPO / "examples/eval" / name).read_text().splitlines() if line]
            good = 0
            for question in questions:
                answer = kb.ask.ask(question["question"])
                answer.finish()
                cited = {passage.doc_id for _, passage in answer.citations}
                good += (answer.found and bool(cited & set(question["relevant"]))) if kind == "covered" else not answer.found
            outcome = "answered, citing a relevant document" if kind == "covered" else "refused (not in the knowledge base)"
            rows.append([name, use, len(questions), f"{good}/{len(questions)} {outcome}"])
        kb.close()
    body = "## Offline answerer: answer or refuse (`python -m bench.answerability`)\n\n" + stamp() + "\n\n"
    body += table(["question set", "used for", "questions", "result"], rows)
    body += (
        "\n\nWithout a language model, refusing is a heuristic (bot/kb/refusal.py, bot/kb/selection.py): the "
        "quoted unit must hold enough of the question's weighted terms, and a code, a name or a topic word the "
        "passages never mention refuses it. The chatty covered questions it now refuses (8 of 40) are ones whose "
        "words the best unit doesn't hold ('my grandmother passed away last night', 'per-person limit'). "
        "bench/answers.py judges answers by their facts on larger sets. The Gemini answerer decides with the "
        "grounding instruction instead.\n"
    )
    emit("answerability", body, args.write)


if __name__ == "__main__":
    main()
