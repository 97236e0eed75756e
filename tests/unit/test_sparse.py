"""BM25-style sparse vectors."""

from __future__ import annotations

from bot.kb import sparse


def test_terms_are_stemmed_without_stopwords_and_compounds_keep_their_parts():
    assert sparse.terms("The policies for running") == ["polici", "run"]
    assert sparse.terms("ERR_TUNNEL_TIMEOUT") == ["err_tunnel_timeout", "err", "tunnel", "timeout", "errtunneltimeout"]
    assert set(sparse.terms("Wi-Fi")) & set(sparse.terms("wifi")) == {"wifi"}


def test_repeated_terms_saturate_and_long_chunks_weigh_less():
    short = dict(zip(*sparse.document_vector("vpn vpn vpn")))
    long = dict(zip(*sparse.document_vector("vpn " + "filler " * 300)))
    vpn = sparse.term_id("vpn")
    assert sparse.K1 + 1 > short[vpn] > dict(zip(*sparse.document_vector("vpn")))[vpn]
    assert long[vpn] < short[vpn]


def test_query_vector_has_unit_weights_per_distinct_term():
    indices, values = sparse.query_vector("VPN vpn error")
    assert len(indices) == 2 and values == [1.0, 1.0]
