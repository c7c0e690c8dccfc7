from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from kg.engines import Result
from kg.errors import KgError
from kg.render import FORMATS, check_format, default_format, render_result

EKG = "https://w3id.org/essay-kg/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"ekg": EKG, "xsd": XSD, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
LABELS = {EKG + "TheAwakening": "The Awakening", EKG + "Agrees": "agrees"}


def iri(name: str) -> ox.NamedNode:
    return ox.NamedNode(EKG + name)


def integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def select(variables: list[str], rows: list[dict]) -> Result:
    return Result(form="SELECT", variables=variables, rows=rows, boolean=None, triples=[])


ROWS = select(
    ["stage", "position", "note", "stance", "stanceLabel"],
    [
        {
            "stage": iri("TheAwakening"),
            "position": integer(1),
            "note": ox.Literal('says "hi", | and\nmore'),
            "stance": iri("Agrees"),
            "stanceLabel": ox.Literal("agrees"),
        },
        {"stage": iri("Unlabelled"), "position": integer(12), "note": ox.Literal("bonjour", language="fr")},
        {"stage": ox.BlankNode("b0")},
    ],
)


class Lookup:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, iris: list[str]) -> dict[str, str]:
        self.calls.append(list(iris))
        return {i: LABELS[i] for i in iris if i in LABELS}


def test_table_shows_labels_beside_iris_and_aligns_numbers() -> None:
    lookup = Lookup()
    text = render_result(ROWS, "table", prefixes=PREFIXES, labels=lookup)
    assert text == (
        "stage                             position  note                    stance      stanceLabel\n"
        "--------------------------------  --------  ----------------------  ----------  -----------\n"
        'ekg:TheAwakening (The Awakening)         1  says "hi", | and\\nmore  ekg:Agrees  agrees\n'
        "ekg:Unlabelled                          12  bonjour\n"
        "_:b0\n"
    )
    # One look-up for the whole table; ?stance has a label column of its own, so it is not looked up.
    assert lookup.calls == [[EKG + "TheAwakening", EKG + "Unlabelled"]]


def test_table_shortens_long_cells_and_says_when_empty() -> None:
    long = select(["quote"], [{"quote": ox.Literal("x" * 200)}])
    line = render_result(long, "table").splitlines()[2]
    assert len(line) == 60
    assert line.endswith("…")
    assert render_result(select(["a", "b"], []), "table") == "a  b\n-  -\n(no results)\n"


def test_markdown_escapes_pipes_and_newlines() -> None:
    text = render_result(ROWS, "md", prefixes=PREFIXES, labels=Lookup())
    lines = text.splitlines()
    assert lines[0] == "| stage | position | note | stance | stanceLabel |"
    assert lines[1] == "| --- | ---: | --- | --- | --- |"
    assert lines[2] == (
        '| ekg:TheAwakening (The Awakening) | 1 | says "hi", \\| and<br>more | ekg:Agrees | agrees |'
    )


def test_json_is_sparql_results_json() -> None:
    data = json.loads(render_result(ROWS, "json"))
    assert data["head"] == {"vars": ["stage", "position", "note", "stance", "stanceLabel"]}
    first, second, third = data["results"]["bindings"]
    assert first["stage"] == {"type": "uri", "value": EKG + "TheAwakening"}
    assert first["position"] == {"type": "literal", "value": "1", "datatype": XSD + "integer"}
    assert first["note"] == {"type": "literal", "value": 'says "hi", | and\nmore'}
    assert second["note"] == {"type": "literal", "value": "bonjour", "xml:lang": "fr"}
    assert third == {"stage": {"type": "bnode", "value": "b0"}}


@pytest.mark.parametrize(
    ("fmt", "results_format"),
    [("json", ox.QueryResultsFormat.JSON), ("tsv", ox.QueryResultsFormat.TSV)],
)
def test_json_and_tsv_parse_back_to_the_same_terms(fmt: str, results_format: ox.QueryResultsFormat) -> None:
    text = render_result(ROWS, fmt)
    parsed = ox.parse_query_results(text.encode(), format=results_format)
    variables = [v.value for v in parsed.variables]
    assert variables == ROWS.variables
    back = [{v: s[v] for v in variables if s[v] is not None} for s in parsed]
    assert back[:2] == ROWS.rows[:2]
    assert isinstance(back[2]["stage"], ox.BlankNode)


