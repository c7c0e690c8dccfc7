from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from kg.errors import KgError
from kg.terms import compact, expand_curie, nt_iri, nt_literal, nt_term, parse_term

EKG = "https://w3id.org/essay-kg/ns#"
PREFIXES = {"ekg": EKG, "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "ex": "http://example.org/"}
XSD = "http://www.w3.org/2001/XMLSchema#"

# Values that would change a query if they were pasted into it as text.
HOSTILE = [
    "} ; DROP ALL ; #",
    'say "hi"',
    "back\\slash",
    "line\nbreak\r\n",
    'x" } UNION { ?s ?p ?o } #',
    "\\u0022 } #",  # SPARQL decodes \u escapes before it parses
    "\\U00000022",
    "\\\\u0041",
    "\x01\x7f\t\b\f",
    "\x012345",  # a control character followed by hex digits
    "é “curly” 😀",
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_literal_reads_back_as_the_same_value_everywhere(value: str) -> None:
    term = nt_literal(value)
    query = f"SELECT ?v WHERE {{ VALUES ?v {{ {term} }} }}"
    assert next(iter(ox.Store().query(query)))["v"].value == value
    assert str(next(iter(rdflib.Graph().query(query)))[0]) == value  # rdflib decodes \u escapes naively
    assert parse_term(term).value == value
    assert "\n" not in term
    assert "\r" not in term


def test_literal_with_language_or_datatype() -> None:
    assert nt_literal("x", lang="en-GB") == '"x"@en-GB'
    assert nt_literal("3", XSD + "integer") == f'"3"^^<{XSD}integer>'
    assert nt_literal("x", XSD + "string") == '"x"'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x", None, "en us"), "not a language tag: 'en us'"),
        (("x", XSD + "integer", "en"), "a literal has a language tag or a datatype, not both"),
        (("x", "integer", None), "not an absolute IRI: 'integer'"),
    ],
)
def test_bad_literals(args: tuple[str, str | None, str | None], message: str) -> None:
    with pytest.raises(KgError, match=message):
        nt_literal(*args)


def test_iri() -> None:
    assert nt_iri(EKG + "TheAwakening") == f"<{EKG}TheAwakening>"
    assert nt_iri("urn:isbn:0451450523") == "<urn:isbn:0451450523>"


@pytest.mark.parametrize(
    ("iri", "message"),
    [
        ("http://example.org/a> } ; DROP ALL ; <x:", "holds '>', which an IRI cannot hold"),
        ("http://example.org/a b", "holds U\\+0020"),
        ("http://example.org/\n", "holds U\\+000A"),
        ("http://example.org/{x}", "holds '{'"),
        ("http://example.org/\\u003E", "holds '\\\\\\\\'"),
        ("TheAwakening", "not an absolute IRI: 'TheAwakening': give a full IRI"),
        ("", "not an absolute IRI"),
        ("http://example.org/%zz", "not an IRI: .*percent encoding"),
    ],
)
def test_bad_iris(iri: str, message: str) -> None:
    with pytest.raises(KgError, match=message):
        nt_iri(iri)


def test_nt_term_and_parse_term_round_trip() -> None:
    for term in [
        ox.NamedNode(EKG + "a"),
        ox.Literal("x\ny"),
        ox.Literal("x", language="en"),
        ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
        ox.BlankNode("b1"),
    ]:
        assert parse_term(nt_term(term)) == term


@pytest.mark.parametrize(
    "text", ['"a" . <x:s> <x:p> "b"', '"a" # c', "ekg:Foo", "Foo", '"unclosed', "<x:a> <x:b>", ""]
)
def test_parse_term_takes_exactly_one_term(text: str) -> None:
    with pytest.raises(KgError, match="not one RDF term in N-Triples form"):
        parse_term(text)


def test_expand_curie() -> None:
    assert expand_curie("ekg:TheAwakening", PREFIXES) == EKG + "TheAwakening"
    assert expand_curie("ekg:", PREFIXES) == EKG
    assert expand_curie("nope:Foo", PREFIXES) is None
    assert expand_curie("The Awakening", PREFIXES) is None
    assert expand_curie("http://example.org/x", {**PREFIXES, "http": "urn:x:"}) is None
    assert expand_curie(":x", {"": "http://example.org/"}) == "http://example.org/x"


def test_compact_prefers_the_longest_namespace() -> None:
    prefixes = {**PREFIXES, "exa": "http://example.org/a/"}
    assert compact(EKG + "TheAwakening", prefixes) == "ekg:TheAwakening"
    assert compact("http://example.org/a/b", prefixes) == "exa:b"
    assert compact("http://example.org/a/b/c", prefixes) == "<http://example.org/a/b/c>"  # "/" ends a name
    assert compact("http://other.org/x", prefixes) == "<http://other.org/x>"
    assert compact(EKG + "x.", prefixes) == f"<{EKG}x.>"  # a local name cannot end with "."
