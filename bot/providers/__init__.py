"""Model providers (embeddings, answers) behind small protocols, chosen in one factory."""
