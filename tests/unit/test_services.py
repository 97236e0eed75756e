"""One way to assemble the app (build_services): every piece can be replaced, the in-memory engines serve a
whole question, and the console keeps its drawings out of the real usage ledger."""

from __future__ import annotations

from bot.cli.console import _console_services
from bot.kb.stores.memory import MemoryStore
from bot.state.memory import MemoryDrawings, MemoryState
from bot.state.open import open_drawings
from bot.types import DrawRequest, GeneratedImage


def test_the_in_memory_engines_answer_a_question_with_its_source(memory_kb):
    assert isinstance(memory_kb.store, MemoryStore)
    answer = memory_kb.ask.ask("How do I fix VPN error 809?")
    assert "NW-SSL" in answer.finish() and answer.found
    assert [passage.source.endswith("vpn.md") for _, passage in answer.citations] == [True]


def test_build_services_uses_the_configured_state_stores_and_every_override(memory_settings, memory_kb):
    from bot.services import build_services

    services = build_services(memory_settings, kb=memory_kb, generator=None)
    assert isinstance(services.state, MemoryState) and isinstance(services.draw.records, MemoryDrawings)
    assert services.kb is memory_kb and services.draw.generator is None
    state = MemoryState()
    assert build_services(memory_settings, kb=memory_kb, generator=None, state=state).state is state
    services.outbox.close()


def test_the_console_keeps_its_drawings_out_of_the_real_usage_ledger(tmp_path, memory_settings):
    settings = memory_settings.model_copy(update={"state_store": "sqlite"})
    services = _console_services(settings, tmp_path / "console")
    ledger = services.draw.records
    reservation = ledger.reserve("UALICE", 1, quota=5)
    ledger.save("DALICE", "1.0", "UALICE", DrawRequest("a heron"), "imagen-4", [GeneratedImage(b"png")])
    ledger.settle(reservation, "imagen-4", 1, 0, 0.04)
    assert [row.user for row in ledger.usage(days=1)] == ["UALICE"]
    services.close()

    real = open_drawings(settings)
    assert real.usage(days=1) == [] and real.used_today("UALICE") == 0, "`curator usage` shows no console drawing"
    assert real.last_in_thread("DALICE", "1.0") is None
    real.close()
