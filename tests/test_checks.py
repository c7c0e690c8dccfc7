"""kg.checks: the quote check, the SHACL findings and the report."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph

from kg.checks import EVIDENCE_SHAPE, Finding, Report, check, check_evidence
from kg.infer import rdfs_closure

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
ESSAY = "https://w3id.org/essay-kg/ns#essay"

PREFIXES = """
@prefix ekg:  <https://w3id.org/essay-kg/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
"""


@cache
def text() -> str:
    return (ONTOLOGY / "source" / "essay.txt").read_text(encoding="utf-8")


@cache
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


def evidence_graph(
    exact: str, start: int | None = None, end: int | None = None, source: str = "ekg:essay"
) -> Graph:
    """ekg:TheAwakening with one piece of evidence: the quote, and offsets if given."""
    position = (
        f", [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} ]" if start is not None else ""
    )
    turtle = f"""{PREFIXES}
ekg:essay a ekg:SourceText ; rdfs:label "essay.txt" .
ekg:TheAwakening rdfs:label "The Awakening" ;
    ekg:evidence [ a oa:SpecificResource ; oa:hasSource {source} ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{exact}" ] {position} ] .
"""
    return Graph().parse(data=turtle, format="turtle")


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


# The quote check -------------------------------------------------------------------------


def test_correct_offsets_pass() -> None:
    start = text().index("The Awakening.")
    assert check_evidence(evidence_graph("The Awakening.", start, start + 14), {ESSAY: text()}) == []


def test_wrong_offsets_say_where_the_quote_is() -> None:
    quote = "The Awakening. As customers rapidly adopt these tools"
    at = text().index(quote)
    finding = only(check_evidence(evidence_graph(quote, at - 10, at - 10 + len(quote)), {ESSAY: text()}))
    assert finding == Finding(
        focus="ekg:TheAwakening",
        label="The Awakening",
        shape=EVIDENCE_SHAPE,
        severity="Violation",
        message=finding.message,
        path="ekg:evidence",
        value=f'"{quote}"',
    )
    assert finding.message.startswith(
        f"oa:start {at - 10} and oa:end {at - 10 + len(quote)} do not select the quote"
    )
    assert (
        f'the text there is "{text()[at - 10 : at - 10 + len(quote)]}"'.replace("\n", "\\n")
        in finding.message
    )
    assert (
        f"The quote is at {at}..{at + len(quote)}: set `oa:start {at} ; oa:end {at + len(quote)}`"
        in finding.message
    )


def test_a_quote_found_twice_lists_both_and_suggests_the_nearest() -> None:
    quote = "I appreciate what you’re trying to say here"
    first, second = (i for i in range(len(text())) if text().startswith(quote, i))
    finding = only(
        check_evidence(evidence_graph(quote, second + 5, second + 5 + len(quote)), {ESSAY: text()})
    )
    assert (
        f"occurs 2 times, at {first}..{first + len(quote)}, {second}..{second + len(quote)}"
        in finding.message
    )
    assert f"`oa:start {second} ; oa:end {second + len(quote)}` (the nearest)" in finding.message


def test_reversed_and_out_of_range_offsets() -> None:
    at = text().index("The Awakening.")
    reversed_ = only(check_evidence(evidence_graph("The Awakening.", at + 14, at), {ESSAY: text()}))
    assert "oa:start must come before oa:end" in reversed_.message
    beyond = only(check_evidence(evidence_graph("The Awakening.", 99_000, 99_014), {ESSAY: text()}))
    assert f"outside the text, which has {len(text())} characters" in beyond.message
    assert f"set `oa:start {at} ; oa:end {at + 14}`" in beyond.message


def test_a_quote_not_in_the_text() -> None:
    finding = only(check_evidence(evidence_graph("The Awakening, as nobody wrote it"), {ESSAY: text()}))
    assert finding.message.startswith("The quote does not occur in the source: copy it verbatim")


def test_a_near_miss_gives_the_verbatim_span() -> None:
    # A straight apostrophe where the essay has a curly one.
    typed = "Altimeter's research validates this notion."
    real = "Altimeter’s research validates this notion."
    at = text().index(real)
    finding = only(check_evidence(evidence_graph(typed, at, at + len(real)), {ESSAY: text()}))
    assert f'but "{real}" at {at}..{at + len(real)} differs only in quote marks' in finding.message
    assert f"`oa:start {at} ; oa:end {at + len(real)}`" in finding.message


def test_a_real_quote_without_offsets_is_left_to_the_shapes() -> None:
    assert check_evidence(evidence_graph("The Awakening."), {ESSAY: text()}) == []


def test_an_unknown_source_is_reported() -> None:
    graph = evidence_graph("The Awakening.", 4885, 4899, source="ekg:otherText")
    finding = only(check_evidence(graph, {ESSAY: text()}))
    assert finding.shape == EVIDENCE_SHAPE
    assert finding.severity == "Violation"
    assert finding.value == "ekg:otherText"
    assert finding.message.startswith("The evidence quotes ekg:otherText, a source whose text is not known")
    assert "(known: ekg:essay)" in finding.message


def test_evidence_shared_by_two_individuals_is_checked_once() -> None:
    graph = Graph().parse(
        data=PREFIXES
        + """
ekg:a rdfs:label "A" ; ekg:evidence ekg:ev .
ekg:b rdfs:label "B" ; ekg:evidence ekg:ev .
ekg:ev oa:hasSource ekg:essay ; oa:hasSelector [ oa:exact "nowhere in the essay at all" ] .
""",
        format="turtle",
    )
    assert len(check_evidence(graph, {ESSAY: text()})) == 1


# check(): SHACL and quotes together --------------------------------------------------------

STAGE = (
    PREFIXES
    + """
ekg:essay a ekg:SourceText ; rdfs:label "essay.txt" .
ekg:CareerStages a skos:ConceptScheme ; rdfs:label "stages" ; ekg:firstStage ekg:TheAwakening ;
    ekg:evidence [ a oa:SpecificResource ; oa:hasSource ekg:essay ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "The Awakening." ] ,
            [ a oa:TextPositionSelector ; oa:start 4885 ; oa:end 4899 ] ] .
