"""Records, indexes and PubMed query evaluation for the fake E-utilities (tests/fake_eutils.py).

Pure: nothing here opens a socket. The corpus and the built seed records are indexed once per
process (``base_indexes()``, about 1-2 s); a search is a few set operations.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from refkeeper.identifiers import normalize_doi, normalize_isbn
from refkeeper.resolve.pubmed import expand_pages, parse_medline_date

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
CORPUS = SHARED / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"
RECORDED = SHARED / "ncbi-samples" / "recorded"
BUILT = HERE / "data" / "ncbi"
DATABASES = ("pubmed", "nlmcatalog")
STOPWORDS = frozenset(
    "a about an and are as at be by for from in into is it of on or that the this to was were "
    "which with".split()
)
MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}

# --------------------------------------------------------------------------- text helpers


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm(text: str) -> str:
    """Lower case, accents off, punctuation to spaces, whitespace collapsed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_ALNUM.sub(" ", text.lower()).split())


def tokens(text: str) -> list[str]:
    return norm(text).split()


def _flat(el: Any) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _txt(el: Any, path: str) -> str:
    return _flat(el.find(path))


def _initials(author: Any) -> str:
    initials = _txt(author, "Initials")
    if not initials:
        fore = _txt(author, "ForeName")
        initials = "".join(w[0] for w in re.split(r"[\s-]+", fore) if w)
    return norm(initials).replace(" ", "")


# --------------------------------------------------------------------------- documents


@dataclass
class Doc:
    """What the fake knows about one record: the raw XML and the searchable fields."""

    uid: str
    db: str
    raw: bytes
    title: str = ""
    title_tokens: list[str] = field(default_factory=list)
    abstract_tokens: list[str] = field(default_factory=list)
    authors: list[tuple[str, str]] = field(default_factory=list)  # (family, initials) normed
    author_display: list[str] = field(default_factory=list)  # "Timmons CF"
    collective: list[str] = field(default_factory=list)
    journals: set[str] = field(default_factory=set)  # normalised names and ISSNs
    journal_iso: str = ""
    journal_full: str = ""
    date: tuple[int, ...] = ()
    pubdate_text: str = ""
    volume: str = ""
    issue: str = ""
    medline_pgn: str = ""
    pages: set[str] = field(default_factory=set)
    dois: set[str] = field(default_factory=set)
    aids: set[str] = field(default_factory=set)
    pmcid: str = ""
    isbns: set[str] = field(default_factory=set)
    pub_types: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    language: str = ""
    issn: str = ""
    publisher: str = ""
    place: str = ""
    edition: str = ""
    all_tokens: set[str] = field(default_factory=set)

    def author_keys(self) -> list[str]:
        return [f"{f} {i}".strip() for f, i in self.authors]


