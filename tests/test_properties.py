"""Property-based tests (hypothesis): whatever the input, either an answer or a KgError with a message.

Turtle snippets (random text and bytes, and mutations of a valid file), query-file headers,
parameter values and questions. No input may raise anything but a KgError, and a parse error
points inside the text it read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.catalog import bind_parameters, parse_query_text
from kg.errors import KgError, ParseError, QueryFileError
from kg.sources import Source
from kg.sparqltext import bind_values
from kg.turtle import parse_turtle
from tests.conftest import MINI

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALID = (MINI / "things.ttl").read_text(encoding="utf-8")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def attempt(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, KgError | None]:
    """``function``'s result and None, or None and the KgError it raised (anything else goes through)."""
    try:
        return function(*args, **kwargs), None
    except KgError as e:
        return None, e


def check_turtle(data: bytes) -> None:
    """``data`` parses, or the ParseError's line and column are inside it; both parsers say the same."""
    from kg.compile import _scan

    _, e = attempt(parse_turtle, data, "f.ttl")
    if e is not None:
        assert isinstance(e, ParseError)
        message = str(e)
        assert message.startswith(f"f.ttl:{e.line}:{e.column}: ")
        assert e.problem.strip()
        assert not CONTROL.search(message), message  # the file's control characters are escaped
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
        lines = LINE_BREAK.split(text)
        assert 1 <= e.line <= len(lines) + 1, (e.line, len(lines))
        if e.line <= len(lines):
            assert 1 <= e.column <= len(lines[e.line - 1]) + 2, (e.column, lines[e.line - 1])
        if "is not UTF-8" in message:
            return
        with pytest.raises(ParseError) as compiled:  # the compiled store's path: the same message
            _scan([Source(Path("f.ttl"), "f.ttl")], [data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")])
        assert str(compiled.value) == message
    else:  # the compiled store's path reads it too
        _scan([Source(Path("f.ttl"), "f.ttl")], [data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")])


TURTLE_ALPHABET = st.sampled_from(
    [*"ekg:ab <>\"'.,;[]()@^_#\\\n\r\t-0123456789eE", "a", "true", "\x00", "\ufeff", "é", "😀", '"""', "^^"]
)


@QUICK
@given(st.lists(TURTLE_ALPHABET, max_size=60).map("".join))
@example('ekg:a ekg:p "x"^^<http://www.w3.org/2001/XMLSchema#integer> .')
@example("<< <http://a> <http://b> <http://c> >> <http://p> <http://o> .")
def test_turtle_from_its_own_alphabet(text: str) -> None:
    check_turtle(("@prefix ekg: <https://w3id.org/essay-kg/ns#> .\n" + text).encode("utf-8"))


@QUICK
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    check_turtle(text.encode("utf-8"))


@QUICK
@given(st.binary(max_size=200))
def test_any_bytes(data: bytes) -> None:
    check_turtle(data)


MUTATION_CHARS = st.sampled_from(
    [*".;,[]()<>\"'@^:#\\ \n", "\x00", "\ufeff", "a", "_:", "^^xsd:integer", '"""']
)


@st.composite
def mutated(draw: Any) -> str:
    """The mini ontology with a few characters deleted, inserted, duplicated or cut off."""
    text = VALID
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate"]))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        elif kind == "insert":
            text = text[:at] + draw(MUTATION_CHARS) + text[at:]
        elif kind == "duplicate":
            text = text[:at] + text[at : at + draw(st.integers(1, 40))] + text[at:]
        else:
            text = text[:at]
    return text


@QUICK
@given(mutated())
def test_mutations_of_a_valid_file(text: str) -> None:
    check_turtle(text.encode("utf-8"))


# ---- SPARQL text -------------------------------------------------------------------------------------

SPARQL_WORDS = st.sampled_from(
    [
        "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "PREFIX", "ex:", "<http://ex/a>", "?s", "?p", "?o",
        "*", "{", "}", "(", ")", "[", "]", ".", ";", ",", "FILTER", "OPTIONAL", "UNION", "SERVICE", "INSERT",
        "DATA", "DROP", "ALL", "LIMIT", "1", '"x"', "'''", '"""', "#", "\n", "\x1b]0;t\x07", "\x00", "||",
        "!", "a", "VALUES", "BIND", "AS", "GRAPH", "^^", "@en", "é", "\\u0022",
    ]
)  # fmt: skip


@pytest.fixture(scope="module")
def tiny_engine() -> Any:
    from kg.compile import Compiled
    from kg.engines import OxigraphEngine

    store = ox.Store()
    for i in range(3):
        store.add(ox.Quad(ox.NamedNode(f"http://ex/s{i}"), ox.NamedNode("http://ex/p"), ox.Literal(str(i))))
    return OxigraphEngine(Compiled(store, {"ex": "http://ex/"}, Path("tiny")), reason=False)


@QUICK
@given(st.lists(SPARQL_WORDS, max_size=25).map(" ".join))
@example('SELECT * WHERE { ?s ?p "\x1b]0;owned\x07" ?x }')
def test_any_sparql_runs_or_says_why(tiny_engine: Any, sparql: str) -> None:
    _, e = attempt(tiny_engine.run, sparql)
    if e is not None:
        assert str(e).strip()
        assert not CONTROL.search(str(e).replace("\n", "")), str(e)  # nothing reaches the terminal raw
    assert len(tiny_engine.compiled.store) == 3  # read-only, whatever the text


# ---- query headers -----------------------------------------------------------------------------------

QUERY = "SELECT ?s WHERE { ?s ?p ?_thing_iri }\n"
YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
KEYS = st.sampled_from(["summary", "description", "tags", "questions", "defaults", "expect", "sumary", "x"])


def check_header(header_lines: list[str]) -> None:
    text = "".join(f"#+ {line}\n" for line in header_lines) + QUERY
    query, e = attempt(parse_query_text, text, name="q", path=Path("q.rq"))
    if e is not None:
        assert isinstance(e, QueryFileError)
        match = re.match(r"q\.rq:(\d+)(?::(\d+))?: \S", str(e))
        assert match, str(e)
        assert 1 <= int(match[1]) <= len(header_lines) + 1, str(e)
        assert not CONTROL.search(str(e)), str(e)
    else:
        assert query.name == "q"
        assert [p.name for p in query.params] == ["thing"]


@QUICK
@given(st.dictionaries(KEYS, YAML_VALUES, max_size=4))
def test_headers_of_yaml_values(header: dict[str, Any]) -> None:
    import yaml

    check_header(yaml.safe_dump(header, allow_unicode=True, width=1000).splitlines() if header else [])


@QUICK
@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=30), max_size=6))
@example(["summary: a\x1fb"])  # a control character: YAML's reader refuses it before parsing
def test_headers_of_any_lines(lines: list[str]) -> None:
    check_header(lines)


# ---- parameter values ----------------------------------------------------------------------------------

PARAMS = parse_query_text(
    "SELECT * WHERE { ?s ?p ?o FILTER(?_a_literal = ?_b_en || ?_c_integer = ?_d_decimal || ?s = ?_e_iri) }\n",
    name="params",
    path=Path("params.rq"),
)
ECHO = {
    kind: parse_query_text(f"SELECT ?_v_{kind} WHERE {{ }}\n", name=kind, path=Path(f"{kind}.rq"))
    for kind in ("literal", "en", "integer", "decimal", "iri")
}


@QUICK
@given(st.sampled_from(sorted(ECHO)), st.text(max_size=80))
@example("literal", '"} ; DROP ALL ; #')
@example("literal", "\\u0022) } INSERT DATA { <a> <b> <c> } #")
@example("iri", "http://example.org/x> } ; DROP ALL ; <http://a")
def test_a_parameter_value_is_one_term_and_only_itself(kind: str, value: str) -> None:
    """Bound, run on a real Oxigraph store: the one answer is the value as typed, and the store unchanged."""
    query = ECHO[kind]
    prefixes = {"ekg": "https://w3id.org/essay-kg/ns#"}
    bindings, e = attempt(bind_parameters, query, {"v": value}, lambda _: None, prefixes=prefixes)
    if e is not None:
        assert str(e).startswith("-p v: "), str(e)
        return
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
    sparql = bind_values(query.sparql, bindings)
    rows = list(store.query(sparql))
    assert len(rows) == 1
    term = rows[0][f"_v_{kind}"]
    if kind in ("literal", "en"):
        assert term.value == value
        assert (term.language == "en") == (kind == "en")
    elif kind in ("integer", "decimal"):  # the engine may write the number canonically: 00 -> 0
        assert Decimal(term.value) == Decimal(value.strip())
    else:
        assert isinstance(term, ox.NamedNode)
    assert len(store) == 1


@QUICK
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e", "zz"]), st.text(max_size=30), max_size=5))
def test_bind_parameters_answers_or_says_which_value(given_values: dict[str, str]) -> None:
    bindings, e = attempt(bind_parameters, PARAMS, given_values, lambda _: None, prefixes={})
    if e is not None:
        assert str(e).strip()
        assert "zz" in given_values or str(e).startswith(("-p ", 'query "params" needs')), str(e)
    else:
        assert set(bindings) <= {p.variable for p in PARAMS.params}
        ox.Store().query(bind_values(PARAMS.sparql, bindings))  # valid SPARQL


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
@example("} ; DROP ALL ; #")
@example("\x1b]0;owned\x07")
def test_dash_p_through_the_cli(run: Callable[..., Result], value: str) -> None:
    result = run("query", "stage-after", "-p", "stage", value, "--format", "csv")
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: -p stage: ") or result.stderr.startswith("Error: "), (
            result.stderr
        )
        assert result.stderr.count("\n") == 1
        assert not CONTROL.search(result.stderr.rstrip("\n")), result.stderr


