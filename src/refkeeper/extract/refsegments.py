"""Low-level pieces of the free-text reference parser: text clean-up, sentence segments,
identifier stripping and the regular expressions for journal locators and book imprints.

Everything here is pure and precompiled; no pattern nests unbounded quantifiers, so the cost
of a reference grows linearly with its length.
"""

from __future__ import annotations

import re

from refkeeper.extract.dates import DATE
from refkeeper.extract.pages import PAGE_TOKEN

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE_RE = re.compile(r"\s+")
_NUM_DASH_RE = re.compile(rf"(?<=\d)\s*[-{_DASHES}]+\s*(?=[A-Za-z]{{0,2}}\d)")
_SUFFIXED_DASH_RE = re.compile(rf"(?<=\d[a-z])\s*[{_DASHES}]+\s*(?=\d{{1,6}}[a-z]?\b)")
_MONTH_DASH_RE = re.compile(
    rf"(?<=\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))(?:[a-z]{{0,6}}\.?)"
    rf"\s*[{_DASHES}]\s*(?=(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|(?:1[5-9]|20)\d\d)\b)"
)
"""A dash between months (``May–Jun``, ``Dec–2008 Jan``), written as a hyphen."""
_ONLINE_RE = re.compile(
    r"[.,;]?\s*\b(?:Published\s+online|Online\s+ahead\s+of\s+print|Epub)\b[:\s]*"
    r"(?=(?:[A-Za-z]{3,9}\.?\s+)?(?:\d{1,2},?\s+)?(?:1[5-9]|20)\d\d\b)",
    re.IGNORECASE,
)
"""AMA's ``Journal. Published online December 4, 2019.``: the date is the work's."""
_ONLINE_TAIL_RE = re.compile(
    r"[;,.]?\s*\b(?:published\s+online|online\s+ahead\s+of\s+print)(?:\s+[A-Za-z]{3,9}\.?"
    r"(?:\s+\d{1,2})?)?\s*\.?$|\s*\[Preprint\]",
    re.IGNORECASE,
)
"""The Lancet's ``Journal 2019; published online Dec 15.`` (the year stands before), and
Harvard's ``[Preprint]``: nothing more to read there."""
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-"}
)

_LABEL_RE = re.compile(
    r"^\s*(?:[\u2022\u00b7*\u2013\u2014-]\s*|\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)]|[a-z]\)"
    "|[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]{1,5})\\s+(?=\\D)"
)

# identifiers and links, removed from the working text once recorded
_ID_STRIP_RE = re.compile(
    r"(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)10\.\d{4,9}/\S+"
    r"|\b10\.\d{4,9}/\S+"
    r"|\b(?:PMID|PubMed\s+PMID|PubMed\s+ID)\s*:?\s*\d{1,9}\b"
    r"|\bPMCID\s*:?\s*PMC\d{3,9}\b|\bPMC\d{3,9}\b"
    r"|\bISBN(?:-1[03])?\s*:?\s*(?:97[89][- ]?)?(?:\d[- ]?){9}[\dXx]\b",
    re.IGNORECASE,
)
_URL_RE = re.compile(
    r"(?:\b(?:Available|Accessible)(?:\s+(?:from|at|online))?\s*:?\s*)?(?:<)?((?:https?://|www\.)[^\s<>]+)>?",
    re.IGNORECASE,
)
_ACCESS_RE = re.compile(
    r"\[\s*(?:accessed|cited|last\s+accessed|retrieved|updated)[^\]]{0,80}\]"
    r"|\(\s*(?:accessed|cited|last\s+accessed|retrieved)[^)]{0,80}\)"
    r"|\b(?:date\s+last\s+accessed|last\s+accessed|accessed(?:\s+on)?|cited|retrieved)\b"
    r"[\s:]*(?:\d{1,2}\s+)?[A-Za-z]{3,9}\.?\s+(?:\d{1,2},?\s+)?\d{4}"
    r"|(?:\d{1,2}\s+)?[A-Za-z]{3,9}\s+\d{4},?\s+date\s+last\s+accessed"
    r"|\[?\bEpub\s+ahead\s+of\s+print\b\]?\.?|\[?\bEpub\s+(?:\d{4}[^\].;]{0,20})?\]?"
    r"|\[(?:Internet|online|serial\s+on\s+the\s+Internet)\]"
    r"|;?\s*\bPubMed\s+Central\b",
    re.IGNORECASE,
)
NOTES_RE = re.compile(
    r"\.\s+(?P<note>(?:Erratum|Comment|Retraction|Retracted|Update|Republished|Expression\s+of"
    r"\s+concern)\s+(?:in|on|for|of)\s*:.*)$",
    re.IGNORECASE,
)
"""PubMed's notes after a citation: ``Erratum in: Lancet. 2001;358:100.``"""
PUB_TYPES_RE = re.compile(
    r"(?:\.\s*(?:Review|Editorial|Comment|Letter|Case\s+Reports?|Meta-Analysis|Historical"
    r"\s+Article|Clinical\s+Trial|Randomized\s+Controlled\s+Trial|English|French|German|"
    r"Spanish|Italian|Japanese|Chinese|Russian|Abstract))+\.?\s*$",
)
"""Publication types and languages PubMed's summary format appends: ``1-9. Review.``"""
ARXIV_RE = re.compile(
    r"(?:[.,]?\s*\b(?:arXiv|ArXiv)\s+preprint\.?)?\s*\b(?:arXiv|ArXiv|arxiv)\s*:?\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)"
)
_EMPTY_PUNCT_RE = re.compile(r"([.,;:])(?:\s+[.,;](?=\s|$))+")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([.,;])(?=\s|$)")

