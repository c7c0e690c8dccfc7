from __future__ import annotations

from rdflib import Graph, URIRef

from kg.infer import rdfs_closure
from kg.render import stats_text, table
from kg.sources import load
from kg.stats import compute_stats, individuals, is_excluded_type, lacking_evidence
from tests.conftest import DATA, MINI

EKG = "https://w3id.org/essay-kg/ns#"

TBOX_AND_FRIENDS = """
@prefix ekg: <https://w3id.org/essay-kg/ns#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .

ekg: a owl:Ontology .
ekg:Thing a owl:Class .
ekg:OldClass a rdfs:Class .
ekg:p a owl:ObjectProperty .
ekg:q a owl:DatatypeProperty .
ekg:r a owl:TransitiveProperty .
ekg:s a rdf:Property .
ekg:text a ekg:SourceText .
ekg:Shape a sh:NodeShape .
ekg:ev a oa:SpecificResource .
ekg:sel a oa:TextQuoteSelector .
ekg:A a ekg:Thing ; ekg:evidence ekg:ev .
ekg:B a ekg:Thing .
ekg:untyped ekg:p ekg:A .
"""


def test_individuals_leave_out_schema_terms_evidence_texts_and_shapes() -> None:
    graph = Graph().parse(data=TBOX_AND_FRIENDS, format="turtle")
    assert individuals(graph) == {URIRef(EKG + "A"), URIRef(EKG + "B")}
    assert lacking_evidence(graph) == {URIRef(EKG + "B")}


def test_excluded_types() -> None:
    assert is_excluded_type("http://www.w3.org/2002/07/owl#FunctionalProperty")
    assert is_excluded_type("http://www.w3.org/ns/oa#TextPositionSelector")
    assert not is_excluded_type(EKG + "Stage")
    assert not is_excluded_type("http://www.w3.org/2002/07/owl#NamedIndividual")


def test_stats_of_the_mini_ontology() -> None:
    loaded = load(ontology_dir=MINI)
    stats = compute_stats(loaded.graph, rdfs_closure(loaded.graph))
    assert (stats.asserted_triples, stats.inferred_triples) == (62, 65)
    assert (stats.individuals, stats.with_evidence, stats.evidence_coverage) == (3, 3, 100.0)
    assert [(c.curie, c.label, c.instances, c.with_subclasses) for c in stats.classes] == [
        ("ekg:Animal", "animal", 2, 2),
        ("ekg:Sentence", "sentence", 1, 1),
        ("ekg:Thing", "thing", 0, 3),
    ]
    assert stats.without_evidence == []


def test_stats_computes_the_closure_when_not_given() -> None:
    loaded = load([DATA / "mini_ext" / "cat.ttl"], ontology_dir=MINI)
    stats = compute_stats(loaded.graph)
    assert stats.inferred_triples == stats.asserted_triples + 4
    assert stats.without_evidence == ["ekg:Cat"]
    assert stats.evidence_coverage == 75.0


def test_stats_dict_is_json_ready() -> None:
    stats = compute_stats(Graph())
    assert stats.evidence_coverage is None
    assert stats.to_dict() == {
        "triples": {"asserted": 0, "with_inferences": 0},
        "individuals": 0,
        "with_evidence": 0,
        "evidence_coverage": None,
        "without_evidence": [],
        "classes": [],
    }
    assert "evidence coverage: n/a (no individuals)" in stats_text(stats)


def test_table_aligns_numbers_right() -> None:
    assert table(["name", "n"], [["a", 1], ["bbb", 1234]]).splitlines() == [
        "name      n",
        "----  -----",
        "a         1",
        "bbb   1,234",
    ]
    assert table(None, [["x", 1.25]]) == "x  1.2"
