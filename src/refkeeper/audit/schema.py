"""The JSON report's schema, version ``refkeeper.audit/2`` (JSON Schema 2020-12).

Version 2 (claim support that reads direction and quantity): the claim and citation status
``weak`` became ``related`` (on topic, but no sentence states the claim) and ``contradicted``
(a sentence states the opposite) was added; ``counts.claims_weak`` became
``claims_related`` and ``claims_contradicted`` was added; a citation carries ``conflict``
(the first conflicting cue pair, "claim: increased; source: decreased") and
``absent_numbers``; finding kinds ``contradicted-claim`` and ``number-not-in-source``.

Stability promise: within ``refkeeper.audit/2`` keys are only ever added, never renamed,
removed or retyped; enumerations may gain values. A breaking change bumps the version.

Top level: ``schema``, ``source`` (document path), ``kind`` (extraction kind), ``threshold``
(support threshold), ``counts`` (integers, see below), ``claims`` (one row per claim, with
its citations: reference id, link kind, status, score, evidence sentence), ``references``
(one entry per reference: resolution status, record ids and citation line, citation
``errors`` field by field, retraction/erratum ``notices``, candidates and what was tried when
unresolved) and ``findings`` (every finding: kind, severity, message, span, reference_id,
claim_id, raw, evidence). Finding kinds: ``citation-error``, ``unresolved-reference``,
``kept-as-written``, ``retracted``, ``expression-of-concern``, ``erratum``, ``updated``,
``is-retraction-notice``, ``is-concern-notice``, ``is-erratum``, ``contradicted-claim``,
``weak-support`` (the source is related but does not state the claim),
``number-not-in-source``, ``unverifiable``,
``orphan-reference``, ``duplicate-reference``, ``dangling-marker``, ``uncited-claim``, plus
the extraction's own findings passed through.
"""

from __future__ import annotations

from typing import Any

_SPAN: dict[str, Any] = {
    "type": ["object", "null"],
    "required": ["line", "start", "end"],
    "properties": {
        "line": {"type": "integer"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
    },
}
_NSTR: dict[str, Any] = {"type": ["string", "null"]}
_SEVERITY: dict[str, Any] = {"enum": ["major", "minor", "info"]}

_COUNT_KEYS = [
    "claims",
    "claims_supported",
    "claims_contradicted",
    "claims_related",
    "claims_unverifiable",
    "claims_unresolved",
    "claims_retracted",
    "claims_uncited",
    "references",
    "references_resolved",
    "references_unresolved",
    "citation_errors",
    "retracted",
    "findings",
    "major",
    "minor",
    "info",
]

AUDIT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://refkeeper.invalid/schema/audit-2.json",
    "title": "refkeeper audit report",
    "type": "object",
    "required": [
        "schema",
        "source",
        "kind",
        "threshold",
        "counts",
        "claims",
        "references",
        "findings",
    ],
    "properties": {
        "schema": {"const": "refkeeper.audit/2"},
        "source": {"type": "string"},
        "kind": {"type": "string"},
        "threshold": {"type": "number"},
        "counts": {
            "type": "object",
            "required": _COUNT_KEYS,
            "properties": {k: {"type": "integer", "minimum": 0} for k in _COUNT_KEYS},
        },
        "claims": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "text", "span", "status", "citations"],
                "properties": {
                    "id": {"type": "string"},
                    "text": {"type": "string"},
                    "span": _SPAN,
                    "status": {
                        "enum": [
                            "supported",
                            "contradicted",
                            "related",
                            "unverifiable",
                            "unresolved",
                            "retracted",
                            "uncited",
                        ]
                    },
                    "citations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["reference_id", "kind", "status", "score", "evidence"],
                            "properties": {
                                "reference_id": {"type": "string"},
                                "kind": {"enum": ["direct", "page"]},
                                "marker": _NSTR,
                                "status": {
                                    "enum": [
                                        "supported",
                                        "contradicted",
                                        "related",
                                        "unverifiable",
                                        "unresolved",
                                        "retracted",
                                        "ignored",
                                        "missing",
                                    ]
                                },
                                "score": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                                "evidence": _NSTR,
                                "evidence_section": _NSTR,
                                "conflict": _NSTR,
                                "absent_numbers": {"type": "array", "items": {"type": "string"}},
                                "matched": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
        "references": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "reference_id",
                    "label",
                    "raw",
                    "status",
                    "work_id",
                    "errors",
                    "notices",
                    "retracted",
                ],
                "properties": {
                    "reference_id": {"type": "string"},
                    "label": {"type": "string"},
                    "raw": {"type": "string"},
                    "span": _SPAN,
                    "page_level": {"type": "boolean"},
                    "status": {
                        "enum": [
                            "resolved",
                            "ambiguous",
                            "not-found",
                            "pinned",
                            "ignored",
                            "as-written",
                            "unresolved",
                        ]
                    },
                    "work_id": _NSTR,
                    "pmid": _NSTR,
                    "pmcid": _NSTR,
                    "doi": _NSTR,
                    "isbn": _NSTR,
                    "title": _NSTR,
                    "citation": _NSTR,
                    "url": _NSTR,
                    "retracted": {"type": "boolean"},
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["field", "problem", "severity", "message"],
                            "properties": {
                                "field": {"type": "string"},
                                "problem": {"type": "string"},
                                "severity": _SEVERITY,
                                "message": {"type": "string"},
                                "written": _NSTR,
                                "record": _NSTR,
                            },
                        },
                    },
                    "notices": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["kind", "severity", "message"],
                            "properties": {
                                "kind": {"type": "string"},
                                "severity": _SEVERITY,
                                "message": {"type": "string"},
                                "notice_pmid": _NSTR,
                                "source": {"type": "string"},
                            },
                        },
                    },
                    "reason": {"type": "string"},
                    "candidates": {"type": "array"},
                    "tried": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "kind",
                    "severity",
                    "message",
                    "span",
                    "reference_id",
                    "claim_id",
                    "raw",
                    "evidence",
                ],
                "properties": {
                    "kind": {"type": "string"},
                    "severity": _SEVERITY,
                    "message": {"type": "string"},
                    "span": _SPAN,
                    "reference_id": _NSTR,
                    "claim_id": _NSTR,
                    "raw": _NSTR,
                    "evidence": {"type": "object"},
                },
            },
        },
    },
}


if __name__ == "__main__":  # python -m refkeeper.audit.schema > audit-1.schema.json
    import json

    print(json.dumps(AUDIT_SCHEMA, indent=2))
