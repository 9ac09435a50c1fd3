"""kg: knowledge graphs of ML papers and their methods, datasets, benchmarks, tasks, metrics and code.

Importing the package does nothing else: the stages live in their own modules.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
