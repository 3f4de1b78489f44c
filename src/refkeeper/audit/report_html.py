"""HTML report: ONE self-contained file (inline CSS, no script, no external asset).

The document's text with each claim highlighted by status, the claim's sources beside it
(PMID / DOI links, score, the evidence sentence, the findings), a summary with counts at the
top, and the references with their citation errors and notices. Everything from the document
or a record is escaped; a Content-Security-Policy forbids loading anything.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from refkeeper.audit.core import AuditReport, ClaimRow, ClaimStatus, SourceEntry
from refkeeper.models import Finding, Severity

_CSS = """
:root { --ok:#1b7f3b; --weak:#b26a00; --unv:#2b6cb0; --unres:#8e44ad; --retr:#c0392b;
  --unc:#777; --bg:#fafafa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  background: var(--bg); color: #222; }
header { padding: 16px 24px; background: #fff; border-bottom: 1px solid #ddd; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.summary li { background: #f1f1f1; border-radius: 6px; padding: 4px 10px; }
.summary .count { font-weight: 700; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px;
  padding: 16px 24px; }
.doc { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 16px;
  white-space: pre-wrap; overflow-wrap: anywhere; }
mark.claim { background: transparent; border-bottom: 3px solid; padding: 0 1px; color: inherit; }
mark.claim sup { font-size: 11px; font-weight: 700; }
.st-supported { border-color: var(--ok) !important; background: #e7f5ec !important; }
.st-weak { border-color: var(--weak) !important; background: #fff3df !important; }
.st-unverifiable { border-color: var(--unv) !important; background: #e8f0fb !important; }
.st-unresolved { border-color: var(--unres) !important; background: #f4e9f8 !important; }
.st-retracted { border-color: var(--retr) !important; background: #fbe4e1 !important; }
.st-uncited { border-color: var(--unc) !important; background: #f0f0f0 !important; }
.cards { display: flex; flex-direction: column; gap: 12px; }
.card { background: #fff; border: 1px solid #ddd; border-left: 6px solid; border-radius: 6px;
  padding: 10px 12px; }
.badge { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 12px;
  font-weight: 700; color: #fff; }
.badge.st-supported { background: var(--ok) !important; }
.badge.st-weak { background: var(--weak) !important; }
.badge.st-unverifiable { background: var(--unv) !important; }
.badge.st-unresolved { background: var(--unres) !important; }
.badge.st-retracted { background: var(--retr) !important; }
.badge.st-uncited { background: var(--unc) !important; }
.claimtext { font-style: italic; color: #444; }
.source { margin-top: 6px; }
blockquote { margin: 4px 0 4px 8px; padding-left: 8px; border-left: 3px solid #ccc; color: #333; }
.findings li { margin-bottom: 4px; }
.sev-major { color: var(--retr); font-weight: 700; }
.sev-minor { color: var(--weak); font-weight: 700; }
.sev-info { color: #666; }
.refs li { margin-bottom: 10px; }
.raw { font-family: ui-monospace, monospace; font-size: 13px; color: #555; }
section.below { padding: 0 24px 24px; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
"""

_LABEL = {
    ClaimStatus.SUPPORTED: "supported",
    ClaimStatus.CONTRADICTED: "contradicted",
    ClaimStatus.RELATED: "related, not stated",
    ClaimStatus.UNVERIFIABLE: "unverifiable",
    ClaimStatus.UNRESOLVED: "source unresolved",
    ClaimStatus.RETRACTED: "cites retracted work",
    ClaimStatus.UNCITED: "uncited",
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _link(url: str | None, text: str) -> str:
    if not url or not url.startswith("https://"):
        return _e(text)
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'


def _ids(entry: SourceEntry) -> str:
    work = entry.work
    if work is None:
        return ""
    parts = []
    if work.pmid:
        parts.append(_link(f"https://pubmed.ncbi.nlm.nih.gov/{work.pmid}/", f"PMID {work.pmid}"))
    if work.pmcid:
        url = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{work.pmcid}/"
        parts.append(_link(url, work.pmcid))
    if work.doi:
        parts.append(_link(f"https://doi.org/{work.doi}", f"doi:{work.doi}"))
    if work.nlm_id:
        url = f"https://www.ncbi.nlm.nih.gov/nlmcatalog/{quote(work.nlm_id)}"
        parts.append(_link(url, f"NLM {work.nlm_id}"))
    if work.isbn:  # the NLM Catalog searched by ISBN (no record id is needed, or invented)
        url = f"https://www.ncbi.nlm.nih.gov/nlmcatalog/?term={quote(work.isbn + '[isbn]')}"
        parts.append(_link(url, f"ISBN {work.isbn}"))
    if not parts and entry.url:
        parts.append(_link(entry.url, work.id))
    return " · ".join(parts)


def _summary(report: AuditReport) -> str:
    c = report.counts
    items: list[tuple[str, str]] = [
        ("claims", "claims"),
        ("claims_supported", "supported"),
        ("claims_contradicted", "contradicted"),
        ("claims_related", "related, not stated"),
        ("claims_unverifiable", "unverifiable"),
        ("claims_unresolved", "source unresolved"),
        ("claims_retracted", "cite retracted work"),
        ("claims_uncited", "uncited"),
        ("references", "references"),
        ("references_resolved", "resolved"),
        ("citation_errors", "citation errors"),
        ("retracted", "retracted sources"),
        ("major", "major findings"),
        ("minor", "minor findings"),
        ("info", "info"),
    ]
    lis = "".join(
        f'<li><span class="count" data-count="{_e(key)}">{c[key]}</span> {_e(label)}</li>'
        for key, label in items
    )
    return f'<ul class="summary" id="summary">{lis}</ul>'


EMBED_LIMIT = 1_000_000
"""Characters of document text an HTML report shows inline; a longer document is linked."""
MAX_CARDS = 2_000
"""Claim cards an HTML report holds: claims with findings first, the rest in the JSON report."""


def _document(report: AuditReport, href: str | None) -> str:
    text = report.text
    if len(text) > EMBED_LIMIT:
        # quoted: a file name such as "javascript:x" stays a relative path, never a scheme
        where = f'<a href="{_e(quote(href))}">{_e(report.source)}</a>' if href else ""
        where = where or _e(report.source)
        return (
            f'<p class="too-large">The document ({len(text) / 1e6:.1f} million characters) is '
            f"too large to show here (limit {EMBED_LIMIT / 1e6:g} million): open {where}. "
            "Its claims are listed beside this note.</p>"
        )
    rows = sorted(report.claims, key=lambda r: (r.claim.span.start, r.claim.span.end))
    out: list[str] = []
    pos = 0
    for row in rows:
        start, end = row.claim.span.start, row.claim.span.end
        if start < pos or end > len(text) or start >= end:
            continue  # overlapping or out-of-range spans: shown in the cards only
        out.append(_e(text[pos:start]))
        status = row.status.value
        out.append(
            f'<mark class="claim st-{status}" id="claim-{_e(row.claim.id)}" '
            f'data-status="{status}" title="{_e(_LABEL[row.status])}">'
            f"{_e(text[start:end])}"
            f'<sup><a href="#card-{_e(row.claim.id)}">{_e(row.claim.id)}</a></sup></mark>'
        )
        pos = end
    out.append(_e(text[pos:]))
    return "".join(out)


def _finding_li(finding: Finding) -> str:
    sev = str(finding.severity)
    where = f" (line {finding.span.line})" if finding.span else ""
    return (
        f'<li class="finding" data-kind="{_e(finding.kind)}" data-severity="{_e(sev)}">'
        f'<span class="sev-{_e(sev)}">{_e(sev)}</span> <code>{_e(finding.kind)}</code>'
        f"{_e(where)}: {_e(finding.message)}</li>"
    )


def _card(report: AuditReport, row: ClaimRow, findings: list[Finding]) -> str:
    status = row.status.value
    parts = [
        f'<div class="card st-{status}" id="card-{_e(row.claim.id)}" data-status="{status}">',
        f'<div><a href="#claim-{_e(row.claim.id)}"><b>{_e(row.claim.id)}</b></a> '
        f'<span class="badge st-{status}">{_e(_LABEL[row.status])}</span></div>',
        f'<div class="claimtext">{_e(_short(row.claim.text, 400))}</div>',
    ]
    for citation in row.citations:
        entry = report.source_by_id(citation.reference_id)
        name = entry.label if entry else citation.reference_id
        kind = "" if citation.kind == "direct" else " (source of the whole page)"
        ids = _ids(entry) if entry else ""
        support = citation.support
        score = ""
        if support is not None and support.score is not None:
            score = f" · score {support.score:.2f}"
        parts.append(
            f'<div class="source" data-reference="{_e(citation.reference_id)}">'
            f"<b>{_e(name)}</b>{_e(kind)} {ids}"
            f' · <span class="cstatus">{_e(citation.status)}</span>{_e(score)}'
        )
        if entry is not None and (entry.errors or entry.notices):
            problems = [(str(e.severity), f"{e.field}: {e.message}") for e in entry.errors]
            problems += [(str(n.severity), n.message) for n in entry.notices]
            parts.append(
                '<ul class="findings source-problems">'
                + "".join(
                    f'<li><span class="sev-{_e(sev)}">{_e(sev)}</span> {_e(text)}</li>'
                    for sev, text in problems
                )
                + "</ul>"
            )
        if support is not None and support.evidence:
            section = f"{support.evidence_section}: " if support.evidence_section else ""
            parts.append(
                f'<blockquote class="evidence">{_e(section)}{_e(support.evidence)}</blockquote>'
            )
        parts.append("</div>")
    if findings:
        parts.append('<ul class="findings">' + "".join(_finding_li(f) for f in findings) + "</ul>")
    parts.append("</div>")
    return "".join(parts)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _references(report: AuditReport) -> str:
    items = []
    for entry in report.sources:
        work = entry.work
        title = str(work.csl.get("title") or "") if work else ""
        detail = [f"<b>{_e(entry.label)}</b> ({_e(entry.reference_id)}, {_e(entry.status)})"]
        ids = _ids(entry)
        if ids:
            detail.append(ids)
        if title:
            detail.append(f"<i>{_e(title)}</i>")
        detail.append(f'<div class="raw">{_e(entry.raw)}</div>')
        if entry.errors:
            detail.append(
                '<ul class="findings">'
                + "".join(
                    f'<li><span class="sev-{_e(e.severity)}">{_e(e.severity)}</span> '
                    f"{_e(e.field)}: {_e(e.message)}</li>"
                    for e in entry.errors
                )
                + "</ul>"
            )
        for notice in entry.notices:
            detail.append(
                f'<div class="sev-{_e(notice.severity)}">{_e(notice.kind)}: '
                f"{_e(notice.message)}</div>"
            )
        if work is None and entry.reason:
            detail.append(f"<div>{_e(entry.reason)}</div>")
        if work is None and entry.candidates:
            detail.append(
                '<div class="candidates">candidates: '
                + "; ".join(
                    f"{_e(c.label or c.work_id)} ({_e(c.work_id)}, score {c.score:.2f})"
                    for c in entry.candidates[:5]
                )
                + "</div>"
            )
        if work is None and entry.tried:
            detail.append(f'<div class="tried">tried: {_e(", ".join(entry.tried))}</div>')
        items.append(
            f'<li id="ref-{_e(entry.reference_id)}" data-status="{_e(entry.status)}">'
            + " ".join(detail)
            + "</li>"
        )
    return '<ol class="refs">' + "".join(items) + "</ol>"


def _shown_rows(report: AuditReport, by_claim: dict[str, list[Finding]]) -> list[ClaimRow]:
    """The claims that get a card: all of them, or (beyond MAX_CARDS) those with findings
    first, in document order."""
    rows = list(report.claims)
    if len(rows) <= MAX_CARDS:
        return rows
    flagged = [i for i, r in enumerate(rows) if r.claim.id in by_claim]
    rest = [i for i, r in enumerate(rows) if r.claim.id not in by_claim]
    keep = sorted((flagged + rest)[:MAX_CARDS])
    return [rows[i] for i in keep]


def render_html(
    report: AuditReport, *, title: str | None = None, document_href: str | None = None
) -> str:
    """The report as one self-contained HTML document. A document longer than EMBED_LIMIT
    is linked (``document_href``, relative to where the report is written) rather than
    shown, and at most MAX_CARDS claims get a card, so the file stays small."""
    by_claim: dict[str, list[Finding]] = {}
    for finding in report.findings:
        if finding.claim_id:
            by_claim.setdefault(finding.claim_id, []).append(finding)
    shown = _shown_rows(report, by_claim)
    cards = "".join(_card(report, row, by_claim.get(row.claim.id, [])) for row in shown)
    if len(shown) < len(report.claims):
        cards += (
            f'<p class="too-large">{len(report.claims) - len(shown):,} more claims without '
            "findings are not shown here: the JSON report (--format json) lists every claim.</p>"
        )
    heading = title or f"refkeeper audit: {report.source}"
    other = [f for f in report.findings if not f.claim_id]
    findings = (
        '<ul class="findings" id="findings">' + "".join(_finding_li(f) for f in other) + "</ul>"
        if other
        else "<p>No findings outside the claims.</p>"
    )
    major = sum(1 for f in report.findings if f.severity == Severity.MAJOR)
    meta: dict[str, Any] = {"threshold": report.threshold, "major": major}
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(heading)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(heading)}</h1>{_summary(report)}"
        f"<p>Support threshold {meta['threshold']:.2f}: claims below it are weakly supported; "
        "sources without an abstract are unverifiable.</p></header>"
        f'<main><div class="doc" id="document">{_document(report, document_href)}</div>'
        f'<div class="cards" id="claims">{cards}</div></main>'
        f'<section class="below"><h2>Findings</h2>{findings}'
        f"<h2>References</h2>{_references(report)}</section>"
        "</body></html>\n"
    )
