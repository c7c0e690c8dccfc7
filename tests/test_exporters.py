from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.atomic import write_atomic
from kg.errors import KgError, OutputError
from kg.exporters import serialize, used_prefixes
from kg.sources import load
from tests.conftest import MINI


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load(ontology_dir=MINI).graph


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_round_trip(graph: Graph, fmt: str, rdflib_format: str) -> None:
    data = serialize(graph, fmt)
    assert isomorphic(Graph().parse(data=data, format=rdflib_format), graph)


def test_turtle_uses_the_files_prefixes(graph: Graph) -> None:
    text = serialize(graph, "ttl").decode("utf-8")
    assert "@prefix ekg: <https://w3id.org/essay-kg/ns#> ." in text
    assert "ekg:Fox" in text
    assert "brick" not in text


def test_ntriples_lines_are_sorted(graph: Graph) -> None:
    lines = serialize(graph, "nt").decode("utf-8").splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(graph)


def test_jsonld_context_holds_only_used_prefixes(graph: Graph) -> None:
    document = json.loads(serialize(graph, "jsonld"))
    assert set(document["@context"]) == {"ekg", "oa", "owl", "rdf", "rdfs", "xsd"}
    assert set(document["@context"]) == set(used_prefixes(graph))


def test_unknown_format(graph: Graph) -> None:
    with pytest.raises(KgError, match="unknown export format 'xml': use one of ttl, nt, jsonld"):
        serialize(graph, "xml")


def test_write_atomic_replaces_and_keeps_a_normal_mode(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.ttl"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in target.parent.iterdir()] == ["out.ttl"]


def test_write_atomic_failure_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match=re.escape("out.ttl: cannot write: No space left on device")):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_write_atomic_into_a_file_path_that_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(OutputError, match="cannot write here"):
        write_atomic(tmp_path / "file" / "out.ttl", b"x")
