"""``kg build``: every view, the index page and the exports, into one folder.

Everything is computed in memory first; only then is anything written. Each
file is written to a temporary file beside its target, and the temporary
files are renamed over the targets only once all of them are on disk: a
failed build (bad input, a bug, a full disk) leaves the previous outputs whole.
Files the build does not make (outputs/README.md) are left alone.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.docs_html import DOCS_FILE
from kg.errors import KgError, OutputError

if TYPE_CHECKING:
    from kg.checks import Report
    from kg.stats import Stats
    from kg.viz import Page

EXPORTS = [
    ("graph.ttl", "ttl", "Turtle"),
    ("graph.nt", "nt", "N-Triples, lines sorted"),
    ("graph.jsonld", "jsonld", "JSON-LD"),
    ("graph.graphml", "graphml", "GraphML property graph (Gephi, Cytoscape, yEd)"),
    ("graph.gexf", "gexf", "GEXF property graph with colours (Gephi)"),
]

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build wrote, and the verdict of the validation it ran."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    conforms: bool = True
    summary: str = ""


def build(
    output: Path | str = "outputs",
    extra: Sequence[Path | str] = (),
    *,
    ontology_dir: Path | None = None,
    queries: bool = True,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every view, ``index.html``, ``docs.html`` and the exports into ``output``.

    ``queries`` also draws every CONSTRUCT query of the catalogue with its
    defaults (``query-NAME.html``). ``progress(message)`` hears about each step.
    """
    folder = check_output_folder(Path(output))
    say = progress or (lambda message: None)

    say("loading the ontology and extensions")
    from kg.checks import check
    from kg.exporters import GRAPH_FORMATS, serialize, serialize_property_graph
    from kg.exporters import property_graph as to_property_graph
    from kg.infer import rdfs_closure
    from kg.sources import load
    from kg.stats import compute_stats
    from kg.viz import STANDALONE, make_page
    from kg.viz.model import GraphModel

    loaded = load(extra, ontology_dir=ontology_dir)
    inferred = rdfs_closure(loaded.graph)
    model = GraphModel(loaded.graph, inferred, loaded.texts)
    say("validating (SHACL shapes and quotes)")
    report = check(inferred, loaded.shapes, loaded.texts)
    stats = compute_stats(loaded.graph, inferred)

    outputs: dict[str, bytes] = {}
    pages: list[Page] = []
    for name in STANDALONE:
        say(f"drawing {name}")
        built = make_page(model, name)
        pages.append(built)
        outputs[built.file_name] = built.html.encode("utf-8")

    query_rows, query_pages = _queries(model, extra, say) if queries else ([], [])
    for built in query_pages:
        outputs[built.file_name] = built.html.encode("utf-8")

    property_graph = None
    for file_name, fmt, _ in EXPORTS:
        say(f"exporting {file_name}")
        if fmt in GRAPH_FORMATS:
            property_graph = property_graph or to_property_graph(inferred, model)
            outputs[file_name] = serialize_property_graph(property_graph, fmt)
        else:
            outputs[file_name] = serialize(inferred, fmt)
    say("documenting the ontology")
    outputs[DOCS_FILE] = _docs_page(loaded, inferred, stats)
    outputs["validation.json"] = _json(report.to_json())
    outputs["stats.json"] = _json(stats.to_dict())
    outputs["index.html"] = index_page(pages, query_pages, query_rows, report, stats, outputs).encode("utf-8")

    say(f"writing {len(outputs)} files to {folder}")
    written = write_all(folder, outputs)
    return BuildResult(folder, written, report.conforms, report.summary())


def _docs_page(loaded: Any, inferred: Any, stats: Stats) -> bytes:
    """The ontology's documentation page (kg docs), linked from the index."""
    from kg.catalog import catalog
    from kg.docs import gather
    from kg.docs_html import render_docs

    docs = gather(loaded, inferred, stats=stats, queries=catalog().values())
    return render_docs(docs, index_link=True).encode("utf-8")


