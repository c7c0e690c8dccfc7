"""Counts that say how big the graph is and how well its facts are evidenced.

An *individual* is a subject given a class with an asserted ``rdf:type``,
except schema terms (classes, properties, the ontology), the Web Annotation
nodes that carry evidence, source texts and SHACL shapes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

EKG = "https://w3id.org/essay-kg/ns#"
OA = "http://www.w3.org/ns/oa#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NOT_INDIVIDUAL_TYPES = {
    OWL + "Class",
    OWL + "Ontology",
    "http://www.w3.org/2000/01/rdf-schema#Class",
    "http://www.w3.org/2000/01/rdf-schema#Datatype",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    EKG + "SourceText",
    SH + "NodeShape",
    SH + "PropertyShape",
    SH + "Shape",
}


@dataclass(frozen=True)
class ClassCount:
    """How many individuals a class has: typed with it directly, and counting its subclasses."""

    iri: str
    curie: str
    label: str
    instances: int
    with_subclasses: int


@dataclass(frozen=True)
class Stats:
    """Triple counts, class sizes and evidence coverage."""

    asserted_triples: int
    inferred_triples: int
    individuals: int
    with_evidence: int
    classes: list[ClassCount] = field(default_factory=list)
    without_evidence: list[str] = field(default_factory=list)  # prefixed IRIs, sorted

    @property
    def evidence_coverage(self) -> float | None:
        """Percentage of individuals with at least one ``ekg:evidence`` (None when there are none)."""
        return 100.0 * self.with_evidence / self.individuals if self.individuals else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "triples": {"asserted": self.asserted_triples, "with_inferences": self.inferred_triples},
            "individuals": self.individuals,
            "with_evidence": self.with_evidence,
            "evidence_coverage": self.evidence_coverage,
            "without_evidence": self.without_evidence,
            "classes": [asdict(c) for c in self.classes],
        }


def is_excluded_type(iri: str) -> bool:
    """A type that marks a schema term, an evidence node, a source text or a shape."""
    return (
        iri in NOT_INDIVIDUAL_TYPES
        or iri.startswith(OA)
        or (iri.startswith(OWL) and iri.endswith("Property"))
    )


def individuals(asserted: Graph, inferred: Graph | None = None) -> set[Node]:
    """The subjects typed with a class, schema terms and evidence nodes left out.

    Types from ``inferred`` count for leaving a subject out (a subclass of an
    excluded class is excluded too); only asserted types make an individual.
    """
    from rdflib import RDF

    typing = inferred if inferred is not None else asserted
    return {
        subject
        for subject in set(asserted.subjects(RDF.type))
        if not any(is_excluded_type(str(t)) for t in typing.objects(subject, RDF.type))
    }


def lacking_evidence(asserted: Graph, inferred: Graph | None = None) -> set[Node]:
    """The individuals with no ``ekg:evidence``."""
    from rdflib import URIRef

    evidence = URIRef(EKG + "evidence")
    return {i for i in individuals(asserted, inferred) if (i, evidence, None) not in asserted}


def compute_stats(asserted: Graph, inferred: Graph | None = None) -> Stats:
    """Stats of ``asserted``; ``inferred`` is its RDFS closure (computed when not given)."""
    from rdflib import RDF

    if inferred is None:
        from kg.infer import rdfs_closure

        inferred = rdfs_closure(asserted)
    found = individuals(asserted, inferred)
    missing = lacking_evidence(asserted, inferred)

    direct: dict[Node, int] = {}
    total: dict[Node, int] = {}
    for individual in found:
        for cls in asserted.objects(individual, RDF.type):
            direct[cls] = direct.get(cls, 0) + 1
        for cls in inferred.objects(individual, RDF.type):
            total[cls] = total.get(cls, 0) + 1
    classes = [
        ClassCount(str(cls), curie(inferred, cls), label(inferred, cls), direct.get(cls, 0), count)
        for cls, count in total.items()
    ]
    classes.sort(key=lambda c: (-c.instances, -c.with_subclasses, c.label.lower(), c.iri))
    return Stats(
        asserted_triples=len(asserted),
        inferred_triples=len(inferred),
        individuals=len(found),
        with_evidence=len(found) - len(missing),
        classes=classes,
        without_evidence=sorted(curie(asserted, node) for node in missing),
    )


def curie(graph: Graph, node: Node) -> str:
    """``prefix:local`` when the graph binds the namespace, else ``<iri>`` (``_:id`` for a blank node)."""
    from rdflib import URIRef

    if not isinstance(node, URIRef):
        return node.n3()
    try:
        return graph.namespace_manager.curie(node, generate=False)
    except (KeyError, ValueError):
        return f"<{node}>"


def label(graph: Graph, node: Node) -> str:
    """The node's ``rdfs:label`` (English or untagged preferred), else its local name."""
    from rdflib import RDFS, Literal

    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    labels.sort(key=lambda lit: (lit.language not in (None, "en"), str(lit)))
    if labels:
        return str(labels[0])
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text
