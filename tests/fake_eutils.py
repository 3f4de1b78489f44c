"""A local fake of NCBI's E-utilities, on real sockets (127.0.0.1), for tests and benchmarks.

It serves the 1,648 real PubMed records of ``../shared/corpus/pubmed/`` plus the seed records
built in ``tests/data/ncbi/`` (PubMed) and the WHO book (db=nlmcatalog), and answers as NCBI
does: ``esearch.fcgi`` (field tags, AND/OR/NOT, parentheses, quoted phrases, history),
``efetch.fcgi`` (GET and POST, ids or WebEnv+query_key), ``esummary.fcgi`` (XML v1 and JSON),
``epost.fcgi``, ``ecitmatch.cgi``, ``einfo.fcgi`` (recorded answers) and the PMC ID converter
(``.../idconv/v1.0/``). NCBI's rate limit (3/s, 10/s with api_key; 429 with NCBI's JSON body)
and faults (429 storms, 5xx, slow answers, timeouts, dropped connections, an HTML page with
status 200, truncated XML, an ``<ERROR>`` element) are switched on per test.

No pytest import: benchmark scripts use it too::

    sys.path.insert(0, "<repo>/tests")
    from fake_eutils import FakeEutils
    with FakeEutils(rate_limit=True) as fake:
        client = EntrezClient(session, base_url=fake.url)
        ...
        print(len(fake.requests))

What is real and what is synthesized: the ten requests of RECORDED_REPLAYS are answered with
NCBI's recorded bytes (../shared/ncbi-samples/recorded/), and einfo with the recorded einfo1/2.
Everything else is built here: the esearch/epost/esummary envelopes, the ECitMatch lines and
the ID converter's JSON follow the shapes of EUTILS.md and the recordings; efetch serves the
1,648 real PubMed records of the corpus (real XML, re-wrapped per request) and the seed records
built by hand from SEED-FACTS.md (tests/data/ncbi/, each marked as built).

NCBI-like by default; behaviour EUTILS.md and the recordings do not describe is off unless asked
for. Where NCBI's behaviour is not known the choice is a parameter, so a benchmark can report
its figures under each assumption:

- ``absent_terms``: the corpus is a small subset of PubMed, so a term that matches none of its
  records may be a PubMed word whose records are not served here, or a word unknown to all of
  PubMed. ``"unknown"`` (default, the documented behaviour for unknown words, as in the
  recorded esearch8.xml): the term is dropped from the query, which is searched without it,
  and reported as ``ErrorList/PhraseNotFound``. ``"known"``: the term empties its AND and a
  search without hits answers ``Count`` 0 with the ``WarningList`` "No items found." and no
  ErrorList. ``"strict"`` (the fake's former default, not NCBI's behaviour): the term empties
  its AND and, when nothing is found, is also reported as PhraseNotFound.
- ``citmatch_relax``: ECitMatch retries a citation that matches nothing without the author,
  then without the year (the fake's former behaviour; NCBI documents no such relaxation).
  Default off: every field given must match.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from fake_eutils_index import (
    BUILT,
    CORPUS,
    DATABASES,
    RECORDED,
    Doc,
    Index,
    Node,
    QueryError,
    Searcher,
    Term,
    base_indexes,
    docs_from_xml,
    norm,
    parse_query,
)
from fake_http import QuietHandler
from refkeeper.identifiers import normalize_doi

__all__ = [
    "ABSENT_TERMS", "BUILT", "CORPUS", "RECORDED", "Doc", "Fault", "FakeEutils", "Index",
    "Recorded", "base_indexes", "docs_from_xml", "iter_docs", "parse_query",
]  # fmt: skip

PUBMED_DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">'
)
NLM_DOCTYPE = (
    '<!DOCTYPE NLMCatalogRecordSet PUBLIC "-//NLM//DTD NLMCatalogRecordSet, 1st June 2017//EN" '
    '"https://www.nlm.nih.gov/databases/dtd/nlmcatalogrecordset_170601.dtd">'
)
ESEARCH_DOCTYPE = (
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">'
)
EPOST_DOCTYPE = (
    '<!DOCTYPE ePostResult PUBLIC "-//NLM//DTD epost 20090526//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20090526/epost.dtd">'
)
ESUMMARY_DOCTYPE = (
    '<!DOCTYPE eSummaryResult PUBLIC "-//NLM//DTD esummary v1 20041029//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20041029/esummary-v1.dtd">'
)
XML_DECL = '<?xml version="1.0" encoding="UTF-8" ?>\n'
HTML_ERROR_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>NCBI - WWW Error 503</title></head><body>"
    "<h1>Service unavailable</h1><p>The server is temporarily unable to service your request. "
    "Please try again later.</p></body></html>\n"
)


# The requests recorded in ../shared/ncbi-samples/recorded/ (MANIFEST.md): answered byte for byte.
RECORDED_REPLAYS: tuple[tuple[str, dict[str, str], str], ...] = (
    ("esearch.fcgi", {"db": "pubmed", "term": "biopython"}, "esearch1.xml"),
    (
        "esearch.fcgi",
        {"db": "pubmed", "term": "PNAS[ta] AND 97[vi]", "retstart": "6"},
        "esearch3.xml",
    ),
    ("esearch.fcgi", {"db": "protein", "term": "abcXYZ"}, "esearch8.xml"),
    ("elink.fcgi", {"dbfrom": "pubmed", "id": "9298984", "cmd": "neighbor"}, "elink1.xml"),
    ("elink.fcgi", {"dbfrom": "pubmed", "id": "11812492,11774222", "db": "pubmed"}, "elink3.xml"),
    ("elink.fcgi", {"dbfrom": "pubmed", "id": "10611131", "cmd": "prlinks"}, "elink5.xml"),
    ("espell.fcgi", {"db": "pubmed", "term": "biopythooon"}, "espell.xml"),
    ("efetch.fcgi", {"db": "journals", "id": "2830,6011,7473"}, "journals.xml"),
    ("efetch.fcgi", {"db": "pmc", "id": "2682512,3468381"}, "efetch_pmc.xml"),
    ("esummary.fcgi", {"db": "pubmed", "id": "11850928,11482001"}, "esummary1.xml"),
)


# --------------------------------------------------------------------------- faults & requests


ABSENT_TERMS = ("unknown", "known", "strict")
"""How esearch treats a term that matches no record served (see the module docstring)."""

FAULT_KINDS = (
    "429", "500", "502", "503", "slow", "timeout", "drop", "html", "truncated", "error", "status",
)  # fmt: skip


@dataclass
class Fault:
    """An injected failure: ``kind`` for the next ``times`` matching requests (None: until
    cleared). ``path`` limits it to one endpoint ("efetch.fcgi"); ``delay`` is the sleep of
    "slow" (then a normal answer) and "timeout" (then the connection is dropped); ``status``
    is the code of kind "status"."""

    kind: str
    times: int | None = 1
    path: str | None = None
    delay: float = 0.0
    status: int = 500
    hits: int = 0

    def matches(self, endpoint: str) -> bool:
        return (self.times is None or self.hits < self.times) and (
            self.path is None or self.path == endpoint
        )


@dataclass(frozen=True)
class Recorded:
    """One request the fake served. ``params`` merges the query string and the POST form."""

    method: str
    path: str
    endpoint: str
    params: dict[str, str]
    query: dict[str, str]
    form: dict[str, str]
    status: int
    fault: str | None
    time: float
    headers: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- the server


class FakeEutils:
    """The fake E-utilities on 127.0.0.1.

    ``url``: base URL ending in "/" (``http://127.0.0.1:PORT/entrez/eutils/``); ``idconv_url``:
    the PMC ID converter. ``requests``: every request served (:class:`Recorded`).
    ``rate_limit``: enforce NCBI's 3/s (10/s with api_key). ``inject(...)``: faults.
    ``extra_records``: more PubmedArticleSet / NLMCatalogRecordSet documents to serve.
    ``include_corpus=False`` serves only the built seed records and the extras.
    ``absent_terms`` ("unknown", "known" or "strict") and ``citmatch_relax``: see the module
    docstring; ``drop_unknown_terms=True`` is the older spelling of ``absent_terms="unknown"``.
    ``efetch_default_html``: efetch db=pubmed without retmode answers with an HTML
    page (like the recorded pubmed3.html). ``retry_after``: seconds sent in Retry-After with
    a 429 (None: no header). ``max_get_query``: a GET whose query string is longer answers 414
    (send long id lists and ECitMatch batches by POST). History-based efetch/esummary return
    ``retmax`` records (default 20, as for esearch): pass retmax. ``replay_recorded``: the
    requests recorded in ../shared/ncbi-samples/ (RECORDED_REPLAYS) get their recorded answer.
    ``latency``: seconds every answer waits (a network round trip, for benchmarks).
    """

    def __init__(
        self,
        *,
        rate_limit: bool = False,
        absent_terms: str = "unknown",
        citmatch_relax: bool = False,
        drop_unknown_terms: bool | None = None,
        extra_records: Iterable[bytes] = (),
        include_corpus: bool = True,
        efetch_default_html: bool = True,
        retry_after: int | None = None,
        max_get_query: int | None = 8000,
        replay_recorded: bool = True,
        latency: float = 0.0,
    ) -> None:
        self.rate_limit = rate_limit
        if drop_unknown_terms is not None:
            absent_terms = "unknown" if drop_unknown_terms else "strict"
        if absent_terms not in ABSENT_TERMS:
            raise ValueError(f"absent_terms: choose from {', '.join(ABSENT_TERMS)}")
        self.absent_terms = absent_terms
        self.citmatch_relax = citmatch_relax
        self.efetch_default_html = efetch_default_html
        self.retry_after = retry_after
        self.max_get_query = max_get_query
        self.replay_recorded = replay_recorded
        self.latency = latency
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.rate_limited = 0
        self.history: dict[str, dict[str, tuple[str, list[str]]]] = {}
        self._lock = threading.Lock()
        self._windows: dict[str, deque[float]] = {}
        self._stopping = threading.Event()
        self.indexes: dict[str, list[Index]] = {db: [] for db in DATABASES}
        if include_corpus:
            for db, ix in base_indexes().items():
                self.indexes[db].append(ix)
        else:
            seeds = Index(
                d for p in sorted(BUILT.glob("pubmed-*.xml")) for d in docs_from_xml(p.read_bytes())
            )
            self.indexes["pubmed"].append(seeds)
            self.indexes["nlmcatalog"].append(base_indexes()["nlmcatalog"])
        extra: dict[str, Index] = {}
        for blob in extra_records:
            for doc in docs_from_xml(blob):
                extra.setdefault(doc.db, Index()).add(doc)
        for db, ix in extra.items():
            self.indexes[db].insert(0, ix)
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=QuietHandler
        )
        self.port: int = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}/entrez/eutils/"
        self.idconv_url = f"http://127.0.0.1:{self.port}/pmc/utils/idconv/v1.0/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    # ----------------------------------------------------------------- lifecycle & control

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeEutils:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(
        self,
        kind: str,
        times: int | None = 1,
        *,
        path: str | None = None,
        delay: float | None = None,
        status: int = 500,
    ) -> Fault:
        """Fail the next ``times`` requests (to ``path``, e.g. "efetch.fcgi") with ``kind``:
        "429", "500", "502", "503", "status" (any ``status``), "slow" (sleep ``delay``, default
        2 s, then answer), "timeout" (sleep ``delay``, default 30 s, then drop the connection),
        "drop" (close the connection at once), "html" (an HTML error page with status 200),
        "truncated" (the real answer cut in half), "error" (an ``<ERROR>`` element, 200)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from {', '.join(FAULT_KINDS)}")
        default_delay = {"slow": 2.0, "timeout": 30.0}.get(kind, 0.0)
        fault = Fault(kind, times, path, default_delay if delay is None else delay, status)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def count(self, endpoint: str | None = None) -> int:
        """Requests served (to ``endpoint``, e.g. "esearch.fcgi")."""
        return sum(1 for r in self.requests if endpoint is None or r.endpoint == endpoint)

    def reset(self) -> None:
        """Forget recorded requests, faults, rate windows and the history server."""
        with self._lock:
            self.requests.clear()
            self.faults.clear()
            self._windows.clear()
            self.history.clear()
            self.rate_limited = 0

    def doc(self, db: str, uid: str) -> Doc | None:
        for ix in self.indexes[db]:
            if uid in ix.docs:
                return ix.docs[uid]
        return None

    def search(self, db: str, term: str, field: str | None = None) -> tuple[list[str], Searcher]:
        """Evaluate a query as esearch would (ids sorted newest PMID first)."""
        searcher = Searcher(
            self.indexes[db],
            self.absent_terms == "unknown",
            field,
            report_unmatched=self.absent_terms == "strict",
        )
        ids = searcher.run(parse_query(term))
        return sorted(ids, key=_sort_key, reverse=True), searcher

    # ----------------------------------------------------------------- WSGI

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        endpoint = request.path.rstrip("/").rsplit("/", 1)[-1]
        if request.path.rstrip("/").endswith("idconv/v1.0"):
            endpoint = "idconv"
        query = {k: ",".join(request.args.getlist(k)) for k in request.args}
        form = {k: ",".join(request.form.getlist(k)) for k in request.form}
        params = {**query, **form}
        if self.latency:
            self._stopping.wait(self.latency)
        response = self._limit(request, params)
        fault = self._take_fault(endpoint) if response is None else None
        if response is None and fault is not None:
            response = self._fault_response(fault, environ, endpoint, params, request)
        if response is None:
            try:
                response = self._dispatch(request, endpoint, params)
            except QueryError as exc:
                response = _xml(_wrap("eSearchResult", f"<ERROR>{escape(str(exc))}</ERROR>"))
        with self._lock:
            self.requests.append(
                Recorded(
                    request.method,
                    request.path,
                    endpoint,
                    params,
                    query,
                    form,
                    response.status_code,
                    fault.kind if fault else None,
                    time.time(),
                    dict(request.headers.items()),
                )  # fmt: skip
            )
        return response(environ, start_response)

    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(endpoint):
                    fault.hits += 1
                    return fault
        return None

    def _limit(self, request: Request, params: dict[str, str]) -> Response | None:
        if not self.rate_limit:
            return None
        key = params.get("api_key") or request.remote_addr or "?"
        limit = 10 if params.get("api_key") else 3
        now = time.monotonic()
        with self._lock:
            window = self._windows.setdefault(key, deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= limit:
                self.rate_limited += 1
                return self._too_many(key, len(window) + 1, limit)
            window.append(now)
        return None

    def _too_many(self, key: str, count: int, limit: int) -> Response:
        body = json.dumps(
            {
                "error": "API rate limit exceeded",
                "api-key": key,
                "count": str(count),
                "limit": str(limit),
            }
        )
        response = Response(body, status=429, content_type="application/json")
        if self.retry_after is not None:
            response.headers["Retry-After"] = str(self.retry_after)
        return response

    def _fault_response(
        self,
        fault: Fault,
        environ: dict[str, Any],
        endpoint: str,
        params: dict[str, str],
        request: Request,
    ) -> Response | None:
        kind = fault.kind
        if kind == "429":
            key = params.get("api_key")
            return self._too_many(key or "127.0.0.1", 11 if key else 4, 10 if key else 3)
        if kind in ("500", "502", "503", "status"):
            code = fault.status if kind == "status" else int(kind)
            return Response(
                HTML_ERROR_PAGE.replace("503", str(code)), status=code, content_type="text/html"
            )
        if kind == "slow":
            self._stopping.wait(fault.delay)
            return None
        if kind in ("timeout", "drop"):
            if kind == "timeout":
                self._stopping.wait(fault.delay)
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(2)
                except OSError:
                    pass
            return Response(b"", status=200)
        if kind == "html":
            return Response(HTML_ERROR_PAGE, status=200, content_type="text/html")
        if kind == "error":
            root = {
                "esearch.fcgi": "eSearchResult", "esummary.fcgi": "eSummaryResult",
                "epost.fcgi": "ePostResult",
            }.get(endpoint, "eFetchResult")  # fmt: skip
            return _xml(_wrap(root, "<ERROR>Unable to obtain query #1</ERROR>"))
        if kind == "truncated":
            good = self._dispatch(request, endpoint, params)
            body = good.get_data()
            cut = max(1, len(body) // 2)
            return Response(body[:cut], status=200, content_type=good.content_type)
        return None  # pragma: no cover

    def _dispatch(self, request: Request, endpoint: str, params: dict[str, str]) -> Response:
        if self.replay_recorded:
            for utility, wanted, name in RECORDED_REPLAYS:
                if utility == endpoint and all(params.get(k) == v for k, v in wanted.items()):
                    return _xml((RECORDED / name).read_bytes())
        handler = {
            "esearch.fcgi": self._esearch,
            "efetch.fcgi": self._efetch,
            "esummary.fcgi": self._esummary,
            "epost.fcgi": self._epost,
            "ecitmatch.cgi": self._ecitmatch,
            "einfo.fcgi": self._einfo,
            "idconv": self._idconv,
        }.get(endpoint)
        if handler is None and endpoint.endswith((".fcgi", ".cgi")):
            message = f"fake E-utilities: {endpoint} is not implemented (only recorded replays)\n"
            return Response(message, status=501, content_type="text/plain")
        if handler is None:
            return Response(
                f"404: no such E-utility {endpoint!r}\n", status=404, content_type="text/plain"
            )
        limit = self.max_get_query
        if request.method == "GET" and limit is not None and len(request.query_string) > limit:
            return Response("414 Request-URI Too Long\n", status=414, content_type="text/plain")
        return handler(params)

    # ----------------------------------------------------------------- history server

    def _store(self, db: str, ids: list[str], webenv: str | None) -> tuple[str, str]:
        with self._lock:
            if not webenv or webenv not in self.history:
                webenv = "MCID_" + secrets.token_hex(12)
                self.history[webenv] = {}
            keys = self.history[webenv]
            query_key = str(len(keys) + 1)
            keys[query_key] = (db, ids)
        return webenv, query_key

    def _ids(self, params: dict[str, str], db: str) -> list[str] | str:
        """Ids from ``id`` or from WebEnv+query_key; a string is an error message."""
        if params.get("id", "").strip():
            return [i for i in re.split(r"[\s,]+", params["id"]) if i]
        webenv, query_key = params.get("WebEnv"), params.get("query_key")
        if webenv and query_key:
            stored = self.history.get(webenv, {}).get(query_key)
            if stored is None:
                return f"Unable to obtain query #{query_key}"
            start = int(params.get("retstart") or 0)
            size = int(params.get("retmax") or 20)
            return stored[1][start : start + size]
        return "Empty id list - nothing todo"

    # ----------------------------------------------------------------- endpoints

    def _esearch(self, params: dict[str, str]) -> Response:
        db = params.get("db", "pubmed")
        json_mode = params.get("retmode") == "json"
        if db not in DATABASES:
            return _xml(
                _wrap("eSearchResult", f"<ERROR>Invalid db name specified: {escape(db)}</ERROR>")
            )
        term = params.get("term", "").strip()
        if not term:
            return _xml(
                _wrap("eSearchResult", "<ERROR>Empty term and query_key - nothing todo</ERROR>")
            )
        ids, searcher = self.search(db, term, params.get("field"))
        start = int(params.get("retstart") or 0)
        retmax = min(int(params.get("retmax") or 20), 10000 if db == "pubmed" else 100000)
        page = ids[start : start + retmax]
        history = ""
        webenv = query_key = None
        if params.get("usehistory", "").lower() == "y":
            webenv, query_key = self._store(db, ids, params.get("WebEnv"))
            history = f"<QueryKey>{query_key}</QueryKey><WebEnv>{webenv}</WebEnv>"
        translation = " AND ".join(searcher.translation)
        if json_mode:
            result: dict[str, Any] = {
                "count": str(len(ids)), "retmax": str(len(page)), "retstart": str(start),
                "idlist": page, "translationset": [], "querytranslation": translation,
            }  # fmt: skip
            if webenv:
                result["querykey"], result["webenv"] = query_key, webenv
            if searcher.not_found or searcher.fields_not_found:
                result["errorlist"] = {
                    "phrasesnotfound": searcher.not_found,
                    "fieldsnotfound": searcher.fields_not_found,
                }
            if not ids:
                result["warninglist"] = {"outputmessages": ["No items found."]}
            body = {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result}
            return Response(json.dumps(body), content_type="application/json; charset=UTF-8")
        id_xml = "".join(f"<Id>{i}</Id>\n" for i in page)
        id_list = f"<IdList>\n{id_xml}</IdList>" if page else "<IdList/>"
        errors = "".join(
            f"<PhraseNotFound>{escape(p)}</PhraseNotFound>" for p in searcher.not_found
        )
        errors += "".join(
            f"<FieldNotFound>{escape(f)}</FieldNotFound>" for f in searcher.fields_not_found
        )
        tail = f"<ErrorList>{errors}</ErrorList>" if errors else ""
        if not ids:
            tail += "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>"
        body_xml = (
            f"<eSearchResult><Count>{len(ids)}</Count><RetMax>{len(page)}</RetMax>"
            f"<RetStart>{start}</RetStart>{history}{id_list}<TranslationSet/>"
            f"<QueryTranslation>{escape(translation)}</QueryTranslation>{tail}</eSearchResult>"
        )
        return _xml(XML_DECL + ESEARCH_DOCTYPE + "\n" + body_xml)

    def _efetch(self, params: dict[str, str]) -> Response:
        db = params.get("db", "pubmed")
        if db not in DATABASES:
            return _xml(
                _wrap("eFetchResult", f"<ERROR>Invalid db name specified: {escape(db)}</ERROR>")
            )
        ids = self._ids(params, db)
        if isinstance(ids, str):
            return _xml(_wrap("eFetchResult", f"<ERROR>{escape(ids)}</ERROR>"))
        retmode = params.get("retmode", "").lower()
        if retmode not in ("xml", "") or params.get("rettype", "") not in (
            "",
            "xml",
            "abstract",
            "full",
        ):
            return Response(
                "fake E-utilities: only retmode=xml is implemented\n",
                status=501,
                content_type="text/plain",
            )
        docs = [
            d
            for uid in ids
            if (d := self.doc(db, uid.strip().lstrip("0") if db == "pubmed" else uid))
        ]
        if db == "pubmed" and not retmode and self.efetch_default_html:
            return Response(_pmfetch_html(docs), content_type="text/html; charset=UTF-8")
        if db == "nlmcatalog":
            inner = b"\n".join(d.raw for d in docs)
            return _xml(
                f"{XML_DECL}{NLM_DOCTYPE}\n<NLMCatalogRecordSet>\n".encode()
                + inner
                + b"\n</NLMCatalogRecordSet>\n"
            )
        inner = b"\n".join(d.raw for d in docs)
        head = f"{XML_DECL}{PUBMED_DOCTYPE}\n<PubmedArticleSet>\n".encode()
        return _xml(head + inner + b"\n</PubmedArticleSet>\n")

    def _esummary(self, params: dict[str, str]) -> Response:
        db = params.get("db", "pubmed")
        if db not in DATABASES:
            return _xml(
                _wrap("eSummaryResult", f"<ERROR>Invalid db name specified: {escape(db)}</ERROR>")
            )
        ids = self._ids(params, db)
        if isinstance(ids, str):
            message = "Neither query_key nor id specified" if ids.startswith("Empty") else ids
            return _xml(
                XML_DECL
                + ESUMMARY_DOCTYPE
                + f"\n<eSummaryResult>\n\t<ERROR>{escape(message)}</ERROR>\n</eSummaryResult>\n"
            )
        docs = [d for uid in ids if (d := self.doc(db, uid))]
        if params.get("retmode") == "json":
            result: dict[str, Any] = {"uids": [d.uid for d in docs]}
            for d in docs:
                result[d.uid] = _summary_json(d)
            body = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
            return Response(json.dumps(body), content_type="application/json; charset=UTF-8")
        sums = "".join(_docsum_xml(d) for d in docs)
        return _xml(XML_DECL + ESUMMARY_DOCTYPE + f"\n<eSummaryResult>\n{sums}</eSummaryResult>\n")

    def _epost(self, params: dict[str, str]) -> Response:
        db = params.get("db", "pubmed")
        if db not in DATABASES:
            return _xml(
                _wrap("ePostResult", f"<ERROR>Invalid db name specified: {escape(db)}</ERROR>")
            )
        ids = [i for i in re.split(r"[\s,]+", params.get("id", "")) if i]
        good = [i for i in ids if i.isdigit() and int(i) < 2**64] if db == "pubmed" else ids
        if not good:
            errors = "\t<ERROR>Empty ID list; Nothing to store</ERROR>\n"
            if ids:
                errors += "\t<ERROR>Some IDs have invalid value and were omitted.</ERROR>"
            return _xml(_wrap("ePostResult", errors))
        webenv, query_key = self._store(db, good, params.get("WebEnv"))
        return _xml(
            f"{XML_DECL}{EPOST_DOCTYPE}<ePostResult>\n\t<QueryKey>{query_key}</QueryKey>\n"
            f"\t<WebEnv>{webenv}</WebEnv>\n</ePostResult>\n"
        )

    def _ecitmatch(self, params: dict[str, str]) -> Response:
        bdata = params.get("bdata", "")
        lines = [ln for ln in re.split(r"[\r\n]+", bdata) if ln.strip()]
        out = [self._citmatch_line(ln) for ln in lines]
        return Response(
            "\n".join(out) + ("\n" if out else ""), content_type="text/plain; charset=UTF-8"
        )

    def _citmatch_line(self, line: str) -> str:
        fields = line.split("|")
        fields += [""] * (6 - len(fields))
        journal, year, volume, page, author, key = (f.strip() for f in fields[:6])
        echo = "|".join(fields[:6]) + "|"
        index = self.indexes["pubmed"]
        if journal and not any(norm(journal) in ix.by["ta"] for ix in index):
            return echo + "NOT_FOUND;INVALID_JOURNAL"
        checks: list[tuple[str, str]] = [
            ("ta", journal),
            ("dp", year),
            ("vi", volume),
            ("pg", page),
            ("au", author),
        ]
        # match on the fields given (EUTILS.md); only with citmatch_relax (not documented by
        # NCBI) retry without the author, then without the year
        relaxed: tuple[tuple[str, ...], ...] = ((), ("au",), ("au", "dp"))
        for dropped in relaxed if self.citmatch_relax else relaxed[:1]:
            terms = [
                Term(tag, value, False) for tag, value in checks if value and tag not in dropped
            ]
            if len(terms) < 2:
                break
            searcher = Searcher(index, drop_unknown=False, default_tag=None)
            node: Node | None = None
            for t in terms:
                node = t if node is None else ("AND", node, t)
            hits = searcher.run(node)
            if len(hits) == 1:
                return echo + next(iter(hits))
            if len(hits) > 1:
                return echo + "AMBIGUOUS"
        return echo + "NOT_FOUND"

    def _einfo(self, params: dict[str, str]) -> Response:
        name = "einfo2.xml" if params.get("db") == "pubmed" else "einfo1.xml"
        return _xml((RECORDED / name).read_bytes())

    def _idconv(self, params: dict[str, str]) -> Response:
        records = []
        for raw in [i for i in re.split(r"[\s,]+", params.get("ids", "")) if i]:
            doc = self._idconv_find(raw, params.get("idtype", ""))
            if doc is None:
                records.append(
                    {"requested-id": raw, "status": "error", "errmsg": "invalid article id"}
                )
                continue
            rec: dict[str, str] = {"requested-id": raw, "pmid": doc.uid}
            if doc.pmcid:
                rec["pmcid"] = doc.pmcid
            if doc.dois:
                rec["doi"] = sorted(doc.dois)[0]
            records.append(rec)
        body = {
            "status": "ok",
            "responseDate": time.strftime("%Y-%m-%d %H:%M:%S"),
            "records": records,
        }
        return Response(json.dumps(body), content_type="application/json; charset=UTF-8")

    def _idconv_find(self, raw: str, idtype: str) -> Doc | None:
        for ix in self.indexes["pubmed"]:
            if (raw.isdigit() and idtype in ("", "pmid")) and raw in ix.docs:
                return ix.docs[raw]
            doi = normalize_doi(raw)
            for uid in ix.by["doi"].get(doi or "", ()):
                return ix.docs[uid]
            if raw.upper().startswith("PMC") or idtype == "pmcid":
                want = raw.upper() if raw.upper().startswith("PMC") else f"PMC{raw}"
                for doc in ix.docs.values():
                    if doc.pmcid.upper() == want:
                        return doc
        return None


# --------------------------------------------------------------------------- renderers


def _sort_key(uid: str) -> tuple[int, str]:
    return (int(uid), uid) if uid.isdigit() else (-1, uid)


def _xml(body: str | bytes) -> Response:
    return Response(body, content_type="text/xml; charset=UTF-8")


def _wrap(root: str, inner: str) -> str:
    return f"{XML_DECL}<{root}>\n{inner}\n</{root}>\n"


def _pmfetch_html(docs: list[Doc]) -> str:
    entries = "".join(
        f"Pubmed-entry ::= {{\n  pmid {d.uid},\n  title &quot;{escape(d.title)}&quot;\n}}\n"
        for d in docs
    )
    head = "<html><head><title>PmFetch response</title></head><body>\n<pre>\n"
    return f"{head}{entries}</pre>\n</body></html>\n"


def _so(d: Doc) -> str:
    vol = d.volume + (f"({d.issue})" if d.issue else "")
    return f"{d.pubdate_text};{vol}:{d.medline_pgn}" if d.medline_pgn else f"{d.pubdate_text};{vol}"


def _docsum_fields(d: Doc) -> list[tuple[str, str, Any]]:
    if d.db == "nlmcatalog":
        return [
            ("Title", "String", d.title), ("Publisher", "String", d.publisher),
            ("PlaceOfPublication", "String", d.place),
            ("PublicationYear", "String", d.pubdate_text), ("Edition", "String", d.edition),
            ("ISBN", "List", [("ISBN", i) for i in sorted(d.isbns)]),
            ("AuthorList", "List", [("Author", a) for a in d.author_display]),
            ("NLMUniqueID", "String", d.uid),
        ]  # fmt: skip
    ids = [("pubmed", d.uid)] + [("doi", x) for x in sorted(d.dois)]
    if d.pmcid:
        ids.append(("pmc", d.pmcid))
    return [
        ("PubDate", "Date", d.pubdate_text), ("EPubDate", "Date", ""),
        ("Source", "String", d.journal_iso),
        ("AuthorList", "List", [("Author", a) for a in d.author_display]),
        ("LastAuthor", "String", d.author_display[-1] if d.author_display else ""),
        ("Title", "String", d.title), ("Volume", "String", d.volume), ("Issue", "String", d.issue),
        ("Pages", "String", d.medline_pgn), ("LangList", "List", [("Lang", d.language)]),
        ("ISSN", "String", d.issn), ("PubTypeList", "List", [("PubType", p) for p in d.pub_types]),
        ("ArticleIds", "List", ids), ("DOI", "String", sorted(d.dois)[0] if d.dois else ""),
        ("FullJournalName", "String", d.journal_full),
        ("ELocationID", "String", f"doi: {sorted(d.dois)[0]}" if d.dois else ""),
        ("SO", "String", _so(d)),
    ]  # fmt: skip


def _docsum_xml(d: Doc) -> str:
    items = []
    for name, kind, value in _docsum_fields(d):
        if kind == "List":
            sub = "".join(
                f'\t\t<Item Name="{n}" Type="String">{escape(v)}</Item>\n' for n, v in value
            )
            items.append(f'\t<Item Name="{name}" Type="List">\n{sub}\t</Item>\n')
        else:
            items.append(f'\t<Item Name="{name}" Type="{kind}">{escape(value)}</Item>\n')
    return f"<DocSum>\n\t<Id>{d.uid}</Id>\n{''.join(items)}</DocSum>\n\n"


def _summary_json(d: Doc) -> dict[str, Any]:
    if d.db == "nlmcatalog":
        return {
            "uid": d.uid,
            **{
                k.lower(): (v if kind != "List" else [x for _, x in v])
                for k, kind, v in _docsum_fields(d)
            },
        }
    ids = [{"idtype": "pubmed", "idtypen": 1, "value": d.uid}]
    ids += [{"idtype": "doi", "idtypen": 3, "value": x} for x in sorted(d.dois)]
    if d.pmcid:
        ids.append({"idtype": "pmc", "idtypen": 8, "value": d.pmcid})
    return {
        "uid": d.uid, "pubdate": d.pubdate_text, "epubdate": "", "source": d.journal_iso,
        "authors": [{"name": a, "authtype": "Author", "clusterid": ""} for a in d.author_display],
        "lastauthor": d.author_display[-1] if d.author_display else "", "title": d.title,
        "volume": d.volume, "issue": d.issue, "pages": d.medline_pgn, "lang": [d.language],
        "issn": d.issn, "pubtype": d.pub_types, "articleids": ids,
        "fulljournalname": d.journal_full,
        "elocationid": f"doi: {sorted(d.dois)[0]}" if d.dois else "", "so": _so(d),
    }  # fmt: skip


def iter_docs(db: str = "pubmed") -> Iterator[Doc]:
    """The base records (corpus + built seeds) of ``db``: for benchmarks that render references."""
    yield from base_indexes()[db].docs.values()
