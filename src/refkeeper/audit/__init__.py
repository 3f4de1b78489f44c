"""Claim-to-source audit: is every claim backed by the work it cites, and cited correctly?

    >>> from refkeeper.audit import audit
    >>> report = audit(extraction, resolutions)      # resolutions keyed by Reference.id
    >>> report.findings, report.claims, report.counts, report.to_json()

Pure: the audit reads an ``Extraction`` and ``Resolution``s and never touches the network.
Renderers: ``render_table`` (rich), ``render_markdown``, ``render_html`` (one
self-contained file), ``render_json`` (schema ``refkeeper.audit/1``, see ``audit.schema``).
"""

from __future__ import annotations

from refkeeper.audit.compare import FieldError, compare_reference
from refkeeper.audit.core import (
    FAIL_ON,
    SCHEMA_VERSION,
    AuditOptions,
    AuditReport,
    Citation,
    CitationStatus,
    ClaimRow,
    ClaimStatus,
    SourceEntry,
    audit,
)
from refkeeper.audit.report_html import render_html
from refkeeper.audit.report_json import render_json, render_json_many
from refkeeper.audit.report_markdown import render_markdown
from refkeeper.audit.report_table import render_table
from refkeeper.audit.retractions import Notice, notices
from refkeeper.audit.support import SupportResult, SupportScorer, SupportStatus, score_support

__all__ = [
    "FAIL_ON",
    "SCHEMA_VERSION",
    "AuditOptions",
    "AuditReport",
    "Citation",
    "CitationStatus",
    "ClaimRow",
    "ClaimStatus",
    "FieldError",
    "Notice",
    "SourceEntry",
    "SupportResult",
    "SupportScorer",
    "SupportStatus",
    "audit",
    "compare_reference",
    "notices",
    "render_html",
    "render_json",
    "render_json_many",
    "render_markdown",
    "render_table",
    "score_support",
]