def _pubmed_doc(el: Any) -> Doc:
    book = el.tag == "PubmedBookArticle"
    cit = el.find("BookDocument" if book else "MedlineCitation")
    uid = _txt(cit, "PMID")
    doc = Doc(uid=uid, db="pubmed", raw=etree.tostring(el, encoding="utf-8"))
    art = cit if book else cit.find("Article")
    title = _txt(art, "ArticleTitle") or _txt(art, "VernacularTitle")
    if book and not title:
        title = _txt(cit, "Book/BookTitle")
    doc.title = title
    doc.title_tokens = tokens(title)
    doc.abstract_tokens = tokens(" ".join(_flat(a) for a in art.iterfind("Abstract/AbstractText")))
    for author in art.iterfind("AuthorList/Author"):
        if author.find("CollectiveName") is not None:
            doc.collective.append(norm(_txt(author, "CollectiveName")))
            continue
        family = _txt(author, "LastName")
        if family:
            initials = _initials(author)
            doc.authors.append((norm(family), initials))
            doc.author_display.append(f"{family} {_txt(author, 'Initials')}".strip())
    if book:
        pub_date = cit.find("Book/PubDate")
        doc.isbns = {i for n in cit.iterfind("Book/Isbn") if (i := normalize_isbn(_flat(n)))}
        doc.publisher = _txt(cit, "Book/Publisher/PublisherName")
        doc.journal_full = _txt(cit, "Book/BookTitle")
    else:
        journal = art.find("Journal")
        pub_date = journal.find("JournalIssue/PubDate")
        doc.journal_iso = _txt(journal, "ISOAbbreviation") or _txt(
            cit, "MedlineJournalInfo/MedlineTA"
        )
        doc.journal_full = _txt(journal, "Title")
        names = [doc.journal_iso, doc.journal_full, _txt(cit, "MedlineJournalInfo/MedlineTA")]
        doc.journals = {norm(n) for n in names if n}
        doc.journals |= {n[4:] for n in doc.journals if n.startswith("the ")}
        for node in [*journal.iterfind("ISSN"), cit.find("MedlineJournalInfo/ISSNLinking")]:
            if node is not None and _flat(node):
                doc.journals.add(_flat(node).lower())
        doc.issn = _txt(journal, "ISSN")
        doc.volume = _txt(journal, "JournalIssue/Volume")
        doc.issue = _txt(journal, "JournalIssue/Issue")
    medline = _txt(pub_date, "MedlineDate") if pub_date is not None else ""
    if medline:
        doc.date = tuple(parse_medline_date(medline))
        doc.pubdate_text = medline
    elif pub_date is not None and _txt(pub_date, "Year").isdigit():
        parts = [int(_txt(pub_date, "Year"))]
        month = _txt(pub_date, "Month")
        m = int(month) if month.isdigit() else MONTHS.get(month[:3].lower(), 0)
        if m:
            parts.append(m)
            if _txt(pub_date, "Day").isdigit():
                parts.append(int(_txt(pub_date, "Day")))
        doc.date = tuple(parts)
        doc.pubdate_text = " ".join(
            x
            for x in (
                _txt(pub_date, "Year"),
                month or _txt(pub_date, "Season"),
                _txt(pub_date, "Day"),
            )
            if x
        )
    pgn = _txt(art, "Pagination/MedlinePgn")
    start = _txt(art, "Pagination/StartPage")
    if not pgn and start:
        pgn = f"{start}-{_txt(art, 'Pagination/EndPage')}".rstrip("-")
    doc.medline_pgn = pgn
    if pgn:
        expanded = expand_pages(pgn)
        first = re.split(r"[-,\s]", expanded, maxsplit=1)[0]
        doc.pages = {pgn.lower(), expanded.lower(), first.lower()}
    ids_parent = el.find("PubmedData/ArticleIdList") if not book else cit.find("ArticleIdList")
    for node in [*(ids_parent if ids_parent is not None else ()), *art.iterfind("ELocationID")]:
        kind = node.get("IdType") or node.get("EIdType") or ""
        value = _flat(node)
        if not value or kind == "pubmed":
            continue
        if kind == "doi":
            doi = normalize_doi(value)
            if doi:
                doc.dois.add(doi)
                doc.aids.add(doi)
        elif kind == "pmc":
            doc.pmcid = value if value.upper().startswith("PMC") else f"PMC{value}"
        else:
            doc.aids.add(value.lower())
    doc.pub_types = [_flat(n) for n in art.iterfind("PublicationTypeList/PublicationType")]
    doc.pub_types += [_flat(n) for n in art.iterfind("PublicationType")]
    doc.mesh = [_flat(n) for n in cit.iterfind("MeshHeadingList/MeshHeading/DescriptorName")]
    doc.language = _txt(art, "Language")
    _finish(doc)
    return doc


