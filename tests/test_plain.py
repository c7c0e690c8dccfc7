"""``kg ask "QUESTION"`` and ``kg query NAME`` alone skip click (kg.plain): what a user sees must not change.

Each command line runs twice in a fresh process: as the ``kg`` console script runs it
(``python -m kg``, through kg.__main__) and through click's command line (kg.cli.main).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
THROUGH_CLICK = "import sys; from kg.cli import main; sys.argv[0] = 'kg'; main()"

QUESTIONS = {
    "answered": "What comes after the Awakening?",
    "a list": "What are the stages?",
    "a share": "What share of strategists sit in marketing?",
    "not in the essay": "What is Altimeter's annual revenue?",
    "empty": "",
    "blank": "   \t ",
    "too long": "why " * 2_500,
    "escape sequences": "Who wrote \x1b]52;c;bad\x07 the \x1b[31mreport?",
    "not English": "Qui a publié le rapport ?",
    "an injection attempt": 'Awakening" } ; DROP ALL ; SELECT * { "',
}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KG_DATA", "KG_QUERIES")}
    return {**env, **extra}


def _kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=REPO,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _through_click(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", THROUGH_CLICK, *args],
        cwd=REPO,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _same_both_ways(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``kg ARGS`` both ways; what the user sees is the same. Returns the plain run."""
    plain, clicked = _kg(*args), _through_click(*args)
    assert plain.stdout == clicked.stdout
    assert plain.stderr == clicked.stderr
    assert plain.returncode == clicked.returncode
    assert "Traceback" not in plain.stderr
    return plain


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_the_plain_command_line_answers_as_click_does(question: str) -> None:
    assert _same_both_ways("ask", question).returncode in (0, 1, 2)


QUERIES = sorted(path.stem for path in (REPO / "queries").glob("*.rq"))
QUERY_ARGUMENTS = {
    **{name: name for name in QUERIES},
    "a misspelt name": "stagse",
    "a query file by its path": "docs/examples/queries/stage-position.rq",
    "a missing file": "nowhere.rq",
}


@pytest.mark.parametrize("argument", QUERY_ARGUMENTS.values(), ids=QUERY_ARGUMENTS.keys())
def test_a_plain_query_prints_what_click_prints(argument: str) -> None:
    assert _same_both_ways("query", argument).returncode in (0, 1, 2)


@pytest.mark.parametrize(
    ("args", "starts", "module"),
    [
        (("ask", QUESTIONS["answered"]), "Answer: Ascension", "kg.ask"),
        (("query", "stages"), "position  stage", "kg.render"),
    ],
    ids=["ask", "query"],
)
def test_the_plain_command_line_does_not_import_click(
    args: tuple[str, str], starts: str, module: str
) -> None:
    timed = _kg(*args, env=_env(PYTHONPROFILEIMPORTTIME="1"))
    assert timed.returncode == 0
    assert timed.stdout.startswith(starts)
    imported = [line.rsplit("|", 1)[-1].strip() for line in timed.stderr.splitlines()]
    assert module in imported
    assert "click" not in imported


def test_options_and_their_environment_variables_still_apply() -> None:
    # KG_QUERIES adds a query folder: its questions are answered only when kg reads the variable
    question = "How far into the career does the Storm of Cultural Conflict come?"
    added = _kg("ask", question, env=_env(KG_QUERIES=str(REPO / "docs" / "examples" / "queries")))
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Answer:")
    assert _kg("ask", question).returncode == 1
    explained = _kg("ask", QUESTIONS["answered"], "--explain")
    assert explained.returncode == 0
    assert "SPARQL" in explained.stdout
    # KG_DATA adds an extension file: `kg query` sees its triples only when kg reads the variable
    data = str(REPO / "docs" / "examples" / "new-claim.ttl")
    assert _kg("query", "classes", env=_env(KG_DATA=data)).stdout != _kg("query", "classes").stdout
