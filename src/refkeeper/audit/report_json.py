"""JSON report: ``render_json(report)``; the schema is ``audit.schema.AUDIT_SCHEMA``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from refkeeper.audit.core import SCHEMA_VERSION, AuditReport


def render_json(report: AuditReport) -> str:
    """One document's report as JSON (stable schema ``refkeeper.audit/1``)."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def render_json_many(reports: Sequence[AuditReport]) -> str:
    """Several documents: ``{"schema": ..., "documents": [report, ...]}``."""
    data = {"schema": SCHEMA_VERSION, "documents": [r.to_json() for r in reports]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
