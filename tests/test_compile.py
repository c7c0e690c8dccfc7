from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import compile as kgc
from kg.compile import COMPLETE, INFERRED, cache_dir, compiled_store
from kg.errors import KgError, ParseError
from kg.infer import entailments
from kg.sources import load

from .conftest import DATA, MINI, REPO

EKG = "https://w3id.org/essay-kg/ns#"
HEAD = f"@prefix ekg: <{EKG}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache of our own, and no store left open from another test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(folder))
    monkeypatch.setattr(kgc, "_opened", {})
    return folder


ASSERTED = ox.DefaultGraph()  # the asserted triples are the store's default graph


def count(store: ox.Store, graph: ox.DefaultGraph | str) -> int:
    name = ox.NamedNode(graph) if isinstance(graph, str) else graph
    return sum(1 for _ in store.quads_for_pattern(None, None, None, name))


def stores(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if p.name.startswith("store-"))


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if p.name.startswith((".build-", ".trash-")))


def test_the_store_holds_what_rdflib_loads_and_infers(cache: Path) -> None:
    compiled = compiled_store([DATA / "mini_ext" / "cat.ttl"], ontology_dir=MINI)
    graph = load([DATA / "mini_ext" / "cat.ttl"], ontology_dir=MINI).graph
    assert count(compiled.store, ASSERTED) == len(graph)
    assert count(compiled.store, INFERRED) == len(entailments(graph))
    assert compiled.path.parent == cache
    assert compiled.prefixes["ekg"] == EKG
    # an inference: the cat is a thing because an animal is one
    ask = f"ASK {{ GRAPH <{INFERRED}> {{ <{EKG}Cat> a <{EKG}Thing> }} }}"
    assert bool(compiled.store.query(ask))
    marker = json.loads((compiled.path / COMPLETE).read_text())
    assert marker["triples"] == {"asserted": len(graph), "inferred": len(entailments(graph))}


def test_the_essay_store_matches_rdflib_too(cache: Path) -> None:
    compiled = compiled_store()
    graph = load().graph
    assert (count(compiled.store, ASSERTED), count(compiled.store, INFERRED)) == (
        len(graph),
        len(entailments(graph)),
    )


