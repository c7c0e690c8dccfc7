"""``kg ask "QUESTION"`` and nothing else on the command line, answered without importing click.

click's import (it brings inspect, uuid and datetime) takes 35-50 ms, a third of a cold
``kg ask``. On this one command line every option keeps its default, so click would change nothing
but the time: the output, the errors and the exit status are the same (tests/test_plain_ask.py runs
both ways and compares). Every other command line goes through kg.cli: an option, a question that
starts with "-", no question (the interactive prompt), an environment variable that sets an option
(KG_DATA, KG_QUERIES) and shell completion (_KG_COMPLETE).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

# Environment variables kg.cli reads: with one of them set, the command line is not a plain one.
OPTION_VARIABLES = ("KG_DATA", "KG_QUERIES", "_KG_COMPLETE")


def plain_question(args: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """The question of ``kg ask QUESTION`` (``args`` without the program name), or None for any other."""
    if len(args) != 2 or args[0] != "ask" or args[1].startswith("-"):
        return None
    if any(environ.get(name) for name in OPTION_VARIABLES):
        return None
    return args[1]


def answer(question: str) -> int:
    """Print the answer to ``question`` as `kg ask` does; the exit status: 0 answered, 1 not, 2 bad input."""
    from kg.errors import KgError, reader_gone, unexpected

    try:
        from kg.ask import ask
        from kg.ask_index import knowledge_for
        from kg.ask_text import answer_text
        from kg.engines import open_engine

        engine = open_engine()
        found = ask(question, engine, knowledge_for(engine, None))
        sys.stdout.write(answer_text(found) + "\n")
        sys.stdout.flush()
        return 0 if found.answered else 1
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
