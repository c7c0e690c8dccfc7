from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.catalog import (
    HEADER_KEYS,
    Param,
    bind_parameters,
    catalog,
    find_query,
    parse_param,
    parse_query_file,
    query_names,
    with_tags,
)
from kg.errors import KgError, QueryFileError
from kg.paths import queries_dir
from tests.conftest import DATA, REPO

QUERIES = DATA / "queries"
BUILTIN = sorted(p.stem for p in queries_dir().glob("*.rq"))
EKG = "https://w3id.org/essay-kg/ns#"
PREFIXES = {"ekg": EKG}

HEADER_ERRORS = {
    "colon_in_value.rq": (
        "1:19: a ':' inside a value breaks the YAML header: put the value in quotes, "
        'as in #+ summary: "Stages: which come first?"'
    ),
    "unknown_key.rq": (
        "2: unknown header key 'tag' (did you mean tags?): "
        "the keys are summary, description, tags, questions, defaults, expect"
    ),
    "bad_yaml.rq": (
        "3:13: the #+ header is not valid YAML (expected ',' or ']', but got ':', "
        "while parsing a flow sequence at line 2): "
        'correct it; put text holding ":", "#", "[" or "{" in quotes'
    ),
    "bad_expect_key.rq": (
        "3: unknown expect key 'row' (did you mean rows?): the keys are rows, count, empty, nonEmpty"
    ),
    "bad_default.rq": (
        "3: defaults names 'stag', which is not a parameter of the query (did you mean stage?): "
        "its parameters are stage (iri, required)"
    ),
    "header_below.rq": (
        "3: a #+ header line below the start of the query: "
        "move it up into the header (the #+ lines at the top of the file)"
    ),
}


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # messages name files relative to the working directory


@pytest.mark.parametrize("name", sorted(HEADER_ERRORS))
def test_header_errors_name_the_file_and_line(name: str) -> None:
    with pytest.raises(QueryFileError) as error:
        parse_query_file(Path("tests/data/queries") / name)
    assert str(error.value) == f"tests/data/queries/{name}:{HEADER_ERRORS[name]}"


def test_an_update_file_is_refused_when_read() -> None:
    with pytest.raises(QueryFileError, match=r"^tests/data/queries/update\.rq: .*read-only"):
        parse_query_file(Path("tests/data/queries/update.rq"))


def test_a_query_file_that_does_not_parse_still_loads() -> None:
    query = find_query("tests/data/queries/syntax_error.rq")
    assert query.summary == "A query with a SPARQL syntax error on line 5"
    assert query.params == []


def test_parameters_from_variable_names() -> None:
    assert parse_param("_stage_iri") == Param("stage", "_stage_iri", "iri", True)
    assert parse_param("__stance_iri") == Param("stance", "__stance_iri", "iri", False)
    assert parse_param("_n_integer") == Param("n", "_n_integer", "integer", True)
    assert parse_param("__x_decimal") == Param("x", "__x_decimal", "decimal", False)
    assert parse_param("_word_en") == Param("word", "_word_en", "en", True)
    assert parse_param("_free_text") == Param("free_text", "_free_text", "literal", True)
    assert parse_param("_label_literal") == Param("label", "_label_literal", "literal", True)
    assert parse_param("stage") is None


def test_echo_parameters_in_first_use_order() -> None:
    query = find_query(str(QUERIES / "echo.rq"))
    assert [(p.name, p.type, p.required) for p in query.params] == [
        ("text", "literal", True),
        ("english", "en", False),
        ("whole", "integer", False),
        ("number", "decimal", False),
        ("thing", "iri", False),
    ]


def test_unknown_query_name_suggests_close_ones() -> None:
    with pytest.raises(QueryFileError) as error:
        find_query("stage-aftr")
    assert str(error.value) == (
        'no query named "stage-aftr" (did you mean: stage-after, stage-last, stage-first?): '
        "run `kg list` to see the query names, or give the path of a .rq file"
    )


def test_missing_query_file() -> None:
    with pytest.raises(QueryFileError, match=r"^nowhere/q\.rq: no such query file: check the path$"):
        find_query("nowhere/q.rq")


