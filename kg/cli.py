"""The ``kg`` command: parse options, call the library, render. No logic a library user would want.

Heavy modules (rdflib, pyshacl) are imported inside the commands, so that
``kg --help`` and ``kg --version`` stay fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg import __version__
from kg.cli_options import (
    EngineChoice,
    completer,
    engine_options,
    format_choice,
    output_options,
    timeout_option,
)
from kg.errors import KgError, reader_gone, unexpected

if TYPE_CHECKING:
    from kg.sources import Loaded

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CliError(click.ClickException):
    """A KgError on its way to the terminal: ``Error: <message>`` on stderr, exit 2."""

    exit_code = 2


# Commands that live in modules of their own: name -> "module:attribute". Imported only when one of them
# runs (or `kg --help` lists them), so that `kg query` does not pay for them (click's "lazily loading
# subcommands" recipe).
LAZY_COMMANDS = {
    "anchor": "kg.cli_anchor:anchor",
    "ask": "kg.cli_ask:ask",
    "build": "kg.cli_viz:build",
    "completion": "kg.cli_completion:completion",
    "describe": "kg.cli_describe:describe",
    "docs": "kg.cli_docs:docs",
    "lint": "kg.cli_lint:lint",
    "new-query": "kg.cli_new_query:new_query",
    "viz": "kg.cli_viz:viz",
}


class KgGroup(click.Group):
    """Turns library errors into ``Error: ...`` lines; ``--debug`` lets the traceback through.

    Also finds the commands of LAZY_COMMANDS, importing a command's module when it is asked for.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in LAZY_COMMANDS:
            import importlib

            module, _, attribute = LAZY_COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return command

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        # Only when the shell asks (_KG_COMPLETE set): kg.completion answers, never with a traceback.
        if os.environ.get(complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()):
            from kg.completion import shell_complete_quietly

            shell_complete_quietly(self, ctx_args, prog_name, complete_var)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except KgError as e:
            if _debug(ctx):
                raise
            raise CliError(str(e)) from None
        except Exception as e:
            if _debug(ctx):
                raise
            raise CliError(unexpected(e)) from None


class Options:
    """The global options, handed to every command (a plain class: dataclasses costs ~10 ms to import)."""

    def __init__(self, data: list[Path], debug: bool, queries: list[Path] | None = None) -> None:
        self.data = data
        self.debug = debug
        self.queries = queries or []  # query folders added to the built-in one (--queries, KG_QUERIES)
        self.force = False  # --force: compile user files in spite of lint errors

    def query_dirs(self) -> list[Path] | None:
        """The folders to find query files in (None: the built-in one only), each checked."""
        if not self.queries:
            return None
        from kg.catalog import query_dirs

        return query_dirs(self.queries)


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, Options) and ctx.obj.debug


