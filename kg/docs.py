"""The ontology's documentation, gathered from the graph: what ``kg docs`` shows, as plain data.

Classes and properties with their labels, definitions, hierarchies, domains,
ranges and counts (instances and uses, with the RDFS inferences); the SKOS
concept schemes with their concepts in order; the SHACL shapes with their
targets, constraints and messages; the query catalogue. Every term the page
documents gets an anchor (an HTML id) so that it can be linked to.

Rendering lives in kg.docs_html; this module only reads the graph. Its text is
data from Turtle files, extensions included: the renderer escapes all of it.

    >>> from kg.docs import document
    >>> docs = document()
    >>> [c.curie for c in docs.classes][:2]
    ['ekg:Advice', 'ekg:Approach']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from kg.catalog import QueryFile
    from kg.sources import Loaded
    from kg.stats import Stats

EKG = "https://w3id.org/essay-kg/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"

CLASS_TYPES = (OWL + "Class", RDFS + "Class")
PROPERTY_KINDS = {
    OWL + "ObjectProperty": "object property",
    OWL + "DatatypeProperty": "datatype property",
    OWL + "AnnotationProperty": "annotation property",
    RDF + "Property": "property",
}
# The order constraints are listed in; any other goes after these, alphabetically.
CONSTRAINT_ORDER = [
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "hasValue",
    "in",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "minLength",
    "maxLength",
    "pattern",
    "flags",
    "languageIn",
    "uniqueLang",
]
# Predicates of a shape that say what it is or how it reports, not what it requires.
NOT_CONSTRAINTS = {
    RDF + "type",
    RDFS + "label",
    RDFS + "comment",
    SH + "path",
    SH + "message",
    SH + "severity",
    SH + "name",
    SH + "description",
    SH + "order",
    SH + "group",
    SH + "prefixes",
    SH + "declare",
    SH + "property",
    SH + "sparql",
    SH + "targetClass",
    SH + "targetNode",
    SH + "targetSubjectsOf",
    SH + "targetObjectsOf",
    SH + "target",
    SH + "deactivated",
    OWL + "imports",
}
_MAX_DEPTH = 4  # nesting of blank nodes written out in a constraint
XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE_DATATYPES = {XSD + t for t in ("integer", "decimal", "double", "boolean", "int", "long")}


@dataclass(frozen=True)
class Ref:
    """A term named on the page: its prefixed name, label, and anchor when the page documents it."""

    curie: str
    label: str
    anchor: str | None = None


@dataclass
class ClassDoc:
    """One class."""

    iri: str
    curie: str
    anchor: str
    label: str
    definition: str
    alt_labels: list[str]
    declared: bool  # typed owl:Class or rdfs:Class (else only used as a type)
    superclasses: list[Ref]
    subclasses: list[Ref]
    instances: int  # individuals typed with it directly
    with_subclasses: int  # ... or through the RDFS inferences
    domain_of: list[Ref]  # properties whose rdfs:domain it is
    range_of: list[Ref]  # properties whose rdfs:range it is
    shapes: list[Ref]  # shapes that target its instances


@dataclass
class PropertyDoc:
    """One property."""

    iri: str
    curie: str
    anchor: str
    label: str
    definition: str
    alt_labels: list[str]
    kind: str
    domains: list[Ref]
    ranges: list[Ref]
    superproperties: list[Ref]
    subproperties: list[Ref]
    uses: int  # asserted triples with it as predicate
    uses_inferred: int  # ... with the RDFS inferences


@dataclass
class ConceptEntry:
    """A concept of a scheme, with its place in the scheme's order."""

    ref: Ref
    position: str | None
    classes: list[Ref]
    definition: str
    next: Ref | None = None  # ekg:nextStage
    broader: list[Ref] = field(default_factory=list)


@dataclass
class SchemeDoc:
    """A SKOS concept scheme and its concepts, in order (ekg:position, then label)."""

    iri: str
    curie: str
    anchor: str
    label: str
    definition: str
    concepts: list[ConceptEntry]
    first: Ref | None = None  # ekg:firstStage


@dataclass
class Target:
    """What a shape checks: ``kind`` says how (instances of, subjects of, a SPARQL query ...)."""

    kind: str
    ref: Ref | None = None
    sparql: str = ""


