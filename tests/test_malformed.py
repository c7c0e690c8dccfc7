"""Malformed Turtle and hostile inputs, through the real CLI: one clean line each, at the right place.

Every case runs as ``kg validate BAD.ttl`` (rdflib's path: kg.sources) and as
``kg --data BAD.ttl query stages`` (the compiled store's path: kg.compile):
both must say ``Error: BAD.ttl:LINE:COL: what is wrong: how to fix it``, exit
2, and show no traceback.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import REPO

HEAD = (
    "@prefix ekg: <https://w3id.org/essay-kg/ns#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)  # two lines: the faulty statement of most cases is on line 3
STMT = "ekg:a ekg:p "  # 12 characters: the object of most cases starts at column 13
RDFS = (
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
)
TYPED = HEAD + RDFS + "ekg:a rdfs:comment "  # the value of an ill-typed case: line 5, column 20
GOOD = "ekg:TheAwakening ekg:nextStage ekg:AscensionOfTheCorporateSocialStrategist .\n"
LONG = ", ".join(f'"v{i}"' for i in range(20_000))  # one line of ~190,000 characters

# name -> (file content, line, column, words of the message, its fix)
CASES: dict[str, tuple[str | bytes, int, int, str, str]] = {
    "unknown prefix": (
        HEAD + STMT + "foo:b .\n",
        3,
        13,
        'unknown prefix "foo:"',
        'declare it with "@prefix foo:',
    ),
    "misspelt prefix": (
        HEAD + "ekgg:a ekg:p ekg:b .\n",
        3,
        1,
        'unknown prefix "ekgg:"',
        'did you mean "ekg:"?',
    ),
    "prefix declared after its use": (
        STMT + "ekg:b .\n" + HEAD,
        1,
        1,
        'unknown prefix "ekg:"',
        'move its "@prefix" line above its first use',
    ),
    "missing dot between statements": (
        HEAD + STMT + "ekg:b\nekg:c ekg:p ekg:d .\n",
        4,
        1,
        'expected " ." to end the statement before ekg:c',
        "add it",
    ),
    "missing dot at the end of the file": (
        HEAD + STMT + "ekg:b\n",
        4,
        1,
        "the file ends inside a statement",
        'end it with " ."',
    ),
    "space in an IRI": (
        HEAD + STMT + "<https://example.org/a page> .\n",
        3,
        13,
        "bad IRI <https://example.org/a page>: ' ' is not allowed in an IRI",
        "percent-encode it as %20",
    ),
    "relative IRI": (
        HEAD + STMT + "<other-thing> .\n",
        3,
        13,
        "relative IRI <other-thing>",
        "write an absolute IRI",
    ),
    "quote in an IRI": (
        HEAD + STMT + '<http://x.org/a"b> .\n',
        3,
        13,
        "'\"' is not allowed in an IRI",
        "%22",
    ),
    "bad percent-encoding in an IRI": (
        HEAD + STMT + "<http://x.org/%zz> .\n",
        3,
        13,
        "'%zz'",
        "correct the IRI",
    ),
    "unterminated string": (
        HEAD + STMT + '"never closed .\n' + GOOD,
        3,
        13,
        "string not closed",
        'add the closing "',
    ),
    "unterminated long string": (
        HEAD + STMT + '"""never closed .\n' + GOOD,
        3,
        13,
        "string not closed",
        'add the closing """',
    ),
    "unterminated single-quoted string": (
        HEAD + STMT + "'never closed .\n",
        3,
        13,
        "string not closed",
        "closing '",
    ),
    "unclosed [": (
        HEAD + STMT + "[ ekg:q ekg:b .\n",
        3,
        27,
        "blank node property lists should end with a ']'",
        'add the missing "]"',
    ),
    "stray ]": (HEAD + STMT + "ekg:b ] .\n", 3, 19, 'unbalanced "]": no "[" is open here', "remove it"),
    "stray )": (HEAD + STMT + "ekg:b ) .\n", 3, 19, 'unbalanced ")": no "(" is open here', "remove it"),
    "unclosed (": (
        HEAD + STMT + "( ekg:b ekg:c .\n",
        3,
        27,
        ". is not a valid RDF object",
        "correct the Turtle",
    ),
    "ill-typed integer": (
        TYPED + '"ekg:a"^^xsd:integer .\n',
        5,
        20,
        "'ekg:a' is not a valid xsd:integer",
        "write it like 42, or drop ^^xsd:integer",
    ),
    "ill-typed date": (
        TYPED + '"2009-02-29"^^xsd:date .\n',
        5,
        20,
        "'2009-02-29' is not a valid xsd:date: there is no such day or month",
        "write it like 2009-11-30",
    ),
    "ill-typed boolean with a full datatype IRI": (
        TYPED + '"yes"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n',
        5,
        20,
        "'yes' is not a valid xsd:boolean",
        "write it like true",
    ),
    "integer out of its type's range": (
        TYPED + '"300"^^xsd:byte .\n',
        5,
        20,
        "300 is out of its range",
        "use a wider type such as xsd:integer",
    ),
    "malformed XML literal": (
        TYPED + '"<b>bold"^^rdf:XMLLiteral .\n',
        5,
        20,
        "not well-formed XML in an rdf:XMLLiteral",
        "correct the XML",
    ),
    "prefix without an IRI": (
        "@prefix ekg: .\n" + STMT + "ekg:b .\n",
        1,
        14,
        "a prefix declaration needs a name and an IRI",
        'write "@prefix ex: <https://example.org/> ."',
    ),
    "prefix without its dot": (
        "@prefix ekg: <https://w3id.org/essay-kg/ns#>\n" + STMT + "ekg:b .\n",
        2,
        1,
        'expected " ." to end the statement',
        "add it",
    ),
    "SPARQL PREFIX with a dot": (
        "PREFIX ekg: <https://w3id.org/essay-kg/ns#> .\n" + STMT + "ekg:b .\n",
        1,
        45,
        'a SPARQL-style "PREFIX" or "BASE" line takes no " ."',
        "remove it",
    ),
    "stray characters": (
        HEAD + STMT + "ekg:b . %%%\n",
        3,
        21,
        "'%' is not allowed",
        "correct the Turtle here",
    ),
    "stray backtick": (HEAD + STMT + "ekg:b `.\n", 3, 19, "'`' is not allowed", "correct the Turtle here"),
    "NUL byte": (HEAD + "ekg:a\x00 ekg:p ekg:b .\n", 3, 6, "a NUL byte (0x00)", "remove it"),
    "control character in an IRI": (
        HEAD + STMT + "<http://x.org/\x01> .\n",
        3,
        13,
        "bad IRI <http://x.org/\\x01>",
        "percent-encode it as %01",
    ),
    "byte order mark in the middle": (
        HEAD + GOOD + "\ufeff" + GOOD,
        4,
        1,
        "a byte order mark (U+FEFF",
        "delete it",
    ),
    "relative @base": (
        "@base <foo/> .\n<a> <b> <c> .\n",
        1,
        7,
        "relative IRI <foo/>",
        "write an absolute IRI",
    ),
    "@base without an IRI": ("@base .\n", 1, 7, "a base declaration needs an IRI", 'write "@base <https://'),
    "language tag with a digit first": (
        HEAD + STMT + '"x"@123 .\n',
        3,
        17,
        "bad language tag",
        "such as @en or @en-GB",
    ),
    "language tag ending in a hyphen": (
        HEAD + STMT + '"x"@en- .\n',
        3,
        19,
        "bad language tag",
        "such as @en or @en-GB",
    ),
    "bad \\u escape": (
        HEAD + STMT + '"a\\u12G4" .\n',
        3,
        19,
        "The escape sequence '\\u12G4' is not a valid hexadecimal string",
        "correct the Turtle here",
    ),
    "unknown escape": (
        HEAD + STMT + '"a\\q" .\n',
        3,
        15,
        "Unexpected escape character '\\q'",
        "correct the Turtle",
    ),
    "escape of a surrogate": (
        HEAD + STMT + '"\\uD800" .\n',
        3,
        14,
        "not a valid unicode character",
        "correct the Turtle here",
    ),
    "literal as subject, <> as predicate": (
        HEAD + '"x" <> ekg:b .\n',
        3,
        1,
        '"x" is not a valid subject',
        "correct the Turtle here",
    ),
    "<> as predicate": (HEAD + "ekg:a <> ekg:b .\n", 3, 7, "relative IRI <>", "write an absolute IRI"),
    "keyword a as object": (
        HEAD + STMT + "a .\n",
        3,
        13,
        'the keyword "a" (rdf:type) can only be a predicate',
        "name",
    ),
    "keyword a as subject": (HEAD + "a ekg:p ekg:b .\n", 3, 1, 'the keyword "a"', "name the class"),
    "literal as predicate": (HEAD + 'ekg:a "p" ekg:b .\n', 3, 7, '"p" is not a valid predicate', "correct"),
    "blank node as predicate": (
        HEAD + "ekg:a _:p ekg:b .\n",
        3,
        7,
        "_:p is not a valid predicate",
        "correct",
    ),
    "missing object": (HEAD + STMT + ".\n", 3, 13, ". is not a valid RDF object", "correct the Turtle here"),
    "double comma": (HEAD + STMT + "ekg:b ,, ekg:c .\n", 3, 20, ", is not a valid RDF object", "correct"),
    "graph block in Turtle": (HEAD + "{ ekg:a ekg:p ekg:b }\n", 3, 1, "{ is not a valid subject", "correct"),
    "RDF 1.2 triple term": (
        HEAD + GOOD + "<< ekg:a ekg:p ekg:b >> ekg:q ekg:c .\n",
        4,
        1,
        "an RDF 1.2 triple term (<< ... >>)",
        "state the triple itself",
    ),
    "Windows line endings": (
        (HEAD + GOOD + STMT + "foo:b .\n").replace("\n", "\r\n"),
        4,
        13,
        'unknown prefix "foo:"',
        "declare it",
    ),
    "old Mac line endings": (
        (HEAD + GOOD + STMT + "foo:b .\n").replace("\n", "\r"),
        4,
        13,
        "foo:",
        "declare it",
    ),
    "very long line": (
        HEAD + STMT + LONG + ", foo:b .\n",
        3,
        13 + len(LONG) + 2,
        'unknown prefix "foo:"',
        "declare it",
    ),
    "columns count characters, not bytes": (
        HEAD + STMT + '"😀 “é”" , <rel> .\n',
        3,
        23,
        "relative IRI <rel>",
        "write an absolute IRI",
    ),
    "not UTF-8": (
        HEAD.encode() + STMT.encode() + b'"caf\xe9" .\n',
        3,
        17,
        "byte 0xE9 is not UTF-8",
        "save the file with the UTF-8 encoding",
    ),
    "not UTF-8 after multi-byte characters": (
        HEAD.encode() + b'ekg:a ekg:p "\xe2\x80\x9cok\xe2\x80\x9d \xff" .\n',
        3,
        19,
        "byte 0xFF is not UTF-8",
        "save the file with the UTF-8 encoding",
    ),
    "not UTF-8 after old Mac line endings": (
        (HEAD + GOOD).replace("\n", "\r").encode() + b"ekg:a ekg:p \xff .\r",
        4,
        13,
        "byte 0xFF is not UTF-8",
        "save the file with the UTF-8 encoding",
    ),
    "UTF-16 file": (
        (HEAD + GOOD).encode("utf-16"),
        1,
        1,
        "byte 0xFF is not UTF-8",
        "save the file with the UTF-8 encoding",
    ),
}


