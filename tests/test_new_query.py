"""kg new-query: the skeleton runs as written, an existing file is never replaced, names are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.catalog import HEADER_KEYS, parse_query_file
from kg.cli_new_query import skeleton
from tests.conftest import REPO


def assert_error(result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


def test_the_skeleton_runs_and_is_listed(run, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    made = run("new-query", "my-question", "--dir", str(folder))
    assert made.exit_code == 0, made.output
    path = folder / "my-question.rq"
    assert made.stderr == (
        f"wrote {path}: run it with `kg --queries {folder} query my-question`, "
        f"list it with `kg --queries {folder} list`\n"
    )
    query = parse_query_file(path)
    assert set(HEADER_KEYS) <= {line.split(":")[0][3:] for line in query.header.splitlines()}
    assert [(p.name, p.type, p.required) for p in query.params] == [("stage", "iri", False)]
    assert "kg new-query my-question" in query.description

    ran = run("--queries", str(folder), "query", "my-question", "--format", "json")
    assert ran.exit_code == 0, ran.output
    rows = json.loads(ran.stdout)["results"]["bindings"]
    assert [r["position"]["value"] for r in rows] == ["1", "2", "3", "4"]
    one = run(
        "--queries", str(folder), "query", "my-question", "-p", "stage", "The Awakening", "--format", "csv"
    )
    assert one.exit_code == 0, one.output
    assert len(one.stdout.splitlines()) == 2

    listed = run("--queries", str(folder), "list", "--format", "json")
    assert "my-question" in [e["name"] for e in json.loads(listed.stdout)]


def test_the_skeleton_meets_its_own_expectation(run, tmp_path: Path) -> None:
    """Its ``expect`` holds for its ``defaults``, as the test suite checks the built-in queries."""
    from kg.catalog import run_query
    from kg.engines import open_engine
    from kg.expect import expectation_failures

    path = tmp_path / "q.rq"
    path.write_text(skeleton("q"), encoding="utf-8")
    query = parse_query_file(path)
    engine = open_engine()
    assert expectation_failures(query, run_query(query, engine), engine.prefixes) == []


def test_the_skeleton_question_is_answered_by_kg_ask(run, tmp_path: Path) -> None:
    assert run("new-query", "stage-depth", "--dir", str(tmp_path)).exit_code == 0
    result = run("--queries", str(tmp_path), "ask", "How far into the career does the Awakening come?")
    assert result.exit_code == 0, result.output
    assert "Query: stage-depth (stage = ekg:TheAwakening)" in result.stdout


def test_the_default_folder_is_the_first_queries_folder(run, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    second.mkdir()
    (second / "other.rq").write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    result = run("--queries", str(first), "new-query", "mine", env={"KG_QUERIES": str(second)})
    assert result.exit_code == 0, result.output
    assert (first / "mine.rq").is_file()
    from_env = run("new-query", "also-mine", env={"KG_QUERIES": str(second)})
    assert from_env.exit_code == 0, from_env.output
    assert (second / "also-mine.rq").is_file()


def test_without_a_folder_it_writes_into_queries_in_the_working_directory(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new-query", "mine")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "queries" / "mine.rq").read_text(encoding="utf-8") == skeleton("mine")
    assert result.stderr.startswith("wrote queries/mine.rq: run it with `kg --queries queries query mine`")


def test_an_existing_file_is_never_replaced(run, tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text("# my own work\n", encoding="utf-8")
    assert_error(
        run("new-query", "mine", "--dir", str(tmp_path)),
        f"{path}: this file already exists and is left as it is: "
        "choose another name, or delete the file first",
    )
    assert path.read_text(encoding="utf-8") == "# my own work\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.rq"]  # no temporary file left


def test_a_built_in_name_is_refused(run, tmp_path: Path) -> None:
    assert_error(
        run("new-query", "stage-after", "--dir", str(tmp_path)),
        'a query named "stage-after" already exists (queries/stage-after.rq): two queries cannot share '
        "a name; choose another one, such as my-stage-after",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "my query",
            '"my query" cannot name a query: use letters, digits and hyphens '
            "(at most 100 characters, no hyphen at either end), such as my-query",
        ),
        (
            "../escape",
            '"../escape" cannot name a query: use letters, digits and hyphens '
            "(at most 100 characters, no hyphen at either end), such as escape",
        ),
        (
            "my_query",
            '"my_query" cannot name a query: use letters, digits and hyphens '
            "(at most 100 characters, no hyphen at either end), such as my-query",
        ),
        ("mine.rq", '"mine.rq": give the name without .rq (kg new-query mine): the file is NAME.rq'),
        (
            "x" * 101,
            f'"{"x" * 101}" cannot name a query: use letters, digits and hyphens '
            f"(at most 100 characters, no hyphen at either end), such as {'x' * 100}",
        ),
    ],
)
def test_bad_names_are_refused(run, tmp_path: Path, name: str, message: str) -> None:
    assert_error(run("new-query", name, "--dir", str(tmp_path)), message)
    assert list(tmp_path.iterdir()) == []


def test_dir_must_be_a_folder(run, tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("", encoding="utf-8")
    assert_error(
        run("new-query", "mine", "--dir", str(file)),
        f"{file}: not a folder: give --dir a folder (it is made if missing)",
    )


def test_help_has_an_example(run) -> None:
    result = run("new-query", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "kg new-query stage-position" in result.stdout


def test_the_readme_example_is_the_skeleton_as_written() -> None:
    example = REPO / "docs" / "examples" / "queries" / "stage-position.rq"
    assert example.read_text(encoding="utf-8") == skeleton("stage-position")
