"""Serialise a graph as Turtle, N-Triples or JSON-LD."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.errors import KgError

if TYPE_CHECKING:
    from rdflib import Graph

# Our format names -> rdflib's serializer names.
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` in ``fmt`` (one of FORMATS), UTF-8 encoded.

    N-Triples lines are sorted so that two exports of the same graph differ only
    in blank-node labels. JSON-LD is compacted with the prefixes the graph uses.
    """
    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return "".join(f"{line}\n" for line in sorted(filter(None, lines))).encode("utf-8")
    if fmt == "jsonld":
        context = used_prefixes(graph)
        return graph.serialize(format="json-ld", context=context, indent=2, encoding="utf-8")
    return graph.serialize(format=FORMATS[fmt], encoding="utf-8")


def used_prefixes(graph: Graph) -> dict[str, str]:
    """The graph's prefix bindings whose namespace some IRI in the graph starts with."""
    from rdflib import Literal, URIRef

    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    iris |= {str(o.datatype) for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    # ~40 bindings x a few thousand distinct IRIs: a plain scan is fast enough.
    return {p: str(ns) for p, ns in graph.namespaces() if p and any(i.startswith(str(ns)) for i in iris)}
