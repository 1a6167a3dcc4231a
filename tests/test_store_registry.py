"""Case registry on SQLite and PostgreSQL: versions, no overwrite, conflicts, assessments, audit,
and rollback of failed writes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from oligoguide.assess import Assessment, assess
from oligoguide.store import (
    AlreadyExists,
    CaseNotFound,
    Registry,
    StoreError,
    StoreInputError,
    VersionConflict,
    case_hash,
)
from oligoguide.store.registry import _Operation
from oligoguide.store.schema import AuditRow
from store_support import make_case, pg_schema_url, registry, store_url

__all__ = ["pg_schema_url", "registry", "store_url"]  # fixtures used by the tests below


def _count(registry: Registry, table: str) -> int:
    with registry._engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _snapshot(registry: Registry) -> dict[str, int]:
    return {t: _count(registry, t) for t in ("cases", "case_versions", "assessments", "api_tokens")}


def test_create_and_read_back(registry: Registry) -> None:
    case = make_case()
    created = registry.create_case(case, "alice")
    assert (created.case_id, created.version, created.latest_version) == ("case-1", 1, 1)
    assert created.content_hash == case_hash(case)
    got = registry.get_case("case-1", "bob")
    assert got.case == case
    assert got.created_by == "alice"
    assert got.created_at.tzinfo is not None
    assert got.is_latest


def test_an_edit_is_a_new_version_and_nothing_is_overwritten(registry: Registry) -> None:
    first, second, third = make_case(diameter=20), make_case(diameter=25), make_case(diameter=40)
    registry.create_case(first, "alice")
    assert registry.update_case("case-1", second, "bob", expected_version=1).version == 2
    assert registry.update_case("case-1", third, "carol").version == 3
    assert registry.get_case("case-1", "dave").case == third
    assert registry.get_case("case-1", "dave", version=1).case == first
    assert registry.get_case("case-1", "dave", version=2).case == second
    assert not registry.get_case("case-1", "dave", version=1).is_latest
    versions = registry.case_versions("case-1", "dave")
    assert [(v.version, v.created_by) for v in versions] == [(1, "alice"), (2, "bob"), (3, "carol")]
    assert [v.content_hash for v in versions] == [case_hash(c) for c in (first, second, third)]


def test_identical_content_adds_no_version(registry: Registry) -> None:
    registry.create_case(make_case(), "alice")
    again = registry.update_case("case-1", make_case(), "alice", expected_version=1)
    assert again.version == 1
    assert len(registry.case_versions("case-1", "alice")) == 1
    assert registry.audit_log("admin", target_id="case-1")[1].outcome == "unchanged"


def test_optimistic_conflict_writes_nothing(registry: Registry) -> None:
    registry.create_case(make_case(), "alice")
    registry.update_case("case-1", make_case(diameter=25), "bob", expected_version=1)
    with pytest.raises(VersionConflict, match="at version 2, not 1") as caught:
        registry.update_case("case-1", make_case(diameter=99), "alice", expected_version=1)
    assert (caught.value.expected, caught.value.latest) == (1, 2)
    assert registry.get_case("case-1", "alice").case == make_case(diameter=25)
    assert len(registry.case_versions("case-1", "alice")) == 2


def test_refusals(registry: Registry) -> None:
    registry.create_case(make_case(), "alice")
    with pytest.raises(AlreadyExists, match="already exists"):
        registry.create_case(make_case(diameter=30), "alice")
    with pytest.raises(CaseNotFound, match="case 'nope' not found"):
        registry.get_case("nope", "alice")
    with pytest.raises(CaseNotFound, match="version 7 of case 'case-1'"):
        registry.get_case("case-1", "alice", version=7)
    with pytest.raises(CaseNotFound):
        registry.update_case("nope", make_case("nope"), "alice")
    with pytest.raises(StoreInputError, match="does not match"):
        registry.update_case("case-1", make_case("other"), "alice")
    for bad_actor in ("  ", "a\x00b", "x" * 201):
        with pytest.raises(StoreInputError, match="actor"):
            registry.get_case("case-1", bad_actor)
    assert registry.get_case("case-1", "alice").case == make_case()


def test_stored_rows_are_append_only_in_the_database(registry: Registry) -> None:
    registry.create_case(make_case(), "alice")
    for statement in (
        "UPDATE case_versions SET document = '{}'",
        "DELETE FROM case_versions",
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(SQLAlchemyError), registry._engine.begin() as connection:
            connection.execute(text(statement))
    assert registry.get_case("case-1", "alice").case == make_case()
    assert registry.audit_log("admin")[-1].actor == "alice"


def test_assessment_keeps_kb_version_input_hash_and_state(registry: Registry) -> None:
    case = make_case()
    registry.create_case(case, "alice")
    assessment = assess(case)
    saved = registry.save_assessment("case-1", 1, assessment, "alice")
    assert saved.kb_version == assessment.kb_version
    assert saved.input_hash == case_hash(case)
    assert saved.disease_state == assessment.disease_state.value
    assert Assessment.model_validate(saved.data) == assessment
    [listed] = registry.assessments("case-1", "bob")
    assert listed == saved


def test_assessment_of_the_latest_version_and_refusals(registry: Registry) -> None:
    registry.create_case(make_case(), "alice")
    edited = make_case(diameter=45)
    registry.update_case("case-1", edited, "alice")
    saved = registry.save_assessment("case-1", None, assess(edited), "alice")
    assert (saved.version, saved.input_hash) == (2, case_hash(edited))
    with pytest.raises(CaseNotFound):
        registry.save_assessment("case-1", 9, assess(edited), "alice")
    with pytest.raises(StoreInputError, match="assessment is of case"):
        registry.save_assessment("case-1", 1, assess(make_case("other")), "alice")
    assert len(registry.assessments("case-1", "alice")) == 1
    assert registry.assessments("case-1", "alice", version=1) == []


def test_list_cases_filters_pages_and_badges(registry: Registry) -> None:
    registry.create_case(make_case("crc-1", primary="colorectal"), "alice")
    registry.create_case(make_case("lung-1", primary="nsclc"), "alice")
    registry.create_case(make_case("lung-2", primary="nsclc"), "alice")
    lung1 = make_case("lung-1", primary="nsclc")
    first = registry.save_assessment("lung-1", 1, assess(lung1), "alice")
    registry.update_case("lung-1", make_case("lung-1", diameter=30, primary="nsclc"), "bob")

    page = registry.list_cases("reader")
    assert page.total == 3
    assert page.items[0].case_id == "lung-1"  # most recently updated first
    badge = next(s for s in page if s.case_id == "lung-1")
    assert (badge.disease_state, badge.assessed_version) == (first.disease_state, 1)
    assert badge.latest_version == 2
    assert badge.assessment_stale
    assert next(s for s in page if s.case_id == "crc-1").disease_state is None

    assert {s.case_id for s in registry.list_cases("reader", query="LUNG")} == {"lung-1", "lung-2"}
    assert {s.case_id for s in registry.list_cases("reader", query="nsclc")} == {"lung-1", "lung-2"}
    assert registry.list_cases("reader", query="%").total == 0  # wildcards are literal
    only = registry.list_cases("reader", state=first.disease_state)
    assert [s.case_id for s in only] == ["lung-1"]
    paged = registry.list_cases("reader", limit=2, offset=2)
    assert (len(paged), paged.total) == (1, 3)
    with pytest.raises(StoreInputError):
        registry.list_cases("reader", state="unknown-state")
    with pytest.raises(StoreInputError):
        registry.list_cases("reader", limit=0)


def test_every_read_and_write_is_audited_without_patient_data(registry: Registry) -> None:
    case = make_case()
    registry.create_case(case, "alice")
    registry.get_case("case-1", "bob")
    registry.update_case("case-1", make_case(diameter=25), "alice", expected_version=1)
    registry.case_versions("case-1", "bob")
    registry.save_assessment("case-1", 2, assess(make_case(diameter=25)), "alice")
    registry.assessments("case-1", "bob")
    registry.list_cases("bob", query="PATIENT-SECRET")
    with pytest.raises(VersionConflict):
        registry.update_case("case-1", make_case(diameter=26), "carol", expected_version=1)
    with pytest.raises(CaseNotFound):
        registry.get_case("missing", "eve")

    entries = list(reversed(registry.audit_log("admin")))
    assert [(e.actor, e.action, e.target_id, e.version, e.outcome) for e in entries] == [
        ("alice", "create_case", "case-1", 1, "ok"),
        ("bob", "read_case", "case-1", 1, "ok"),
        ("alice", "update_case", "case-1", 2, "ok"),
        ("bob", "read_versions", "case-1", None, "ok"),
        ("alice", "save_assessment", "case-1", 2, "ok"),
        ("bob", "read_assessments", "case-1", None, "ok"),
        ("bob", "list_cases", None, None, "ok"),
        ("carol", "update_case", "case-1", None, "conflict"),
        ("eve", "read_case", "missing", None, "not_found"),
    ]
    assert all(e.at.tzinfo is not None for e in entries)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    text_of_log = repr(registry.audit_log("admin"))
    for secret in ("PATIENT-SECRET", "1958-03-14", "liver", "FOLFOX"):
        assert secret not in text_of_log
    # Reading the audit log is itself audited.
    assert registry.audit_log("auditor", by="admin", limit=1)[0].action == "read_audit"


def _break_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the last statement of every write fail in the database (NOT NULL violation)."""

    def broken(self: _Operation) -> AuditRow:
        return AuditRow(at=self.at, actor=None, action=self.action, outcome="ok")

    monkeypatch.setattr(_Operation, "audit_row", broken)


