"""The views: what each draws, the page they make, and that no data reaches the page as HTML."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.viz import STANDALONE, VIEWS, load_model, make_page, make_view
from kg.viz.essay import _segments, _utf16_offsets, essay_data
from kg.viz.html import PHYSICS_LIMIT, json_for_script, render_view, view_data
from kg.viz.layout import force_layout
from kg.viz.model import GraphModel
from tests.conftest import DATA

EKG = "https://w3id.org/essay-kg/ns#"
HOSTILE = DATA / "viz" / "hostile.ttl"
STAGES = [
    "TheAwakening",
    "AscensionOfTheCorporateSocialStrategist",
    "StormOfCulturalConflict",
    "CareerDecisionPoint",
]
# A network reference in HTML: an attribute or CSS url() pointing at a scheme-relative or http(s) address.
NETWORK_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)|(?:url\(\s*["']?\s*(?:https?:)?//)|@import""",
    re.I,
)


@pytest.fixture(scope="module")
def model() -> GraphModel:
    return load_model()


@pytest.fixture(scope="module")
def hostile() -> GraphModel:
    return load_model([HOSTILE])


def ids(view) -> set[str]:
    return set(view.graph.nodes)


def test_every_view_is_listed_with_a_summary() -> None:
    assert list(VIEWS) == [
        "overview",
        "stages",
        "challenges",
        "actors",
        "discussion",
        "focus",
        "query",
        "essay",
    ]
    assert STANDALONE == ["overview", "stages", "challenges", "actors", "discussion", "essay"]
    assert all(spec.summary for spec in VIEWS.values())


def test_overview_is_every_individual_without_evidence_plumbing(model: GraphModel) -> None:
    from kg.infer import rdfs_closure
    from kg.stats import individuals

    view = make_view(model, "overview")
    assert ids(view) == {str(n) for n in individuals(model.asserted, rdfs_closure(model.asserted))}
    assert not any(node.startswith("_:") for node in view.graph.nodes)
    predicates = {data["predicate"] for _, _, data in view.graph.edges(data=True)}
    assert EKG + "evidence" not in predicates
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" not in predicates
    assert EKG + "nextStage" in predicates


def test_stages_run_left_to_right_into_the_two_paths(model: GraphModel) -> None:
    view = make_view(model, "stages")
    xs = [view.positions[EKG + s][0] for s in STAGES]
    assert xs == sorted(xs)
    assert len(set(xs)) == 4
    ys = {view.positions[EKG + s][1] for s in STAGES}
    assert len(ys) == 1  # one row
    reactive, strategic = view.positions[EKG + "ReactivePath"], view.positions[EKG + "StrategicPath"]
    assert reactive[0] == strategic[0] > xs[-1]
    assert reactive[1] < strategic[1]  # path 1 above path 2
    assert view.graph.nodes[EKG + "TheAwakening"]["display"] == "1. The Awakening"
    # the challenges the stages involve, below them
    assert view.positions[EKG + "MeasuringROI"][1] > max(ys)
    assert ids(view) == {EKG + s for s in [*STAGES, "ReactivePath", "StrategicPath"]} | {
        EKG + "ResistanceFromInternalCulture",
        EKG + "MeasuringROI",
    }


def test_challenges_are_numbered_clockwise_around_the_strategist(model: GraphModel) -> None:
    view = make_view(model, "challenges")
    assert view.positions[EKG + "SocialStrategist"] == (0.0, 0.0)
    first = view.positions[EKG + "ResistanceFromInternalCulture"]
    assert abs(first[0]) < 1e-6
    assert first[1] < 0
    second = view.positions[EKG + "MeasuringROI"]
    assert second[0] > 0  # then clockwise
    labels = sorted(d["display"] for n, d in view.graph.nodes(data=True) if "display" in d)
    assert labels[0] == "1. Resistance from internal culture"
    assert labels[5].startswith("6. ")
    assert view.node_count == 7
    assert view.edge_count == 6