def test_lookup_by_name_reads_one_file(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[Path] = []
    original = Path.read_text

    def spy(self: Path, *args: object, **kwargs: object) -> str:
        read.append(self)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", spy)
    find_query("stages")
    assert [p.name for p in read if p.suffix == ".rq"] == ["stages.rq"]


def test_parsed_headers_are_cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import kg.catalog

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    calls: list[str] = []
    original = kg.catalog._parse_header

    def counting(lines: list[str], display: str) -> dict:
        calls.append(display)
        return original(lines, display)

    monkeypatch.setattr(kg.catalog, "_parse_header", counting)
    first = find_query("stage-after")
    again = find_query("stage-after")
    assert len(calls) == 1
    assert (again.summary, again.defaults, again.expect) == (first.summary, first.defaults, first.expect)
    assert (tmp_path / "query-headers.json").is_file()
    # A header that does not parse is never cached: the error comes every time.
    for _ in range(2):
        with pytest.raises(QueryFileError, match="unknown header key"):
            parse_query_file(QUERIES / "unknown_key.rq")
    # A damaged cache is ignored and rewritten.
    (tmp_path / "query-headers.json").write_text("{not json", encoding="utf-8")
    kg.catalog._loaded_caches.clear()
    assert find_query("stage-after").summary == first.summary


def test_an_unwritable_cache_is_only_slower(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker / "cache"))  # a folder inside a file cannot exist
    assert find_query("stages").summary.startswith("What are the stages")


# --- binding --------------------------------------------------------------------------------------


def needs_stage():
    return find_query(str(QUERIES / "needs_stage.rq"))


def test_missing_required_parameter_names_it_and_lists_the_parameters() -> None:
    with pytest.raises(KgError) as error:
        bind_parameters(needs_stage(), {}, None)
    assert str(error.value) == (
        'query "needs_stage" needs the parameter "stage" (iri): give it with -p stage VALUE; '
        "its parameters are stage (iri, required), position (integer, optional)"
    )


def test_unknown_parameter_did_you_mean() -> None:
    with pytest.raises(KgError) as error:
        bind_parameters(needs_stage(), {"stag": "ekg:TheAwakening"}, None)
    assert str(error.value) == (
        'query "needs_stage" has no parameter "stag" (did you mean stage?): '
        "its parameters are stage (iri, required), position (integer, optional)"
    )


def test_a_query_without_parameters_refuses_one() -> None:
    with pytest.raises(KgError, match=r'^query "stages" takes no parameters: drop -p stage$'):
        bind_parameters(find_query("stages"), {"stage": "x"}, None)


@pytest.mark.parametrize(
    "value",
    ["ekg:TheAwakening", f"<{EKG}TheAwakening>", f"{EKG}TheAwakening", " ekg:TheAwakening "],
)
def test_iri_parameter_forms(value: str) -> None:
    bound = bind_parameters(needs_stage(), {"stage": value}, None)
    assert bound == {"_stage_iri": f"<{EKG}TheAwakening>"}


def test_iri_parameter_by_label() -> None:
    asked: list[str] = []

    def resolve(text: str) -> str | None:
        asked.append(text)
        return EKG + "TheAwakening" if text == "The Awakening" else None

    assert bind_parameters(needs_stage(), {"stage": "The Awakening"}, resolve) == {
        "_stage_iri": f"<{EKG}TheAwakening>"
    }
    assert asked == ["The Awakening"]
    with pytest.raises(KgError, match=r"^-p stage: nothing is labelled 'Nope': give a label"):
        bind_parameters(needs_stage(), {"stage": "Nope"}, resolve)


