"""The SHACL shapes, run on their examples: tests/data/shapes/<ShapeName>/{valid,invalid,warning}-*.ttl.

Each example is loaded with core.ttl, closed under RDFS and checked with ontology/shapes.ttl
and the essay's text, as ``kg validate`` does:

- ``valid-*``: no finding at all, of any shape or severity;
- ``invalid-*``: a Violation from the shape the folder is named after, with one of that
  shape's own messages; the file's ``# expect:`` lines name the messages that must appear;
- ``warning-*``: a Warning from the folder's shape, no Violation.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.checks import Finding, Report, check
from kg.infer import rdfs_closure

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
EXAMPLES = ROOT / "tests" / "data" / "shapes"
EKG = "https://w3id.org/essay-kg/ns#"
EKGSH = "https://w3id.org/essay-kg/shapes#"
ESSAY = EKG + "essay"
KINDS = ("valid", "invalid", "warning")

# Parameters of a node shape that are not constraints: a shape with anything else at its
# top level has node-level constraints, and they report the shape's own sh:message.
NOT_CONSTRAINTS = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.property,
    SH.sparql,
    SH.target,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
}


@cache
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


@cache
def core() -> Graph:
    return Graph().parse(ONTOLOGY / "core.ttl")


@cache
def essay_text() -> str:
    return (ONTOLOGY / "source" / "essay.txt").read_text(encoding="utf-8")


def node_shapes() -> list[URIRef]:
    return sorted(s for s in shapes().subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*/*.ttl"))


def run(example: Path) -> Report:
    graph = Graph()
    for triple in core():
        graph.add(triple)
    graph.parse(example)
    # Examples do not declare the essay itself; kg validate gets it from essay.ttl.
    graph.add((URIRef(ESSAY), RDF.type, URIRef(EKG + "SourceText")))
    graph.add((URIRef(ESSAY), RDFS.label, Literal("essay.txt")))
    return check(rdfs_closure(graph), shapes(), {ESSAY: essay_text()})


def messages_of(shape: URIRef) -> list[str]:
    """Every sh:message a node shape can report: its own, its property shapes', its SPARQL constraints'."""
    g = shapes()
    nodes = [shape, *g.objects(shape, SH.property), *g.objects(shape, SH.sparql)]
    return [str(m) for node in nodes for m in g.objects(node, SH.message)]


def template(message: str) -> re.Pattern[str]:
    """A message as a pattern: ``{?var}`` and ``{$var}`` stand for whatever the query bound."""
    parts = re.split(r"\{[?$]\w+\}", message)
    return re.compile(".+?".join(re.escape(p) for p in parts) + r"\Z", re.S)


def from_shape(report: Report, shape: str, severity: str) -> list[Finding]:
    return [f for f in report.findings if f.shape == shape and f.severity == severity]


def expectations(example: Path) -> list[str]:
    lines = example.read_text(encoding="utf-8").splitlines()
    return [line.split("expect:", 1)[1].strip() for line in lines if line.startswith("# expect:")]


@pytest.mark.parametrize("example", examples(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example(example: Path) -> None:
    kind = example.stem.split("-", 1)[0]
    assert kind in KINDS, f"{example.name}: name it valid-*, invalid-* or warning-*"
    shape_id = f"ekgsh:{example.parent.name}"
    report = run(example)
    if kind == "valid":
        assert report.findings == [], report.text()
        return
    severity = "Violation" if kind == "invalid" else "Warning"
    found = from_shape(report, shape_id, severity)
    assert found, f"no {severity} from {shape_id}:\n{report.text()}"
    if kind == "warning":
        assert report.conforms, report.text()
    patterns = [template(m) for m in messages_of(URIRef(EKGSH + example.parent.name))]
    for finding in found:
        assert any(p.match(finding.message) for p in patterns), f"not a message of {shape_id}: {finding}"
    expected = expectations(example)
    assert expected, f"{example.name}: say which message it shows in a `# expect:` line"
    for prefix in expected:
        assert any(f.message.startswith(prefix) for f in found), f"missing {prefix!r}:\n{report.text()}"


def test_every_shape_has_valid_and_invalid_examples() -> None:
    folders = {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    names = {str(s).removeprefix(EKGSH) for s in node_shapes()}
    assert folders == names
    for name in names:
        kinds = {p.stem.split("-", 1)[0] for p in (EXAMPLES / name).glob("*.ttl")}
        assert {"valid", "invalid"} <= kinds, name


def test_every_warning_constraint_has_a_warning_example() -> None:
    g = shapes()
    for shape in node_shapes():
        nodes = [shape, *g.objects(shape, SH.property)]
        if any((n, SH.severity, SH.Warning) in g for n in nodes):
            name = str(shape).removeprefix(EKGSH)
            assert list((EXAMPLES / name).glob("warning-*.ttl")), name


def test_every_shape_has_an_id_and_a_label() -> None:
    g = shapes()
    assert len(node_shapes()) >= 20
    for s in g.subjects(RDF.type, SH.NodeShape):
        assert isinstance(s, URIRef), f"a node shape without an id: {s}"
        assert str(s).startswith(EKGSH), s
        assert g.value(s, RDFS.label) is not None, f"{s} has no rdfs:label"


def test_every_constraint_has_a_message() -> None:
    g = shapes()
    for shape in node_shapes():
        for node in [*g.objects(shape, SH.property), *g.objects(shape, SH.sparql)]:
            assert g.value(node, SH.message) is not None, f"{shape}: {node} has no sh:message"
        if set(g.predicates(shape, None)) - NOT_CONSTRAINTS:
            assert g.value(shape, SH.message) is not None, f"{shape} has node constraints but no sh:message"
    # Shared SPARQL constraints too, wherever they are used.
    for constraint in g.subjects(RDF.type, SH.SPARQLConstraint):
        assert g.value(constraint, SH.message) is not None, constraint


def test_severities_are_violation_or_warning() -> None:
    g = shapes()
    assert set(g.objects(None, SH.severity)) <= {SH.Violation, SH.Warning}


def test_core_alone_has_no_findings() -> None:
    """The TBox is not data: core.ttl's classes and its ontology node are no individuals."""
    graph = Graph()
    for triple in core():
        graph.add(triple)
    report = check(rdfs_closure(graph), shapes(), {ESSAY: essay_text()})
    assert report.findings == [], report.text()