def test_actors_are_people_organisations_roles_and_publications(model: GraphModel) -> None:
    view = make_view(model, "actors")
    classes = {d["cls_label"] for _, d in view.graph.nodes(data=True)}
    assert {"person", "organisation", "role", "publication", "report", "blog post"} <= classes
    assert "claim" not in classes
    assert "comment" not in classes
    assert view.graph.has_edge(EKG + "JeremiahOwyang", EKG + "AltimeterGroup")


def test_discussion_marks_stance_duplicate_and_spam(model: GraphModel) -> None:
    view = make_view(model, "discussion")
    nodes = view.graph.nodes
    assert nodes[EKG + "comment3"]["group"] == f"stance:{EKG}Disagrees"
    assert nodes[EKG + "comment1"]["group"] == f"stance:{EKG}Agrees"
    assert nodes[EKG + "comment19"]["group"] == EKG + "SpamComment"
    assert "(duplicate)" in nodes[EKG + "comment4"]["display"]
    assert nodes[EKG + "comment4"]["dashes"]
    duplicate = view.graph.get_edge_data(EKG + "comment4", EKG + "comment3")
    assert any(d["dashes"] for d in duplicate.values())
    assert view.graph.has_edge(EKG + "comment3reply", EKG + "comment3")
    legend = {e.label: e.colour for e in view.legend}
    assert legend["comment: agrees"] != legend["comment: disagrees"]
    assert EKG + "post" in nodes


def test_focus_is_the_neighbourhood_of_an_entity(model: GraphModel) -> None:
    one = make_view(model, "focus", focus="Jeremiah Owyang", depth=1)
    assert EKG + "AltimeterGroup" in ids(one)
    assert EKG + "JeremiahOwyang" in ids(one)
    assert one.extra["centre"] == EKG + "JeremiahOwyang"
    assert one.file_name == "focus-ekg-JeremiahOwyang.html"
    two = make_view(model, "focus", focus="ekg:JeremiahOwyang", depth=2)
    assert ids(one) < ids(two)
    zero = make_view(model, "focus", focus=f"<{EKG}JeremiahOwyang>", depth=0)
    assert ids(zero) == {EKG + "JeremiahOwyang"}
    assert make_view(model, "focus", focus="owyang").extra["centre"] == EKG + "JeremiahOwyang"  # an altLabel


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        (
            "Jeremy Owyang",
            'no entity "Jeremy Owyang" in the graph (did you mean: Jeremiah Owyang?): give a label, '
            "a prefixed name such as ekg:BrianSolis, or an IRI; `kg stats` lists the classes",
        ),
        ("zzzzqqq", 'no entity "zzzzqqq" in the graph: give a label'),
    ],
)
def test_unknown_focus_entity_says_what_is_near(model: GraphModel, entity: str, message: str) -> None:
    with pytest.raises(KgError) as raised:
        make_view(model, "focus", focus=entity)
    assert str(raised.value).startswith(message)


def test_view_errors(model: GraphModel) -> None:
    with pytest.raises(
        KgError, match=r'unknown view "stagez" \(did you mean "stages"\?\): use one of overview'
    ):
        make_view(model, "stagez")
    with pytest.raises(KgError, match="the focus view needs an entity: add --focus ENTITY"):
        make_view(model, "focus")
    with pytest.raises(KgError, match="the query view needs a query: add --query NAME"):
        make_view(model, "query")
    with pytest.raises(KgError, match="--focus belongs to the focus view, not stages"):
        make_view(model, "stages", focus="x")


def test_query_view_draws_a_construct(model: GraphModel) -> None:
    view = make_view(model, "query", query="neighbourhood", params={"entity": "ekg:AltimeterGroup"})
    assert EKG + "AltimeterGroup" in ids(view)
    assert EKG + "JeremiahOwyang" in ids(view)
    assert view.file_name == "query-neighbourhood.html"
    assert "(with entity = ekg:AltimeterGroup)" in view.description
    assert view.graph.nodes[EKG + "JeremiahOwyang"]["cls_label"] == "person"


