"""Check a graph: SHACL shapes (pyshacl) plus every evidence quote against its source text.

``check`` runs the shapes of ``ontology/shapes.ttl`` over the merged graph (after RDFS
inference) and verifies each ``oa:exact`` quote against the text it claims to come from.
The result is a ``Report``: a sorted list of ``Finding``s, readable as text or JSON.

Only the validate path imports this module, so rdflib is imported at the top; pyshacl,
the heaviest import, only when ``check`` runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, Namespace
from rdflib.term import Node

from kg.errors import KgError
from kg.quotes import quote_problem, shown
from kg.sources import Source

EKG = Namespace("https://w3id.org/essay-kg/ns#")
OA = Namespace("http://www.w3.org/ns/oa#")

EVIDENCE_SHAPE = "evidence"  # the shape id of findings from the quote check
SEVERITIES = ("Violation", "Warning", "Info")
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

# Prefixes used when a graph binds none of its own (rdfs_closure keeps them, a bare Graph may not).
_FALLBACK_PREFIXES = {
    "ekg": "https://w3id.org/essay-kg/ns#",
    "ekgsh": "https://w3id.org/essay-kg/shapes#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sioc": "http://rdfs.org/sioc/ns#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "sh": "http://www.w3.org/ns/shacl#",
}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE_NUMBERS = {
    _XSD + "integer": re.compile(r"^[+-]?[0-9]+$"),
    _XSD + "decimal": re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    _XSD + "boolean": re.compile(r"^(true|false)$"),
}
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$|^$")


@dataclass(frozen=True)
class Finding:
    """One problem: where (focus, path), what (message, value), found by which shape, how bad."""

    focus: str  # the focus node, compacted ("ekg:TheAwakening"), or a blank-node id ("_:b0")
    label: str | None  # the focus node's rdfs:label; for a blank node, where it hangs ("ekg:X ekg:evidence")
    shape: str  # shape id, compacted ("ekgsh:StageShape"), or "evidence" for the quote check
    severity: str  # "Violation" | "Warning" | "Info"
    message: str
    path: str | None = None
    value: str | None = None
    where: str | None = None  # file:line:column of the focus node in an extension file, when known


@dataclass
class Report:
    """The findings of one check, sorted by severity, shape and focus."""

    findings: list[Finding]

    @property
    def conforms(self) -> bool:
        """True when nothing is wrong: warnings and infos do not count."""
        return not any(f.severity == "Violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        """How many findings of each severity."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    def summary(self) -> str:
        """One line: the counts and the verdict."""
        counts = self.counts()
        parts = [_plural(counts["Violation"], "violation"), _plural(counts["Warning"], "warning")]
        if counts["Info"]:
            parts.append(_plural(counts["Info"], "info"))
        verdict = "the graph conforms" if self.conforms else "the graph does not conform"
        return f"{', '.join(parts)}: {verdict}."

    def text(self) -> str:
        """A readable report: one block per finding, then the summary line."""
        blocks: list[str] = []
        for f in self.findings:
            if f.focus.startswith("_:") and f.label:
                focus = f"[] at {f.label}"  # a blank node's id changes every run: say where it sits
            else:
                focus = f"{f.focus} ({f.label})" if f.label else f.focus
            lines = [f"{f.severity}: {f.shape}", f"  focus:   {focus}"]
            if f.where:
                lines.append(f"  at:      {f.where}")
            lines.append(f"  message: {f.message}")
            if f.path:
                lines.append(f"  path:    {f.path}")
            if f.value:
                lines.append(f"  value:   {f.value}")
            blocks.append("\n".join(lines))
        blocks.append(self.summary())
        return "\n\n".join(blocks)

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "findings": [_finding_json(f) for f in self.findings],
        }