@dataclass
class Rule:
    """One constraint of a shape: on a path, on the node itself (path ""), or a SPARQL constraint."""

    path: str
    constraints: list[str]
    severity: str
    messages: list[str]
    sparql: str = ""
    name: str = ""  # a named SPARQL constraint's prefixed name


@dataclass
class ShapeDoc:
    """A SHACL node shape."""

    iri: str
    curie: str
    anchor: str
    label: str
    comment: str
    targets: list[Target]
    rules: list[Rule]


@dataclass
class QueryDoc:
    """A query file of the catalogue."""

    name: str
    anchor: str
    summary: str
    description: str
    form: str
    tags: list[str]
    params: list[str]
    questions: list[str]
    file: str


@dataclass
class OntologyDoc:
    """An ``owl:Ontology`` header."""

    iri: str
    curie: str
    label: str
    definition: str
    version: str


@dataclass
class Docs:
    """Everything the documentation page shows."""

    ontologies: list[OntologyDoc]
    classes: list[ClassDoc]
    properties: list[PropertyDoc]
    schemes: list[SchemeDoc]
    shapes: list[ShapeDoc]
    queries: list[QueryDoc]
    namespaces: list[tuple[str, str]]  # (prefix, IRI) of the prefixes the page uses
    files: list[str]  # the Turtle files read
    asserted_triples: int = 0
    inferred_triples: int = 0

    def summary(self) -> str:
        """``62 classes, 55 properties, ...``: what the page documents."""
        counts = [
            (len(self.classes), "class", "classes"),
            (len(self.properties), "property", "properties"),
            (len(self.schemes), "concept scheme", "concept schemes"),
            (len(self.shapes), "shape", "shapes"),
            (len(self.queries), "query", "queries"),
        ]
        return ", ".join(f"{n:,} {one if n == 1 else many}" for n, one, many in counts)


def document(
    extra: Sequence[Path | str] = (),
    *,
    ontology_dir: Path | None = None,
    query_dirs: Sequence[Path] | None = None,
) -> Docs:
    """Load the ontology plus ``extra`` files or folders, and gather its documentation."""
    from kg.catalog import catalog
    from kg.infer import rdfs_closure
    from kg.sources import load

    loaded = load(extra, ontology_dir=ontology_dir)
    return gather(loaded, rdfs_closure(loaded.graph), queries=catalog(query_dirs).values())


def gather(
    loaded: Loaded,
    inferred: Graph,
    *,
    stats: Stats | None = None,
    queries: Iterable[QueryFile] = (),
) -> Docs:
    """The documentation of ``loaded``: ``inferred`` is its RDFS closure; ``stats`` computed if not given."""
    from kg.sources import display_path
    from kg.stats import compute_stats

    if stats is None:
        stats = compute_stats(loaded.graph, inferred)
    names = _Names(loaded.graph, loaded.shapes)
    asserted, shapes = loaded.graph, loaded.shapes

    class_iris = _typed(asserted, CLASS_TYPES) | {_iri(c.iri) for c in stats.classes}
    property_iris = _typed(asserted, PROPERTY_KINDS)
    shape_iris = _typed(shapes, [SH + "NodeShape"])
    scheme_iris = _typed(inferred, [SKOS + "ConceptScheme"]) | {
        o for o in inferred.objects(None, _iri(SKOS + "inScheme")) if _is_iri(o)
    }
    for iri in _own_first(class_iris, names):
        names.anchor(iri, "class")
    for iri in _own_first(property_iris, names):
        names.anchor(iri, "prop")
    for iri in _own_first(scheme_iris, names):
        names.anchor(iri, "scheme")
    for iri in _own_first(shape_iris, names):
        names.anchor(iri, "shape")

    return Docs(
        ontologies=_ontologies(asserted, names),
        classes=_classes(asserted, stats, class_iris, shapes, shape_iris, names),
        properties=_properties(asserted, inferred, property_iris, names),
        schemes=_schemes(inferred, asserted, scheme_iris, names),
        shapes=[_shape(shapes, iri, names) for iri in _own_first(shape_iris, names)],
        queries=_queries(queries, names),
        namespaces=names.used_namespaces(),
        files=[display_path(p) for p in [*loaded.files, *loaded.shapes_files]],
        asserted_triples=len(asserted),
        inferred_triples=len(inferred),
    )


