"""Shared fixtures: a clean environment, settings in a temp dir, the offline embedder, fresh stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.kb.manifest import Manifest
from bot.kb.stores.qdrant import QdrantStore

REPO = Path(__file__).resolve().parents[1]
SAMPLE_KB = REPO / "examples" / "kb"
ACCOUNT_LOCKED = "Your account is locked after too many attempts (NWID-423). Reset your password."
CONTRACT_ENV = [
    "GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_CLOUD_LOCATION", "GOOGLE_APPLICATION_CREDENTIALS", "EMBEDDING_MODEL", "EMBEDDING_DIM", "ANSWER_MODEL",
    "QDRANT_URL", "QDRANT_API_KEY", "QDRANT_PATH", "CURATOR_DATA_DIR", "CURATOR_COLLECTION",
    "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL",
    "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "IMAGE_EMBEDDER", "MULTIMODAL_EMBEDDING_MODEL",
    "MULTIMODAL_EMBEDDING_DIM", "VERTEX_API_ENDPOINT", "FIND_MAX_FILES", "GOOGLE_API_VERSION",
    "GOOGLE_GENAI_API_VERSION", "IMAGE_MODEL", "IMAGE_SIZE", "GOOGLE_CONNECT_TIMEOUT_S", "SLACK_CONNECT_TIMEOUT_S",
    "DOCTOR_DEADLINE_S", "ROUTER_SECOND_OPINION", "ROUTER_MODEL", "ROUTER_TIMEOUT_S",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer credentials or .env leak into a test; each test runs in its own folder."""
    for name in CONTRACT_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def close_outboxes():
    """Each test's Slack pacers stop with it, so none keeps delivering into a later test's machine time."""
    from tests.slack_harness import OPEN_OUTBOXES

    yield
    while OPEN_OUTBOXES:
        OPEN_OUTBOXES.pop().close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Offline settings whose data lives in the test's temp dir."""
    return Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path / "data")


@pytest.fixture(scope="session")
def local_embedder():
    """The real offline MiniLM embedder, loaded once per test session."""
    from bot.providers.local_embedder import LocalEmbedder

    return LocalEmbedder()


@pytest.fixture
def qdrant():
    """A fresh in-memory Qdrant (local mode)."""
    from qdrant_client import QdrantClient

    client = QdrantClient(":memory:")
    yield client
    client.close()


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    """A manifest in the test's temp dir."""
    m = Manifest(tmp_path / "manifest.sqlite3")
    yield m
    m.close()


def make_store(client, embedder, base: str = "kb"):
    """A store for `embedder`'s space in `client` (a QdrantClient, or an EdgeEngine)."""
    from bot.kb.stores.edge import EdgeStore
    from bot.kb.stores.edge_engine import EdgeEngine

    if isinstance(client, EdgeEngine):
        return EdgeStore(client, base, embedder.model_id, embedder.dimension)
    return QdrantStore(client, base, embedder.model_id, embedder.dimension)


def open_on_disk(kind: str, path: Path):
    """An engine on disk at `path`: qdrant-client's local mode ("qdrant") or Qdrant Edge ("edge")."""
    if kind == "edge":
        from bot.kb.stores.edge_engine import EdgeEngine

        return EdgeEngine(path)
    from qdrant_client import QdrantClient

    return QdrantClient(path=str(path))


def stored_points(store) -> dict[str, tuple[str, str]]:
    """Every stored chunk of a Qdrant or Qdrant Edge store: id -> (doc_id, text)."""
    return {pid: (payload["doc_id"], payload["text"]) for pid, payload in stored_payloads(store).items()}


def stored_payloads(store) -> dict[str, dict]:
    """Every stored chunk of a Qdrant or Qdrant Edge store: id -> payload."""
    from bot.kb.stores.edge import EdgeStore

    if isinstance(store, EdgeStore):
        from qdrant_edge import ScrollRequest

        shard = store.engine.shard(store.name)
        points = shard.scroll(ScrollRequest(limit=10_000, with_payload=True))[0] if shard else []
    else:
        points, _ = store._client.scroll(store.name, limit=10_000, with_payload=True)
    return {str(p.id): dict(p.payload) for p in points}


