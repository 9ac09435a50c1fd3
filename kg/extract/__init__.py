"""Extract: spaCy components that find mentions, and the functions that turn them into links."""
