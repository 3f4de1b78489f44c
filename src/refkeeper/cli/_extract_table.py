"""The ``table`` view of ``refkeeper extract``, drawn with rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from refkeeper.pipeline import CSLItem, Extraction


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(fields: CSLItem) -> str:
    """'Timmons CF et al. 1995. Title. Cancer 76:1481-1489' from CSL fields."""
    names = fields.get("author") or fields.get("editor") or []
    first = ""
    if names and isinstance(names, list) and isinstance(names[0], dict):
        n = names[0]
        first = n.get("literal") or " ".join(x for x in (n.get("family"), n.get("given")) if x)
        if len(names) > 1:
            first += " et al"
    year = ""
    issued = fields.get("issued")
    if isinstance(issued, dict) and issued.get("date-parts"):
        year = str(issued["date-parts"][0][0])
    where = " ".join(
        str(x)
        for x in (fields.get("container-title") or fields.get("publisher"), fields.get("volume"))
        if x
    )
    if fields.get("page"):
        where += f":{fields['page']}"
    ids = " ".join(
        f"{k}:{fields[k]}"
        for k in ("PMID", "DOI", "PMCID", "ISBN", "arXiv", "shortDOI", "NCT")
        if fields.get(k)
    )
    if not ids and fields.get("URL"):
        ids = str(fields["URL"])
    parts = [p for p in (first, year, str(fields.get("title") or ""), where, ids) if p]
    return ". ".join(parts)


def render_table(extraction: Extraction, console: Console | None = None) -> None:
    console = console or Console(soft_wrap=False)
    cites: dict[str, list[str]] = {}
    for link in extraction.links:
        tag = link.reference_id if link.kind == "direct" else f"{link.reference_id} (page)"
        cites.setdefault(link.claim_id, []).append(tag)
    console.print(
        f"[bold]{escape(extraction.source)}[/bold] ({extraction.kind}): "
        f"{len(extraction.claims)} claims, "
        f"{len(extraction.references)} references, {len(extraction.links)} links, "
        f"{len(extraction.findings)} findings; reference-like blocks: "
        f"{extraction.blocks_seen} seen, {extraction.blocks_read} read"
    )
    if extraction.claims:
        table = Table(title="Claims", show_lines=False)
        table.add_column("id")
        table.add_column("line", justify="right")
        table.add_column("text")
        table.add_column("cites")
        for claim in extraction.claims:
            table.add_row(  # Text: document text is never rich markup
                Text(claim.id),
                str(claim.span.line),
                Text(_short(claim.text)),
                Text(", ".join(cites.get(claim.id, []))),
            )
        console.print(table)
    if extraction.references:
        table = Table(title="References")
        table.add_column("id")
        table.add_column("line", justify="right")
        table.add_column("reference")
        for ref in extraction.references:
            line = str(ref.span.line) if ref.span else ""
            label = ref.id + (" (page)" if ref.page_level else "")
            table.add_row(Text(label), line, Text(_short(describe(ref.fields) or ref.raw, 120)))
        console.print(table)
    if extraction.findings:
        table = Table(title="Findings")
        table.add_column("severity")
        table.add_column("line", justify="right")
        table.add_column("kind")
        table.add_column("message")
        for f in extraction.findings:
            table.add_row(
                str(f.severity),
                str(f.span.line) if f.span else "",
                f.kind,
                Text(_short(f.message, 100)),
            )
        console.print(table)