def check_output_folder(folder: Path) -> Path:
    """``folder`` if it is one, or can be made in a parent that exists; a KgError saying what to do if not."""
    if folder.exists() and not folder.is_dir():
        raise KgError(f"{folder}: exists and is not a folder: give -o a folder (new or existing)")
    parent = folder.parent if not folder.exists() else folder
    if not parent.is_dir():
        raise KgError(
            f"{folder}: the folder {parent} does not exist: create it first, or give -o another folder"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise KgError(f"{parent}: this folder is not writable: give -o a folder you can write to")
    return folder


def write_all(folder: Path, outputs: dict[str, bytes]) -> list[Path]:
    """Write every file to a temporary file in ``folder``, then rename them all into place.

    Until the renames start nothing visible changes; a failure before them removes the
    temporary files and leaves every previous output as it was.
    """
    try:
        folder.mkdir(exist_ok=True)
    except OSError as e:
        raise OutputError(f"{folder}: cannot create this folder: {e.strerror or e}") from None
    _remove_stale_temporaries(folder, outputs)
    for name in outputs:  # a rename onto a folder would fail half-way through the renames: refuse first
        if (folder / name).is_dir():
            raise OutputError(
                f"{folder / name}: is a folder, where kg build writes a file; the previous outputs are "
                "unchanged: move the folder away, or give -o another folder"
            )
    staged: list[tuple[str, Path]] = []
    mode = 0o666 & ~_umask()
    try:
        for name, data in outputs.items():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            staged.append((tmp, folder / name))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, mode)
    except BaseException as e:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise OutputError(
                f"{folder}: cannot write the outputs ({e.strerror or e}); the previous outputs are "
                "unchanged: free some space or fix the folder's permissions, or give -o another folder"
            ) from None
        raise
    with _signals_held():  # Ctrl-C during the renames takes effect after them: all old or all new
        for tmp, target in staged:
            os.replace(tmp, target)
    return [target for _, target in staged]


STALE_SECONDS = 3600  # a temporary file this old was left by a build that was killed (SIGKILL, power loss)


