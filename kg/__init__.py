"""essay-kg: the knowledge graph of one essay, with every fact anchored to its words.

The public API is re-exported here lazily: ``import kg`` stays cheap (no rdflib),
and ``kg.load`` imports what it needs on first use.

    >>> import kg
    >>> loaded = kg.load()                                  # ontology + essay + comments
    >>> report = kg.check(kg.rdfs_closure(loaded.graph), loaded.shapes, loaded.texts)
"""

from __future__ import annotations

import importlib

# typing.TYPE_CHECKING's value, without importing typing: the ``kg`` command imports this package before it
# pauses the garbage collector for its other imports (kg.__main__), and typing makes thousands of objects.
TYPE_CHECKING = False

__version__ = "0.1.0"

# name -> module that defines it
_EXPORTS = {
    "KgError": "kg.errors",
    "SourceError": "kg.errors",
    "ParseError": "kg.errors",
    "OutputError": "kg.errors",
    "LintError": "kg.errors",
    "load": "kg.sources",
    "Loaded": "kg.sources",
    "rdfs_closure": "kg.infer",
    "check": "kg.checks",
    "lint": "kg.lint",
    "Report": "kg.checks",
    "Finding": "kg.checks",
    "compute_stats": "kg.stats",
    "Stats": "kg.stats",
    "serialize": "kg.exporters",
    "write_atomic": "kg.atomic",
    "ontology_dir": "kg.paths",
    "queries_dir": "kg.paths",
}

__all__ = [
    "Finding",
    "KgError",
    "LintError",
    "Loaded",
    "OutputError",
    "ParseError",
    "Report",
    "SourceError",
    "Stats",
    "__version__",
    "check",
    "compute_stats",
    "lint",
    "load",
    "ontology_dir",
    "queries_dir",
    "rdfs_closure",
    "serialize",
    "write_atomic",
]

if TYPE_CHECKING:
    from typing import Any

    from kg.atomic import write_atomic
    from kg.checks import Finding, Report, check
    from kg.errors import KgError, LintError, OutputError, ParseError, SourceError
    from kg.exporters import serialize
    from kg.infer import rdfs_closure
    from kg.lint import lint
    from kg.paths import ontology_dir, queries_dir
    from kg.sources import Loaded, load
    from kg.stats import Stats, compute_stats


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
