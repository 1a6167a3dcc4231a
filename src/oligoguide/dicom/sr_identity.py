"""Which lesion each SR measurement group belongs to: its tracking UID and tracking identifier.

TID 1500 gives a finding two identities: the Tracking Unique Identifier (a UID, the same in every
report that follows the finding) and the Tracking Identifier (a label such as "Lesion 1").
By default (`MatchBy.UID`) the UID is the identity and the label names the lesion: the case's
lesion id is the label, or the UID when no group labels it; a group with a label and no UID joins
the lesion that label names. One label on two UIDs, or one UID with two labels, is refused: one
lesion or two cannot be told (with `MatchBy.IDENTIFIER` the label alone is the identity, for
viewers that write a new UID into every report). A group with neither is left out, by name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from oligoguide.dicom.sr_read import SrGroup, SrImportError, SrReport


class MatchBy(StrEnum):
    UID = "uid"
    IDENTIFIER = "identifier"


@dataclass(frozen=True)
class Identity:
    lesion_id: str
    how: str  # which identifier was used, in words


GroupKey = tuple[int, int]  # (index of the report, number of the group in it)


def group_label(report: SrReport, group: SrGroup) -> str:
    return f"{report.path}, measurement group {group.number}"


def resolve(
    reports: Sequence[SrReport], match_by: MatchBy
) -> tuple[dict[GroupKey, Identity], list[str]]:
    """The lesion of every group that has an identity, and a warning for each that has none."""
    labels_of: dict[str, set[str]] = defaultdict(set)  # UID -> labels
    uids_of: dict[str, set[str]] = defaultdict(set)  # label -> UIDs
    for report in reports:
        for group in report.groups:
            if group.tracking_uid and group.tracking_identifier:
                labels_of[group.tracking_uid].add(group.tracking_identifier)
                uids_of[group.tracking_identifier].add(group.tracking_uid)
    if match_by == MatchBy.UID:
        _refuse_ambiguous(labels_of, uids_of)
    found: dict[GroupKey, Identity] = {}
    warnings: list[str] = []
    for index, report in enumerate(reports):
        for group in report.groups:
            identity = _identity(group, match_by, labels_of)
            if identity is None:
                warnings.append(_no_identity(report, group, match_by))
            else:
                found[(index, group.number)] = identity
    return found, warnings


def _identity(group: SrGroup, match_by: MatchBy, labels_of: dict[str, set[str]]) -> Identity | None:
    uid, label = group.tracking_uid, group.tracking_identifier
    if match_by == MatchBy.IDENTIFIER:
        if label:
            return Identity(label, f"tracking identifier {label!r}")
        labels = labels_of.get(uid or "", set())
        if len(labels) == 1:
            (only,) = labels
            return Identity(only, f"tracking identifier {only!r} of tracking UID {uid}")
        return None
    if uid:
        labels = labels_of.get(uid, set())
        if labels:
            (only,) = labels  # more than one was refused
            return Identity(only, f"tracking UID {uid} (tracking identifier {only!r})")
        return Identity(uid, f"tracking UID {uid} (no tracking identifier)")
    if label:
        return Identity(label, f"tracking identifier {label!r} (no tracking UID in this group)")
    return None


def _refuse_ambiguous(labels_of: dict[str, set[str]], uids_of: dict[str, set[str]]) -> None:
    problems = [
        f"tracking UID {uid} is labelled {', '.join(repr(x) for x in sorted(labels))}: "
        "one lesion or several cannot be told"
        for uid, labels in sorted(labels_of.items())
        if len(labels) > 1
    ]
    problems += [
        f"tracking identifier {label!r} names {len(uids)} tracking UIDs "
        f"({', '.join(sorted(uids))}): one lesion or several cannot be told; if the viewer "
        "writes a new UID into every report, import with --match-by identifier"
        for label, uids in sorted(uids_of.items())
        if len(uids) > 1
    ]
    if problems:
        raise SrImportError(problems)


def _no_identity(report: SrReport, group: SrGroup, match_by: MatchBy) -> str:
    names = ", ".join(str(m.name) for m in group.measurements) or "no measurements"
    needed = (
        "no tracking identifier"
        if match_by == MatchBy.IDENTIFIER
        else "no tracking identifier or tracking UID"
    )
    return (
        f"{group_label(report, group)} ({names}): {needed}, so its lesion cannot be told; "
        "left out (a measurement without a lesion identity is never guessed)"
    )