# ---- classes and properties ------------------------------------------------------------------------


def _classes(
    graph: Graph, stats: Stats, iris: set[Node], shapes: Graph, shape_iris: set[Node], names: _Names
) -> list[ClassDoc]:
    counts = {c.iri: c for c in stats.classes}
    declared = _typed(graph, CLASS_TYPES)
    sub_class_of, domain, range_ = _iri(RDFS + "subClassOf"), _iri(RDFS + "domain"), _iri(RDFS + "range")
    target_class = _iri(SH + "targetClass")
    docs = []
    for iri in _own_first(iris, names):
        count = counts.get(str(iri))
        docs.append(
            ClassDoc(
                iri=str(iri),
                curie=names.curie(iri),
                anchor=names.anchors[iri],
                label=names.label(iri),
                definition=_definition(graph, iri),
                alt_labels=_alt_labels(graph, iri),
                declared=iri in declared,
                superclasses=names.refs(o for o in graph.objects(iri, sub_class_of) if o != iri),
                subclasses=names.refs(s for s in graph.subjects(sub_class_of, iri) if s != iri),
                instances=count.instances if count else 0,
                with_subclasses=count.with_subclasses if count else 0,
                domain_of=names.refs(graph.subjects(domain, iri)),
                range_of=names.refs(graph.subjects(range_, iri)),
                shapes=names.refs(s for s in shapes.subjects(target_class, iri) if s in shape_iris),
            )
        )
    return docs


def _properties(graph: Graph, inferred: Graph, iris: set[Node], names: _Names) -> list[PropertyDoc]:
    from rdflib import RDF as RDF_NS

    sub_property_of = _iri(RDFS + "subPropertyOf")
    docs = []
    for iri in _own_first(iris, names):
        types = {str(t) for t in graph.objects(iri, RDF_NS.type)}
        kind = next((name for t, name in PROPERTY_KINDS.items() if t in types), "property")
        docs.append(
            PropertyDoc(
                iri=str(iri),
                curie=names.curie(iri),
                anchor=names.anchors[iri],
                label=names.label(iri),
                definition=_definition(graph, iri),
                alt_labels=_alt_labels(graph, iri),
                kind=kind,
                domains=names.refs(graph.objects(iri, _iri(RDFS + "domain"))),
                ranges=names.refs(graph.objects(iri, _iri(RDFS + "range"))),
                superproperties=names.refs(o for o in graph.objects(iri, sub_property_of) if o != iri),
                subproperties=names.refs(s for s in graph.subjects(sub_property_of, iri) if s != iri),
                uses=_count(graph.triples((None, iri, None))),
                uses_inferred=_count(inferred.triples((None, iri, None))),
            )
        )
    return docs


def _ontologies(graph: Graph, names: _Names) -> list[OntologyDoc]:
    from rdflib import Literal

    found = []
    for iri in _own_first(_typed(graph, [OWL + "Ontology"]), names):
        versions = sorted(
            str(v) for v in graph.objects(iri, _iri(OWL + "versionInfo")) if isinstance(v, Literal)
        )
        found.append(
            OntologyDoc(
                iri=str(iri),
                curie=names.curie(iri),
                label=names.label(iri),
                definition=_definition(graph, iri),
                version=", ".join(versions),
            )
        )
    return found


# ---- concept schemes -------------------------------------------------------------------------------