ekg:TheAwakening a ekg:Stage ; rdfs:label "The Awakening" ; skos:inScheme ekg:CareerStages ;
    ekg:evidence [ a oa:SpecificResource ; oa:hasSource ekg:essay ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "The Awakening." ] ,
            [ a oa:TextPositionSelector ; oa:start 4880 ; oa:end 4894 ] ] .
"""
)


def stage_report() -> Report:
    graph = Graph().parse(ONTOLOGY / "core.ttl").parse(data=STAGE, format="turtle")
    return check(rdfs_closure(graph), shapes(), {ESSAY: text()})


def test_check_reports_shapes_and_quotes() -> None:
    report = stage_report()
    assert not report.conforms
    by_shape = {(f.shape, f.focus) for f in report.findings}
    # A property shape's result is reported as the node shape that holds it.
    assert ("ekgsh:StageShape", "ekg:TheAwakening") in by_shape
    assert ("ekgsh:StageSchemeShape", "ekg:CareerStages") in by_shape
    assert (EVIDENCE_SHAPE, "ekg:TheAwakening") in by_shape
    position = next(f for f in report.findings if f.shape == "ekgsh:StageShape")
    assert position.path == "ekg:position"
    assert position.label == "The Awakening"
    assert position.message.startswith("A stage needs exactly one ekg:position")


def test_check_leaves_the_graph_alone() -> None:
    graph = rdfs_closure(Graph().parse(ONTOLOGY / "core.ttl").parse(data=STAGE, format="turtle"))
    before = set(graph)
    prefixes = set(graph.namespaces())
    check(graph, shapes(), {ESSAY: text()})
    assert set(graph) == before
    assert set(graph.namespaces()) == prefixes


def test_blank_nodes_say_where_they_hang() -> None:
    graph = (
        Graph()
        .parse(ONTOLOGY / "core.ttl")
        .parse(
            data=PREFIXES
            + """
ekg:essay a ekg:SourceText ; rdfs:label "essay.txt" .
ekg:Sysomos a ekg:Platform ; rdfs:label "Sysomos" ;
    ekg:evidence [ a oa:SpecificResource ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "community manager for Sysomos" ] ,
            [ a oa:TextPositionSelector ; oa:start 19626 ; oa:end 19655 ] ] .
