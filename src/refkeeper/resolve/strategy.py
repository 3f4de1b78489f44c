"""The E-utilities source: many references, few requests (the rounds of :class:`EntrezSource`).

Rounds, each batched over all references still open:

1. identifiers written in the reference or its citation key: PMIDs are fetched directly; DOIs
   and PMCIDs are looked up with ESearch (``"..."[doi] OR ...``, many per request); ISBNs in the
   NLM Catalog (``...[isbn] OR ...``);
2. ECitMatch for journal articles with journal, year, volume, first page and first author
   (up to 200 citations per request);
3. books: the NLM Catalog by title words;
4. ESearch in PubMed with field tags for the rest (books included: PubMed holds Bookshelf
   books, and a reference parsed as a book may be an article), in loosening tiers (title
   words and first author; first author, year and journal; title words alone), the queries of
   many references joined with ``OR`` in one request;

after each round all new candidate PMIDs are fetched with EFetch (200 per POST); the loop of
:mod:`refkeeper.resolve.source` then verifies every candidate against the reference as written
(:func:`refkeeper.resolve.match.decide`). What stays open at the end is ambiguous (candidates
and scores kept) or not found (what was tried kept). Offline, requests not in the cache leave
their references unresolved with the reason; a network failure stops the run with
:class:`RetriesExhausted` carrying the resolutions so far.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from refkeeper.bibfields import year_of
from refkeeper.errors import InputError
from refkeeper.identifiers import normalize_doi, normalize_isbn, normalize_pmcid, normalize_pmid
from refkeeper.models import Candidate, CSLItem, Reference, Resolution, Status, Work
from refkeeper.resolve.client import CitationQuery, EntrezClient, NotCached
from refkeeper.resolve.match import first_page, label_of, norm_text
from refkeeper.resolve.source import (
    Probe,
    Progress,
    Source,
    open_probes,
    reference_fields,
    resolve_with,
)

__all__ = [
    "EntrezSource",
    "Sources",
    "as_sources",
    "citation_query",
    "is_identifier",
    "reference_fields",
    "resolve_identifier",
    "resolve_references",
    "title_words",
]

Sources = EntrezClient | Source | Sequence[Source]
"""What the entry points accept: sources in order, one source, or an Entrez client."""

IDS_PER_SEARCH = 50
"""Identifiers OR-combined in one ESearch."""
QUERIES_PER_SEARCH = 40
"""Per-reference field-tag queries OR-combined in one ESearch."""
SEARCH_RETMAX = 500
"""Ids taken from one combined search; above this the group is split and searched again."""
MIN_GROUP = 10
"""A group over the cap is split in halves down to this many references, never below; a
smaller group over the cap is searched again once with narrower queries."""

_TITLE_STOP = frozenset(
    """a about above after again against all also among an and any are as at be been before
    being between both but by can could did do does during each either for from had has have
    having here how however if in into is it its more most no nor not of off on once only or
    other our out over per same should so some such than that the their them then there these
    they this those through to too under until up upon using very via was we were what when
    where which while who whom why will with within without would""".split()
)


class EntrezSource:
    """PubMed and the NLM Catalog through the E-utilities (:class:`EntrezClient`): the
    rounds of the module docstring, batched over every reference still open."""

    name = "eutils"

    def __init__(self, client: EntrezClient) -> None:
        self.client = client

    def __repr__(self) -> str:
        return f"EntrezSource({self.client!r})"

    def find(self, probes: Sequence[Probe]) -> Iterator[str]:
        run = _Run(probes, self.client)
        run.identifiers()
        yield "identifiers"
        run.books_by_isbn()
        yield "nlmcatalog-isbn"
        if run.ecitmatch():
            yield "ecitmatch"
        if run.books_by_title():
            yield "nlmcatalog-title"
        yield from run.searches()  # articles, and books the NLM Catalog did not hold

    def lookup(
        self, kind: str, values: Sequence[str], *, refresh: bool = False
    ) -> dict[str, list[Work]]:
        return {v: _lookup(kind, v, self.client, refresh=refresh) for v in dict.fromkeys(values)}

    def fetch(self, ids: Sequence[str], *, refresh: bool = False) -> list[Work]:
        return self.client.fetch_pubmed(ids, refresh=refresh)

    def close(self) -> None:
        self.client.session.close()


class _Run:
    """One pass of the E-utilities rounds over the probes of a resolution run."""

    def __init__(self, probes: Sequence[Probe], client: EntrezClient) -> None:
        self.client = client
        self.states = probes
        self.works: dict[str, Work] = {}  # pmid -> record, fetched this run

    # -------------------------------------------------------------------- bookkeeping

    def open_states(self, *, books: bool | None = None) -> list[Probe]:
        return open_probes(self.states, books=books)

    def offline_guard(self, misses: Iterable[tuple[Probe, str]]) -> None:
        """Offline, a request is not in the cache: each reference of the batch records what
        it needed itself (its own identifier or query), never the batch's request."""
        for s, what in misses:
            s.offline_misses.append(what)

    # -------------------------------------------------------------------- fetching

    def fetch_pending(self) -> None:
        wanted = {p for s in self.states for p in s.pending if p not in self.works}
        if wanted:
            try:
                for work in self.client.fetch_pubmed(sorted(wanted, key=int)):
                    if work.pmid:
                        self.works[work.pmid] = work
            except NotCached:
                self.offline_guard(
                    (s, "efetch PMID " + ", ".join(sorted(s.pending & wanted, key=int)))
                    for s in self.states
                    if s.pending & wanted
                )
        for s in self.states:
            for pmid in sorted(s.pending):
                fetched = self.works.get(pmid)
                strategy = s.found_by.get(f"pmid:{pmid}", "search")
                if fetched is not None and _carries_identifier(s.fields, fetched, strategy):
                    s.add(fetched, strategy)
                elif fetched is None and not s.offline_misses:
                    s.tried.append(f"efetch: no PubMed record {pmid}")
            s.pending.clear()

    def mark(self, s: Probe, pmids: Iterable[str], strategy: str) -> None:
        for pmid in pmids:
            s.pending.add(pmid)
            s.found_by.setdefault(f"pmid:{pmid}", strategy)

    # -------------------------------------------------------------------- stage 1: identifiers

    def identifiers(self) -> None:
        for s in self.open_states():
            if s.fields.get("PMID"):
                pmid = str(s.fields["PMID"])
                s.tried.append(f"pmid {pmid}")
                self.mark(s, [pmid], "pmid")
        for name, tag in (("DOI", "doi"), ("PMCID", "pmcid")):
            states = [s for s in self.open_states() if s.fields.get(name) and not s.is_book]
            for group in _chunks(states, IDS_PER_SEARCH):
                values = sorted({str(s.fields[name]) for s in group})
                term = " OR ".join(f'"{v}"[{tag}]' for v in values)
                try:
                    result = self.client.esearch(term)
                except NotCached:
                    self.offline_guard((s, f"esearch {s.fields[name]}[{tag}]") for s in group)
                    continue
                for s in group:
                    s.tried.append(f"esearch {s.fields[name]}[{tag}]")
                    # which hit carries which identifier is known after the fetch
                    self.mark(s, result.ids, tag)
        self.fetch_pending()

    def books_by_isbn(self) -> None:
        states = [s for s in self.open_states() if s.fields.get("ISBN")]
        for group in _chunks(states, IDS_PER_SEARCH):
            values = sorted({str(s.fields["ISBN"]) for s in group})
            term = " OR ".join(f"{v}[isbn]" for v in values)
            try:
                result = self.client.esearch(term, db="nlmcatalog")
                works = self.client.fetch_nlmcatalog(result.ids) if result.ids else []
            except NotCached:
                self.offline_guard((s, f"nlmcatalog {s.fields['ISBN']}[isbn]") for s in group)
                continue
            for s in group:
                s.tried.append(f"nlmcatalog {s.fields['ISBN']}[isbn]")
                for work in works:
                    isbns = re.findall(r"[\dXx]{10,13}", str(work.csl.get("ISBN") or work.isbn))
                    if len(group) == 1 or s.fields["ISBN"] in isbns:
                        s.add(work, "nlmcatalog-isbn")

    # -------------------------------------------------------------------- stage 2: ECitMatch

    def ecitmatch(self) -> bool:
        """False when no reference could be asked (nothing to verify)."""
        queries: dict[str, tuple[Probe, CitationQuery]] = {}
        for s in self.open_states(books=False):
            query = citation_query(s)
            if query is not None:
                queries[query.key] = (s, query)
        if not queries:
            return False
        try:
            answers = self.client.ecitmatch([q for _, q in queries.values()])
        except NotCached:
            self.offline_guard(
                (s, f"ecitmatch {q.author}, {q.journal} {q.year};{q.volume}:{q.first_page}")
                for s, q in queries.values()
            )
            return False
        for key, (s, _query) in queries.items():
            answer = answers.get(key)
            if answer is None:
                s.tried.append("ecitmatch: no answer line")
            elif answer.pmid:
                s.tried.append(f"ecitmatch -> {answer.pmid}")
                self.mark(s, [answer.pmid], "ecitmatch")
            else:
                s.tried.append(f"ecitmatch: {answer.status}")
        self.fetch_pending()
        return True

    # -------------------------------------------------------------------- stage 3: ESearch

    def searches(self) -> Iterator[str]:
        """The field-tag search tiers; yields after each tier that searched."""
        for tier, build in enumerate(
            (_query_title_author, _query_citation, _query_title_only), start=1
        ):
            todo: list[tuple[Probe, str]] = []
            for s in self.open_states():
                query = build(s.fields)
                if query and query not in s.tried:
                    todo.append((s, query))
            if not todo:
                continue
            self._search_groups(todo, f"esearch-{tier}")
            self.fetch_pending()
            yield f"esearch-{tier}"

    def _search_groups(
        self, todo: list[tuple[Probe, str]], strategy: str, db: str = "pubmed"
    ) -> None:
        for group in _chunks(todo, QUERIES_PER_SEARCH):
            self._search_group(group, strategy, db)

    def _search_group(
        self, group: list[tuple[Probe, str]], strategy: str, db: str, *, retry: bool = True
    ) -> None:
        term = " OR ".join(f"({q})" for _, q in group) if len(group) > 1 else group[0][1]
        try:
            result = self.client.esearch(term, db=db, retmax=SEARCH_RETMAX)
        except NotCached:
            where = "esearch" if db == "pubmed" else f"{db} esearch"
            self.offline_guard((s, f"{where} {q}") for s, q in group)
            return
        unknown = {
            p.split(":", 1)[1].strip().strip('"').lower()
            for p in result.problems
            if p.startswith("PhraseNotFound:")
        }
        if result.count > len(result.ids):
            # over the cap: first leave out the queries PubMed reduced to almost nothing by
            # dropping their unknown terms (a misspelt name and journal: the year is left)
            loose = [(s, q) for s, q in group if _anchors(q, unknown) < 2]
            if loose:
                for s, q in loose:
                    s.tried += [q, "esearch: too loose once unknown terms are dropped"]
                rest = [(s, q) for s, q in group if (s, q) not in loose]
                if rest:
                    self._search_group(rest, strategy, db, retry=retry)
                return
            if len(group) >= 2 * MIN_GROUP:
                half = len(group) // 2
                self._search_group(group[:half], strategy, db, retry=retry)
                self._search_group(group[half:], strategy, db, retry=retry)
                return
            if retry:
                # a small group still over the cap: searched again once with narrower
                # queries (the hits so far are kept too)
                narrow = [(s, n) for s, q in group if (n := _narrower(q, s.fields)) != q]
                if narrow:
                    self._search_group(narrow, strategy, db, retry=False)
        for s, query in group:
            s.tried.append(query)
            mine = sorted(w for w in unknown if w in _term_values(query))
            if mine:
                s.tried.append("esearch: not in the index: " + ", ".join(mine))
            if db == "pubmed":
                self.mark(s, result.ids, strategy)
        if unknown and retry and len(group) == 1:
            # NCBI drops unknown terms itself; a server that does not gets a lone query again
            # without them (a misspelt title word must not hide the record). A group is not
            # searched again: its other queries, narrow enough, stand on their own.
            again = [(s, q2) for s, q in group if (q2 := _drop_terms(q, unknown)) not in (None, q)]
            if again:
                self._search_group(again, strategy, db, retry=False)
        if db == "nlmcatalog" and result.ids:
            try:
                works = self.client.fetch_nlmcatalog(result.ids)
            except NotCached:
                self.offline_guard((s, f"nlmcatalog records found by {q}") for s, q in group)
                return
            for s, _ in group:
                for work in works:
                    s.add(work, strategy)

    # -------------------------------------------------------------------- stage 4: books

    def books_by_title(self) -> bool:
        """False when no book had title words to search with."""
        todo = []
        for s in self.open_states(books=True):
            words = title_words(s.fields.get("title"), limit=6)
            if words:
                todo.append((s, " AND ".join(f"{w}[ti]" for w in words)))
        if not todo:
            return False
        self._search_groups(todo, "nlmcatalog-title", db="nlmcatalog")
        return True