YEAR_START_RE = re.compile(
    rf"^\(?\s*(?P<date>{DATE})\s*(?:\)|(?=[.,:;]|$))[.,:;]?\s*", re.IGNORECASE
)
"""A date right after the authors, closed by a bracket or punctuation (``2006.``, ``(1995)``);
``2017 ESC guidelines`` is a title that starts with a year."""
PAREN_DATE_RE = re.compile(rf"\(\s*(?P<date>{DATE}|n\.\s?d\.|in\s+press)\s*\)", re.IGNORECASE)
PAREN_EDS_RE = re.compile(r"\(\s*(?:eds?|editors?|hrsg)\.?\s*\)", re.IGNORECASE)

# Journal locators at the end of a reference:
#   Vancouver/NLM ";76(8):1481-9", WHO "Cancer 76: 1481-9", APA "Cancer, 76(8), 1481-1489",
#   supplements "101 Suppl 2:S125-9" / "101(Suppl 2):S125".
_PAGES = rf"(?P<pages>{PAGE_TOKEN}(?:\s*-+\s*{PAGE_TOKEN})?)"
LOCATOR_RE = re.compile(
    r"(?<![\d,\-])(?<!\d\.)(?P<vol>\d{1,5}[A-Za-z]?(?:-\d{1,5})?)"
    r"(?:\s*(?P<supp>(?:Suppl(?:ement)?|Pt|Part|Spec\s+No)\.?(?:\s*[A-Za-z0-9]{1,4})?))?"
    r"(?:,\s*no\.\s*(?P<no>[A-Za-z0-9\-]{1,10}))?"
    r"\s*(?:\((?P<iss>[^()]{1,40})\))?"
    rf"(?:\s*[:,]\s*|(?<=\))\s*)(?:pp?\.?\s*)?{_PAGES}"
    rf"(?P<more>(?:\s*,\s*{PAGE_TOKEN}(?:\s*-\s*{PAGE_TOKEN})?){{0,4}})\s*$"
)
# "...; 1995;76(8)." with no pages
LOCATOR_NOPAGES_RE = re.compile(
    rf"(?P<date>{DATE})\s*;\s*(?P<vol>\d{{1,5}}[A-Za-z]?)"
    r"(?:\s*\((?P<iss>[^()]{1,40})\))?\s*$",
    re.IGNORECASE,
)
TRAILING_PAREN_DATE_RE = re.compile(rf"[.,]?\s*\(\s*(?P<date>{DATE})\s*\)\s*\.?$", re.IGNORECASE)
LOCATOR_ISSUE_ONLY_RE = re.compile(rf";\s*(?:\((?P<iss>[^()]{{1,20}})\))?\s*:\s*{_PAGES}\s*$")
"""No volume: ``1980 Nov-Dec;(153):121-5``, or ahead of print ``2022 May 12;:1-13``."""
LINK_LABEL_RE = re.compile(
    r"\s*\[(?:PubMed|Google Scholar|Cross[Rr]ef|PMC free article|Free full text|Ref list|"
    r"Web of Science|Scopus|Medline|Abstract|Full text)\]"
)
"""Link labels copied along with references from web pages: ``[PubMed] [Google Scholar]``."""
LABELLED_LOCATOR_RE = re.compile(
    r"(?:^|(?<=[\s.,;:/]))(?:Vol(?:ume)?|V|\u0422)\.?\s*(?P<vol>[A-Za-z]?\d{1,5}[A-Za-z]?)"
    r"(?:\s*[,.]?\s*(?:No|Nr|Iss(?:ue)?|N|\u2116|\u0412\u044b\u043f)\.?\s*(?P<iss>[A-Za-z0-9\-]{1,10}))?"
    rf"(?:\s*[,.]?\s*(?:pp?|P|S|\u0421)\.?\s*{_PAGES})?"
    rf"(?:\s*[,.]?\s*\(?(?P<date>{DATE})\)?)?\s*$",
    re.IGNORECASE,
)
"""Labelled locators: IEEE ``vol. 12, no. 3, pp. 45-67, Mar. 2001``, GOST ``Vol. 357,
No. 2. P. 1-9``."""
DOC_TYPE_CODE_RE = re.compile(r"\s*\[(?:J|M|C|D|R|N|P|S|Z|EB/OL|J/OL|M/OL)\](?=[\s.,]|$)")
"""Chinese GB/T 7714 document-type codes: ``Title[J].`` (journal), ``[M]`` (book), ..."""
TRAILING_PAREN_IMPRINT_RE = re.compile(
    r"\s*\((?P<pub>[A-Z][^()]{1,80}?),\s*(?P<date>(?:1[5-9]|20)\d\d)\)\s*\.?$"
)
VOLUME_ONLY_RE = re.compile(r"(?<=[^\d\s])\s+(?P<vol>\d{1,5})$")
TAIL_DATE_RE = re.compile(rf"(?:^|(?<=[\s.,;(]))(?P<date>{DATE})\)?\s*[;,.:]?\s*$", re.IGNORECASE)

