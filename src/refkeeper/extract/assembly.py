"""The assembly every extractor shares: claims and citations found by a format adapter become
clean claim texts, links and findings in one :class:`~refkeeper.models.Extraction`.

A format adapter (``who``, ``numbered``, ``markdown``, ``latex``; libraries have no prose)
finds the sentences of its document in a *masked* copy of the text (see
:mod:`refkeeper.extract.sentences`), the references, and the citation markers attributed to
the sentences. :func:`assemble` then

* strips citation markers and markup (Markdown emphasis and links, HTML tags, LaTeX commands,
  superscript numbers) from each claim's text, so that reports and the support score read the
  sentence as a reader would;
* links claims to references (:func:`refkeeper.link.link`) and keeps its findings.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

from refkeeper.extract.sentences import ALNUM
from refkeeper.link import Citation, link
from refkeeper.models import Claim, Extraction, Finding, Reference

_SUP = re.compile(r"<sup>[^<>\n]{0,40}</sup>|\^[\d,\s–-]{1,40}\^")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(
    r"\*(?<![\w*]\*)(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"
    r"|_(?<![\w_]_)(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"
)
_TEX_DROP = re.compile(r"\\(?:label|ref|eqref|autoref|cref|Cref|footnote)\*?\{[^{}]*\}")
_TEX_ARG = re.compile(r"\\[A-Za-z]+\*?(?:\[[^\[\]]*\])?\{([^{}]*)\}")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s?")
_TEX_ESCAPE = re.compile(r"\\([%&$#_{} ,;])")
_INLINE_MATH = re.compile(r"\$(?<!\\\$)([^$\n]{1,200})\$")
_AT_KEY = re.compile(r"@(?<![\w@]@)(?=[A-Za-z_])")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)|\[\s*[,;]?\s*\]")
# Look-behinds come after the first character of a pattern, so that the engine can search for
# that character instead of trying the pattern at every position.
_MARKUP_CHARS = re.compile(r"[<>*_\[\]()\\^@$~{}]")


def clean_text(text: str, *, latex: bool = False) -> str:
    """A claim's text without markup: what a reader sees."""
    if not _MARKUP_CHARS.search(text):
        return _plain_spacing(text)
    if "<" in text or "^" in text:
        text = _SUP.sub("", text)
        text = _HTML_TAG.sub("", text)
    if "](" in text:
        text = _MD_LINK.sub(_GROUP1, text)
    if "*" in text or "_" in text:
        text = _STRONG.sub(_GROUP2, text)
        text = _EM.sub(lambda m: m.group(1) or m.group(2) or "", text)
    if latex:
        if "\\" in text:
            text = _TEX_DROP.sub("", text)
            while "{" in text:  # nested \emph{\textbf{x}}
                unwrapped = _TEX_ARG.sub(_GROUP1, text)
                if unwrapped == text:
                    break
                text = unwrapped
            text = _TEX_ESCAPE.sub(_GROUP1, text)
            text = _TEX_COMMAND.sub("", text)
        if "$" in text:
            text = _INLINE_MATH.sub(_GROUP1, text)
        text = text.replace("~", " ").replace("---", "—").replace("--", "–")
        text = text.replace("{", "").replace("}", "").replace("``", "“").replace("''", "”")
    if "@" in text:
        text = _AT_KEY.sub("", text)
    if "(" in text or "[" in text:
        text = _EMPTY_BRACKETS.sub("", text)
    return _plain_spacing(text)


_SPACE_BEFORE = re.compile(r" ([.,;:!?)\]])")
_GROUP1 = operator.methodcaller("group", 1)
_GROUP2 = operator.methodcaller("group", 2)


def _plain_spacing(text: str) -> str:
    text = " ".join(text.split())
    if " " in text:
        text = _SPACE_BEFORE.sub(_GROUP1, text)
    return text.rstrip(",;")