@click.group(cls=KgGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="kg", message="%(prog)s %(version)s")
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="A Turtle file or folder of them to load with the ontology. Repeatable; "
    "KG_DATA adds more (paths separated by ':', like PATH).",
)
@click.option(
    "--queries",
    "queries",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    shell_complete=completer("dirs"),
    help="A folder of query files (.rq) to add to the built-in ones, for list, query and ask. "
    "Repeatable; KG_QUERIES adds more (folders separated by ':').",
)
@click.option(
    "--force",
    is_flag=True,
    help="Compile extension files into the store even when `kg lint` finds errors in them.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.pass_context
def cli(
    ctx: click.Context, data: tuple[Path, ...], queries: tuple[Path, ...], force: bool, debug: bool
) -> None:
    """The knowledge graph of "Social Media and The Tale of Two Career Paths".

    Every command loads the built-in ontology (core, essay, comments) plus any
    extension files given with PATH arguments, --data or KG_DATA.

    \b
    Example:
      kg validate
      kg stats
      kg --data extension.ttl export --format ttl -o outputs/graph.ttl
      kg --queries my-queries list
      kg --force --data draft.ttl query stages
    """
    from kg.catalog import env_query_dirs
    from kg.sources import env_data_paths

    ctx.obj = Options(data=[*env_data_paths(), *data], debug=debug, queries=[*queries, *env_query_dirs()])
    ctx.obj.force = force
    if force or "kg.compile" in sys.modules:  # kg.compile reads it when it builds or opens a store
        import kg.compile

        kg.compile.ALLOW_LINT_ERRORS = force


_paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")


def _load(options: Options, paths: tuple[Path, ...], *, gate: bool = True) -> Loaded:
    from kg.cli_options import extension_files
    from kg.sources import load

    return load(extension_files(options, paths, gate=gate))


@cli.command()
@_paths_argument
@format_choice("text", "json", help_text="Report format.")
@click.pass_obj
def validate(options: Options, paths: tuple[Path, ...], fmt: str) -> None:
    """Check the graph against the SHACL shapes, and every quote against the essay.

    Loads the ontology plus PATH... (Turtle files or folders), adds the RDFS
    inferences and reports each problem: the focus node and its label, the
    shape, and what to fix. Exit status: 0 the graph conforms, 1 it has
    violations, 2 an input could not be read.

    \b
    Example:
      kg validate
      kg validate my-extension.ttl
      kg validate --format json extensions/ > report.json
    """
    from kg.checks import check, with_lint_errors, with_places
    from kg.infer import rdfs_closure
    from kg.sources import expand

    loaded = _load(options, paths, gate=False)  # reported below rather than refused
    report = check(rdfs_closure(loaded.graph), loaded.shapes, loaded.texts)
    extra = [*options.data, *paths]
    if extra:
        report = with_lint_errors(report, extra)
    if report.findings and extra:  # say where in the user's files each problem is
        report = with_places(report, loaded.graph, expand(extra))
    if fmt == "json":
        click.echo(_as_json(report.to_json()))
    else:
        click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


@cli.command()
@_paths_argument
@format_choice("table", "json")
@click.pass_obj
def stats(options: Options, paths: tuple[Path, ...], fmt: str) -> None:
    """Count triples, individuals and instances per class, and the evidence coverage.

    Evidence coverage is the share of individuals with at least one
    ekg:evidence quote; individuals without one are listed.

    \b
    Example:
      kg stats
      kg stats --format json
    """
    from kg.infer import rdfs_closure
    from kg.render import stats_text
    from kg.stats import compute_stats

    loaded = _load(options, paths)
    result = compute_stats(loaded.graph, rdfs_closure(loaded.graph))
    click.echo(_as_json(result.to_dict()) if fmt == "json" else stats_text(result))


@cli.command()
@_paths_argument
@format_choice(
    "ttl",
    "nt",
    "jsonld",
    "graphml",
    "gexf",
    help_text="Turtle, N-Triples or JSON-LD; GraphML or GEXF (a property graph for Gephi, Cytoscape, yEd).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically: a failed run leaves it as it was) instead of standard output.",
)
@click.option("--asserted", is_flag=True, help="Export the asserted triples only, without RDFS inferences.")
@click.pass_obj
def export(options: Options, paths: tuple[Path, ...], fmt: str, output: Path | None, asserted: bool) -> None:
    """Write the merged graph, with its RDFS inferences unless --asserted.

    \b
    Example:
      kg export --format ttl -o outputs/graph.ttl
      kg export --format nt --asserted > asserted.nt
      kg export --format jsonld my-extension.ttl -o outputs/graph.jsonld
      kg export --format graphml -o outputs/graph.graphml
    """
    from kg.atomic import write_atomic
    from kg.exporters import serialize
    from kg.infer import rdfs_closure

    loaded = _load(options, paths)
    graph = loaded.graph if asserted else rdfs_closure(loaded.graph)
    data = serialize(graph, fmt)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)
        click.echo(f"wrote {output} ({len(graph):,} triples)", err=True)


# --- queries ------------------------------------------------------------------------------------
# These commands stay on the fast path: click, pyoxigraph, yaml and the standard library only (no
# rdflib, pyshacl, networkx or pyvis unless --engine rdflib asks for it). tests/test_cli_query.py checks.


def _emit(result: Any, fmt: str | None, engine: Any, prefixes: dict[str, str]) -> None:
    """Print ``result``; an ASK answered "no" exits 1 (kg.plain.query_output)."""
    from kg.plain import query_output

    text, status = query_output(result, fmt, engine, prefixes)
    click.echo(text, nl=False)
    if status:
        sys.exit(status)


def _check_format_early(form: str, fmt: str | None) -> None:
    if fmt is not None:
        from kg.render import check_format

        check_format(form, fmt)


@cli.command("list")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="Only queries with this tag (repeatable).",
    shell_complete=completer("tags"),
)
@format_choice("table", "json", help_text="A table, or a JSON list of {name, summary, parameters}.")
@click.pass_obj
def list_queries(options: Options, tags: tuple[str, ...], fmt: str) -> None:
    """List the named queries: name, parameters ([optional]) and summary.

    Run one with `kg query NAME`; `kg query NAME --show` prints its SPARQL.
    The global --queries DIR (or KG_QUERIES) adds the queries of a folder.

    \b
    Example:
      kg list
      kg list --tag stages
      kg list --format json
      kg --queries my-queries list
    """
    from kg.catalog import catalog, with_tags
    from kg.render import query_list_text

    queries = with_tags(list(catalog(options.query_dirs()).values()), tags)
    if fmt == "json":
        click.echo(_as_json([q.to_json() for q in queries]))
    else:
        click.echo(query_list_text(queries), nl=False)