# ---------------------------------------------------------------------- pure query builders


def _term_values(query: str) -> set[str]:
    """The values of a field-tagged query's terms: ``'"cell physiology"[ta] AND x[ti]'`` ->
    ``{'cell physiology', 'x'}``. Pure."""
    return {m.strip().strip('"').lower() for m in re.findall(r'("[^"]*"|[^\s()"]+)\[', query)}


def _drop_terms(query: str, values: set[str]) -> str | None:
    """``query`` (terms joined by AND) without the terms whose value is in ``values``; None
    when fewer than two terms would be left. Pure."""
    if " OR " in query:
        return None
    parts = query.split(" AND ")
    kept = [p for p in parts if p.split("[", 1)[0].strip().strip('"').lower() not in values]
    return " AND ".join(kept) if len(kept) >= 2 else None


def _carries_identifier(fields: CSLItem, work: Work, strategy: str) -> bool:
    """A hit of an identifier search counts only for the reference whose identifier it has."""
    if strategy == "doi":
        return (work.doi or "").lower() == str(fields.get("DOI", "")).lower()
    if strategy == "pmcid":
        return (work.pmcid or "").upper() == str(fields.get("PMCID", "")).upper()
    return True


T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _first_author(fields: CSLItem) -> dict[str, str] | None:
    for role in ("author", "editor"):
        names = fields.get(role)
        if isinstance(names, list) and names and isinstance(names[0], dict):
            return names[0]
    return None


