"""GraphML and GEXF: the property graph, with label, class and colour, read back with networkx."""

from __future__ import annotations

import io
import re

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef

from kg.errors import KgError
from kg.exporters import ALL_FORMATS, property_graph, serialize, serialize_property_graph
from kg.infer import rdfs_closure
from kg.sources import load
from tests.conftest import DATA

EKG = "https://w3id.org/essay-kg/ns#"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return rdfs_closure(load([DATA / "viz" / "hostile.ttl"]).graph)


def read(fmt: str, data: bytes) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(data)) if fmt == "graphml" else nx.read_gexf(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_reads_back_with_label_class_and_colour(graph: Graph, fmt: str) -> None:
    data = serialize(graph, fmt)
    back = read(fmt, data)
    expected = property_graph(graph)
    assert back.number_of_nodes() == expected.number_of_nodes()
    assert back.number_of_edges() == expected.number_of_edges()
    awakening = back.nodes[EKG + "TheAwakening"]
    assert awakening["label"] == "The Awakening"
    assert awakening["class"] == "stage"
    assert awakening["class_iri"] == EKG + "Stage"
    assert awakening["types"] == "ekg:Stage skos:Concept"  # the export holds the inferences
    assert awakening["color"] == "#2e9e4f"
    assert awakening["quote"].startswith("The Awakening. As customers rapidly adopt")
    assert awakening["ekg:position"] == "1"
    edge = next(
        iter(
            back.get_edge_data(EKG + "TheAwakening", EKG + "AscensionOfTheCorporateSocialStrategist").values()
        )
    )
    assert edge["label"] == "next stage"
    assert edge["predicate"] == EKG + "nextStage"


def test_gexf_carries_viz_colours(graph: Graph) -> None:
    text = serialize(graph, "gexf").decode("utf-8")
    assert 'xmlns:viz="http://www.gexf.net/1.2draft/viz"' in text
    assert re.search(r'<viz:color r="46" g="158" b="79"', text)


def test_graphml_carries_rgb_for_gephi(graph: Graph) -> None:
    back = read("graphml", serialize(graph, "graphml"))
    node = back.nodes[EKG + "TheAwakening"]
    assert (node["r"], node["g"], node["b"]) == (46, 158, 79)


def test_evidence_is_folded_into_the_nodes(graph: Graph) -> None:
    pg = property_graph(graph)
    assert not any(n.startswith("_:") for n in pg.nodes)
    assert not any(d["predicate"] == EKG + "evidence" for _, _, d in pg.edges(data=True))
    assert not any(d["predicate"].endswith("#type") for _, _, d in pg.edges(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_hostile_labels_stay_text(graph: Graph, fmt: str) -> None:
    back = read(fmt, serialize(graph, fmt))
    assert back.nodes[EKG + "HostileClaim"]["label"] == (
        "<img src=x onerror=\"window.__pwned='label';alert('label')\">"
    )


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_do_not_break_the_xml(fmt: str) -> None:
    g = Graph()
    g.add((URIRef(EKG + "x"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("bell\x07 here")))
    back = read(fmt, serialize(g, fmt))
    assert back.nodes[EKG + "x"]["label"] == "bell\ufffd here"


def test_formats() -> None:
    assert ALL_FORMATS == ("ttl", "nt", "jsonld", "graphml", "gexf")
    with pytest.raises(
        KgError, match="unknown export format 'xml': use one of ttl, nt, jsonld, graphml, gexf"
    ):
        serialize(Graph(), "xml")
    with pytest.raises(KgError, match="unknown property-graph format 'dot'"):
        serialize_property_graph(nx.MultiDiGraph(), "dot")


def test_asserted_export_types_as_asserted() -> None:
    pg = property_graph(load().graph)
    assert pg.nodes[EKG + "TheAwakening"]["types"] == "ekg:Stage"
