"""The real data: the essay's graph must be valid, fully evidenced, and quote the essay exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from kg.infer import rdfs_closure
from kg.sources import Loaded, load
from kg.stats import lacking_evidence
from tests.conftest import REPO

EKG = Namespace("https://w3id.org/essay-kg/ns#")
OA = Namespace("http://www.w3.org/ns/oa#")
SHARED_ESSAY = REPO.parent / "shared" / "source" / "essay.txt"


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return load()


@pytest.mark.skipif(not SHARED_ESSAY.exists(), reason="no ../shared/source/essay.txt beside the checkout")
def test_project_essay_is_byte_identical_to_the_shared_copy() -> None:
    assert (REPO / "ontology" / "source" / "essay.txt").read_bytes() == SHARED_ESSAY.read_bytes()


def test_the_essay_is_the_source_text(loaded: Loaded) -> None:
    assert loaded.texts[str(EKG.essay)] == (REPO / "ontology" / "source" / "essay.txt").read_text(
        encoding="utf-8"
    )
    assert [p.name for p in loaded.files][:1] == ["core.ttl"]
    assert {"essay.ttl", "comments.ttl"} <= {p.name for p in loaded.files}


def test_every_quote_matches_its_offsets(loaded: Loaded) -> None:
    graph = loaded.graph
    checked, wrong = 0, []
    for evidence in set(graph.subjects(RDF.type, OA.SpecificResource)):
        text = loaded.texts[str(graph.value(evidence, OA.hasSource))]
        selectors = list(graph.objects(evidence, OA.hasSelector))
        exacts = [graph.value(s, OA.exact) for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph]
        spans = [
            (int(graph.value(s, OA.start)), int(graph.value(s, OA.end)))
            for s in selectors
            if (s, RDF.type, OA.TextPositionSelector) in graph
        ]
        assert len(exacts) == len(spans) == 1, f"evidence needs one quote and one position selector: {exacts}"
        (start, end), exact = spans[0], str(exacts[0])
        checked += 1
        if text[start:end] != exact:
            wrong.append(f"[{start}:{end}] {text[start:end]!r} != {exact!r}")
    assert checked > 100
    assert wrong == []


def test_no_individual_lacks_evidence(loaded: Loaded) -> None:
    missing = lacking_evidence(loaded.graph, rdfs_closure(loaded.graph))
    assert sorted(map(str, missing)) == []


def test_validate_conforms(run) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.stdout[-3000:]


def test_stats_shows_full_evidence_coverage(run) -> None:
    result = run("stats")
    assert result.exit_code == 0, result.output
    assert "evidence coverage: 100.0%" in result.stdout
    stats = json.loads(run("stats", "--format", "json").stdout)
    assert stats["evidence_coverage"] == 100.0
    assert stats["individuals"] > 150


def test_export_nt_holds_the_key_triples(run) -> None:
    result = run("export", "--format", "nt")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="nt")
    assert (EKG.TheAwakening, EKG.nextStage, EKG.AscensionOfTheCorporateSocialStrategist) in graph
    assert (EKG.CareerStages, EKG.firstStage, EKG.TheAwakening) in graph
    assert (EKG.TheAwakening, EKG.position, Literal(1)) in graph
    # an inference: a stage is a skos:Concept by rdfs:subClassOf
    assert (EKG.TheAwakening, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in graph


def test_extension_with_evidence_adds_no_finding(run) -> None:
    result = run("validate", "--format", "json", "tests/data/ext/with_evidence.ttl")
    focuses = {f["focus"] for f in json.loads(result.stdout)["findings"]}
    assert "ekg:ExtensionJustStarting" not in focuses


def test_extension_without_evidence_fails_validation(run) -> None:
    result = run("--data", "tests/data/ext/no_evidence.ttl", "validate")
    assert result.exit_code == 1
    assert "ekg:ExtensionUnsupported (A claim nobody quoted)" in result.stdout


def test_the_extension_fixture_quotes_the_essay() -> None:
    ext = load([Path("tests/data/ext/with_evidence.ttl").resolve()])
    essay = ext.texts[str(EKG.essay)]
    assert essay[279:324] == "And the truth is, we’re just getting started."
