"""Benchmark: how long a view takes to build, and to render and stop moving in headless Chromium.

Run by hand from the repository root (not part of the test suite); needs Chromium on
PATH (Debian's ``chromium`` package) and Playwright (``pip install -e '.[test]'``):

    .venv/bin/python bench/bench_viz.py                  # 100, 1,000 and 5,000 nodes, ~1 minute
    .venv/bin/python bench/bench_viz.py --sizes 100      # quicker
    .venv/bin/python bench/bench_viz.py --smoke          # seconds: checks the script works

Each synthetic graph is RDF, as an extension would be: N individuals of eight
classes, each with a label, a definition and an evidence quote, linked about two
links per node by preferential attachment (a few hubs, many leaves, as in the
essay's graph). It goes the way ``kg viz overview`` goes: ``GraphModel`` ->
overview view (networkx) -> layout -> page (pyvis lists, our template). The
essay's own overview is measured too, for scale.

In the browser, the time is from the start of navigation until the page reports
ready: drawn, and, for a view small enough for physics, stabilised and physics
switched off. The script then checks that no node moves over the next half
second. Median of ``--runs`` loads, each in a new tab. Results go to
bench/results-viz.md (``--out``) as a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SIZES = (100, 1_000, 5_000)
TARGET_SECONDS = 10.0
CLASSES = ["Claim", "Finding", "Prediction", "Role", "Challenge", "Comment", "Statistic", "Publication"]
LINKS = ["about", "statedBy", "source", "makesPoint"]


@dataclass
class Row:
    name: str
    nodes: int
    links: int
    mode: str
    python_s: float
    size_kb: float
    browser_s: float
    still: bool


def synthetic_graph(n: int, seed: int = 11) -> Any:
    """An rdflib graph of ``n`` individuals, linked by preferential attachment."""
    import random

    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS

    ekg = "https://w3id.org/essay-kg/ns#"
    oa = "http://www.w3.org/ns/oa#"
    rng = random.Random(seed)
    graph = Graph()
    graph.bind("ekg", ekg)
    targets: list[int] = []
    for i in range(n):
        node = URIRef(f"{ekg}n{i}")
        graph.add((node, RDF.type, URIRef(ekg + CLASSES[i % len(CLASSES)])))
        graph.add((node, RDFS.label, Literal(f"{CLASSES[i % len(CLASSES)].lower()} number {i}")))
        graph.add((node, SKOS.definition, Literal(f"A synthetic individual, the {i}th of {n}.")))
        evidence, selector = BNode(), BNode()
        graph.add((node, URIRef(ekg + "evidence"), evidence))
        graph.add((evidence, RDF.type, URIRef(oa + "SpecificResource")))
        graph.add((evidence, URIRef(oa + "hasSelector"), selector))
        graph.add((selector, RDF.type, URIRef(oa + "TextQuoteSelector")))
        graph.add((selector, URIRef(oa + "exact"), Literal(f"the words that state fact {i}")))
        for _ in range(min(i, 2)):
            other = rng.choice(targets) if rng.random() < 0.7 else rng.randrange(i)
            graph.add((node, URIRef(ekg + LINKS[(i + other) % len(LINKS)]), URIRef(f"{ekg}n{other}")))
            targets.append(other)
        targets.append(i)
    return graph


def build_page(graph: Any | None) -> tuple[Any, str, float]:
    """(view, html, seconds): the synthetic graph's overview, or the essay's when ``graph`` is None."""
    from kg.viz import load_model, make_view
    from kg.viz.html import render_view
    from kg.viz.model import GraphModel

    started = time.perf_counter()
    model = load_model() if graph is None else GraphModel(graph)
    view = make_view(model, "overview")
    html = render_view(view)
    return view, html, time.perf_counter() - started


def load_in_browser(context: Any, path: Path) -> tuple[float, bool]:
    """Seconds from navigation start to ready, and whether the nodes then stay still."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:")) else r.abort(),
    )
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=120_000)
        ready_ms = page.evaluate("kg.state.readyAt")  # performance.now(): ms since navigation start
        before = page.evaluate("JSON.stringify(kg.network.getPositions())")
        page.wait_for_timeout(500)
        still = page.evaluate("JSON.stringify(kg.network.getPositions())") == before
        if errors:
            raise RuntimeError(f"{path.name}: page errors: {errors}")
        return ready_ms / 1000.0, still
    finally:
        page.close()


