from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.sparqltext import (
    UPDATE_KEYWORDS,
    bind_values,
    parameter_variables,
    query_form,
    uses_service,
    with_prefixes,
)
from kg.terms import nt_iri, nt_literal

EX = "http://example.org/"
PREFIX = f"PREFIX ex: <{EX}>\n"


def store() -> ox.Store:
    s = ox.Store()
    for i, name in enumerate(["a", "b", "c"]):
        s.add(ox.Quad(ox.NamedNode(EX + name), ox.NamedNode(EX + "p"), ox.Literal(f"value {i}")))
        s.add(ox.Quad(ox.NamedNode(EX + name), ox.NamedNode(EX + "label"), ox.Literal(name)))
    return s


def rows(sparql: str) -> list[dict[str, str]]:
    result = store().query(sparql)
    names = [v.value for v in result.variables]
    return [{n: t.value for n, t in zip(names, sol, strict=True) if t is not None} for sol in result]


@pytest.mark.parametrize(
    ("sparql", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("select * { ?s ?p ?o }", "SELECT"),
        ("# a comment: DROP ALL\nBASE <http://x/>\nPREFIX ex: <http://x/>\nASK { ?s ?p ?o }", "ASK"),
        ("PREFIX : <http://x/>\nCONSTRUCT WHERE { ?s :p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://x/a>", "DESCRIBE"),
        ('SELECT ("INSERT DATA { }" AS ?x) { }', "SELECT"),
        ("SELECT ?drop ?insert WHERE { ?drop ex:delete ?insert }", "SELECT"),
        ("SELECT * WHERE { <http://x/DROP> ex:clear 'LOAD' ; ex:p '''COPY\nMOVE''' }", "SELECT"),
        ('SELECT * WHERE { ?s ?p "x"@add }', "SELECT"),
        ("SELECT * WHERE { _:create ?p ?o }", "SELECT"),
    ],
)
def test_query_form(sparql: str, form: str) -> None:
    assert query_form(sparql) == form


@pytest.mark.parametrize("keyword", sorted(UPDATE_KEYWORDS))
def test_every_update_keyword_is_refused(keyword: str) -> None:
    with pytest.raises(KgError, match=rf"^kg is read-only: SPARQL Update \({keyword}\) is not run: ask with"):
        query_form(f"PREFIX ex: <http://x/>\n{keyword.lower()} DATA {{ ex:a ex:b ex:c }}")


@pytest.mark.parametrize(
    "sparql",
    [
        "DROP ALL",
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
        "INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://x/> SELECT * { } # fine\n; clear default",
    ],
)
def test_an_update_hidden_after_a_query_is_refused(sparql: str) -> None:
    with pytest.raises(KgError, match="kg is read-only"):
        query_form(sparql)


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        ("", "the query is empty"),
        ("# only a comment\n", "the query is empty"),
        (
            "PREFIX ex: <http://x/>\nSELEC * {}",
            "expected SELECT, ASK, CONSTRUCT or DESCRIBE .* found 'SELEC' at line 2",
        ),
        ("{ ?s ?p ?o }", "found '{' at line 1"),
    ],
)
def test_not_a_query(sparql: str, message: str) -> None:
    with pytest.raises(KgError, match=message):
        query_form(sparql)


