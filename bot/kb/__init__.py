"""The knowledge base: loading, chunking, indexing in Qdrant, hybrid retrieval and grounded answers."""
