"""RDFS entailments, materialised.

A small closure of our own over the schema instead of owlrl: owlrl pairs every
literal with every other one and does not scale past a few thousand triples
(see ARCHITECTURE.md). The rules applied are the ones a query over this graph
relies on: rdfs5/rdfs11 (subproperty and subclass hierarchies are transitive),
rdfs7 (a triple holds for every superproperty), rdfs2/rdfs3 (domain and range
type the subject and object) and rdfs9 (an instance of a class is an instance
of its superclasses). The axiomatic triples ("everything is an rdfs:Resource")
are left out: they say nothing a user asks about.

The rules themselves (``closure``) work on any kind of term: rdflib's for
``rdfs_closure`` (checks, stats, export), pyoxigraph's for the compiled store
(kg.compile), where rdflib is never imported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SUB_CLASS_OF = RDFS + "subClassOf"
SUB_PROPERTY_OF = RDFS + "subPropertyOf"
DOMAIN = RDFS + "domain"
RANGE = RDFS + "range"
RESOURCE = RDFS + "Resource"

T = TypeVar("T", bound=Hashable)
Triple = tuple[T, T, T]


def _transitive(pairs: Iterable[tuple[T, T]]) -> dict[T, set[T]]:
    """Map each node to everything reachable from it (itself excluded unless on a cycle)."""
    direct: dict[T, set[T]] = defaultdict(set)
    for sub, sup in pairs:
        if sub != sup:
            direct[sub].add(sup)
    closed: dict[T, set[T]] = {}
    for start in list(direct):
        seen: set[T] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        closed[start] = seen
    return closed


def closure(
    *,
    sub_classes: Iterable[tuple[T, T]],
    sub_properties: Iterable[tuple[T, T]],
    domains: Iterable[tuple[T, T]],
    ranges: Iterable[tuple[T, T]],
    triples_with: Callable[[Collection[T]], Iterable[Triple[T]]],
    is_literal: Callable[[T], bool],
    term: Callable[[str], T],
) -> set[Triple[T]]:
    """The triples RDFS adds, for terms of any kind; triples already asserted may be among them.

    ``sub_classes`` .. ``ranges`` are the (subject, object) pairs of the schema
    triples. ``triples_with(predicates)`` gives the asserted triples whose
    predicate is one of ``predicates`` (more do no harm): only those can entail
    anything, so a store can fetch them by index. ``term(iri)`` makes a term
    of the caller's kind.
    """
    rdf_type, sub_class_of, sub_property_of = term(RDF_TYPE), term(SUB_CLASS_OF), term(SUB_PROPERTY_OF)
    trivial = {term(RESOURCE)}
    super_classes = _transitive(sub_classes)
    super_props = _transitive(sub_properties)
    domain_of: dict[T, set[T]] = defaultdict(set)
    range_of: dict[T, set[T]] = defaultdict(set)
    for prop, cls in domains:
        if cls not in trivial:
            domain_of[prop].add(cls)
    for prop, cls in ranges:
        if cls not in trivial:
            range_of[prop].add(cls)

    added: set[Triple[T]] = set()
    for sub, sups in super_classes.items():
        added.update((sub, sub_class_of, sup) for sup in sups)
    for sub, sups in super_props.items():
        added.update((sub, sub_property_of, sup) for sup in sups)

    def upward(classes: Iterable[T]) -> tuple[T, ...]:
        """The classes and their superclasses (rdfs9), rdfs:Resource left out."""
        found = set(classes)
        for cls in list(found):
            found.update(sup for sup in super_classes.get(cls, ()) if sup not in trivial)
        return tuple(found)

    # What a triple entails depends only on its predicate (and, for rdf:type, its object): worked out
    # once per predicate, the loop over the triples does nothing else than add the results.
    Effect = tuple[tuple[T, ...], tuple[T, ...], tuple[T, ...], bool]
    effects: dict[T, Effect] = {}

    def effect(p: T) -> Effect:
        qs = (p, *super_props.get(p, ()))
        return (
            qs[1:],  # rdfs7
            upward(c for q in qs for c in domain_of.get(q, ())),  # rdfs2 (+ rdfs9)
            upward(c for q in qs for c in range_of.get(q, ())),  # rdfs3 (+ rdfs9)
            rdf_type in qs,  # rdfs9 on an rdf:type triple (or one of a subproperty of it)
        )

    supers_of: dict[T, tuple[T, ...]] = {}
    add = added.add
    predicates = {rdf_type, *super_props, *domain_of, *range_of}
    for s, p, o in triples_with(predicates):
        found = effects.get(p)
        if found is None:
            found = effects[p] = effect(p)
        supers, domain_classes, range_classes, typing = found
        for q in supers:
            add((s, q, o))
        for cls in domain_classes:
            add((s, rdf_type, cls))
        if range_classes and not is_literal(o):
            for cls in range_classes:
                add((o, rdf_type, cls))
        if typing:
            add((s, rdf_type, o))
            ups = supers_of.get(o)
            if ups is None:
                ups = supers_of[o] = tuple(sup for sup in super_classes.get(o, ()) if sup not in trivial)
            for cls in ups:
                add((s, rdf_type, cls))
    return added


def entailments(graph: Graph) -> set[tuple[Node, Node, Node]]:
    """The triples RDFS adds to ``graph``, those it already holds excluded."""
    from rdflib import RDFS as RDFS_NS
    from rdflib import Literal, URIRef

    added = closure(
        sub_classes=graph.subject_objects(RDFS_NS.subClassOf),
        sub_properties=graph.subject_objects(RDFS_NS.subPropertyOf),
        domains=graph.subject_objects(RDFS_NS.domain),
        ranges=graph.subject_objects(RDFS_NS.range),
        triples_with=lambda _predicates: graph,
        is_literal=lambda node: isinstance(node, Literal),
        term=URIRef,
    )
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