def _schemes(graph: Graph, asserted: Graph, iris: set[Node], names: _Names) -> list[SchemeDoc]:
    """The schemes of ``graph`` (with the inferences); a concept's classes are its asserted ones."""
    from rdflib import RDF as RDF_NS

    in_scheme, top_of = _iri(SKOS + "inScheme"), _iri(SKOS + "topConceptOf")
    has_top, position = _iri(SKOS + "hasTopConcept"), _iri(EKG + "position")
    next_stage, broader = _iri(EKG + "nextStage"), _iri(SKOS + "broader")
    docs = []
    for iri in _own_first(iris, names):
        members = {
            *graph.subjects(in_scheme, iri),
            *graph.subjects(top_of, iri),
            *graph.objects(iri, has_top),
        }
        entries = []
        for concept in members:
            positions = sorted(str(p) for p in graph.objects(concept, position))
            following = [o for o in graph.objects(concept, next_stage) if _is_iri(o)]
            entries.append(
                ConceptEntry(
                    ref=names.ref(concept),
                    position=", ".join(positions) or None,
                    classes=names.refs(asserted.objects(concept, RDF_NS.type)),
                    definition=_definition(graph, concept),
                    next=names.ref(min(following, key=str)) if following else None,
                    broader=names.refs(graph.objects(concept, broader)),
                )
            )
        entries.sort(key=lambda e: (*_position_key(e.position), e.ref.label.lower(), e.ref.curie))
        first = [o for o in graph.objects(iri, _iri(EKG + "firstStage")) if _is_iri(o)]
        docs.append(
            SchemeDoc(
                iri=str(iri),
                curie=names.curie(iri),
                anchor=names.anchors[iri],
                label=names.label(iri),
                definition=_definition(graph, iri),
                concepts=entries,
                first=names.ref(min(first, key=str)) if first else None,
            )
        )
    return docs


def _position_key(position: str | None) -> tuple[int, float, str]:
    """Numbered concepts first, in number order; then the rest."""
    if position is None:
        return (1, 0.0, "")
    try:
        return (0, float(position.split(",")[0]), position)
    except ValueError:
        return (0, float("inf"), position)


# ---- shapes ----------------------------------------------------------------------------------------


def _shape(graph: Graph, iri: Node, names: _Names) -> ShapeDoc:
    return ShapeDoc(
        iri=str(iri),
        curie=names.curie(iri),
        anchor=names.anchors[iri],
        label=names.label(iri),
        comment=_definition(graph, iri),
        targets=_targets(graph, iri, names),
        rules=_rules(graph, iri, names),
    )


def _targets(graph: Graph, shape: Node, names: _Names) -> list[Target]:
    kinds = [
        ("targetClass", "instances of"),
        ("targetSubjectsOf", "subjects of"),
        ("targetObjectsOf", "objects of"),
        ("targetNode", "the node"),
    ]
    targets = [
        Target(kind, names.ref(value))
        for key, kind in kinds
        for value in sorted(graph.objects(shape, _iri(SH + key)), key=str)
    ]
    for target in sorted(graph.objects(shape, _iri(SH + "target")), key=str):
        select = _text(graph, target, SH + "select")
        targets.append(
            Target("a SPARQL query", sparql=_dedent(select)) if select else Target("a custom target")
        )
    return targets


def _rules(graph: Graph, shape: Node, names: _Names) -> list[Rule]:
    rules: list[Rule] = []
    own = _constraints(graph, shape, names)
    if own:
        rules.append(Rule("", own, _severity(graph, shape, names), _messages(graph, shape)))
    properties = list(graph.objects(shape, _iri(SH + "property")))
    # The order of the file is lost in the graph: sh:order first, then by path.
    properties.sort(key=lambda p: (_order(graph, p), _path(graph, _one(graph, p, SH + "path"), names)))
    for prop in properties:
        rules.append(
            Rule(
                path=_path(graph, _one(graph, prop, SH + "path"), names),
                constraints=_constraints(graph, prop, names),
                severity=_severity(graph, prop, names),
                messages=_messages(graph, prop),
            )
        )
    for sparql in sorted(
        graph.objects(shape, _iri(SH + "sparql")), key=lambda c: (_is_iri(c) is False, str(c))
    ):
        rules.append(
            Rule(
                path="",
                constraints=[],
                severity=_severity(graph, sparql, names),
                messages=_messages(graph, sparql),
                sparql=_dedent(_text(graph, sparql, SH + "select") or _text(graph, sparql, SH + "ask")),
                name=names.curie(sparql) if _is_iri(sparql) else "",
            )
        )
    return rules


def _constraints(graph: Graph, node: Node, names: _Names) -> list[str]:
    pairs = [(p, o) for p, o in graph.predicate_objects(node) if str(p) not in NOT_CONSTRAINTS]
    rank = {name: i for i, name in enumerate(CONSTRAINT_ORDER)}

    def order(pair: tuple[Node, Node]) -> tuple[int, str, str]:
        local = _local(pair[0])
        return (rank.get(local, len(rank)), local, str(pair[1]))

    return [f"{_local(p)} {_value(graph, o, names, 0)}" for p, o in sorted(pairs, key=order)]