def _finding_json(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    if data["where"] is None:  # known for findings in extension files only
        del data["where"]
    return data


def check(data: Graph, shapes: Graph, texts: Mapping[str, str]) -> Report:
    """Validate ``data`` (merged, RDFS-inferred) against ``shapes``, and every quote against ``texts``.

    ``texts`` maps a source IRI string (``"https://w3id.org/essay-kg/ns#essay"``) to its text.
    """
    import pyshacl

    # pyshacl runs each SPARQL constraint once per focus node, and rdflib parses the query
    # text on every call: caching the parsed query cuts validation from ~9 s to ~1 s here.
    # The view shares the caller's store; pyshacl must not copy it (inplace) or the cache is
    # lost. Only sh:rule would write to the data graph, so copy when the shapes have rules.
    view = _CachedQueryGraph(
        store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager
    )
    inplace = (None, SH.rule, None) not in shapes
    _, results, _ = pyshacl.validate(
        view if inplace else data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=inplace,
    )
    names = _Names(data, shapes)
    findings = _shacl_findings(results, shapes, names)
    findings.extend(_evidence_findings(data, texts, names))
    return Report(_sorted(findings))


def with_places(report: Report, data: Graph, sources: Sequence[Source]) -> Report:
    """``report`` with ``where`` (``file:line:column``) set on each finding whose focus node, or the node a
    blank focus hangs from, is the subject of a statement in one of ``sources`` (the first that has it)."""
    from kg.positions import Positions
    from kg.turtle import decode_utf8

    prefixes = dict(_FALLBACK_PREFIXES)
    prefixes.update((p, str(ns)) for p, ns in data.namespaces() if p)
    scanned: dict[Source, Positions] = {}
    found: list[Finding] = []
    for finding in report.findings:
        if finding.where:  # placed already, more precisely (a lint finding's term)
            found.append(finding)
            continue
        name = (finding.label or "").split(" ", 1)[0] if finding.focus.startswith("_:") else finding.focus
        prefix, colon, local = name.partition(":")
        iri = prefixes[prefix] + local if colon and prefix in prefixes else name.strip("<>")
        where = None
        for source in sources:
            if source not in scanned:
                try:
                    scanned[source] = Positions(decode_utf8(source.path.read_bytes(), source.display))
                except (OSError, KgError):
                    continue
            at = scanned[source].subjects.get(iri)
            if at is not None:
                line, column = scanned[source].where(at) or (0, 0)
                where = f"{source.display}:{line}:{column}"
                break
        found.append(replace(finding, where=where) if where else finding)
    return Report(found)


# Lint rules the shapes and the quote check already report, in their own words.
_SHAPES_COVER = {"quote-mismatch", "missing-label", "missing-offsets", "missing-evidence"}


def with_lint_errors(report: Report, extra: Sequence[Path]) -> Report:
    """``report`` with the lint ERRORs of the ``extra`` files first (a misspelt class, a prefix bound
    elsewhere, a repeated label...), as violations at their place: the shapes do not see them."""
    from kg.lint import errors_in

    errors = errors_in(extra)
    found = [
        Finding(f.subject, None, f"lint {f.rule}", "Violation", f.message, where=f.where)
        for f in errors
        if f.rule not in _SHAPES_COVER
    ]
    return Report([*found, *report.findings]) if found else report


def check_evidence(data: Graph, texts: Mapping[str, str]) -> list[Finding]:
    """Check every evidence quote: ``oa:exact == texts[source][start:end]``, and the source is known.

    Evidence that lacks a source, a quote or offsets is left to the SHACL shapes, which say
    what is missing; here a quote without offsets is still looked up in its text. On a
    mismatch the finding says where the quote really is, so ``oa:start``/``oa:end`` can be fixed.
    """
    return _sorted(_evidence_findings(data, texts, _Names(data, None)))


#################################################################
# SHACL results -> findings
#################################################################


def _shacl_findings(results: Graph, shapes: Graph, names: _Names) -> list[Finding]:
    findings: list[Finding] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        if focus is None:
            continue
        source = results.value(result, SH.sourceShape)
        severity = results.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        if results.value(result, SH.sourceConstraint) is not None and source is not None:
            # pyshacl adds the shape's own sh:message to a SPARQL constraint's: keep the constraint's.
            own = {str(m) for m in shapes.objects(source, SH.message)}
            messages = [m for m in messages if m not in own] or messages
        # pyshacl fills in {$this} in the messages of SPARQL constraints only: the others get it here.
        messages = [m.replace("{$this}", names.node(focus)) for m in messages]
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        findings.append(
            Finding(
                focus=names.node(focus),
                label=names.label(focus),
                shape=_shape_id(source, shapes, names),
                severity=_local(severity) if severity is not None else "Violation",
                message=" / ".join(messages) or "(no message)",
                path=_path(path, results, shapes, names) if path is not None else None,
                # A node constraint reports the focus as its value: saying it twice says nothing.
                value=names.value(value) if value is not None and value != focus else None,
            )
        )
    return findings


def _shape_id(source: Node | None, shapes: Graph, names: _Names) -> str:
    """The node shape a result comes from: a property shape is reported as the shape that holds it."""
    if source is None:
        return "(unknown shape)"
    if isinstance(source, BNode):
        parents = sorted(p for p in shapes.subjects(SH.property, source) if isinstance(p, URIRef))
        if parents:
            return names.iri(parents[0])
    return names.node(source)


def _path(path: Node, results: Graph, shapes: Graph, names: _Names) -> str:
    """A SHACL property path in SPARQL syntax: ``ekg:position``, ``^ekg:leadsTo``, ``a/b``, ``a|b``."""
    graph = results if (path, None, None) in results else shapes
    if isinstance(path, URIRef):
        return names.iri(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_path(p, graph, shapes, names) for p in Collection(graph, path))
    for predicate, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            text = _path(inner, graph, shapes, names)
            return fmt.format(f"({text})" if ("/" in text or "|" in text) else text)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path(p, graph, shapes, names) for p in Collection(graph, alternatives))
    return names.node(path)


