"""Which statements an answer may use: by cancer, state, site and the question's focus."""

from __future__ import annotations

import re
from collections.abc import Iterable

from oligoguide.ask.lexicon import layout, lexicon
from oligoguide.ask.models import (
    Understood,
)
from oligoguide.knowledge import KnowledgeBase, Statement

STATES = ("oligoprogression", "polyprogression", "oligopersistence", "oligometastatic")


FOCUS_INTENTS = ("dose", "followup", "definition", "prognosis", "safety", "workup", "response")


_INTENT_SECTIONS = {
    "dose": {"treatment"},
    "followup": {"followup"},
    "prognosis": {"prognosis"},
    "safety": {"safety", "pitfalls"},
    "workup": {"workup", "review"},
    "response": {"workup", "followup"},
    "definition": {"workup"},
}


def _cancer_fits(statement: Statement, u: Understood) -> bool:
    if "any" in statement.cancers:
        return True
    return bool(set(statement.cancers) & set(u.cancers))


def _scenario_fits(statement: Statement, u: Understood, state: str | None) -> bool:
    wanted = {state} if state else {s for s in u.scenarios if s in STATES}
    if not wanted or not statement.scenarios:
        return True
    return bool(wanted & set(statement.scenarios))


def _conflicts(statement_id: str, u: Understood) -> bool:
    """Named exclusions: a statement that contradicts what the question says about drivers,
    therapy or symptoms is not shown."""
    no_driver = "any" in u.drivers_negated or {"EGFR", "ALK"} <= set(u.drivers_negated)
    targeted = "targeted" in u.therapy_classes or bool(u.drivers)
    immuno = "immunotherapy" in u.therapy_classes
    if statement_id == "nsclc_tki_continue_local_therapy":
        return no_driver or (immuno and not targeted)
    if statement_id == "brain_asymptomatic_cns_active_tki":
        return no_driver or u.symptomatic is True or (immuno and not targeted)
    if statement_id == "nsclc_io_oligoprogression":
        return targeted and not immuno
    if statement_id == "nsclc_rebiopsy_resistance":
        return no_driver or (immuno and not targeted)
    if statement_id == "nsclc_molecular_testing":
        return bool(u.drivers) or bool(u.drivers_negated)
    if statement_id == "followup_irecist_confirmation":
        return not immuno and "response" not in u.intents
    if "irecist" in statement_id or "_io_" in statement_id or "pseudoprogression" in statement_id:
        # checkpoint-inhibitor response rules only where immunotherapy or iRECIST is asked about
        return not immuno and "response" not in u.intents
    if statement_id == "her2_breast_brain_no_switch":
        return "HER2" not in u.drivers
    return False


def _denied_site(statement: Statement, u: Understood) -> bool:
    """A statement only about sites the question denies or only suspects is not shown."""
    ruled = set(u.sites_negated) | set(u.sites_uncertain)
    if not ruled or not statement.sites or "any" in statement.sites:
        return False
    return set(statement.sites) <= ruled and not set(statement.sites) & set(u.sites)


def applicable(statement: Statement, u: Understood, state: str | None) -> bool:
    return (
        not _denied_site(statement, u)
        and _cancer_fits(statement, u)
        and _scenario_fits(statement, u, state)
        and not _conflicts(statement.id, u)
    )


#: Sites that contain one another: a spinal metastasis is a bone metastasis.
_SITE_FAMILY = {"spine": {"bone"}, "bone": {"spine"}}


def site_fits(statement: Statement, u: Understood, rank: int) -> bool:
    """A site-specific statement needs the site in the question, or a top-3 retrieval rank."""
    if not statement.sites or "any" in statement.sites:
        return True
    asked = set(u.sites).union(*(_SITE_FAMILY.get(s, set()) for s in u.sites))
    if set(statement.sites) & asked:
        return True
    return not u.sites and rank < 3


def is_focused(u: Understood) -> bool:
    """A focused question (dose, follow-up, definition...) rather than "how to manage"."""
    return (
        any(i in u.intents for i in FOCUS_INTENTS)
        and "management" not in u.intents
        and not u.patient_specific
    )