def _value(graph: Graph, node: Node, names: _Names, depth: int) -> str:
    """A constraint's value as Turtle-like text: prefixed names, lists ``( ... )``, nodes ``[ ... ]``."""
    from rdflib import BNode, Literal

    if isinstance(node, Literal):
        return str(node) if str(node.datatype) in _BARE_DATATYPES else _quoted(str(node))
    if not isinstance(node, BNode):
        return names.curie(node)
    if depth >= _MAX_DEPTH:
        return "[ … ]"
    items = _list(graph, node)
    if items is not None:
        return "( " + " ".join(_value(graph, i, names, depth + 1) for i in items) + " )"
    pairs = sorted(graph.predicate_objects(node), key=lambda pair: (_local(pair[0]), str(pair[1])))
    inner = [
        _local(p)
        + " "
        + (_path(graph, o, names) if str(p) == SH + "path" else _value(graph, o, names, depth + 1))
        for p, o in pairs
        if str(p) != RDF + "type"
    ]
    return "[ " + " ; ".join(inner) + " ]" if inner else "[ ]"


def _path(graph: Graph, node: Node | None, names: _Names, depth: int = 0) -> str:
    """A SHACL property path as SPARQL path text: ``a / b``, ``^a``, ``a | b``, ``a*``."""
    from rdflib import BNode

    if node is None:
        return ""
    if not isinstance(node, BNode):
        return names.curie(node)
    if depth >= _MAX_DEPTH:
        return "…"
    items = _list(graph, node)
    if items is not None:
        return " / ".join(_path(graph, i, names, depth + 1) for i in items)
    for key, fmt in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = _one(graph, node, SH + key)
        if inner is not None:
            text = _path(graph, inner, names, depth + 1)
            return fmt.format(f"({text})" if " " in text else text)
    alternatives = _one(graph, node, SH + "alternativePath")
    if alternatives is not None:
        return (
            "("
            + " | ".join(_path(graph, i, names, depth + 1) for i in _list(graph, alternatives) or [])
            + ")"
        )
    return "[ ]"


def _list(graph: Graph, node: Node) -> list[Node] | None:
    """The items of an RDF list starting at ``node``, or None when it is not one."""
    first, rest, nil = _iri(RDF + "first"), _iri(RDF + "rest"), _iri(RDF + "nil")
    if node != nil and (node, first, None) not in graph:
        return None
    items: list[Node] = []
    seen = set()
    while node != nil and node not in seen:
        seen.add(node)
        value = graph.value(node, first)
        if value is None:
            break
        items.append(value)
        node = graph.value(node, rest) or nil
    return items


def _severity(graph: Graph, node: Node, names: _Names) -> str:
    severity = _one(graph, node, SH + "severity")
    return "Violation" if severity is None else _local(severity) or names.curie(severity)


def _messages(graph: Graph, node: Node) -> list[str]:
    return sorted(str(m) for m in graph.objects(node, _iri(SH + "message")))


def _order(graph: Graph, node: Node) -> float:
    value = _one(graph, node, SH + "order")
    try:
        return float(str(value)) if value is not None else float("inf")
    except ValueError:
        return float("inf")


# ---- queries ---------------------------------------------------------------------------------------


def _queries(queries: Iterable[QueryFile], names: _Names) -> list[QueryDoc]:
    from kg.catalog import describe_param
    from kg.sources import display_path

    docs = []
    for query in sorted(queries, key=lambda q: q.name):
        docs.append(
            QueryDoc(
                name=query.name,
                anchor=names.unique(f"query-{_slug(query.name)}"),
                summary=query.summary,
                description=query.description,
                form=query.form,
                tags=list(query.tags),
                params=[describe_param(p) for p in query.params],
                questions=list(query.questions),
                file=display_path(query.path),
            )
        )
    return docs


# ---- names, labels, anchors ------------------------------------------------------------------------


