"""Markdown report, e.g. for a pull-request comment."""

from __future__ import annotations

from refkeeper.audit.core import AuditReport
from refkeeper.models import Severity

_ICON = {Severity.MAJOR: "**major**", Severity.MINOR: "minor", Severity.INFO: "info"}


def md_escape(text: str) -> str:
    """Escape text for a Markdown table cell or list item (no HTML, no table breaks)."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def render_markdown(report: AuditReport) -> str:
    c = report.counts
    lines = [
        f"## refkeeper audit: {md_escape(report.source)}",
        "",
        f"**{c['claims']}** claims: {c['claims_supported']} supported, "
        f"{c['claims_contradicted']} contradicted, {c['claims_related']} related (the source does "
        f"not state them), {c['claims_unverifiable']} unverifiable, "
        f"{c['claims_unresolved']} unresolved, "
        f"{c['claims_retracted']} citing retracted work, {c['claims_uncited']} uncited. "
        f"**{c['references']}** references, {c['references_resolved']} resolved. "
        f"Findings: **{c['major']} major**, {c['minor']} minor, {c['info']} info.",
        "",
        "| claim | status | sources | score | evidence |",
        "|---|---|---|---|---|",
    ]
    for row in report.claims:
        sources = []
        for citation in row.citations:
            entry = report.source_by_id(citation.reference_id)
            label = md_escape(entry.label if entry else citation.reference_id)
            if entry is not None and entry.url:
                label = f"[{label}]({entry.url})"
            if citation.kind != "direct":
                label += " (page)"
            sources.append(label)
        best = row.best
        support = best.support if best else None
        score = "" if support is None or support.score is None else f"{support.score:.2f}"
        evidence = md_escape(_short(support.evidence)) if support and support.evidence else ""
        if support is not None and support.conflict:
            evidence = f"**{md_escape(support.conflict)}**: {evidence}"
        lines.append(
            f"| {md_escape(_short(row.claim.text, 160))} | {row.status} | "
            f"{', '.join(sources) or '-'} | {score} | {evidence} |"
        )
    lines.append("")
    if report.findings:
        lines += ["### Findings", ""]
        for f in report.findings:
            where = f" (line {f.span.line})" if f.span else ""
            lines.append(
                f"- {_ICON.get(f.severity, str(f.severity))} `{f.kind}`{where}: "
                f"{md_escape(f.message)}"
            )
        lines.append("")
    else:
        lines += ["No findings.", ""]
    return "\n".join(lines)
