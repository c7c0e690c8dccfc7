"""`kg build`: every view, the index, the exports; atomic as a whole; progress on a terminal."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from click.testing import Result

from kg.build import EXPORTS, build, check_output_folder, write_all
from kg.cli import cli
from kg.cli_viz import build as build_command
from kg.errors import KgError, OutputError
from tests.conftest import DATA

VIEW_FILES = [
    "overview.html",
    "stages.html",
    "challenges.html",
    "actors.html",
    "discussion.html",
    "essay.html",
]
QUERY_FILES = ["query-neighbourhood.html", "query-stage-lane.html"]
OTHER_FILES = ["index.html", "docs.html", "validation.json", "stats.json", *(name for name, _, _ in EXPORTS)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "outputs"
    result = build(folder)
    assert result.conforms, result.summary
    return folder


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli.commands, "build", build_command)


def test_writes_every_view_the_index_and_the_exports(site: Path) -> None:
    names = sorted(p.name for p in site.iterdir())
    assert names == sorted([*VIEW_FILES, *QUERY_FILES, *OTHER_FILES])


def test_index_links_views_stats_validation_and_queries(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in [*VIEW_FILES, *QUERY_FILES, *OTHER_FILES[1:]]:  # all but the index itself
        assert f'href="{name}"' in index, name
    assert "0 violations, 0 warnings: the graph conforms." in index
    assert "evidence coverage" in index
    assert "100.0%" in index
    assert "<code>stage-after</code>" in index  # the query catalogue
    assert "203 nodes" in index
    assert "script-src &#x27;none&#x27;" in index  # the index runs no script at all


def test_exports_read_back(site: Path) -> None:
    from rdflib import Graph

    turtle = Graph().parse(site / "graph.ttl", format="turtle")
    assert len(turtle) == len(Graph().parse(site / "graph.nt", format="nt"))
    graphml = nx.read_graphml(site / "graph.graphml")
    gexf = nx.read_gexf(site / "graph.gexf")
    assert graphml.number_of_nodes() == gexf.number_of_nodes() > 250
    stats = json.loads((site / "stats.json").read_text())
    assert stats["triples"]["with_inferences"] == len(turtle)
    assert json.loads((site / "validation.json").read_text())["conforms"] is True


def test_pages_link_to_each_other(site: Path) -> None:
    overview = (site / "overview.html").read_text(encoding="utf-8")
    assert '"links":{"index":"index.html","overview":"overview.html","essay":"essay.html"}' in overview


def test_a_failed_build_leaves_the_previous_outputs_whole(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "README.md").write_text("keep me")
    (folder / "stages.html").write_text("old stages")
    (folder / "index.html").write_text("old index")

    def broken(*args, **kwargs):
        raise KgError("the essay view broke")

    monkeypatch.setattr("kg.viz.essay.render_essay", broken)
    with pytest.raises(KgError, match="the essay view broke"):
        build(folder, queries=False)
    assert {p.name: p.read_text() for p in folder.iterdir()} == {
        "README.md": "keep me",
        "stages.html": "old stages",
        "index.html": "old index",
    }


def test_a_failed_write_leaves_every_previous_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a.html").write_text("old a")
    (tmp_path / "b.html").write_text("old b")
    real_fdopen = os.fdopen
    calls = {"n": 0}

    def full_disk(fd: int, mode: str):
        calls["n"] += 1
        if calls["n"] == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, mode)

    monkeypatch.setattr(os, "fdopen", full_disk)
    with pytest.raises(OutputError, match=r"No space left on device.*the previous outputs are unchanged"):
        write_all(tmp_path, {"a.html": b"new a", "b.html": b"new b", "c.html": b"new c"})
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"a.html": "old a", "b.html": "old b"}


def test_output_folder_checks(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(KgError, match="exists and is not a folder: give -o a folder"):
        check_output_folder(tmp_path / "file")
    with pytest.raises(
        KgError, match=re.escape(f"the folder {tmp_path / 'no'} does not exist: create it first")
    ):
        check_output_folder(tmp_path / "no" / "out")
    assert check_output_folder(tmp_path / "new") == tmp_path / "new"  # made by the build


def test_cli_build(run: Callable[..., Result], register, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    result = run("build", "-o", str(folder), "--no-queries")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "0 violations, 0 warnings: the graph conforms."
    count = len(VIEW_FILES) + len(OTHER_FILES)
    assert lines[1] == f"wrote {count} files to {folder}{os.sep} (open {folder / 'index.html'})"
    assert not any(p.name.startswith("query-") for p in folder.iterdir())


def test_cli_build_progress_on_a_terminal(
    run: Callable[..., Result], register, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("kg.cli_viz._terminal", lambda: True)
    result = run("build", "-o", str(tmp_path / "site"), "--no-queries")
    assert result.exit_code == 0, result.output
    assert "\r\x1b[Kkg build: drawing stages…" in result.stderr
    assert "kg build: documenting the ontology…" in result.stderr
    assert "kg build: writing 15 files to" in result.stderr


def test_cli_build_of_a_graph_that_does_not_conform(
    run: Callable[..., Result], register, tmp_path: Path
) -> None:
    result = run("build", str(DATA / "ext" / "no_evidence.ttl"), "-o", str(tmp_path / "site"), "--no-queries")
    assert result.exit_code == 1, result.output
    assert "the graph does not conform" in result.stderr.splitlines()[0]
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'class="verdict bad"' in index


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing/site", "the folder {parent} does not exist: create it first, or give -o another folder"),
        ("file", "exists and is not a folder: give -o a folder (new or existing)"),
    ],
)
def test_cli_build_bad_output(
    run: Callable[..., Result], register, tmp_path: Path, where: str, message: str
) -> None:
    (tmp_path / "file").write_text("")
    target = tmp_path / where
    result = run("build", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {target}: {message.format(parent=target.parent)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
