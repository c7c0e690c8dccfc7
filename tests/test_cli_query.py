"""kg list / query / sparql from the command line: output, bad input, read-only, injection, import cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

EKG = "https://w3id.org/essay-kg/ns#"
Q = "tests/data/queries"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def assert_clean_error(result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


def triples(run) -> int:
    result = run("sparql", COUNT, "--format", "json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])


# --- kg list ------------------------------------------------------------------------------------------


def test_list_json(run) -> None:
    result = run("list", "--format", "json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert len(entries) >= 25
    by_name = {e["name"]: e for e in entries}
    assert by_name["stage-after"] == {
        "name": "stage-after",
        "summary": "Which stage follows a given stage?",
        "parameters": [{"name": "stage", "type": "iri", "required": True}],
    }
    assert all(set(e) == {"name", "summary", "parameters"} for e in entries)


def test_list_table_and_tags(run) -> None:
    result = run("list", "--tag", "stages")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "parameters", "summary"]
    assert any(line.startswith("stage-after") and " stage:iri " in line for line in lines)
    assert not any(line.startswith("actors") for line in lines)
    bad = run("list", "--tag", "stagez")
    assert bad.exit_code == 2
    assert bad.stderr.startswith(
        'Error: no query has the tag "stagez" (did you mean stages or stances?): '
        "the tags are actors, advice, "
    )


# --- kg query -----------------------------------------------------------------------------------------


def test_query_table_shows_labels(run) -> None:
    result = run("query", "stage-challenges")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split() == [
        "stagePosition",
        "stage",
        "stageLabel",
        "challengePosition",
        "challenge",
        "challengeLabel",
    ]
    assert "ekg:TheAwakening" in result.stdout


def test_labels_beside_iris_without_a_label_column(run) -> None:
    result = run("sparql", f"SELECT ?stage WHERE {{ <{EKG}CareerStages> <{EKG}firstStage> ?stage }}")
    assert result.exit_code == 0, result.output
    assert result.stdout == "stage\n--------------------------------\nekg:TheAwakening (The Awakening)\n"


@pytest.mark.parametrize(
    "value", ["The Awakening", "the awakening", "ekg:TheAwakening", f"<{EKG}TheAwakening>"]
)
def test_parameter_by_label_prefixed_name_or_iri(run, value: str) -> None:
    result = run("query", "stage-after", "-p", "stage", value, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith(
        f"{EKG}AscensionOfTheCorporateSocialStrategist,Ascension of the Corporate Social Strategist,"
    )


def test_query_file_by_path(run) -> None:
    result = run(
        "query", f"{Q}/needs_stage.rq", "-p", "stage", "ekg:StormOfCulturalConflict", "--format", "tsv"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f'?next\t?nextLabel\n<{EKG}CareerDecisionPoint>\t"Career Decision Point"\n'


def test_construct_defaults_to_turtle(run) -> None:
    result = run("query", "stage-lane")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("@prefix ")
    assert "ekg:TheAwakening" in result.stdout
    nt = run("query", "stage-lane", "--format", "nt")
    assert nt.stdout.splitlines()[0].startswith("<")


def test_show_prints_header_parameters_and_sparql(run) -> None:
    result = run("query", "stage-after", "--show")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# stage-after: ")
    assert "#+ summary: Which stage follows a given stage?\n" in text
    assert "#   stage (iri, required, default ekg:TheAwakening): bound to ?_stage_iri\n" in text
    assert text.rstrip().endswith("ORDER BY ?nextLabel STR(?next)")


def test_sparql_knows_the_graph_prefixes(run) -> None:
    query = "SELECT ?stage WHERE { ekg:CareerStages ekg:firstStage ?stage }"
    result = run("sparql", query, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["stage", f"{EKG}TheAwakening"]
    declared = run("sparql", "PREFIX ekg: <urn:other#> ASK { ekg:CareerStages ?p ?o }")
    assert declared.exit_code == 1, declared.output  # the query's own declaration wins


EXT = "tests/data/ext/with_evidence.ttl"


@pytest.mark.parametrize("how", ["option", "env"])
def test_extension_files_reach_the_compiled_store(run, how: str) -> None:
    args = ["query", "evidence-for", "-p", "entity", "Social media in business is just getting started"]
    result = run("--data", EXT, *args) if how == "option" else run(*args, env={"KG_DATA": EXT})
    assert result.exit_code == 0, result.output
    assert "And the truth is, we’re just getting started." in result.stdout
    assert run(*args).exit_code == 2  # without the extension, nothing has that label


def test_ask_false_exits_1(run) -> None:
    yes = run("sparql", f"ASK {{ <{EKG}TheAwakening> <{EKG}nextStage> ?x }}")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    no = run("sparql", f"ASK {{ <{EKG}CareerDecisionPoint> <{EKG}nextStage> ?x }}")
    assert (no.exit_code, no.stdout) == (1, "false\n")


def test_sparql_from_stdin(run) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["sparql", "-", "--format", "json"], input=COUNT)
    assert result.exit_code == 0, result.output
    assert int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"]) > 4000


# --- bad input ----------------------------------------------------------------------------------------


def test_unknown_query_name(run) -> None:
    assert_clean_error(
        run("query", "stage-aftr"),
        'no query named "stage-aftr" (did you mean: stage-after, stage-last, stage-first?): '
        "run `kg list` to see the query names, or give the path of a .rq file",
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("colon_in_value.rq", "1:19: a ':' inside a value breaks the YAML header"),
        ("unknown_key.rq", "2: unknown header key 'tag' (did you mean tags?)"),
        ("bad_yaml.rq", "3:13: the #+ header is not valid YAML"),
        ("bad_expect_key.rq", "3: unknown expect key 'row' (did you mean rows?)"),
    ],
)
def test_bad_header_names_file_and_line(run, name: str, message: str) -> None:
    result = run("query", f"{Q}/{name}")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {Q}/{name}:{message}")
    assert "Traceback" not in result.output


def test_sparql_syntax_error_has_line_and_column(run) -> None:
    result = run("query", f"{Q}/syntax_error.rq")
    assert_clean_error(
        result,
        f'{Q}/syntax_error.rq: SPARQL syntax error at line 5, column 12: expected "{{": correct the query\n'
        "    OPTIONAL ?stage ekg:position ?position\n"
        "             ^",
    )
    adhoc = run("sparql", "SELECT ?s WHERE {\n  ?s ?p\n}")
    assert adhoc.exit_code == 2
    assert adhoc.stderr.startswith("Error: SPARQL syntax error at line 3, column ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "position", "two"], "-p position: 'two' is not a whole number: give digits, such as 3"),
        (["-p", "stag", "x"], 'query "needs_stage" has no parameter "stag" (did you mean stage?)'),
        ([], 'query "needs_stage" needs the parameter "stage" (iri): give it with -p stage VALUE; '),
    ],
)
def test_bad_parameters(run, args: list[str], message: str) -> None:
    given = [] if not args or args[1] == "stag" else ["-p", "stage", "ekg:TheAwakening"]
    result = run("query", f"{Q}/needs_stage.rq", *given, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {message}")


def test_missing_parameter_lists_the_parameters(run) -> None:
    assert_clean_error(
        run("query", f"{Q}/needs_stage.rq"),
        'query "needs_stage" needs the parameter "stage" (iri): give it with -p stage VALUE; '
        "its parameters are stage (iri, required), position (integer, optional)",
    )


def test_unknown_label(run) -> None:
    result = run("query", "stage-after", "-p", "stage", "The Awakenin")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        'Error: -p stage: no entity matches "The Awakenin" (did you mean: The Awakening'
    )


@pytest.mark.parametrize("command", [["query", "stages"], ["sparql", COUNT]])
def test_unknown_format(run, command: list[str]) -> None:
    assert_clean_error(
        run(*command, "--format", "xml"),
        'unknown format "xml": choose one of table, csv, tsv, json, md, ttl, nt, jsonld',
    )


def test_format_that_does_not_fit_the_query(run) -> None:
    assert_clean_error(
        run("query", "stage-lane", "--format", "csv"),
        "a CONSTRUCT query gives a graph, which --format csv cannot show: use --format ttl, nt or jsonld",
    )
    assert_clean_error(
        run("query", "stages", "--format", "ttl"),
        "a SELECT query gives rows, which --format ttl cannot show: use --format table, csv, tsv, json or md",
    )


def test_engine_and_endpoint_together(run) -> None:
    assert_clean_error(
        run("query", "stages", "--engine", "rdflib", "--endpoint", "http://127.0.0.1:9/query"),
        "--engine rdflib and --endpoint both choose an engine: give one of them",
    )


# --- read-only, and values bound as terms ----------------------------------------------------------

UPDATES = [
    f"INSERT DATA {{ <{EKG}Mallory> <{EKG}nextStage> <{EKG}TheAwakening> }}",
    "DELETE WHERE { ?s ?p ?o }",
    f"DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p <{EKG}x> }} WHERE {{ ?s ?p ?o }}",
    f"WITH <{EKG}g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "DROP ALL",
    "DROP DEFAULT",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    f"CREATE GRAPH <{EKG}g>",
    f"ADD DEFAULT TO <{EKG}g>",
    f"MOVE DEFAULT TO <{EKG}g>",
    f"COPY DEFAULT TO <{EKG}g>",
    "PREFIX ekg: <https://w3id.org/essay-kg/ns#>\n# a comment\nDROP ALL",
]


def test_updates_are_refused_and_change_nothing(run) -> None:
    before = triples(run)
    for update in UPDATES:
        result = run("sparql", update)
        assert result.exit_code == 2, (update, result.output)
        assert result.stderr.startswith("Error: "), update
        assert "read-only" in result.stderr, (update, result.stderr)
        for engine in ("rdflib",):
            assert run("sparql", update, "--engine", engine).exit_code == 2
    result = run("query", f"{Q}/update.rq")
    assert result.exit_code == 2
    assert "read-only" in result.stderr
    assert triples(run) == before


@pytest.mark.parametrize(
    "args",
    [
        ["sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"],
        ["query", f"{Q}/service.rq"],
        ["query", f"{Q}/service.rq", "--engine", "rdflib"],
    ],
)
def test_service_is_refused(run, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "SERVICE" in result.stderr
    assert "--allow-service" in result.stderr


INJECTIONS = [
    "} ; DROP ALL ; #",
    '" } } ; DROP ALL ; #',
    "'} INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
    'a "quoted" \\ back\nslash',
    "?s ?p ?o",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_is_bound_as_a_literal(run, value: str) -> None:
    before = triples(run)
    result = run("query", f"{Q}/echo.rq", "-p", "text", value, "-p", "english", value, "--format", "json")
    assert result.exit_code == 0, result.output
    (binding,) = json.loads(result.stdout)["results"]["bindings"]
    assert binding["text"] == {"type": "literal", "value": value}
    assert binding["english"] == {"type": "literal", "value": value, "xml:lang": "en"}
    on_rdflib = run("query", f"{Q}/echo.rq", "-p", "text", value, "--format", "json", "--engine", "rdflib")
    assert json.loads(on_rdflib.stdout)["results"]["bindings"][0]["text"]["value"] == value
    # As an IRI parameter the value is looked up as a label (and found nowhere), never pasted.
    as_iri = run("query", "stage-after", "-p", "stage", value)
    assert as_iri.exit_code == 2
    assert as_iri.stderr.startswith("Error: -p stage: ")
    assert triples(run) == before


# --- the fast path imports no heavy modules -------------------------------------------------------------

HEAVY = ("rdflib", "pyshacl", "networkx", "pyvis")
PROBE = """
import sys
from kg.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="kg")
except SystemExit:
    pass
print("HEAVY=" + ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["query", "stages"],
        ["query", "stage-after", "-p", "stage", "The Awakening"],
        ["query", "stage-lane"],
        ["sparql", COUNT],
        ["list"],
        ["list", "--format", "json"],
        ["describe", "The Awakening"],
    ],
    ids=lambda a: " ".join(a),
)
def test_query_commands_do_not_import_heavy_modules(args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    for _ in range(2):  # the first run may compile the store; the second is the fast path
        done = subprocess.run(
            [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "HEAVY=\n" in done.stderr, done.stderr
        assert "Error" not in done.stderr, done.stderr
