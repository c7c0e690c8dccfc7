from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef

from kg.errors import ParseError
from kg.turtle import declared_prefixes, parse_turtle

EKG = "https://w3id.org/essay-kg/ns#"
HEAD = "@prefix ekg: <https://w3id.org/essay-kg/ns#> .\n"


def parse_error(text: str | bytes, known: dict[str, str] | None = None) -> ParseError:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(ParseError) as caught:
        parse_turtle(data, "f.ttl", known)
    return caught.value


def test_terms_are_rdflib_terms_and_plain_strings_stay_plain() -> None:
    parsed = parse_turtle(
        (HEAD + 'ekg:a ekg:p "x" , "y"@en , 3 , [ ekg:q ekg:b ] .\n').encode(),
        "f.ttl",
    )
    objects = {o for _, p, o in parsed.triples if p == URIRef(EKG + "p")}
    assert Literal("x") in objects  # no explicit xsd:string: it would compare unequal to rdflib's
    assert Literal("y", lang="en") in objects
    assert Literal(3) in objects
    assert any(isinstance(o, BNode) for o in objects)
    assert parsed.prefixes == {"ekg": EKG}


def test_blank_node_labels_do_not_meet_across_files() -> None:
    first = parse_turtle((HEAD + "_:b ekg:p ekg:x .\n").encode(), "a.ttl")
    second = parse_turtle((HEAD + "_:b ekg:p ekg:y .\n").encode(), "b.ttl")
    assert first.triples[0][0] != second.triples[0][0]


def test_empty_and_comment_only_files_have_no_triples() -> None:
    assert parse_turtle(b"", "f.ttl").triples == []
    assert parse_turtle(b"# nothing here\n", "f.ttl").triples == []


def test_byte_order_mark_is_ignored() -> None:
    assert (
        len(parse_turtle(b"\xef\xbb\xbf" + (HEAD + "ekg:a ekg:p ekg:b .\n").encode(), "f.ttl").triples) == 1
    )


def test_columns_count_characters_not_bytes() -> None:
    error = parse_error(HEAD + 'ekg:a ekg:p "😀 “é”" , <rel> .\n')
    assert (error.line, error.column) == (2, 23)
    assert str(error).startswith("f.ttl:2:23: relative IRI <rel>:")


def test_not_utf8_points_at_the_first_bad_byte() -> None:
    error = parse_error(HEAD.encode() + b'ekg:a ekg:p "\xe2\x80\x9cok\xe2\x80\x9d \xff" .\n')
    assert str(error) == "f.ttl:2:19: byte 0xFF is not UTF-8: save the file with the UTF-8 encoding"


def test_unknown_prefix_suggests_a_close_one() -> None:
    error = parse_error(HEAD + "ekg:a ekg:p EKG:b .\n")
    assert error.problem == (
        'unknown prefix "EKG:" (did you mean "ekg:"?): correct it, '
        'or declare it with "@prefix EKG: <IRI> ." at the top of the file'
    )


def test_unknown_prefix_known_to_the_ontology_gives_the_line_to_add() -> None:
    error = parse_error("skos:a skos:b skos:c .\n", {"skos": "http://www.w3.org/2004/02/skos/core#"})
    assert error.problem == (
        'unknown prefix "skos:": add "@prefix skos: <http://www.w3.org/2004/02/skos/core#> ." '
        "at the top of the file"
    )


def test_unknown_prefix_with_nothing_close() -> None:
    error = parse_error(HEAD + "ekg:a ekg:p zzzzzz:b .\n")
    assert (
        error.problem
        == 'unknown prefix "zzzzzz:": declare it with "@prefix zzzzzz: <IRI> ." at the top of the file'
    )


def test_prefix_declared_after_its_use() -> None:
    error = parse_error("ex:a ex:b ex:c .\n@prefix ex: <http://example.org/> .\n")
    assert (
        error.problem
        == 'unknown prefix "ex:": it is declared further down: move its "@prefix" line above its first use'
    )


def test_bad_percent_encoding_in_iri() -> None:
    error = parse_error(HEAD + "ekg:a ekg:p <http://example.org/%zz> .\n")
    assert str(error) == (
        "f.ttl:2:13: bad IRI <http://example.org/%zz>: invalid IRI percent encoding '%zz': correct the IRI"
    )


def test_file_ending_inside_a_statement() -> None:
    error = parse_error(HEAD + "ekg:a ekg:p ekg:b ;\n")
    assert error.problem == 'the file ends inside a statement: finish it and end it with " ."'


def test_string_running_to_the_end_of_the_file() -> None:
    error = parse_error(HEAD + 'ekg:a ekg:p """never closed .\n')
    assert str(error) == 'f.ttl:2:13: string not closed: add the closing """'


def test_other_syntax_errors_keep_oxigraphs_words_and_the_location() -> None:
    error = parse_error(HEAD + '"x" ekg:p ekg:b .\n')
    assert str(error) == (
        'f.ttl:2:1: "x" is not a valid subject or graph name: correct the Turtle here '
        "(syntax: https://www.w3.org/TR/turtle/)"
    )


def test_declared_prefixes_reads_both_spellings() -> None:
    text = "@prefix a: <http://a/> .\nPREFIX b: <http://b/>\n@prefix : <http://c/> .\n"
    assert declared_prefixes(text) == {"a": "http://a/", "b": "http://b/", "": "http://c/"}