def _initials(given: str) -> str:
    parts = [p for p in re.split(r"[\s.\-]+", given) if p]
    if len(parts) == 1 and parts[0].isupper() and len(parts[0]) <= 4:
        return parts[0].lower()
    return "".join(p[0] for p in parts).lower()


def citation_query(s: Probe) -> CitationQuery | None:
    """The ECitMatch line for a journal article, or None when a field is missing. Pure."""
    f = s.fields
    journal = f.get("container-title-short") or f.get("container-title")
    year = year_of(f)
    volume = str(f.get("volume") or "").strip()
    page = first_page(f.get("page"), keep_zeros=True)
    author = _first_author(f)
    if not (journal and year and volume and page and author and author.get("family")):
        return None
    name = norm_text(author["family"])
    initials = _initials(str(author.get("given") or ""))
    return CitationQuery(
        key=f"r{s.index}",
        journal=str(journal),
        year=str(year),
        volume=volume,
        first_page=page,
        author=f"{name} {initials}".strip(),
    )


def _significant(text: str) -> list[str]:
    words = [w for w in norm_text(text).split() if len(w) > 2 and w not in _TITLE_STOP]
    return list(dict.fromkeys(w for w in words if not w.isdigit()))


def title_words(title: object, limit: int = 6) -> list[str]:
    """The most distinctive words of a title (longest first, kept in title order), taken from
    its longest sentence when it has several: the others may be a subtitle the record lacks,
    or author or journal words a parser left in the title. Pure."""
    text = str(title or "")
    unique = _significant(text)
    sentences = [_significant(p) for p in re.split(r"(?<=\w\w)[.?!]\s+(?=\S)", text)]
    longest = max(sentences, key=len)
    if len(sentences) > 1 and len(longest) >= 3:
        unique = longest
    chosen = set(sorted(unique, key=lambda w: (-len(w), unique.index(w)))[:limit])
    return [w for w in unique if w in chosen]


