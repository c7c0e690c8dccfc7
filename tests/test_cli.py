from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from rdflib import Graph

from kg import __version__
from kg.cli import cli
from kg.errors import ParseError
from tests.conftest import DATA, REPO

BAD = "tests/data/bad"
CAT = "tests/data/mini_ext/cat.ttl"

BAD_INPUTS = {
    "missing_dot.ttl": (
        '6:1: expected " ." to end the statement before ekg:Other: add it '
        '(or use ";" between predicate-object pairs and "," between objects)'
    ),
    "unknown_prefix.ttl": (
        '4:13: unknown prefix "ekgg:" (did you mean "ekg:"?): correct it, '
        'or declare it with "@prefix ekgg: <IRI> ." at the top of the file'
    ),
    "undeclared_prefix.ttl": (
        '3:1: unknown prefix "ekg:": '
        'add "@prefix ekg: <https://w3id.org/essay-kg/ns#> ." at the top of the file'
    ),
    "bad_iri.ttl": (
        "4:24: bad IRI <https://example.org/a page>: ' ' is not allowed in an IRI: "
        "percent-encode it as %20 or remove it"
    ),
    "relative_iri.ttl": (
        "4:24: relative IRI <other-thing>: write an absolute IRI such as "
        "<https://example.org/other-thing> or a prefixed name such as ekg:Name"
    ),
    "not_utf8.ttl": "4:26: byte 0xE9 is not UTF-8: save the file with the UTF-8 encoding",
    "unclosed_string.ttl": (
        '4:30: string not closed on its line: add the closing ", or write a line break as \\n'
    ),
}

BAD_PATHS = {
    "no_turtle": "this folder holds no .ttl file: give a Turtle file or a folder of them",
    "missing.ttl": "no such file or folder: check the path",
    "graph.jsonld": "not a Turtle file (expected a .ttl name): convert it to Turtle, or rename it",
}


