"""Describe one entity: find it by label, prefixed name or IRI, then gather what the graph says about it.

Everything goes through the Engine interface (``engine.run(sparql, bindings)``)
with SPARQL only, so ``kg describe`` works the same on the compiled Oxigraph
store, on rdflib and on a remote endpoint. The user's text reaches SPARQL only
as a bound, escaped RDF term (kg.terms; the engine binds it with
kg.sparqltext.bind_values or initBindings), never pasted into a query.

Relations implied by a more specific one (``prov:wasAttributedTo`` beside
``ekg:statedBy``, after RDFS inference) are left out, and types are split into
the most specific ones and the rest, so the description reads like the Turtle
that was written rather than like its closure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyoxigraph as ox

from kg.entities import (
    ALT_LABEL,
    PREF_LABEL,
    RDFS_LABEL,
    AmbiguousEntity,
    Engine,
    EntityNotFound,
    Node,
    best_label,
    entity_node,
    find_by_label,
    label_rank,
    resolve,
)
from kg.printable import json_printable, printable
from kg.terms import compact, nt_iri

__all__ = [
    "AmbiguousEntity",
    "Description",
    "EntityNotFound",
    "describe",
    "describe_iri",
    "describe_json",
    "describe_text",
    "find_by_label",
    "resolve",
]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EKG = "https://w3id.org/essay-kg/ns#"

DEFINITION = SKOS + "definition"
RDFS_RESOURCE = RDFS + "Resource"

# The statistic block, in the order it is shown: (property local name, heading).
STATISTIC_FIELDS = (
    ("value", "value"),
    ("minValue", "at least"),
    ("maxValue", "at most"),
    ("unit", "unit"),
    ("qualifier", "qualifier"),
    ("asWritten", "as written"),
    ("measures", "measures"),
    ("population", "population"),
    ("sample", "sample"),
    ("statedBy", "stated by"),
    ("source", "source"),
)
_STATISTIC_PROPERTIES = {EKG + name for name, _ in STATISTIC_FIELDS}

# Incoming relations fetched at most (a class with a million instances stays quick to describe).
MAX_INCOMING = 1000
# Lines shown per property in the text view; --format json has them all.
TEXT_PER_PROPERTY = 25

_PREFIXES = f"""PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX ekg: <{EKG}>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

_Q_NAMES = (
    _PREFIXES
    + """SELECT ?property ?label WHERE {
  VALUES ?property { rdfs:label skos:prefLabel skos:altLabel skos:definition }
  ?_entity_iri ?property ?label .
}"""
)

# ?sub is bound when a more specific type of the entity is a subclass of ?type.
_Q_TYPES = (
    _PREFIXES
    + """SELECT ?type ?typeLabel ?sub WHERE {
  ?_entity_iri rdf:type ?type .
  OPTIONAL { ?type rdfs:label ?typeLabel }
  OPTIONAL { ?_entity_iri rdf:type ?sub . ?sub rdfs:subClassOf+ ?type . FILTER (?sub != ?type) }
}"""
)

_Q_IS_STATISTIC = _PREFIXES + "ASK { ?_entity_iri rdf:type/rdfs:subClassOf* ekg:Statistic }"

_Q_OUTGOING = (
    _PREFIXES
    + """SELECT ?property ?propertyLabel ?value ?valueLabel WHERE {
  ?_entity_iri ?property ?value .
  FILTER (?property NOT IN (rdf:type, rdfs:label, skos:prefLabel, skos:altLabel, skos:definition,
                            ekg:evidence))
  FILTER NOT EXISTS { ?_entity_iri ekg:evidence ?value }
  OPTIONAL { ?property rdfs:label ?propertyLabel }
  OPTIONAL { ?value rdfs:label ?valueLabel }
}"""
)

# No ORDER BY: Oxigraph sorts slowly (~0.5 s for 2,000 rows), and Python sorts what is shown. Past the
# limit, which relations come is the engine's choice; the description says it was cut.
_Q_INCOMING = (
    _PREFIXES
    + """SELECT ?subject ?subjectLabel ?property ?propertyLabel WHERE {
  ?subject ?property ?_entity_iri .
  FILTER (isIRI(?subject))
  OPTIONAL { ?property rdfs:label ?propertyLabel }
  OPTIONAL { ?subject rdfs:label ?subjectLabel }
}
LIMIT """
    + str(MAX_INCOMING + 1)
)

