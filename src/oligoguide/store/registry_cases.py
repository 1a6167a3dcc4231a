"""The registry's cases and their assessments (a part of `Registry`, store/registry.py)."""

from __future__ import annotations

import json

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from oligoguide.model.case import Case
from oligoguide.model.vocab import DiseaseState
from oligoguide.store.errors import (
    AlreadyExists,
    StoreInputError,
    VersionConflict,
)
from oligoguide.store.hashing import (
    canonical_case_json,
    canonical_json,
    sha256_hex,
)
from oligoguide.store.records import (
    AssessmentRecord,
    CasePage,
    CaseRecord,
    CaseSummary,
    CaseVersionInfo,
)
from oligoguide.store.registry_base import (
    _CONTROL,
    AssessmentLike,
    RegistryBase,
    _audit_id,
    _check_case,
    _check_page,
    _escape_like,
)
from oligoguide.store.schema import (
    AssessmentRow,
    CaseRow,
    CaseVersionRow,
)


class CasesPart(RegistryBase):
    """Versioned cases and the assessments stored with them."""

    # -- cases ---------------------------------------------------------------------------------

    def create_case(self, case: Case, actor: str) -> CaseRecord:
        """Store a new case as version 1. AlreadyExists if its case_id is taken."""
        document = canonical_case_json(case)
        with self._operation(actor, "create_case", "case", case.case_id, 1) as op:
            _check_case(case)
            session = op.session
            if session.get(CaseRow, case.case_id) is not None:
                raise AlreadyExists(
                    f"case {case.case_id!r} already exists: update it to add a version"
                )
            now = op.at
            session.add(
                CaseRow(
                    case_id=case.case_id,
                    patient_id=case.patient.id,
                    primary_site=case.cancer.primary_site.value,
                    latest_version=1,
                    created_at=now,
                    created_by=op.actor,
                    updated_at=now,
                    updated_by=op.actor,
                )
            )
            row = CaseVersionRow(
                case_id=case.case_id,
                version=1,
                document=document,
                content_hash=sha256_hex(document),
                created_at=now,
                created_by=op.actor,
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:  # created concurrently by another writer
                raise AlreadyExists(f"case {case.case_id!r} already exists") from None
            return self._record(row, 1)

    def update_case(
        self, case_id: str, case: Case, actor: str, expected_version: int | None = None
    ) -> CaseRecord:
        """Store an edit as a new version; earlier versions stay as they were.

        expected_version: the version the edit was based on; if another version was saved since,
        VersionConflict (nothing is written). None skips the check (last writer wins, but still
        nothing is overwritten). Content identical to the latest version adds no version and
        returns the latest one.
        """
        document = canonical_case_json(case)
        content_hash = sha256_hex(document)
        with self._operation(actor, "update_case", "case", case_id) as op:
            if case.case_id != case_id:
                raise StoreInputError(
                    f"the case's case_id {case.case_id!r} does not match the case {case_id!r} "
                    "being updated"
                )
            _check_case(case)
            session = op.session
            head = self._case_row(session, case_id, lock=True)
            if expected_version is not None and expected_version != head.latest_version:
                raise VersionConflict(case_id, expected_version, head.latest_version)
            latest = self._version_row(session, case_id, head.latest_version)
            if latest.content_hash == content_hash:
                op.version = latest.version
                op.outcome = "unchanged"
                return self._record(latest, latest.version)
            version = head.latest_version + 1
            row = CaseVersionRow(
                case_id=case_id,
                version=version,
                document=document,
                content_hash=content_hash,
                created_at=op.at,
                created_by=op.actor,
            )
            session.add(row)
            head.latest_version = version
            head.patient_id = case.patient.id
            head.primary_site = case.cancer.primary_site.value
            head.updated_at = op.at
            head.updated_by = op.actor
            op.version = version
            return self._record(row, version)

    def get_case(self, case_id: str, actor: str, version: int | None = None) -> CaseRecord:
        """The latest version of a case, or the version asked for. CaseNotFound otherwise."""
        with self._operation(actor, "read_case", "case", case_id, version) as op:
            head = self._case_row(op.session, case_id)
            wanted = head.latest_version if version is None else version
            row = self._version_row(op.session, case_id, wanted)
            op.version = row.version
            return self._record(row, head.latest_version)

    def case_versions(self, case_id: str, actor: str) -> list[CaseVersionInfo]:
        """Every version of a case, oldest first, without content."""
        with self._operation(actor, "read_versions", "case", case_id) as op:
            self._case_row(op.session, case_id)
            rows = op.session.execute(
                select(CaseVersionRow)
                .where(CaseVersionRow.case_id == case_id)
                .order_by(CaseVersionRow.version)
            ).scalars()
            versions = [
                CaseVersionInfo(
                    case_id=r.case_id,
                    version=r.version,
                    content_hash=r.content_hash,
                    created_at=r.created_at,
                    created_by=r.created_by,
                )
                for r in rows
            ]
            op.detail = f"versions={len(versions)}"
            return versions

    def list_cases(
        self,
        actor: str,
        query: str | None = None,
        state: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> CasePage:
        """Cases, most recently updated first, with the latest disease-state badge.

        query: case-insensitive substring of the case id, patient id or primary site.
        state: only cases whose badge is this disease state (a DiseaseState value).
        The audit entry records which filters were used, never the search text.
        """
        conditions = []
        if query is not None and query.strip():
            cleaned = _audit_id(_CONTROL.sub("", query.strip().lower())) or ""
            pattern = f"%{_escape_like(cleaned)}%"
            conditions.append(
                or_(
                    func.lower(CaseRow.case_id).like(pattern, escape="\\"),
                    func.lower(CaseRow.patient_id).like(pattern, escape="\\"),
                    func.lower(CaseRow.primary_site).like(pattern, escape="\\"),
                )
            )
        if state is not None:
            conditions.append(CaseRow.latest_state == state)
        with self._operation(actor, "list_cases", "case") as op:
            _check_page(limit, offset)
            if state is not None and state not in {s.value for s in DiseaseState}:
                raise StoreInputError(f"unknown disease state {state!r}")
            total = op.session.execute(
                select(func.count()).select_from(CaseRow).where(*conditions)
            ).scalar_one()
            rows = op.session.execute(
                select(CaseRow)
                .where(*conditions)
                .order_by(CaseRow.updated_at.desc(), CaseRow.case_id)
                .limit(limit)
                .offset(offset)
            ).scalars()
            items = tuple(
                CaseSummary(
                    case_id=r.case_id,
                    patient_id=r.patient_id,
                    primary_site=r.primary_site,
                    latest_version=r.latest_version,
                    created_at=r.created_at,
                    updated_at=r.updated_at,
                    updated_by=r.updated_by,
                    disease_state=r.latest_state,
                    assessed_version=r.latest_state_version,
                    kb_version=r.latest_kb_version,
                    assessed_at=r.latest_assessed_at,
                )
                for r in rows
            )
            filters = [
                name for name, used in (("query", query), ("state", state)) if used is not None
            ]
            op.detail = (
                f"results={len(items)} total={total}"
                + (f" state={state}" if state else "")
                + (f" filters={','.join(filters)}" if filters else "")
            )
            return CasePage(items=items, total=total, limit=limit, offset=offset)

    # -- assessments ---------------------------------------------------------------------------

    def save_assessment(
        self, case_id: str, version: int | None, assessment: AssessmentLike, actor: str
    ) -> AssessmentRecord:
        """Store an assessment of a version of a case (None: the latest version).

        The input hash is the content hash of that version; the case's badge moves to this
        disease state unless a higher version was already assessed.
        """
        document = canonical_json(assessment.model_dump(mode="json"))
        state = DiseaseState(assessment.disease_state).value
        with self._operation(actor, "save_assessment", "case", case_id, version) as op:
            if assessment.case_id != case_id:
                raise StoreInputError(
                    f"the assessment is of case {assessment.case_id!r}, not {case_id!r}"
                )
            session = op.session
            head = self._case_row(session, case_id, lock=True)
            version = head.latest_version if version is None else version
            op.version = version
            case_version = self._version_row(session, case_id, version)
            row = AssessmentRow(
                case_id=case_id,
                version=version,
                kb_version=assessment.kb_version,
                input_hash=case_version.content_hash,
                disease_state=state,
                document=document,
                created_at=op.at,
                created_by=op.actor,
            )
            session.add(row)
            session.flush()
            if head.latest_state_version is None or version >= head.latest_state_version:
                head.latest_state = state
                head.latest_state_version = version
                head.latest_kb_version = assessment.kb_version
                head.latest_assessed_at = op.at
            op.detail = f"assessment={row.id} kb={assessment.kb_version}"[:200]
            return self._assessment_record(row)

    @staticmethod
    def _assessment_record(row: AssessmentRow) -> AssessmentRecord:
        return AssessmentRecord(
            id=row.id,
            case_id=row.case_id,
            version=row.version,
            kb_version=row.kb_version,
            input_hash=row.input_hash,
            disease_state=row.disease_state,
            created_at=row.created_at,
            created_by=row.created_by,
            data=json.loads(row.document),
        )

    def assessments(
        self, case_id: str, actor: str, version: int | None = None
    ) -> list[AssessmentRecord]:
        """The saved assessments of a case (or of one version of it), newest first."""
        with self._operation(actor, "read_assessments", "case", case_id, version) as op:
            self._case_row(op.session, case_id)
            statement = select(AssessmentRow).where(AssessmentRow.case_id == case_id)
            if version is not None:
                statement = statement.where(AssessmentRow.version == version)
            rows = op.session.execute(statement.order_by(AssessmentRow.id.desc())).scalars()
            records = [self._assessment_record(r) for r in rows]
            op.detail = f"results={len(records)}"
            return records
