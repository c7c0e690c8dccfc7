"""Every query file, run with its defaults: the same answer on Oxigraph and rdflib, and its expect holds."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from kg.catalog import catalog, run_query
from kg.engines import open_engine
from kg.expect import expectation_failures

QUERIES = catalog()


@pytest.fixture(scope="module")
def oxigraph() -> Any:
    return open_engine("oxigraph")


@pytest.fixture(scope="module")
def rdflib_engine() -> Any:
    return open_engine("rdflib")


def comparable(result: Any) -> Any:
    """The result with blank nodes renamed in order of appearance (each engine names them its own way)."""
    names: dict[Any, ox.BlankNode] = {}

    def term(t: Any) -> Any:
        if isinstance(t, ox.BlankNode):
            return names.setdefault(t, ox.BlankNode(f"b{len(names)}"))
        return t

    if result.form == "ASK":
        return result.boolean
    if result.form == "SELECT":
        return result.variables, [{k: term(v) for k, v in row.items()} for row in result.rows]
    return sorted({str(ox.Triple(term(t.subject), t.predicate, term(t.object))) for t in result.triples})


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_answers_as_expected_on_both_engines(name: str, oxigraph: Any, rdflib_engine: Any) -> None:
    query = QUERIES[name]
    on_oxigraph = run_query(query, oxigraph)
    assert expectation_failures(query, on_oxigraph, oxigraph.prefixes) == []
    on_rdflib = run_query(query, rdflib_engine)
    assert comparable(on_rdflib) == comparable(on_oxigraph)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_row_is_distinct(name: str, oxigraph: Any) -> None:
    """A repeated row means a join multiplied the answer: the query is wrong, or lacks a column."""
    result = run_query(QUERIES[name], oxigraph)
    if result.form == "SELECT":
        seen = [tuple(sorted((k, str(v)) for k, v in row.items())) for row in result.rows]
        assert len(seen) == len(set(seen))


def test_expect_catches_a_wrong_answer(oxigraph: Any) -> None:
    query = QUERIES["stage-after"]
    wrong = run_query(query, oxigraph, {"stage": "ekg:StormOfCulturalConflict"})
    assert expectation_failures(query, wrong, oxigraph.prefixes) == [
        "row 1, ?next: expected ekg:AscensionOfTheCorporateSocialStrategist, got ekg:CareerDecisionPoint",
        "row 1, ?nextLabel: expected 'Ascension of the Corporate Social Strategist', "
        "got 'Career Decision Point'",
    ]
    none = run_query(query, oxigraph, {"stage": "ekg:CareerDecisionPoint"})
    assert expectation_failures(query, none, oxigraph.prefixes) == ["expected 1 rows, got 0"]


def test_no_reason_drops_inferred_answers(oxigraph: Any) -> None:
    asserted = open_engine("oxigraph", reason=False)
    sparql = "ASK { <https://w3id.org/essay-kg/ns#BrianSolis> a <http://xmlns.com/foaf/0.1/Agent> }"
    assert oxigraph.run(sparql).boolean is True
    assert asserted.run(sparql).boolean is False