def _author_term(fields: CSLItem) -> str | None:
    author = _first_author(fields)
    if not author:
        return None
    family = norm_text(author.get("family") or "")
    if not family:
        return None
    return f'"{family}"[1au]' if " " in family else f"{family}[1au]"


_QUOTED = re.compile(r'(?:^|(?<=[\s(]))[“"‘\']([^“”"‘’\']{20,}?)[”"’\']')


def _title(fields: CSLItem) -> str:
    """The title to search with: the parsed one, or, when the parser found none (or a
    shorter one than a quoted passage of the reference), what the reference quotes, else its
    longest sentence. Pure."""
    title = str(fields.get("title") or "")
    raw = str(fields.get("_raw") or "")
    quoted = max(_QUOTED.findall(raw), key=len, default="")
    if len(quoted.split()) >= 4 and len(quoted) > len(title):
        return quoted
    if title or not raw:
        return title
    return max(re.split(r"(?<=\w\w)[.?!]\s+", raw), key=lambda p: len(_significant(p)))


def _year(fields: CSLItem) -> int | None:
    """The parsed year, or the one year the reference writes. Pure."""
    year = year_of(fields)
    if year is None:
        found = set(re.findall(r"\b(1[89]\d\d|20\d\d)\b", str(fields.get("_raw") or "")))
        year = int(found.pop()) if len(found) == 1 else None
    return year