def _nlm_doc(el: Any) -> Doc:
    uid = _txt(el, "NlmUniqueID")
    doc = Doc(uid=uid, db="nlmcatalog", raw=etree.tostring(el, encoding="utf-8"))
    doc.title = _txt(el, "TitleMain/Title").rstrip(" /:;,.")
    doc.title_tokens = tokens(doc.title)
    for author in el.iterfind("AuthorList/Author"):
        if author.find("CollectiveName") is not None:
            doc.collective.append(norm(_txt(author, "CollectiveName")))
        elif _txt(author, "LastName"):
            doc.authors.append((norm(_txt(author, "LastName")), _initials(author)))
            doc.author_display.append(f"{_txt(author, 'LastName')} {_txt(author, 'Initials')}")
    imprint = el.find("PublicationInfo/Imprint")
    if imprint is not None:
        doc.publisher = _txt(imprint, "Entity").rstrip(" ,:;")
        doc.place = _txt(imprint, "Place").rstrip(" ,:;")
        m = re.search(
            r"(1[5-9]|20)\d\d", _txt(imprint, "DateIssued") + _txt(imprint, "ImprintFull")
        )
        if m:
            doc.date = (int(m.group(0)),)
            doc.pubdate_text = m.group(0)
    doc.edition = _txt(el, "PublicationInfo/Edition")
    doc.isbns = {i for n in el.iterfind("ISBN") if (i := normalize_isbn(_flat(n).split(" ")[0]))}
    doc.pub_types = [_flat(n) for n in el.iterfind("PublicationTypeList/PublicationType")]
    doc.mesh = [_flat(n) for n in el.iterfind("MeshHeadingList/MeshHeading/DescriptorName")]
    _finish(doc)
    return doc


def _finish(doc: Doc) -> None:
    words = set(doc.title_tokens) | set(doc.abstract_tokens)
    for family, initials in doc.authors:
        words |= set(family.split()) | {initials}
    for name in doc.collective + list(doc.journals) + doc.mesh + doc.pub_types:
        words |= set(tokens(name))
    words |= set(tokens(" ".join([doc.publisher, doc.place, doc.edition])))
    words |= {doc.uid.lower(), doc.volume.lower(), doc.issue.lower()} | doc.pages | doc.isbns
    if doc.date:
        words.add(str(doc.date[0]))
    doc.all_tokens = {w for w in words if w}


# --------------------------------------------------------------------------- the index


class Index:
    """Inverted indexes over a set of Docs (one database)."""

    def __init__(self, docs: Iterable[Doc] = ()) -> None:
        self.docs: dict[str, Doc] = {}
        self.by: dict[str, dict[str, set[str]]] = {
            k: {}
            for k in ("ti", "tiab", "all", "ta", "dp", "vi", "ip", "pg", "aid", "doi", "isbn", "pt")
        }
        self.family: dict[str, dict[str, set[str]]] = {}  # first family token -> key -> uids
        self.first: dict[str, set[str]] = {}
        self.last: dict[str, set[str]] = {}
        for doc in docs:
            self.add(doc)

    def add(self, doc: Doc) -> None:
        uid = doc.uid
        self.docs[uid] = doc
        by = self.by
        for kind, keys_ in (
            ("ti", doc.title_tokens),
            ("tiab", doc.title_tokens),
            ("tiab", doc.abstract_tokens),
            ("all", doc.all_tokens),
            ("ta", doc.journals),
            ("dp", [str(doc.date[0])] if doc.date else []),
            ("vi", [doc.volume.lower()]),
            ("ip", [doc.issue.lower()]),
            ("pg", doc.pages),
            ("aid", doc.aids),
            ("doi", doc.dois),
            ("isbn", doc.isbns),
            ("pt", [norm(p) for p in doc.pub_types]),
        ):
            table = by[kind]
            for key in keys_:
                if key:
                    if key in table:
                        table[key].add(uid)
                    else:
                        table[key] = {uid}
        keys = doc.author_keys() + doc.collective
        for key in keys:
            self.family.setdefault(key.split(" ")[0], {}).setdefault(key, set()).add(uid)
        if keys:
            self.first.setdefault(keys[0], set()).add(uid)
            self.last.setdefault(keys[-1], set()).add(uid)

    def author_keys(self, query: str) -> list[str]:
        """Author keys ("timmons cf") that ``query`` names: "timmons", "timmons c", "timmons cf"."""
        q = norm(query)
        if not q:
            return []
        # "Timmons C. F." -> "timmons cf": initials written apart are joined
        q = re.sub(r"(?<= )((?:[a-z] )+[a-z])$", lambda m: m.group(1).replace(" ", ""), q)
        found = []
        for key in self.family.get(q.split(" ")[0], {}):
            if key == q or key.startswith(q + " "):
                found.append(key)
            elif key.startswith(q) and " " in q:
                # the query ends inside the initials: "timmons c" names "timmons cf"
                family_part = key.rsplit(" ", 1)[0]
                if len(q) > len(family_part):
                    found.append(key)
        return found


