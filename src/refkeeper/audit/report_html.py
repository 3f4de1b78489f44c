"""HTML report: ONE self-contained file (inline CSS, no script, no external asset).

The document's text with each claim highlighted by status, the claim's sources beside it
(PMID / DOI links, score, the evidence sentence, the findings), a summary with counts at the
top, and the references with their citation errors and notices. Everything from the document
or a record is escaped; a Content-Security-Policy forbids loading anything.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

from refkeeper.audit.core import AuditReport, ClaimRow, ClaimStatus, SourceEntry
from refkeeper.models import Finding, Severity

_CSS = """
:root { --ok:#1b7f3b; --weak:#b26a00; --contra:#b00020; --unv:#2b6cb0; --unres:#8e44ad;
  --retr:#c0392b;
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
  white-space: pre-wrap; overflow-wrap: anywhere; align-self: start; position: sticky; top: 8px;
  max-height: calc(100vh - 16px); overflow-y: auto; }
main.nodoc { grid-template-columns: minmax(0, 1fr); }
.chip { display: inline-block; font-size: 12px; line-height: 1.3; padding: 0 6px;
  margin: 0 1px; border-radius: 10px; background: #e8eef7; color: #234; border: 1px solid #c9d6ea;
  white-space: nowrap; vertical-align: 1px; }