@pytest.mark.parametrize(
    "write",
    [
        lambda r: r.create_case(make_case("case-2"), "alice"),
        lambda r: r.update_case("case-1", make_case(diameter=33), "alice"),
        lambda r: r.save_assessment("case-1", 1, assess(make_case()), "alice"),
        lambda r: r.create_token("robot", "reader"),
    ],
    ids=["create", "update", "assessment", "token"],
)
def test_a_failed_write_leaves_the_registry_unchanged(
    registry: Registry, monkeypatch: pytest.MonkeyPatch, write: Any
) -> None:
    registry.create_case(make_case(), "alice")
    before = _snapshot(registry)
    audit_before = _count(registry, "audit_log")
    with monkeypatch.context() as patch:
        _break_audit(patch)
        with pytest.raises(StoreError, match="nothing was written"):
            write(registry)
    assert _snapshot(registry) == before
    # The attempt itself is audited afterwards, in its own transaction, as an error.
    assert _count(registry, "audit_log") == audit_before + 1
    assert registry.audit_log("admin", limit=1)[0].outcome == "error"
    assert registry.get_case("case-1", "alice").case == make_case()
    assert registry.list_cases("alice").items[0].disease_state is None
    assert registry.integrity_check("admin") == []


def test_version_zero_is_not_the_latest(registry: Registry) -> None:
    registry.create_case(make_case(), "alice")
    with pytest.raises(CaseNotFound):
        registry.get_case("case-1", "alice", version=0)
    with pytest.raises(CaseNotFound):
        registry.save_assessment("case-1", 0, assess(make_case()), "alice")


