"""Benchmark: how fast a cold ``kg query`` is, beside importing rdflib, and how it scales.

Run by hand from the repository root (not part of the test suite):

    .venv/bin/python bench/bench_query.py                 # essay + 10k, 100k, 1M triples; ~2 minutes
    .venv/bin/python bench/bench_query.py --sizes 10000   # quicker
    .venv/bin/python bench/bench_query.py --smoke         # seconds: checks the script works

What it measures, each in a fresh process (a new Python, as a user's shell starts it):

1. The essay graph, with the compiled store warm: ``kg query stages`` against
   ``python -c "import rdflib"`` and against a plain rdflib script that parses
   the ontology's Turtle and runs the same query, interleaved run by run so
   all three share the machine's state; median of ``--runs`` runs each.
2. Synthetic extensions of N triples (generated Turtle, in a temporary folder,
   loaded with ``--data``): the first ``kg query stages`` (compiles the store:
   parse, RDFS closure, write), then cold queries on the warm store:
   ``stages`` (a few index look-ups) and ``classes`` (counts every instance of
   every class: a scan of the whole graph). Peak memory is the child's maximum
   resident set size (``wait4``).

The compiled stores go to a temporary cache folder (KG_CACHE_DIR), so your own
cache is neither used nor touched. Results are written as markdown to
bench/results.md (``--out``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUERY = "stages"
SCAN_QUERY = "classes"
ENTITY = "The Awakening"
QUESTION = "What comes after the Awakening?"
ASK = f'kg ask "{QUESTION}"'
RDFLIB_SCRIPT_NAME = "rdflib script: parse + query"
SIZES = (10_000, 100_000, 1_000_000)

# The plain rdflib way: parse the ontology's Turtle, run the same query file's SPARQL, print the rows.
RDFLIB_SCRIPT = """
import sys
from rdflib import Graph
graph = Graph()
for path in sys.argv[2:]:
    graph.parse(path, format="turtle")
for row in graph.query(open(sys.argv[1], encoding="utf-8").read()):
    print(*row, sep="\\t")
"""


@dataclass
class Run:
    """One child process: wall-clock and CPU (user + system) seconds, and peak resident memory (MiB)."""

    seconds: float
    cpu: float
    peak_mib: float


@dataclass
class Series:
    """Repeated runs of one command."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.peak_mib for r in self.runs)


@dataclass
class SizeResult:
    """One synthetic extension: its size and what it cost."""

    triples: int
    file_mib: float
    compile: Run
    cold: dict[str, Series]  # command -> runs on the warm store


# Runs one command for measure(): forks it from this small process, because a child's peak RSS
# (ru_maxrss) starts at the size of the process it was forked from, and the benchmark's own Python
# is bigger than a bare one. Prints the child's exit code, wall and CPU seconds, and peak RSS (KiB).
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
      usage.ru_maxrss)
"""


def measure(command: Sequence[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> Run:
    """Run ``command`` to the end: its wall-clock time and peak RSS. A failure is an error, not a number."""
    program = shutil.which(command[0]) or command[0]
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a chatty child cannot block on it
        done = subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, program, *command[1:]],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            check=False,
        )
        err.seek(0)
        message = err.read().decode(errors="replace")
    try:
        code, seconds, cpu, peak_kib = done.stdout.decode().split()
    except ValueError:
        raise RuntimeError(f"the launcher failed on {' '.join(command)}:\n{message}") from None
    if int(code) != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}:\n{message}")
    return Run(float(seconds), float(cpu), int(peak_kib) / 1024)  # ru_maxrss is in KiB on Linux


def kg_command(*args: str) -> list[str]:
    """``kg ARGS`` as a user runs it: the console script beside this Python, else ``python -m kg``."""
    script = Path(sys.executable).parent / "kg"
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-m", "kg", *args]


def bench_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KG_DATA", "PYTHONDONTWRITEBYTECODE")}
    env["KG_CACHE_DIR"] = str(cache)
    return env


def ontology_files() -> list[Path]:
    """The Turtle files ``kg`` loads by default (the shapes are for validation, not queries)."""
    folder = REPO / "ontology"
    files = [p for p in folder.glob("*.ttl") if p.name != "shapes.ttl"]
    return sorted(files, key=lambda p: (p.name != "core.ttl", p.name))


def bench_essay(runs: int, cache: Path) -> dict[str, Series]:
    """Cold ``kg query stages`` vs ``import rdflib`` vs a plain rdflib script, interleaved."""
    env = bench_env(cache)
    measure(kg_command("query", QUERY), env)  # compile the store once: the runs below find it warm
    measure(kg_command("ask", QUESTION), env)  # ... and kg ask's question-matching index
    query_file = REPO / "queries" / f"{QUERY}.rq"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        f"kg query {QUERY}": kg_command("query", QUERY),
        'python -c "import rdflib"': [sys.executable, "-c", "import rdflib"],
        f'kg describe "{ENTITY}"': kg_command("describe", ENTITY),
        ASK: kg_command("ask", QUESTION),
        RDFLIB_SCRIPT_NAME: [
            sys.executable,
            "-c",
            RDFLIB_SCRIPT,
            str(query_file),
            *map(str, ontology_files()),
        ],
    }
    series = {name: Series(name) for name in commands}
    for command in commands.values():  # one warm-up each: the OS file cache, .pyc files
        measure(command, env)
    for _ in range(runs):
        for name, command in commands.items():
            series[name].runs.append(measure(command, env))
    return series


# --- synthetic extensions --------------------------------------------------------------------------------

HEADER = """@prefix ekg: <https://w3id.org/essay-kg/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix oa: <http://www.w3.org/ns/oa#> .

