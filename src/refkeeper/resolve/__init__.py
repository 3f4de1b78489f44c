"""Resolution against PubMed and the NLM Catalog: the only package that touches the network.

Public API::

    session = make_session(cache_path)                 # requests_cache.CachedSession
    client = EntrezClient(session, base_url=..., api_key=..., email=..., offline=False)
    sources = [EntrezSource(client)]                   # any Source, in order
    resolutions = resolve_references(refs, sources, progress=callback)
    resolution = resolve_identifier("pmid:8620427", sources)
    works = client.fetch_pubmed(["8620427"])

``resolve_references`` also takes a client alone (wrapped in an EntrezSource).
"""

from refkeeper.resolve.client import (
    DEFAULT_BASE_URL,
    SHARED_LIMITER,
    CitationQuery,
    EntrezClient,
    NotCached,
    RateLimiter,
    default_base_url,
)
from refkeeper.resolve.match import Decision, Score, decide, score_candidate
from refkeeper.resolve.session import make_session, response_problem
from refkeeper.resolve.source import Probe, Source, resolve_with
from refkeeper.resolve.strategy import (
    EntrezSource,
    Sources,
    as_sources,
    reference_fields,
    resolve_identifier,
    resolve_references,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "SHARED_LIMITER",
    "CitationQuery",
    "Decision",
    "EntrezClient",
    "EntrezSource",
    "Probe",
    "Source",
    "Sources",
    "as_sources",
    "resolve_with",
    "NotCached",
    "RateLimiter",
    "Score",
    "decide",
    "default_base_url",
    "make_session",
    "reference_fields",
    "resolve_identifier",
    "resolve_references",
    "response_problem",
    "score_candidate",
]
