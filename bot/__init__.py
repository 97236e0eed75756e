"""Curator: answers from the company knowledge base, draws images, finds related documents and images."""
