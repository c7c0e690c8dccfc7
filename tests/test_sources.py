from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.errors import ParseError, SourceError
from kg.sources import builtin_sources, env_data_paths, expand, load
from tests.conftest import DATA, MINI

EKG = "https://w3id.org/essay-kg/ns#"


def test_builtin_ontology_is_every_ttl_but_shapes_core_first() -> None:
    data, shapes = builtin_sources(MINI)
    assert [s.path.name for s in data] == ["core.ttl", "things.ttl"]
    assert shapes is not None
    assert shapes.path.name == "shapes.ttl"


def test_load_merges_files_keeps_shapes_apart_and_reads_texts() -> None:
    loaded = load(ontology_dir=MINI)
    assert len(loaded.graph) == 62
    assert (URIRef(EKG + "Fox"), None, None) in loaded.graph
    assert len(loaded.shapes) > 0
    assert not set(loaded.shapes) & set(loaded.graph)
    assert loaded.texts == {EKG + "text": (MINI / "source" / "text.txt").read_text(encoding="utf-8")}
    assert loaded.text_files == {EKG + "text": MINI / "source" / "text.txt"}
    assert [p.name for p in loaded.files] == ["core.ttl", "things.ttl"]
    assert [p.name for p in loaded.shapes_files] == ["shapes.ttl"]


def test_prefixes_of_the_files_are_kept_for_compact_output() -> None:
    loaded = load(ontology_dir=MINI)
    prefixes = dict(loaded.graph.namespaces())
    assert str(prefixes["ekg"]) == EKG
    assert str(prefixes["oa"]) == "http://www.w3.org/ns/oa#"
    assert "brick" not in prefixes  # rdflib's default bindings would clutter exports


def test_extra_files_and_folders_are_added() -> None:
    loaded = load([DATA / "mini_ext"], ontology_dir=MINI)
    assert (URIRef(EKG + "Cat"), None, None) in loaded.graph
    assert loaded.files[-1].name == "cat.ttl"


def test_a_file_named_twice_is_read_once() -> None:
    cat = DATA / "mini_ext" / "cat.ttl"
    loaded = load([cat, DATA / "mini_ext", cat], ontology_dir=MINI)
    assert [p.name for p in loaded.files].count("cat.ttl") == 1


def test_empty_file_adds_nothing() -> None:
    assert len(load([DATA / "good" / "empty.ttl"], ontology_dir=MINI).graph) == 62


def test_folder_gives_its_ttl_files_sorted(tmp_path: Path) -> None:
    for name in ["b.ttl", "a.ttl", "notes.txt"]:
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert [s.path.name for s in expand([tmp_path])] == ["a.ttl", "b.ttl"]
    assert [s.display for s in expand([tmp_path])] == [str(tmp_path / "a.ttl"), str(tmp_path / "b.ttl")]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("nope/missing.ttl", "nope/missing.ttl: no such file or folder: check the path"),
        (
            "tests/data/bad/no_turtle",
            "tests/data/bad/no_turtle: this folder holds no .ttl file: "
            "give a Turtle file or a folder of them",
        ),
        (
            "tests/data/bad/graph.jsonld",
            "tests/data/bad/graph.jsonld: not a Turtle file (expected a .ttl name): "
            "convert it to Turtle, or rename it",
        ),
    ],
)
def test_bad_paths(given: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA.parents[1])
    with pytest.raises(SourceError) as caught:
        expand([given])
    assert str(caught.value) == message


def test_parse_errors_name_the_file_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA.parents[1])
    with pytest.raises(ParseError) as caught:
        load(["tests/data/bad/unknown_prefix.ttl"], ontology_dir=MINI)
    error = caught.value
    assert (error.path, error.line, error.column) == ("tests/data/bad/unknown_prefix.ttl", 4, 13)


def test_unknown_prefix_hint_uses_the_ontologys_prefixes(tmp_path: Path) -> None:
    bad = tmp_path / "ext.ttl"
    bad.write_text("ekg:Cat a ekg:Animal .\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load([bad], ontology_dir=MINI)
    assert caught.value.problem == (
        'unknown prefix "ekg:": add "@prefix ekg: <https://w3id.org/essay-kg/ns#> ." at the top of the file'
    )


def test_source_text_is_relative_to_the_declaring_file(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "other.txt").write_text("other words", encoding="utf-8")
    (tmp_path / "ext.ttl").write_text(
        "@prefix ekg: <https://w3id.org/essay-kg/ns#> .\n"
        'ekg:other a ekg:SourceText ; ekg:localPath "texts/other.txt" .\n',
        encoding="utf-8",
    )
    loaded = load([tmp_path / "ext.ttl"], ontology_dir=MINI)
    assert loaded.texts[EKG + "other"] == "other words"
    assert EKG + "text" in loaded.texts


def test_missing_source_text_names_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA.parents[1])
    with pytest.raises(SourceError) as caught:
        load(["tests/data/bad/missing_text"], ontology_dir=MINI)
    assert str(caught.value) == (
        'tests/data/bad/missing_text/source.ttl:4:19: source text "missing.txt" not found '
        "(looked for tests/data/bad/missing_text/missing.txt): "
        "fix ekg:localPath; it is relative to this Turtle file's folder"
    )


def test_source_text_that_is_not_utf8(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    (tmp_path / "mini" / "source" / "text.txt").write_bytes(b"ok\nbad \xe9 byte\n")
    with pytest.raises(SourceError) as caught:
        load(ontology_dir=tmp_path / "mini")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path}/mini/source/text.txt:2:5: byte 0xE9 is not UTF-8")
    assert message.endswith("(source text named at " + f"{tmp_path}/mini/things.ttl:7:19)")


def test_missing_ontology_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="built-in ontology folder is missing"):
        load(ontology_dir=tmp_path / "nowhere")


def test_ontology_without_shapes_loads_an_empty_shapes_graph(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    (tmp_path / "mini" / "shapes.ttl").unlink()
    loaded = load(ontology_dir=tmp_path / "mini")
    assert len(loaded.shapes) == 0
    assert loaded.shapes_files == []


def test_env_data_paths_split_like_path() -> None:
    env = {"KG_DATA": os.pathsep.join(["a.ttl", "", "dir"])}
    assert env_data_paths(env) == [Path("a.ttl"), Path("dir")]
    assert env_data_paths({}) == []