#################################################################
# Evidence quotes against their texts
#################################################################


def _evidence_findings(data: Graph, texts: Mapping[str, str], names: _Names) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[Node] = set()
    for owner, evidence in data.subject_objects(EKG.evidence):
        if isinstance(evidence, Literal) or evidence in seen:
            continue  # a literal is the shapes' business; shared evidence is checked once
        seen.add(evidence)

        def finding(message: str, value: str | None = None, owner: Node = owner) -> Finding:
            return Finding(
                focus=names.node(owner),
                label=names.label(owner),
                shape=EVIDENCE_SHAPE,
                severity="Violation",
                message=message,
                path=names.iri(EKG.evidence),
                value=value,
            )

        quotes: list[str] = []
        spans: list[tuple[int, int]] = []
        for selector in data.objects(evidence, OA.hasSelector):
            quotes.extend(str(q) for q in data.objects(selector, OA.exact) if isinstance(q, Literal))
            start, end = data.value(selector, OA.start), data.value(selector, OA.end)
            if isinstance(start, Literal) and isinstance(end, Literal):
                s, e = start.toPython(), end.toPython()
                if isinstance(s, int) and isinstance(e, int):
                    spans.append((s, e))
        for source in data.objects(evidence, OA.hasSource):
            text = texts.get(str(source))
            if text is None:
                known = ", ".join(sorted(names.iri(URIRef(k)) for k in texts)) or "none"
                findings.append(
                    finding(
                        f"The evidence quotes {names.node(source)}, a source whose text is not known "
                        f"(known: {known}): point oa:hasSource at ekg:essay, or declare the source as an "
                        f'ekg:SourceText with `ekg:localPath "path/to/text.txt"`',
                        names.node(source),
                    )
                )
                continue
            for quote in quotes:
                problem = quote_problem(text, quote, spans[0] if len(spans) == 1 else None)
                if problem:
                    findings.append(finding(problem, shown(quote)))
    return findings


#################################################################
# Names: compact IRIs, labels, values
#################################################################