@lru_cache(maxsize=1)
def base_indexes() -> dict[str, Index]:
    """The corpus and the built seed records, indexed once per process."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    pubmed = Index()
    blobs = [gzip.decompress(CORPUS.read_bytes())] if CORPUS.exists() else []
    blobs += [p.read_bytes() for p in sorted(BUILT.glob("pubmed-*.xml"))]
    for blob in blobs:
        for el in etree.fromstring(blob, parser):
            if el.tag in ("PubmedArticle", "PubmedBookArticle"):
                pubmed.add(_pubmed_doc(el))
    nlm = Index()
    for path in sorted(BUILT.glob("nlmcatalog-*.xml")):
        for el in etree.fromstring(path.read_bytes(), parser).iterfind("NLMCatalogRecord"):
            nlm.add(_nlm_doc(el))
    return {"pubmed": pubmed, "nlmcatalog": nlm}


def docs_from_xml(data: bytes) -> list[Doc]:
    """Docs from a PubmedArticleSet or NLMCatalogRecordSet (for ``extra_records``)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    root = etree.fromstring(data, parser)
    if root.tag == "NLMCatalogRecordSet":
        return [_nlm_doc(el) for el in root.iterfind("NLMCatalogRecord")]
    return [_pubmed_doc(el) for el in root if el.tag in ("PubmedArticle", "PubmedBookArticle")]


# --------------------------------------------------------------------------- queries

FIELD_ALIASES = {
    "ti": "ti", "title": "ti", "tiab": "tiab", "title/abstract": "tiab",
    "au": "au", "auth": "au", "author": "au", "full author name": "au", "fau": "au", "cn": "au",
    "1au": "1au", "first author": "1au", "author - first": "1au",
    "lastau": "lastau", "last author": "lastau", "author - last": "lastau",
    "ta": "ta", "journal": "ta", "jour": "ta", "dp": "dp", "pdat": "dp",
    "publication date": "dp", "vi": "vi", "volume": "vi", "ip": "ip", "issue": "ip",
    "pg": "pg", "page": "pg", "pagination": "pg", "doi": "doi", "aid": "aid",
    "article identifier": "aid", "lid": "aid", "pmid": "uid", "uid": "uid", "isbn": "isbn",
    "pt": "pt", "publication type": "pt", "all": "all", "all fields": "all", "tw": "tiab",
}  # fmt: skip
FIELD_NAMES = {
    "ti": "Title", "tiab": "Title/Abstract", "au": "Author", "1au": "Author - First",
    "lastau": "Author - Last", "ta": "Journal", "dp": "Publication Date", "vi": "Volume",
    "ip": "Issue", "pg": "Pagination", "doi": "DOI", "aid": "Article Identifier", "uid": "UID",
    "isbn": "ISBN", "pt": "Publication Type", "all": "All Fields",
}  # fmt: skip
# a word may hold balanced parentheses ("10.1016/0005-2795(76)90109-4"); a leading "(" groups
_TOKEN_RE = re.compile(
    r'\s*(\(|\)|"[^"]*"?|\[[^\]]*\]|[^\s()\[\]"]+(?:\([^\s()\[\]"]*\)[^\s()\[\]"]*)*)'
)


class QueryError(ValueError):
    pass


@dataclass
class Term:
    tag: str | None
    value: str
    quoted: bool


Node = Term | tuple[str, Any, Any]