@cli.command()
@click.argument("name", metavar="NAME|PATH.rq", shell_complete=completer("queries"))
@click.option(
    "-p",
    "--param",
    "params",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="A parameter value: a prefixed name, IRI or label for an IRI parameter. Repeatable.",
)
@click.option("--show", is_flag=True, help="Print the query's header, parameters and SPARQL; run nothing.")
@output_options
@engine_options
@click.pass_obj
def query(
    options: Options,
    name: str,
    params: tuple[tuple[str, str], ...],
    show: bool,
    fmt: str | None,
    engine: EngineChoice,
) -> None:
    """Run a named query (see `kg list`) or a query file.

    Parameter values are bound as RDF terms, never pasted into the SPARQL, so a
    value cannot change the query. A required parameter must be given (the
    error lists them); `--show` prints the header's defaults as an example.

    \b
    Example:
      kg query stages
      kg query stage-after -p stage "The Awakening"
      kg query statistics --format csv > statistics.csv
      kg query neighbourhood -p entity ekg:JeremiahOwyang --format nt
      kg query stages --show
      kg --queries my-queries query my-query
    """
    from kg.catalog import find_query, run_query

    found = find_query(name, options.query_dirs())
    given = _given(params)
    if show:
        from kg.render import query_show_text

        click.echo(query_show_text(found, given), nl=False)
        return
    _check_format_early(found.form, fmt)
    opened = engine.open(options.data)
    result = run_query(found, opened, given, use_defaults=False)
    _emit(result, fmt, opened, {**opened.prefixes, **found.prefixes})


def _given(params: tuple[tuple[str, str], ...]) -> dict[str, str]:
    given: dict[str, str] = {}
    for key, value in params:
        if key in given and given[key] != value:
            raise KgError(f"-p {key} is given twice ({given[key]!r} and {value!r}): give it once")
        given[key] = value
    return given


@cli.command()
@click.argument("text", metavar="QUERY|-")
@output_options
@engine_options
@click.pass_obj
def sparql(
    options: Options,
    text: str,
    fmt: str | None,
    engine: EngineChoice,
) -> None:
    """Run a SPARQL query given as text, or read from standard input with `-`.

    SELECT, ASK, CONSTRUCT and DESCRIBE; updates are refused (kg is read-only).
    The prefixes the graph declares (ekg:, rdfs:, skos: ...) may be used
    without PREFIX lines.

    \b
    Example:
      kg sparql 'SELECT ?stage ?position WHERE { ?stage ekg:position ?position ; a ekg:Stage }'
      kg sparql 'ASK { ekg:TheAwakening ekg:nextStage ekg:StormOfCulturalConflict }'
      kg sparql - --format json < my-query.rq
    """
    from kg.sparqltext import query_form, with_prefixes

    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise KgError("the query is empty: give SPARQL text, or - to read it from standard input")
    _check_format_early(query_form(text), fmt)
    opened = engine.open(options.data)
    # Declarations go on the first line, so an error's line number is still the user's.
    _emit(opened.run(with_prefixes(text, opened.prefixes)), fmt, opened, dict(opened.prefixes))


@cli.command()
@click.option("--endpoint", required=True, metavar="URL", help="The endpoint's SPARQL query URL.")
@click.option(
    "--method",
    type=click.Choice(["gsp", "update"]),
    default="gsp",
    show_default=True,
    help="gsp: PUT the graph with the Graph Store protocol (replaces the default graph); "
    "update: INSERT DATA through SPARQL Update (adds to it).",
)
@click.option("--store-url", metavar="URL", help="The Graph Store URL (default: .../query -> .../store).")
@click.option("--update-url", metavar="URL", help="The SPARQL Update URL (default: .../query -> .../update).")
@timeout_option()
@click.option("--no-reason", is_flag=True, help="Send the asserted triples only, without RDFS inferences.")
@click.pass_obj
def push(
    options: Options,
    endpoint: str,
    method: str,
    store_url: str | None,
    update_url: str | None,
    timeout: float,
    no_reason: bool,
) -> None:
    """Load the graph (with its RDFS inferences) into a SPARQL 1.1 endpoint.

    Then `kg query NAME --endpoint URL` runs the same query files on it.

    \b
    Example:
      kg push --endpoint http://127.0.0.1:7878/query
      kg query stages --endpoint http://127.0.0.1:7878/query
      kg push --endpoint http://host/sparql --method update --update-url http://host/update
    """
    from kg.push import push as push_graph

    sent = push_graph(
        endpoint,
        extra=options.data,
        reason=not no_reason,
        method=method,
        store_url=store_url,
        update_url=update_url,
        timeout=timeout,
    )
    click.echo(f"pushed {sent:,} triples to {endpoint}")


def _as_json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)


def _interrupted(signum: int, frame: Any) -> None:
    """Ctrl-C: KeyboardInterrupt, as by default (click prints "Aborted!"), with one difference. Landing
    inside a constructor (pyparsing's, building rdflib's SPARQL grammar), it leaves a half-made object
    whose __del__ fails later with a traceback ("Exception ignored in ..."): after a Ctrl-C, not news."""
    sys.unraisablehook = lambda unraisable: None
    raise KeyboardInterrupt


def main() -> None:
    """The command line (the ``kg`` console script runs it through kg.__main__)."""
    import gc

    # What the imports made (modules, classes, functions) lives as long as the process: frozen, the
    # garbage collector no longer walks it at every collection, nor at exit, where one last walk over
    # everything cost a cold `kg query` ~14 ms. Freezing again at the end does the same for what the
    # command made: the process is about to end. (gc.freeze is the gc module's documented API for this.)
    gc.freeze()
    import signal

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted)
    try:
        cli(prog_name="kg")
    except BrokenPipeError:
        reader_gone()
    finally:
        gc.freeze()