NUM_SEG_RE = re.compile(
    r"(?P<supp>(?i:Suppl(?:ement)?|Pt|Part)\.?\s*[A-Za-z0-9]{0,4})"
    r"|(?P<num>[A-Za-z]{0,2}\d{1,7}[A-Za-z]?)"
)
PAGE_LIST_RE = re.compile(
    rf"{PAGE_TOKEN}(?:\s*-\s*{PAGE_TOKEN})?(?:\s*,\s*{PAGE_TOKEN}(?:\s*-\s*{PAGE_TOKEN})?)+"
)
IN_PRESS_RE = re.compile(r"[.,;]?\s*[(\[]?\b(?:in\s+press|forthcoming|accepted)\b[)\]]?\.?$", re.I)
DATE_SEG_RE = re.compile(DATE, re.IGNORECASE)
CHAPTER_PAGES_RE = re.compile(rf"[.,;:]?\s*\b(?:pp?\.?|pages)\s*{_PAGES}\s*$", re.IGNORECASE)
TOTAL_PAGES_RE = re.compile(r"(?P<n>\d{1,5})\s*(?:p|pp|pages)\.?", re.IGNORECASE)
_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth"
).split()
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(_ORDINALS)}
EDITION_RE = re.compile(
    r"(?:^|(?<=[\s.,;(]))(?:(?P<num>\d{1,3})\s*(?:st|nd|rd|th|e|\.)?|(?P<word>"
    + "|".join(_ORDINALS)
    + r")|(?P<rev>rev(?:ised)?|updated|new))\s+(?:ed(?:n|ition)?|Aufl(?:age)?)\b\.?",
    re.IGNORECASE,
)
IN_RE = re.compile(r"(?:^|(?<=[.?!]\s))In\s*:\s*|(?:^|(?<=[.?!]\s))In\s+(?=[A-Z])")
EDITORS_END_RE = re.compile(
    r",?\s*(?:\(\s*(?:eds?|editors?|hrsg)\.?\s*\)|\b(?:eds?|editors?)\b)\.?[,:]?\s*",
    re.IGNORECASE,
)

PUBLISHER_WORDS = frozenset(
    """press publisher publishers publishing publications books verlag inc inc. ltd ltd.
    co co. company corp llc gmbh elsevier springer wiley saunders mosby lippincott williams wilkins
    karger thieme academic blackwell routledge sage oxford cambridge university agency research
    organization organisation who iarc nih institute society association laboratory churchill
    livingstone mcgraw-hill hill norton freeman raven informa crc taylor francis humana
    foundation council office centre center department ministry""".split()
)

STRONG_PUBLISHER_WORDS = frozenset(
    """press publisher publishers publishing publications verlag inc inc. ltd ltd. gmbh llc
    elsevier springer wiley saunders mosby lippincott karger thieme blackwell routledge sage
    university universität université universidad institut institute""".split()
)
"""Words that make a lone segment a publisher (``CRC Press``, ``Springer``)."""

_NO_SPLIT_AFTER = frozenset(
    {"p", "pp", "vol", "no", "nos", "suppl", "pt", "st", "dr", "vs", "e.g", "i.e", "al", "fig",
     "figs", "ch", "chap", "sec", "art", "mr", "mrs", "ms", "prof", "jr", "sr", "inc", "ltd",
     "co", "corp", "dept", "univ", "u.s", "u.k"}
)  # fmt: skip
_SENT_END_RE = re.compile(r"[.?!]+(?=\s)|[.?!]+$")


