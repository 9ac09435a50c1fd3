"""Training data and training: annotations joined with their texts, and the trained pipeline."""
