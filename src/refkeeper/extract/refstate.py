"""Parser state and the title/journal helpers shared by the reference parser's modules.

``ParseState`` collects CSL-JSON fields and problems while one reference string is read;
the helpers here set ``title`` and ``container-title`` from the pieces the parser isolated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from refkeeper.extract import refsegments as seg
from refkeeper.extract.dates import MONTHS, parse_date
from refkeeper.extract.pages import parse_pages
from refkeeper.models import CSLItem


@dataclass(slots=True)
class ParseState:
    """The fields and problems gathered while one reference string is read."""

    fields: CSLItem = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    title_expected: bool = True
    """False in chemistry style (``J. Liu, N. Gong, Chem. Eng. J. 2022, 428, 130981``), whose
    author list runs straight into the journal."""

    def set_date(self, text: str) -> bool:
        if "issued" in self.fields:
            return True
        date = parse_date(text)
        if date is None:
            return False
        self.fields["issued"] = date
        return True

    def set_pages(self, text: str) -> None:
        page, problem = parse_pages(text)
        if page is not None:
            self.fields["page"] = page
            return
        if problem:
            self.problems.append(problem)
        first = text.split("-", 1)[0].strip()
        if first and parse_pages(first)[0] is not None:
            self.fields["page-first"] = first  # the written first page; the range is broken


_ABBREV_WORDS = frozenset(
    """j am proc natl acad sci med biol chem res rev clin int eur br engl ann arch dis infect
    pathol surg oncol epidemiol physiol microbiol genet mol immunol endocrinol metab nephrol
    neurol psychiatry psychol pharmacol toxicol environ assoc soc gen intern exp curr opin
    transplant hepatol gastroenterol cardiol dermatol ophthalmol otolaryngol radiol urol
    pediatr obstet gynecol biochem biophys cell dev evol ecol vet trop hyg nutr anat hum
    comp commun dent lett methods mem nat nucleic ther treat vasc virol zool bull bur
    haematol hematol histopathol cytopathol lab invest jpn jap chin can aust scand acta
    anesth anesthesiol orthop rheumatol respir crit emerg prev rep syst stat clin
    health manag technol eng phys appl mater lett adv energy""".split()
)


_SECTION_RE = re.compile(r"(?:Part|Section|Series)?\s*[A-Z],\s")
_QUOTED_TITLE_RE = re.compile(r"^[\"'](?P<title>.+?)[,.?!]?[\"'][,.]?\s+(?P<rest>\S.*)$")


def set_title(text: str, st: ParseState) -> None:
    title = clean_title(text)
    if title:
        st.fields["title"] = title
    else:
        st.problems.append("no title found")


def clean_title(text: str) -> str:
    title = text.strip().strip(",;: ")
    while title.endswith("..") or (title.endswith(".") and not _ends_with_abbrev(title)):
        title = title[:-1].rstrip()
    if title.endswith((";", ",", ":")):
        title = title[:-1].rstrip()
    return title


def _ends_with_abbrev(title: str) -> bool:
    last = title.rsplit(" ", 1)[-1].lower()
    return last in ("al.", "etc.", "spp.", "sp.", "var.", "subsp.", "e.g.", "i.e.", "vs.")


def set_journal(journal: str, st: ParseState) -> None:
    journal = journal.strip().strip(",;:").strip()
    if journal.endswith("..") or (journal.endswith(".") and journal.count(".") == 1):
        journal = journal.rstrip(".").rstrip()
    if not journal or not any(c.isalpha() for c in journal) or journal.lower() in MONTHS:
        st.problems.append(f"no journal found{' (' + repr(journal) + ')' if journal else ''}")
        return
    st.fields["container-title"] = journal
    if is_abbreviated(journal):
        st.fields["container-title-short"] = journal


def is_abbreviated(journal: str) -> bool:
    tokens = journal.replace("(", " ").replace(")", " ").split()
    for tok in tokens:
        if tok.endswith(".") and len(tok) <= 8:
            return True
        low = tok.lower()
        if low in _ABBREV_WORDS or (len(tok) == 1 and tok.isupper() and len(tokens) > 1):
            return True
    return False


def split_title_journal(text: str, st: ParseState, segs: list[str] | None = None) -> None:
    """``Title. More title. J Biol Chem`` -> title and journal (the last segment)."""
    if "title" in st.fields:
        set_journal(text, st)  # the title was quoted: what is left is the journal
        return
    m_q = _QUOTED_TITLE_RE.match(text.strip())
    if m_q:
        # Harvard/Chicago: 'Title', Journal
        set_title(m_q.group("title"), st)
        set_journal(m_q.group("rest"), st)
        return
    if segs is None:
        segs = seg.split_sentences(text.strip())
    if not segs:
        st.problems.append("no title or journal found")
        return
    j = len(segs) - 1
    # "J. Biol. Chem.": merge short abbreviated words back into the journal
    while j > 0 and _is_abbrev_piece(segs[j - 1]) and (j > 1 or _all_abbreviations(segs[0])):
        j -= 1
    if j > 1 and _SECTION_RE.match(segs[j]):
        j -= 1  # NLM titles with a section: "Colloids and surfaces. B, Biointerfaces"
    if not st.title_expected and all(_is_abbrev_piece(p) for p in segs[:j]):
        j = 0  # "Biomed. Pharmacother.": no title in this style, all of it is the journal
    journal = " ".join(segs[j:])
    if j == 0:
        cut = _last_comma(journal)
        left = journal[:cut]
        if (
            cut > 0
            and _journal_like(journal[cut + 1 :])
            and (st.title_expected or _title_like(left))
        ):
            # "Title, J Sleep Stud" (APS, Elsevier with titles, an entry without authors)
            set_title(journal[:cut], st)
            set_journal(journal[cut + 1 :], st)
            return
    if j == 0:
        # only one segment: WHO/APA "Title Journal" cannot be told apart; keep it as journal
        set_journal(journal, st)
        st.problems.append("no title found before the journal")
        return
    set_journal(journal, st)
    set_title(" ".join(segs[:j]), st)


def _last_comma(text: str) -> int:
    """The position of the last comma outside brackets (``Microbiology (Reading, England)``
    keeps its comma), or -1."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        c = text[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
        elif c == "," and depth == 0:
            return i
    return -1


