"""Case history: one stored version of a case, and what changed between two versions.

    GET /ui/cases/{id}/versions/{n}          that version's data and its plan, read-only
    GET /ui/cases/{id}/compare?from=A&to=B   the data and the plan of B against A
                                             (defaults: the previous version against the latest)

Every version is assessed as the case page assesses the current one (`service/reassess.py`: the
current knowledge base, with the warnings its import stored), so two plans differ only because
the data differ. Readers may open both pages. A version that does not exist is a 404 page; a
query value that is not a version number a 400 page naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from oligoguide.assess import Assessment
from oligoguide.knowledge import default_knowledge_base
from oligoguide.render.plots import all_figures
from oligoguide.render.wording import Wording
from oligoguide.service.auth import Caller
from oligoguide.service.reassess import reassess
from oligoguide.service.ui.case_diff import case_changes
from oligoguide.service.ui.case_pages import _registry, _store_errors, case_url
from oligoguide.service.ui.plan_diff import plan_changes, plan_steps
from oligoguide.service.ui.views import lesion_table, plan_view
from oligoguide.service.ui.web import Ui, UiDep, UiError
from oligoguide.service.ui.wording import missing_item
from oligoguide.store import CaseRecord, CaseVersionInfo

router = APIRouter()
MAX_DIGITS = 9


@dataclass(frozen=True)
class Version:
    """One stored version and its assessment."""

    record: CaseRecord
    a: Assessment


def version_url(case_id: str, version: int) -> str:
    return f"{case_url(case_id)}/versions/{version}"


def compare_url(case_id: str, old: int, new: int) -> str:
    return f"{case_url(case_id)}/compare?from={old}&to={new}"


def _history(ui: Ui, caller: Caller, case_id: str) -> list[CaseVersionInfo]:
    with _store_errors():
        return _registry(ui).case_versions(case_id, caller.name)


def _assessed(ui: Ui, caller: Caller, case_id: str, version: int) -> Version:
    with _store_errors():
        record = _registry(ui).get_case(case_id, caller.name, version)
    return Version(record, reassess(_registry(ui), record, caller.name))


def _number(raw: str, name: str, history: list[CaseVersionInfo], *, in_path: bool = False) -> int:
    """A version number sent by the user: 404 when the case has no such version, 400 when a
    query parameter is not a number at all."""
    known = [v.version for v in history]
    span = f"its versions are 1 to {known[-1]}" if len(known) > 1 else "it has version 1 only"
    shown = repr(raw[:20])
    is_number = raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS
    if not is_number and not in_path:
        raise UiError(
            400,
            f"Bad value for '{name}'",
            f"The parameter '{name}' must be a version number of this case ({span}); "
            f"it was {shown}.",
        )
    if not is_number or int(raw) not in known:
        where = "This case" if in_path else f"Parameter '{name}': this case"
        raise UiError(404, "Version not found", f"{where} has no version {shown}: {span}.")
    return int(raw)


@router.get("/cases/{case_id}/versions/{number}")
def version_view(case_id: str, number: str, ui: UiDep) -> Response:
    caller = ui.need()
    history = _history(ui, caller, case_id)
    shown = _assessed(ui, caller, case_id, _number(number, "version", history, in_path=True))
    record, a = shown.record, shown.a
    wording = Wording(a, default_knowledge_base())
    plan = plan_view(a, wording.clean)
    return ui.page(
        "case_version.html",
        title=f"Case {case_id}, version {record.version}",
        record=record,
        case=record.case,
        a=a,
        table=lesion_table(record.case, a),
        figures=all_figures(record.case, a),
        plan=plan,
        steps=plan_steps(plan),
        clean=wording.clean,
        missing=lambda item: missing_item(item, record.case),
        history=history,
        base=case_url(case_id),
        version_url=lambda n: version_url(case_id, n),
        compare_url=lambda old, new: compare_url(case_id, old, new),
    )


@router.get("/cases/{case_id}/compare")
def compare_view(case_id: str, ui: UiDep) -> Response:
    caller = ui.need()
    history = _history(ui, caller, case_id)
    query = ui.request.query_params
    raw_to, raw_from = query.get("to", ""), query.get("from", "")
    new = _number(raw_to, "to", history) if raw_to else history[-1].version
    earlier = [v.version for v in history if v.version < new]
    old = _number(raw_from, "from", history) if raw_from else (earlier[-1] if earlier else new)
    context: dict[str, Any] = {}
    if old != new:
        before = _assessed(ui, caller, case_id, old)
        after = _assessed(ui, caller, case_id, new)
        context = {
            "data": case_changes(
                before.record.case.model_dump(mode="json"),
                after.record.case.model_dump(mode="json"),
            ),
            "plan": plan_changes(before.a, after.a),
            "before": before.record,
            "after": after.record,
        }
    return ui.page(
        "case_compare.html",
        title=f"Case {case_id}: version {old} against {new}",
        case_id=case_id,
        old=old,
        new=new,
        history=history,
        base=case_url(case_id),
        version_url=lambda n: version_url(case_id, n),
        **context,
    )
