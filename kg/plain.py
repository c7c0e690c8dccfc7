"""The two commonest command lines, ``kg ask "QUESTION"`` and ``kg query NAME``, run without click.

click's import (it brings inspect, uuid and datetime) takes 35-50 ms, a third of a cold
``kg ask`` or ``kg query``. On these two command lines, with nothing else on them, every option
keeps its default, so click would change nothing but the time: the output, the errors and the
exit status are the same (tests/test_plain.py runs both ways and compares). Every other command
line goes through kg.cli: an option, an argument that starts with "-", no argument (the
interactive prompt), an environment variable that sets an option (KG_DATA, KG_QUERIES) and shell
completion (_KG_COMPLETE).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

COMMANDS = ("ask", "query")
# Environment variables kg.cli reads: with one of them set, the command line is not a plain one.
OPTION_VARIABLES = ("KG_DATA", "KG_QUERIES", "_KG_COMPLETE")


def plain_command(args: Sequence[str], environ: Mapping[str, str]) -> tuple[str, str] | None:
    """``(command, argument)`` of ``kg ask QUESTION`` or ``kg query NAME`` (``args`` without the
    program name), or None for any other command line."""
    if len(args) != 2 or args[0] not in COMMANDS or args[1].startswith("-"):
        return None
    if any(environ.get(name) for name in OPTION_VARIABLES):
        return None
    return args[0], args[1]


def run(command: str, argument: str) -> int:
    """Run it as kg.cli would; the exit status (0, 1 for no answer or an ASK answered no, 2 bad input)."""
    from kg.errors import KgError, reader_gone, unexpected

    try:
        text, status = _ask(argument) if command == "ask" else _query(argument)
        sys.stdout.write(text)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        reader_gone()
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")  # as click says it
        return 1
    except KgError as e:
        sys.stderr.write(f"Error: {e}\n")
        return 2
    except Exception as e:  # a bug: reported as kg.cli reports one
        sys.stderr.write(f"Error: {unexpected(e)}\n")
        return 2


def _ask(question: str) -> tuple[str, int]:
    from kg.ask import ask
    from kg.ask_index import knowledge_for
    from kg.ask_text import answer_text
    from kg.engines import open_engine

    engine = open_engine()
    found = ask(question, engine, knowledge_for(engine, None))
    return answer_text(found) + "\n", 0 if found.answered else 1


def _query(name: str) -> tuple[str, int]:
    from kg.catalog import find_query, run_query
    from kg.engines import open_engine

    found = find_query(name, None)
    engine = open_engine()
    result = run_query(found, engine, {}, use_defaults=False)
    return query_output(result, None, engine, {**engine.prefixes, **found.prefixes})


def query_output(result: Any, fmt: str | None, engine: Any, prefixes: dict[str, str]) -> tuple[str, int]:
    """What `kg query` and `kg sparql` print for ``result``, and the exit status: an ASK answered
    "no" is 1 (it ran fine, the answer is no)."""
    from kg.labels import label_lookup
    from kg.render import render_result

    text = render_result(result, fmt, prefixes=prefixes, labels=label_lookup(engine))
    return text, 1 if result.form == "ASK" and not result.boolean else 0
