"""Errors a user can act on. Library code raises these; only the CLI exits (kg.cli, kg.plain)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import NoReturn


class KgError(Exception):
    """Base class: the message says what is wrong and how to fix it."""

    exit_code = 2


class SourceError(KgError):
    """A Turtle source or a source text is missing, unreadable or empty of Turtle files."""


class ParseError(SourceError):
    """A Turtle file cannot be read: the message starts with ``path:line:col``."""

    def __init__(self, path: str, line: int, column: int, problem: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {problem}")
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem


class OutputError(KgError):
    """An output file cannot be written."""


class QueryFileError(KgError):
    """A query file cannot be found or read, or its ``#+`` header is wrong (``path:line: ...``)."""


class LintError(KgError):
    """The user's Turtle files have lint errors, so they are not compiled: listed in the message."""

    def __init__(self, message: str, findings: list[object]) -> None:
        super().__init__(message)
        self.findings = findings


def did_you_mean(
    name: str,
    candidates: Iterable[str],
    *,
    quote: bool = False,
    suffix: str = "",
    limit: int = 3,
    cutoff: float = 0.5,
) -> str:
    """`` (did you mean X or Y?)``: the ``limit`` candidates closest to ``name``, or "" when none is close."""
    import difflib  # errors only: not on the path of a query that runs

    close = difflib.get_close_matches(name, list(candidates), n=limit, cutoff=cutoff)
    if not close:
        return ""
    shown = [f'"{c}{suffix}"' if quote else f"{c}{suffix}" for c in close]
    return f" (did you mean {' or '.join(shown)}?)"


def unexpected(error: Exception) -> str:
    """The message for an exception that is not a KgError: a bug in kg, to report with its traceback."""
    return (
        f"unexpected {type(error).__name__}: {error}: this is a bug in kg; "
        "rerun with --debug for the traceback and report it"
    )


def reader_gone() -> NoReturn:
    """Stop quietly, as other Unix tools do, when the reader of stdout went away (`kg export | head`).

    stdout goes to /dev/null first: Python flushes it at exit, which would raise BrokenPipeError again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)
