"""The ``kg viz`` and ``kg build`` commands: parse options, call kg.viz / kg.build, report.

Registered by kg.cli (``cli.add_command(viz)``, ``cli.add_command(build)``).
Only click and kg.errors are imported here: rdflib, networkx, pyvis, numpy and
scipy load inside the commands, so ``kg --help`` and ``kg query`` never pay for them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli_options import completer
from kg.errors import KgError, OutputError

DEFAULT_FOLDER = Path("outputs")

_paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")


def _extra(options: Any, paths: tuple[Path, ...]) -> list[Path]:
    """The global --data / KG_DATA paths, then the command's PATH arguments, refused on lint errors."""
    from kg.cli_options import extension_files

    return extension_files(options, paths)


@click.command()
@click.argument("view", required=False, metavar="VIEW", shell_complete=completer("views"))
@_paths_argument
@click.option("--list", "list_views", is_flag=True, help="Name the views, with one line each, and stop.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The HTML file to write (atomically). Default: outputs/VIEW.html.",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser afterwards.")
@click.option(
    "--focus",
    metavar="ENTITY",
    help="focus view: the entity (a label, a prefixed name or an IRI).",
    shell_complete=completer("entities"),
)
@click.option(
    "--depth",
    type=click.IntRange(min=0, max=10),
    default=None,
    metavar="N",
    help="focus view: how many links out from the entity.  [default: 1]",
)
@click.option(
    "--query",
    metavar="NAME|FILE",
    help="query view: a CONSTRUCT query file, by name or path.",
    shell_complete=completer("constructs"),
)
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="query view: a value for one of the query's parameters. Repeatable.",
)
@click.pass_obj
def viz(
    options: Any,
    view: str | None,
    paths: tuple[Path, ...],
    list_views: bool,
    output: Path | None,
    open_page: bool,
    focus: str | None,
    depth: int | None,
    query: str | None,
    params: tuple[tuple[str, str], ...],
) -> None:
    """Draw a view of the graph as one HTML file that works offline.

    The page has a legend that filters by class, a search box, tooltips with
    each node's definition and quote, and a side panel with the essay's words
    and the node's links. VIEW is one of the names `kg viz --list` shows;
    PATH... are extension Turtle files or folders, as for the other commands.

    \b
    Example:
      kg viz --list
      kg viz stages --open
      kg viz focus --focus "Jeremiah Owyang" --depth 2 -o outputs/owyang.html
      kg viz query --query neighbourhood -p entity ekg:AltimeterGroup
      kg viz essay -o essay.html
    """
    from kg.viz.views import VIEWS, known_view

    if list_views:
        width = max(len(name) for name in VIEWS)
        for name, spec in VIEWS.items():
            click.echo(f"{name.ljust(width)}  {spec.summary}")
        return
    if view is None:
        raise KgError("give a view: kg viz VIEW (kg viz --list names them)")
    known_view(view)
    if depth is not None and view != "focus":
        raise KgError(
            f"--depth belongs to the focus view, not {view}: "
            f"run `kg viz focus --focus ENTITY --depth {depth}`"
        )
    given = dict(params)
    if len(given) != len(params):
        raise KgError("the same -p NAME is given twice: give each parameter once")
    target = _check_output_file(output) if output is not None else None

    from kg.viz import load_model, make_page

    extra = _extra(options, paths)
    model = load_model(extra)
    built = make_page(
        model, view, focus=focus, depth=1 if depth is None else depth, query=query, params=given, extra=extra
    )
    if target is None:
        try:
            DEFAULT_FOLDER.mkdir(exist_ok=True)
        except OSError as e:
            raise KgError(
                f"{DEFAULT_FOLDER}: cannot make this folder here ({e.strerror or e}): give -o FILE elsewhere"
            ) from None
        target = _check_output_file(DEFAULT_FOLDER / built.file_name)
    _write(built, target)
    what = (
        f"{built.nodes:,} quoted spans, {built.edges:,} facts"
        if built.name == "essay"
        else f"{built.nodes:,} nodes, {built.edges:,} links"
    )
    click.echo(f"wrote {target} ({what})", err=True)
    if open_page:
        import webbrowser

        webbrowser.open(target.resolve().as_uri())


@click.command()
@_paths_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=DEFAULT_FOLDER,
    show_default=True,
    help="The folder to write into (made if missing; its parent must exist).",
)
@click.option("--no-queries", is_flag=True, help="Skip drawing the catalogue's CONSTRUCT queries.")
@click.pass_obj
def build(options: Any, paths: tuple[Path, ...], output: Path, no_queries: bool) -> None:
    """Build everything: every view, index.html, the validation report and the exports.

    Writes into the folder (default outputs/): overview, stages, challenges,
    actors, discussion and essay pages, a page per CONSTRUCT query file,
    index.html (links to every page, the stats, the validation report, the
    query catalogue), docs.html (the ontology's documentation, as `kg docs`
    writes it), validation.json, stats.json, and the graph with its
    inferences as graph.ttl, .nt, .jsonld, .graphml and .gexf. Nothing is
    replaced until everything is ready: a failed build leaves the previous
    files whole. Exit status: 0, or 1 when the graph does not conform (the
    files are still written; index.html shows why).

    \b
    Example:
      kg build
      kg build -o site my-extension.ttl
    """
    from kg.build import build as run_build

    progress = _progress if _terminal() else None
    try:
        result = run_build(output, _extra(options, paths), queries=not no_queries, progress=progress)
    finally:
        if progress is not None:
            _progress("")
    click.echo(result.summary, err=True)
    click.echo(
        f"wrote {len(result.files)} files to {result.folder}{os.sep} (open {result.folder / 'index.html'})",
        err=True,
    )
    if not result.conforms:
        sys.exit(1)


def _terminal() -> bool:
    return sys.stderr.isatty()


def _progress(message: str) -> None:
    """One line on a terminal, rewritten in place."""
    sys.stderr.write("\r\x1b[K" + (f"kg build: {message}…" if message else ""))
    sys.stderr.flush()


def _check_output_file(path: Path) -> Path:
    """``path`` if a file can be written there; a KgError saying what to do if not."""
    parent = path.parent
    if path.is_dir():
        raise KgError(f"{path}: is a folder: give -o a file name, such as {path / 'view.html'}")
    if not parent.exists():
        raise KgError(f"{path}: the folder {parent} does not exist: create it first, or give -o another path")
    if not parent.is_dir():
        raise KgError(f"{path}: {parent} is not a folder: give -o a path inside a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise KgError(
            f"{path}: the folder {parent} is not writable: give -o a path in a folder you can write to"
        )
    return path


def _write(built: Any, target: Path) -> None:
    try:
        built.write(target)
    except OutputError as e:
        raise OutputError(f"{e}: nothing was written; give -o a path in a folder you can write to") from None
