"""Exploring a built graph: related papers, entity reports, search, visualisation, the web app."""