@pytest.fixture(scope="session")
def sample_kb(tmp_path_factory):
    """The sample knowledge base, ingested once per session with the offline providers."""
    from bot.services import build_knowledge_base

    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path_factory.mktemp("sample-kb"))
    knowledge_base = build_knowledge_base(settings)
    report = knowledge_base.ingestor().run([SAMPLE_KB])
    documents = [d for d in report.added if not d.startswith("images/")]
    assert len(documents) == 24 and not report.skipped, "every sample document and image ingests cleanly"
    yield knowledge_base
    knowledge_base.close()


@pytest.fixture
def slack():
    """A running Slack emulator (bot token xoxb-console)."""
    from bot.console.emulator import SlackEmulator

    with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
def fast_slack():
    """A Slack emulator on a clock 10x faster than real time: a minute of Slack's tiers in 6 s. Give the bot
    the same clock (``Outbox(settings, fast_slack.clock)``)."""
    from bot.console.emulator import SlackEmulator
    from bot.slack.clock import ScaledClock

    with SlackEmulator(clock=ScaledClock(10)) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def find_kb(tmp_path_factory):
    """The sample documents plus four images (a flow diagram, a photo-like drawing, a crossword, an error
    dialog), ingested
    once per session with the offline providers: `.kb` is the KnowledgeBase, `.root` the ingested folder."""
    import shutil
    from types import SimpleNamespace

    from bot.services import build_knowledge_base
    from tests.fakes.diagrams import flow_diagram
    from tests.fakes.screens import crossword, error_dialog, traffic_light

    root = tmp_path_factory.mktemp("find-kb") / "kb"
    shutil.copytree(SAMPLE_KB, root, ignore=shutil.ignore_patterns("images"))
    (root / "images").mkdir()
    flow_diagram("Payment flow", ["Checkout page", "Authorise card", "Capture payment", "Send receipt"]).save(
        root / "images" / "payment-flow.png")
    traffic_light().save(root / "images" / "traffic-light.png")
    crossword().save(root / "images" / "crossword.png")
    error_dialog("Northwind Sign-in", "Sign-in failed", ACCOUNT_LOCKED).save(root / "images" / "account-locked.png")
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=root.parent / "data")
    knowledge_base = build_knowledge_base(settings)
    report = knowledge_base.ingestor().run([root])
    yield SimpleNamespace(kb=knowledge_base, root=root, report=report, settings=settings)
    knowledge_base.close()


@pytest.fixture(scope="session", autouse=True)
def google_traffic_holds_the_contract():
    """After the whole suite: every request sent to a Gemini fake is re-checked against the field lists of
    its API version (generated from Google's protos), so no code path passes on a lenient fake."""
    from tests.fakes import gemini_api
    from tests.fakes.contract.validate import contract

    yield
    problems = []
    # countTokens is how Curator asks whether a version takes a field (IMAGE_SIZE, doctor): rejection is its answer.
    for request in [r for r in gemini_api.TRAFFIC if r.op != "countTokens"]:
        published = contract(request.family, request.version or "")
        if published is None or (request.op not in published.methods and request.op):
            problems.append(f"{request.method} {request.path}: not in any published API version")
            continue
        bound = frozenset({"model", "name", "endpoint", "parent"})
        problems += [f"{request.method} {request.path}: {v.description}"
                     for v in published.check(request.op or "", request.body, bound)]
    assert not problems, "requests outside Google's published contract:\n" + "\n".join(sorted(set(problems)))


@pytest.fixture
def fake():
    """A running fake of the Gemini API (API key "test-key")."""
    from tests.fakes.gemini_api import FakeGemini

    with FakeGemini(api_key="test-key") as server:
        yield server