def assert_clean_error(result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
@pytest.mark.parametrize("command", ["validate", "stats", "export"])
def test_bad_turtle_is_a_one_line_error(run, mini, name: str, command: str) -> None:
    result = run(command, f"{BAD}/{name}")
    assert_clean_error(result, f"{BAD}/{name}:{BAD_INPUTS[name]}")


@pytest.mark.parametrize("name", sorted(BAD_PATHS))
def test_bad_paths_are_one_line_errors(run, mini, name: str) -> None:
    assert_clean_error(run("validate", f"{BAD}/{name}"), f"{BAD}/{name}: {BAD_PATHS[name]}")


def test_missing_source_text(run, mini) -> None:
    assert_clean_error(
        run("validate", f"{BAD}/missing_text"),
        f'{BAD}/missing_text/source.ttl:4:19: source text "missing.txt" not found '
        f"(looked for {BAD}/missing_text/missing.txt): "
        "fix ekg:localPath; it is relative to this Turtle file's folder",
    )


def test_bad_file_from_data_option_and_env(run, mini) -> None:
    expected = f"{BAD}/unknown_prefix.ttl:{BAD_INPUTS['unknown_prefix.ttl']}"
    assert_clean_error(run("--data", f"{BAD}/unknown_prefix.ttl", "stats"), expected)
    assert_clean_error(run("stats", env={"KG_DATA": f"{BAD}/unknown_prefix.ttl"}), expected)


def test_debug_lets_the_exception_through(run, mini) -> None:
    result = run("--debug", "validate", f"{BAD}/unknown_prefix.ttl")
    assert isinstance(result.exception, ParseError)
    assert result.exit_code != 0


def test_unexpected_errors_are_reported_as_bugs(run, mini, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr("kg.stats.compute_stats", broken)
    result = run("stats")
    assert_clean_error(
        result,
        "unexpected ValueError: boom: this is a bug in kg; "
        "rerun with --debug for the traceback and report it",
    )


def test_usage_errors_exit_2(run) -> None:
    result = run("export", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_version(run) -> None:
    for flag in ("--version", "-V"):
        result = run(flag)
        assert result.exit_code == 0
        assert result.stdout == f"kg {__version__}\n"


def command_names() -> list[str]:
    """Every command, those imported on first use (kg.cli.LAZY_COMMANDS) included."""
    return cli.list_commands(click.Context(cli))


def test_lazy_commands_are_found_and_listed() -> None:
    from kg.cli import LAZY_COMMANDS

    assert set(LAZY_COMMANDS) <= set(command_names())
    for name in LAZY_COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        assert command.name == name


@pytest.mark.parametrize("command", [[], *([name] for name in command_names())])
def test_every_command_has_help_with_an_example(run, command: list[str]) -> None:
    for flag in ("--help", "-h"):
        result = run(*command, flag)
        assert result.exit_code == 0, result.output
        assert "Example:\n" in result.stdout
        assert re.search(r"Example:\n +kg ", result.stdout)


def test_validate_exit_0_when_the_graph_conforms(run, mini) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "the graph conforms" in result.stdout


def test_validate_exit_1_for_an_individual_without_evidence(run, mini) -> None:
    result = run("validate", CAT)
    assert result.exit_code == 1, result.output
    assert "ekg:Cat (cat)" in result.stdout
    assert "ex:ThingShape" in result.stdout


def test_validate_json(run, mini) -> None:
    result = run("validate", "--format", "json", CAT)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert [f["focus"] for f in report["findings"]] == ["ekg:Cat"]


def individuals(result) -> int:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["individuals"]


def test_data_option_and_env_add_files(run, mini) -> None:
    assert individuals(run("stats", "--format", "json")) == 3
    assert individuals(run("--data", CAT, "stats", "--format", "json")) == 4
    assert individuals(run("stats", "--format", "json", env={"KG_DATA": CAT})) == 4
    assert individuals(run("stats", "--format", "json", CAT)) == 4
    # Env, option and argument combine; the same file counts once.
    both = os.pathsep.join([CAT, "tests/data/good/empty.ttl"])
    assert individuals(run("--data", CAT, "stats", "--format", "json", CAT, env={"KG_DATA": both})) == 4


def test_stats_table(run, mini) -> None:
    result = run("stats")
    assert result.exit_code == 0, result.output
    assert "evidence coverage: 100.0%" in result.stdout
    assert "animal    ekg:Animal            2                2" in result.stdout


def test_stats_lists_individuals_without_evidence(run, mini) -> None:
    result = run("stats", CAT)
    assert "evidence coverage: 75.0%" in result.stdout
    assert result.stdout.endswith("individuals without evidence:\n  ekg:Cat\n")


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_formats_parse_back(run, mini, fmt: str, rdflib_format: str) -> None:
    inferred = run("export", "--format", fmt)
    asserted = run("export", "--format", fmt, "--asserted")
    assert inferred.exit_code == asserted.exit_code == 0
    assert len(Graph().parse(data=inferred.stdout, format=rdflib_format)) == 65
    assert len(Graph().parse(data=asserted.stdout, format=rdflib_format)) == 62


def test_export_to_a_file(run, mini, tmp_path: Path) -> None:
    target = tmp_path / "out" / "graph.ttl"
    result = run("export", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {target} (65 triples)\n"
    assert len(Graph().parse(target, format="turtle")) == 65
    assert [p.name for p in target.parent.iterdir()] == ["graph.ttl"]  # no temporary file left


def test_failed_export_leaves_the_previous_file(run, mini, tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("previous", encoding="utf-8")
    result = run("export", "-o", str(target), f"{BAD}/missing_dot.ttl")
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "previous"


def kg_script() -> Path:
    return Path(sys.executable).with_name("kg")


@pytest.mark.skipif(
    not kg_script().exists(), reason="the kg console script is not installed in this environment"
)
def test_the_real_entry_point(tmp_path: Path) -> None:
    bad = DATA / "bad" / "unknown_prefix.ttl"
    env = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    done = subprocess.run(
        [str(kg_script()), "stats", str(bad)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"Error: {bad}:{BAD_INPUTS['unknown_prefix.ttl']}\n"

    debug = subprocess.run(
        [str(kg_script()), "--debug", "stats", str(bad)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert debug.stderr.rstrip().endswith(f"kg.errors.ParseError: {bad}:{BAD_INPUTS['unknown_prefix.ttl']}")


def test_python_dash_m_kg(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kg", "--version"], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"kg {__version__}\n"
