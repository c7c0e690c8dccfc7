"""Faults, with real ``kg`` processes: interrupted and failed builds, damaged compiled stores, concurrent
first runs, a read-only checkout, queries that would crash the engine, and endpoints that misbehave.

Every process here is a fresh ``python -m kg`` with a cache folder of its own, so that one test's
store never serves another.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import REPO

# A small extension that passes kg lint, so that it reaches the build and the compiled store.
EXTENSION = """\
@prefix ekg: <https://w3id.org/essay-kg/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ekg:FaultTestConcept a skos:Concept ; rdfs:label "fault test concept" .
"""
MEMORY_LIMIT = (
    8 * 1024**3
)  # address space of the children that read damaged stores: a bug may not eat the machine


def environment(cache: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "KG_CACHE_DIR": str(cache), **extra}
    env.pop("KG_DATA", None)
    return env


def kg(*args: str, cache: Path, timeout: float = 300, **popen: object) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kg ARGS`` to the end."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=popen.pop("cwd", REPO),
        env=popen.pop("env", None) or environment(cache),
        capture_output=True,
        text=True,
        timeout=timeout,
        **popen,  # type: ignore[arg-type]
    )


def start(*args: str, cache: Path, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", *args],
        cwd=REPO,
        env=environment(cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[arg-type]
    )


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes (hidden ones too) and every folder (None), by relative path."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def restore(folder: Path, snap: dict[str, bytes | None]) -> None:
    shutil.rmtree(folder)
    folder.mkdir()
    for name, data in snap.items():
        path = folder / name
        if data is None:
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def assert_clean_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert result.stderr.startswith("Error: "), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


# ---- kg build: Ctrl-C and failures leave the previous outputs byte-identical -----------------------


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes | None], float, Path]:
    """The outputs of a real ``kg build --no-queries``, how long it took, and its cache."""
    base = tmp_path_factory.mktemp("previous")
    cache = base / "cache"
    started = time.monotonic()
    result = kg("build", "--no-queries", "-o", str(base / "site"), cache=cache)
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    return snapshot(base / "site"), took, cache


@pytest.fixture
def site(tmp_path: Path, previous: tuple[dict[str, bytes | None], float, Path]) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    restore(folder, previous[0])
    (tmp_path / "ext.ttl").write_text(EXTENSION, encoding="utf-8")  # a build with it writes other bytes
    return folder


def test_ctrl_c_during_a_build_leaves_the_previous_outputs_byte_identical(
    site: Path, previous: tuple[dict[str, bytes | None], float, Path]
) -> None:
    before, took, cache = previous
    interrupted = 0
    for fraction in (0.15, 0.4, 0.65, 0.9):
        child = start("build", "--no-queries", "-o", str(site), str(site.parent / "ext.ttl"), cache=cache)
        time.sleep(took * fraction)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=120)
        if "\nwrote " in f"\n{err}":  # it finished before the signal: its outputs are new, legitimately
            restore(site, before)
            continue
        if child.returncode == -signal.SIGINT and err.strip() in ("", "Aborted!"):
            # on a loaded machine the signal can come before Python has set up its handler: the
            # process ends at once, having written nothing; and now and then (about 1 run in 40 of
            # a signal sent during the imports) the interpreter, having said "Aborted!", ends by the
            # signal itself rather than with status 1. Either way nothing was written.
            assert snapshot(site) == before
            continue
        interrupted += 1
        assert child.returncode == 1, err
        assert err.endswith("Aborted!\n"), err
        assert "Traceback" not in err
        assert "Exception ignored" not in err  # a half-made object's __del__ (kg.cli._interrupted)
        assert snapshot(site) == before  # byte-identical, and no temporary file left behind
    assert interrupted >= 2


RENAMER = """
import os, sys, time
from pathlib import Path
from kg.build import write_all

real = os.replace
def slow(source, target):
    if not slow.started:
        slow.started = True
        print("renaming", flush=True)
    time.sleep(0.05)
    real(source, target)