.doc .heading { font-weight: 700; }
.legend dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 8px 0; }
.legend dt { margin: 0; }
.legend dd { margin: 0; }
.filters { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 6px 0; }
.filters fieldset { border: 1px solid #ddd; border-radius: 6px; padding: 2px 8px; margin: 0; }
.filters legend { font-size: 12px; color: #555; }
.filters label { margin-right: 8px; font-size: 13px; white-space: nowrap; }
.conflict { font-weight: 700; color: var(--contra); }
mark.claim { background: transparent; border-bottom: 3px solid; padding: 0 1px; color: inherit; }
mark.claim sup { font-size: 11px; font-weight: 700; }
.st-supported { border-color: var(--ok) !important; background: #e7f5ec !important; }
.st-contradicted { border-color: var(--contra) !important; background: #fde2e6 !important; }
.st-related { border-color: var(--weak) !important; background: #fff3df !important; }
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
.badge.st-contradicted { background: var(--contra) !important; }
.badge.st-related { background: var(--weak) !important; }
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


_MD_THINGS = re.compile(
    r"(?P<cite>\[[^\[\]\n]*@[^\[\]\n]*\])"  # [@key; see @key2, p. 3]
    r"|(?P<num>\[\d+(?:\s*[-–,]\s*\d+)*\])"  # [1], [2-4]
    r"|(?P<foot>\[\^[^\]\s]+\])"  # [^note]
    r"|(?P<image>!\[[^\]]*\]\([^)]*\))"
    r"|\[(?P<linktext>[^\]\n]+)\]\([^)\n]*\)"  # [text](url)
    r"|(?P<bare>(?<![\w@])@[A-Za-z][\w:./-]*\w)"  # @key in running text
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<heading>^[ \t]{0,3}#{1,6}[ \t]+)"
    r"|(?P<markup>\*{1,3}|(?<!\w)_{1,2}|_{1,2}(?!\w)|`+|~~)",
    re.M | re.S,
)
_TEX_THINGS = re.compile(
    r"(?P<cite>\\[a-zA-Z]*cite[a-zA-Z]*\*?(?:\[[^\]]*\]){0,2}\{(?P<keys>[^}]*)\})"
    r"|(?P<comment>(?<!\\)%[^\n]*)"
    r"|(?P<heading>\\(?:part|chapter|(?:sub)*section|paragraph)\*?\{(?P<title>[^}]*)\})"
    r"|(?P<keep>\\(?:emph|textit|textbf|textsc|texttt|mbox|text|underline)\{(?P<kept>[^}]*)\})"
    r"|(?P<env>\\(?:begin|end)\{[^}]*\}(?:\[[^\]]*\])?)"
    r"|(?P<drop>\\(?:label|ref|eqref|pageref|footnote|url|maketitle|tableofcontents|"
    r"bibliographystyle|bibliography|addbibresource|printbibliography|includegraphics)"
    r"\*?(?:\[[^\]]*\])?(?:\{[^}]*\})?)"
    r"|(?P<newline>\\\\)"
    r"|(?P<escaped>\\[%&$#_{}])"
    r"|(?P<command>\\[a-zA-Z]+\*?)"
    r"|(?P<brace>[{}~$])",
)


def _chip(text: str) -> str:
    return f'<span class="chip">{_e(" ".join(text.split()))}</span>'


def _readable(fragment: str, kind: str) -> str:
    """A fragment of the document as readable HTML: for Markdown and LaTeX the markup is
    removed and citations become chips; other kinds are shown as written (escaped)."""
    if kind == "markdown":
        pattern = _MD_THINGS
    elif kind == "latex":
        pattern = _TEX_THINGS
    else:
        return _e(fragment)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(fragment):
        out.append(_e(fragment[pos : match.start()]))
        pos = match.end()
        group = match.lastgroup
        if kind == "markdown":
            if group in ("cite", "num", "bare"):
                out.append(_chip(match.group(0).strip("[]")))
            elif group == "foot":
                out.append(_chip(match.group(0)[2:-1]))
            elif match.group("linktext") is not None:
                out.append(_e(match.group("linktext")))
        else:
            if group == "cite":
                out.append(_chip(match.group("keys").replace(",", ", ")))
            elif group == "heading":
                out.append(f'<span class="heading">{_e(match.group("title"))}</span>')
            elif group == "keep":
                out.append(_e(match.group("kept")))
            elif group == "newline":
                out.append("\n")
            elif group == "escaped":
                out.append(_e(match.group(0)[1:]))
            elif group == "brace" and match.group(0) == "~":
                out.append(" ")
    out.append(_e(fragment[pos:]))
    return "".join(out)


def _visible_range(report: AuditReport) -> tuple[int, int]:
    """The part of the document a reader reads: without a LaTeX preamble and what follows
    \\end{document}, without Markdown front matter (unless a claim lies there)."""
    text = report.text
    first = min((r.claim.span.start for r in report.claims), default=len(text))
    start, end = 0, len(text)
    if report.kind == "latex":
        begin = text.find("\\begin{document}")
        if 0 <= begin and begin + len("\\begin{document}") <= first:
            start = begin + len("\\begin{document}")
        stop = text.rfind("\\end{document}")
        if stop >= max(start, max((r.claim.span.end for r in report.claims), default=0)):
            end = stop
    elif report.kind == "markdown":
        front = re.match(r"---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", text, re.S)
        if front and front.end() <= first:
            start = front.end()
    return start, end


def _squeeze(html: str) -> str:
    return re.sub(r"\n[ \t]*(?:\n[ \t]*){2,}", "\n\n", html)


EMBED_LIMIT = 1_000_000
"""Characters of document text an HTML report shows inline; a longer document is linked."""
MAX_CARDS = 2_000
"""Claim cards an HTML report holds: claims with findings first, the rest in the JSON report."""


def _document(report: AuditReport, href: str | None = None) -> str:
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
    start, end = _visible_range(report)
    rows = sorted(report.claims, key=lambda r: (r.claim.span.start, r.claim.span.end))
    out: list[str] = []
    pos = start
    for row in rows:
        claim_start, claim_end = row.claim.span.start, row.claim.span.end
        if claim_start < pos or claim_end > end or claim_start >= claim_end:
            continue  # overlapping or out-of-range spans: shown in the cards only
        out.append(_squeeze(_readable(text[pos:claim_start], report.kind)))
        status = row.status.value
        out.append(
            f'<mark class="claim st-{status}" id="claim-{_e(row.claim.id)}" '
            f'data-status="{status}" title="{_e(_LABEL[row.status])}">'
            f"{_readable(text[claim_start:claim_end], report.kind)}"
            f'<sup><a href="#card-{_e(row.claim.id)}">{_e(row.claim.id)}</a></sup></mark>'
        )
        pos = claim_end
    out.append(_squeeze(_readable(text[pos:end], report.kind)))
    return "".join(out).strip("\n ")


_LEGEND = (
    (
        ClaimStatus.SUPPORTED,
        "a sentence of the cited abstract (or its title) holds the claim's words (score at or "
        "above the threshold) and nothing in the result and conclusion sentences that share "
        "them says otherwise; the evidence sentence is shown, results and conclusions "
        "preferred over background, aims and methods.",
    ),
    (
        ClaimStatus.CONTRADICTED,
        "a result or conclusion sentence that shares the claim's words states the opposite: "
        "a reversed direction (claim: increased; source: decreased), a null result against "
        "an effect, a comparison the other way round, a number the record never states where "
        "it states others in the same unit, or a population it never mentions. The conflicting "
        "cue pair is shown.",
    ),
    (
        ClaimStatus.RELATED,
        "the record is on the topic, but no sentence states the claim: its score (the share "
        "of the claim's weighted words the best sentence and the whole record hold) is below "
        "the threshold. The source does not say this.",
    ),
    (ClaimStatus.UNVERIFIABLE, "the cited record has no abstract: support cannot be checked."),
    (ClaimStatus.UNRESOLVED, "the cited reference could not be matched to a record."),
    (ClaimStatus.RETRACTED, "a cited work is retracted."),
    (ClaimStatus.UNCITED, "the sentence cites nothing (only page-level sources, if any)."),
)


def _legend(report: AuditReport) -> str:
    items = "".join(
        f'<dt><span class="badge st-{status.value}">{_e(_LABEL[status])}</span></dt>'
        f"<dd>{_e(text)}</dd>"
        for status, text in _LEGEND
    )
    return (
        '<details class="legend" id="legend" open><summary>How each status is decided '
        f"(threshold {report.threshold:.2f})</summary><dl>{items}</dl></details>"
    )


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-") or "x"


def _filters(report: AuditReport) -> tuple[str, str]:
    """Checkboxes that show or hide the findings by severity and kind and the claims by
    status, and the CSS that does it (``:has()``, so no script is needed)."""
    severities: dict[str, int] = {
        str(v): 0 for v in (Severity.MAJOR, Severity.MINOR, Severity.INFO)
    }
    kinds: dict[str, int] = {}
    for finding in report.findings:
        severities[str(finding.severity)] = severities.get(str(finding.severity), 0) + 1
        kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
    statuses: dict[str, int] = {}
    for row in report.claims:
        statuses[row.status.value] = statuses.get(row.status.value, 0) + 1
    css: list[str] = []
    groups: list[str] = []
    for title, prefix, values in (
        ("severity", "sev", severities),
        ("kind", "kind", kinds),
        ("claims", "st", statuses),
    ):
        boxes = []
        for value, count in values.items():
            if not count:
                continue
            ident = f"f-{prefix}-{_slug(value)}"
            off = f"body:has(#{ident}:not(:checked))"
            boxes.append(
                f'<label><input type="checkbox" id="{ident}" checked> {_e(value)} ({count})</label>'
            )
            if prefix == "sev":
                css.append(f'{off} li.finding[data-severity="{_e(value)}"] {{ display: none; }}')
            elif prefix == "kind":
                css.append(f'{off} li.finding[data-kind="{_e(value)}"] {{ display: none; }}')
            else:
                css.append(f'{off} .card[data-status="{_e(value)}"] {{ display: none; }}')
                css.append(
                    f'{off} mark.claim[data-status="{_e(value)}"] {{ background: transparent '
                    "!important; border-color: transparent !important; }"
                )
        if boxes:
            groups.append(f"<fieldset><legend>{_e(title)}</legend>{''.join(boxes)}</fieldset>")
    html = f'<form class="filters" id="filters">{"".join(groups)}</form>' if groups else ""
    return html, "\n".join(css)


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
        if support is not None and support.conflict:
            parts.append(f'<div class="conflict">{_e(support.conflict)}</div>')
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
    filters, filter_css = _filters(report)
    document = _document(report, document_href)
    main_class = "" if document.strip() else ' class="nodoc"'
    document_pane = f'<div class="doc" id="document">{document}</div>' if document.strip() else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(heading)}</title><style>{_CSS}\n{filter_css}</style></head><body>"
        f"<header><h1>{_e(heading)}</h1>{_summary(report)}{_legend(report)}{filters}"
        "</header>"
        f'<main{main_class}>{document_pane}<div class="cards" id="claims">{cards}</div></main>'
        f'<section class="below"><h2>Findings</h2>{findings}'
        f"<h2>References</h2>{_references(report)}</section>"
        "</body></html>\n"
    )