# References from blank nodes (evidence passages citing a source text) are counted, not listed.
# (A label OPTIONAL inside the aggregate made it 15x slower on Oxigraph: labels are asked apart.)
_Q_ANONYMOUS_INCOMING = """SELECT ?property (COUNT(DISTINCT ?subject) AS ?count) WHERE {
  ?subject ?property ?_entity_iri .
  FILTER (isBlank(?subject))
}
GROUP BY ?property"""

_Q_LABEL = _PREFIXES + "SELECT ?label WHERE { ?_entity_iri rdfs:label ?label }"

# Every sub-property pair: a relation reached through a sub-property implies its super-property's
# (RDFS inference adds prov:wasAttributedTo beside ekg:statedBy); the implied one is left out.
_Q_SUBPROPERTIES = (
    _PREFIXES
    + "SELECT DISTINCT ?sub ?super WHERE { ?sub rdfs:subPropertyOf+ ?super . FILTER (?sub != ?super) }"
)

_Q_USES = "SELECT (COUNT(*) AS ?count) WHERE { ?s ?_entity_iri ?o }"

_Q_EVIDENCE = (
    _PREFIXES
    + """SELECT ?evidence ?quote ?start ?end ?source ?sourceLabel WHERE {
  ?_entity_iri ekg:evidence ?evidence .
  OPTIONAL { ?evidence oa:hasSelector ?qs . ?qs oa:exact ?quote }
  OPTIONAL { ?evidence oa:hasSelector ?ps . ?ps oa:start ?start ; oa:end ?end }
  OPTIONAL { ?evidence oa:hasSource ?source . OPTIONAL { ?source rdfs:label ?sourceLabel } }
}"""
)


