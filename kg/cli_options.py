"""Options shared by the query commands (query, sparql, describe): which engine, and the output format.

A module of its own so that command modules (kg.cli, kg.cli_describe) can
share them without importing each other.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from kg.errors import KgError

ENGINES = ("oxigraph", "rdflib")
FORMAT_NAMES = "table|csv|tsv|json|md|ttl|nt|jsonld"
DEFAULT_TIMEOUT = 30.0


class EngineChoice:
    """What the engine options asked for; ``open(extra)`` opens it (a plain class: no dataclasses import)."""

    def __init__(
        self, kind: str, endpoint: str | None, timeout: float, reason: bool, allow_service: bool
    ) -> None:
        if endpoint and kind != "oxigraph":
            raise KgError(f"--engine {kind} and --endpoint both choose an engine: give one of them")
        self.kind = "endpoint" if endpoint else kind
        self.endpoint = endpoint
        self.timeout = timeout
        self.reason = reason
        self.allow_service = allow_service

    def open(self, extra: Sequence[Path] = ()) -> Any:
        """The engine (kg.engines), loading ``extra`` Turtle files with the ontology."""
        from kg.engines import open_engine

        return open_engine(
            self.kind,
            endpoint=self.endpoint,
            timeout=self.timeout,
            reason=self.reason,
            extra=list(extra),
            allow_service=self.allow_service,
        )


def extension_files(options: Any, paths: Sequence[Path] = (), *, gate: bool = True) -> list[Path]:
    """The extension files of a command that reads them without the compiled store (validate, stats,
    export, viz, build, docs): --data / KG_DATA, then its PATH arguments.

    ``gate``: refuse files with lint ERRORs, as building the compiled store does, unless `kg --force`.
    """
    extra = [*getattr(options, "data", []), *paths]
    if gate and extra and not getattr(options, "force", False):
        lint_errors(extra)
    return extra


def lint_errors(extra: Sequence[Path]) -> None:
    """Raise the LintError listing the ERRORs kg.lint finds in the ``extra`` files, if any."""
    from kg.lint import errors_in, gate_error

    findings = errors_in(extra)
    if findings:
        raise gate_error(findings)


def completer(kind: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    """A ``shell_complete`` callback offering ``kind`` (queries, tags, constructs, views, entities);
    kg.completion is imported only when the shell asks."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from kg.completion import complete as offer

        return offer(kind, ctx, incomplete)

    return complete


def timeout_option(help_text: str = "Give up on an endpoint that has not answered after this long.") -> Any:
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        metavar="SECONDS",
        help=help_text,
    )


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--engine, --endpoint, --timeout, --no-reason and --allow-service, passed on as one
    ``engine: EngineChoice`` argument."""

    @functools.wraps(command)
    def wrapper(
        *args: Any,
        engine_kind: str,
        endpoint: str | None,
        timeout: float,
        no_reason: bool,
        allow_service: bool,
        **kwargs: Any,
    ) -> Any:
        choice = EngineChoice(engine_kind, endpoint, timeout, not no_reason, allow_service)
        return command(*args, engine=choice, **kwargs)

    options = [
        click.option(
            "--engine",
            "engine_kind",
            type=click.Choice(ENGINES),
            default="oxigraph",
            show_default=True,
            help="Run on the compiled Oxigraph store, or on rdflib (slower; the same answers).",
        ),
        click.option(
            "--endpoint",
            metavar="URL",
            help="Run on a SPARQL 1.1 endpoint instead (load it first with `kg push`).",
        ),
        timeout_option(),
        click.option(
            "--no-reason", is_flag=True, help="Use the asserted triples only, without RDFS inferences."
        ),
        click.option(
            "--allow-service", is_flag=True, help="Allow SERVICE (queries sent on to other endpoints)."
        ),
    ]
    decorated: Callable[..., Any] = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--format, checked once the query form is known, so that the error can say which formats fit."""
    return click.option(
        "--format",
        "fmt",
        metavar="FORMAT",
        help=f"{FORMAT_NAMES}. Default: table for SELECT and ASK, ttl for CONSTRUCT and DESCRIBE. "
        "json is SPARQL Results JSON; csv and tsv are the SPARQL CSV/TSV formats.",
    )(command)


def format_choice(*choices: str, help_text: str = "Output format.") -> Any:
    """``--format`` for a command with a fixed set of formats, the first one the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help_text,
    )
