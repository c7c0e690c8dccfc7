"""RDFS entailments, materialised.

A small closure of our own over the schema instead of owlrl: owlrl pairs every
literal with every other one and does not scale past a few thousand triples
(see ARCHITECTURE.md). The rules applied are the ones a query over this graph
relies on: rdfs5/rdfs11 (subproperty and subclass hierarchies are transitive),
rdfs7 (a triple holds for every superproperty), rdfs2/rdfs3 (domain and range
type the subject and object) and rdfs9 (an instance of a class is an instance
of its superclasses). The axiomatic triples ("everything is an rdfs:Resource")
are left out: they say nothing a user asks about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node


def _transitive(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    """Map each node to everything reachable from it (itself excluded unless on a cycle)."""
    direct: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in pairs:
        if sub != sup:
            direct[sub].add(sup)
    closed: dict[Node, set[Node]] = {}
    for start in list(direct):
        seen: set[Node] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        closed[start] = seen
    return closed


def entailments(graph: Graph) -> set[tuple[Node, Node, Node]]:
    """The triples RDFS adds to ``graph``, those it already holds excluded."""
    from rdflib import RDF, RDFS, Literal

    super_classes = _transitive(graph.subject_objects(RDFS.subClassOf))
    super_props = _transitive(graph.subject_objects(RDFS.subPropertyOf))
    domains: dict[Node, set[Node]] = defaultdict(set)
    ranges: dict[Node, set[Node]] = defaultdict(set)
    for prop, cls in graph.subject_objects(RDFS.domain):
        domains[prop].add(cls)
    for prop, cls in graph.subject_objects(RDFS.range):
        ranges[prop].add(cls)
    trivial = {RDFS.Resource}

    added: set[tuple[Node, Node, Node]] = set()
    for sub, sups in super_classes.items():
        added.update((sub, RDFS.subClassOf, sup) for sup in sups)
    for sub, sups in super_props.items():
        added.update((sub, RDFS.subPropertyOf, sup) for sup in sups)

    types: set[tuple[Node, Node]] = set()
    for s, p, o in graph:
        for q in (p, *super_props.get(p, ())):
            if q != p:
                added.add((s, q, o))
            types.update((s, cls) for cls in domains.get(q, ()) if cls not in trivial)
            if not isinstance(o, Literal):
                types.update((o, cls) for cls in ranges.get(q, ()) if cls not in trivial)
            if q == RDF.type:
                types.add((s, o))
    for node, cls in types:
        added.add((node, RDF.type, cls))
        added.update((node, RDF.type, sup) for sup in super_classes.get(cls, ()) if sup not in trivial)
    return {t for t in added if t not in graph}


def rdfs_closure(graph: Graph) -> Graph:
    """A new graph: ``graph`` plus its RDFS entailments (prefixes kept)."""
    from rdflib import Graph

    closed = Graph()
    for prefix, ns in graph.namespaces():
        closed.bind(prefix, ns, override=True, replace=True)
    for triple in graph:
        closed.add(triple)
    for triple in entailments(graph):
        closed.add(triple)
    return closed