def measure(sizes: Sequence[int], runs: int, folder: Path) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from tests.chromium import chromium_path, launch

    executable = chromium_path()
    if executable is None:
        sys.exit("no chromium on PATH: apt-get install chromium")
    rows: list[Row] = []
    build_page(synthetic_graph(20))  # warm up: the imports (rdflib, networkx, pyvis, scipy) are not measured
    cases: list[tuple[str, Any]] = [("essay overview", None)]
    cases += [(f"synthetic {n:,}", synthetic_graph(n)) for n in sizes]
    with sync_playwright() as playwright:
        context = launch(playwright, folder / "profile", executable)
        for name, graph in cases:
            view, html, python_s = build_page(graph)
            path = folder / f"{name.replace(' ', '-').replace(',', '')}.html"
            path.write_text(html, encoding="utf-8")
            times, still = [], True
            for _ in range(runs):
                seconds, stopped = load_in_browser(context, path)
                times.append(seconds)
                still = still and stopped
            from kg.viz.html import PHYSICS_LIMIT

            mode = "physics, then stopped" if view.node_count <= PHYSICS_LIMIT else "precomputed, no physics"
            rows.append(
                Row(
                    name,
                    view.node_count,
                    view.edge_count,
                    mode,
                    python_s,
                    len(html) / 1024,
                    statistics.median(times),
                    still,
                )
            )
            print(f"{name}: {rows[-1]}", file=sys.stderr)
        context.close()
    return rows


def markdown(rows: list[Row], runs: int) -> str:
    from tests.chromium import chromium_path

    executable = chromium_path()
    chromium = (
        subprocess.run([executable, "--version"], capture_output=True, text=True).stdout.strip()
        if executable
        else ""
    )
    lines = [
        "# kg viz: time to a still picture",
        "",
        f"`bench/bench_viz.py`, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, "
        f"{chromium or 'Chromium'} headless; browser time is the median of {runs} loads.",
        "",
        "| view | nodes | links | layout | build the page (Python) | page size "
        "| rendered and still (Chromium) |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        still = "" if r.still else " (still moving!)"
        lines.append(
            f"| {r.name} | {r.nodes:,} | {r.links:,} | {r.mode} | {r.python_s:.2f} s | {r.size_kb:,.0f} KB | "
            f"{r.browser_s:.2f} s{still} |"
        )
    worst = max((r.browser_s for r in rows if r.nodes >= 5_000), default=None)
    if worst is not None:
        verdict = "met" if worst < TARGET_SECONDS else "NOT met"
        lines += ["", f"Target: under {TARGET_SECONDS:.0f} s at 5,000 nodes: {verdict} ({worst:.2f} s)."]
    lines += [
        "",
        "Python time is loading the graph (the essay: parse + RDFS types), building the view and its "
        "layout and rendering the HTML, in a process that has already imported its modules. "
        "Browser time runs from the start of navigation to the "
        "page's ready signal: the vis-network script parsed, the graph drawn and, below "
        "400 nodes, the physics stabilised and switched off. No node moves in the half second after.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results-viz.md")
    parser.add_argument("--smoke", action="store_true", help="one small graph, one run, nothing written")
    args = parser.parse_args(argv)
    sizes, runs = ([60], 1) if args.smoke else (args.sizes, args.runs)
    with tempfile.TemporaryDirectory(prefix="bench-viz-") as tmp:
        rows = measure(sizes, runs, Path(tmp))
    text = markdown(rows, runs)
    print(text)
    if not args.smoke:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
