"""Score ``kg ask`` on a question set: correct, abstained, wrong.

A question set is a JSON list of ``{q, all?, any?, abstain?}`` (see
../shared/questions/README.md): ``all`` strings must all appear in the answer's
text, ``any`` at least one; ``abstain`` questions must not be answered. Strings
are compared case-insensitively with curly quotes and dashes folded.

    python tests/ask_eval.py [QUESTIONS.json ...]     # prints the report and each miss
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ask import ask
from kg.ask_text import answer_text
from kg.wording import fold

REPO = Path(__file__).resolve().parents[1]
OWN = REPO / "tests" / "questions.json"
DEV = REPO.parent / "shared" / "questions" / "dev.json"


@dataclass
class Score:
    correct: int = 0
    abstained: int = 0
    wrong: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.correct + self.abstained + self.wrong

    def line(self) -> str:
        return f"{self.correct} correct, {self.abstained} abstained, {self.wrong} wrong of {self.total}"


def _plain(text: str) -> str:
    return fold(text).replace('"', "").replace("'", "")


def score(questions: list[dict[str, Any]], engine: Any, knowledge: Any) -> Score:
    result = Score()
    for item in questions:
        answer = ask(item["q"], engine, knowledge)
        if item.get("abstain"):
            if answer.answered:
                result.wrong += 1
                result.misses.append(f"answered, but unanswerable: {item['q']} -> {answer.answers[:2]}")
            else:
                result.correct += 1
            continue
        if not answer.answered:
            result.abstained += 1
            result.misses.append(f"abstained: {item['q']}")
            continue
        text = _plain(answer_text(answer))
        ok = all(_plain(s) in text for s in item.get("all", []))
        ok = ok and (not item.get("any") or any(_plain(s) in text for s in item["any"]))
        if ok:
            result.correct += 1
        else:
            result.wrong += 1
            result.misses.append(f"wrong: {item['q']} -> {answer.query}: {answer.answers[:2]}")
    return result


def main(paths: list[str]) -> None:
    from kg.ask_index import load_knowledge
    from kg.catalog import catalog
    from kg.engines import open_engine

    engine = open_engine()
    knowledge = load_knowledge(engine, catalog())
    for path in paths or [str(DEV), str(OWN)]:
        result = score(json.loads(Path(path).read_text(encoding="utf-8")), engine, knowledge)
        print(f"{path}: {result.line()}")
        for miss in result.misses:
            print(f"  {miss}")


if __name__ == "__main__":
    main(sys.argv[1:])