class _Names:
    """Turns nodes into short readable strings with the graphs' prefixes."""

    def __init__(self, data: Graph, shapes: Graph | None) -> None:
        self.data = data
        prefixes: dict[str, str] = {}
        for graph in (shapes, data):  # the data's prefixes win
            if graph is not None:
                prefixes.update((str(ns), p) for p, ns in graph.namespaces() if p)
        for p, ns in _FALLBACK_PREFIXES.items():
            prefixes.setdefault(ns, p)
        # Longest namespace first: "…/ns#" must not swallow a longer, more specific one.
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[0]))

    def iri(self, iri: URIRef) -> str:
        text = str(iri)
        for ns, prefix in self._prefixes:
            if text.startswith(ns) and _LOCAL_NAME.match(text[len(ns) :]):
                return f"{prefix}:{text[len(ns) :]}"
        return f"<{text}>"

    def node(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, BNode):
            return f"_:{node}"
        return self.value(node)

    def value(self, node: Node) -> str:
        """A node as Turtle writes it, long strings cut: ``ekg:X``, ``"a"``, ``41``, ``"41"^^xsd:decimal``."""
        if not isinstance(node, Literal):
            return self.node(node)
        lexical = str(node)
        datatype = str(node.datatype) if node.datatype is not None else None
        if datatype in _BARE_NUMBERS and _BARE_NUMBERS[datatype].match(lexical):
            return lexical  # Turtle reads a bare 41 as an integer and 4.5 as a decimal
        quoted = shown(lexical)
        if node.language:
            return f"{quoted}@{node.language}"
        if datatype is None or datatype == _XSD + "string":
            return quoted
        return f"{quoted}^^{self.iri(URIRef(datatype))}"

    def label(self, node: Node) -> str | None:
        """The node's rdfs:label; for a blank node or a literal, the IRI and path it hangs from."""
        label = self.data.value(node, RDFS.label) if not isinstance(node, Literal) else None
        if label is not None:
            return str(label)
        if isinstance(node, (BNode, Literal)):
            return self._where(node)
        return None

    def _where(self, node: BNode | Literal) -> str | None:
        """``ekg:TheAwakening ekg:evidence oa:hasSelector``: how to reach a blank node from an IRI."""
        steps: list[str] = []
        current: Node = node
        for _ in range(4):  # evidence -> selector is two hops; stop early on odd shapes
            incoming = self._incoming(current)
            if incoming is None:
                return None
            subject, predicate = incoming
            steps.insert(0, self.iri(predicate))
            if not isinstance(subject, BNode):
                return " ".join([self.node(subject), *steps])
            current = subject
        return None

    def _incoming(self, node: Node) -> tuple[Node, URIRef] | None:
        """The edge a blank node hangs from, chosen the same way every run.

        Inference copies ``ekg:evidence`` to its superproperty ``prov:wasDerivedFrom``: the
        most specific property is the one the user wrote.
        """
        edges = [(s, p) for s, p in self.data.subject_predicates(node) if isinstance(p, URIRef)]
        specific = [
            (s, p)
            for s, p in edges
            if not any(q != p and (q, RDFS.subPropertyOf, p) in self.data for s2, q in edges if s2 == s)
        ]
        ranked = sorted(specific or edges, key=lambda e: (isinstance(e[0], BNode), str(e[1]), str(e[0])))
        return ranked[0] if ranked else None


def _local(iri: Node) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    """Severity, shape, focus, then the rest; duplicates dropped."""
    unique = list(dict.fromkeys(findings))
    return sorted(
        unique,
        key=lambda f: (_RANK.get(f.severity, len(SEVERITIES)), f.shape, f.focus, f.path or "", f.message),
    )


class _CachedQueryGraph(Graph):
    """A Graph whose ``query`` parses each distinct SPARQL text once."""

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(query_object, str):
            prepared = _prepared(query_object)
            # A text that does not parse on its own (say it leans on the graph's prefixes) goes
            # the uncached way, which also raises rdflib's own error for a real syntax error.
            if prepared is not None:
                query_object = prepared
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=512)
def _prepared(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text)
    except Exception:  # any parse failure: the uncached call raises it again
        return None
