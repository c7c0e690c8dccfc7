"""Errors a user can act on. Library code raises these; only the CLI exits."""

from __future__ import annotations


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
