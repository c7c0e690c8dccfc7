from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg import compile as kgc
from kg.engines import Engine, OxigraphEngine, RdflibEngine, Result, open_engine
from kg.errors import KgError
from kg.sparqltext import UPDATE_KEYWORDS
from kg.terms import nt_iri, nt_literal

from .conftest import DATA, MINI, REPO

EKG = "https://w3id.org/essay-kg/ns#"
PREFIXES = (
    "PREFIX ekg: <https://w3id.org/essay-kg/ns#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
CAT = DATA / "mini_ext" / "cat.ttl"


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> dict[str, Engine]:
    """Both embedded engines over the mini ontology plus the cat."""
    monkeypatch.setattr("kg.paths.ontology_dir", lambda: MINI)
    return {"oxigraph": open_engine("oxigraph", extra=[CAT]), "rdflib": open_engine("rdflib", extra=[CAT])}


def comparable(result: Result) -> Any:
    if result.form == "ASK":
        return result.boolean
    if result.form == "SELECT":
        return result.variables, result.rows
    return sorted(str(t) for t in result.triples)


QUERIES = [
    # unbound variables are absent from the row; ORDER BY fixes the order
    "SELECT ?x ?label ?chased WHERE { ?x a ekg:Animal ; rdfs:label ?label "
    "OPTIONAL { ?x ekg:chases ?chased } } ORDER BY ?label",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class ORDER BY ?class",
    "ASK { ekg:Cat a ekg:Thing }",
    "ASK { ekg:Cat ekg:chases ?x }",
    "CONSTRUCT { ?x rdfs:label ?l } WHERE { ?x a ekg:Thing ; rdfs:label ?l }",
    "CONSTRUCT WHERE { ?x ekg:chases ?y }",
    "SELECT ?l WHERE { ?x rdfs:label ?l FILTER (CONTAINS(?l, 'o')) } ORDER BY ?l",
]


@pytest.mark.parametrize("sparql", QUERIES)
def test_the_embedded_engines_agree(engines: dict[str, Engine], sparql: str) -> None:
    on_oxigraph = engines["oxigraph"].run(PREFIXES + sparql)
    assert comparable(on_oxigraph) == comparable(engines["rdflib"].run(PREFIXES + sparql))
    assert on_oxigraph.form == sparql.split()[0]


def test_result_shapes(engines: dict[str, Engine]) -> None:
    for engine in engines.values():
        rows = engine.run(PREFIXES + QUERIES[0])
        assert rows.variables == ["x", "label", "chased"]
        assert rows.rows[0] == {"x": ox.NamedNode(EKG + "Cat"), "label": ox.Literal("cat")}
        assert rows.rows[2]["chased"] == ox.NamedNode(EKG + "Dog")
        assert (rows.boolean, rows.triples) == (None, [])
        ask = engine.run(PREFIXES + QUERIES[3])
        assert (ask.form, ask.boolean, ask.rows) == ("ASK", True, [])
        graph = engine.run(PREFIXES + QUERIES[6])
        assert graph.triples == [
            ox.Triple(ox.NamedNode(EKG + "Fox"), ox.NamedNode(EKG + "chases"), ox.NamedNode(EKG + "Dog"))
        ]


def test_describe_runs_on_both(engines: dict[str, Engine]) -> None:
    for engine in engines.values():
        result = engine.run(PREFIXES + "DESCRIBE ekg:Cat")
        assert result.form == "DESCRIBE"
        assert (
            ox.Triple(
                ox.NamedNode(EKG + "Cat"),
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal("cat"),
            )
            in result.triples
        )


def test_bindings_on_both(engines: dict[str, Engine]) -> None:
    sparql = (
        PREFIXES
        + "SELECT ?label WHERE { ?_x_iri rdfs:label ?label . "
        + "FILTER (!BOUND(?__not_literal) || ?label != ?__not_literal) }"
    )
    for engine in engines.values():
        assert engine.run(sparql, {"_x_iri": nt_iri(EKG + "Dog")}).rows == [{"label": ox.Literal("dog")}]
        assert (
            engine.run(sparql, {"_x_iri": nt_iri(EKG + "Dog"), "__not_literal": nt_literal("dog")}).rows == []
        )


def test_a_hostile_value_is_one_literal_on_both(engines: dict[str, Engine]) -> None:
    sparql = (
        PREFIXES
        + "SELECT ?v (COUNT(?s) AS ?n) WHERE { BIND (?_v_literal AS ?v) "
        + "OPTIONAL { ?s rdfs:label ?_v_literal } } GROUP BY ?v"
    )
    for value in ["} ; DROP ALL ; #", '" } UNION { ?s ?p ?o } #', "\\u0022 }", "a\nb"]:
        for engine in engines.values():
            rows = engine.run(sparql, {"_v_literal": nt_literal(value)}).rows
            assert rows == [
                {
                    "v": ox.Literal(value),
                    "n": ox.Literal("0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                }
            ]


def test_the_graphs_prefixes_need_no_declaration(engines: dict[str, Engine]) -> None:
    for engine in engines.values():
        assert engine.prefixes["ekg"] == EKG
        assert engine.run("ASK { ekg:Cat a ekg:Animal }").boolean is True


def test_both_engines_have_the_same_prefixes(engines: dict[str, Engine]) -> None:
    assert engines["oxigraph"].prefixes == engines["rdflib"].prefixes


def test_without_reasoning_a_superclass_has_no_members(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.paths.ontology_dir", lambda: MINI)
    ask = PREFIXES + "ASK { ekg:Cat a ekg:Thing }"
    for kind in ("oxigraph", "rdflib"):
        assert open_engine(kind, extra=[CAT]).run(ask).boolean is True
        assert open_engine(kind, extra=[CAT], reason=False).run(ask).boolean is False


@pytest.mark.parametrize("kind", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("keyword", sorted(UPDATE_KEYWORDS))
def test_updates_are_refused_before_anything_runs(
    engines: dict[str, Engine], kind: str, keyword: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engines[kind]
    before = engine.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    if isinstance(engine, RdflibEngine):  # nothing may reach the graph
        monkeypatch.setattr(engine.graph, "query", lambda *a, **k: pytest.fail("ran"))
        monkeypatch.setattr(engine.graph, "update", lambda *a, **k: pytest.fail("ran"), raising=False)
    with pytest.raises(KgError, match=rf"kg is read-only: SPARQL Update \({keyword}\)"):
        engine.run(f"{keyword} DATA {{ ekg:Cat ekg:chases ekg:Fox }}")
    monkeypatch.undo()
    assert engine.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == before


@pytest.mark.parametrize("kind", ["oxigraph", "rdflib"])
def test_service_is_refused_unless_allowed(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.paths.ontology_dir", lambda: MINI)
    sparql = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(KgError, match=r"SERVICE.*pass --allow-service"):
        open_engine(kind).run(sparql)
    allowed = open_engine(kind, allow_service=True)
    with pytest.raises(KgError, match="the query failed"):  # it is tried: nothing listens there
        allowed.run(sparql)


@pytest.mark.parametrize("kind", ["oxigraph", "rdflib"])
def test_a_syntax_error_has_line_and_column(engines: dict[str, Engine], kind: str) -> None:
    with pytest.raises(
        KgError, match=r"^SPARQL syntax error at line 3, column \d+: .*: correct the query\n"
    ) as caught:
        engines[kind].run("SELECT ?x\nWHERE {\n  ?x ?p ?o . FILTER (?x = ) }")
    assert "  ?x ?p ?o . FILTER (?x = ) }\n" in str(caught.value)


def test_a_syntax_error_in_a_bound_query_points_into_the_query_as_written(engines: dict[str, Engine]) -> None:
    sparql = "SELECT ?o WHERE { ?_s_iri ?p ?o ?extra }"
    with pytest.raises(KgError) as caught:
        engines["oxigraph"].run(sparql, {"_s_iri": nt_iri(EKG + "Cat")})
    message = str(caught.value)
    assert message.startswith("SPARQL syntax error at line 1, column ")
    column = int(message.split("column ")[1].split(":")[0])
    assert column <= len(sparql) + 1  # not shifted by the VALUES block kg inserted
    assert "VALUES" not in message


def test_a_bad_binding_is_refused(engines: dict[str, Engine]) -> None:
    for engine in engines.values():
        with pytest.raises(KgError, match="not one RDF term"):
            engine.run("SELECT * WHERE { ?_x ?p ?o }", {"_x": "<urn:a> } ; DROP ALL ; #"})


def test_engine_choice_errors() -> None:
    with pytest.raises(KgError, match="unknown engine 'jena': use one of oxigraph, rdflib, endpoint"):
        open_engine("jena")
    with pytest.raises(KgError, match="--engine rdflib and --endpoint both choose an engine"):
        open_engine("rdflib", endpoint="http://127.0.0.1:9/query")
    with pytest.raises(KgError, match="the endpoint engine needs a URL"):
        open_engine("endpoint")
    with pytest.raises(KgError, match="not an endpoint URL: 'ftp://x/query'"):
        open_engine(endpoint="ftp://x/query")


def test_open_engine_gives_the_oxigraph_engine_on_the_compiled_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.paths.ontology_dir", lambda: MINI)
    engine = open_engine()
    assert isinstance(engine, OxigraphEngine)
    assert engine.compiled.path.parent == kgc.cache_dir()


def test_the_fast_path_imports_nothing_heavy(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from kg.engines import open_engine\n"
        "e = open_engine()\n"
        "print(len(e.run('SELECT * WHERE { ?s ?p ?o }').rows) > 1000)\n"
        "heavy = ('rdflib', 'pyshacl', 'networkx', 'pyvis', 'owlrl', 'urllib.request', 'pyparsing')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("KG_DATA", None)
    for _cold_then_warm in range(2):
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.split("\n")[:2] == ["True", "[]"]