def assert_clean(result: Result, where: str, *words: str) -> str:
    """Exit 2, one ``Error: where...`` line on stderr naming ``words``, nothing on stdout, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {where}"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", result.stderr), (
        "a control character reached the terminal"
    )
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    return result.stderr


def write(folder: Path, content: str | bytes, name: str = "bad.ttl") -> Path:
    path = folder / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_turtle_is_one_line_at_the_right_place(
    run: Callable[..., Result], tmp_path: Path, case: str
) -> None:
    content, line, column, problem, fix = CASES[case]
    bad = write(tmp_path, content)
    where = f"{bad}:{line}:{column}: "
    validated = assert_clean(run("validate", str(bad)), where, problem, fix)
    queried = run("--data", str(bad), "query", "stages")
    if case in LINTED and "[wrong-datatype]" in queried.stderr:
        # Valid syntax: the lint gate of the compiled store may find it first, at the same place.
        assert queried.exit_code == 2
        assert queried.stderr.startswith(f"Error: {where}"), queried.stderr
        assert "Traceback" not in queried.stderr
    else:  # both paths (rdflib's and the compiled store's) say the same
        assert assert_clean(queried, where, problem, fix) == validated


# Ill-typed literals are valid Turtle syntax: the compiled store's lint gate (kg.lint) knows some of them.
LINTED = {name for name in CASES if name.startswith(("ill-typed", "integer out of", "malformed XML"))}


def test_there_are_at_least_fifteen_kinds() -> None:
    assert len(CASES) >= 15


def test_a_relative_path_is_named_as_given(run: Callable[..., Result], tmp_path: Path) -> None:
    bad = write(REPO / "tests" / "data" / "bad", CASES["unknown prefix"][0], "hostile-tmp.ttl")
    try:
        assert_clean(
            run("validate", "tests/data/bad/hostile-tmp.ttl"), "tests/data/bad/hostile-tmp.ttl:3:13: "
        )
    finally:
        bad.unlink()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_binary_garbage_is_refused_where_it_stops_being_utf8(
    run: Callable[..., Result], tmp_path: Path, seed: int
) -> None:
    data = random.Random(seed).randbytes(4096)
    bad = write(tmp_path, data)
    with pytest.raises(UnicodeDecodeError) as caught:  # where decoding stops: the first bad byte
        data.decode("utf-8")
    at = caught.value.start
    before = data[:at]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
    where = f"{bad}:{line}:{column}: byte 0x{data[at]:02X} is not UTF-8"
    assert_clean(run("validate", str(bad)), where, "save the file with the UTF-8 encoding")
    assert_clean(run("--data", str(bad), "query", "stages"), where)


def test_binary_garbage_that_is_valid_utf8(run: Callable[..., Result], tmp_path: Path) -> None:
    bad = write(tmp_path, bytes(range(0x80)) * 4)  # every ASCII control character, NUL first
    assert_clean(run("validate", str(bad)), f"{bad}:1:1: a NUL byte (0x00)", "remove it")


def test_an_empty_file_is_valid_and_adds_nothing(run: Callable[..., Result], tmp_path: Path) -> None:
    empty = write(tmp_path, b"", "empty.ttl")
    comments = write(tmp_path, "# nothing but a comment\n\n", "comments.ttl")
    plain = run("query", "classes", "--format", "csv")
    for path in (empty, comments):
        result = run("validate", str(path))
        assert result.exit_code == 0, result.output
        assert run("--data", str(path), "query", "classes", "--format", "csv").stdout == plain.stdout


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("missing.ttl", "no such file or folder: check the path"),
        ("empty-folder", "this folder holds no .ttl file: give a Turtle file or a folder of them"),
        ("folder-of-other-files", "this folder holds no .ttl file"),
        ("folder-named.ttl", "this folder holds no .ttl file"),
        ("graph.json", "not a Turtle file (expected a .ttl name)"),
    ],
)
def test_bad_paths(run: Callable[..., Result], tmp_path: Path, given: str, problem: str) -> None:
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "folder-of-other-files").mkdir()
    (tmp_path / "folder-of-other-files" / "notes.txt").write_text("not turtle")
    (tmp_path / "folder-of-other-files" / "sub.ttl").mkdir()  # a folder named .ttl is no Turtle file
    (tmp_path / "folder-named.ttl").mkdir()
    (tmp_path / "graph.json").write_text("{}")
    path = tmp_path / given
    assert_clean(run("validate", str(path)), f"{path}: {problem}")
    assert_clean(run("--data", str(path), "query", "stages"), f"{path}: {problem}")


def test_a_bad_file_in_a_folder_is_named_with_its_folder(run: Callable[..., Result], tmp_path: Path) -> None:
    folder = tmp_path / "ext"
    folder.mkdir()
    write(folder, HEAD + GOOD, "a.ttl")
    write(folder, CASES["stray ]"][0], "b.ttl")
    assert_clean(run("validate", str(folder)), f"{folder / 'b.ttl'}:3:19: unbalanced")


# ---- depth and size: no RecursionError anywhere, a clean error where there is a limit ---------------

DEPTH = 5000
NESTED_HEAD = (
    "@prefix ekg: <https://w3id.org/essay-kg/ns#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    'ekg:Deep a skos:Concept ; rdfs:label "Deep nesting" ; rdfs:seeAlso '
)
NESTED = {
    "blank nodes": NESTED_HEAD + "[ rdfs:seeAlso " * DEPTH + '"bottom"' + " ]" * DEPTH + " .\n",
    "collections": NESTED_HEAD + "( " * DEPTH + '"bottom"' + " )" * DEPTH + " .\n",
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_nesting_thousands_deep_works_everywhere(
    run: Callable[..., Result], tmp_path: Path, kind: str
) -> None:
    deep = write(tmp_path, NESTED[kind], "deep.ttl")
    commands = [
        ["validate"],
        ["query", "stages"],
        ["describe", "Deep nesting"],
        ["export", "--format", "ttl", "-o", str(tmp_path / "out.ttl")],
        ["export", "--format", "jsonld", "-o", str(tmp_path / "out.jsonld")],
        ["export", "--format", "nt", "-o", str(tmp_path / "out.nt")],
        ["viz", "focus", "--focus", "ekg:Deep", "-o", str(tmp_path / "focus.html")],
        ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ekg:Deep (rdfs:seeAlso|rdf:rest|rdf:first)+ ?x }"],
    ]
    for command in commands:
        result = run("--data", str(deep), *command)
        assert result.exit_code in (0, 1), (command, result.output)
        assert "RecursionError" not in result.output, command
    from rdflib import Graph

    read_back = {fmt: len(Graph().parse(tmp_path / f"out.{fmt}")) for fmt in ("ttl", "jsonld", "nt")}
    assert len(set(read_back.values())) == 1, read_back  # the flat fallback writes every triple


def test_nested_blank_nodes_in_a_build(run: Callable[..., Result], tmp_path: Path) -> None:
    deep = write(tmp_path, NESTED["blank nodes"], "deep.ttl")
    result = run("build", str(deep), "-o", str(tmp_path / "site"), "--no-queries")
    assert result.exit_code == 1, result.output  # built; ekg:Deep has no evidence, so it does not conform
    assert "RecursionError" not in result.output
    assert (tmp_path / "site" / "graph.ttl").stat().st_size > 0


BIG = 20 * 1024 * 1024


def test_a_20_mb_literal_is_a_clean_error_at_its_place(run: Callable[..., Result], tmp_path: Path) -> None:
    big = write(tmp_path, HEAD + GOOD + STMT + '"' + "x" * BIG + '" .\n', "big.ttl")
    where = f"{big}:4:13: a string or IRI of {BIG + 2:,} characters"
    for args in (["validate", str(big)], ["--data", str(big), "query", "stages"]):
        started = time.monotonic()
        assert_clean(run(*args), where, "split it, or keep a long text in a source text file")
        assert time.monotonic() - started < 20


def test_a_15_mb_literal_works(run: Callable[..., Result], tmp_path: Path) -> None:
    size = 15 * 1024 * 1024
    rdfs = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    big = write(tmp_path, HEAD + rdfs + 'ekg:Big rdfs:comment "' + "x" * size + '" .\n', "big.ttl")
    result = run("--data", str(big), "sparql", "SELECT (STRLEN(?v) AS ?n) WHERE { ekg:Big rdfs:comment ?v }")
    assert result.exit_code == 0, result.output
    assert f"{size:,}".replace(",", "") in result.stdout.replace(",", "")


def test_the_real_entry_point_prints_no_traceback(tmp_path: Path) -> None:
    """Out of process: a warning logged by a library (rdflib logs ill-typed literals with a traceback)."""
    cases = ["ill-typed integer", "NUL byte", "RDF 1.2 triple term", "control character in an IRI"]
    for case in cases:
        content, line, column, problem, _ = CASES[case]
        bad = write(tmp_path, content)
        for args in (["validate", str(bad)], ["--data", str(bad), "query", "stages"]):
            result = subprocess.run(
                [sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True, text=True, timeout=120
            )
            assert result.returncode == 2, (case, result.stderr)
            assert result.stderr.startswith(f"Error: {bad}:{line}:{column}: "), (case, result.stderr)
            assert problem in result.stderr or case in LINTED
            assert "Traceback" not in result.stderr


XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("value", "datatype", "wrong"),
    [
        ("42", "integer", False),
        (" 42 ", "integer", False),  # XSD collapses the white space around a number
        ("٤٢", "integer", True),  # Arabic-Indic digits: Python's int() takes them, XSD does not
        ("1_000", "integer", True),
        ("1e5", "decimal", True),
        ("1.5E3", "double", False),
        ("-INF", "float", False),
        ("yes", "boolean", True),
        ("2008-02-29", "date", False),
        ("2009-02-29", "date", True),
        ("2009-11-30T24:00:00Z", "dateTime", False),
        ("2009-11-30T25:00:00Z", "dateTime", True),
        ("P", "duration", True),
        ("P1Y2M3DT4H5M6.5S", "duration", False),
        ("zz", "hexBinary", True),
        ("SGVsbG8=", "base64Binary", False),
        ("256", "unsignedByte", True),
        ("-1", "nonNegativeInteger", True),
        ("anything at all", "string", False),
    ],
)
def test_lexical_forms(value: str, datatype: str, wrong: bool) -> None:
    from kg.turtle import ill_typed

    assert (ill_typed(value, XSD + datatype) is not None) == wrong
    assert ill_typed(value, "http://example.org/own-datatype") is None  # unknown datatypes are not judged
