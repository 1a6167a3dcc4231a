"""Text and markdown of an Answer: sections in the seed layout, citation numbers, references."""

from __future__ import annotations

import textwrap

from oligoguide.ask.models import Answer


def _numbers(answer: Answer) -> dict[str, int]:
    return {ref.id: ref.number for ref in answer.references}


def _cite(citations: tuple[str, ...], numbers: dict[str, int]) -> str:
    return "[" + ", ".join(str(numbers[c]) for c in citations if c in numbers) + "]"


def render_answer_text(answer: Answer, width: int = 100) -> str:
    numbers = _numbers(answer)
    out = [f"Q: {answer.question}", ""]
    if answer.warnings:
        out.append("WARNINGS")
        out += [
            textwrap.fill(w, width, initial_indent="  ! ", subsequent_indent="    ")
            for w in answer.warnings
        ]
        out.append("")
    if answer.lead and not answer.not_covered:
        out += [textwrap.fill(f"ANSWER ({answer.question_type}): {answer.lead}", width), ""]
    if answer.not_covered:
        out.append("NOT COVERED")
        out += [textwrap.fill(g, width) for g in answer.gaps]
        if answer.closest_topics:
            out.append("Closest topics held: " + "; ".join(answer.closest_topics))
    for section in answer.answer.sections:
        out.append(section.title.upper())
        for sentence in section.sentences:
            line = f"{sentence.text} {_cite(sentence.citations, numbers)}"
            out.append(textwrap.fill(line, width, initial_indent="  - ", subsequent_indent="    "))
        out.append("")
    if answer.gaps and not answer.not_covered:
        out.append("NOT IN THE KNOWLEDGE BASE")
        out += [
            textwrap.fill(g, width, initial_indent="  - ", subsequent_indent="    ")
            for g in answer.gaps
        ]
        out.append("")
    if answer.references:
        out.append("REFERENCES")
        out += [
            textwrap.fill(f"{r.number}. {r.text}", width, subsequent_indent="   ")
            for r in answer.references
        ]
        out.append("")
    out.append(f"Confidence: {answer.confidence}. Knowledge base {answer.kb_version}.")
    out.append(answer.disclaimer)
    return "\n".join(out) + "\n"


def render_answer_markdown(answer: Answer) -> str:
    numbers = _numbers(answer)
    out = [f"## {answer.question}", ""]
    if answer.warnings:
        out += [f"> **Warning:** {w}" for w in answer.warnings] + [""]
    if answer.lead and not answer.not_covered:
        out += [f"**Answer ({answer.question_type.replace('_', ' ')}):** {answer.lead}", ""]
    if answer.not_covered:
        out += ["**Not covered by the knowledge base.**", ""]
        out += [f"- {g}" for g in answer.gaps]
        if answer.closest_topics:
            out += ["", "Closest topics held: " + "; ".join(answer.closest_topics)]
        out.append("")
    for section in answer.answer.sections:
        out += [f"### {section.title}", ""]
        out += [f"- {s.text} {_cite(s.citations, numbers)}" for s in section.sentences]
        out.append("")
    if answer.gaps and not answer.not_covered:
        out += ["### Not in the knowledge base", ""] + [f"- {g}" for g in answer.gaps] + [""]
    if answer.references:
        out += ["### References", ""] + [f"{r.number}. {r.text}" for r in answer.references]
        out.append("")
    out += [f"*Confidence: {answer.confidence}. Knowledge base {answer.kb_version}.*", ""]
    out += [f"*{answer.disclaimer}*", ""]
    return "\n".join(out)
