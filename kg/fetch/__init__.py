"""Fetching corpora from paper APIs (arXiv, OpenAlex, Semantic Scholar, Hugging Face daily papers)."""
