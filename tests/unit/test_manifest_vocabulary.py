"""The manifest's vocabulary: which words the knowledge base contains and how many files use each, kept exact
as files come and go."""

from __future__ import annotations

from bot.kb.manifest import Manifest, ManifestEntry


def entry(source: str, content_hash: str = "h1") -> ManifestEntry:
    return ManifestEntry(source, content_hash, 1)


def test_a_term_stays_known_while_any_file_uses_it(tmp_path):
    manifest = Manifest(tmp_path / "m.sqlite3")
    manifest.record("kb", [(entry("/a.md"), ["vpn", "router"]), (entry("/b.md"), ["vpn", "printer"])])
    assert manifest.term_files("kb", ["vpn", "router", "printer", "parking"]) == {"vpn": 2, "router": 1, "printer": 1}
    stats = manifest.term_stats("kb")
    assert stats.documents() == 2 and stats.frequencies(["vpn"]) == {"vpn": 2}

    manifest.forget("kb", "/a.md")
    assert manifest.term_files("kb", ["vpn", "router", "printer"]) == {"vpn": 1, "printer": 1}

    manifest.record("kb", [(entry("/b.md", "h2"), ["scanner"])])  # b.md changed: its old terms go
    assert manifest.term_files("kb", ["vpn", "printer", "scanner"]) == {"scanner": 1}
    assert manifest.term_files("other", ["scanner"]) == {}

    manifest.forget("kb")
    assert manifest.term_files("kb", ["scanner"]) == {} and stats.documents() == 0
    manifest.close()


def test_an_older_manifest_layout_is_replaced_not_misread(tmp_path):
    import sqlite3

    old = sqlite3.connect(tmp_path / "m.sqlite3")
    old.execute("CREATE TABLE files (collection TEXT, source TEXT, content_hash TEXT, chunk_count INTEGER)")
    old.execute("INSERT INTO files VALUES ('kb', '/a.md', 'h', 1)")
    old.commit()
    old.close()
    manifest = Manifest(tmp_path / "m.sqlite3")
    assert manifest.entries("kb") == {}
    manifest.record("kb", [(entry("/a.md"), ["vpn"])])
    assert manifest.term_files("kb", ["vpn"]) == {"vpn": 1}
    manifest.close()