def focus_sections(u: Understood) -> set[str]:
    keys: set[str] = set()
    for intent in u.intents:
        keys |= _INTENT_SECTIONS.get(intent, set())
    return keys or {"treatment"}


def select_statements(
    u: Understood, kb: KnowledgeBase, ranked: list[str], state: str | None
) -> list[str]:
    lay = layout()
    chosen: list[str] = []

    def take(ids: Iterable[str]) -> None:
        for statement_id in ids:
            statement = kb.statements.get(statement_id)
            if statement is None or statement_id in chosen:
                continue
            if applicable(statement, u, state):
                chosen.append(statement_id)

    scenarios = [state] if state else [s for s in u.scenarios if s in lay.management_core]
    if "brain_metastases" in u.scenarios and "brain_metastases" not in scenarios:
        scenarios.append("brain_metastases")
    if not is_focused(u):
        for scenario in scenarios:
            take(lay.management_core.get(scenario, ()))
        if any(s in STATES for s in scenarios):
            for cancer in u.cancers:
                take(lay.cancer_core.get(cancer, ()))
        for site in u.sites:
            take(lay.site_core.get(site, ()))
    else:
        sections = focus_sections(u)
        for site in u.sites:
            take(
                s
                for s in lay.site_core.get(site, ())
                if lay.statement_sections.get(s, "treatment") in sections
            )

    limit = 4 if is_focused(u) else 5
    added = 0
    for rank, statement_id in enumerate(ranked):
        if added >= limit:
            break
        statement = kb.statements[statement_id]
        if statement_id in chosen:
            added += 1
            continue
        if not applicable(statement, u, state) or not site_fits(statement, u, rank):
            continue
        if is_focused(u):
            section = lay.statement_sections.get(statement_id, "treatment")
            if section not in focus_sections(u) and section != "strategy":
                continue
            if section == "strategy" and not set(statement.cancers) & set(u.cancers):
                continue
        chosen.append(statement_id)
        added += 1
    return chosen


#: Asking when to stop or restart a drug around a procedure ("when to stop bev before
#: hepatectomy", "SBRT while on bev ok?") makes the drug the topic.
_TIMING = re.compile(
    r"\b(?:stop|restart|resume|hold|pause|withh?old|interrupt)\w*\b|\bwhile on\b|"
    r"\b(?:ok|okay|safe)\s*\?|\bhow long (?:before|after)\b",
    re.IGNORECASE,
)

#: Synonym groups that name what a question is about more narrowly than its cancer or state.
TOPIC_KEYS = (
    "mscc",
    "antivegf",
    "highrisk_ct",
    "posttreatment",
    "irecist",
    "flare",
    "rebiopsy",
    "wbrt",
    "pain",
)


def topic_statement(
    question: str, u: Understood, kb: KnowledgeBase, ranked: list[str], state: str | None
) -> str | None:
    """The best-ranked applicable statement on the narrow topic the question names ("MSCC",
    "hold the bevacizumab", "just fibrosis?"), to answer that before the general strategy."""
    groups = lexicon().synonyms
    keys = [k for k in TOPIC_KEYS if any(p.search(question) for p in groups.get(k, ()))]
    if "safety" not in u.intents and not _TIMING.search(question):
        keys = [k for k in keys if k != "antivegf"]  # a drug named in passing is not the topic
    for key in keys:
        # a statement whose topic names it first; then one whose text does ("SBRT ... without
        # cord compression" mentions MSCC but is not about it)
        by_topic = [s for s in ranked if any(p.search(kb.statements[s].topic) for p in groups[key])]
        for statement_id in [*by_topic, *ranked]:
            statement = kb.statements[statement_id]
            text = f"{statement.topic} {statement.text}"
            if (
                any(p.search(text) for p in groups[key])
                and applicable(statement, u, state)
                and site_fits(statement, u, rank=0)  # a lung statement never for a brain lesion
            ):
                return statement_id
    return None