def parse_query(text: str) -> Node | None:
    """PubMed query syntax -> a tree of Terms and (op, left, right); left-to-right like PubMed."""
    toks = [m.group(1) for m in _TOKEN_RE.finditer(text) if m.group(1)]
    pos = 0

    def peek() -> str | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def is_word(tok: str | None) -> bool:
        return bool(tok) and tok not in ("(", ")", "AND", "OR", "NOT") and tok[0] not in '"['  # type: ignore[index]

    def unit() -> Node | None:
        tok = peek()
        if tok is None:
            return None
        if tok == "(":
            take()
            inner = expr()
            if peek() == ")":
                take()
            return inner
        if tok.startswith('"'):
            phrase = take().strip('"')
            tag = take()[1:-1] if (peek() or "").startswith("[") else None
            return Term(tag, phrase, True)
        if tok.startswith("["):  # a stray tag
            take()
            return unit()
        if not is_word(tok):
            take()
            return unit()
        words = []
        while is_word(peek()):
            words.append(take())
        if (peek() or "").startswith("["):
            return Term(take()[1:-1], " ".join(words), False)
        node: Node | None = None
        for w in words:
            node = Term(None, w, False) if node is None else ("AND", node, Term(None, w, False))
        return node

    def expr() -> Node | None:
        left = unit()
        while peek() not in (None, ")"):
            op = take() if peek() in ("AND", "OR", "NOT") else "AND"
            right = unit()
            if left is None:
                left = right
            elif right is not None:
                left = (op, left, right)
        return left

    tree = expr()
    while peek() is not None:  # unbalanced ")": ignore it and read on, as PubMed does
        take()
        more = expr()
        if more is not None:
            tree = more if tree is None else ("AND", tree, more)
    return tree


def _date_key(text: str, high: bool) -> tuple[int, int, int] | None:
    parts: list[int] = []
    for piece in re.findall(r"[A-Za-z]+|\d+", text):
        if piece.isdigit():
            parts.append(int(piece))
        elif piece[:3].lower() in MONTHS and len(parts) == 1:
            parts.append(MONTHS[piece[:3].lower()])
    if not parts or parts[0] < 1000:
        return None
    filler = [12, 31] if high else [0, 0]
    full = (parts + filler[len(parts) - 1 :])[:3]
    return (full[0], full[1], full[2])


