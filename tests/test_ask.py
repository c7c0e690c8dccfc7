"""kg ask: answers with evidence, abstains when the graph does not answer, refuses bad input."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result

from tests.ask_eval import DEV, OWN, score

# What the team's own set is answered to today: the floor can only rise.
OWN_CORRECT_AT_LEAST = 224  # of 233: 96.1%
DEV_CORRECT_AT_LEAST = 15  # all of them


@pytest.fixture(scope="module")
def asked() -> tuple[Any, Any]:
    from kg.ask_index import load_knowledge
    from kg.catalog import catalog
    from kg.engines import open_engine

    engine = open_engine()
    return engine, load_knowledge(engine, catalog())


def _questions(path: Any) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_own_question_set_is_large_varied_and_has_unanswerable_questions() -> None:
    questions = _questions(OWN)
    assert len(questions) >= 80
    assert sum(1 for q in questions if q.get("abstain")) >= 15
    assert len({q["q"] for q in questions}) == len(questions)


def test_own_set_no_wrong_answer_and_no_unanswerable_question_answered(asked: tuple[Any, Any]) -> None:
    result = score(_questions(OWN), *asked)
    assert result.wrong == 0, "\n".join(result.misses)
    assert result.correct >= OWN_CORRECT_AT_LEAST, result.line()


def test_dev_set_nothing_wrong(asked: tuple[Any, Any]) -> None:
    if not DEV.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{DEV} is missing: CI runs with ../shared beside the checkout")
        pytest.skip("../shared/questions/dev.json is not beside this checkout")
    result = score(_questions(DEV), *asked)
    assert result.wrong == 0, "\n".join(result.misses)
    assert result.correct >= DEV_CORRECT_AT_LEAST, result.line()


def test_answer_shows_the_answer_the_quote_with_offsets_and_the_query(run: Callable[..., Result]) -> None:
    result = run("ask", "What comes after the Awakening?")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Answer: Ascension of the Corporate Social Strategist\n")
    assert '[5098-5426] "Ascension of the Corporate Social Strategist. After mustering' in result.stdout
    assert "Query: stage-after (stage = ekg:TheAwakening)" in result.stdout


def test_a_list_comes_in_the_essays_order(run: Callable[..., Result]) -> None:
    result = run("ask", "Which challenges does the social strategist face?")
    assert result.exit_code == 0, result.output
    listed = [line.split(". ", 1)[1] for line in result.stdout.splitlines() if line[:4].strip()[:1].isdigit()]
    assert listed[:2] == ["Resistance from internal culture", "Measuring ROI"]
    assert listed[-1] == "A looming increase in business demands"


def test_unanswerable_question_abstains_with_suggestions_and_exit_1(run: Callable[..., Result]) -> None:
    result = run("ask", "What is Altimeter's annual revenue?")
    assert result.exit_code == 1
    assert result.stdout.startswith("No answer in the graph for: What is Altimeter's annual revenue?\n")
    assert "Questions it can answer:\n  - " in result.stdout


def test_json_output_has_the_documented_keys(run: Callable[..., Result]) -> None:
    result = run("ask", "Who published the report?", "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) == {"question", "answered", "query", "bindings", "answers", "evidence", "confidence"}
    assert data["answered"] is True
    assert any("Altimeter" in a for a in data["answers"])
    assert all({"quote", "start", "end"} <= set(e) for e in data["evidence"])


def test_explain_shows_template_entities_and_sparql(run: Callable[..., Result]) -> None:
    result = run("ask", "What comes after the Awakening?", "--explain")
    assert "entities linked:" in result.stdout
    assert "template: stage-after: 'What comes after {stage}?'" in result.stdout
    assert "bindings: stage = ekg:TheAwakening" in result.stdout
    assert "?_stage_iri ekg:nextStage" in result.stdout


def test_a_misspelt_question_is_understood(run: Callable[..., Result]) -> None:
    result = run("ask", "what comes after the awakning")
    assert result.exit_code == 0, result.output
    assert "Ascension of the Corporate Social Strategist" in result.stdout


def test_a_typo_is_corrected_and_explained_but_a_real_word_is_not(run: Callable[..., Result]) -> None:
    result = run("ask", "--explain", "What is the title of Jeremiah Owyang's reprot?")
    assert result.exit_code == 0, result.output
    assert "Career Path of the Corporate Social Media Strategist" in result.stdout
    assert "corrected: reprot -> report" in result.stdout
    # "looking" is a form of a word the graph knows, not a typo of "looming"
    looked = run("ask", "--explain", "How many companies did Altimeter research when looking at gender?")
    assert "looming" not in looked.stdout
    # a question word is put right however short; "causes" is a word, not a slip for "cases"
    short = run("ask", "--explain", "wich stage follows the Ascension?")
    assert "corrected: wich -> which" in short.stdout
    assert short.stdout.startswith("Answer: Storm of Cultural Conflict")
    caused = run("ask", "--explain", "What causes the Storm of Cultural Conflict?")
    assert "corrected" not in caused.stdout
    # two letters swapped in a little word; but "three" is a number, not a slip for "there"
    assert (
        "corrected: rigth -> right"
        in run("ask", "--explain", "Which stage comes rigth after the Awakening?").stdout
    )
    assert run("ask", "What are the three career paths?").exit_code == 1


def test_a_person_is_known_by_one_of_their_names(run: Callable[..., Result]) -> None:
    result = run("ask", "What is the relationship between Solis and Owyang?")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Answer: Brian Solis colleague of Jeremiah Owyang")
    assert "my colleague, peer, and good friend Jeremiah Owyang" in result.stdout


def test_a_count_quotes_where_the_essay_gives_it(run: Callable[..., Result]) -> None:
    result = run("ask", "How many challenges are there?")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Answer: 6: Resistance from internal culture; Measuring ROI;")
    first_quote = result.stdout.split("Evidence", 1)[1].splitlines()[1]
    assert "the social strategist is faced with six challenges per Altimeter" in first_quote


def test_asking_what_something_says_is_not_answered_by_its_name(run: Callable[..., Result]) -> None:
    # the pingback is only "17. Pingback: Quora" on the page: it says nothing
    assert run("ask", "What did the Quora pingback say?").exit_code == 1
    assert run("ask", "What does the Conversation Prism show?").exit_code == 1
    # a comment says something: its words are the answer's evidence
    said = run("ask", "What does the anonymous commenter say?")
    assert said.exit_code == 0, said.output
    assert "we are no longer corporate/employee drones" in said.stdout


def test_who_restating_a_claim_is_answered_by_who_says_it(run: Callable[..., Result]) -> None:
    result = run("ask", "Who may not have the wherewithal to lead tomorrow?")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Answer: Brian Solis: whoever leads today may not have the wherewithal")
    assert "Query: (claims)" in result.stdout


def test_a_restated_sentence_is_answered_by_that_sentence_with_its_offsets(
    run: Callable[..., Result],
) -> None:
    result = run(
        "ask", "What did the evangelist launch after mustering the courage to challenge the status quo?"
    )
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("Answer: After mustering the courage to challenge the status quo, the evangelist")
    assert first.endswith("(Ascension of the Corporate Social Strategist)")
    assert "[5098-5426]" in result.stdout
    assert "Query: (passage)" in result.stdout


def test_how_many_counts_a_list_and_a_named_number_must_match(run: Callable[..., Result]) -> None:
    counted = run("ask", "How many stages are there?")
    assert counted.stdout.startswith("Answer: 4: The Awakening; Ascension"), counted.output
    assert run("ask", "What are the four stages?").exit_code == 0
    five = run("ask", "What are the five stages?")
    assert five.exit_code == 1, five.output
    assert five.stdout.startswith("No answer in the graph for:")


def test_two_entities_are_answered_by_what_links_them(run: Callable[..., Result]) -> None:
    result = run("ask", "Who is the community manager for Sysomos?")
    assert result.stdout.startswith("Answer: 40deuce\n"), result.output
    assert "Query: (neighbours) (entity = ekg:CommunityManager, ekg:Sysomos)" in result.stdout
    assert run("ask", "Who is the community manager for Altimeter?").exit_code == 1


def test_how_two_entities_are_related_is_answered_by_the_relation_between_them(
    run: Callable[..., Result],
) -> None:
    result = run("ask", "What is the relationship between Brian Solis and Jeremiah Owyang?")
    assert result.stdout.startswith("Answer: Brian Solis colleague of Jeremiah Owyang\n"), result.output
    assert '"my colleague, peer, and good friend Jeremiah Owyang"' in result.stdout
    assert run("ask", "What is the relationship between Liz and Charlene Li?").exit_code == 1


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Error: empty question: ask something"),
        ("   \t ", "Error: empty question: ask something"),
        ("why " * 2500, "Error: the question is 10,000 characters long: ask in at most 1,000 characters"),
    ],
)
def test_bad_questions_are_refused(run: Callable[..., Result], question: str, message: str) -> None:
    result = run("ask", question)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output


def test_escape_sequences_do_not_reach_the_terminal(run: Callable[..., Result]) -> None:
    result = run("ask", "What is \x1b[31mthe revenue\x07 of \x1b]0;owned\x07Altimeter?")
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "\x07" not in result.output


def test_non_english_question_abstains(run: Callable[..., Result]) -> None:
    result = run("ask", "Quelles sont les étapes de la carrière du stratège?")
    assert result.exit_code == 1
    assert "No answer in the graph for:" in result.stdout


def test_injection_text_is_never_sparql(run: Callable[..., Result]) -> None:
    before = run("query", "classes", "--format", "csv").stdout
    result = run("ask", 'What comes after "} ; DROP ALL ; #"?')
    assert result.exit_code == 1
    assert run("query", "classes", "--format", "csv").stdout == before


def test_interactive_prompt_answers_until_q(run: Callable[..., Result]) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["ask"], input="What comes after the Awakening?\n:q\nnot asked\n")
    assert result.exit_code == 0, result.output
    assert "ask> Answer: Ascension of the Corporate Social Strategist" in result.output
    assert "not asked" not in result.output


def test_knowledge_is_remembered_beside_the_store_until_a_query_file_changes(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from kg import ask_index as ask_module
    from kg.compile import cache_dir
    from kg.engines import open_engine
    from kg.paths import queries_dir

    queries = tmp_path / "queries"
    shutil.copytree(queries_dir(), queries)
    monkeypatch.setattr("kg.paths.queries_dir", lambda: queries)
    engine = open_engine()
    first = ask_module.knowledge_for(engine)
    cached = sorted(cache_dir().glob("ask-*.marshal"))
    assert cached

    calls: list[int] = []
    monkeypatch.setattr(ask_module, "load_knowledge", lambda *a: calls.append(1) or first)
    ask_module.knowledge_for(engine)
    assert calls == []  # read from the cache

    (queries / "stages.rq").write_text((queries / "stages.rq").read_text() + "\n# changed\n")
    ask_module.knowledge_for(engine)
    assert calls == [1]  # a changed query file: read afresh
    # ... and the index it replaces is removed: one per store, not one per edit
    store = engine.compiled.path.name[-16:]
    assert len(list(cache_dir().glob(f"ask-{store}-*.marshal"))) == 1


# How many of the graph's individuals (those with evidence) the own set asks about: named in a question
# or its expected answer, or in the answer kg ask gives or the essay's words it quotes. The issue asks for
# every one; this is where the set stands, and the floor can only rise.
ASKED_ABOUT_AT_LEAST = 203  # of 203


def test_the_own_set_asks_about_the_graphs_facts(asked: tuple[Any, Any]) -> None:
    from kg.ask import ask
    from kg.wording import fold

    engine, knowledge = asked
    evidence = engine.run(
        """SELECT ?e ?name ?start ?end WHERE {
          ?e ekg:evidence/oa:hasSelector ?ps . ?ps oa:start ?start ; oa:end ?end .
          { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name }
        }"""
    ).rows
    names: dict[str, set[str]] = {}
    spans: dict[str, set[tuple[int, int]]] = {}
    for row in evidence:
        iri = row["e"].value
        names.setdefault(iri, set()).add(fold(row["name"].value))
        spans.setdefault(iri, set()).add((int(row["start"].value), int(row["end"].value)))
    texts, quoted = [], []
    for item in _questions(OWN):
        texts.append(fold(" ".join([item["q"], *item.get("all", []), *item.get("any", [])])))
        answer = ask(item["q"], engine, knowledge)
        texts.append(fold(" ".join(answer.answers)))
        quoted += [(e["start"], e["end"]) for e in answer.evidence]
    said = " ".join(texts)
    missed = sorted(
        min(names[iri])
        for iri in names
        if not any(name in said for name in names[iri])
        and not any(s < e2 and s2 < e for s, e in spans[iri] for s2, e2 in quoted)
    )
    assert len(names) - len(missed) >= ASKED_ABOUT_AT_LEAST, "not asked about:\n" + "\n".join(missed)
