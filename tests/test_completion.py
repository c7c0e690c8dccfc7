"""Shell completion: commands, query names, tags, views, entity labels and paths; the scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, _runner


def complete(words: str, *, env: dict[str, str] | None = None, shell: str = "bash") -> list[tuple[str, str]]:
    """What kg offers for the last word of ``words`` (bash's protocol: one ``type,value`` a line)."""
    from kg.cli import cli

    cword = _word_count(words) - (0 if words.endswith(" ") else 1)
    result = _runner().invoke(
        cli,
        [],
        prog_name="kg",
        env={
            "_KG_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
            "KG_DATA": "",
            "KG_QUERIES": "",
            **(env or {}),
        },
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return [tuple(line.split(",", 1)) for line in result.stdout.splitlines() if line]  # type: ignore[misc]


def _word_count(words: str) -> int:
    from click.shell_completion import split_arg_string

    return len(split_arg_string(words))


def values(words: str, **kwargs) -> list[str]:
    return [value for _, value in complete(words, **kwargs)]


def test_commands_complete() -> None:
    assert values("kg qu") == ["query"]
    assert values("kg new") == ["new-query"]
    assert "completion" in values("kg ")


def test_query_names_complete() -> None:
    assert values("kg query stage-a") == ["stage-after"]
    assert values("kg query stage-") == [
        "stage-after",
        "stage-before",
        "stage-challenges",
        "stage-first",
        "stage-lane",
        "stage-last",
    ]


def test_user_query_names_complete(tmp_path: Path) -> None:
    (tmp_path / "stage-mine.rq").write_text(
        "#+ tags: [mine]\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8"
    )
    assert "stage-mine" in values(f"kg --queries {tmp_path} query stage-")
    assert "stage-mine" in values("kg query stage-", env={"KG_QUERIES": str(tmp_path)})
    assert values(f"kg --queries {tmp_path} list --tag mi") == ["mine"]


def test_tags_complete() -> None:
    assert values("kg list --tag stag") == ["stages"]


def test_view_names_complete() -> None:
    assert values("kg viz st") == ["stages"]
    assert values("kg viz ")[:3] == ["overview", "stages", "challenges"]


def test_construct_queries_complete_for_viz_query() -> None:
    assert values("kg viz query --query ") == ["neighbourhood", "stage-lane"]


def test_entity_labels_complete() -> None:
    assert values("kg describe The\\ Awak") == ["The Awakening"]
    assert "Jeremiah Owyang" in values("kg describe jerem")
    # a word inside the label: "awak" finds "The Awakening" (and its alternative label "Awakening")
    assert "Awakening" in values("kg describe awak")
    assert "The Awakening" in values("kg viz focus --focus The\\ Aw")


def test_prefixed_names_complete_in_zsh() -> None:
    lines = _runner_lines("kg describe ekg:TheAw", "zsh")
    assert lines[:3] == ["plain", "ekg:TheAwakening", "_"]


def _runner_lines(words: str, shell: str) -> list[str]:
    from kg.cli import cli

    result = _runner().invoke(
        cli,
        [],
        prog_name="kg",
        env={
            "_KG_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(_word_count(words) - 1),
        },
    )
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_paths_complete_as_paths() -> None:
    assert complete("kg validate ") == [("file", "")]
    assert complete("kg --queries ") == [("dir", "")]
    assert complete("kg new-query mine --dir ") == [("dir", "")]


def test_errors_give_no_items_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    assert complete(f"kg --data {bad} describe The") == []
    # a missing query folder is left out: the built-in names still complete
    assert values("kg --queries /nowhere query stati") == ["statistic", "statistics"]
    clash = tmp_path / "clash"
    clash.mkdir()
    (clash / "stages.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert complete(f"kg --queries {clash} query sta") == []


def test_a_broken_completion_request_exits_quietly() -> None:
    """Not what a shell sends, but it must not print a traceback either."""
    done = subprocess.run(
        [sys.executable, "-m", "kg"],
        env={**os.environ, "_KG_COMPLETE": "bash_complete", "COMP_WORDS": "kg query", "COMP_CWORD": "x"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr


def test_completion_through_the_console_script() -> None:
    """The real mechanism: the installed kg, with _KG_COMPLETE set as the shell script sets it."""
    kg = Path(sys.executable).parent / "kg"
    done = subprocess.run(
        [str(kg)],
        env={**os.environ, "_KG_COMPLETE": "bash_complete", "COMP_WORDS": "kg viz chall", "COMP_CWORD": "2"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["plain,challenges"]


# --- kg completion SHELL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "marks"),
    [
        (
            "bash",
            ["_kg_completion() {", "_KG_COMPLETE=bash_complete", "complete -o nosort -F _kg_completion kg"],
        ),
        (
            "zsh",
            ["#compdef kg", "_kg_completion() {", "_KG_COMPLETE=zsh_complete", "compdef _kg_completion kg"],
        ),
        (
            "fish",
            ["function _kg_completion", "_KG_COMPLETE=fish_complete", "complete --no-files --command kg"],
        ),
    ],
)
def test_completion_prints_the_script(run, shell: str, marks: list[str]) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0, result.output
    for mark in marks:
        assert mark in result.stdout


def test_the_bash_script_is_the_same_through_click_s_own_variable() -> None:
    from kg.cli import cli

    via_env = _runner().invoke(cli, [], prog_name="kg", env={"_KG_COMPLETE": "bash_source"})
    via_command = _runner().invoke(cli, ["completion", "bash"], prog_name="kg")
    assert via_env.stdout == via_command.stdout
    assert "printf -v quoted '%q'" in via_command.stdout


def test_a_bad_shell_is_a_clean_error(run) -> None:
    result = run("completion", "tcsh")
    assert result.exit_code == 2
    assert result.stderr == 'Error: kg has no completion script for "tcsh": give one of bash, zsh, fish\n'
    assert result.stdout == ""


def _shell(name: str) -> str:
    """The shell's path; a missing shell skips the test, but fails it in CI (.ci/run installs both)."""
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed: apt-get install {name}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_bash_inserts_a_label_with_spaces_as_one_word(tmp_path: Path) -> None:
    """Source the script in a real bash and call its function as bash's completion would."""
    from kg.cli import cli

    bash = _shell("bash")
    kg_dir = Path(sys.executable).parent
    script = tmp_path / "kg.bash"
    script.write_text(_runner().invoke(cli, ["completion", "bash"]).stdout, encoding="utf-8")
    probe = (
        f"source {script}\n"
        'COMP_WORDS=(kg describe "The\\ Awak"); COMP_CWORD=2; _kg_completion kg\n'
        'printf "<%s>\\n" "${COMPREPLY[@]}"\n'
        'COMPREPLY=(); COMP_WORDS=(kg describe "\\"jeremiah o"); _kg_completion kg\n'
        'printf "<%s>\\n" "${COMPREPLY[@]}"\n'
        'COMPREPLY=(); COMP_WORDS=(kg describe "the\\ commenter\\ is\\ b"); _kg_completion kg\n'
        'printf "<%s>\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        [bash, "--norc", "-c", probe],
        env={**os.environ, "PATH": f"{kg_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "<The\\ Awakening>",
        "<Jeremiah Owyang>",  # inside the quote the user opened: as it is
        r"<The\ commenter\ is\ both\ helper\ and\ leader:\ helping\ pays\ the\ bills\,"
        r"\ leading\ is\ case\ by\ case>",
    ]


def test_fish_completes_labels_whole_with_their_prefixed_names(tmp_path: Path) -> None:
    from kg.cli import cli

    fish = _shell("fish")
    script = tmp_path / "kg.fish"
    script.write_text(_runner().invoke(cli, ["completion", "fish"]).stdout, encoding="utf-8")
    kg_dir = Path(sys.executable).parent
    done = subprocess.run(
        [
            fish,
            "--no-config",
            "-c",
            f"source {script}; complete -C'kg describe the\\ awak'; complete -C'kg viz ch'; "
            "complete -C'kg describe the\\ commenter\\ is\\ b'",
        ],
        env={**os.environ, "PATH": f"{kg_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "The Awakening\tekg:TheAwakening",
        "challenges\tthe social strategist and the six challenges, in the report's order",
        # commas kept (click's own fish script cuts a value at its first comma)
        "The commenter is both helper and leader: helping pays the bills, leading is case by case"
        "\tekg:comment12HelperAndLeader",
    ]