def test_csv_is_sparql_csv() -> None:
    text = render_result(ROWS, "csv")
    assert text == (
        "stage,position,note,stance,stanceLabel\r\n"
        f'{EKG}TheAwakening,1,"says ""hi"", | and\nmore",{EKG}Agrees,agrees\r\n'
        f"{EKG}Unlabelled,12,bonjour,,\r\n"
        "_:b0,,,,\r\n"
    )
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[1][2] == 'says "hi", | and\nmore'
    assert len(parsed) == 4


def test_tsv_writes_numbers_bare_and_strings_in_turtle_syntax() -> None:
    text = render_result(ROWS, "tsv")
    assert text.splitlines()[0] == "?stage\t?position\t?note\t?stance\t?stanceLabel"
    assert (
        text.splitlines()[1]
        == f'<{EKG}TheAwakening>\t1\t"says \\"hi\\", | and\\nmore"\t<{EKG}Agrees>\t"agrees"'
    )
    assert text.splitlines()[2] == f'<{EKG}Unlabelled>\t12\t"bonjour"@fr\t\t'


@pytest.mark.parametrize(("answer", "word"), [(True, "true"), (False, "false")])
def test_ask(answer: bool, word: str) -> None:
    result = Result(form="ASK", variables=[], rows=[], boolean=answer, triples=[])
    assert render_result(result) == f"{word}\n"
    assert json.loads(render_result(result, "json")) == {"head": {}, "boolean": answer}
    with pytest.raises(KgError, match="gives true or false"):
        render_result(result, "ttl")


GRAPH = Result(
    form="CONSTRUCT",
    variables=[],
    rows=[],
    boolean=None,
    triples=[
        ox.Triple(iri("TheAwakening"), iri("nextStage"), iri("Ascension")),
        ox.Triple(iri("TheAwakening"), ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("The Awakening")),
        ox.Triple(iri("TheAwakening"), iri("nextStage"), iri("Ascension")),  # a repeat: written once
    ],
)


@pytest.mark.parametrize(
    ("fmt", "rdf_format"), [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)]
)
def test_graph_formats_parse_back(fmt: str, rdf_format: ox.RdfFormat) -> None:
    text = render_result(GRAPH, fmt, prefixes=PREFIXES)
    assert {q.triple for q in ox.parse(text, format=rdf_format)} == set(GRAPH.triples)


def test_turtle_declares_only_the_prefixes_it_uses_and_is_stable() -> None:
    text = render_result(GRAPH, prefixes=PREFIXES)
    assert sorted(line for line in text.splitlines() if line.startswith("@prefix")) == [
        "@prefix ekg: <https://w3id.org/essay-kg/ns#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    reordered = Result(form="CONSTRUCT", variables=[], rows=[], boolean=None, triples=GRAPH.triples[::-1])
    assert render_result(reordered, prefixes=PREFIXES) == text


def test_jsonld() -> None:
    text = render_result(GRAPH, "jsonld")
    assert {q.triple for q in ox.parse(text, format=ox.RdfFormat.JSON_LD)} == set(GRAPH.triples)


def test_defaults_and_wrong_formats() -> None:
    assert default_format("SELECT") == "table"
    assert default_format("CONSTRUCT") == "ttl"
    assert set(FORMATS) == {"table", "csv", "tsv", "json", "md", "ttl", "nt", "jsonld"}
    with pytest.raises(KgError) as error:
        check_format("CONSTRUCT", "csv")
    assert str(error.value) == (
        "a CONSTRUCT query gives a graph, which --format csv cannot show: use --format ttl, nt or jsonld"
    )
    with pytest.raises(KgError) as error:
        check_format("SELECT", "nt")
    assert str(error.value) == (
        "a SELECT query gives rows, which --format nt cannot show: use --format table, csv, tsv, json or md"
    )
    with pytest.raises(KgError) as error:
        check_format("SELECT", "xml")
    assert (
        str(error.value) == 'unknown format "xml": choose one of table, csv, tsv, json, md, ttl, nt, jsonld'
    )