class Value(NamedTuple):
    """A literal as written: its lexical form, datatype (prefixed) and language tag."""

    value: str
    datatype: str | None = None
    lang: str | None = None

    def display(self) -> str:
        """Numbers and other typed values bare, strings in quotes; safe to print."""
        if self.lang:
            return f'"{printable(self.value)}"@{printable(self.lang)}'
        if self.datatype in (None, "xsd:string", f"<{XSD}string>"):
            return f'"{printable(self.value)}"'
        return printable(self.value)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "literal", "value": self.value}
        if self.lang:
            out["lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out


class Blank(NamedTuple):
    """A blank node: engines name them differently, so it has no stable id."""

    def display(self) -> str:
        return "[]"

    def to_json(self) -> dict[str, Any]:
        return {"type": "bnode"}


Term = Node | Value | Blank


class Relation(NamedTuple):
    """One triple seen from the entity: the property and the node at the other end."""

    property: Node
    other: Term

    def to_json(self, key: str) -> dict[str, Any]:
        return {"property": self.property.to_json(), key: self.other.to_json()}


class AnonymousReferences(NamedTuple):
    """``count`` blank nodes point at the entity with ``property`` (evidence citing a source text, say)."""

    property: Node
    count: int


class Evidence(NamedTuple):
    """A quote from a source text, with its offsets (code points, end exclusive)."""

    quote: str | None
    start: int | None
    end: int | None
    source: Node | None

    def to_json(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "source": self.source.to_json() if self.source else None,
        }


@dataclass
class Description:
    """What the graph says about one entity."""

    entity: Node
    labels: list[str] = field(default_factory=list)
    pref_labels: list[str] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    types: list[Node] = field(default_factory=list)  # the most specific types
    supertypes: list[Node] = field(default_factory=list)  # types implied by those (RDFS), rdfs:Resource aside
    outgoing: list[Relation] = field(default_factory=list)
    incoming: list[Relation] = field(default_factory=list)
    incoming_truncated: bool = False
    anonymous_incoming: list[AnonymousReferences] = field(default_factory=list)
    uses_as_property: int = 0
    statistic: dict[str, list[Term]] | None = None  # local name -> values, for a statistic
    evidence: list[Evidence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--format json``."""
        return {
            **self.entity.to_json(),
            "labels": self.labels,
            "prefLabels": self.pref_labels,
            "altLabels": self.alt_labels,
            "definitions": self.definitions,
            "types": [t.to_json() for t in self.types],
            "supertypes": [t.to_json() for t in self.supertypes],
            "outgoing": [r.to_json("value") for r in self.outgoing],
            "incoming": [r.to_json("subject") for r in self.incoming],
            "incomingTruncated": self.incoming_truncated,
            "anonymousIncoming": [
                {"property": a.property.to_json(), "count": a.count} for a in self.anonymous_incoming
            ],
            "usesAsProperty": self.uses_as_property,
            "statistic": None
            if self.statistic is None
            else {name: [v.to_json() for v in values] for name, values in self.statistic.items()},
            "evidence": [e.to_json() for e in self.evidence],
        }


# ---------------------------------------------------------------------------------------------------------
# Gathering the description
# ---------------------------------------------------------------------------------------------------------


def describe(engine: Engine, text: str) -> Description:
    """Find the entity ``text`` names (see ``resolve``) and describe it."""
    return describe_iri(engine, resolve(engine, text).iri)


def describe_iri(engine: Engine, iri: str) -> Description:
    """Everything the graph says about the entity ``iri``, through a handful of SELECT and ASK queries."""
    bound = {"_entity_iri": nt_iri(iri)}
    labels = _Labels()

    def run(sparql: str) -> Any:
        return engine.run(sparql, bound)

    desc = Description(entity=entity_node(engine, iri))
    names: dict[str, list[Any]] = {RDFS_LABEL: [], PREF_LABEL: [], ALT_LABEL: [], DEFINITION: []}
    for row in run(_Q_NAMES).rows:
        if isinstance(row["label"], ox.Literal):
            names[row["property"].value].append(row["label"])
    desc.labels, desc.pref_labels, desc.alt_labels, desc.definitions = (
        _unique(sorted((t.value for t in names[p]), key=_label_order))
        for p in (RDFS_LABEL, PREF_LABEL, ALT_LABEL, DEFINITION)
    )
    label = best_label(names[RDFS_LABEL] or names[PREF_LABEL])
    desc.entity = Node(iri, desc.entity.id, label)

    desc.types, desc.supertypes = _types(engine, run(_Q_TYPES).rows, labels)
    supers: dict[str, set[str]] = {}
    for row in engine.run(_Q_SUBPROPERTIES).rows:
        supers.setdefault(row["sub"].value, set()).add(row["super"].value)

    out_rows = _explicit(run(_Q_OUTGOING).rows, "value", supers)
    labels.add_rows(out_rows, ("property", "propertyLabel"), ("value", "valueLabel"))
    relations = _unique(
        Relation(labels.node(engine, r["property"]), _term(engine, r["value"], labels)) for r in out_rows
    )
    desc.outgoing = sorted(relations, key=_relation_order)

    in_rows = run(_Q_INCOMING).rows
    desc.incoming_truncated = len(in_rows) > MAX_INCOMING
    in_rows = _explicit(in_rows[:MAX_INCOMING], "subject", supers)
    labels.add_rows(in_rows, ("property", "propertyLabel"), ("subject", "subjectLabel"))
    relations = _unique(
        Relation(labels.node(engine, r["property"]), labels.node(engine, r["subject"])) for r in in_rows
    )
    desc.incoming = sorted(relations, key=_relation_order)

    anonymous = run(_Q_ANONYMOUS_INCOMING).rows
    used = {row["property"].value for row in anonymous}
    for row in anonymous:
        if any(row["property"].value in supers.get(other, ()) for other in used):
            continue  # a super-property of another one listed: the same references again
        for label_row in engine.run(_Q_LABEL, {"_entity_iri": nt_iri(row["property"].value)}).rows:
            labels.add(row["property"].value, label_row["label"])
        desc.anonymous_incoming.append(
            AnonymousReferences(labels.node(engine, row["property"]), int(row["count"].value))
        )
    desc.anonymous_incoming.sort(key=lambda a: a.property.id)
    uses = run(_Q_USES).rows
    desc.uses_as_property = int(uses[0]["count"].value) if uses and "count" in uses[0] else 0

    if run(_Q_IS_STATISTIC).boolean:
        desc.statistic = {}
        for relation in desc.outgoing:
            if relation.property.iri in _STATISTIC_PROPERTIES:
                name = relation.property.iri[len(EKG) :]
                desc.statistic.setdefault(name, []).append(relation.other)
        desc.statistic = {n: desc.statistic[n] for n, _ in STATISTIC_FIELDS if n in desc.statistic}
        desc.outgoing = [r for r in desc.outgoing if r.property.iri not in _STATISTIC_PROPERTIES]

    desc.evidence = _evidence(engine, run(_Q_EVIDENCE).rows)
    return desc


class _Labels:
    """Labels seen in query results, the best one kept per IRI (the same whichever row brought it)."""

    def __init__(self) -> None:
        self._best: dict[str, Any] = {}

    def add(self, iri: str, label: Any) -> None:
        if isinstance(label, ox.Literal):
            seen = self._best.get(iri)
            if seen is None or label_rank(label) < label_rank(seen):
                self._best[iri] = label

    def add_rows(self, rows: Iterable[Mapping[str, Any]], *pairs: tuple[str, str]) -> None:
        for row in rows:
            for term_key, label_key in pairs:
                term = row.get(term_key)
                if isinstance(term, ox.NamedNode):
                    self.add(term.value, row.get(label_key))

    def node(self, engine: Engine, term: Any) -> Node:
        best = self._best.get(term.value)
        return entity_node(engine, term.value, None if best is None else best.value)


def _explicit(
    rows: Sequence[Mapping[str, Any]], other: str, supers: Mapping[str, set[str]]
) -> list[Mapping[str, Any]]:
    """``rows`` without those implied by another row: the same ``other`` node through a sub-property."""
    reached: dict[str, set[str]] = {}  # other node (N-Triples) -> properties that reach it
    for row in rows:
        reached.setdefault(str(row[other]), set()).add(row["property"].value)
    implied = {
        (node, sup) for node, properties in reached.items() for p in properties for sup in supers.get(p, ())
    }
    return [row for row in rows if (str(row[other]), row["property"].value) not in implied]


def _label_order(label: str) -> tuple[str, str]:
    return (label.casefold(), label)


def _types(
    engine: Engine, rows: Sequence[Mapping[str, Any]], labels: _Labels
) -> tuple[list[Node], list[Node]]:
    labels.add_rows(rows, ("type", "typeLabel"))
    every: dict[str, Node] = {}
    implied: set[str] = set()
    for row in rows:
        term = row["type"]
        if not isinstance(term, ox.NamedNode):
            continue
        every[term.value] = labels.node(engine, term)
        if "sub" in row:
            implied.add(term.value)
    direct = [n for iri, n in every.items() if iri not in implied]
    if not direct:  # a cycle of subclasses: every type implies another; show them all
        direct, implied = list(every.values()), set()
    supertypes = [n for iri, n in every.items() if iri in implied]
    # Everything is an rdfs:Resource: worth saying only when nothing else is known.
    if any(n.iri != RDFS_RESOURCE for n in direct):
        direct = [n for n in direct if n.iri != RDFS_RESOURCE]
    supertypes = [n for n in supertypes if n.iri != RDFS_RESOURCE]
    return sorted(direct, key=_node_order), sorted(supertypes, key=_node_order)


def _node_order(node: Node) -> tuple[str, str]:
    return (_natural(node.label or node.id), node.id)


def _natural(text: str) -> str:
    """A sort key that puts "Comment 2" before "Comment 10": digit runs padded to the same width."""
    return "".join(part.zfill(12) if part.isdigit() else part for part in _DIGITS.split(text.casefold()))


_DIGITS = re.compile(r"(\d+)")


def _relation_order(relation: Relation) -> tuple[Any, ...]:
    other = relation.other
    if isinstance(other, Node):
        key: tuple[Any, ...] = (0, *_node_order(other))
    elif isinstance(other, Value):
        key = (1, _number(other.value), other.value)
    else:
        key = (2,)
    return (*_node_order(relation.property), key)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("inf")


def _term(engine: Engine, term: Any, labels: _Labels) -> Term:
    if isinstance(term, ox.NamedNode):
        return labels.node(engine, term)
    if isinstance(term, ox.Literal):
        lang = term.language or None
        datatype = None if lang else compact(term.datatype.value, engine.prefixes)
        return Value(term.value, datatype, lang)
    return Blank()


def _evidence(engine: Engine, rows: Sequence[Mapping[str, Any]]) -> list[Evidence]:
    found: set[Evidence] = set()
    for row in rows:
        source = row.get("source")
        label = row.get("sourceLabel")
        found.add(
            Evidence(
                quote=row["quote"].value if "quote" in row else None,
                start=_int(row.get("start")),
                end=_int(row.get("end")),
                source=entity_node(engine, source.value, label.value if label is not None else None)
                if isinstance(source, ox.NamedNode)
                else None,
            )
        )
    big = float("inf")
    return sorted(
        found,
        key=lambda e: (
            big if e.start is None else e.start,
            big if e.end is None else e.end,
            e.quote or "",
            e.source.id if e.source else "",
        ),
    )


def _int(term: Any) -> int | None:
    if term is None:
        return None
    try:
        return int(term.value)
    except ValueError:
        return None


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


# ---------------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------------


def describe_json(desc: Description) -> str:
    """``desc`` as indented JSON, safe to print (see kg.printable)."""
    return json_printable(json.dumps(desc.to_json(), indent=2, ensure_ascii=False))


def describe_text(desc: Description, *, per_property: int = TEXT_PER_PROPERTY) -> str:
    """The ``kg describe`` report: safe to print to a terminal, whatever the graph holds."""
    entity = desc.entity
    title = printable(entity.label) if entity.label else printable(entity.id)
    lines = [title, "=" * min(len(title), 100)]
    head: list[tuple[str, str]] = [("id", printable(entity.id)), ("IRI", printable(f"<{entity.iri}>"))]
    if desc.types:
        head.append(("type", ", ".join(t.display() for t in desc.types)))
    if desc.supertypes:
        head.append(("supertypes", ", ".join(t.display() for t in desc.supertypes)))
    others = [label for label in desc.labels if label != entity.label]
    for name, values in (
        ("label", others),
        ("pref label", desc.pref_labels),
        ("also known as", desc.alt_labels),
    ):
        if values:
            head.append((name, ", ".join(f'"{printable(v)}"' for v in values)))
    for definition in desc.definitions:
        head.append(("definition", printable(definition)))
    if desc.uses_as_property:
        head.append(("used in", f"{desc.uses_as_property:,} triples as a property"))
    lines += _aligned(head, "  ")

    if desc.statistic is not None:
        lines += ["", "Statistic:"]
        lines += _aligned(_statistic_lines(desc.statistic), "  ")

    if desc.outgoing:
        lines += ["", f"Outgoing ({len(desc.outgoing)}):"]
        lines += _relations(desc.outgoing, "->", per_property)
    if desc.incoming or desc.anonymous_incoming:
        total = len(desc.incoming) + sum(a.count for a in desc.anonymous_incoming)
        count = f"{total:,}{'+' if desc.incoming_truncated else ''}"
        lines += ["", f"Incoming ({count}):"]
        lines += _relations(desc.incoming, "<-", per_property)
        lines += _aligned(
            [(a.property.display(), f"<- {a.count:,} anonymous nodes") for a in desc.anonymous_incoming], "  "
        )
        if desc.incoming_truncated:
            lines.append(f"  (cut at {MAX_INCOMING:,}: the first the engine returned)")

    if desc.evidence:
        lines += ["", f"Evidence ({len(desc.evidence)}):"]
        for ev in desc.evidence:
            where = "?" if ev.start is None else f"{ev.start}-{ev.end}"
            source = f" {ev.source.label or ev.source.id}" if ev.source else ""
            quote = f'"{ev.quote}"' if ev.quote is not None else "(no quote)"
            lines.append(f"  [{printable(where + source)}] {printable(quote)}")
    else:
        lines += ["", "Evidence: none"]
    return "\n".join(lines)


def _statistic_lines(statistic: Mapping[str, Sequence[Term]]) -> list[tuple[str, str]]:
    def shown(name: str) -> str:
        return ", ".join(v.display() for v in statistic.get(name, ()))

    headings = dict(STATISTIC_FIELDS)
    pairs = []
    for name in statistic:
        if name == "minValue":
            pairs.append(("range", f"{shown('minValue') or '?'} to {shown('maxValue') or '?'}"))
        elif name == "maxValue" and "minValue" in statistic:
            continue
        else:
            pairs.append((headings[name], shown(name)))
    return pairs


def _relations(relations: Sequence[Relation], arrow: str, per_property: int) -> list[str]:
    pairs: list[tuple[str, str]] = []
    shown: dict[str, int] = {}
    for relation in relations:
        key = relation.property.iri
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= per_property:
            pairs.append((relation.property.display(), f"{arrow} {relation.other.display()}"))
        elif shown[key] == per_property + 1:
            total = sum(1 for r in relations if r.property.iri == key)
            more = total - per_property
            pairs.append(
                (relation.property.display(), f"{arrow} ... {more:,} more (--format json lists all)")
            )
    return _aligned(pairs, "  ")


def _aligned(pairs: Sequence[tuple[str, str]], indent: str) -> list[str]:
    if not pairs:
        return []
    width = min(max(len(k) for k, _ in pairs), 48)
    return [f"{indent}{k.ljust(width)}  {v}".rstrip() for k, v in pairs]