def test_query_view_refuses_a_select(model: GraphModel) -> None:
    with pytest.raises(KgError) as raised:
        make_view(model, "query", query=str(DATA / "viz" / "select.rq"))
    assert str(raised.value) == (
        'query "select" is a SELECT query: kg viz --query draws the graph a CONSTRUCT query returns; give a '
        "CONSTRUCT query (such as neighbourhood), or run this one with `kg query select`"
    )


# ---- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STANDALONE)
def test_page_is_one_offline_file(model: GraphModel, name: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    page = make_page(model, name)
    html = page.html
    assert html.startswith("<!doctype html>")
    assert not NETWORK_REFERENCE.search(html), NETWORK_REFERENCE.search(html)
    assert "<link" not in html
    assert "<script src" not in html
    assert "<iframe" not in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1]
    assert "default-src &#x27;none&#x27;" in csp
    assert "sha256-" in csp
    assert "unsafe-inline&#x27;;" not in csp.split("style-src")[0]
    assert list(tmp_path.iterdir()) == []  # nothing written beside it: no lib/ folder


def test_page_data_counts_match_the_view(model: GraphModel) -> None:
    view = make_view(model, "overview")
    data = view_data(view)
    assert len(data["nodes"]) == view.node_count == 203
    assert len(data["edges"]) == view.edge_count
    assert data["mode"] == "physics"
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    assert sizes[EKG + "SocialStrategist"] > sizes[EKG + "Frank"]  # size follows degree
    assert sum(e["count"] for e in data["legend"]) == view.node_count
    assert all(e["label"] for e in data["edges"])  # edge labels from property labels
    edge = next(
        e
        for e in data["edges"]
        if e["from"] == EKG + "TheAwakening" and e["to"].endswith("AscensionOfTheCorporateSocialStrategist")
    )
    assert edge["label"] == "next stage"
    awakening = next(n for n in data["nodes"] if n["id"] == EKG + "TheAwakening")
    assert awakening["title"].startswith("The Awakening\nstage\n\nAs customers rapidly adopt")
    assert "“The Awakening. As customers" in awakening["title"]


def test_unlabelled_properties_read_as_words(model: GraphModel) -> None:
    from rdflib import URIRef

    assert model.property_label(URIRef("http://www.w3.org/2004/02/skos/core#inScheme")) == "in scheme"
    assert model.property_label(URIRef(EKG + "nextStage")) == "next stage"


def test_script_json_cannot_close_the_block() -> None:
    text = json_for_script({"a": "</script><script>alert(1)</script> & <!-- \u2028"})
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script> & <!-- \u2028"}


def test_hostile_labels_never_reach_the_page_as_html(hostile: GraphModel) -> None:
    for name in STANDALONE:
        html = make_page(hostile, name).html
        # every payload is inside the JSON block, escaped: no raw tag from the data anywhere
        for payload in [
            "<img src=x",
            "<script>window.__pwned",
            "<svg onload",
            "<iframe src",
            "</title><script>",
        ]:
            assert payload not in html, (name, payload)
        block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)[1]
        assert "window.__pwned" in block or "alert(" in block  # the payloads are there...
        assert "\\u003c" in block
        assert "<" not in block
    titled = make_page(hostile, "query", query=str(DATA / "viz" / "hostile.rq"), extra=[HOSTILE]).html
    assert "<title>&lt;img src=x onerror=&quot;window.__pwned=&#x27;title&#x27;&quot;&gt; a hostile" in titled
    assert "<img src=x" not in titled
    assert "</title><script>" not in titled