def test_store_prefixes_expand_too() -> None:
    bound = bind_parameters(needs_stage(), {"stage": "ex:A"}, None, prefixes={"ex": "http://example.org/"})
    assert bound == {"_stage_iri": "<http://example.org/A>"}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"stage": "ekx:TheAwakening"},
            '-p stage: unknown prefix "ekx:" in \'ekx:TheAwakening\' (did you mean "ekg:"?)',
        ),
        ({"stage": "ekg:TheAwakening", "position": "two"}, "-p position: 'two' is not a whole number"),
        ({"stage": "ekg:TheAwakening", "position": "1.5"}, "-p position: '1.5' is not a whole number"),
    ],
)
def test_bad_parameter_values(given: dict[str, str], message: str) -> None:
    with pytest.raises(KgError) as error:
        bind_parameters(needs_stage(), given, None)
    assert str(error.value).startswith(message)


def test_bad_iri_is_refused() -> None:
    with pytest.raises(KgError, match=r"^-p stage: "):
        bind_parameters(needs_stage(), {"stage": "<http://example.org/a b>"}, None)


def test_bad_decimal_is_refused() -> None:
    with pytest.raises(KgError, match=r"^-p number: '4,5' is not a number: give a decimal number"):
        bind_parameters(find_query(str(QUERIES / "echo.rq")), {"text": "x", "number": "4,5"}, None)


def test_typed_values_become_typed_literals() -> None:
    bound = bind_parameters(
        find_query(str(QUERIES / "echo.rq")),
        {"text": "plain", "english": "hello", "whole": "-3", "number": "2.50"},
        None,
    )
    assert bound == {
        "_text": '"plain"',
        "__english_en": '"hello"@en',
        "__whole_integer": '"-3"^^<http://www.w3.org/2001/XMLSchema#integer>',
        "__number_decimal": '"2.50"^^<http://www.w3.org/2001/XMLSchema#decimal>',
    }


HOSTILE = [
    "} ; DROP ALL ; #",
    '" } INSERT DATA { <a:b> <a:b> <a:b> } #',
    "a\\b\nc\rd\te'\"",
    "<x> . ?s ?p ?o",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_literals_stay_one_literal(value: str) -> None:
    term = bind_parameters(find_query(str(QUERIES / "echo.rq")), {"text": value}, None)["_text"]
    triples = list(ox.parse(f"<urn:s> <urn:p> {term} .", format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == 1
    assert triples[0].object == ox.Literal(value)


def test_defaults_fill_parameters_not_given() -> None:
    query = find_query("stage-after")
    assert bind_parameters(query, {}, None) == {"_stage_iri": f"<{EKG}TheAwakening>"}
    assert bind_parameters(query, {"stage": "ekg:StormOfCulturalConflict"}, None) == {
        "_stage_iri": f"<{EKG}StormOfCulturalConflict>"
    }
    with pytest.raises(KgError, match="needs the parameter"):
        bind_parameters(query, {}, None, use_defaults=False)


# --- the built-in query files -----------------------------------------------------------------------


def test_at_least_25_queries() -> None:
    assert len(BUILTIN) >= 25
    assert query_names() == BUILTIN
    assert list(catalog()) == BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_every_query_file_is_documented(name: str) -> None:
    query = find_query(name)
    assert query.summary.endswith("?"), "a summary is the competency question"
    assert len(query.description) > len(query.summary)
    assert query.tags
    assert all(re.fullmatch(r"[a-z0-9-]+", t) for t in query.tags)
    assert query.questions
    assert query.expect, "every query file states its expected answer"
    assert "rows" in query.expect, "prefer rows: a count lets a wrong answer through"
    keys = re.findall(r"^#\+ ([A-Za-z]+):", query.header, re.M)
    assert set(keys) <= set(HEADER_KEYS)
    names = {p.name for p in query.params}
    for question in query.questions:
        assert set(re.findall(r"\{(\w+)\}", question)) <= names, question
    assert set(query.defaults) <= names
    for param in query.params:
        if param.required:
            assert param.name in query.defaults, f"{param.name}: a required parameter needs a default"


def test_tags_filter() -> None:
    queries = list(catalog().values())
    names = [q.name for q in with_tags(queries, ["stages"])]
    assert "stages" in names
    assert "stage-after" in names
    assert "actors" not in names
    with pytest.raises(KgError, match=r'^no query has the tag "stage" \(did you mean stages'):
        with_tags(queries, ["stage"])