def test_the_graph_is_the_same_after_hostile_values(run: Callable[..., Result]) -> None:
    before = run("query", "classes", "--format", "csv").stdout
    for value in ["} ; DROP ALL ; #", "ekg:TheAwakening> . } DELETE WHERE { ?s ?p ?o } #", "\\u0022 }"]:
        run("query", "stage-after", "-p", "stage", value)
        run("ask", f"What comes after {value}?")
    assert run("query", "classes", "--format", "csv").stdout == before


# ---- questions -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def asker() -> Callable[[str], Any]:
    from kg.ask import ask
    from kg.ask_index import knowledge_for
    from kg.engines import open_engine

    engine = open_engine()
    knowledge = knowledge_for(engine)
    return lambda question: ask(question, engine, knowledge)


QUESTION_WORDS = st.sampled_from(
    [
        "What", "Who", "Which", "How", "many", "comes", "after", "before", "the", "Awakening", "stage",
        "stages", "Altimeter", "report", "?", "'s", "career", "paths", "strategist", "Brian", "Solis",
        "\x00", "\x1b[31m", "\u202e", "é", "😀", "DROP", "ALL", "}", "{", '"', "#", "-p", "\t", "\n",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=120), st.lists(QUESTION_WORDS, max_size=14).map(" ".join)))
@example("")
@example(" " * 5000)
@example("why " * 2500)
def test_a_question_gets_an_answer_or_an_abstention(asker: Callable[[str], Any], question: str) -> None:
    answer, e = attempt(asker, question)
    if e is not None:  # empty or too long: refused with a message
        assert str(e).strip()
        return
    assert answer.answered in (True, False)
    if answer.answered:
        assert answer.answers
    else:
        assert answer.suggestions or answer.question is not None