def test_hostile_nodes_appear_in_the_views(hostile: GraphModel) -> None:
    assert EKG + "HostileStage" in ids(make_view(hostile, "stages"))
    assert EKG + "HostileChallenge" in ids(make_view(hostile, "challenges"))
    assert EKG + "HostilePerson" in ids(make_view(hostile, "actors"))
    assert EKG + "hostileComment" in ids(make_view(hostile, "discussion"))
    overview = make_view(hostile, "overview")
    assert overview.graph.nodes[EKG + "HostileClaim"]["cls_label"].startswith("<img src=x")
    data = essay_data(hostile)
    assert EKG + "HostileClaim" in data["facts"]


# ---- the essay -----------------------------------------------------------------------------------


def test_essay_marks_every_quoted_span(model: GraphModel) -> None:
    data = essay_data(model)
    (text,) = data["texts"]
    spans = {(s["start"], s["end"]) for s in text["spans"]}
    quotes = {(q.start, q.end) for qs in model.quotes.values() for q in qs}
    assert spans == quotes
    awakening = next(s for s in text["spans"] if (s["start"], s["end"]) == (4885, 5096))
    assert awakening["facts"] == [EKG + "TheAwakening"]
    assert data["facts"][EKG + "TheAwakening"]["overview"] is True
    covered = {i for _, _, over in text["segments"] for i in over}
    assert covered == set(range(len(text["spans"])))


def test_segments_cut_overlaps() -> None:
    assert _segments([(0, 10), (5, 15), (20, 25)]) == [
        (0, 5, [0]),
        (5, 10, [0, 1]),
        (10, 15, [1]),
        (20, 25, [2]),
    ]
    assert _segments([(3, 8), (3, 8)]) == [(3, 8, [0, 1])]


def test_utf16_offsets_count_astral_characters_twice() -> None:
    assert _utf16_offsets("a😀b") == [0, 1, 3, 4]


# ---- layout --------------------------------------------------------------------------------------


def test_layout_is_fast_and_deterministic_at_5000_nodes() -> None:
    import networkx as nx

    graph = nx.barabasi_albert_graph(5000, 2, seed=3)
    graph.add_nodes_from(range(5000, 5050))  # lone nodes go to a grid
    started = time.perf_counter()
    first = force_layout(list(graph.nodes), list(graph.edges))
    assert time.perf_counter() - started < 5
    assert first == force_layout(list(graph.nodes), list(graph.edges))
    assert len(first) == 5050
    points = {(round(x), round(y)) for x, y in first.values()}
    assert len(points) > 4900  # nodes are spread, not piled up


def test_big_views_get_a_precomputed_layout_and_no_physics() -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    graph = Graph()
    n = PHYSICS_LIMIT + 50
    for i in range(n):
        node = URIRef(f"{EKG}n{i}")
        graph.add((node, RDF.type, URIRef(EKG + "Claim")))
        graph.add((node, RDFS.label, Literal(f"node {i}")))
        if i:
            graph.add((node, URIRef(EKG + "about"), URIRef(f"{EKG}n{i // 2}")))
    view = make_view(GraphModel(graph), "overview")
    data = view_data(view)
    assert data["mode"] == "static"
    assert data["options"]["physics"]["enabled"] is False
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == n
    assert render_view(view).count("</script>") == 4  # data, vis-network, common.js, graph.js


def test_the_viz_benchmark_builds_its_synthetic_views() -> None:
    """bench/bench_viz.py is run by hand; its graph and page building are checked here."""
    import importlib.util
    import sys

    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("bench_viz", REPO / "bench" / "bench_viz.py")
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_viz"] = bench  # dataclasses look their module up by name
    spec.loader.exec_module(bench)
    view, html, seconds = bench.build_page(bench.synthetic_graph(120))
    assert view.node_count == 120
    assert view.edge_count > 200
    assert html.count("</script>") == 4
    assert seconds > 0
    text = bench.markdown([bench.Row("synthetic 5,000", 5000, 9000, "precomputed", 1.0, 10.0, 3.0, True)], 3)
    assert "Target: under 10 s at 5,000 nodes: met (3.00 s)." in text
