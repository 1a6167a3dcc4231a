"""Pages that need no case: dose calculator, Ask, knowledge-base browser."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.datastructures import FormData

from oligoguide.dose import DoseInputError, bed, eqd2, suggest_schedule
from oligoguide.knowledge import default_knowledge_base
from oligoguide.model.vocab import Site
from oligoguide.service.state import service_state
from oligoguide.service.ui import kb_view
from oligoguide.service.ui.plan_upload import FRACTIONS_FIELD, read_plan_form, run_plan_check
from oligoguide.service.ui.web import Ui, UiDep

router = APIRouter()
SITES = [s.value for s in Site]


def _number(
    form: dict[str, str], name: str, errors: dict[str, str], *, integer: bool = False
) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors[name] = "enter a number"
        return None
    if not math.isfinite(value) or value <= 0:
        errors[name] = "enter a number above 0"
        return None
    if integer and not value.is_integer():
        errors[name] = "enter a whole number"
        return None
    return value


def _dose_page(ui: Ui, status: int = 200, **context: Any) -> Response:
    context.setdefault("values", {"alpha_beta": "10"})
    context.setdefault("errors", {})
    return ui.page("dose.html", status=status, title="Dose calculator", sites=SITES, **context)


@router.get("/dose")
def dose_form(ui: UiDep) -> Response:
    ui.need()
    return _dose_page(ui)


@router.post("/dose")
async def dose(ui: UiDep) -> Response:
    ui.need()
    raw = await ui.form()
    if raw.get("action") == "check_plan":
        return await _check_plan(ui, raw)
    form = {k: v.strip() for k, v in raw.items() if isinstance(v, str) and k != "csrf_token"}
    form.setdefault("alpha_beta", "10")
    errors: dict[str, str] = {}
    if raw.get("action") == "schedule":
        return _schedule(ui, form, errors)
    total = _number(form, "total_gy", errors)
    fractions = _number(form, "fractions", errors, integer=True)
    alpha_beta = _number(form, "alpha_beta", errors)
    for name, value in (("total_gy", total), ("fractions", fractions), ("alpha_beta", alpha_beta)):
        if value is None and name not in errors:
            errors[name] = "required"
    if errors or total is None or fractions is None or alpha_beta is None:
        return _dose_page(ui, 422, values=form, errors=errors)
    try:
        result = {
            "bed": bed(total, int(fractions), alpha_beta),
            "eqd2": eqd2(total, int(fractions), alpha_beta),
            "per_fraction": total / fractions,
        }
    except DoseInputError as error:
        errors[error.field if error.field in form else "total_gy"] = error.message
        return _dose_page(ui, 422, values=form, errors=errors)
    return _dose_page(ui, values=form, result=result)


def _schedule(ui: Ui, form: dict[str, str], errors: dict[str, str]) -> Response:
    site = form.get("site", "")
    if site not in SITES:
        errors["site"] = "choose a site"
    diameter = _number(form, "diameter_mm", errors)
    count = _number(form, "lesion_count", errors, integer=True)
    if errors:
        return _dose_page(ui, 422, values=form, errors=errors)
    try:
        suggestion = suggest_schedule(
            site,
            diameter,
            central=form.get("zone") == "central",
            ultracentral=form.get("zone") == "ultracentral",
            lesion_count=int(count) if count else None,
        )
    except DoseInputError as error:
        errors[error.field if error.field in form else "site"] = error.message
        return _dose_page(ui, 422, values=form, errors=errors)
    kb = default_knowledge_base()
    sources = {s.source for s in suggestion.alternatives} | (
        {suggestion.source} if suggestion.source else set()
    )
    references = {s: kb.evidence[s].reference() for s in sources if s in kb.evidence}
    return _dose_page(ui, values=form, suggestion=suggestion, references=references)


async def _check_plan(ui: Ui, raw: FormData) -> Response:
    """The treatment plan dose check of uploaded DICOM RT files (docs/dicom.md): the same
    `check_plan` as `oligoguide dose check-plan` and POST /v1/dose/check-plan."""
    plan = read_plan_form(raw)
    values = {"alpha_beta": "10", FRACTIONS_FIELD: plan.fractions_text}
    try:
        if plan.errors:
            return _dose_page(ui, 422, values=values, errors=plan.errors, plan_problem=None)
        try:
            from oligoguide.render.plan_check import plan_check_view
            from oligoguide.service.routes.dicom_rt import PlanUploadError
        except ImportError:  # pragma: no cover - the dicom extra is part of `all`
            problem = "DICOM support is not installed on this server."
            return _dose_page(ui, 503, values=values, plan_problem=problem)
        try:
            report = await run_plan_check(plan)
        except PlanUploadError as error:
            if error.part == "fractions":
                errors = {FRACTIONS_FIELD: error.text.removeprefix("fractions: ")}
                return _dose_page(ui, 422, values=values, errors=errors)
            return _dose_page(ui, 400, values=values, plan_problem=error.text)
    finally:
        await raw.close()  # the spooled uploads, once the check has copied them
    return _dose_page(ui, values=values, plan_check=plan_check_view(report))


@router.get("/ask")
def ask_form(ui: UiDep) -> Response:
    ui.need()
    return ui.page("ask.html", title="Ask", question="", answer=None, error=None)


@router.post("/ask")
async def ask_question(ui: UiDep) -> Response:
    ui.need()
    form = await ui.form()
    question = str(form.get("question") or "")
    try:
        from oligoguide.ask import AskInputError, ask
    except ImportError:  # pragma: no cover - the ask face is optional
        return ui.page(
            "ask.html",
            status=503,
            title="Ask",
            question=question,
            answer=None,
            error="Question answering is not installed on this server.",
        )
    try:
        answer = await service_state(ui.request).compute.run(ask, question)  # in turn with /v1/ask
    except AskInputError as error:
        message = str(error).removeprefix("question: ")
        return ui.page(
            "ask.html", status=422, title="Ask", question=question, answer=None, error=message
        )
    numbers = {r.id: r.number for r in answer.references}

    def cite(ids: tuple[str, ...]) -> list[int]:
        return sorted({numbers[i] for i in ids if i in numbers})

    return ui.page("ask.html", title="Ask", question=question, answer=answer, cite=cite)


@router.get("/kb")
def knowledge(
    ui: UiDep,
    q: Annotated[str, Query(max_length=100)] = "",
    cancer: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    ui.need()
    kb = default_knowledge_base()
    items = kb_view.search(q, cancer)
    return ui.page(
        "kb.html",
        title="Knowledge base",
        items=items,
        total=len(kb.evidence),
        statements=len(kb.statements),
        released=str(kb.manifest.released),
        q=q,
        cancer=cancer,
        cancers=kb_view.cancers(),
    )