def test_uses_service() -> None:
    assert uses_service("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    assert uses_service("SELECT * { service silent ?e { ?s ?p ?o } }")
    assert not uses_service("SELECT * { ?s ex:service 'SERVICE' } # SERVICE")
    assert not uses_service("SELECT ?service { <http://x/SERVICE> ?p ?service }")


def test_parameter_variables_in_first_use_order() -> None:
    sparql = (
        "SELECT ?x WHERE {\n"
        "  # ?_in_a_comment\n"
        "  ?_stage_iri ex:p ?__stance_iri .\n"
        "  ?x ex:q '?_in_a_string', $_n_integer .\n"
        "  FILTER (?x != ?_stage_iri)\n"
        "}"
    )
    assert parameter_variables(sparql) == ["_stage_iri", "__stance_iri", "_n_integer"]
    assert parameter_variables("SELECT * { ?s ?p ?o }") == []


def test_bind_values_goes_right_after_the_where_brace() -> None:
    sparql = PREFIX + "SELECT ?o\nWHERE { ?_s_iri ex:p ?o }"
    bound = bind_values(sparql, {"_s_iri": nt_iri(EX + "b")})
    assert bound == PREFIX + f"SELECT ?o\nWHERE {{ VALUES (?_s_iri) {{ (<{EX}b>) }}  ?_s_iri ex:p ?o }}"
    assert rows(bound) == [{"o": "value 1"}]


def test_bind_values_without_bindings_changes_nothing() -> None:
    assert bind_values("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?o WHERE { ?_s_iri ex:p ?o }",
        "SELECT * { ?_s_iri ex:p ?o }",
        "SELECT ?o\n# WHERE { in a comment\nWHERE\n{ ?_s_iri ex:p ?o }",
        "SELECT ?o (EXISTS { ?_s_iri ex:label ?l } AS ?e) WHERE { ?_s_iri ex:p ?o }",
        "SELECT ?o WHERE { # { a comment with a brace\n ?_s_iri ex:p ?o . FILTER (?o < 'w') }",
        "SELECT ?o WHERE { ?_s_iri ex:p ?o . FILTER (?o != '}' && ?o != \"{\" && ?o != '''}''') }",
        "SELECT ?o WHERE { { SELECT ?o ?_s_iri WHERE { ?_s_iri ex:p ?o } } }",
    ],
)
def test_bind_values_finds_the_outermost_where_group(sparql: str) -> None:
    bound = bind_values(PREFIX + sparql, {"_s_iri": nt_iri(EX + "b")})
    assert [r["o"] for r in rows(bound)] == ["value 1"]


def test_bind_values_in_ask_and_describe() -> None:
    assert bool(store().query(bind_values("ASK { ?_s_iri ?p ?o }", {"_s_iri": nt_iri(EX + "a")})))
    assert not bool(store().query(bind_values("ASK WHERE { ?_s_iri ?p ?o }", {"_s_iri": nt_iri(EX + "z")})))
    described = bind_values("DESCRIBE ?_s_iri WHERE { ?_s_iri ?p ?o }", {"_s_iri": nt_iri(EX + "a")})
    assert {t.subject.value for t in store().query(described)} == {EX + "a"}


@pytest.mark.parametrize(
    "sparql",
    ["DESCRIBE ?_s_iri", "DESCRIBE ?_s_iri # a comment at the end", "DESCRIBE ?_s_iri LIMIT 10"],
)
def test_describe_without_where_gets_one(sparql: str) -> None:
    bound = bind_values(sparql, {"_s_iri": nt_iri(EX + "a")})
    assert {t.subject.value for t in store().query(bound)} == {EX + "a"}


def test_bind_values_after_a_construct_template() -> None:
    sparql = PREFIX + "CONSTRUCT { ?_s_iri ex:q ?o . ex:x ex:y '{' } WHERE { ?_s_iri ex:p ?o }"
    bound = bind_values(sparql, {"_s_iri": nt_iri(EX + "c")})
    triples = list(store().query(bound))
    assert {(t.subject.value, t.object.value) for t in triples} == {(EX + "c", "value 2"), (EX + "x", "{")}


def test_construct_where_is_rewritten_to_the_long_form() -> None:
    sparql = PREFIX + "CONSTRUCT WHERE { ?_s_iri ex:p ?o } LIMIT 5"
    bound = bind_values(sparql, {"_s_iri": nt_iri(EX + "a")})
    assert "CONSTRUCT { ?_s_iri ex:p ?o } WHERE { VALUES" in bound
    assert [(t.subject.value, t.object.value) for t in store().query(bound)] == [(EX + "a", "value 0")]