def _anchors(query: str, unknown: set[str]) -> int:
    """How many terms of ``query`` other than the date PubMed still searches with once it
    has dropped the ``unknown`` ones. Pure."""
    terms = re.findall(r'("[^"]*"|[^\s()"]+)\[(\w+)\]', query)
    return sum(1 for value, tag in terms if tag != "dp" and value.strip('"').lower() not in unknown)


def _narrower(query: str, fields: CSLItem) -> str:
    """``query`` with the year (or the volume) added, when it does not have it yet. Pure."""
    year = _year(fields)
    if year and "[dp]" not in query:
        return f"({query}) AND {year}[dp]"
    volume = norm_text(fields.get("volume") or "")
    if volume and "[vi]" not in query:
        return f"({query}) AND {volume.split()[0]}[vi]"
    return query


def _query_title_author(fields: CSLItem) -> str | None:
    words = title_words(_title(fields))
    if len(words) < 2:
        return None
    parts = [f"{w}[ti]" for w in words]
    author = _author_term(fields)
    year = _year(fields)
    if author:
        parts.append(author)
    elif year:
        parts.append(f"{year}[dp]")
    return " AND ".join(parts)


def _query_citation(fields: CSLItem) -> str | None:
    """First author, year and where the work is: volume and first page when the reference
    gives them (narrow even when NCBI drops a misspelt name), else the journal and the
    title's longest word (never author and year alone: thousands of hits)."""
    author = _author_term(fields)
    year = _year(fields)
    if not (author and year):
        return None
    parts = [author, f"{year}[dp]"]
    journal = fields.get("container-title-short") or fields.get("container-title")
    volume = norm_text(fields.get("volume") or "")
    page = first_page(fields.get("page"))
    if volume and page and re.fullmatch(r"[a-z]?\d+[a-z]?", page):
        parts += [f"{volume.split()[0]}[vi]", f"{page}[pg]"]
    elif journal:
        parts.append(f'"{norm_text(journal)}"[ta]')
        parts += [f"{w}[ti]" for w in title_words(_title(fields), limit=1)]
    else:
        return None
    return " AND ".join(parts)


def _query_title_only(fields: CSLItem) -> str | None:
    """Title words in two interleaved halves joined by OR, so one misspelt or changed word
    cannot hide the record, kept narrow by the year (verification rejects the rest)."""
    words = title_words(_title(fields), limit=6)
    year = _year(fields)
    if len(words) < 4 or not year:
        return None
    halves = (words[0::2], words[1::2])
    either = " OR ".join("(" + " AND ".join(f"{w}[ti]" for w in half) + ")" for half in halves)
    return f"({either}) AND {year}[dp]"


