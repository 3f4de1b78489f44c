"""Terminal report: a compact table by claim, then the findings (rich)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from refkeeper.audit.core import AuditReport, ClaimStatus
from refkeeper.models import Severity

STATUS_STYLE = {
    ClaimStatus.SUPPORTED: "green",
    ClaimStatus.CONTRADICTED: "bold red",
    ClaimStatus.RELATED: "yellow",
    ClaimStatus.UNVERIFIABLE: "cyan",
    ClaimStatus.UNRESOLVED: "magenta",
    ClaimStatus.RETRACTED: "bold red",
    ClaimStatus.UNCITED: "dim",
}
SEVERITY_STYLE = {Severity.MAJOR: "bold red", Severity.MINOR: "yellow", Severity.INFO: "dim"}


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def build_tables(report: AuditReport) -> tuple[Table, Table]:
    counts = report.counts
    title = (
        f"{report.source}: {counts['claims']} claims, {counts['claims_supported']} supported, "
        f"{counts['claims_contradicted']} contradicted, {counts['claims_related']} related, "
        f"{counts['claims_unverifiable']} unverifiable; "
        f"{counts['references']} references ({counts['references_resolved']} resolved); "
        f"{counts['major']} major / {counts['minor']} minor findings"
    )
    claims = Table(title=title, show_lines=False, expand=False)
    claims.add_column("claim", no_wrap=True)
    claims.add_column("text", ratio=3)
    claims.add_column("status", no_wrap=True)
    claims.add_column("sources", ratio=1)
    claims.add_column("score", justify="right", no_wrap=True)
    claims.add_column("evidence", ratio=3)
    for row in report.claims:
        sources = []
        for citation in row.citations:
            entry = report.source_by_id(citation.reference_id)
            name = entry.label if entry else citation.reference_id
            pmid = entry.work.pmid if entry and entry.work and entry.work.pmid else None
            mark = "" if citation.kind == "direct" else " (page)"
            sources.append(f"{name}{f' PMID {pmid}' if pmid else ''}{mark}")
        best = row.best
        score = "" if best is None or best.support is None else f"{best.support.score:.2f}"
        evidence = best.support.evidence if best and best.support and best.support.evidence else ""
        if best and best.support and best.support.conflict:
            evidence = f"{best.support.conflict} | {evidence}"
        claims.add_row(  # Text: document and record text is never rich markup
            Text(row.claim.id),
            Text(_short(row.claim.text, 120)),
            Text(str(row.status), style=STATUS_STYLE[row.status]),
            Text("; ".join(sources) or "-"),
            score,
            Text(_short(evidence, 120)),
        )
    findings = Table(title="findings", show_lines=False)
    findings.add_column("severity", no_wrap=True)
    findings.add_column("kind", no_wrap=True)
    findings.add_column("where", no_wrap=True)
    findings.add_column("message", ratio=1)
    for finding in report.findings:
        where = f"line {finding.span.line}" if finding.span else ""
        findings.add_row(
            Text(str(finding.severity), style=SEVERITY_STYLE.get(finding.severity, "")),
            finding.kind,
            where,
            Text(finding.message),
        )
    return claims, findings


def render_table(report: AuditReport, *, width: int = 160, color: bool = False) -> str:
    """The report as terminal text (ANSI colours only when ``color``)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system=None if not color else "standard",
        highlight=False,
    )
    claims, findings = build_tables(report)
    console.print(claims)
    if report.findings:
        console.print(findings)
    else:
        console.print("no findings")
    return buffer.getvalue()
