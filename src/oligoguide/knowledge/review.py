"""Clinical review dates: a base past its manifest's `review_by` is overdue for review.

An overdue base is still served (it is stale, not invalid: refusing to answer at a tumour board
would be worse), but every assessment carries `overdue_caution` and `oligoguide kb check` fails.
"""

from __future__ import annotations

import datetime as dt

from oligoguide.knowledge.models import Manifest


def review_overdue(manifest: Manifest, today: dt.date | None = None) -> bool:
    """True once `today` (default: the local date) is after `review_by`; that day itself is not."""
    return (dt.date.today() if today is None else today) > manifest.review_by


def overdue_caution(manifest: Manifest, today: dt.date | None = None) -> str | None:
    """The caution an output carries while the base is overdue, else None."""
    if not review_overdue(manifest, today):
        return None
    return (
        f"knowledge base {manifest.version} is overdue for clinical review (review by "
        f"{manifest.review_by}, last reviewed {manifest.reviewed_on}): evidence published since "
        "may be missing; check each recommendation against current guidelines"
    )
