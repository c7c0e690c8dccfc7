"""What a view needs to know about the graph, read in one pass.

Labels, classes, definitions, evidence quotes and literal facts of every node,
the labels of properties and classes, and which nodes are "plumbing" (schema
terms, evidence annotations, source texts) that no view draws. Built once per
run from the asserted graph and its RDFS closure; the views only look things up.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.errors import KgError

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
OA = "http://www.w3.org/ns/oa#"
EKG = "https://w3id.org/essay-kg/ns#"

RDF_TYPE = RDF + "type"
# The first of these a node has is its label.
LABEL_PROPERTIES = [RDFS + "label", SKOS + "prefLabel", DCTERMS + "title", FOAF + "name"]
DEFINITION_PROPERTIES = [SKOS + "definition", RDFS + "comment"]
ALT_LABEL = SKOS + "altLabel"
EVIDENCE = EKG + "evidence"
SCHEMA_PREDICATES = {
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    RDFS + "domain",
    RDFS + "range",
    OWL + "inverseOf",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
    OWL + "disjointWith",
}
# Literal properties shown as a node's label, definition or alternative names, not as facts.
NOT_FACTS = {*LABEL_PROPERTIES, *DEFINITION_PROPERTIES, ALT_LABEL}
MAX_FACTS = 24


@dataclass(frozen=True)
class Quote:
    """One evidence span: the exact words and where they are in the source text."""

    exact: str
    start: int | None
    end: int | None
    source: str | None  # the source text's IRI

    def to_json(self) -> dict[str, Any]:
        return {"exact": self.exact, "start": self.start, "end": self.end}


@dataclass
class NodeInfo:
    """Everything a page says about one node."""

    id: str  # the IRI, or "_:" + blank node id
    curie: str  # ekg:TheAwakening, or <iri>, or the blank node id
    label: str
    cls: str | None  # the most specific class IRI
    cls_label: str
    definition: str = ""
    alt_labels: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (property label, value)


class GraphModel:
    """Indexes over an asserted graph and its RDFS closure, for building views."""

    def __init__(self, asserted: Graph, inferred: Graph | None = None, texts: dict[str, str] | None = None):
        from rdflib import BNode, Literal, URIRef

        self.asserted = asserted
        self.inferred = inferred  # None: only the entailed types are computed, no copy of the graph
        self.texts = texts or {}
        self._URIRef, self._BNode, self._Literal = URIRef, BNode, Literal
        self.prefixes = sorted(
            ((p, str(ns)) for p, ns in asserted.namespaces() if p),
            key=lambda pair: (-len(pair[1]), pair[0]),
        )

        labels: dict[Node, tuple[int, int, str]] = {}
        self.alt_labels: dict[Node, list[str]] = defaultdict(list)
        definitions: dict[Node, tuple[int, str]] = {}
        self.facts: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self.asserted_types: dict[Node, set[Node]] = defaultdict(set)
        self.out_edges: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self.evidence_of: dict[Node, list[Node]] = defaultdict(list)
        plumbing: set[Node] = set()
        self.schema_terms: set[Node] = set()
        label_rank = {URIRef(p): i for i, p in enumerate(LABEL_PROPERTIES)}
        definition_rank = {URIRef(p): i for i, p in enumerate(DEFINITION_PROPERTIES)}
        rdf_type, alt_label, evidence = URIRef(RDF_TYPE), URIRef(ALT_LABEL), URIRef(EVIDENCE)
        has_selector, has_source = URIRef(OA + "hasSelector"), URIRef(OA + "hasSource")
        schema_predicates = {URIRef(p) for p in SCHEMA_PREDICATES}
        selectors: dict[Node, list[Node]] = defaultdict(list)
        sources: dict[Node, Node] = {}
        exact, start, end = URIRef(OA + "exact"), URIRef(OA + "start"), URIRef(OA + "end")
        selector_values: dict[Node, dict[Node, Literal]] = defaultdict(dict)

        for s, p, o in asserted:
            if isinstance(o, Literal):
                if p in label_rank:
                    rank = (label_rank[p], _language_rank(o.language), str(o))
                    if s not in labels or rank < labels[s]:
                        labels[s] = rank
                elif p in definition_rank:
                    rank2 = (definition_rank[p] * 2 + _language_rank(o.language), str(o))
                    if s not in definitions or rank2 < definitions[s]:
                        definitions[s] = rank2
                elif p == alt_label:
                    self.alt_labels[s].append(str(o))
                elif p in (exact, start, end):
                    selector_values[s][p] = o
                else:
                    self.facts[s].append((p, o))
                continue
            if p == rdf_type:
                self.asserted_types[s].add(o)
                self.schema_terms.add(o)
            elif p in schema_predicates:
                self.schema_terms.update((s, o))
            elif p == evidence:
                self.evidence_of[s].append(o)
                plumbing.add(o)
            elif p == has_selector:
                selectors[s].append(o)
                plumbing.add(o)
            elif p == has_source:
                sources[s] = o
            else:
                self.out_edges[s].append((p, o))
        self._labels = {node: rank[2] for node, rank in labels.items()}
        self._definitions = {node: rank[1] for node, rank in definitions.items()}

        self.types: dict[Node, set[Node]] = defaultdict(set)
        super_classes: dict[Node, set[Node]] = defaultdict(set)
        sub_class_of = URIRef(RDFS + "subClassOf")
        if inferred is not None:
            type_pairs: Iterable[tuple[Node, Node]] = inferred.subject_objects(rdf_type)
            class_pairs: Iterable[tuple[Node, Node]] = inferred.subject_objects(sub_class_of)
        else:
            # The entailed triples alone: cheaper than copying the whole graph into a closure.
            from kg.infer import entailments

            added = entailments(asserted)
            type_pairs = [
                *asserted.subject_objects(rdf_type),
                *((s, o) for s, p, o in added if p == rdf_type),
            ]
            class_pairs = [
                *asserted.subject_objects(sub_class_of),
                *((s, o) for s, p, o in added if p == sub_class_of),
            ]
        for s, o in type_pairs:
            self.types[s].add(o)
        for sub, sup in class_pairs:
            if sub != sup:
                super_classes[sub].add(sup)
        self._super_classes = super_classes

        from kg.stats import is_excluded_type

        for node, node_types in self.types.items():
            if any(is_excluded_type(str(t)) for t in node_types):
                plumbing.add(node)
        self.plumbing = plumbing | self.schema_terms
        self.quotes: dict[Node, list[Quote]] = {}
        for owner, nodes in self.evidence_of.items():
            found: list[Quote] = []
            for ev in nodes:
                source = sources.get(ev)
                text, first, last = None, None, None
                for selector in selectors.get(ev, ()):
                    values = selector_values.get(selector, {})
                    if exact in values:
                        text = str(values[exact])
                    if start in values and end in values:
                        first, last = _int(values[start]), _int(values[end])
                if text is not None or first is not None:
                    found.append(Quote(text or "", first, last, str(source) if source is not None else None))
            found.sort(key=lambda q: (q.start if q.start is not None else 1 << 60, q.exact))
            self.quotes[owner] = found
        self._info: dict[Node, NodeInfo] = {}

    # ---- naming -------------------------------------------------------------------------------

    def node_id(self, node: Node) -> str:
        """The id a page uses for ``node``: its IRI, or ``_:`` and the blank node's id."""
        return f"_:{node}" if isinstance(node, self._BNode) else str(node)

    def curie(self, node: Node) -> str:
        """``ekg:TheAwakening`` when a prefix fits, else ``<iri>``; ``_:id`` for a blank node."""
        if isinstance(node, self._BNode):
            return f"_:{node}"
        iri = str(node)
        for prefix, ns in self.prefixes:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if local and all(c.isalnum() or c in "_-." for c in local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"

    def label(self, node: Node) -> str:
        """The node's label, else a readable name made from its IRI."""
        found = self._labels.get(node)
        if found is not None:
            return found
        if isinstance(node, self._Literal):
            return str(node)
        if isinstance(node, self._BNode):
            return f"_:{node}"
        iri = str(node)
        local = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return local or iri

    def has_label(self, node: Node) -> bool:
        return node in self._labels

    def most_specific_class(self, node: Node) -> Node | None:
        """The deepest of the node's asserted classes (inferred ones if it has none)."""
        candidates = self.asserted_types.get(node) or self.types.get(node) or set()
        candidates = {c for c in candidates if str(c) != OWL + "NamedIndividual"}
        if not candidates:
            return None
        # A class none of the others is a subclass of; among those, the deepest.
        return max(
            candidates,
            key=lambda c: (
                not any(c in self._super_classes.get(other, ()) for other in candidates),
                len(self._super_classes.get(c, ())),
                str(c),
            ),
        )

    def property_label(self, predicate: Node) -> str:
        """The property's label, or its local name in words ("inScheme" -> "in scheme")."""
        if predicate in self._labels:
            return self._labels[predicate]
        local = self.label(predicate)
        return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("_", " ").lower()

    def info(self, node: Node) -> NodeInfo:
        """Label, class, definition, quotes and facts of ``node``."""
        cached = self._info.get(node)
        if cached is not None:
            return cached
        cls = self.most_specific_class(node)
        facts: list[tuple[str, str]] = []
        for p, o in self.facts.get(node, ())[:MAX_FACTS]:
            facts.append((self.property_label(p), str(o)))
        facts.sort()
        info = NodeInfo(
            id=self.node_id(node),
            curie=self.curie(node),
            label=self.label(node),
            cls=str(cls) if cls is not None else None,
            cls_label=self.label(cls) if cls is not None else "resource",
            definition=self._definitions.get(node, ""),
            alt_labels=sorted(set(self.alt_labels.get(node, ()))),
            quotes=self.quotes.get(node, []),
            facts=facts,
        )
        self._info[node] = info
        return info

    # ---- selecting -----------------------------------------------------------------------------

    def drawable(self, node: Node) -> bool:
        """A node a view may draw: not a literal, a schema term or an evidence annotation."""
        return not isinstance(node, self._Literal) and node not in self.plumbing

    def individuals(self) -> list[Node]:
        """Every drawable node of the asserted graph: typed subjects and the resources they link."""
        found: dict[Node, None] = {}
        for s in self.asserted.subjects(unique=True):
            if self.drawable(s) and (s in self.asserted_types or s in self.out_edges or s in self._labels):
                found[s] = None
        for edges in self.out_edges.values():
            for _, o in edges:
                if self.drawable(o):
                    found[o] = None
        return [n for n in found if self.drawable(n)]

    def instances(self, *class_iris: str) -> set[Node]:
        """The drawable nodes typed (after RDFS inference) with any of ``class_iris``."""
        wanted = {self._URIRef(c) for c in class_iris}
        return {n for n, ts in self.types.items() if ts & wanted and self.drawable(n)}

    def edges_among(
        self, nodes: Iterable[Node], predicates: Iterable[str] | None = None
    ) -> list[tuple[Node, Node, Node]]:
        """Asserted links (s, p, o) with both ends in ``nodes`` (and p in ``predicates``, if given)."""
        members = set(nodes)
        allowed = {self._URIRef(p) for p in predicates} if predicates is not None else None
        found = []
        for s in members:
            for p, o in self.out_edges.get(s, ()):
                if o in members and (allowed is None or p in allowed):
                    found.append((s, p, o))
        return found

    def objects(self, node: Node, predicate: str) -> list[Node]:
        p = self._URIRef(predicate)
        return [o for q, o in self.out_edges.get(node, ()) if q == p]

    def literal(self, node: Node, predicate: str) -> Any:
        """The Python value of the first literal of ``predicate`` on ``node``, or None."""
        p = self._URIRef(predicate)
        for q, o in self.facts.get(node, ()):
            if q == p:
                return o.toPython()
        return None

    # ---- finding an entity ---------------------------------------------------------------------

    def resolve(self, text: str, candidates: Iterable[Node]) -> Node:
        """The node ``text`` names: an IRI (``<...>`` or ``http...``), a prefixed name, or a label.

        Labels and alternative labels match case-insensitively. A miss raises a KgError
        with the nearest labels; a label two nodes share raises one naming both.
        """
        pool = list(dict.fromkeys(candidates))
        by_id = {self.node_id(n): n for n in pool}
        given = text.strip()
        if given.startswith("<") and given.endswith(">"):
            given = given[1:-1]
        if given in by_id:
            return by_id[given]
        if ":" in given:
            prefix, local = given.split(":", 1)
            for p, ns in self.prefixes:
                if p == prefix and ns + local in by_id:
                    return by_id[ns + local]
        wanted = given.casefold()
        matches = [
            n
            for n in pool
            if wanted in {self.label(n).casefold(), *(a.casefold() for a in self.alt_labels[n])}
        ]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(sorted(self.curie(n) for n in matches))
            raise KgError(f'"{text}" names more than one entity ({names}): give its prefixed name instead')
        names = {self.label(n): n for n in pool}
        for n in pool:
            names.setdefault(self.curie(n), n)
        lowered = {k.casefold(): k for k in names}
        close = difflib.get_close_matches(wanted, list(lowered), n=6, cutoff=0.5)
        suggestions: dict[Node, str] = {}  # one name per entity
        for key in close:
            suggestions.setdefault(names[lowered[key]], lowered[key])
        close = list(suggestions.values())[:3]
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise KgError(
            f'no entity "{text}" in the graph{hint}: give a label, a prefixed name such as ekg:BrianSolis, '
            "or an IRI; `kg stats` lists the classes"
        )


def _language_rank(language: str | None) -> int:
    if not language or language == "en" or language.startswith("en-"):
        return 0
    return 1


def _int(value: Any) -> int | None:
    try:
        return int(value.toPython())
    except (TypeError, ValueError, AttributeError):
        return None