def drop_regions(text: str, regions: Sequence[tuple[int, int]], start: int, end: int) -> str:
    """``text[start:end]`` with ``regions`` (absolute offsets) cut out."""
    if len(regions) == 1:  # the common case: one marker in the sentence
        ((a, b),) = regions
        a, b = max(a, start), min(b, end)
        return text[start:end] if b <= a else text[start:a] + " " + text[b:end]
    parts: list[str] = []
    pos = start
    for a, b in sorted(regions):
        a, b = max(a, pos), min(b, end)
        if b <= a:
            continue
        parts.append(text[pos:a])
        parts.append(" ")
        pos = b
    parts.append(text[pos:end])
    return "".join(parts)


def clean_claims(
    masked: str,
    claims: Sequence[Claim],
    citations: Sequence[Citation],
    *,
    latex: bool = False,
    keep: Callable[[Citation], bool] = lambda c: False,
) -> tuple[Claim, ...]:
    """Claims whose text has the citation markers inside them (unless ``keep``) and the
    markup removed."""
    markers: dict[str, list[tuple[int, int]]] = {}
    for cit in citations:
        if cit.span is not None and not keep(cit):
            markers.setdefault(cit.claim_id, []).append((cit.span.start, cit.span.end))
    out: list[Claim] = []
    for claim in claims:
        s, e = claim.span.start, claim.span.end
        dropped = markers.get(claim.id)
        raw = drop_regions(masked, dropped, s, e) if dropped else masked[s:e]
        text = clean_text(raw, latex=latex)
        out.append(claim if text == claim.text else Claim(claim.id, text, claim.span))
    return tuple(out)


def _merge_marker_only(
    raw: Sequence[Claim], cleaned: Sequence[Claim], citations: Sequence[Citation]
) -> tuple[tuple[Claim, ...], list[Citation]]:
    """Drop claims left without words once their markers are gone; their citations go to the
    claim before (or, for the first, after) them. Claims are renumbered c1, c2, ..."""
    empty = [ALNUM.search(c.text) is None for c in cleaned]
    if not any(empty):
        return tuple(cleaned), list(citations)
    kept = [i for i, e in enumerate(empty) if not e]
    new_id: dict[str, str] = {}
    for n, i in enumerate(kept, 1):
        new_id[cleaned[i].id] = f"c{n}"
    target: dict[str, str] = {}
    for i, e in enumerate(empty):
        if not e:
            target[cleaned[i].id] = new_id[cleaned[i].id]
            continue
        j = bisect_left(kept, i)  # the kept claim before it, or the first one after it
        host = kept[j - 1] if j > 0 else (kept[0] if kept else None)
        if host is not None:
            target[cleaned[i].id] = new_id[cleaned[host].id]
    claims = tuple(Claim(new_id[cleaned[i].id], cleaned[i].text, cleaned[i].span) for i in kept)
    moved = [
        Citation(target[c.claim_id], c.target, c.marker, c.span, c.locator)
        for c in citations
        if c.claim_id in target
    ]
    return claims, moved


def assemble(
    *,
    source: str,
    kind: str,
    text: str,
    masked: str,
    claims: Sequence[Claim],
    references: Sequence[Reference],
    citations: Sequence[Citation],
    findings: Sequence[Finding],
    latex: bool = False,
    keep: Callable[[Citation], bool] = lambda c: False,
    link_filter: Callable[[Finding], bool] = lambda f: True,
) -> Extraction:
    """Sentences -> clean claims -> links -> findings: the one assembly of every adapter.

    A "sentence" that holds nothing but citation markers (a ``\\cite`` right after display
    math, a marker wrapped onto a line of its own) is no claim: its citations go to the claim
    before it."""
    cleaned = clean_claims(masked, claims, citations, latex=latex, keep=keep)
    cleaned, citations = _merge_marker_only(claims, cleaned, citations)
    links, link_findings = link(cleaned, references, citations)
    return Extraction(
        source=source,
        kind=kind,
        text=text,
        claims=cleaned,
        references=tuple(references),
        links=links,
        findings=tuple(findings) + tuple(f for f in link_findings if link_filter(f)),
    )
