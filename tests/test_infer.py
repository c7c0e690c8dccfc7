"""kg.infer's closure against a naive fixpoint of the same RDFS rules, on rdflib and pyoxigraph terms."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg import compile as kgc
from kg.infer import DOMAIN, RANGE, RDF_TYPE, RESOURCE, SUB_CLASS_OF, SUB_PROPERTY_OF, entailments

EX = "http://example.org/"
Triple = tuple[str, str, str]  # N-Triples-ish strings: '<iri>', '_:b', '"lit"'


def naive(triples: set[Triple]) -> set[Triple]:
    """Apply rdfs2, 3, 5, 7, 9 and 11 until nothing changes (rdfs:Resource left out, as kg.infer does)."""
    t, sc, sp = f"<{RDF_TYPE}>", f"<{SUB_CLASS_OF}>", f"<{SUB_PROPERTY_OF}>"
    dom, rng, resource = f"<{DOMAIN}>", f"<{RANGE}>", f"<{RESOURCE}>"
    graph = set(triples)
    while True:
        new: set[Triple] = set()
        for a, p, b in graph:
            for c, q, d in graph:
                if p == q == sc and b == c and a != b and c != d:  # rdfs11 (a self-loop adds nothing)
                    new.add((a, sc, d))
                if p == q == sp and b == c and a != b and c != d:  # rdfs5
                    new.add((a, sp, d))
                if q == sp and p == c and c != d:  # rdfs7
                    new.add((a, d, b))
                if q == dom and p == c and d != resource:  # rdfs2
                    new.add((a, t, d))
                if q == rng and p == c and d != resource and not b.startswith('"'):  # rdfs3
                    new.add((b, t, d))
                if p == t and q == sc and b == c and d != resource:  # rdfs9
                    new.add((a, t, d))
        if new <= graph:
            return graph - triples
        graph |= new


def random_graph(seed: int) -> set[Triple]:
    rng = random.Random(seed)
    classes = [f"<{EX}C{i}>" for i in range(6)]
    props = [f"<{EX}p{i}>" for i in range(5)]
    nodes = [f"<{EX}n{i}>" for i in range(6)] + ["_:b1", "_:b2"]
    literals = ['"x"', '"y"']
    t, sc, sp = f"<{RDF_TYPE}>", f"<{SUB_CLASS_OF}>", f"<{SUB_PROPERTY_OF}>"
    triples: set[Triple] = set()
    for _ in range(rng.randint(2, 8)):
        triples.add((rng.choice(classes), sc, rng.choice([*classes, f"<{RESOURCE}>"])))
    for _ in range(rng.randint(1, 5)):
        triples.add((rng.choice(props), sp, rng.choice(props)))
    if rng.random() < 0.3:
        triples.add((props[0], sp, t))  # a subproperty of rdf:type
    for _ in range(rng.randint(1, 4)):
        triples.add((rng.choice(props), f"<{DOMAIN}>", rng.choice([*classes, f"<{RESOURCE}>"])))
        triples.add((rng.choice(props), f"<{RANGE}>", rng.choice(classes)))
    for _ in range(rng.randint(5, 20)):
        s = rng.choice(nodes)
        if rng.random() < 0.3:
            triples.add((s, t, rng.choice(classes)))
        else:
            triples.add((s, rng.choice(props), rng.choice(nodes + literals)))
    return triples


def to_rdflib(term: str) -> URIRef | BNode | Literal:
    if term.startswith("<"):
        return URIRef(term[1:-1])
    if term.startswith("_:"):
        return BNode(term[2:])
    return Literal(term[1:-1])


def from_rdflib(term: URIRef | BNode | Literal) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return f'"{term}"'


def to_oxigraph(term: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if term.startswith("<"):
        return ox.NamedNode(term[1:-1])
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    return ox.Literal(term[1:-1])


@pytest.mark.parametrize("seed", range(40))
def test_the_closure_equals_a_naive_fixpoint_on_both_kinds_of_terms(seed: int) -> None:
    triples = random_graph(seed)
    expected = naive(triples)

    graph = Graph()
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    on_rdflib = {(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in entailments(graph)}
    assert on_rdflib == expected

    # the compile path: the predicates its scan keeps, then the same rules over pyoxigraph terms
    kept = [(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples]
    on_oxigraph = {(str(s), str(p), str(o)) for s, p, o in kgc._entailments(kept)}
    assert on_oxigraph == expected
