"""``kg ask``: the click command and its interactive prompt; kg/cli.py registers it. The work is in kg.ask."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

import click

from kg.ask_text import answer_text
from kg.cli_options import EngineChoice, engine_options, format_choice
from kg.errors import KgError

PROMPT = "ask> "
QUIT = {":q", ":quit", "quit", "exit"}


@click.command()
@click.argument("question", required=False)
@click.option("--explain", is_flag=True, help="Show how it was found: words, entities, template, SPARQL.")
@format_choice("text", "json")
@engine_options
@click.pass_obj
def ask(options: Any, question: str | None, explain: bool, fmt: str, engine: EngineChoice) -> None:
    """Answer a plain-language QUESTION from the graph, with the essay's words as evidence.

    The question is matched against the phrasings in the query files'
    headers (kg list) and the graph's labels; the answer comes with the
    quotes it rests on, with their offsets, and the query that found it.
    When the graph does not answer, kg ask says so, suggests questions it
    can answer, and exits 1. Without a QUESTION it starts an interactive
    prompt (:q quits).

    \b
    Example:
      kg ask "What comes after the Awakening?"
      kg ask "What share of strategists sit in marketing?" --format json
      kg ask "Who published the report?" --explain
      kg --queries my-queries ask "How far into the career does the Awakening come?"
      kg ask
    """
    from kg.ask_index import knowledge_for

    dirs = options.query_dirs() if hasattr(options, "query_dirs") else None
    opened = engine.open(options.data)
    knowledge = knowledge_for(opened, dirs)
    if question is not None:
        answered = _answer(question, opened, knowledge, explain, fmt)
        sys.exit(0 if answered else 1)
    _interactive(opened, knowledge, explain, fmt)


def _answer(question: str, engine: Any, knowledge: Any, explain: bool, fmt: str) -> bool:
    from kg.ask import ask as ask_question
    from kg.ask import explain as explain_answer
    from kg.printable import json_printable

    answer = ask_question(question, engine, knowledge)
    if fmt == "json":
        click.echo(json_printable(json.dumps(answer.to_json(), indent=2, ensure_ascii=False)))
    else:
        click.echo(answer_text(answer))
    if explain:
        click.echo("\n" + explain_answer(answer), err=fmt == "json")
    return answer.answered


def _interactive(engine: Any, knowledge: Any, explain: bool, fmt: str) -> None:
    """Ask again and again; readline gives the prompt its history. ``:q`` or end of input quits."""
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  (history and line editing for input())
    while True:
        try:
            question = input(PROMPT) if sys.stdin.isatty() else _read_line()
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if question is None or question.strip() in QUIT:
            return
        if not question.strip():
            continue
        try:
            _answer(question, engine, knowledge, explain, fmt)
        except KgError as e:
            click.echo(f"Error: {e}", err=True)
        click.echo()


def _read_line() -> str | None:
    """A line from a pipe (no prompt echo): None at the end of input."""
    click.echo(PROMPT, nl=False)
    line = sys.stdin.readline()
    if not line:
        click.echo()
        return None
    return line.rstrip("\n")
