"""Ingest stays inside the folder it is given: file and folder links that leave it are skipped with a reason
(unless INGEST_FOLLOW_LINKS_OUTSIDE=true), links that stay inside are followed, each file ingested once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.ingest import Ingestor
from tests.conftest import make_store
from tests.fakes.embedders import HashingEmbedder
from tests.scenario.test_ingest import all_points


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A knowledge base with links: to a file and a folder inside it, and to a file and a folder outside."""
    outside = tmp_path / "private"
    (outside / "hr").mkdir(parents=True)
    (outside / "salaries.md").write_text("# Salaries\n\nThe CEO earns 900k a year.\n")
    (outside / "hr" / "reviews.md").write_text("# Reviews\n\nAlice's review is confidential.\n")
    root = tmp_path / "kb"
    (root / "guides").mkdir(parents=True)
    (root / "vpn.md").write_text("# VPN\n\nError 809: switch to the NW-SSL profile.\n")
    (root / "guides" / "wifi.md").write_text("# Wi-Fi\n\nGuests join NW-Guest.\n")
    (root / "salaries.md").symlink_to(outside / "salaries.md")
    (root / "hr").symlink_to(outside / "hr", target_is_directory=True)
    (root / "passwd.md").symlink_to("/etc/passwd")
    (root / "vpn-again.md").symlink_to(root / "vpn.md")
    (root / "handbook").symlink_to(root / "guides", target_is_directory=True)
    (root / "guides" / "loop").symlink_to(root, target_is_directory=True)
    return root


def ingest(root: Path, qdrant, manifest, **options):
    embedder = HashingEmbedder()
    store = make_store(qdrant, embedder)
    return Ingestor(store, embedder, manifest, 1_000_000, **options).run([root]), store


def test_links_that_leave_the_folder_are_skipped_with_a_reason(linked, qdrant, manifest):
    report, store = ingest(linked, qdrant, manifest)
    texts = " ".join(text for _, text in all_points(store).values())
    assert "900k" not in texts and "confidential" not in texts and "root:" not in texts
    skipped = dict(report.skipped)
    assert set(skipped) == {"salaries.md", "hr", "passwd.md"}
    assert "outside the folder being ingested" in skipped["hr"] and "INGEST_FOLLOW_LINKS_OUTSIDE" in skipped["hr"]
    assert str((linked.parent / "private" / "salaries.md").resolve()) in skipped["salaries.md"]


def test_links_that_stay_inside_are_followed_and_each_file_ingested_once(linked, qdrant, manifest):
    report, store = ingest(linked, qdrant, manifest)
    assert sorted(report.added) == ["guides/wifi.md", "vpn.md"], "the inside links lead to files already taken"
    assert sorted({doc for doc, _ in all_points(store).values()}) == ["guides/wifi.md", "vpn.md"]


def test_an_inside_folder_link_is_followed_like_a_folder(tmp_path, qdrant, manifest):
    shared = tmp_path / "kb" / "shared"
    shared.mkdir(parents=True)
    (shared / "printers.md").write_text("# Printers\n\nThe printer on floor 3 is P3-East.\n")
    (tmp_path / "kb" / "it").symlink_to(shared, target_is_directory=True)
    report, _ = ingest(tmp_path / "kb" / "it", qdrant, manifest)  # the link is the root the user named
    assert report.added == ["printers.md"] and not report.skipped


def test_the_opt_in_setting_follows_links_outside(linked, qdrant, manifest):
    report, store = ingest(linked, qdrant, manifest, follow_outside=True)
    assert {"salaries.md", "hr/reviews.md"} <= set(report.added)
    assert "900k" in " ".join(text for _, text in all_points(store).values())


def test_a_file_ingested_through_a_link_before_is_removed_now_that_links_outside_are_skipped(linked, qdrant, manifest):
    ingest(linked, qdrant, manifest, follow_outside=True)
    report, store = ingest(linked, qdrant, manifest)
    assert "salaries.md" in dict(report.skipped)
    assert "900k" not in " ".join(text for _, text in all_points(store).values())


def test_curator_ingest_prints_why_a_link_was_skipped(linked, tmp_path, monkeypatch, capsys):
    from bot.cli.main import main

    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", str(linked)]) == 0
    printed = capsys.readouterr()
    summary = " ".join((printed.out + printed.err).split())
    assert "skipped passwd.md: a link to /etc/passwd, outside the folder being ingested" in summary
