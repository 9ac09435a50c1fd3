"""Query: SPARQL over the embedded store."""