def _title_like(text: str) -> bool:
    """Words of a title rather than of a journal (``Correlation of B Cells in Nodes``)."""
    words = text.split()
    lower = sum(1 for w in words if w[:1].islower())
    return len(words) >= 6 or (len(words) >= 4 and lower >= 2)


def _journal_like(text: str) -> bool:
    """Could ``text`` (what follows a title's last comma) be a journal's name: capitalised,
    at most eight words, abbreviated or all words capitalised?"""
    words = text.split()
    if not 1 <= len(words) <= 8 or not words[0][:1].isupper():
        return False
    if is_abbreviated(text):
        return True
    return all(w[:1].isupper() or w.lower() in ("of", "and", "the", "in", "for", "&", ":")
               for w in words)  # fmt: skip


def _all_abbreviations(piece: str) -> bool:
    """``J.``, ``ACS Appl.``: nothing but journal-word abbreviations (so not a one-word title
    such as ``Stochasticity.``)."""
    for tok in piece.split():
        core = tok.rstrip(".")
        acronym = core.isupper() and len(core) <= 5
        if not (len(core) <= 2 or core.lower() in _ABBREV_WORDS or acronym):
            return False
    return True


def _is_abbrev_piece(piece: str) -> bool:
    """``Biol.``, ``ACS Appl.``: a piece of a journal abbreviation cut off at its full stops."""
    p = piece.strip()
    if not p.endswith(".") or not p[:1].isupper():
        return False
    tokens = p.split()
    if len(tokens) == 1:
        return len(p) <= 9
    if len(tokens) > 3:
        return False
    if all(
        (t.endswith(".") and len(t) <= 9 and t[:1].isupper()) or (t.isupper() and len(t) <= 5)
        for t in tokens
    ):
        return True  # "ACS Appl."
    # "Lancet Reg.": capitalised words ending in an abbreviation (not "Vitamin D.")
    last = tokens[-1]
    return (
        (4 <= len(last) <= 9 or last.rstrip(".").lower() in _ABBREV_WORDS)
        and last[:1].isupper()
        and all(t[:1].isupper() and t.isalpha() and len(t) <= 10 for t in tokens[:-1])
    )


def year_of(st: ParseState) -> int | None:
    issued = st.fields.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if parts and parts[0]:
            return int(parts[0][0])
    return None
