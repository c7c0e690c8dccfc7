"""An answer of kg ask as a person reads it: shared by the click command (kg.cli_ask) and kg.plain."""

from __future__ import annotations

from typing import Any

from kg.printable import printable

ESSAY_TEXT = "essay.txt"  # the label of ekg:essay: evidence that names no other text quotes it


def answer_text(answer: Any) -> str:
    """The answer as a person reads it: the answer, the essay's words, the query used."""
    if not answer.answered:
        lines = [f"No answer in the graph for: {printable(answer.question)}"]
        if answer.suggestions:
            lines.append("Questions it can answer:")
            lines += [f"  - {printable(s)}" for s in answer.suggestions]
        return "\n".join(lines)
    if len(answer.answers) == 1:
        lines = [f"Answer: {printable(answer.answers[0])}"]
    else:
        lines = ["Answer:"] + [f"  {i}. {printable(a)}" for i, a in enumerate(answer.answers, 1)]
    if answer.evidence:
        sources = {e.get("source", ESSAY_TEXT) for e in answer.evidence}
        if sources == {ESSAY_TEXT}:
            lines += ["", f"Evidence ({ESSAY_TEXT}, offsets in characters):"]
            lines += [f'  [{e["start"]}-{e["end"]}] "{printable(e["quote"])}"' for e in answer.evidence]
        else:  # an extension's own source text among them: name each quote's
            lines += ["", "Evidence (offsets in characters):"]
            for e in answer.evidence:
                where = f"{e['start']}-{e['end']} {printable(e.get('source', ESSAY_TEXT))}"
                lines.append(f'  [{where}] "{printable(e["quote"])}"')
    bound = ", ".join(f"{k} = {printable(v)}" for k, v in answer.bindings.items())
    lines += ["", f"Query: {answer.query}" + (f" ({bound})" if bound else "")]
    return "\n".join(lines)
