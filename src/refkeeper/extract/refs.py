"""Turning a free-text reference into a :class:`~refkeeper.models.Reference` via ``refparse``.

The free-text parser promises never to raise; this module still guards the call so that one
bad string can never stop an extraction: whatever happens, the raw text stays, with a finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from refkeeper.models import CSLItem, Finding, Reference, Severity, Span


def parse_fields(text: str) -> tuple[CSLItem, tuple[str, ...]]:
    """CSL fields and problems for a free-text reference string."""
    from refkeeper.extract.refparse import parse_reference

    try:
        parsed = parse_reference(text)
    except Exception as exc:  # a parser bug must not lose the reference or stop the run
        return {}, (f"reference parser failed: {type(exc).__name__}: {exc}",)
    return dict(parsed.fields), tuple(parsed.problems)


def build_reference(
    ref_id: str,
    raw: str,
    span: Span | None,
    *,
    parse_text: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    label: str | None = None,
    key: str | None = None,
    page_level: bool = False,
) -> tuple[Reference, list[Finding]]:
    """Parse ``parse_text`` (default ``raw``) into fields, apply ``overrides`` (fields known
    for certain from the document's structure), and report the parser's problems."""
    fields, problems = parse_fields(parse_text if parse_text is not None else raw)
    if overrides:
        for name, value in overrides.items():
            if value is None:
                continue
            fields[name] = value
    fields["id"] = ref_id
    ref = Reference(
        id=ref_id,
        raw=raw,
        span=span,
        fields=fields,
        key=key,
        label=label,
        page_level=page_level,
    )
    findings = [
        Finding(
            kind="reference-problem",
            message=f"reference {ref_id}: {problem}",
            severity=Severity.MINOR,
            span=span,
            reference_id=ref_id,
            raw=raw,
        )
        for problem in problems
    ]
    return ref, findings