def test_rejected_arguments_are_audited(registry: Registry) -> None:
    registry.create_case(make_case(), "alice")
    with pytest.raises(StoreInputError):
        registry.update_case("case-1", make_case("other"), "mallory")
    with pytest.raises(StoreInputError):
        registry.list_cases("mallory", limit=10_000)
    entries = registry.audit_log("admin", by="mallory")
    assert [(e.action, e.outcome) for e in entries] == [
        ("list_cases", "rejected"),
        ("update_case", "rejected"),
    ]


@pytest.mark.parametrize("bad_id", ["x" * 300, "a\x00b", "line\nbreak", "\ud800"])
def test_hostile_ids_are_refused_not_crashing(registry: Registry, bad_id: str) -> None:
    with pytest.raises(StoreInputError, match="case id"):
        registry.get_case(bad_id, "fuzzer")
    with pytest.raises(StoreInputError, match="case id"):
        registry.create_case(make_case().model_copy(update={"case_id": bad_id}), "fuzzer")
    assert registry.list_cases("fuzzer", query=bad_id).total == 0
    assert registry.audit_log("admin", limit=1)[0].outcome == "ok"  # the list above
    assert registry.audit_log("admin", by="fuzzer")[1].outcome == "rejected"


def test_non_ascii_text_round_trips(registry: Registry) -> None:
    case = make_case(cancer={"primary_site": "colorectal", "histology": "Adénocarcinome µ 🎗"})
    registry.create_case(case, "dr-müller")
    assert registry.get_case("case-1", "dr-müller").case == case
    assert registry.list_cases("dr-müller").items[0].updated_by == "dr-müller"


def test_no_patient_data_in_logs(registry: Registry, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    case = make_case()
    registry.create_case(case, "alice")
    registry.update_case("case-1", make_case(diameter=31), "alice")
    registry.save_assessment("case-1", 2, assess(make_case(diameter=31)), "alice")
    registry.list_cases("alice", query="PATIENT-SECRET")
    with pytest.raises(VersionConflict):
        registry.update_case("case-1", case, "alice", expected_version=1)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("PATIENT-SECRET", "1958-03-14", "FOLFOX"):
        assert secret not in logged


def test_record_event_appends_to_the_audit_log(registry: Registry) -> None:
    registry.record_event(
        "cds:https://ehr", "cds_feedback_overridden", "card", "c-1", detail="reason=patient-refused"
    )
    entry = registry.audit_log("auditor", target_type="card")[0]
    assert (entry.actor, entry.action, entry.target_id) == (
        "cds:https://ehr",
        "cds_feedback_overridden",
        "c-1",
    )
    assert entry.detail == "reason=patient-refused"