class Searcher:
    """Evaluates a parsed query against one or more Indexes of a database."""

    def __init__(
        self,
        indexes: list[Index],
        drop_unknown: bool,
        default_tag: str | None,
        *,
        report_unmatched: bool = False,
    ) -> None:
        self.indexes = indexes
        self.drop_unknown = drop_unknown
        self.report_unmatched = report_unmatched
        self.default_tag = default_tag
        self.not_found: list[str] = []  # reported as PhraseNotFound
        self.unmatched: list[str] = []  # terms that matched no record
        self.fields_not_found: list[str] = []
        self.translation: list[str] = []

    def universe(self) -> set[str]:
        return {uid for ix in self.indexes for uid in ix.docs}

    def run(self, node: Node | None) -> set[str]:
        """The matching uids. Drop mode (``drop_unknown``, NCBI's behaviour for terms unknown
        to all of PubMed): a term that matches nothing is left out of the query and reported
        as PhraseNotFound, and the rest is searched. Otherwise such a term empties its AND
        (a PubMed word whose records are not held here); ``report_unmatched`` (the old
        "strict" mode, not NCBI's documented behaviour) then also reports those terms as
        PhraseNotFound when the search has no hit."""
        found = self._eval(node)
        result = set() if found is None else found
        if not self.drop_unknown and self.report_unmatched and not result:
            self.not_found = list(self.unmatched)
        return result

    def _eval(self, node: Node | None) -> set[str] | None:
        if node is None:
            return None
        if isinstance(node, Term):
            return self._term(node)
        op, left, right = node
        a, b = self._eval(left), self._eval(right)
        if a is None:
            return None if op == "NOT" else b
        if b is None:
            return a
        if op == "AND":
            return a & b
        if op == "OR":
            return a | b
        return a - b

    def _term(self, term: Term) -> set[str] | None:
        raw_tag = (term.tag or self.default_tag or "all").strip().lower()
        tag = FIELD_ALIASES.get(raw_tag)
        if tag is None:
            self.fields_not_found.append(raw_tag)
            return None
        if (
            tag in ("ti", "tiab", "all")
            and not term.quoted
            and all(w in STOPWORDS for w in tokens(term.value))
        ):
            return None  # stopwords are not searched
        self.translation.append(f'"{term.value}"[{FIELD_NAMES[tag]}]')
        found: set[str] = set()
        for ix in self.indexes:
            found |= self._match(ix, tag, term)
        if found:
            return found
        self.unmatched.append(term.value)
        if not self.drop_unknown:
            return found
        self.not_found.append(term.value)
        return None

    def _match(self, ix: Index, tag: str, term: Term) -> set[str]:
        value = term.value.strip()
        if tag in ("ti", "tiab", "all"):
            words = tokens(value)
            if term.quoted and len(words) > 1:
                return self._phrase(ix, tag, words)
            words = [w for w in words if w not in STOPWORDS] or words
            if value.endswith("*") and words:  # truncation: leiomyosarcom*
                stem = words.pop()
                table = ix.by[tag]
                prefixed = {u for key, uids in table.items() if key.startswith(stem) for u in uids}
                sets = [prefixed] + [table.get(w, set()) for w in words]
                return set.intersection(*sets)
            sets = [ix.by[tag].get(w, set()) for w in words]
            return set.intersection(*sets) if sets else set()
        if tag in ("au", "1au", "lastau"):
            keys = ix.author_keys(value)
            if tag == "au":
                return {u for k in keys for u in ix.family[k.split(" ")[0]][k]}
            table = ix.first if tag == "1au" else ix.last
            return {u for k in keys for u in table.get(k, set())}
        if tag == "ta":
            return set(ix.by["ta"].get(norm(value), set()) | ix.by["ta"].get(value.lower(), set()))
        if tag == "dp":
            return self._dates(ix, value)
        if tag in ("vi", "ip", "pg", "pt"):
            key = norm(value) if tag == "pt" else value.lower()
            return set(ix.by[tag].get(key, set()))
        if tag in ("doi", "aid"):
            doi = normalize_doi(value)
            hits = set(ix.by[tag].get(doi, set())) if doi else set()
            return hits | (ix.by[tag].get(value.lower(), set()) if tag == "aid" else set())
        if tag == "uid":
            uid = value.lstrip("0") if ix.docs and next(iter(ix.docs)).isdigit() else value
            return {uid} if uid in ix.docs else set()
        if tag == "isbn":
            isbn = normalize_isbn(value)
            return set(ix.by["isbn"].get(isbn, set())) if isbn else set()
        return set()

    def _phrase(self, ix: Index, tag: str, words: list[str]) -> set[str]:
        sets = [ix.by["tiab" if tag == "all" else tag].get(w, set()) for w in words]
        hits = set()
        for uid in set.intersection(*sets):
            doc = ix.docs[uid]
            seqs = [doc.title_tokens] + ([doc.abstract_tokens] if tag != "ti" else [])
            n = len(words)
            if any(seq[i : i + n] == words for seq in seqs for i in range(len(seq) - n + 1)):
                hits.add(uid)
        if tag == "all":
            hits |= ix.by["ta"].get(" ".join(words), set())
            hits |= {u for k in ix.author_keys(" ".join(words)) for u in ix.family[k.split()[0]][k]}
        return hits

    def _dates(self, ix: Index, value: str) -> set[str]:
        lo_text, _, hi_text = value.partition(":")
        lo = _date_key(lo_text, high=False)
        hi = _date_key(hi_text or lo_text, high=True)
        if lo is None or hi is None:
            return set()
        if not hi_text and re.fullmatch(r"\s*\d{4}\s*", lo_text):
            return set(ix.by["dp"].get(lo_text.strip(), set()))
        hits = set()
        for uid, doc in ix.docs.items():
            if not doc.date:
                continue
            d = (list(doc.date) + [0, 0])[:3]
            d_lo = (d[0], d[1], d[2])
            d_hi = (d[0], d[1] or 12, d[2] or 31)
            if d_lo <= hi and d_hi >= lo:
                hits.add(uid)
        return hits