def clean_text(raw: str) -> str:
    """Collapse odd whitespace, drop invisible characters, normalise dashes between numbers."""
    text = raw
    if not text.isascii():
        text = _INVISIBLE_RE.sub("", text).translate(_QUOTES)
    text = " ".join(text.split())
    if "-" in text or not text.isascii():
        text = _NUM_DASH_RE.sub("-", text)
        if not text.isascii():
            text = _SUFFIXED_DASH_RE.sub("-", text)  # "918e–919e"
        if "-" not in text or not text.isascii():
            text = _MONTH_DASH_RE.sub("-", text)
    if "nline" in text or "Epub" in text or "[Preprint]" in text:
        text = _ONLINE_TAIL_RE.sub("", text)
        text = _ONLINE_RE.sub(". ", text).replace(". . ", ". ")
    return text


def strip_label(text: str) -> str:
    """Drop a list label: ``1.``, ``[1]``, ``(1)``, ``1)``."""
    return _LABEL_RE.sub("", text, count=1)


_ACCESS_HINTS = (
    "accessed", "cited", "retrieved", "updated", "epub", "internet", "online", "pubmed central",
)  # fmt: skip


SICI_DOI_RE = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]*<[^\s\"<>]+>[^\s\"<>]*")
"""A DOI made from a SICI (``10.1002/1097-0142(19951015)76:8<1481::aid-cncr2820760828>3.0.co;2-x``),
whose ``<`` and ``>`` the general DOI pattern stops at."""


def sici_doi(text: str) -> str | None:
    """The SICI-style DOI in ``text``, lower-cased like every normalised DOI, or None."""
    if "<" not in text:
        return None
    m = SICI_DOI_RE.search(text)
    return m.group(0).rstrip(".,;:)]}").lower() if m else None


def may_hold_identifiers(text: str) -> bool:
    """A cheap test before the identifier expressions run."""
    low = text.lower()
    return ("10." in low and "/" in low) or "pmid" in low or "pmc" in low or "isbn" in low


def strip_identifiers(text: str) -> tuple[str, str | None]:
    """Remove DOIs, PMIDs, PMCIDs, ISBNs, URLs and access notes; return the rest and a URL."""
    url: str | None = None
    low = text.lower()
    if "http" in low or "www." in low:
        m = _URL_RE.search(text)
        if m:
            candidate = m.group(1).rstrip(".,;:)]}")
            if "doi.org/" not in candidate.lower():
                url = candidate
        text = _URL_RE.sub(" ", text)
    if may_hold_identifiers(text):
        text = _ID_STRIP_RE.sub(" ", text)
    if "[" in text:
        text = LINK_LABEL_RE.sub("", text)
        text = DOC_TYPE_CODE_RE.sub("", text)
    if any(hint in low for hint in _ACCESS_HINTS):
        text = _ACCESS_RE.sub(" ", text)
    text = " ".join(text.split())
    if " ." in text or " ," in text or " ;" in text or " :" in text:
        text = _EMPTY_PUNCT_RE.sub(r"\1", text)
        text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    return text.strip(" ,;:"), url


def _is_initial(tok: str) -> bool:
    core = tok.rstrip(".")
    return len(core) == 1 and core.isupper() and tok.endswith(".")


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends (``. `` ``? `` ``! ``), not after abbreviations or initials."""
    segs: list[str] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        ms = m.start()
        if text.count("(", start, ms) > text.count(")", start, ms):
            continue  # "Journal of Immunology (Baltimore, Md. : 1950)": inside brackets
        if m.group(0) == ".":
            word_start = text.rfind(" ", start, ms) + 1
            if ms - word_start <= 5:
                word = text[word_start:ms]
                if word.lower().lstrip("(") in _NO_SPLIT_AFTER:
                    continue
                if len(word) == 1 and word.isupper() and _between_initials(text, start, ms):
                    continue
        end = m.end()
        seg = text[start:end].strip()
        if seg:
            segs.append(seg)
        start = end
    tail = text[start:].strip()
    if tail:
        segs.append(tail)
    return segs


def _between_initials(text: str, start: int, ms: int) -> bool:
    """Is the initial ending at ``ms`` one of a run (``W. H. Freeman``)?"""
    prev_end = ms - 2
    prev_tok = text[text.rfind(" ", start, max(start, prev_end)) + 1 : prev_end]
    next_start = ms + 2
    next_end = text.find(" ", next_start)
    next_tok = text[next_start : next_end if next_end != -1 else len(text)]
    return _is_initial(prev_tok) or _is_initial(next_tok)


def has_edition(text: str) -> bool:
    """A cheap test before :data:`EDITION_RE` runs."""
    low = text.lower()
    return " ed" in low or "edition" in low or "aufl" in low


def snippet(text: str, limit: int = 80) -> str:
    """``text`` quoted for a problem message, shortened when long."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def looks_like_publisher(text: str, *, strong: bool = False) -> bool:
    words = {w.strip(".,()&").lower() for w in text.split()}
    return bool(words & (STRONG_PUBLISHER_WORDS if strong else PUBLISHER_WORDS))
