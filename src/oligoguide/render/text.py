"""Plain-text rendering of an Assessment for terminals and tumour-board notes."""

from __future__ import annotations

from oligoguide.assess import Assessment


def _fmt(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:g}{suffix}"


def render_text(a: Assessment) -> str:
    lines = [f"Case {a.case_id}  (knowledge base {a.kb_version})", ""]
    state = a.disease_state.value.replace("_", " ").upper()
    lines.append(f"DISEASE STATE: {state}")
    if a.estro_eortc_class:
        lines.append(f"ESTRO/EORTC class: {a.estro_eortc_class.label}")
    if a.progressing_lesions:
        lines.append(
            f"Progressing lesions ({len(a.progressing_lesions)}): "
            f"{', '.join(a.progressing_lesions)} in {', '.join(a.progressing_organs)}"
        )
    if a.current_therapy:
        lines.append(f"Current systemic therapy: {a.current_therapy}")
    if a.confirmation_required:
        lines.append("iRECIST: progression on immunotherapy is unconfirmed (iUPD).")
    lines += ["", "RECIST 1.1 time points:"]
    header = f"  {'date':<11} {'sum mm':>7} {'vs base':>8} {'vs nadir':>9}  target  non-target"
    lines.append(header + "      new  overall")
    for t in a.response.timepoints:
        non_target = "-" if t.non_target.value == "none" else t.non_target.value
        lines.append(
            f"  {t.date!s:<11} {_fmt(t.sum_mm):>7} {_fmt(t.change_from_baseline_pct, '%'):>8} "
            f"{_fmt(t.change_from_nadir_pct, '%'):>9}  {(t.target or '-')!s:<6}  "
            f"{non_target:<14}  {len(t.new_lesions):>3}  {t.overall.value}"
            + (f" ({t.irecist.value})" if t.irecist else "")
        )
    lines += ["", "Lesions:"]
    for les in a.lesions:
        lines.append(
            f"  {les.id:<6} {les.site.value:<12} {les.status.value:<14} latest "
            f"{_fmt(les.latest_mm, ' mm'):>8}  nadir {_fmt(les.nadir_mm, ' mm'):>8}  "
            f"change {_fmt(les.change_from_nadir_pct, '%'):>7}"
            + ("  [target]" if les.target else "")
            + ("  [irradiated]" if les.irradiated else "")
        )
    lines += ["", "Why:"]
    lines += [f"  - [{e.rule}] {e.text}" for e in a.explanations]
    if a.missing_data:
        lines += ["", "Missing data:"]
        lines += [f"  - {m.item}: {m.reason}" for m in a.missing_data]
    if a.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {w}" for w in a.warnings]
    lines += ["", a.disclaimer]
    return "\n".join(lines) + "\n"
