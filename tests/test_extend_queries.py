"""User query folders: --queries DIR and KG_QUERIES with kg list, kg query and kg ask."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.catalog import env_query_dirs, query_dirs
from kg.errors import QueryFileError
from kg.paths import queries_dir

# A question no built-in query answers; the user's query file does.
MINE = """\
#+ summary: How far into the career does a stage come?
#+ tags: [mine]
#+ questions:
#+   - How far into the career does {stage} come?
#+ defaults:
#+   - stage: ekg:TheAwakening
PREFIX ekg: <https://w3id.org/essay-kg/ns#>
SELECT ?position ?stage WHERE {
  ?__stage_iri a ekg:Stage ; ekg:position ?position .
  BIND (?__stage_iri AS ?stage)
}
ORDER BY ?position
"""
QUESTION = "How far into the career does the Storm of Cultural Conflict come?"


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    folder = tmp_path / "my-queries"
    folder.mkdir()
    (folder / "stage-depth.rq").write_text(MINE, encoding="utf-8")
    return folder


def assert_error(result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


# --- kg list ------------------------------------------------------------------------------------------


def test_list_shows_the_user_queries_beside_the_built_in_ones(run, mine: Path) -> None:
    result = run("--queries", str(mine), "list", "--format", "json")
    assert result.exit_code == 0, result.output
    names = [e["name"] for e in json.loads(result.stdout)]
    assert "stage-depth" in names
    assert "stage-after" in names
    assert names == sorted(names)
    tagged = run("--queries", str(mine), "list", "--tag", "mine")
    assert tagged.exit_code == 0, tagged.output
    assert [line.split()[0] for line in tagged.stdout.splitlines()[2:]] == ["stage-depth"]


def test_without_the_folder_the_user_query_is_unknown(run, mine: Path) -> None:
    result = run("list", "--format", "json")
    assert "stage-depth" not in [e["name"] for e in json.loads(result.stdout)]
    assert run("query", "stage-depth").exit_code == 2


def test_kg_queries_environment_variable(run, mine: Path, tmp_path: Path) -> None:
    other = tmp_path / "more"
    other.mkdir()
    (other / "stage-count.rq").write_text(
        "#+ summary: How many stages are there?\n"
        "PREFIX ekg: <https://w3id.org/essay-kg/ns#>\n"
        "SELECT (COUNT(?s) AS ?n) WHERE { ?s a ekg:Stage }\n",
        encoding="utf-8",
    )
    env = {"KG_QUERIES": f"{mine}{os.pathsep}{other}"}
    listed = run("list", "--format", "json", env=env)
    assert listed.exit_code == 0, listed.output
    names = {e["name"] for e in json.loads(listed.stdout)}
    assert {"stage-depth", "stage-count", "stages"} <= names
    counted = run("query", "stage-count", "--format", "csv", env=env)
    assert counted.exit_code == 0, counted.output
    assert counted.stdout.splitlines() == ["n", "4"]
    # --queries and KG_QUERIES add up
    both = run(
        "--queries", str(other), "query", "stage-depth", "--format", "csv", env={"KG_QUERIES": str(mine)}
    )
    assert both.exit_code == 0, both.output


def test_env_query_dirs_splits_like_path() -> None:
    assert env_query_dirs({"KG_QUERIES": f"a{os.pathsep}{os.pathsep}b "}) == [Path("a"), Path("b ")]
    assert env_query_dirs({}) == []


# --- kg query -----------------------------------------------------------------------------------------


def test_query_runs_a_user_query_with_and_without_its_parameter(run, mine: Path) -> None:
    every = run("--queries", str(mine), "query", "stage-depth", "--format", "csv")
    assert every.exit_code == 0, every.output
    assert [line.split(",")[0] for line in every.stdout.splitlines()] == ["position", "1", "2", "3", "4"]
    one = run("--queries", str(mine), "query", "stage-depth", "-p", "stage", "Career Decision Point")
    assert one.exit_code == 0, one.output
    assert "ekg:CareerDecisionPoint" in one.stdout
    assert "TheAwakening" not in one.stdout
    shown = run("--queries", str(mine), "query", "stage-depth", "--show")
    assert shown.stdout.startswith(f"# stage-depth: {mine / 'stage-depth.rq'}\n")


def test_a_user_query_may_not_take_a_built_in_name(run, mine: Path) -> None:
    (mine / "stages.rq").write_text(MINE, encoding="utf-8")
    builtin = queries_dir() / "stages.rq"
    message = (
        f'two query files are named "stages": {builtin.relative_to(Path.cwd())} (built in) and '
        f"{mine / 'stages.rq'}: a query's name is its file name, so rename one of them "
        f"(such as {mine / 'my-stages.rq'})"
    )
    for args in (["list"], ["query", "stages"], ["query", "stage-depth"], ["ask", "What are the stages?"]):
        assert_error(run("--queries", str(mine), *args), message)


def test_two_user_folders_may_not_share_a_name(run, mine: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "stage-depth.rq").write_text(MINE, encoding="utf-8")
    result = run("--queries", str(mine), "--queries", str(other), "list")
    assert result.exit_code == 2
    assert result.stderr.startswith('Error: two query files are named "stage-depth": ')
    # the same folder twice is one folder
    twice = run("--queries", str(mine), "--queries", str(mine), "query", "stage-depth")
    assert twice.exit_code == 0, twice.output


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_missing_folder_is_a_clean_error(run, tmp_path: Path, how: str) -> None:
    missing = tmp_path / "nowhere"
    args = ["--queries", str(missing), "list"] if how == "option" else ["list"]
    env = {"KG_QUERIES": str(missing)} if how == "env" else None
    assert_error(
        run(*args, env=env),
        f"{missing}: no such query folder: check the path given with --queries or in KG_QUERIES",
    )


def test_a_folder_without_query_files_is_a_clean_error(run, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a query", encoding="utf-8")
    for args in (["list"], ["query", "stages"], ["ask", "What are the stages?"]):
        assert_error(
            run("--queries", str(tmp_path), *args),
            f"{tmp_path}: this query folder holds no .rq file: add one (`kg new-query NAME --dir {tmp_path}` "
            "writes a skeleton), or drop the folder from --queries / KG_QUERIES",
        )


def test_a_file_given_as_a_folder_is_a_clean_error(run, mine: Path) -> None:
    file = mine / "stage-depth.rq"
    assert_error(
        run("--queries", str(file), "list"),
        f"{file}: not a folder: --queries takes a folder of .rq files; to run this one file, "
        f"give its path: kg query {file}",
    )


def test_a_bad_header_in_a_user_query_names_its_file_and_line(run, mine: Path) -> None:
    (mine / "broken.rq").write_text(
        "#+ summary: fine\n#+ tagz: [oops]\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8"
    )
    expected = (
        f"{mine / 'broken.rq'}:2: unknown header key 'tagz' (did you mean tags?): "
        "the keys are summary, description, tags, questions, defaults, expect"
    )
    assert_error(run("--queries", str(mine), "query", "broken"), expected)
    assert_error(run("--queries", str(mine), "list"), expected)
    # kg query NAME reads only the file it runs: the other queries of the folder still work
    assert run("--queries", str(mine), "query", "stage-depth").exit_code == 0


def test_the_other_commands_ignore_a_bad_query_folder(run, tmp_path: Path) -> None:
    result = run("--queries", str(tmp_path / "nowhere"), "sparql", "ASK { ?s ?p ?o }")
    assert result.exit_code == 0, result.output


def test_query_dirs_puts_the_built_in_folder_first(mine: Path) -> None:
    assert query_dirs([mine]) == [queries_dir(), mine]
    assert query_dirs() == [queries_dir()]
    with pytest.raises(QueryFileError, match="no such query folder"):
        query_dirs([mine / "nowhere"])


# --- kg ask -------------------------------------------------------------------------------------------


def test_ask_answers_from_the_user_query(run, mine: Path) -> None:
    without = run("ask", QUESTION)
    assert without.exit_code == 1, without.output
    assert without.stdout.startswith("No answer in the graph for:")

    result = run("--queries", str(mine), "ask", QUESTION, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["query"] == "stage-depth"
    assert answer["bindings"] == {"stage": "ekg:StormOfCulturalConflict"}
    assert answer["answers"] == ["3"]


def test_ask_picks_up_a_new_query_file_in_the_folder(run, mine: Path) -> None:
    """The question-matching index is cached: a query file added later must still be seen."""
    (mine / "stage-depth.rq").unlink()
    (mine / "placeholder.rq").write_text(
        "#+ summary: Which stages are there?\nPREFIX ekg: <https://w3id.org/essay-kg/ns#>\n"
        "SELECT ?s WHERE { ?s a ekg:Stage }\n",
        encoding="utf-8",
    )
    assert run("--queries", str(mine), "ask", QUESTION).exit_code == 1
    (mine / "stage-depth.rq").write_text(MINE, encoding="utf-8")
    result = run("--queries", str(mine), "ask", QUESTION)
    assert result.exit_code == 0, result.output
    assert "Query: stage-depth (stage = ekg:StormOfCulturalConflict)" in result.stdout