slow.started = False
os.replace = slow
write_all(Path(sys.argv[1]), {f"file{i:02}.txt": b"new" for i in range(20)})
"""


def test_ctrl_c_during_the_renames_gives_all_new_outputs_never_a_mix(tmp_path: Path) -> None:
    for i in range(20):
        (tmp_path / f"file{i:02}.txt").write_bytes(b"old")
    child = subprocess.Popen(
        [sys.executable, "-c", RENAMER, str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "renaming\n"
    child.send_signal(signal.SIGINT)  # 20 renames of 50 ms each: this lands in the middle of them
    child.communicate(timeout=60)
    assert child.returncode != 0  # the interrupt took effect, after the renames
    assert {p.read_bytes() for p in tmp_path.iterdir()} == {b"new"}
    assert len(list(tmp_path.iterdir())) == 20


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("fault", ["bad input", "an output that is a folder", "a full disk"])
def test_a_failed_build_leaves_the_previous_outputs_byte_identical(
    site: Path, previous: tuple[dict[str, bytes | None], float, Path], fault: str
) -> None:
    _, _, cache = previous
    ext = site.parent / "ext.ttl"
    popen: dict[str, object] = {}
    if fault == "bad input":
        ext.write_text(EXTENSION + "ekg:Broken rdfs:label [ .\n", encoding="utf-8")
        words = [f"{ext}:5:", "not a valid"]
    elif fault == "an output that is a folder":
        (site / "stats.json").unlink()
        (site / "stats.json").mkdir()
        (site / "stats.json" / "keep.txt").write_text("mine")
        words = [f"{site / 'stats.json'}: is a folder", "the previous outputs are unchanged"]
    else:  # every file the build writes may hold 64 KiB; the exports are larger
        popen["preexec_fn"] = _file_size_limit(64 * 1024)
        words = ["cannot write the outputs (File too large); the previous outputs are unchanged"]
    before = snapshot(site)
    result = kg("build", "--no-queries", "-o", str(site), str(ext), cache=cache, **popen)
    assert_clean_error(result, *words)
    assert snapshot(site) == before


# ---- the compiled store: damage is detected and the store rebuilt -----------------------------------


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _largest(db: Path, pattern: str) -> Path:
    return max(db.glob(pattern), key=lambda p: p.stat().st_size)


def _garble_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = os.urandom(64)
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "CURRENT emptied": lambda store: (store / "db" / "CURRENT").write_bytes(b""),
    "CURRENT garbled": lambda store: (store / "db" / "CURRENT").write_bytes(b"\x00garbage\n"),
    "MANIFEST cut in half": lambda store: [
        m.write_bytes(m.read_bytes()[: m.stat().st_size // 2]) for m in (store / "db").glob("MANIFEST-*")
    ],
    "a table file cut short": lambda store: _largest(store / "db", "*.sst").write_bytes(
        _largest(store / "db", "*.sst").read_bytes()[:100]
    ),
    "a table file garbled in the middle": lambda store: _garble_middle(_largest(store / "db", "*.sst")),
    "a table file removed": lambda store: _largest(store / "db", "*.sst").unlink(),
    "the database folder removed": lambda store: shutil.rmtree(store / "db"),
    "prefixes.json garbled": lambda store: (store / "prefixes.json").write_text("{not json"),
    "prefixes.json of the wrong shape": lambda store: (store / "prefixes.json").write_text("[1, 2]"),
    "the complete marker garbled": lambda store: (store / "complete").write_bytes(b"\x00\x01"),
    "the complete marker removed (half-written)": lambda store: (store / "complete").unlink(),
    # a small graph is read from its N-Quads snapshot, checked against the digest the build wrote
    "the snapshot garbled in the middle": lambda store: _garble_middle(store / "graph.nq"),
    "the snapshot cut short": lambda store: (store / "graph.nq").write_bytes(
        (store / "graph.nq").read_bytes()[:1000]
    ),
    "the snapshot removed": lambda store: (store / "graph.nq").unlink(),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_compiled_store_is_detected_and_rebuilt(tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    first = kg("query", "stages", "--format", "csv", cache=cache)
    assert first.returncode == 0, first.stderr
    (store,) = cache.glob("store-*")
    DAMAGE[damage](store)
    again = kg("query", "stages", "--format", "csv", cache=cache, preexec_fn=_limit_memory)
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout == first.stdout
    marker = json.loads((store / "complete").read_text(encoding="utf-8"))
    assert sorted(marker["files"]) == sorted(
        p.name for p in (store / "db").iterdir() if p.name in marker["files"]
    )
    assert not [p for p in cache.iterdir() if p.name.startswith((".build-", ".trash-"))]
    assert kg("query", "stages", "--format", "csv", cache=cache).stdout == first.stdout


def test_a_first_run_killed_mid_build_is_finished_by_the_next(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    child = start("query", "stages", cache=cache)
    time.sleep(0.4)  # the build of the essay's store takes about a second
    child.kill()
    child.communicate(timeout=60)
    after = kg("query", "stages", "--format", "csv", cache=cache)
    assert after.returncode == 0, after.stderr
    assert "ekg:TheAwakening" in after.stdout or "TheAwakening" in after.stdout


# ---- concurrency: four kg processes started at once on a graph that must first be compiled ------------


def test_four_different_commands_started_at_once_on_a_cold_cache_all_succeed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    ext = tmp_path / "ext.ttl"
    ext.write_text(EXTENSION, encoding="utf-8")
    commands = [
        ["--data", str(ext), "query", "stages", "--format", "csv"],
        ["--data", str(ext), "sparql", 'SELECT ?c WHERE { ?c rdfs:label "fault test concept" }'],
        ["--data", str(ext), "describe", "fault test concept"],
        ["--data", str(ext), "ask", "What comes after the Awakening?"],
    ]
    children = [start(*command, cache=cache) for command in commands]
    results = [child.communicate(timeout=300) for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0], [err for _, err in results]
    assert "FaultTestConcept" in results[1][0]
    assert "fault test concept" in results[2][0]
    assert "Ascension of the Corporate Social Strategist" in results[3][0]
    assert len(list(cache.glob("store-*"))) == 1
    assert not [p for p in cache.iterdir() if p.name.startswith((".build-", ".trash-"))]


def test_four_identical_first_runs_give_identical_answers(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    children = [start("query", "stages", "--format", "csv", cache=cache) for _ in range(4)]
    results = [child.communicate(timeout=300) for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0], [err for _, err in results]
    assert len({out for out, _ in results}) == 1
    assert len(list(cache.glob("store-*"))) == 1


# ---- a read-only checkout: the cache goes to the user's cache folder -----------------------------------


@contextlib.contextmanager
def read_only_checkout() -> Iterator[Path]:
    """A copy of the checkout's kg/, ontology/ and queries/ that nobody may write to.

    In a folder of its own under the system's temporary folder: pytest's are private to
    their owner, and as root the commands run as nobody (root may write anywhere).
    """
    base = Path(tempfile.mkdtemp(prefix="kg-read-only-"))
    try:
        base.chmod(0o755)
        checkout = base / "checkout"
        checkout.mkdir()
        ignore = shutil.ignore_patterns("__pycache__", "_data")
        for name in ("kg", "ontology", "queries"):
            shutil.copytree(REPO / name, checkout / name, ignore=ignore)
        cache_home = base / "xdg-cache"
        cache_home.mkdir()
        cache_home.chmod(0o777)
        for path in [checkout, *checkout.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        yield checkout
    finally:
        for path in [base, *base.rglob("*")]:
            with contextlib.suppress(OSError):
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(base, ignore_errors=True)


READ_ONLY_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


def read_only_runner(checkout: Path) -> tuple[list[str], dict[str, object], str]:
    """How to run a command that cannot write to ``checkout``: a command prefix, Popen options, and how.

    Not as root, its modes are enough. Root writes anywhere: then as nobody, if nobody may run this
    Python, else inside a read-only bind mount of the checkout (a mount namespace of its own).
    """
    if os.geteuid() != 0:
        return [], {}, "read-only modes"
    nobody: dict[str, object] = {"user": 65534, "group": 65534, "extra_groups": []}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        if subprocess.run([sys.executable, "-c", "pass"], cwd=checkout, timeout=60, **nobody).returncode == 0:
            return [], nobody, "as nobody"
    prefix = ["unshare", "-m", "sh", "-c", READ_ONLY_MOUNT, "sh", str(checkout)]
    probe = subprocess.run(
        [*prefix, "sh", "-c", f"! touch {checkout}/probe"], capture_output=True, timeout=60
    )
    assert probe.returncode == 0, f"cannot make a read-only checkout as root here: {probe.stderr!r}"
    return prefix, {}, "in a read-only mount"


def test_a_read_only_checkout_still_answers() -> None:
    with read_only_checkout() as checkout:
        cache_home = checkout.parent / "xdg-cache"
        env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONDONTWRITEBYTECODE": "1"}
        env.update(XDG_CACHE_HOME=str(cache_home), HOME=str(checkout.parent / "no-home"))
        for name in ("KG_CACHE_DIR", "KG_DATA", "KG_QUERIES"):
            env.pop(name, None)
        prefix, options, how = read_only_runner(checkout)
        before = snapshot(checkout)

        def run_there(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*prefix, sys.executable, *args],
                cwd=checkout,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                **options,  # type: ignore[arg-type]
            )

        found = run_there("-c", "import kg; print(kg.__file__)")
        assert found.stdout.startswith(str(checkout)), (how, found)  # the copy runs, not the repository
        for args, expected in [
            (["query", "stages"], "ekg:TheAwakening"),
            (["query", "stage-after", "-p", "stage", "the awakening"], "Ascension"),
            (["sparql", "ASK { ekg:TheAwakening ekg:nextStage ?x }"], "true"),
            (["list"], "stage-after"),
            (["describe", "The Awakening"], "next stage"),
            (["ask", "What comes after the Awakening?"], "Ascension of the Corporate Social Strategist"),
            (["validate"], "the graph conforms"),
        ]:
            result = run_there("-m", "kg", *args)
            assert result.returncode == 0, (how, args, result.stderr[-2000:])
            assert expected in result.stdout + result.stderr, (how, args, result.stdout[-2000:])
        assert snapshot(checkout) == before, how
        assert list((cache_home / "essay-kg").glob("store-*")), (
            how
        )  # the cache went to the user's cache folder


# ---- queries that would crash the engine: refused, in a process that survives ---------------------------


def _nested(n: int) -> str:
    return "SELECT * WHERE " + "{ " * n + "?s ?p ?o" + " }" * n


HOSTILE_QUERIES = {
    "3,000 nested groups": (_nested(3000), "nests brackets more than 128 levels deep (line 1, column"),
    "100,000 nested groups": (_nested(100_000), "nests brackets more than 128 levels deep"),
    "5,000 nested parentheses": (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "nests brackets more than 128 levels deep",
    ),
    "1,000 nested EXISTS": (
        "SELECT * WHERE { ?s ?p ?o " + "FILTER EXISTS { " * 1000 + "?s ?p ?o" + " }" * 1000 + " }",
        "nests brackets more than 128 levels deep",
    ),
    "20,000 chained ||": (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "false || " * 20_000 + "true) }",
        "the query holds 20,001 operators (kg takes at most 4,000)",
    ),
    "30,000 negations": (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 30_000 + "true) }",
        "the query holds 30,001 operators",
    ),
    "20,000 UNIONs": (
        "SELECT * WHERE { " + "{ ?s ?p ?o } UNION " * 20_000 + "{ ?s ?p ?o } }",
        "the query holds 20,001 operators",  # and the * of SELECT *
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_QUERIES))
def test_a_query_that_would_overflow_the_engines_stack_is_refused(tmp_path: Path, name: str) -> None:
    sparql, message = HOSTILE_QUERIES[name]
    cache = tmp_path / "cache"
    result = kg("sparql", "-", cache=cache, input=sparql)
    assert_clean_error(result, message)  # not a segmentation fault: Oxigraph's parser died at ~1,000 levels
    query_file = tmp_path / "deep.rq"
    query_file.write_text(sparql, encoding="utf-8")
    result = kg("query", str(query_file), cache=cache)
    assert_clean_error(result, str(query_file), message)


def test_a_deep_query_on_rdflib_is_a_clean_error(run: Callable[..., Result]) -> None:
    result = run("sparql", "--engine", "rdflib", _nested(100))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the query nests too deep for rdflib: flatten it, or run it on the default engine "
        "(--engine oxigraph)\n"
    )


def test_a_syntax_error_shows_the_querys_control_characters_as_escapes(run: Callable[..., Result]) -> None:
    result = run("sparql", 'SELECT * WHERE { ?s ?p "\x1b]0;owned\x07" ?x }')
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: SPARQL syntax error at line 1, column 41: expected one of BIND, [_]: correct the query\n"
        '  SELECT * WHERE { ?s ?p "\\x1b]0;owned\\x07" ?x }\n'
        "                                                ^\n"
    )


def test_queries_just_inside_the_limits_run(run: Callable[..., Result]) -> None:
    assert run("sparql", _nested(120) + " LIMIT 1").exit_code == 0
    assert run("sparql", "ASK { FILTER(" + "true || " * 3000 + "true) }").exit_code == 0


def test_a_huge_string_in_a_query_is_read_in_linear_time(run: Callable[..., Result]) -> None:
    value = "x" * 5_000_000
    started = time.monotonic()
    result = run("sparql", f'SELECT (STRLEN("{value}") AS ?n) WHERE {{}}', "--format", "csv")
    assert result.exit_code == 0, result.output[-500:]
    assert result.stdout == "n\n5000000\n"
    assert time.monotonic() - started < 10


# ---- remote endpoints: more ways to misbehave, each an error naming it, within --timeout -------------------

BAD_ANSWERS = {
    "Turtle that is garbage": ("text/turtle", b"<<<< not turtle at all"),
    "an HTML login page": ("text/html", b"<html><body>Please log in</body></html>"),
    "JSON of the wrong shape": ("application/sparql-results+json", b'{"head": 3}'),
    "bytes that are not UTF-8": (
        "application/sparql-results+json",
        b'{"head":{"vars":["x"]},"results":\xff\xfe',
    ),
    "a 17 MB token": ("application/n-triples", b'<http://a> <http://b> "' + b"x" * (17 * 1024 * 1024)),
}


@contextlib.contextmanager
def answering(content_type: str | None, body: bytes) -> Iterator[str]:
    """A server on 127.0.0.1 giving every request this answer (or, without a type, a redirect to itself)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if content_type is None:
                self.send_response(302)
                self.send_header("Location", self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        do_GET = do_POST

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("answer", [*sorted(BAD_ANSWERS), "a redirect loop"])
@pytest.mark.parametrize("form", ["SELECT ?s WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_an_endpoint_answering_nonsense_is_one_clean_line(
    run: Callable[..., Result], answer: str, form: str
) -> None:
    content_type, body = BAD_ANSWERS.get(answer, (None, b""))
    with answering(content_type, body) as url:
        started = time.monotonic()
        result = run("sparql", "--endpoint", url, "--timeout", "5", form)
        elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.output[-500:]
    assert result.stderr.startswith(f"Error: endpoint {url} "), result.stderr[:500]
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert elapsed < 5 + 3


# ---- the README's reliability table names tests that exist --------------------------------------------


def test_the_readme_reliability_table_names_real_tests() -> None:
    import ast
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Reliability\n", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/test_\w+\.py)::(test_\w+)`", section)
    assert len(named) >= 30
    for file, test in named:
        tree = ast.parse((REPO / file).read_text(encoding="utf-8"))
        assert test in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}, (
            f"{file}::{test}"
        )
    from tests.test_malformed import CASES

    assert f"malformed Turtle, {len(CASES)} kinds" in section
