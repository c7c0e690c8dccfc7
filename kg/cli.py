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
from kg.errors import KgError

if TYPE_CHECKING:
    from kg.sources import Loaded

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CliError(click.ClickException):
    """A KgError on its way to the terminal: ``Error: <message>`` on stderr, exit 2."""

    exit_code = 2


class KgGroup(click.Group):
    """Turns library errors into ``Error: ...`` lines; ``--debug`` lets the traceback through."""

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
            raise CliError(
                f"unexpected {type(e).__name__}: {e}: this is a bug in kg; "
                "rerun with --debug for the traceback and report it"
            ) from None


class Options:
    """The global options, handed to every command (a plain class: dataclasses costs ~10 ms to import)."""

    def __init__(self, data: list[Path], debug: bool) -> None:
        self.data = data
        self.debug = debug


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
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, data: tuple[Path, ...], debug: bool) -> None:
    """The knowledge graph of "Social Media and The Tale of Two Career Paths".

    Every command loads the built-in ontology (core, essay, comments) plus any
    extension files given with PATH arguments, --data or KG_DATA.

    \b
    Example:
      kg validate
      kg stats
      kg --data extension.ttl export --format ttl -o outputs/graph.ttl
    """
    from kg.sources import env_data_paths

    ctx.obj = Options(data=[*env_data_paths(), *data], debug=debug)


_paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")


def _load(options: Options, paths: tuple[Path, ...]) -> Loaded:
    from kg.sources import load

    return load([*options.data, *paths])


@cli.command()
@_paths_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
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
    from kg.checks import check
    from kg.infer import rdfs_closure

    loaded = _load(options, paths)
    report = check(rdfs_closure(loaded.graph), loaded.shapes, loaded.texts)
    if fmt == "json":
        click.echo(_as_json(report.to_json()))
    else:
        click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


@cli.command()
@_paths_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "nt", "jsonld"]),
    default="ttl",
    show_default=True,
    help="Turtle, N-Triples or JSON-LD.",
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


def _as_json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="kg")
    except BrokenPipeError:
        # The reader went away (`kg export | head`): stop quietly, as other Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