def test_fresh_store_is_reused_and_a_changed_source_rebuilds(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ext = tmp_path / "ext.ttl"
    ext.write_text(HEAD + 'ekg:A rdfs:label "a" .\n')
    builds: list[Path] = []
    real_build = kgc.build
    monkeypatch.setattr(
        kgc, "build", lambda sources, folder: builds.append(folder) or real_build(sources, folder)
    )

    first = compiled_store([ext], ontology_dir=MINI)
    monkeypatch.setattr(kgc, "_opened", {})  # as a new process would
    assert compiled_store([ext], ontology_dir=MINI).path == first.path
    assert len(builds) == 1

    ext.write_text(HEAD + 'ekg:A rdfs:label "b" .\n')  # same size, other bytes
    second = compiled_store([ext], ontology_dir=MINI)
    assert second.path != first.path
    assert len(builds) == 2
    label = f'ASK {{ <{EKG}A> <http://www.w3.org/2000/01/rdf-schema#label> "b" }}'
    assert bool(second.store.query(label))

    ext.write_text(HEAD + 'ekg:A rdfs:label "a" .\n')  # back again: the first store is still there
    assert compiled_store([ext], ontology_dir=MINI).path == first.path
    assert len(builds) == 2
    assert stores(cache) == sorted([first.path.name, second.path.name])
    assert leftovers(cache) == []


def test_the_same_file_named_twice_is_loaded_once(cache: Path) -> None:
    cat = DATA / "mini_ext" / "cat.ttl"
    once = compiled_store([cat], ontology_dir=MINI)
    assert compiled_store([cat, DATA / "mini_ext", cat], ontology_dir=MINI).path == once.path


def test_a_half_written_store_is_rebuilt(cache: Path) -> None:
    built = compiled_store(ontology_dir=MINI)
    (built.path / COMPLETE).unlink()  # as if the process died before writing the marker
    shutil.rmtree(built.path / "db")
    kgc._opened.clear()
    again = compiled_store(ontology_dir=MINI)
    assert again.path == built.path
    assert (again.path / COMPLETE).is_file()
    assert count(again.store, ASSERTED) == len(load(ontology_dir=MINI).graph)
    assert leftovers(cache) == []


def test_a_loser_of_the_rename_race_uses_the_winners_store(cache: Path) -> None:
    sources = kgc.sources_for(ontology_dir=MINI)
    cache.mkdir()
    mine, theirs = cache / ".build-mine", cache / ".build-theirs"
    mine.mkdir()
    theirs.mkdir()
    fingerprint = kgc.build(sources, theirs)
    assert kgc.build(sources, mine) == fingerprint
    final = cache / f"store-{fingerprint}"
    kgc._rename_into_place(theirs, final)
    kgc._rename_into_place(mine, final)  # the final folder exists: ours is discarded
    assert stores(cache) == [final.name]
    assert not mine.exists()
    assert count(ox.Store.read_only(str(final / "db")), ASSERTED) > 0


def test_several_processes_on_a_cold_cache_all_succeed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    script = textwrap.dedent(
        """
        import sys
        from kg.compile import compiled_store
        from kg.engines import open_engine
        engine = open_engine()
        rows = engine.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        print(engine.compiled.path.name, rows[0]["n"].value)
        assert "rdflib" not in sys.modules
        """
    )
    env = {**os.environ, "KG_CACHE_DIR": str(cache)}
    env.pop("KG_DATA", None)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0], [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1  # the same store, the same count
    assert len(stores(cache)) == 1
    assert leftovers(cache) == []


def test_a_read_only_checkout_works_because_the_cache_is_elsewhere(cache: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(MINI, checkout)
    before = sorted((p.relative_to(checkout), p.stat().st_mtime_ns) for p in checkout.rglob("*"))
    for path in [checkout, *checkout.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        compiled = compiled_store(ontology_dir=checkout)
        assert count(compiled.store, ASSERTED) > 0
    finally:
        for path in [checkout, *checkout.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert sorted((p.relative_to(checkout), p.stat().st_mtime_ns) for p in checkout.rglob("*")) == before
    assert compiled.path.parent == cache


def test_a_syntax_error_names_the_file_line_and_column_as_rdflib_does(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(HEAD + 'ekg:A rdfs:label "😀 “é”" , <rel> .\n')
    with pytest.raises(ParseError) as compiled:
        compiled_store([bad], ontology_dir=MINI)
    with pytest.raises(ParseError) as loaded:
        load([bad], ontology_dir=MINI)
    assert str(compiled.value) == str(loaded.value)
    assert (compiled.value.line, compiled.value.column) == (3, 28)
    assert stores(cache) == []
    assert leftovers(cache) == []


def test_an_unknown_prefix_gets_the_hint_of_the_earlier_files(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("ekg:A ekg:p ekg:B .\n")
    with pytest.raises(ParseError, match=re.escape(f'add "@prefix ekg: <{EKG}> ."')):
        compiled_store([bad], ontology_dir=MINI)


def test_not_utf8_is_reported_like_the_rdflib_path(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(HEAD.encode() + b'ekg:A rdfs:label "\xff" .\n')
    with pytest.raises(ParseError, match=r"bad.ttl:3:19: byte 0xFF is not UTF-8"):
        compiled_store([bad], ontology_dir=MINI)


def test_blank_node_labels_do_not_meet_across_files(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text(HEAD + "_:b ekg:p ekg:x .\n")
    (tmp_path / "b.ttl").write_text(HEAD + "_:b ekg:p ekg:y .\n")
    compiled = compiled_store([tmp_path], ontology_dir=MINI, force=True)  # ekg:p is undeclared: a lint error
    subjects = {q.subject for q in compiled.store.quads_for_pattern(None, ox.NamedNode(EKG + "p"), None)}
    assert len(subjects) == 2


def test_prefixes_merge_and_the_first_declaration_wins(cache: Path, tmp_path: Path) -> None:
    ext = tmp_path / "ext.ttl"
    ext.write_text("@prefix ekg: <http://other.example/> .\n@prefix ex: <http://example.org/> .\n")
    prefixes = compiled_store([ext], ontology_dir=MINI, force=True).prefixes  # ekg: rebound: a lint error
    assert prefixes["ekg"] == EKG
    assert prefixes["ex"] == "http://example.org/"


def test_an_empty_extension_is_fine(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.ttl").write_text("# nothing yet\n")
    compiled = compiled_store([tmp_path / "empty.ttl"], ontology_dir=MINI)
    assert count(compiled.store, ASSERTED) == len(load(ontology_dir=MINI).graph)


def test_old_stores_are_removed_but_the_newest_kept(cache: Path, tmp_path: Path) -> None:
    ext = tmp_path / "ext.ttl"
    paths = []
    for i in range(kgc.KEEP + 2):
        ext.write_text(HEAD + f'ekg:A rdfs:label "{i}" .\n')
        compiled = compiled_store([ext], ontology_dir=MINI)
        os.utime(compiled.path / COMPLETE, (1000 + i, 1000 + i))  # a clear order of use
        paths.append(compiled.path.name)
    assert stores(cache) == sorted(paths[-kgc.KEEP :])
    assert leftovers(cache) == []


def test_leftovers_of_a_dead_build_are_cleaned(cache: Path, tmp_path: Path) -> None:
    cache.mkdir()
    dead = cache / ".build-dead"
    dead.mkdir()
    (dead / "junk").write_text("x")
    os.utime(dead, (1000, 1000))
    young = cache / ".build-young"  # another process may be building right now
    young.mkdir()
    compiled_store(ontology_dir=MINI)
    assert leftovers(cache) == [".build-young"]


def test_a_cache_that_cannot_be_created_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(kgc, "_opened", {})
    with pytest.raises(
        KgError, match=r"cannot create the cache folder .*: set KG_CACHE_DIR to a writable folder"
    ):
        compiled_store(ontology_dir=MINI)


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "k"))
    assert cache_dir() == tmp_path / "k"
    monkeypatch.delenv("KG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "x" / "essay-kg"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert cache_dir() == tmp_path / "h" / ".cache" / "essay-kg"


def test_compiling_does_not_import_rdflib(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom kg.compile import compiled_store\ncompiled_store()\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'networkx', 'pyvis') if m in sys.modules))"
    )
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
    assert len(stores(tmp_path / "cache")) == 1  # it did build


def big_extension(path: Path, label: str) -> Path:
    """A Turtle file over the size from which digests are remembered (a long comment pads it)."""
    path.write_text(HEAD + f'ekg:A rdfs:label "{label}" .\n# ' + "x" * kgc.DIGEST_MEMO_BYTES + "\n")
    return path


def test_a_large_files_digest_is_remembered_by_its_stat(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kgc, "RACY_NS", 0)  # no need to wait for the file to age
    ext = big_extension(tmp_path / "big.ttl", "a")
    first = compiled_store([ext], ontology_dir=MINI)
    memo = json.loads((cache / kgc.DIGESTS).read_text())
    assert list(memo["files"]) == [str(ext.resolve())]  # the small ontology files have no entry of their own
    assert list(memo["fingerprints"].values()) == [first.path.name.removeprefix("store-")]

    real_read = kgc._read
    monkeypatch.setattr(
        kgc, "_read", lambda s: pytest.fail("read") if s.path == ext.resolve() else real_read(s)
    )
    kgc._opened.clear()
    assert compiled_store([ext], ontology_dir=MINI).path == first.path  # not read: the stat matched
    monkeypatch.setattr(kgc, "_read", real_read)

    big_extension(ext, "b")  # same size, other bytes, a new mtime and ctime
    second = compiled_store([ext], ontology_dir=MINI)
    assert second.path != first.path
    assert bool(second.store.query(f'ASK {{ <{EKG}A> ?p "b" }}'))


def test_unchanged_sources_are_not_read_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fingerprint of a set of files is remembered by their stat: a query on them reads none."""
    monkeypatch.setattr(kgc, "RACY_NS", 0)  # no need to wait for the files to age
    ext = tmp_path / "ext.ttl"
    ext.write_text(HEAD + 'ekg:A rdfs:label "a" .\n')
    first = compiled_store([ext], ontology_dir=MINI)
    kgc._opened.clear()
    real_read = kgc._read
    monkeypatch.setattr(kgc, "_read", lambda s: pytest.fail(f"read {s.path}"))
    assert compiled_store([ext], ontology_dir=MINI).path == first.path
    monkeypatch.setattr(kgc, "_read", real_read)

    ext.write_text(HEAD + 'ekg:A rdfs:label "b" .\n')  # same size, other bytes: the stat differs
    second = compiled_store([ext], ontology_dir=MINI)
    assert second.path != first.path
    assert bool(second.store.query(f'ASK {{ <{EKG}A> ?p "b" }}'))


def test_a_memo_in_an_older_format_is_ignored(cache: Path) -> None:
    cache.mkdir()
    (cache / kgc.DIGESTS).write_text(json.dumps({"/some/file.ttl": [1, 2, 3, 4, "ab"]}))
    built = compiled_store(ontology_dir=MINI)
    assert (built.path / COMPLETE).is_file()


def test_a_file_changed_just_now_is_not_remembered(cache: Path, tmp_path: Path) -> None:
    ext = big_extension(tmp_path / "big.ttl", "a")
    compiled_store([ext], ontology_dir=MINI)
    assert not (cache / kgc.DIGESTS).exists()  # it could change again within the same timestamp
