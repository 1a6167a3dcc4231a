"""The knowledge-base audit (`oligoguide.knowledge.audit`, run by `oligoguide kb check`).

Each rule gets a small synthetic base it rejects and one it accepts; the packaged base is then
held to every rule.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from oligoguide.cli import app
from oligoguide.knowledge import (
    AuditPolicy,
    Basis,
    Citation,
    Evidence,
    KnowledgeBase,
    KnowledgeBaseError,
    Manifest,
    RuleMode,
    Statement,
    Verification,
    default_knowledge_base,
    load_knowledge_base,
)
from oligoguide.knowledge.audit import RULES, SWITCHES, AuditProblem, apply_policy, audit

runner = CliRunner()

MANIFEST = Manifest(
    version="test.1",
    released=dt.date(2026, 12, 1),
    reviewed_on=dt.date(2026, 12, 1),
    review_by=dt.date(2099, 12, 1),
    description="Synthetic base for the audit tests",
)
VERIFIED = Verification(date=dt.date(2026, 12, 10), method="abstract read, Table 2")


def _evidence(evidence_id: str = "trial_a", cancers: tuple[str, ...] = ("nsclc",)) -> Evidence:
    return Evidence(
        id=evidence_id,
        kind="randomised_trial",
        citation=Citation(authors="Doe J", title="A trial", journal="J Test", year=2020),
        doi=f"10.1000/{evidence_id}",
        level="II",
        cancers=cancers,
        population="Adults with oligometastatic disease",
        findings=("Progression-free survival 12 vs 6 months",),
        checked="Abstract read 2026-12-10",
    )


def _statement(statement_id: str = "stmt_a", **changes: Any) -> Statement:
    """A statement that passes every rule unless `changes` break one."""
    evidence = tuple(changes.pop("evidence", ("trial_a",)))
    fields: dict[str, Any] = {
        "id": statement_id,
        "topic": "oligoprogression",
        "text": "Local therapy is an option.",
        "cancers": ("nsclc",),
        "grade": "B",
        "evidence": evidence,
        "basis": tuple(
            Basis(evidence=e, finding="PFS 12 vs 6 months (HR 0.5)", where="abstract, results")
            for e in evidence
        ),
        "verified": VERIFIED,
    }
    fields.update(changes)
    return Statement(**fields)


def _kb(
    *statements: Statement,
    evidence: tuple[Evidence, ...] | None = None,
    dose: list[dict[str, Any]] | None = None,
) -> KnowledgeBase:
    items = (_evidence(),) if evidence is None else evidence
    return KnowledgeBase(
        manifest=MANIFEST,
        evidence={e.id: e for e in items},
        statements={s.id: s for s in statements},
        extra={} if dose is None else {"dose": dose},
        extra_files={} if dose is None else {"dose": tuple(f"dose/{d['kind']}.yaml" for d in dose)},
    )


def _rules(problems: list[AuditProblem]) -> list[str]:
    return [p.rule for p in problems]


def test_a_clean_synthetic_base_passes_every_rule() -> None:
    assert audit(_kb(_statement())) == []


def test_unknown_rule_names_are_refused() -> None:
    with pytest.raises(ValueError, match="no_such_rule"):
        audit(_kb(_statement()), rules=["no_such_rule"])


# --- a. uncited ------------------------------------------------------------------------------


def test_uncited_statement_is_refused_at_load_and_by_the_audit() -> None:
    with pytest.raises(ValidationError):
        _statement(evidence=())
    # Built past validation (as code could), the audit still finds it.
    bare = _statement().model_copy(update={"evidence": (), "basis": ()})
    problems = audit(_kb(bare), rules=["uncited"])
    assert [(p.rule, p.record, p.location) for p in problems] == [
        ("uncited", "stmt_a", "/evidence")
    ]


def test_cited_statement_passes_uncited() -> None:
    assert audit(_kb(_statement()), rules=["uncited"]) == []


# --- unknown evidence (kept from the loader, also for dose-table sources) ---------------------


def test_unknown_evidence_in_a_statement_or_a_dose_row_is_found() -> None:
    ghost = _statement(evidence=("trial_a", "ghost_2099"))
    dose = [{"kind": "schedules", "rows": [{"id": "lung_48_4", "source": "nowhere_2099"}]}]
    problems = audit(_kb(ghost, dose=dose), rules=["unknown_evidence"])
    assert [(p.record, p.location) for p in problems] == [
        ("stmt_a", "/evidence/1"),
        ("dose/schedules.yaml", "/rows/0/source"),
    ]
    assert "nowhere_2099" in str(problems[1])


def test_known_evidence_passes_unknown_evidence() -> None:
    dose = [{"kind": "schedules", "rows": [{"id": "lung_48_4", "source": "trial_a"}]}]
    assert audit(_kb(_statement(), dose=dose), rules=["unknown_evidence"]) == []


# --- b. unused_evidence ----------------------------------------------------------------------


def test_evidence_nobody_uses_is_found() -> None:
    kb = _kb(_statement(), evidence=(_evidence(), _evidence("orphan_2020")))
    problems = audit(kb, rules=["unused_evidence"])
    assert [(p.rule, p.record) for p in problems] == [("unused_evidence", "orphan_2020")]


@pytest.mark.parametrize(
    "table",
    [
        {"kind": "schedules", "rows": [{"id": "lung_48_4", "source": "dose_only_2020"}]},
        {"kind": "constraints", "rows": [{"organ": "cord", "source": "dose_only_2020"}]},
    ],
    ids=["schedule_row", "constraint_row"],
)
def test_evidence_used_only_by_a_dose_table_row_counts_as_used(table: dict[str, Any]) -> None:
    kb = _kb(_statement(), evidence=(_evidence(), _evidence("dose_only_2020")), dose=[table])
    assert audit(kb, rules=["unused_evidence"]) == []


# --- c. conflict -----------------------------------------------------------------------------


def _pair(first: dict[str, Any], second: dict[str, Any]) -> KnowledgeBase:
    base = {"question": "oligoprogression_local_therapy", "direction": "for", "grade": "B"}
    return _kb(_statement("stmt_a", **(base | first)), _statement("stmt_b", **(base | second)))


@pytest.mark.parametrize(
    ("first", "second", "location"),
    [
        ({"direction": "for"}, {"direction": "against"}, "/direction"),
        ({"grade": "A"}, {"grade": "D"}, "/grade"),  # same direction, strength on opposite sides
        ({"grade": "B", "direction": None}, {"grade": "E", "direction": None}, "/grade"),
        ({"cancers": ("any",)}, {"cancers": ("nsclc",), "direction": "against"}, "/direction"),
        ({"sites": ()}, {"sites": ("lung",), "direction": "against"}, "/direction"),
        ({"sites": ("lung", "liver")}, {"sites": ("liver",), "grade": "E"}, "/grade"),
    ],
    ids=["opposite_direction", "opposite_grades", "no_direction", "any_cancer", "any_site", "site"],
)
def test_conflicting_statements_are_found(
    first: dict[str, Any], second: dict[str, Any], location: str
) -> None:
    problems = audit(_pair(first, second), rules=["conflict"])
    assert [(p.rule, p.record, p.location) for p in problems] == [("conflict", "stmt_a", location)]
    assert "stmt_b" in problems[0].message
    assert "oligoprogression_local_therapy" in problems[0].message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({}, {}),  # agreeing
        ({"grade": "A"}, {"grade": "C"}),  # C is on neither side
        ({"direction": "neutral"}, {"direction": "for"}),
        ({"question": "other_question"}, {"direction": "against"}),
        ({"question": None}, {"question": None, "direction": "against"}),
        ({"cancers": ("breast",)}, {"direction": "against"}),  # different cancers
        ({"sites": ("brain",)}, {"sites": ("liver",), "direction": "against"}),
    ],
    ids=["agree", "grade_c", "neutral", "other_question", "no_question", "cancers", "sites"],
)
def test_statements_that_do_not_conflict_pass(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    kb = _pair(first, second)
    if "breast" in first.get("cancers", ()):
        kb = _kb(
            *kb.statements.values(), evidence=(_evidence(cancers=("nsclc", "breast")),)
        )  # keep the population rule out of it
    assert audit(kb, rules=["conflict"]) == []


# --- d. population ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement_cancers", "evidence_cancers"),
    [(("colorectal",), ("nsclc",)), (("any",), ("nsclc",)), (("nsclc", "breast"), ("nsclc",))],
    ids=["other_cancer", "any_from_one_cancer", "one_of_two_uncovered"],
)
def test_statement_about_a_cancer_its_evidence_does_not_concern_is_found(
    statement_cancers: tuple[str, ...], evidence_cancers: tuple[str, ...]
) -> None:
    kb = _kb(_statement(cancers=statement_cancers), evidence=(_evidence(cancers=evidence_cancers),))
    problems = audit(kb, rules=["population"])
    assert [(p.rule, p.location) for p in problems] == [("population", "/cancers")]
    assert "extrapolated" in problems[0].message


@pytest.mark.parametrize(
    ("statement", "evidence_cancers"),
    [
        ({"cancers": ("nsclc",)}, ("nsclc",)),
        ({"cancers": ("colorectal",)}, ("any",)),  # evidence for any cancer covers all
        ({"cancers": ("any",)}, ("any",)),
        (
            {
                "cancers": ("colorectal",),
                "extrapolated": "SBRT dose response does not depend on the primary here.",
            },
            ("nsclc",),
        ),
    ],
    ids=["same", "evidence_any", "both_any", "extrapolated"],
)
def test_statement_covered_by_its_evidence_or_extrapolated_passes(
    statement: dict[str, Any], evidence_cancers: tuple[str, ...]
) -> None:
    kb = _kb(_statement(**statement), evidence=(_evidence(cancers=evidence_cancers),))
    assert audit(kb, rules=["population"]) == []


def test_population_takes_the_union_of_the_evidence() -> None:
    kb = _kb(
        _statement(cancers=("nsclc", "breast"), evidence=("trial_a", "trial_b")),
        evidence=(_evidence("trial_a", ("nsclc",)), _evidence("trial_b", ("breast",))),
    )
    assert audit(kb, rules=["population"]) == []


# --- e. basis_missing / basis_foreign ---------------------------------------------------------


def test_statement_without_basis_or_verification_is_found() -> None:
    problems = audit(_kb(_statement(basis=(), verified=None)), rules=["basis_missing"])
    assert [(p.rule, p.location) for p in problems] == [
        ("basis_missing", "/basis"),
        ("basis_missing", "/verified"),
    ]
    only_unverified = audit(_kb(_statement(verified=None)), rules=["basis_missing"])
    assert [p.location for p in only_unverified] == ["/verified"]


def test_statement_with_basis_and_verification_passes() -> None:
    assert audit(_kb(_statement()), rules=["basis_missing", "basis_foreign"]) == []


def test_basis_citing_evidence_the_statement_does_not_cite_is_refused() -> None:
    foreign = Basis(evidence="trial_b", finding="OS 41 vs 28 months", where="Table 2")
    with pytest.raises(ValidationError, match="not among the statement's evidence"):
        _statement(basis=(foreign,))
    # Built past validation, the audit still finds it.
    kb = _kb(
        _statement().model_copy(update={"basis": (foreign,)}),
        evidence=(_evidence(), _evidence("trial_b")),
    )
    problems = audit(kb, rules=["basis_foreign"])
    assert [(p.rule, p.location) for p in problems] == [("basis_foreign", "/basis/0/evidence")]
    assert "trial_b" in problems[0].message


def test_new_fields_are_optional_and_typed() -> None:
    plain = Statement(
        id="plain",
        topic="t_o_p",
        text="Some text.",
        cancers=("any",),
        grade="C",
        evidence=("trial_a",),
    )
    assert plain.basis == ()
    assert plain.verified is None
    assert plain.question is None
    assert plain.direction is None
    assert plain.extrapolated is None
    with pytest.raises(ValidationError):
        _statement(direction="maybe")
    with pytest.raises(ValidationError):
        _statement(question="Not An Identifier")
    with pytest.raises(ValidationError):
        Verification.model_validate({"date": "yesterday", "method": "abstract"})


# --- the policy: only population and the basis rules can be demoted to warnings ---------------


def test_policy_demotes_only_the_switchable_rules() -> None:
    assert set(SWITCHES) == {"population", "basis_missing", "basis_foreign"}
    kb = _kb(
        _statement(cancers=("any",), basis=(), verified=None, question="q_one", direction="for"),
        _statement("stmt_b", question="q_one", direction="against", cancers=("nsclc",)),
    )
    problems = audit(kb)
    assert set(_rules(problems)) == {"conflict", "population", "basis_missing"}
    strict = apply_policy(problems, AuditPolicy())
    assert len(strict.errors) == len(problems)
    assert strict.warnings == ()
    relaxed = apply_policy(problems, AuditPolicy(basis=RuleMode.WARN, population=RuleMode.WARN))
    assert _rules(list(relaxed.errors)) == ["conflict"]
    assert {p.rule for p in relaxed.warnings} == {"population", "basis_missing"}


def test_the_manifest_policy_defaults_to_error() -> None:
    assert MANIFEST.audit.basis is RuleMode.ERROR
    assert MANIFEST.audit.population is RuleMode.ERROR


# --- through files and the CLI ----------------------------------------------------------------


def _dump(value: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(value, sort_keys=False))


def _write_base(root: Path, statements: list[Statement], manifest_extra: str = "") -> Path:
    (root / "evidence").mkdir(parents=True)
    (root / "statements").mkdir()
    (root / "dose").mkdir()
    (root / "manifest.yaml").write_text(
        "version: test.1\nreleased: 2026-12-01\nreviewed_on: 2026-12-01\n"
        "review_by: 2099-12-01\ndescription: Synthetic base for the audit tests\n" + manifest_extra,
        encoding="utf-8",
    )
    evidence = [_evidence().model_dump(mode="json", exclude_none=True)]
    evidence.append(_evidence("dose_only_2010").model_dump(mode="json", exclude_none=True))
    (root / "evidence" / "trials.yaml").write_text(yaml.safe_dump(evidence), encoding="utf-8")
    records = [s.model_dump(mode="json", exclude_defaults=True) for s in statements]
    (root / "statements" / "general.yaml").write_text(yaml.safe_dump(records), encoding="utf-8")
    (root / "dose" / "constraints.yaml").write_text(
        "kind: constraints\nrows:\n  - {organ: spinal_cord, source: dose_only_2010}\n",
        encoding="utf-8",
    )
    return root


def test_a_base_written_to_files_round_trips_and_passes(tmp_path: Path) -> None:
    root = _write_base(tmp_path / "data", [_statement(question="q_one", direction="for")])
    kb = load_knowledge_base(root)
    assert kb.statement("stmt_a").basis[0].where == "abstract, results"
    assert kb.statement("stmt_a").verified == VERIFIED
    assert audit(kb) == []
    result = runner.invoke(app, ["kb", "check", "--data-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert "1 statements" in result.stdout


def test_a_foreign_basis_in_a_file_is_refused_with_its_pointer(tmp_path: Path) -> None:
    root = _write_base(tmp_path / "data", [_statement()])
    path = root / "statements" / "general.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("evidence: trial_a", "evidence: dose_only_2010"),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(root)
    assert any(
        p.startswith("general.yaml: stmt_a: /basis/0/evidence: basis evidence 'dose_only_2010'")
        for p in caught.value.problems
    ), caught.value.problems


def test_kb_check_fails_with_one_line_per_problem(tmp_path: Path) -> None:
    root = _write_base(
        tmp_path / "data",
        [
            _statement(cancers=("colorectal",), basis=(), verified=None),
            _statement("stmt_b", question="q_one", direction="for"),
            _statement("stmt_c", question="q_one", direction="against"),
        ],
    )
    result = runner.invoke(app, ["kb", "check", "--data-dir", str(root)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert lines == [
        "  - conflict: statements/general.yaml: stmt_b: /direction: question 'q_one': direction "
        "'for' here but 'against' in 'stmt_c' for overlapping cancers and sites",
        "  - population: statements/general.yaml: stmt_a: /cancers: about colorectal but its "
        "evidence concerns only nsclc: cite evidence for that population or say in "
        "`extrapolated` why the evidence applies",
        "  - basis_missing: statements/general.yaml: stmt_a: /basis: no basis: name the finding "
        "of a cited item it rests on, and where it is",
        "  - basis_missing: statements/general.yaml: stmt_a: /verified: not verified: give the "
        "date and method of the check against its sources",
    ]
    assert "fails the audit: 4 problem(s)" in result.stderr
    assert "Traceback" not in result.output


def test_kb_check_warn_only_demotes_the_switchable_rules_only(tmp_path: Path) -> None:
    root = _write_base(
        tmp_path / "data", [_statement(cancers=("colorectal",), basis=(), verified=None)]
    )
    args = ["kb", "check", "--data-dir", str(root)]
    assert runner.invoke(app, [*args, "--warn-only", "basis"]).exit_code == 1  # population left
    relaxed = runner.invoke(app, [*args, "--warn-only", "basis", "--warn-only", "population"])
    assert relaxed.exit_code == 0, relaxed.output
    assert "3 audit warning(s)" in relaxed.stderr
    assert "population: statements/general.yaml: stmt_a" in relaxed.stderr
    # An unused evidence item is never demoted.
    (root / "dose" / "constraints.yaml").write_text("kind: constraints\nrows: []\n")
    still = runner.invoke(app, [*args, "--warn-only", "basis", "--warn-only", "population"])
    assert still.exit_code == 1
    assert "unused_evidence: evidence/trials.yaml: dose_only_2010: /:" in still.stderr


def test_manifest_policy_demotes_and_strict_overrides_it(tmp_path: Path) -> None:
    root = _write_base(
        tmp_path / "data",
        [_statement(basis=(), verified=None)],
        manifest_extra="audit:\n  basis: warn\n",
    )
    assert load_knowledge_base(root).manifest.audit.basis is RuleMode.WARN
    args = ["kb", "check", "--data-dir", str(root)]
    relaxed = runner.invoke(app, args)
    assert relaxed.exit_code == 0, relaxed.output
    assert "2 audit warning(s)" in relaxed.stderr
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1
    assert "fails the audit: 2 problem(s)" in strict.stderr


def test_manifest_policy_refuses_an_unknown_mode(tmp_path: Path) -> None:
    root = _write_base(
        tmp_path / "data", [_statement()], manifest_extra="audit:\n  basis: off_forever\n"
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(root)
    assert any(p.startswith("manifest.yaml: /audit/basis:") for p in caught.value.problems)


# --- the packaged base ------------------------------------------------------------------------

CORE_RULES = [rule for rule in RULES if rule not in SWITCHES]


def test_the_packaged_base_passes_the_core_rules() -> None:
    """uncited, unknown_evidence, unused_evidence and conflict are never switched off."""
    problems = audit(default_knowledge_base(), rules=CORE_RULES)
    assert [str(p) for p in problems] == []


def test_the_packaged_base_passes_the_basis_and_population_rules() -> None:
    """Issue 20: every statement names its basis, is verified and fits its evidence's population."""
    problems = audit(default_knowledge_base(), rules=list(SWITCHES))
    assert [str(p) for p in problems] == []
