"""Serialise a graph as Turtle, N-Triples or JSON-LD, or as a property graph in GraphML or GEXF.

GraphML and GEXF (for Gephi, Cytoscape, yEd) are written by networkx from a
property graph: resources are nodes, links between resources are edges
(``predicate``, ``label``), and what RDF says with literals becomes node
attributes (``label``, ``definition``, one per other property). ``rdf:type``
becomes ``class``/``class_iri``/``types``, with the class's ``color``; the
evidence annotations become each node's ``quote`` (its first quote) and
``quotes``, instead of nodes of their own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kg.errors import KgError

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

# Our format names -> rdflib's serializer names.
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
# Property-graph formats, written with networkx.
GRAPH_FORMATS = ("graphml", "gexf")
ALL_FORMATS = (*FORMATS, *GRAPH_FORMATS)


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` in ``fmt`` (one of ALL_FORMATS), UTF-8 encoded.

    N-Triples lines are sorted so that two exports of the same graph differ only
    in blank-node labels. JSON-LD is compacted with the prefixes the graph uses.
    GraphML and GEXF hold the property graph of ``property_graph``.
    """
    if fmt in GRAPH_FORMATS:
        return serialize_property_graph(property_graph(graph), fmt)
    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r}: use one of {', '.join(ALL_FORMATS)}")
    if fmt == "nt":
        return _sorted_ntriples(graph)
    try:
        if fmt == "jsonld":
            context = used_prefixes(graph)
            return graph.serialize(format="json-ld", context=context, indent=2, encoding="utf-8")
        return graph.serialize(format=FORMATS[fmt], encoding="utf-8")
    except RecursionError:
        # rdflib's Turtle and JSON-LD writers nest a blank node used once inside its parent, recursively:
        # a few hundred levels of [ ... [ ... ] ] exhaust Python's stack. Oxigraph writes them flat.
        return _flat(graph, fmt)


def _sorted_ntriples(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "".join(f"{line}\n" for line in sorted(filter(None, lines))).encode("utf-8")


def _flat(graph: Graph, fmt: str) -> bytes:
    """``graph`` in Turtle or JSON-LD with every blank node labelled, none nested (written by Oxigraph)."""
    import pyoxigraph as ox

    triples = ox.parse(_sorted_ntriples(graph), ox.RdfFormat.N_TRIPLES)
    if fmt == "jsonld":
        return bytes(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    return bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used_prefixes(graph)))


def used_prefixes(graph: Graph) -> dict[str, str]:
    """The graph's prefix bindings whose namespace some IRI in the graph starts with."""
    from rdflib import Literal, URIRef

    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    iris |= {str(o.datatype) for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    # ~40 bindings x a few thousand distinct IRIs: a plain scan is fast enough.
    return {p: str(ns) for p, ns in graph.namespaces() if p and any(i.startswith(str(ns)) for i in iris)}


def property_graph(graph: Graph, model: Any = None) -> nx.MultiDiGraph:
    """``graph`` as a networkx property graph (see the module docstring), node ids being IRIs.

    ``model`` (a kg.viz.model.GraphModel of the same data) saves indexing the graph again.
    """
    import networkx as nx
    from rdflib import Literal

    from kg.viz.model import GraphModel
    from kg.viz.style import class_style, rgb

    if model is None:
        model = GraphModel(graph)
    evidence_nodes = {e for nodes in model.evidence_of.values() for e in nodes}
    skip = evidence_nodes | {s for s in graph.subjects() if s in model.plumbing and _is_annotation(model, s)}
    result = nx.MultiDiGraph()

    def add(node: Any) -> str:
        node_id = model.node_id(node)
        if node_id in result:
            return node_id
        info = model.info(node)
        colour, _ = class_style(info.cls)
        r, g, b = rgb(colour)
        attrs: dict[str, Any] = {
            "label": _xml_text(info.label),
            "iri": node_id,
            "curie": info.curie,
            "class": info.cls_label,
            "class_iri": info.cls or "",
            "kind": _kind(model, node),
            "color": colour,
            "r": r,
            "g": g,
            "b": b,
            "definition": _xml_text(info.definition),
            "alt_labels": _xml_text(" | ".join(info.alt_labels)),
            "quote": _xml_text(info.quotes[0].exact) if info.quotes else "",
            "quotes": _xml_text(" | ".join(q.exact for q in info.quotes)),
        }
        values: dict[str, list[str]] = {}
        for p, o in model.facts.get(node, ()):
            values.setdefault(model.curie(p), []).append(str(o))
        for key, found in values.items():
            attrs.setdefault(key, _xml_text(" | ".join(sorted(found))))
        result.add_node(node_id, **attrs)
        return node_id

    types: dict[str, set[str]] = {}
    for s, p, o in graph:
        if str(p) == RDF_TYPE:
            types.setdefault(model.node_id(s), set()).add(model.curie(o))
        if isinstance(o, Literal):
            if s not in skip:
                add(s)
            continue
        if s in skip or o in skip or str(p) == RDF_TYPE:
            if s not in skip:
                add(s)
            continue
        result.add_edge(
            add(s), add(o), key=str(p), predicate=str(p), curie=model.curie(p), label=model.property_label(p)
        )
    for node in list(model.asserted_types):
        if node not in skip:
            add(node)
    for node_id, attrs in result.nodes(data=True):
        attrs["types"] = " ".join(sorted(types.get(node_id, ())))  # as the exported graph types it
    return result


def serialize_property_graph(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """A networkx graph as GraphML or GEXF (1.2, with viz colours and sizes), UTF-8 encoded."""
    import io

    import networkx as nx

    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True, named_key_ids=True)
        return out.getvalue()
    if fmt == "gexf":
        styled = graph.copy()
        degree = dict(styled.degree())
        for node_id, attrs in styled.nodes(data=True):
            attrs["viz"] = {
                "color": {"r": attrs["r"], "g": attrs["g"], "b": attrs["b"], "a": 1.0},
                "size": round(6 + 2 * degree.get(node_id, 0) ** 0.5, 2),
            }
        nx.write_gexf(styled, out, encoding="utf-8", prettyprint=True, version="1.2draft")
        return out.getvalue()
    raise KgError(f"unknown property-graph format {fmt!r}: use one of {', '.join(GRAPH_FORMATS)}")


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (networkx would write a broken file)."""
    return _XML_INVALID.sub("\ufffd", text)


def _is_annotation(model: Any, node: Any) -> bool:
    return any(str(t).startswith("http://www.w3.org/ns/oa#") for t in model.types.get(node, ()))


def _kind(model: Any, node: Any) -> str:
    if node in model.schema_terms:
        return "schema"
    if node in model.plumbing:
        return "other"
    return "individual"
