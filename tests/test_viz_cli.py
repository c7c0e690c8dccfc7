"""`kg viz`: the views, their options, and bad input (Error: ..., exit 2, nothing half-written)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from kg.cli import cli
from kg.cli_viz import build, viz
from tests.conftest import DATA

EKG = "https://w3id.org/essay-kg/ns#"


@pytest.fixture(autouse=True)
def commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the commands as kg.cli will (a no-op once it does)."""
    monkeypatch.setitem(cli.commands, "viz", viz)
    monkeypatch.setitem(cli.commands, "build", build)


def assert_error(result: Result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


def test_list_names_every_view(run: Callable[..., Result]) -> None:
    result = run("viz", "--list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [
        "overview",
        "stages",
        "challenges",
        "actors",
        "discussion",
        "focus",
        "query",
        "essay",
    ]
    assert lines[1] == "stages      the four career stages left to right, branching into the two career paths"


def test_writes_a_view(run: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "s.html"
    result = run("viz", "stages", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {target} (8 nodes, 8 links)\n"
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in tmp_path.iterdir()] == ["s.html"]


def test_default_output_is_outputs_view_html(run: Callable[..., Result], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("viz", "essay")
    assert result.exit_code == 0, result.output
    assert result.stderr == "wrote outputs/essay.html (219 quoted spans, 203 facts)\n"
    assert (tmp_path / "outputs" / "essay.html").is_file()


def test_focus_and_open(run: Callable[..., Result], tmp_path: Path, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    target = tmp_path / "f.html"
    result = run("viz", "focus", "--focus", "Jeremiah Owyang", "--depth", "1", "-o", str(target), "--open")
    assert result.exit_code == 0, result.output
    assert opened == [target.resolve().as_uri()]
    assert "Around Jeremiah Owyang" in target.read_text(encoding="utf-8")


def test_query_view(run: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "q.html"
    result = run(
        "viz", "query", "--query", "neighbourhood", "-p", "entity", "Altimeter Group", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote {target} (")


def test_extension_files_are_drawn(run: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "a.html"
    result = run("--data", str(DATA / "viz" / "hostile.ttl"), "viz", "actors", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "HostilePerson" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["stagez"],
            'unknown view "stagez" (did you mean "stages"?): use one of overview, stages, challenges, '
            "actors, "
            "discussion, focus, query, essay; `kg viz --list` says what each shows",
        ),
        ([], "give a view: kg viz VIEW (kg viz --list names them)"),
        (
            ["focus", "--focus", "Jeremy Owyang"],
            'no entity "Jeremy Owyang" in the graph (did you mean: Jeremiah Owyang?): give a label, '
            "a prefixed "
            "name such as ekg:BrianSolis, or an IRI; `kg stats` lists the classes",
        ),
        (
            ["focus"],
            "the focus view needs an entity: add --focus ENTITY (a label, a prefixed name or an IRI)",
        ),
        (
            ["overview", "--depth", "2"],
            "--depth belongs to the focus view, not overview: run `kg viz focus --focus ENTITY --depth 2`",
        ),
        (
            ["query", "--query", "stages"],
            'query "stages" is a SELECT query: kg viz --query draws the graph a CONSTRUCT query returns; '
            "give a "
            "CONSTRUCT query (such as neighbourhood), or run this one with `kg query stages`",
        ),
        (
            ["query", "--query", "neighbourhod"],
            'no query named "neighbourhod" (did you mean: neighbourhood?): run `kg list` to see the query '
            "names, or give the path of a .rq file",
        ),
        (
            ["stages", "--query", "neighbourhood"],
            "--query belongs to the query view, not stages: run `kg viz query --query neighbourhood`",
        ),
    ],
)
def test_bad_input(run: Callable[..., Result], args: list[str], message: str, tmp_path: Path) -> None:
    before = set(Path("outputs").glob("*")) if Path("outputs").is_dir() else set()
    assert_error(run("viz", *args, "-o", str(tmp_path / "v.html")), message)
    assert list(tmp_path.iterdir()) == []
    assert (set(Path("outputs").glob("*")) if Path("outputs").is_dir() else set()) == before


def test_output_in_a_missing_folder(run: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "missing" / "v.html"
    assert_error(
        run("viz", "stages", "-o", str(target)),
        f"{target}: the folder {target.parent} does not exist: create it first, or give -o another path",
    )
    assert list(tmp_path.iterdir()) == []


def test_output_in_an_unwritable_folder(run: Callable[..., Result], tmp_path: Path, monkeypatch) -> None:
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    target = tmp_path / "v.html"
    assert_error(
        run("viz", "stages", "-o", str(target)),
        f"{target}: the folder {tmp_path} is not writable: give -o a path in a folder you can write to",
    )
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_a_folder_or_under_a_file(run: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    assert_error(
        run("viz", "stages", "-o", str(tmp_path / "file" / "v.html")),
        f"{tmp_path / 'file' / 'v.html'}: {tmp_path / 'file'} is not a folder: "
        "give -o a path inside a folder",
    )


def test_a_failed_write_leaves_the_old_file(run: Callable[..., Result], tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "v.html"
    target.write_text("old")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    assert_error(
        run("viz", "stages", "-o", str(target)),
        f"{target}: cannot write: No space left on device: nothing was written; give -o a path in a folder "
        "you can write to",
    )
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["v.html"]


def test_viz_does_not_load_when_kg_starts() -> None:
    """cli_viz is imported by kg.cli: it must not pull in rdflib, networkx, pyvis, numpy or scipy."""
    import subprocess
    import sys

    code = (
        "import sys, kg.cli_viz; "
        "heavy = [m for m in ('rdflib', 'networkx', 'pyvis', 'numpy', 'scipy', 'kg.viz') "
        "if m in sys.modules]; "
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_output_that_is_a_folder(run: Callable[..., Result], tmp_path: Path) -> None:
    assert_error(
        run("viz", "stages", "-o", str(tmp_path)),
        f"{tmp_path}: is a folder: give -o a file name, such as {tmp_path / 'view.html'}",
    )