def _remove_stale_temporaries(folder: Path, outputs: dict[str, bytes]) -> None:
    """Best effort: delete the hidden temporary files of a killed build (a running one's are younger)."""
    import glob
    import time

    for name in outputs:
        for stale in folder.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if time.time() - stale.stat().st_mtime > STALE_SECONDS:
                    stale.unlink()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back until the block is done (POSIX; elsewhere a no-op)."""
    import signal

    held = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _queries(
    model: Any, extra: Sequence[Path | str], say: Progress
) -> tuple[list[dict[str, Any]], list[Page]]:
    """The query catalogue, and a page for each CONSTRUCT query run with its defaults."""
    from kg.catalog import catalog

    rows: list[dict[str, Any]] = []
    constructs = []
    for query in catalog().values():
        rows.append(
            {
                "name": query.name,
                "summary": query.summary,
                "form": query.form,
                "tags": list(query.tags),
                "params": [f"{p.name} ({p.type}{'' if p.required else ', optional'})" for p in query.params],
                "page": None,
            }
        )
        if query.form == "CONSTRUCT" and all(
            not p.required or p.name in query.defaults for p in query.params
        ):
            constructs.append((query, rows[-1]))
    pages: list[Page] = []
    if not constructs:
        return rows, pages
    from kg.engines import open_engine
    from kg.viz import make_page

    engine = open_engine("oxigraph", extra=[Path(p) for p in extra])
    for query, row in constructs:
        say(f"drawing query {query.name}")
        built = make_page(model, "query", query=str(query.path), engine=engine)
        row["page"] = built.file_name
        pages.append(built)
    return rows, pages


# ---- index.html ----------------------------------------------------------------------------------


def index_page(
    pages: list[Page],
    query_pages: list[Page],
    query_rows: list[dict[str, Any]],
    report: Report,
    stats: Stats,
    outputs: dict[str, bytes],
) -> str:
    """The index: links to every view, the stats, the validation report, the query catalogue, the exports."""
    from kg import __version__
    from kg.viz.html import page

    e = _escape
    parts: list[str] = ['<section><h2>Views</h2><div class="cards">']
    for p in pages:
        counts = (
            f"{p.nodes:,} quoted spans, {p.edges:,} facts"
            if p.name == "essay"
            else f"{p.nodes:,} nodes, {p.edges:,} links"
        )
        parts.append(
            f'<a class="card" href="{e(p.file_name)}"><strong>{e(p.title)}</strong>'
            f"<span>{e(p.description)}</span><span>{e(counts)}</span></a>"
        )
    parts.append("</div>")
    if query_pages:
        parts.append('<h2 style="margin-top:1rem">Query graphs</h2><div class="cards">')
        for p in query_pages:
            parts.append(
                f'<a class="card" href="{e(p.file_name)}"><strong>{e(p.title)}</strong>'
                f"<span>{e(p.description)}</span><span>{p.nodes:,} nodes, {p.edges:,} links</span></a>"
            )
        parts.append("</div>")
    if DOCS_FILE in outputs:
        parts.append(
            '<h2 style="margin-top:1rem">Ontology</h2><div class="cards">'
            f'<a class="card" href="{DOCS_FILE}"><strong>Documentation</strong><span>Every class and '
            "property with its definition and counts, the concept schemes, the shapes and the queries."
            "</span></a></div>"
        )
    parts.append("</section>")

    verdict = "ok" if report.conforms else "bad"
    parts.append(f'<section><h2>Validation</h2><p class="verdict {verdict}">{e(report.summary())}</p>')
    for f in report.findings:
        focus = (
            f"[] at {f.label}"
            if f.focus.startswith("_:") and f.label
            else (f"{f.focus} ({f.label})" if f.label else f.focus)
        )
        lines = [
            f"<p><strong>{e(f.severity)}</strong>: <code>{e(f.shape)}</code></p>",
            f"<p>focus: {e(focus)}</p>",
            f"<p>{e(f.message)}</p>",
        ]
        if f.path:
            lines.append(f"<p>path: <code>{e(f.path)}</code></p>")
        if f.value:
            lines.append(f"<p>value: {e(f.value)}</p>")
        parts.append(f'<div class="finding {e(f.severity)}">{"".join(lines)}</div>')
    parts.append('<p><a href="validation.json">validation.json</a></p></section>')

    coverage = stats.evidence_coverage
    parts.append("<section><h2>Stats</h2><table>")
    for label, value in [
        ("triples (asserted)", f"{stats.asserted_triples:,}"),
        ("triples (with inferences)", f"{stats.inferred_triples:,}"),
        ("individuals", f"{stats.individuals:,}"),
        ("individuals with evidence", f"{stats.with_evidence:,}"),
        ("evidence coverage", "n/a" if coverage is None else f"{coverage:.1f}%"),
    ]:
        parts.append(f'<tr><th>{e(label)}</th><td class="num">{e(value)}</td></tr>')
    parts.append(
        '</table><table style="margin-top:1rem"><tr><th>class</th><th>IRI</th>'
        '<th class="num">instances</th><th class="num">with subclasses</th></tr>'
    )
    for c in stats.classes:
        parts.append(
            f"<tr><td>{e(c.label)}</td><td><code>{e(c.curie)}</code></td>"
            f'<td class="num">{c.instances:,}</td><td class="num">{c.with_subclasses:,}</td></tr>'
        )
    parts.append('</table><p><a href="stats.json">stats.json</a></p></section>')

    if query_rows:
        parts.append(
            '<section><h2>Query catalogue</h2><p class="muted">Run one with '
            "<code>kg query NAME [-p NAME VALUE]...</code>; <code>kg list</code> lists them.</p>"
            "<table><tr><th>name</th><th>question</th><th>parameters</th><th>form</th></tr>"
        )
        for row in query_rows:
            name = e(row["name"])
            if row["page"]:
                name = f'<a href="{e(row["page"])}">{name}</a>'
            parts.append(
                f"<tr><td><code>{name}</code></td><td>{e(row['summary'])}</td>"
                f"<td>{e(', '.join(row['params']) or '—')}</td><td>{e(row['form'])}</td></tr>"
            )
        parts.append("</table></section>")

    parts.append(
        '<section><h2>Exports</h2><table><tr><th>file</th><th>format</th><th class="num">size</th></tr>'
    )
    for file_name, _, what in EXPORTS:
        size = len(outputs.get(file_name, b""))
        parts.append(
            f'<tr><td><a href="{e(file_name)}">{e(file_name)}</a></td><td>{e(what)}</td>'
            f'<td class="num">{size / 1024:,.0f} KB</td></tr>'
        )
    parts.append("</table></section>")
    parts.append(f'<p class="muted">Built by essay-kg {e(__version__)} (<code>kg build</code>).</p>')
    return page(
        "index.html",
        title="essay-kg",
        description="The knowledge graph of “Social Media and The Tale of Two Career Paths”: its views, "
        "its validation, its numbers and its queries.",
        data=None,
        scripts=[],
        styles=[_page_css()],
        body="\n".join(parts),
    )


def _page_css() -> str:
    from kg.viz.html import template

    return template("page.css")


def _escape(value: Any) -> str:
    from kg.viz.html import clean

    return html.escape(clean(str(value)), quote=True)