class _Names:
    """Prefixed names and labels from both graphs, and the page's anchors (unique HTML ids)."""

    def __init__(self, graph: Graph, shapes: Graph) -> None:
        self.graphs = (graph, shapes)
        self.anchors: dict[Node, str] = {}
        self.ids: set[str] = set()
        self.prefixes: dict[str, str] = {}  # namespace IRI -> prefix, of the prefixes used
        namespaces: dict[str, str] = {}
        for g in self.graphs:
            for prefix, ns in g.namespaces():
                if prefix and str(ns) not in namespaces:
                    namespaces[str(ns)] = prefix
        # The longest namespace that fits wins (ekgsh: before a shorter ekg-like one).
        self.namespaces = sorted(namespaces.items(), key=lambda item: -len(item[0]))

    def curie(self, node: Node) -> str:
        from rdflib import URIRef

        if not isinstance(node, URIRef):
            return node.n3()
        text = str(node)
        for ns, prefix in self.namespaces:
            local = text[len(ns) :]
            if text.startswith(ns) and re.fullmatch(r"[\w.-]*", local) and not local.endswith("."):
                self.prefixes[ns] = prefix
                return f"{prefix}:{local}"
        return f"<{text}>"

    def label(self, node: Node) -> str:
        from rdflib import Literal

        for g in self.graphs:
            for key in (RDFS + "label", SKOS + "prefLabel"):
                labels = [o for o in g.objects(node, _iri(key)) if isinstance(o, Literal)]
                if labels:
                    labels.sort(key=lambda lit: (lit.language not in (None, "en"), str(lit)))
                    return str(labels[0])
        text = str(node)
        return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text

    def ref(self, node: Node) -> Ref:
        return Ref(self.curie(node), self.label(node), self.anchors.get(node))

    def refs(self, nodes: Iterable[Node]) -> list[Ref]:
        found = {self.ref(n) for n in nodes if _is_iri(n)}
        return sorted(found, key=lambda r: (r.label.lower(), r.curie))

    def anchor(self, node: Node, kind: str) -> str:
        if node not in self.anchors:
            self.anchors[node] = self.unique(f"{kind}-{_slug(self.curie(node))}")
        return self.anchors[node]

    def unique(self, wanted: str) -> str:
        anchor, n = wanted, 2
        while anchor in self.ids:
            anchor, n = f"{wanted}-{n}", n + 1
        self.ids.add(anchor)
        return anchor

    def used_namespaces(self) -> list[tuple[str, str]]:
        return sorted(((prefix, ns) for ns, prefix in self.prefixes.items()), key=lambda item: item[0])


def _own_first(nodes: Iterable[Node], names: _Names) -> list[Node]:
    """The ontology's own terms (ekg:) first, then the others; by prefixed name within each."""
    return sorted(nodes, key=lambda n: (not str(n).startswith(EKG), names.curie(n).lower(), str(n)))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "term"


def _typed(graph: Graph, types: Iterable[str]) -> set[Node]:
    from rdflib import RDF as RDF_NS

    return {s for t in types for s in graph.subjects(RDF_NS.type, _iri(t)) if _is_iri(s)}


def _definition(graph: Graph, node: Node) -> str:
    """skos:definition, else rdfs:comment (English or untagged first)."""
    for key in (SKOS + "definition", RDFS + "comment"):
        text = _text(graph, node, key)
        if text:
            return text
    return ""


def _alt_labels(graph: Graph, node: Node) -> list[str]:
    return sorted({str(o) for o in graph.objects(node, _iri(SKOS + "altLabel"))}, key=str.lower)


def _text(graph: Graph, node: Node, key: str) -> str:
    from rdflib import Literal

    values = [o for o in graph.objects(node, _iri(key)) if isinstance(o, Literal)]
    values.sort(key=lambda lit: (lit.language not in (None, "en"), str(lit)))
    return str(values[0]) if values else ""


def _one(graph: Graph, node: Node, key: str) -> Node | None:
    values = sorted(graph.objects(node, _iri(key)), key=str)
    return values[0] if values else None


def _local(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text.strip("\n")).strip()


def _count(triples: Iterable[object]) -> int:
    return sum(1 for _ in triples)


def _iri(text: str) -> Node:
    from rdflib import URIRef

    return URIRef(text)


def _is_iri(node: object) -> bool:
    from rdflib import URIRef

    return isinstance(node, URIRef)
