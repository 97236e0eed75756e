"""Ingestion: idempotent re-runs, incremental updates, pruning, bad input, and a run killed mid-way."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.kb.ingest import Ingestor
from bot.kb.manifest import Manifest
from tests.conftest import (
    REPO,
    make_store,
    open_on_disk,
    stored_payloads,
    stored_points,
)
from tests.fakes.embedders import CountingEmbedder, HashingEmbedder


def write_kb(root: Path, files: int = 4, version: int = 1) -> None:
    """A small knowledge base of Markdown files, each with two sections."""
    for n in range(files):
        (root / f"doc{n}.md").write_text(
            f"# Document {n}\n\n## Setup\n\nStep {n}: install the agent version {n}.{version} on the laptop.\n\n"
            f"## Troubleshooting\n\nIf error E{n}00 appears, restart the service number {n}.\n"
        )


all_points = stored_points


@pytest.fixture(params=["edge", "qdrant"])
def qdrant(request, tmp_path: Path):
    """Each ingest promise on Qdrant Edge (the embedded default) and on qdrant-client (the server path)."""
    if request.param == "edge":
        engine = open_on_disk("edge", tmp_path / "edge")
        yield engine
        engine.close()
        return
    from qdrant_client import QdrantClient

    client = QdrantClient(":memory:")
    yield client
    client.close()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    write_kb(root)
    return root


def ingestor(store, embedder, manifest, max_bytes: int = 1_000_000) -> Ingestor:
    return Ingestor(store, embedder, manifest, max_bytes)


def test_rerun_of_unchanged_files_costs_no_embedding_calls(kb_dir, qdrant, manifest):
    embedder = CountingEmbedder(HashingEmbedder())
    store = make_store(qdrant, embedder)
    first = ingestor(store, embedder, manifest).run([kb_dir])
    assert len(first.added) == 4 and first.chunks == store.count() > 0
    calls_after_first = embedder.document_calls
    points_after_first = all_points(store)

    second = ingestor(store, embedder, manifest).run([kb_dir])

    assert embedder.document_calls == calls_after_first
    assert len(second.unchanged) == 4 and not second.added and not second.updated
    assert all_points(store) == points_after_first


def test_changed_file_replaces_its_chunks_and_deleted_file_is_removed(kb_dir, qdrant, manifest):
    embedder = CountingEmbedder(HashingEmbedder())
    store = make_store(qdrant, embedder)
    ingestor(store, embedder, manifest).run([kb_dir])
    (kb_dir / "doc1.md").write_text("# Document 1\n\nCompletely new text about printer queues.\n")
    (kb_dir / "doc2.md").unlink()
    calls_before = embedder.document_calls

    report = ingestor(store, embedder, manifest).run([kb_dir])

    assert embedder.document_calls == calls_before + 1  # only the changed file was embedded
    assert report.updated == ["doc1.md"] and len(report.removed) == 1 and "doc2.md" in report.removed[0]
    docs = [doc for doc, _ in all_points(store).values()]
    assert "doc2.md" not in docs
    doc1_texts = [text for doc, text in all_points(store).values() if doc == "doc1.md"]
    assert doc1_texts == ["Completely new text about printer queues."]


def test_pruning_only_touches_files_under_the_ingested_paths(tmp_path, qdrant, manifest):
    embedder = HashingEmbedder()
    store = make_store(qdrant, embedder)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    write_kb(a, 2)
    write_kb(b, 2)
    ingestor(store, embedder, manifest).run([a])
    report = ingestor(store, embedder, manifest).run([b])
    assert not report.removed
    assert {p["source"].split("/")[-2] for p in stored_payloads(store).values()} == {"a", "b"}


def test_bad_inputs_are_skipped_with_reasons_and_never_abort_the_run(kb_dir, qdrant, manifest):
    (kb_dir / "empty.md").write_text("")
    (kb_dir / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (kb_dir / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ngarbage without xref")
    (kb_dir / "huge.txt").write_bytes(b"word " * 10_500_000)  # 52.5 MB
    (kb_dir / "latin1.txt").write_bytes("Café policy\n\nThe café opens at 8:00 for all employees.".encode("cp1252"))
    (kb_dir / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (kb_dir / "data.xlsx").write_bytes(b"PK\x03\x04")
    embedder = HashingEmbedder()
    store = make_store(qdrant, embedder)

    report = ingestor(store, embedder, manifest, max_bytes=20_000_000).run([kb_dir])

    reasons = dict(report.skipped)
    assert reasons["empty.md"] == "empty file"
    assert "binary" in reasons["binary.md"]
    assert "unreadable PDF" in reasons["broken.pdf"]
    assert "too large (52.5 MB" in reasons["huge.txt"]
    assert "image" in reasons["photo.png"]
    assert "unsupported file type '.xlsx'" in reasons["data.xlsx"]
    assert "latin1.txt" in report.added and ("latin1.txt", "not UTF-8: decoded as Windows-1252") in report.notes
    assert sorted(report.added) == ["doc0.md", "doc1.md", "doc2.md", "doc3.md", "latin1.txt"]
    texts = [text for _, text in all_points(store).values()]
    assert any("The café opens at 8:00" in t for t in texts)


def test_a_file_that_turns_empty_loses_its_old_chunks(kb_dir, qdrant, manifest):
    embedder = HashingEmbedder()
    store = make_store(qdrant, embedder)
    ingestor(store, embedder, manifest).run([kb_dir])
    (kb_dir / "doc0.md").write_text("   \n")
    report = ingestor(store, embedder, manifest).run([kb_dir])
    assert ("doc0.md", "empty file") in report.skipped
    assert "doc0.md" not in {doc for doc, _ in all_points(store).values()}


def test_switching_embedding_model_uses_a_separate_collection(kb_dir, qdrant, manifest):
    small, large = HashingEmbedder(64, "model-a"), HashingEmbedder(128, "model-b")
    store_a, store_b = make_store(qdrant, small), make_store(qdrant, large)
    ingestor(store_a, small, manifest).run([kb_dir])
    report = ingestor(store_b, large, manifest).run([kb_dir])
    assert len(report.added) == 4  # a new space re-embeds everything rather than trusting the old manifest
    assert store_a.name != store_b.name and store_a.count() == store_b.count()


KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from bot.kb.ingest import Ingestor
    from bot.kb.manifest import Manifest
    from tests.conftest import make_store, open_on_disk
    from tests.fakes.embedders import HashingEmbedder

    kb, qdrant_path, manifest_path, where, after, kind = sys.argv[1:7]
    embedder = HashingEmbedder()
    store = make_store(open_on_disk(kind, Path(qdrant_path)), embedder)
    manifest = Manifest(Path(manifest_path))
    calls = {"n": 0}

    def kill_after(fn):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] > int(after):
                os.kill(os.getpid(), signal.SIGKILL)
            return fn(*args, **kwargs)
        return wrapper

    if where == "embed":
        embedder.embed_documents = kill_after(embedder.embed_documents)
    else:  # after the chunks are stored, before the manifest says so
        manifest.record = kill_after(manifest.record)
    Ingestor(store, embedder, manifest, 10_000_000, flush_chunks=1).run([Path(kb)])
    """
)