def test_several_bindings_in_one_row() -> None:
    sparql = PREFIX + "SELECT ?s WHERE { ?s ex:p ?_v_literal ; ex:label ?__l_literal }"
    bound = bind_values(sparql, {"_v_literal": nt_literal("value 2"), "__l_literal": nt_literal("c")})
    assert 'VALUES (?_v_literal ?__l_literal) { ("value 2" "c") }' in bound
    assert rows(bound) == [{"s": EX + "c"}]


@pytest.mark.parametrize(
    "value", ["} ; DROP ALL ; #", '" } UNION { ?s ?p ?o } #', "\\", "a\nb", "\\u0022) } #", "'''", '"""']
)
def test_hostile_values_stay_inside_one_literal(value: str) -> None:
    sparql = PREFIX + "SELECT ?s ?v WHERE { BIND (?_v_literal AS ?v) OPTIONAL { ?s ex:p ?_v_literal } }"
    bound = bind_values(sparql, {"_v_literal": nt_literal(value)})
    assert query_form(bound) == "SELECT"  # still no update keyword outside a literal
    assert rows(bound) == [{"v": value}]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ('"x") } ; DROP ALL ; #', "not one RDF term"),
        ("ex:a", "not one RDF term"),
        ("_:b", "a blank node cannot be bound"),
    ],
)
def test_bindings_must_be_single_terms(term: str, message: str) -> None:
    with pytest.raises(KgError, match=message):
        bind_values("SELECT * { ?_x ?p ?o }", {"_x": term})


def test_a_term_is_written_again_by_kg() -> None:
    bound = bind_values("SELECT * { ?_x ?p ?o }", {"_x": '"a\\u0041"'})
    assert '("aA")' in bound


def test_bind_values_refuses_updates_and_garbage() -> None:
    with pytest.raises(KgError, match="read-only"):
        bind_values("DELETE WHERE { ?_x ?p ?o }", {"_x": "<urn:x>"})
    with pytest.raises(KgError, match=r"without a \{ ... \} group"):
        bind_values("SELECT ?_x", {"_x": "<urn:x>"})
    with pytest.raises(KgError, match="never closed"):
        bind_values("CONSTRUCT { ?_x ?p ?o WHERE { ?_x ?p ?o }", {"_x": "<urn:x>"})


def test_less_than_is_not_an_iri() -> None:
    sparql = PREFIX + "SELECT ?o WHERE { ?s ex:p ?o FILTER (?o<'value 2'&&?s != ?_s_iri) }"
    bound = bind_values(sparql, {"_s_iri": nt_iri(EX + "a")})
    assert rows(bound) == [{"o": "value 1"}]


def test_an_iri_with_braces_is_one_token() -> None:
    sparql = "SELECT ?o WHERE { <http://x/{a}> ?p ?o } "
    assert bind_values(sparql, {"_x": "<urn:x>"}).startswith("SELECT ?o WHERE { VALUES")
    sparql = "CONSTRUCT { <http://x/}> ?p ?o } WHERE { ?_x ?p ?o }"
    assert bind_values(sparql, {"_x": "<urn:x>"}).endswith("WHERE { VALUES (?_x) { (<urn:x>) }  ?_x ?p ?o }")


def test_with_prefixes_declares_only_what_is_used_and_undeclared() -> None:
    prefixes = {"ex": EX, "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "skos": "http://skos/"}
    sparql = "PREFIX rdfs: <http://other/>\nSELECT * { ?s ex:p ?o ; rdfs:label 'skos:x' ; unknown:q ?z }"
    assert with_prefixes(sparql, prefixes) == f"PREFIX ex: <{EX}> " + sparql
    assert with_prefixes("SELECT * { ?s ?p ?o }", prefixes) == "SELECT * { ?s ?p ?o }"
    assert rows(with_prefixes("SELECT ?o { ex:a ex:p ?o }", prefixes)) == [{"o": "value 0"}]