# ---------------------------------------------------------------------- public entry points


def as_sources(sources: Sources) -> list[Source]:
    """The ordered list of sources ``sources`` stands for (an Entrez client is wrapped)."""
    if isinstance(sources, EntrezClient):
        return [EntrezSource(sources)]
    if isinstance(sources, Source):
        return [sources]
    return list(sources)


def resolve_references(
    refs: Sequence[Reference], sources: Sources, *, progress: Progress | None = None
) -> list[Resolution]:
    """Resolve every reference (same order as ``refs``) with as few requests as possible,
    through ``sources`` in order (see :func:`refkeeper.resolve.source.resolve_with`).

    ``progress(done, total)`` is called as references settle. Raises
    :class:`~refkeeper.errors.RetriesExhausted` (``partial``: a list of Resolution, the
    unfinished ones UNRESOLVED with the reason) when a source keeps failing.
    """
    return resolve_with(refs, as_sources(sources), progress=progress)


_IDENT_RE = re.compile(r"^\s*(pmid|doi|pmcid|isbn)\s*:\s*(\S.*?)\s*$", re.IGNORECASE)


def is_identifier(text: str) -> bool:
    """``pmid:8620427``, ``doi:10...``, ``pmcid:PMC...`` or ``isbn:...`` (whole text). Pure."""
    return _IDENT_RE.match(text) is not None and len(text.split()) <= 2


def resolve_identifier(ident: str, sources: Sources, *, refresh: bool = False) -> Resolution:
    """Resolve ``pmid:..``, ``doi:..``, ``pmcid:..`` or ``isbn:..`` to its record: the first
    source (in order) that holds it answers; ``refresh`` goes past caches.

    Raises InputError for something that is not such an identifier.
    """
    m = _IDENT_RE.match(ident)
    if not m:
        raise InputError(f"not an identifier: {ident!r} (expected pmid:, doi:, pmcid: or isbn:)")
    kind, raw = m.group(1).lower(), m.group(2)
    normalize = {
        "pmid": normalize_pmid,
        "doi": normalize_doi,
        "pmcid": normalize_pmcid,
        "isbn": normalize_isbn,
    }[kind]
    value = normalize(raw)
    if not value:
        raise InputError(f"not a valid {kind.upper()}: {raw!r}")
    works: list[Work] = []
    try:
        for source in as_sources(sources):
            works = source.lookup(kind, [value], refresh=refresh).get(value) or []
            if works:
                break
    except NotCached as exc:
        return Resolution(Status.UNRESOLVED, tried=(f"{kind}:{value}",), reason=str(exc))
    tried = (f"{kind}:{value}",)
    if len(works) == 1:
        return Resolution(Status.RESOLVED, work=works[0], strategy=kind, score=1.0, tried=tried)
    if not works:
        where = "the NLM Catalog" if kind == "isbn" else "PubMed"
        return Resolution(
            Status.NOT_FOUND, tried=tried, reason=f"no {where} record for {kind}:{value}"
        )
    candidates = tuple(Candidate(w.id, 1.0, {"identifier": 1.0}, label_of(w)) for w in works)
    return Resolution(
        Status.AMBIGUOUS,
        candidates=candidates,
        tried=tried,
        reason=f"{len(works)} records carry {kind}:{value}",
    )


def _lookup(kind: str, value: str, client: EntrezClient, *, refresh: bool = False) -> list[Work]:
    if kind == "pmid":
        return client.fetch_pubmed([value], refresh=refresh)
    if kind == "isbn":
        ids = client.esearch(f"{value}[isbn]", db="nlmcatalog", refresh=refresh).ids
        works = client.fetch_nlmcatalog(ids, refresh=refresh) if ids else []
        return [w for w in works if value in re.findall(r"[\dXx]{10,13}", str(w.csl.get("ISBN")))]
    if kind not in ("doi", "pmcid"):
        return []
    ids = client.esearch(f'"{value}"[{kind}]', refresh=refresh).ids
    works = client.fetch_pubmed(ids, refresh=refresh) if ids else []
    attr = "doi" if kind == "doi" else "pmcid"
    return [w for w in works if (getattr(w, attr) or "").lower() == value.lower()]