@pytest.mark.parametrize("kind", ["edge", "qdrant"])
@pytest.mark.parametrize("where", ["embed", "manifest"])
def test_a_killed_run_rerun_ends_with_exactly_the_chunks_of_a_clean_run(tmp_path, kb_dir, where, kind):
    from qdrant_client import QdrantClient

    write_kb(kb_dir, 8, version=1)
    qdrant_path, manifest_path = tmp_path / "q", tmp_path / "m.sqlite3"
    embedder = HashingEmbedder()
    # A complete run of version 1, then every file changes: the killed run is an update, not a fresh start.
    client = open_on_disk(kind, qdrant_path)
    Ingestor(make_store(client, embedder), embedder, Manifest(manifest_path), 10_000_000).run([kb_dir])
    client.close()
    write_kb(kb_dir, 8, version=2)
    (kb_dir / "doc9.md").write_text("# Document 9\n\nA new file about the badge printer.\n")

    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, str(kb_dir), str(qdrant_path), str(manifest_path), where, "4", kind],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert killed.returncode == -9, killed.stderr

    client = open_on_disk(kind, qdrant_path)
    resumed = make_store(client, embedder)
    report = Ingestor(resumed, embedder, Manifest(manifest_path), 10_000_000).run([kb_dir])
    assert report.unchanged, "files completed before the kill are not embedded again"
    clean = make_store(QdrantClient(":memory:"), embedder)
    Ingestor(clean, embedder, Manifest(tmp_path / "clean.sqlite3"), 10_000_000).run([kb_dir])
    assert all_points(resumed) == all_points(clean)
    client.close()


def test_a_knowledge_base_chunked_by_an_older_pipeline_is_rechunked(kb_dir, qdrant, manifest, monkeypatch):
    """After an upgrade that changes how documents are chunked, `curator ingest` re-chunks unchanged files
    (the old chunks would be quoted the old way), and the run after that skips them again."""
    from bot.kb import ingest

    embedder = CountingEmbedder(HashingEmbedder())
    store = make_store(qdrant, embedder)
    monkeypatch.setattr(ingest, "TEXT_PIPELINE", ingest.TEXT_PIPELINE - 1)
    ingestor(store, embedder, manifest).run([kb_dir])
    monkeypatch.undo()

    upgraded = ingestor(store, embedder, manifest).run([kb_dir])
    again = ingestor(store, embedder, manifest).run([kb_dir])

    assert len(upgraded.updated) == 4 and not upgraded.unchanged
    assert len(again.unchanged) == 4 and not again.updated
    assert len(all_points(store)) == upgraded.chunks, "the old version's chunks are gone"
