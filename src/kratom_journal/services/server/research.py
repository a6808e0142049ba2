"""What the researcher's pages put together: the study, its monitoring, jobs and files."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from typing import Any

from kratom_journal.analysis.thresholds import load_thresholds
from kratom_journal.domain.errors import NotFound
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock
from kratom_journal.services.server.studies import StudyView, own_study
from kratom_journal.services.server.study_views import Monitoring, monitoring
from kratom_journal.store.server import jobs as job_store
from kratom_journal.store.server import studies as store
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as

JOB_KINDS = {"pooled": "pooled-analysis", "export": "study-export"}
CHOICES = {
    "comparison": ["strain_a_vs_b", "timing", "kratom_vs_none", "other"],
    "design": ["day", "block"],
    "outcome": sorted(load_thresholds().outcomes),
}


def protocol_values(study: StudyView) -> dict[str, str]:
    p = study.protocol
    return {
        "title": p.title,
        "condition_a": p.condition_a,
        "condition_b": p.condition_b,
        "comparison": p.comparison,
        "design": p.design,
        "block_days": str(p.block_days),
        "washout_days": str(p.washout_days),
        "weeks": str(p.weeks),
        "outcome": p.outcome,
        "consent_text": p.consent_text,
        "questionnaires": ",".join(p.questionnaires),
        "eligibility": "\n".join(
            f"{'yes' if q.required else 'no'}: {q.text}" for q in p.eligibility
        ),
    }


def _job(db: ServerDatabase, kind: str, study_id: uuid.UUID) -> dict[str, Any] | None:
    with db.session() as session:
        row = job_store.latest(session, kind, "study_id", str(study_id))
        if row is None:
            return None
        return {"state": row.state, "error": row.error, "created_at": row.created_at}


def study_page_context(
    db: ServerDatabase,
    researcher_id: uuid.UUID,
    study_id: uuid.UUID,
    address: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> dict[str, Any]:
    study = own_study(db, researcher_id, study_id)
    found: Monitoring | None = None
    if study.status != "draft":
        found = monitoring(db, researcher_id, study_id, address, clock)
    pooled = None
    with db.session() as session:
        row = store.latest_file(session, study_id, "pooled")
        if row is not None:
            pooled = json.loads(row.content)
        export = store.latest_file(session, study_id, "export")
        export_at = export.created_at if export is not None else None
    return {
        "study": study,
        "monitoring": found,
        "pooled": pooled,
        "export_at": export_at,
        "jobs": {k: _job(db, v, study_id) for k, v in JOB_KINDS.items()},
    }


def latest_file(
    db: ServerDatabase, researcher_id: uuid.UUID, study_id: uuid.UUID, kind: str
) -> tuple[str, str, bytes]:
    own_study(db, researcher_id, study_id)
    if kind not in JOB_KINDS:
        raise NotFound("no such file")
    with acting_as(researcher_id), db.session() as session:
        row = store.latest_file(session, study_id, kind)
        if row is None:
            raise NotFound("nothing made yet")
        return row.name, row.media_type, row.content


def monitoring_dict(found: Monitoring) -> dict[str, Any]:
    return {
        "study": str(found.study.id),
        "enrolled": found.enrolled,
        "active": found.active,
        "withdrawn": found.withdrawn,
        "flagged": found.flagged,
        "completeness": found.completeness,
        "participants": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(r).items()}
            for r in found.rows
        ],
    }