"""
PEOPLE = 1000  # distinct authors the synthetic claims are attributed to
PERSON_TRIPLES = 2
CLAIM_TRIPLES = 14
TOPICS = ("ekg:SocialStrategist", "ekg:TheAwakening", "ekg:MeasuringROI", "ekg:CommunityManager")


def generate_extension(path: Path, triples: int) -> int:
    """Write a Turtle extension of about ``triples`` triples shaped like the essay's own data:
    findings with a label, a topic, an author, and evidence (a Web Annotation quote and offsets).
    Returns the exact number of triples written."""
    people = min(PEOPLE, max(1, triples // 100))
    claims = max(1, (triples - people * PERSON_TRIPLES) // CLAIM_TRIPLES)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for j in range(people):
            out.write(f'ekg:synPerson{j} a foaf:Person ; rdfs:label "synthetic person {j}" .\n')
        for i in range(claims):
            out.write(
                f'ekg:synClaim{i} a ekg:Finding ; rdfs:label "synthetic finding {i}" ;\n'
                f"    ekg:about {TOPICS[i % len(TOPICS)]} ; ekg:statedBy ekg:synPerson{i % people} ;\n"
                "    ekg:evidence [ a oa:SpecificResource ; oa:hasSource ekg:essay ;\n"
                "        oa:hasSelector [ a oa:TextQuoteSelector ;\n"
                '            oa:exact "Studying the impact of innovation on business and society" ] ,\n'
                "            [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 57 ] ] .\n"
            )
    return people * PERSON_TRIPLES + claims * CLAIM_TRIPLES


def bench_size(triples: int, runs: int, work: Path) -> SizeResult:
    """Compile an extension of ``triples`` triples into a fresh cache, then query it cold."""
    folder = work / f"ext-{triples}"
    folder.mkdir()
    path = folder / "synthetic.ttl"
    written = generate_extension(path, triples)
    cache = work / f"cache-{triples}"
    env = bench_env(cache)
    compiled = measure(kg_command("--data", str(path), "query", QUERY), env)
    commands = {
        f"kg query {QUERY}": ("query", QUERY),
        f"kg query {SCAN_QUERY}": ("query", SCAN_QUERY),
        f'kg describe "{ENTITY}"': ("describe", ENTITY),
    }
    cold = {name: Series(name) for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            cold[name].runs.append(measure(kg_command("--data", str(path), *args), env))
    shutil.rmtree(cache, ignore_errors=True)
    return SizeResult(written, path.stat().st_size / 2**20, compiled, cold)


# --- report ------------------------------------------------------------------------------------------


def render(essay: dict[str, Series], sizes: Sequence[SizeResult], runs: int, load: str = "") -> str:
    """The results as markdown: the essay table with the two ratios, then the scaling table."""
    kg_query = essay[f"kg query {QUERY}"]
    rdflib_import = essay['python -c "import rdflib"']
    rdflib_script = essay[RDFLIB_SCRIPT_NAME]
    lines = [
        "# Benchmark results",
        "",
        f"`python bench/bench_query.py` on {machine()}, {time.strftime('%Y-%m-%d')}{load}.",
        "Wall: elapsed time, what a user waits; CPU: user + system time of the process, which other "
        "load on the machine disturbs less. Peak memory: the process's maximum resident set size.",
        "",
        f"## Cold `kg query {QUERY}` and `kg ask` on the essay graph "
        f"(median of {runs} runs, fresh process each)",
        "",
        "The compiled store is warm (built by an earlier run); each command starts a new Python.",
        "",
        "| command | wall | CPU | peak memory |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| `{s.name}` | {ms(s.median)} | {ms(s.cpu)} | {s.peak_mib:.0f} MiB |" for s in essay.values()]
    ratio, ratio_cpu = kg_query.median / rdflib_import.median, kg_query.cpu / rdflib_import.cpu
    speedup, speedup_cpu = rdflib_script.median / kg_query.median, rdflib_script.cpu / kg_query.cpu
    ask = essay[ASK]
    ask_ratio, ask_ratio_cpu = ask.median / rdflib_import.median, ask.cpu / rdflib_import.cpu
    lines += [
        "",
        f"- `kg query {QUERY}` / `import rdflib`: **{ratio:.2f}** wall, {ratio_cpu:.2f} CPU "
        f"(target <= 0.6: {'met' if ratio <= 0.6 else 'missed'})",
        f"- the rdflib script / `kg query {QUERY}`: **{speedup:.1f}x** wall, {speedup_cpu:.1f}x CPU "
        f"(target >= 5x: {'met' if speedup >= 5 else 'missed'})",
        f"- `{ASK}` / `import rdflib`: **{ask_ratio:.2f}** wall, {ask_ratio_cpu:.2f} CPU "
        f"(target <= 0.6: {'met' if ask_ratio <= 0.6 else 'missed'})",
    ]
    if sizes:
        names = list(sizes[0].cold)
        lines += [
            "",
            "## Synthetic extensions (`kg --data synthetic.ttl ...`)",
            "",
            "Findings shaped like the essay's own (label, topic, author, evidence with a quote and "
            "offsets). First run: parse, RDFS closure and write the compiled store, then the query. "
            f"Cold commands: median wall time of {runs} fresh processes on the warm store, and the "
            f"largest peak memory. `{SCAN_QUERY}` counts the instances of every class (a scan of the "
            "whole graph); `describe` finds the entity by its exact label (an index look-up) and lists its "
            "first 1,000 incoming relations (a quarter of the synthetic findings are about it).",
            "",
            "| extension | Turtle | first run (compile) | peak memory | "
            + " | ".join(f"cold `{n[3:]}`" for n in names)
            + " | peak memory |",
            "|---:|---:|---:|---:|" + "---:|" * len(names) + "---:|",
        ]
        for r in sizes:
            cold = " | ".join(ms(r.cold[n].median) for n in names)
            peak = max(series.peak_mib for series in r.cold.values())
            lines.append(
                f"| {r.triples:,} triples | {r.file_mib:.1f} MiB | {seconds(r.compile.seconds)} "
                f"| {r.compile.peak_mib:.0f} MiB | {cold} | {peak:.0f} MiB |"
            )
    return "\n".join(lines) + "\n"


def ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def machine() -> str:
    versions = []
    for module in ("pyoxigraph", "rdflib"):
        try:
            from importlib.metadata import version

            versions.append(f"{module} {version(module)}")
        except Exception:
            versions.append(f"{module} (not installed)")
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {', '.join(versions)}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per measurement (default 10)")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="synthetic extension sizes in triples, comma-separated; empty for none",
    )
    parser.add_argument("--out", type=Path, help="markdown file (default: bench/results.md)")
    parser.add_argument("--smoke", action="store_true", help="2 runs, one 500-triple extension, no file")
    args = parser.parse_args(argv)
    runs = 2 if args.smoke else args.runs
    sizes = [500] if args.smoke else [int(s) for s in args.sizes.split(",") if s.strip()]
    load_before = os.getloadavg()[0]  # other work on the machine slows every number: say how busy it was
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        work = Path(tmp)
        print(f"essay graph: {runs} runs of each command ...", file=sys.stderr)
        essay = bench_essay(runs, work / "cache-essay")
        results = []
        for size in sizes:
            print(f"extension of {size:,} triples ...", file=sys.stderr)
            results.append(bench_size(size, runs, work))
    before, after = load_before, os.getloadavg()[0]
    report = render(essay, results, runs, f" (load average {before:.2f} before, {after:.2f} after)")
    print(report)
    out = args.out or (None if args.smoke else REPO / "bench" / "results.md")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
