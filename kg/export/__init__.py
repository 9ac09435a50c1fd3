"""Export: writers registered by name in `kg.registry.exporters`; each writes atomically."""

from kg.export.core import Exporter, atomic_path, export_graph, register_exporter

__all__ = ["Exporter", "atomic_path", "export_graph", "register_exporter"]
