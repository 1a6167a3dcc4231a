"""What changed in the plan between two versions of a case, as the plan page words it.

Each version's plan is grouped as the plan page groups it (`views.plan_view`, clinical text
through that version's `render.wording.Wording`), and its recommendations are matched by step,
lesion and heading (work-up "Brain MRI", lesion L2 "SBRT", ...; two of a kind, such as two
cautions, by their text too). Reference numbers [n] are left out when texts are compared: a
reference list that grew renumbers them without changing the advice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from oligoguide.assess import Assessment
from oligoguide.knowledge import default_knowledge_base
from oligoguide.render.wording import Wording, missing_words, words
from oligoguide.service.ui.case_diff import ADDED, CHANGED, REMOVED
from oligoguide.service.ui.views import PlanView, Rec, plan_view

_REFS = re.compile(r"\s*\[\d+(?:, \d+)*\]")
Key = tuple[str, str, str]


@dataclass(frozen=True)
class PlanChange:
    """A recommendation added, removed or changed."""

    kind: str  # ADDED, REMOVED or CHANGED
    step: str  # 'Work-up', 'Local treatment', ...
    lesion: str
    heading: str  # 'SBRT', 'Brain MRI', 'Continue the systemic therapy'
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Shift:
    """One value of the plan before and after ('' when a version has none)."""

    what: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return _plain(self.before) != _plain(self.after)


@dataclass
class PlanDiff:
    state: Shift  # disease-state values ('oligoprogression'), changed or not
    shifts: list[Shift] = field(default_factory=list)  # the other values that changed
    changes: list[PlanChange] = field(default_factory=list)
    missing_added: list[str] = field(default_factory=list)
    missing_removed: list[str] = field(default_factory=list)


def _plain(text: str) -> str:
    return " ".join(_REFS.sub("", text).split())


def _said(rec: Rec) -> str:
    return f"{rec.text} Grade {rec.grade}."


def _same(a: Rec, b: Rec) -> bool:
    return (_plain(_said(a)), a.dose) == (_plain(_said(b)), b.dose)


def plan_steps(view: PlanView) -> list[tuple[str, str, list[Rec]]]:
    """The plan in reading order: (step, lesion or '', its recommendations)."""
    return [
        ("Work-up", "", view.workup),
        ("Tumour-board review", "", view.review),
        *(("Local treatment", lesion, recs) for lesion, recs in view.by_lesion.items()),
        ("Systemic therapy", "", view.systemic),
        ("Cautions", "", view.cautions),
    ]


def _items(view: PlanView) -> dict[Key, Rec]:
    steps = plan_steps(view)
    counts = Counter((step, lesion, r.heading) for step, lesion, recs in steps for r in recs)
    found: dict[Key, Rec] = {}
    for step, lesion, recs in steps:
        for r in recs:
            key = (step, lesion, r.heading)
            found[key if counts[key] == 1 else (step, lesion, f"{r.heading}: {_plain(r.text)}")] = r
    return found


def _view(a: Assessment) -> tuple[PlanView, Wording]:
    wording = Wording(a, default_knowledge_base())
    return plan_view(a, wording.clean), wording


def _change(kind: str, key: Key, rec: Rec, before: str = "", after: str = "") -> PlanChange:
    heading = words(rec.heading)  # a work-up code without a label: 'tumour markers'
    return PlanChange(kind, key[0], key[1], heading, before, after)


def plan_changes(old: Assessment, new: Assessment) -> PlanDiff:
    """The plan of `new` against the plan of `old` (both from `assess`), in words."""
    (old_view, old_words), (new_view, new_words) = _view(old), _view(new)

    def estro(a: Assessment) -> str:
        return a.estro_eortc_class.label if a.estro_eortc_class else ""

    state = Shift("Disease state", old.disease_state.value, new.disease_state.value)
    shifts = [
        Shift("ESTRO/EORTC class", estro(old), estro(new)),
        Shift("Bottom line", old_words.clean(old.bottom_line), new_words.clean(new.bottom_line)),
        Shift("Follow-up", old_view.follow_up, new_view.follow_up),
    ]
    diff = PlanDiff(state, [s for s in shifts if s.changed])
    before, after = _items(old_view), _items(new_view)
    for key, rec in after.items():
        if key not in before:
            diff.changes.append(_change(ADDED, key, rec, after=_said(rec)))
        elif not _same(before[key], rec):
            diff.changes.append(_change(CHANGED, key, rec, _said(before[key]), _said(rec)))
    for key, rec in before.items():
        if key not in after:
            diff.changes.append(_change(REMOVED, key, rec, before=_said(rec)))
    old_missing = {m.item for m in old.missing_data}
    new_missing = {m.item for m in new.missing_data}
    diff.missing_added = [missing_words(i) for i in sorted(new_missing - old_missing)]
    diff.missing_removed = [missing_words(i) for i in sorted(old_missing - new_missing)]
    return diff