""",
            format="turtle",
        )
    )
    report = check(rdfs_closure(graph), shapes(), {ESSAY: text()})
    finding = only([f for f in report.findings if f.shape == "ekgsh:EvidenceShape"])
    assert finding.focus.startswith("_:")
    assert finding.label == "ekg:Sysomos ekg:evidence"
    assert finding.path == "oa:hasSource"


def test_inverse_paths_are_written_as_sparql() -> None:
    graph = (
        Graph()
        .parse(ONTOLOGY / "core.ttl")
        .parse(
            data=PREFIXES
            + """
ekg:essay a ekg:SourceText ; rdfs:label "essay.txt" .
ekg:years a ekg:Unit ; rdfs:label "years" ;
    ekg:evidence [ a oa:SpecificResource ; oa:hasSource ekg:essay ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "3-6 years" ] ,
            [ a oa:TextPositionSelector ; oa:start 6868 ; oa:end 6877 ] ] .
""",
            format="turtle",
        )
    )
    report = check(rdfs_closure(graph), shapes(), {ESSAY: text()})
    assert report.conforms  # an unused unit is unusual, not wrong
    warning = only(report.findings)
    assert (warning.severity, warning.shape, warning.path) == ("Warning", "ekgsh:UnitShape", "^ekg:unit")


# The report ------------------------------------------------------------------------------

VIOLATION = Finding(
    focus="ekg:TheAwakening",
    label="The Awakening",
    shape="ekgsh:StageShape",
    severity="Violation",
    message="A stage needs exactly one ekg:position, an integer from 1: add `ekg:position 2 ;`",
    path="ekg:position",
    value="0",
)
WARNING = Finding(
    focus="ekg:years",
    label="years",
    shape="ekgsh:UnitShape",
    severity="Warning",
    message="No statistic uses this unit",
    path="^ekg:unit",
)


def test_report_text_shows_each_finding_and_a_summary() -> None:
    assert Report([VIOLATION, WARNING]).text() == (
        "Violation: ekgsh:StageShape\n"
        "  focus:   ekg:TheAwakening (The Awakening)\n"
        "  message: A stage needs exactly one ekg:position, an integer from 1: add `ekg:position 2 ;`\n"
        "  path:    ekg:position\n"
        "  value:   0\n"
        "\n"
        "Warning: ekgsh:UnitShape\n"
        "  focus:   ekg:years (years)\n"
        "  message: No statistic uses this unit\n"
        "  path:    ^ekg:unit\n"
        "\n"
        "1 violation, 1 warning: the graph does not conform."
    )


def test_report_text_without_label_path_or_value() -> None:
    bare = Finding(focus="_:b0", label=None, shape="evidence", severity="Violation", message="wrong")
    assert Report([bare]).text() == (
        "Violation: evidence\n  focus:   _:b0\n  message: wrong\n\n"
        "1 violation, 0 warnings: the graph does not conform."
    )


@pytest.mark.parametrize(
    ("findings", "conforms", "summary"),
    [
        ([], True, "0 violations, 0 warnings: the graph conforms."),
        ([WARNING], True, "0 violations, 1 warning: the graph conforms."),
        ([VIOLATION, WARNING], False, "1 violation, 1 warning: the graph does not conform."),
    ],
)
def test_conforms_means_no_violation(findings: list[Finding], conforms: bool, summary: str) -> None:
    report = Report(findings)
    assert report.conforms is conforms
    assert report.summary() == summary


def test_report_json() -> None:
    data = Report([VIOLATION, WARNING]).to_json()
    assert data["conforms"] is False
    assert data["counts"] == {"Violation": 1, "Warning": 1, "Info": 0}
    assert data["findings"][0] == {
        "focus": "ekg:TheAwakening",
        "label": "The Awakening",
        "shape": "ekgsh:StageShape",
        "severity": "Violation",
        "message": VIOLATION.message,
        "path": "ekg:position",
        "value": "0",
    }


def test_findings_are_sorted_and_unique() -> None:
    graph = Graph().parse(ONTOLOGY / "core.ttl").parse(data=STAGE, format="turtle")
    report = check(rdfs_closure(graph), shapes(), {ESSAY: text()})
    keys = [(f.severity != "Violation", f.shape, f.focus) for f in report.findings]
    assert keys == sorted(keys)
    assert len(set(report.findings)) == len(report.findings)
